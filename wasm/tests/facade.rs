//! The facade under node (wasm-bindgen-test-runner): JS values in, core's answers out,
//! structured `Error`s for bad input. Run by `./test.sh wasm_node`.
#![cfg(target_arch = "wasm32")]
// Test code (clippy's allow-unwrap-in-tests does not recognise #[wasm_bindgen_test]).
#![allow(clippy::unwrap_used)]

use hookline_wasm as hw;
use js_sys::{JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: db-migration
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      containers: [{name: m, image: alpine}]
      restartPolicy: Never
";
const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: my-app}
spec: {replicas: 1}
";

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, k| {
        let key = match k.parse::<u32>() {
            Ok(i) => JsValue::from(i),
            Err(_) => JsValue::from_str(k),
        };
        Reflect::get(&v, &key).unwrap()
    })
}

fn set(files: &[(&str, &str)]) -> JsValue {
    let arr = js_sys::Array::new();
    for (file, text) in files {
        let o = js_sys::Object::new();
        Reflect::set(&o, &"file".into(), &(*file).into()).unwrap();
        Reflect::set(&o, &"text".into(), &(*text).into()).unwrap();
        arr.push(&o);
    }
    let s = js_sys::Object::new();
    Reflect::set(&s, &"manifests".into(), &arr).unwrap();
    s.into()
}

fn scenario(outcome: &str) -> JsValue {
    let o = js(&format!(
        r#"{{"name":"t","manifests":[{{"yaml":""}}],
            "behaviour":[{{"match":"batch/Job/db-migration","outcome":"{outcome}"}}]}}"#
    ));
    let m = get(&o, "manifests.0");
    Reflect::set(&m, &"yaml".into(), &format!("{JOB}---\n{DEPLOY}").into()).unwrap();
    o
}

#[wasm_bindgen_test]
fn version_is_the_workspace_version() {
    assert_eq!(hw::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn plan_puts_the_presync_hook_first() {
    // T-11: PreSync step before Sync step, as plain objects.
    let plan = hw::plan(set(&[("a.yaml", JOB), ("b.yaml", DEPLOY)])).unwrap();
    assert_eq!(get(&plan, "steps.0.phase"), "PreSync");
    assert_eq!(
        get(&plan, "steps.0.tasks.0.reference"),
        "PreSync:batch/Job/default/db-migration"
    );
    assert_eq!(get(&plan, "steps.1.tasks.0.kind"), "Deployment");
    assert_eq!(get(&plan, "steps.0.tasks.0.source.file"), "a.yaml");
    assert!(plan.is_object() && !plan.is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
fn parse_errors_are_errors_with_file_and_line() {
    let err = hw::lint(set(&[
        ("ok.yaml", DEPLOY),
        ("bad.yaml", "kind: Job\nmetadata: {name: [\n"),
    ]))
    .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "file"), "bad.yaml");
    assert!(get(&err, "line").as_f64().unwrap() >= 2.0);
    assert!(get(&err, "column").as_f64().is_some());
}

#[wasm_bindgen_test]
fn lint_reports_a_misspelled_hook_at_its_line() {
    let typo = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n    argocd.argoproj.io/hook: Presync\n";
    let findings = hw::lint(set(&[("t.yaml", typo)])).unwrap();
    let first = get(&findings, "0");
    assert_eq!(get(&first, "severity"), "error");
    assert_eq!(get(&first, "source.file"), "t.yaml");
}

#[wasm_bindgen_test]
fn simulate_follows_the_hook_outcome() {
    // H-9 / S-9: a failed PreSync hook stops the sync before the Deployment is applied.
    let ok = hw::simulate(scenario("succeed")).unwrap();
    assert_eq!(get(&ok, "operations.0.phase"), "Succeeded");
    let failed = hw::simulate(scenario("fail")).unwrap();
    assert_eq!(get(&failed, "operations.0.phase"), "Failed");
    let applied = js_sys::Array::from(&get(&failed, "operations.0.applied"));
    assert_eq!(applied.length(), 1);
}

#[wasm_bindgen_test]
fn scenario_yaml_round_trips_and_test_checks_expectations() {
    let yaml = hw::scenario_to_yaml(scenario("fail")).unwrap();
    let back = hw::parse_scenario(&yaml, None).unwrap();
    assert_eq!(hw::scenario_to_yaml(back.clone()).unwrap(), yaml);
    Reflect::set(
        &back,
        &"expect".into(),
        &js(r#"{"operations":[{"phase":"Succeeded"}]}"#),
    )
    .unwrap();
    let outcome = hw::test(back).unwrap();
    assert_eq!(get(&outcome, "passed"), false);
    assert_eq!(
        get(&outcome, "verdict.failures.0.path"),
        "expect.operations[0].phase"
    );
}

#[wasm_bindgen_test]
fn bad_scenarios_name_the_key() {
    let err = hw::parse_scenario("manifests: []\nbogus: 1\n", Some("x.yaml".into())).unwrap_err();
    assert_eq!(get(&err, "file"), "x.yaml");
    assert!(get(&err, "message").as_string().unwrap().contains("bogus"));
    let err = hw::simulate(js(
        r#"{"manifests":[{"yaml":"kind: ["}],"app":{"prune":"yes"}}"#,
    ))
    .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
}
