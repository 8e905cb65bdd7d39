//! SARIF 2.1.0 shape and determinism of `core::lint` through the public API.

use hookline_core::lint::{self, Finding, LintConfig, RULES};
use hookline_core::manifest::parse_str;
use hookline_core::plan::{LiveSet, SyncSettings};
use serde_json::Value;

const MANIFESTS: &str = r#"
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/hook: Presync
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata:
  name: check
  annotations:
    argocd.argoproj.io/hook: PostSync
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  annotations:
    helm.sh/hook-weight: "3"
"#;

fn findings() -> Vec<Finding> {
    let manifests = parse_str(MANIFESTS, "app/manifests.yaml").expect("parses");
    let config = LintConfig {
        settings: SyncSettings {
            sync_options: vec!["Replace = true".into()],
            ..SyncSettings::default()
        },
        ..LintConfig::default()
    };
    lint::lint(&manifests, &LiveSet::default(), &config)
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} missing in {v}"))
}

#[test]
fn sarif_has_the_required_shape() {
    let f = findings();
    let levels: Vec<&str> = f.iter().map(|x| x.severity.as_str()).collect();
    assert!(levels.contains(&"error") && levels.contains(&"warning") && levels.contains(&"info"));
    let log = lint::to_sarif(&f, "1.2.3");
    assert_eq!(s(&log, "/version"), "2.1.0");
    assert!(s(&log, "/$schema").contains("sarif-2.1.0"));
    assert_eq!(s(&log, "/runs/0/tool/driver/name"), "hookline");
    assert_eq!(s(&log, "/runs/0/tool/driver/version"), "1.2.3");

    let rules = log
        .pointer("/runs/0/tool/driver/rules")
        .and_then(Value::as_array)
        .expect("rules");
    assert_eq!(rules.len(), RULES.len());
    for r in rules {
        for p in [
            "/id",
            "/name",
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
            "/defaultConfiguration/level",
        ] {
            assert!(!s(r, p).is_empty(), "{p} in {r}");
        }
        assert!(["error", "warning", "note"].contains(&s(r, "/defaultConfiguration/level")));
        assert!(s(r, "/help/text").contains("Fix:"));
    }

    let results = log
        .pointer("/runs/0/results")
        .and_then(Value::as_array)
        .expect("results");
    assert_eq!(results.len(), f.len());
    for (r, finding) in results.iter().zip(&f) {
        assert_eq!(s(r, "/ruleId"), finding.code);
        let want = match finding.severity.as_str() {
            "info" => "note",
            other => other,
        };
        assert_eq!(s(r, "/level"), want);
        assert_eq!(s(r, "/message/text"), finding.message);
        let index = r
            .pointer("/ruleIndex")
            .and_then(Value::as_u64)
            .expect("ruleIndex");
        assert_eq!(s(&rules[index as usize], "/id"), finding.code);
        if finding.source.file.starts_with('<') {
            // App-level options: no file, a logical location only.
            assert!(r.pointer("/locations/0/physicalLocation").is_none());
            assert!(
                r.pointer("/locations/0/logicalLocations/0/fullyQualifiedName")
                    .is_some()
            );
        } else {
            assert_eq!(
                s(r, "/locations/0/physicalLocation/artifactLocation/uri"),
                "app/manifests.yaml"
            );
            let line = r
                .pointer("/locations/0/physicalLocation/region/startLine")
                .and_then(Value::as_u64)
                .expect("startLine");
            assert_eq!(line as usize, finding.source.line);
            assert!(line >= 1);
        }
    }
}

#[test]
fn reversed_input_gives_the_same_findings() {
    let mut manifests = parse_str(MANIFESTS, "app/manifests.yaml").expect("parses");
    let config = LintConfig::default();
    let forward = lint::lint(&manifests, &LiveSet::default(), &config);
    manifests.reverse();
    let backward = lint::lint(&manifests, &LiveSet::default(), &config);
    assert_eq!(forward, backward);
    assert_eq!(
        serde_json::to_string(&lint::to_sarif(&forward, "0")).ok(),
        serde_json::to_string(&lint::to_sarif(&backward, "0")).ok()
    );
}
