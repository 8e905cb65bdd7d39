//! `hookline simulate` and `hookline test` from the outside: output, exit statuses, errors.

mod common;

use common::{hookline, text};

#[test]
fn readme_main_job_runs() {
    let o = hookline(&["simulate", "examples/seed/scenario.yaml"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("result: Succeeded — successfully synced (no more tasks)"),
        "{out}"
    );
    assert!(
        out.contains("delete    batch/Job/default/db-migration (HookSucceeded) [D-4]"),
        "{out}"
    );
}

#[test]
fn simulate_manifests_with_what_if_flags() {
    let o = hookline(&[
        "simulate",
        "examples/seed/manifests",
        "--fail",
        "Job/db-migration",
        "--after",
        "3s",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("result: Failed — one or more synchronization tasks completed unsuccessfully"),
        "{out}"
    );
    assert!(
        !out.contains("apply     Sync apps/Deployment"),
        "the app must never be applied:\n{out}"
    );
    assert!(
        out.contains("    3.0s    health    batch/Job/default/db-migration Degraded"),
        "{out}"
    );
}

#[test]
fn simulate_json_is_the_report() {
    let o = hookline(&["simulate", "examples/seed/scenario.yaml", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["operations"][0]["phase"], "Succeeded");
    assert!(v["trace"].as_array().is_some_and(|t| t.len() > 10));
}

#[test]
fn simulate_rejects_bad_flags_with_exit_2() {
    let o = hookline(&["simulate", "examples/seed/manifests", "--fail", "job/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--fail"), "{}", text(&o).1);
    let o = hookline(&["simulate", "examples/seed/scenario.yaml", "--prune"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn test_passes_conformance_and_reports_in_the_documented_format() {
    let o = hookline(&["test", "examples/seed/scenario.yaml"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn failed_check_exits_1_and_says_what_happened() {
    let o = hookline(&[
        "test",
        "native/tests/fixtures/wrong-expectation.yaml",
        "examples/seed/scenario.yaml",
    ]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAILED deliberately wrong expectation"),
        "{out}"
    );
    assert!(out.contains("expect.operations[0].phase"), "{out}");
    assert!(out.contains("applied out of order"), "{out}");
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn invalid_scenarios_exit_2_with_key_and_line() {
    let o = hookline(&["test", "native/tests/fixtures/bad-reference.yaml"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("bad-reference.yaml:6"), "{out}");
    assert!(out.contains("expect.operations[0].deleted[0]"), "{out}");
    let o = hookline(&["test", "native/tests/fixtures/unknown-key.yaml"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("unknown-key.yaml:4"), "{out}");
    assert!(out.contains("prunne"), "{out}");
}

#[test]
fn health_reads_kubectl_output() {
    let o = hookline(&[
        "health",
        "../shared/fixtures/health/job-failed.yaml",
        "../shared/fixtures/health/svc-clusterip.yaml",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("Degraded"), "{out}");
    assert!(out.contains("Healthy"), "{out}");
    let o = hookline(&[
        "health",
        "../shared/fixtures/health/knative-service.yaml",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v[0]["health"].is_null());
}

#[test]
fn lint_reports_and_exits_by_severity() {
    // The seed hooks have warnings only: exit 0, or 1 with --deny warnings.
    let o = hookline(&["lint", "examples/seed/manifests"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("warning[HL004]"), "{out}");
    assert!(
        out.contains("--> examples/seed/manifests/migration-job.yaml:1"),
        "{out}"
    );
    let o = hookline(&["lint", "examples/seed/manifests", "--deny", "warnings"]);
    assert_eq!(o.status.code(), Some(1));
    let o = hookline(&[
        "lint",
        "examples/seed/manifests",
        "--deny",
        "warnings",
        "--disable",
        "HL004",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).0);
    let o = hookline(&["lint", "examples/seed/manifests", "--disable", "HL999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = hookline(&["lint", "examples/seed/manifests", "-o", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    assert!(
        v["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
}

#[test]
fn lint_error_exits_1() {
    let dir = std::env::temp_dir().join(format!("hookline-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("typo.yaml");
    std::fs::write(
        &f,
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: m\n  annotations:\n    argocd.argoproj.io/hook: Presync\n",
    )
    .unwrap();
    let o = hookline(&["lint", f.to_str().unwrap()]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("error[HL001]") && out.contains("PreSync"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
