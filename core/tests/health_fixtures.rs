//! Every fixture of `shared/fixtures/health/expected.yaml` (live objects copied from
//! gitops-engine's health tests, with the health Argo CD assigns) through `health::assess`.

use hookline_core::health::{HealthRules, assess};
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    file: String,
    /// A health status name, or `none` for "no health check".
    status: String,
    #[serde(default)]
    message: Option<String>,
}

fn fixtures_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/health");
    assert!(
        dir.join("expected.yaml").is_file(),
        "health fixtures not found at {}: the `shared` folder must sit beside the repository \
         clone (…/shared next to …/<clone>)",
        dir.display()
    );
    dir
}

fn load_yaml<T: serde::de::DeserializeOwned>(path: &PathBuf) -> T {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

#[test]
fn every_fixture_has_the_expected_health() {
    let dir = fixtures_dir();
    let expectations: Vec<Expectation> = load_yaml(&dir.join("expected.yaml"));
    assert!(expectations.len() >= 50, "expected.yaml looks truncated");
    let rules = HealthRules::default();
    let mut failures = Vec::new();
    let mut messages_checked = 0;
    for e in &expectations {
        let obj: Value = load_yaml(&dir.join(&e.file));
        let got = assess(&obj, &rules);
        let got_status = got.as_ref().map_or("none", |h| h.status.as_str());
        if got_status != e.status {
            failures.push(format!("{}: expected {}, got {got:?}", e.file, e.status));
            continue;
        }
        if let Some(want) = &e.message {
            messages_checked += 1;
            let got_message = got.as_ref().map_or("", |h| h.message.as_str());
            if got_message != want {
                failures.push(format!(
                    "{}: expected message {want:?}, got {got_message:?}",
                    e.file
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures wrong:\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
    assert!(messages_checked >= 4);
}

#[test]
fn every_fixture_file_is_listed() {
    let dir = fixtures_dir();
    let expectations: Vec<Expectation> = load_yaml(&dir.join("expected.yaml"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml") && name != "expected.yaml")
        .collect();
    files.sort();
    for f in &files {
        assert!(
            expectations.iter().any(|e| &e.file == f),
            "{f} has no entry in expected.yaml"
        );
    }
}
