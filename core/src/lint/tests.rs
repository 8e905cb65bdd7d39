//! One triggering and one non-triggering case per rule, plus suppression, order and output.

use super::*;
use crate::object::keys;
use serde_json::{Value, json};

fn at(obj: Value, line: usize) -> Manifest {
    Manifest {
        object: obj,
        source: Source {
            file: "t.yaml".into(),
            document: line,
            line,
        },
    }
}

fn m(obj: Value) -> Manifest {
    at(obj, 1)
}

/// A well-formed hook Job: fixed name, BeforeHookCreation, restartPolicy Never, deadline.
fn job(name: &str, ann: Value) -> Value {
    let mut annotations = json!({
        keys::HOOK: "PreSync",
        keys::HOOK_DELETE_POLICY: "BeforeHookCreation,HookSucceeded",
    });
    if let (Some(a), Some(extra)) = (annotations.as_object_mut(), ann.as_object()) {
        for (k, v) in extra {
            if v.is_null() {
                a.remove(k);
            } else {
                a.insert(k.clone(), v.clone());
            }
        }
    }
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": name, "annotations": annotations},
        "spec": {"activeDeadlineSeconds": 600, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}
    })
}

fn cm(name: &str, ann: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "annotations": ann}})
}

fn run(ms: &[Manifest]) -> Vec<Finding> {
    lint(ms, &LiveSet::default(), &LintConfig::default())
}

fn run_with(ms: &[Manifest], live: &LiveSet, settings: SyncSettings) -> Vec<Finding> {
    lint(
        ms,
        live,
        &LintConfig {
            settings,
            ..LintConfig::default()
        },
    )
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn only<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

fn one<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    let got = only(findings, code);
    assert_eq!(got.len(), 1, "exactly one {code} in {findings:#?}");
    got[0]
}

#[test]
fn well_formed_objects_are_clean() {
    let f = run(&[
        m(job("migrate", json!({}))),
        m(cm("plain", json!({keys::SYNC_WAVE: "2"}))),
    ]);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn catalogue_is_consistent() {
    for (i, r) in RULES.iter().enumerate() {
        assert_eq!(r.code, format!("HL{:03}", i + 1));
        assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        assert_eq!(rule(r.name).map(|x| x.code), Some(r.code));
        assert_eq!(rule(&r.code.to_lowercase()).map(|x| x.code), Some(r.code));
    }
}

// HL001 (H-4, H-7)
#[test]
fn hl001_misspelled_argo_type_is_an_error_with_suggestion() {
    let f = run(&[m(job("j", json!({keys::HOOK: "Presync"})))]);
    let x = one(&f, "HL001");
    assert_eq!(x.severity, Severity::Error);
    assert!(
        x.message.contains("did you mean `PreSync`"),
        "{}",
        x.message
    );
    assert_eq!(x.fix, format!("write `{}: PreSync`", keys::HOOK));
    assert_eq!(x.name, "unknown-hook-type");
    assert_eq!(x.rule, "H-4, H-7");

    // A Helm word in the Argo annotation maps to the Argo word.
    let f = run(&[m(job("j", json!({keys::HOOK: "pre-install"})))]);
    assert!(one(&f, "HL001").message.contains("`PreSync`"));
    // Garbage next to a valid type is only a warning: the hook still runs.
    let f = run(&[m(job("j", json!({keys::HOOK: "PreSycn,PostSync"})))]);
    let x = one(&f, "HL001");
    assert_eq!(x.severity, Severity::Warning);
    assert!(x.fix.contains("PreSync,PostSync"), "{}", x.fix);
    // Empty value: ignored object.
    let f = run(&[m(job("j", json!({keys::HOOK: ""})))]);
    assert_eq!(one(&f, "HL001").severity, Severity::Error);
}

#[test]
fn hl001_helm_values() {
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: null, keys::HELM_HOOK: "pre-instal"}),
    ))]);
    let x = one(&f, "HL001");
    assert!(x.message.contains("`pre-install`"), "{}", x.message);
    assert_eq!(x.severity, Severity::Error);
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: null, keys::HELM_HOOK: "pre-install,pre-upgrade"}),
    ))]);
    assert!(only(&f, "HL001").is_empty(), "{f:#?}");
}

