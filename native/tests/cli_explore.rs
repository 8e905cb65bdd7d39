//! `hookline explore` from the outside: text and JSON output, sampling, export, errors.

mod common;

use common::{hookline, text};

#[test]
fn explores_the_seed_scenario_exhaustively() {
    let o = hookline(&["explore", "examples/seed/scenario.yaml"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("subjects (3): batch/Job/db-migration (hook), apps/Deployment/my-app, batch/Job/clean-up (hook)"),
        "{out}"
    );
    assert!(
        out.contains("combinations: 27 (succeed/fail/hang each), all explored"),
        "{out}"
    );
    assert!(
        out.contains(
            "  operation 1: Running (stuck: waits forever) — waiting for completion of hook batch/Job/db-migration"
        ),
        "{out}"
    );
    assert!(
        out.contains("  operation 1: Succeeded — successfully synced (no more tasks)"),
        "{out}"
    );
}

#[test]
fn json_output_is_the_core_exploration() {
    let o = hookline(&["explore", "examples/seed/scenario.yaml", "-o", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["combinations"], 27);
    assert_eq!(v["explored"], 27);
    assert_eq!(v["exhaustive"], true);
    let classes = v["classes"].as_array().unwrap();
    let total: u64 = classes.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 27);
    assert_eq!(
        classes[0]["example"][0]["reference"],
        "batch/Job/db-migration"
    );
}

#[test]
fn a_sample_is_repeatable_with_its_seed() {
    let run = |seed: &str| {
        hookline(&[
            "explore",
            "examples/seed/scenario.yaml",
            "--max",
            "5",
            "--seed",
            seed,
            "-o",
            "json",
        ])
    };
    let (a, b) = (run("3"), run("3"));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(
        (v["explored"].as_u64(), v["seed"].as_u64()),
        (Some(5), Some(3))
    );
    let t = hookline(&["explore", "examples/seed/scenario.yaml", "--max", "5"]);
    assert!(text(&t).0.contains(
        "combinations: 27, explored a random sample of 5 (seed 0; raise --max to explore more)"
    ));
}

#[test]
fn exported_classes_pass_hookline_test() {
    let dir = std::env::temp_dir().join(format!("hookline-explore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let o = hookline(&["explore", "examples/seed/scenario.yaml", "--export", &d]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains(&format!("  exported: {d}/class-01.yaml")),
        "{out}"
    );
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, 6);
    let t = hookline(&["test", &d]);
    let (tout, terr) = text(&t);
    assert!(t.status.success(), "{tout}{terr}");
    assert!(tout.ends_with("6 passed, 0 failed\n"), "{tout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explores_manifests_with_flags() {
    let o = hookline(&["explore", "examples/seed/manifests", "-o", "json"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["combinations"], 27);
}

#[test]
fn bad_input_exits_2_with_a_hint() {
    let o = hookline(&["explore", "examples/seed/scenario.yaml", "--max", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--max must be at least 1"));
    let o = hookline(&["explore", "examples/seed/scenario.yaml", "--prune"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("hint: put them in the scenario"));
    let o = hookline(&["explore", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_large_scenario_is_sampled_and_keeps_the_happy_path() {
    let o = hookline(&[
        "explore",
        "examples/explore/scenario.yaml",
        "--max",
        "300",
        "--seed",
        "1",
        "-o",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["combinations"], 6561);
    assert_eq!(
        (v["explored"].as_u64(), v["exhaustive"].as_bool()),
        (Some(300), Some(false))
    );
    let classes = v["classes"].as_array().unwrap();
    assert!(
        classes
            .iter()
            .any(|c| c["operations"][0]["phase"] == "Succeeded"),
        "the all-succeed combination is always explored"
    );
}