#[test]
fn hl001_valid_and_delete_types_pass() {
    for t in [
        "PreSync",
        "Sync,PostSync",
        "SyncFail",
        "PreDelete",
        "PostDelete",
    ] {
        let f = run(&[m(job("j", json!({keys::HOOK: t})))]);
        assert!(only(&f, "HL001").is_empty(), "{t}: {f:#?}");
    }
}

// HL002 (W-2)
#[test]
fn hl002_non_integer_wave() {
    let f = run(&[m(cm("c", json!({keys::SYNC_WAVE: "1.5"})))]);
    let x = one(&f, "HL002");
    assert!(x.message.contains("wave 0"), "{}", x.message);
    assert!(x.fix.contains("\"2\""), "{}", x.fix);
    let f = run(&[m(cm("c", json!({keys::SYNC_WAVE: " 3"})))]);
    assert!(one(&f, "HL002").fix.contains("\"3\""));
    let f = run(&[m(cm("c", json!({keys::SYNC_WAVE: "-3"})))]);
    assert!(only(&f, "HL002").is_empty());
}

// HL003 (W-3)
#[test]
fn hl003_helm_weight_moves_a_resource() {
    let f = run(&[m(cm("c", json!({keys::HELM_HOOK_WEIGHT: "5"})))]);
    assert!(one(&f, "HL003").message.contains("wave 5"));
    for ann in [
        json!({keys::HELM_HOOK_WEIGHT: "5", keys::SYNC_WAVE: "1"}),
        json!({keys::HELM_HOOK_WEIGHT: "0"}),
    ] {
        assert!(only(&run(&[m(cm("c", ann))]), "HL003").is_empty());
    }
    // On hooks the weight is the intended wave.
    let f = run(&[m(job("j", json!({keys::HELM_HOOK_WEIGHT: "5"})))]);
    assert!(only(&f, "HL003").is_empty());
}

// HL004 (D-2, D-7)
#[test]
fn hl004_explicit_policy_without_before_hook_creation() {
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK_DELETE_POLICY: "HookSucceeded"}),
    ))]);
    let x = one(&f, "HL004");
    assert_eq!(
        x.fix,
        format!(
            "write `{}: BeforeHookCreation,HookSucceeded`",
            keys::HOOK_DELETE_POLICY
        )
    );
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK_DELETE_POLICY: null, keys::HELM_HOOK_DELETE_POLICY: "hook-succeeded"}),
    ))]);
    assert!(
        one(&f, "HL004")
            .fix
            .contains("before-hook-creation,hook-succeeded")
    );
    for ok in [
        json!({}),
        json!({keys::HOOK_DELETE_POLICY: null}),
        json!({keys::HOOK_DELETE_POLICY: "HookSucceeded,HookFailed"}),
    ] {
        assert!(only(&run(&[m(job("j", ok))]), "HL004").is_empty());
    }
    // A ConfigMap hook re-applied is harmless.
    let f = run(&[m(cm(
        "c",
        json!({keys::HOOK: "PreSync", keys::HOOK_DELETE_POLICY: "HookSucceeded"}),
    ))]);
    assert!(only(&f, "HL004").is_empty());
}

fn generated(ann: Value, ttl: bool) -> Value {
    let mut j = job("x", ann);
    j["metadata"] =
        json!({"generateName": "migrate-", "annotations": j["metadata"]["annotations"].clone()});
    if ttl {
        j["spec"]["ttlSecondsAfterFinished"] = json!(300);
    }
    j
}

// HL005 (D-6, D-10)
#[test]
fn hl005_generated_hooks_accumulate() {
    let f = run(&[m(generated(json!({keys::HOOK_DELETE_POLICY: null}), false))]);
    assert!(one(&f, "HL005").message.contains("migrate-"));
    let f = run(&[m(generated(
        json!({keys::HOOK_DELETE_POLICY: "BeforeHookCreation"}),
        false,
    ))]);
    assert_eq!(only(&f, "HL005").len(), 1);
    for (ann, ttl) in [
        (json!({}), false),
        (json!({keys::HOOK_DELETE_POLICY: "HookFailed"}), false),
        (json!({keys::HOOK_DELETE_POLICY: null}), true),
    ] {
        assert!(only(&run(&[m(generated(ann, ttl))]), "HL005").is_empty());
    }
}

fn pod(restart: Option<&str>) -> Value {
    let mut p = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "annotations": {keys::HOOK: "PostSync"}},
        "spec": {"activeDeadlineSeconds": 60, "containers": [{"name": "c", "image": "busybox"}]}});
    if let Some(r) = restart {
        p["spec"]["restartPolicy"] = json!(r);
    }
    p
}

// HL006 (HL-5, HL-21)
#[test]
fn hl006_hook_that_never_completes() {
    for p in [pod(None), pod(Some("Always"))] {
        let f = run(&[m(p)]);
        assert_eq!(one(&f, "HL006").severity, Severity::Error);
    }
    assert!(only(&run(&[m(pod(Some("Never")))]), "HL006").is_empty());
    let mut j = job("j", json!({}));
    j["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
    assert_eq!(only(&run(&[m(j)]), "HL006").len(), 1);
    // Plain (non-hook) Pods are not hooks.
    let mut p = pod(None);
    p["metadata"]["annotations"] = json!({});
    assert!(only(&run(&[m(p)]), "HL006").is_empty());
}

// HL007 (HL-5, HL-21)
#[test]
fn hl007_hook_without_deadline() {
    let mut j = job("j", json!({}));
    if let Some(spec) = j["spec"].as_object_mut() {
        spec.remove("activeDeadlineSeconds");
    }
    let f = run(&[m(j.clone())]);
    assert_eq!(one(&f, "HL007").severity, Severity::Info);
    j["spec"]["template"]["spec"]["activeDeadlineSeconds"] = json!(100);
    assert!(only(&run(&[m(j)]), "HL007").is_empty());
}

// HL008 (H-5)
#[test]
fn hl008_skip_with_other_types() {
    let f = run(&[m(job("j", json!({keys::HOOK: "Skip,PreSync"})))]);
    assert!(one(&f, "HL008").message.contains("PreSync hook"));
    let f = run(&[m(cm("c", json!({keys::HOOK: "Skip"})))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL009 (H-4)
#[test]
fn hl009_argo_and_helm_disagree() {
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: "PostSync", keys::HELM_HOOK: "pre-install"}),
    ))]);
    assert!(
        one(&f, "HL009")
            .message
            .contains("PostSync hook, not PreSync")
    );
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: "PreSync", keys::HELM_HOOK: "pre-install,pre-upgrade"}),
    ))]);
    assert!(only(&f, "HL009").is_empty());
}

// HL010 (H-6, H-7)
#[test]
fn hl010_unsupported_helm_hooks() {
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: null, keys::HELM_HOOK: "test"}),
    ))]);
    assert_eq!(one(&f, "HL010").severity, Severity::Warning);
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: null, keys::HELM_HOOK: "pre-install,pre-rollback"}),
    ))]);
    assert_eq!(one(&f, "HL010").severity, Severity::Info);
    // crd-install alone makes a plain resource (H-2.2).
    let f = run(&[m(cm("c", json!({keys::HELM_HOOK: "crd-install"})))]);
    assert!(f.is_empty(), "{f:#?}");
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK: null, keys::HELM_HOOK: "post-upgrade"}),
    ))]);
    assert!(only(&f, "HL010").is_empty());
}

// HL011 (D-1)
#[test]
fn hl011_unknown_delete_policy() {
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK_DELETE_POLICY: "BeforeHookCreation,HookSucceded"}),
    ))]);
    let x = one(&f, "HL011");
    assert!(x.message.contains("`HookSucceeded`"), "{}", x.message);
    // Helm spelling in the Argo annotation.
    let f = run(&[m(job(
        "j",
        json!({keys::HOOK_DELETE_POLICY: "before-hook-creation"}),
    ))]);
    assert!(one(&f, "HL011").message.contains("`BeforeHookCreation`"));
    // Plain resources ignore delete policies (D-3).
    let f = run(&[m(cm("c", json!({keys::HOOK_DELETE_POLICY: "Whatever"})))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL012 (P-9)
#[test]
fn hl012_delete_false_is_not_prune_false() {
    let f = run(&[m(cm("c", json!({keys::SYNC_OPTIONS: "Delete=false"})))]);
    assert_eq!(one(&f, "HL012").severity, Severity::Info);
    let f = run(&[m(cm(
        "c",
        json!({keys::SYNC_OPTIONS: "Delete=false, Prune=false"}),
    ))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL013 (H-9)
#[test]
fn hl013_sync_fail_wave() {
    let f = run(&[
        m(job(
            "j",
            json!({keys::HOOK: "SyncFail", keys::SYNC_WAVE: "3"}),
        )),
        at(cm("a", json!({keys::SYNC_WAVE: "1"})), 2),
    ]);
    assert!(one(&f, "HL013").message.contains("(3)"));
    for ann in [
        json!({keys::HOOK: "SyncFail"}),
        json!({keys::HOOK: "PreSync,SyncFail", keys::SYNC_WAVE: "3"}),
    ] {
        assert!(only(&run(&[m(job("j", ann))]), "HL013").is_empty());
    }
}

// HL014 (S-14)
#[test]
fn hl014_sync_fail_in_single_step_sync() {
    let fail = m(job("notify", json!({keys::HOOK: "SyncFail"})));
    let f = run(&[fail.clone(), at(cm("a", json!({})), 2)]);
    assert_eq!(one(&f, "HL014").object.name, "notify");
    // Two waves: the first is waited for, degradation fails the sync.
    let f = run(&[
        fail.clone(),
        at(cm("a", json!({})), 2),
        at(cm("b", json!({keys::SYNC_WAVE: "1"})), 3),
    ]);
    assert!(only(&f, "HL014").is_empty());
    // A hook in the only step is waited for too.
    let f = run(&[
        fail,
        at(cm("a", json!({})), 2),
        at(job("s", json!({keys::HOOK: "Sync"})), 3),
    ]);
    assert!(only(&f, "HL014").is_empty());
}

fn namespace(name: &str, ann: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "annotations": ann}})
}

fn in_ns(mut obj: Value, ns: &str) -> Value {
    obj["metadata"]["namespace"] = json!(ns);
    obj
}

// HL015 (T-10)
#[test]
fn hl015_namespace_created_after_use() {
    let hook = at(in_ns(job("j", json!({})), "tools"), 2);
    let f = run(&[
        m(namespace("tools", json!({keys::HOOK: "Skip"}))),
        hook.clone(),
    ]);
    assert!(one(&f, "HL015").message.contains("`tools`"));
    // A plain Namespace is pulled forward into PreSync by T-10.
    let f = run(&[m(namespace("tools", json!({}))), hook.clone()]);
    assert!(f.is_empty(), "{f:#?}");
    // Already live: fine.
    let live = LiveSet {
        namespaces: Some(["tools".to_string()].into()),
        ..LiveSet::default()
    };
    let f = run_with(
        &[m(namespace("tools", json!({keys::HOOK: "Skip"}))), hook],
        &live,
        SyncSettings::default(),
    );
    assert!(only(&f, "HL015").is_empty(), "{f:#?}");
}

// HL016 (T-4, O-8)
#[test]
fn hl016_namespace_missing() {
    let live = LiveSet {
        namespaces: Some(["other".to_string()].into()),
        ..LiveSet::default()
    };
    let obj = m(cm("c", json!({})));
    let f = run_with(std::slice::from_ref(&obj), &live, SyncSettings::default());
    let x = one(&f, "HL016");
    assert_eq!(x.severity, Severity::Error);
    assert!(x.fix.contains("CreateNamespace=true"));
    // CreateNamespace=true creates the destination namespace.
    let s = SyncSettings {
        sync_options: vec!["CreateNamespace=true".into()],
        ..SyncSettings::default()
    };
    assert!(run_with(std::slice::from_ref(&obj), &live, s).is_empty());
    // Cluster-scoped kinds do not live in a namespace.
    let cr = m(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}),
    );
    assert!(run_with(&[cr], &live, SyncSettings::default()).is_empty());
    // Without live information: only hooks outside the destination namespace, as info.
    let f = run(&[m(in_ns(job("j", json!({})), "elsewhere"))]);
    assert_eq!(one(&f, "HL016").severity, Severity::Info);
    let f = run(&[m(in_ns(cm("c", json!({})), "elsewhere"))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL017 (T-5)
#[test]
fn hl017_crd_missing() {
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    let f = run(&[m(widget.clone())]);
    assert_eq!(one(&f, "HL017").severity, Severity::Info);
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": "Widget", "plural": "widgets"}}});
    assert!(run(&[m(widget.clone()), at(crd.clone(), 2)]).is_empty());
    let live = LiveSet::from_objects([crd]);
    assert!(run_with(&[m(widget)], &live, SyncSettings::default()).is_empty());
    // Gateway API lives under k8s.io but is a CRD; apps/v1 is built in.
    let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"}});
    assert_eq!(only(&run(&[m(route)]), "HL017").len(), 1);
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
    assert!(run(&[m(dep)]).is_empty());
}

// HL018 (N-1)
#[test]
fn hl018_generated_name_too_long() {
    let long = "a-really-long-database-migration-job-name-";
    let mut j = generated(json!({}), false);
    j["metadata"]["generateName"] = json!(long);
    let f = run(&[m(j.clone())]);
    let x = one(&f, "HL018");
    assert_eq!(x.severity, Severity::Error);
    // "0123456-presync-1700000000" is 26 characters: 63 − 26 = 37.
    assert!(x.fix.contains("at most 37"), "{}", x.fix);
    j["metadata"]["generateName"] = json!("migrate-");
    assert!(only(&run(&[m(j)]), "HL018").is_empty());
}

fn delete_hook(ann: Value, named: bool) -> Value {
    let mut p = pod(Some("Never"));
    p["metadata"]["annotations"] = ann;
    if !named {
        p["metadata"] = json!({"generateName": "cleanup-", "annotations": p["metadata"]["annotations"].clone()});
    }
    p
}

// HL019 (C-11)
#[test]
fn hl019_delete_hook_without_policy() {
    let f = run(&[m(delete_hook(json!({keys::HOOK: "PostDelete"}), true))]);
    assert!(one(&f, "HL019").message.starts_with("PostDelete"));
    let f = run(&[m(delete_hook(
        json!({keys::HOOK: "PostDelete", keys::HOOK_DELETE_POLICY: "HookSucceeded"}),
        true,
    ))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL020 (C-11)
#[test]
fn hl020_delete_hook_generate_name() {
    let f = run(&[m(delete_hook(
        json!({keys::HELM_HOOK: "pre-delete", keys::HELM_HOOK_DELETE_POLICY: "hook-succeeded"}),
        false,
    ))]);
    assert_eq!(codes(&f), vec!["HL020"]);
    let f = run(&[m(delete_hook(
        json!({keys::HELM_HOOK: "pre-delete", keys::HELM_HOOK_DELETE_POLICY: "hook-succeeded"}),
        true,
    ))]);
    assert!(f.is_empty(), "{f:#?}");
}

// HL021 (section 8)
#[test]
fn hl021_sync_option_typos() {
    let s = SyncSettings {
        sync_options: vec![
            "Replace = true".into(),
            "CreateNamespace=True".into(),
            "PruneLast=true".into(),
        ],
        ..SyncSettings::default()
    };
    let f = run_with(&[], &LiveSet::default(), s);
    assert_eq!(codes(&f), vec!["HL021", "HL021"]);
    assert!(f.iter().all(|x| x.severity == Severity::Error));
    assert!(f.iter().all(|x| x.source.file == "<application>"));
    assert_eq!(f[0].object.kind, "Application");
    // Annotation options are trimmed per item, then exact.
    let f = run(&[m(cm(
        "c",
        json!({keys::SYNC_OPTIONS: " Prune=false , Replace=True"}),
    ))]);
    assert!(one(&f, "HL021").fix.contains("`Replace=true`"));
    let f = run(&[m(cm(
        "c",
        json!({keys::SYNC_OPTIONS: "Prune=false,ServerSideApply=true"}),
    ))]);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn suppression_by_annotation_and_config() {
    let mut p = pod(None);
    p["metadata"]["annotations"][DISABLE_ANNOTATION] = json!("HL007, hook-never-completes");
    assert!(run(&[m(p.clone())]).is_empty());
    p["metadata"]["annotations"][DISABLE_ANNOTATION] = json!("all");
    assert!(run(&[m(p.clone())]).is_empty());
    p["metadata"]["annotations"][DISABLE_ANNOTATION] = json!("HL007");
    assert_eq!(codes(&run(&[m(p.clone())])), vec!["HL006"]);
    let config = LintConfig {
        disabled: vec!["hl006".into()],
        ..LintConfig::default()
    };
    assert!(lint(&[m(p)], &LiveSet::default(), &config).is_empty());
}

fn messy_set() -> Vec<Manifest> {
    let mut out = vec![
        at(job("a", json!({keys::HOOK: "Presync"})), 1),
        at(
            cm(
                "b",
                json!({keys::SYNC_WAVE: "x", keys::HELM_HOOK_WEIGHT: "2"}),
            ),
            9,
        ),
        at(pod(None), 20),
        at(
            job("n", json!({keys::HOOK: "SyncFail", keys::SYNC_WAVE: "1"})),
            30,
        ),
        at(
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}),
            40,
        ),
        at(
            generated(json!({keys::HOOK_DELETE_POLICY: null}), false),
            50,
        ),
    ];
    out[5].source.file = "a.yaml".into();
    out
}

#[test]
fn order_is_file_line_code_and_input_order_does_not_matter() {
    let set = messy_set();
    let f = run(&set);
    let keys: Vec<(String, usize, String)> = f
        .iter()
        .map(|x| (x.source.file.clone(), x.source.line, x.code.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(f[0].source.file, "a.yaml");
    let mut reversed = set.clone();
    reversed.reverse();
    assert_eq!(run(&reversed), f);
}

#[test]
fn findings_serialise_in_camel_case() {
    let f = run(&[m(pod(None))]);
    let v = serde_json::to_value(&f[0]).unwrap_or_default();
    for key in [
        "code",
        "name",
        "severity",
        "rule",
        "message",
        "explanation",
        "fix",
        "source",
        "object",
    ] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
    assert_eq!(v["severity"], "error");
    assert_eq!(v["source"]["line"], 1);
}

#[test]
fn text_rendering_is_compiler_style() {
    let f = run(&[m(pod(None))]);
    let text = render_text(&f, false);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("error[HL006]: hook Pod has no restartPolicy, so it is Always")
    );
    assert_eq!(lines.next(), Some("  --> t.yaml:1"));
    assert!(text.contains("\n   = why: "));
    assert!(text.contains("\n   = fix: set `spec.restartPolicy: Never`"));
    assert!(text.ends_with("1 error, 0 warnings, 0 infos\n"), "{text}");
    let coloured = render_text(&f, true);
    assert!(coloured.contains("\x1b[1;31merror[HL006]\x1b[0m"));
    assert_eq!(render_text(&[], false), "0 errors, 0 warnings, 0 infos\n");
}
