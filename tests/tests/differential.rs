//! Every scenario of ../shared/conformance and tests/scenarios runs in the simulator and
//! through `hookline sync`'s driver against the loopback API server; ordered effects,
//! results and the final cluster must agree (issue #7).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns, like the tests themselves

use hookline_core::scenario::Scenario;
use hookline_tests::differential::{DEFAULT_TIME_SCALE, differences, time_scale_for};
use hookline_tests::{repo_dir, scenario_files, shared_dir};

fn run_dir(dir: &std::path::Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let files = scenario_files(dir);
    assert!(!files.is_empty());
    let only = std::env::var("HOOKLINE_SCENARIO").unwrap_or_default();
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| f.to_string_lossy().contains(&only)) {
        let s = Scenario::load(f).unwrap();
        let diffs = rt.block_on(differences(&s.input, time_scale_for(&s.input)));
        if !diffs.is_empty() {
            problems.push(format!(
                "{} ({}):\n{}",
                s.name,
                f.display(),
                diffs.join("\n")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} scenario(s) disagree:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn project_scenarios_agree_with_the_simulator() {
    run_dir(&repo_dir().join("tests/scenarios"));
}

#[test]
fn conformance_scenarios_agree_with_the_simulator() {
    run_dir(&shared_dir().join("conformance"));
}

mod property {
    //! Property 11 of issue #8: for generated manifest sets and outcomes, the simulator and
    //! the driver against the loopback API server produce the same effects and outcome.
    //! Cases are whole syncs in real (scaled) time, so the case count is small; a failure
    //! prints the generated scenario, runnable with `hookline test`.

    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    struct Obj {
        hook: Option<&'static str>,
        wave: i32,
        job: bool,
        outcome: &'static str,
        policy: Option<&'static str>,
    }

    fn obj() -> impl Strategy<Value = Obj> {
        (
            prop::option::of(prop::sample::select(vec![
                "PreSync", "Sync", "PostSync", "SyncFail",
            ])),
            -1i32..=2,
            any::<bool>(),
            prop::sample::select(vec!["succeed", "fail", "hang"]),
            prop::option::of(prop::sample::select(vec![
                "HookSucceeded",
                "HookFailed",
                "BeforeHookCreation",
            ])),
        )
            .prop_map(|(hook, wave, job, outcome, policy)| Obj {
                hook,
                wave,
                job: job || hook.is_some(),
                outcome,
                policy,
            })
    }

    /// What the cluster holds before the sync: prunable ConfigMaps, and whether job-0's
    /// completed leftover is there (D-6/D-7 when job-0 is a hook).
    #[derive(Clone, Debug)]
    struct Before {
        prune: bool,
        prunable: usize,
        leftover: bool,
    }

    fn before() -> impl Strategy<Value = Before> {
        (any::<bool>(), 0usize..3, any::<bool>()).prop_map(|(prune, prunable, leftover)| Before {
            prune,
            prunable,
            leftover,
        })
    }

    fn scenario(objs: &[Obj], b: &Before) -> String {
        let mut y = format!("name: generated\napp: {{prune: {}}}\n", b.prune);
        if b.prunable > 0 || b.leftover {
            y.push_str("cluster:\n  - yaml: |\n");
            for i in 0..b.prunable {
                y.push_str(&format!(
                    "      apiVersion: v1\n      kind: ConfigMap\n      metadata: {{name: old-{i}, annotations: {{argocd.argoproj.io/sync-wave: \"{i}\"}}}}\n      ---\n"
                ));
            }
            if let (true, Some(o)) = (b.leftover, objs.first()) {
                let hook = o
                    .hook
                    .map(|h| format!(", argocd.argoproj.io/hook: {h}"))
                    .unwrap_or_default();
                y.push_str(&format!(
                    "      apiVersion: batch/v1\n      kind: Job\n      metadata: {{name: job-0, annotations: {{argocd.argoproj.io/sync-wave: \"{}\"{hook}}}}}\n      spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: alpine}}]}}}}}}\n      status: {{conditions: [{{type: Complete, status: \"True\"}}], succeeded: 1}}\n      ---\n",
                    o.wave
                ));
            }
        }
        y.push_str("manifests:\n  - yaml: |\n");
        let mut behaviour = String::new();
        for (i, o) in objs.iter().enumerate() {
            let mut ann = format!("argocd.argoproj.io/sync-wave: \"{}\"", o.wave);
            if let Some(h) = o.hook {
                ann.push_str(&format!(", argocd.argoproj.io/hook: {h}"));
            }
            if let (Some(p), Some(_)) = (o.policy, o.hook) {
                ann.push_str(&format!(", argocd.argoproj.io/hook-delete-policy: {p}"));
            }
            if o.job {
                y.push_str(&format!(
                    "      apiVersion: batch/v1\n      kind: Job\n      metadata: {{name: job-{i}, annotations: {{{ann}}}}}\n      spec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: alpine}}]}}}}}}\n      ---\n"
                ));
                behaviour.push_str(&format!(
                    "  - {{match: Job/job-{i}, outcome: {}}}\n",
                    o.outcome
                ));
            } else {
                y.push_str(&format!(
                    "      apiVersion: v1\n      kind: ConfigMap\n      metadata: {{name: cm-{i}, annotations: {{{ann}}}}}\n      data: {{k: v}}\n      ---\n"
                ));
            }
        }
        if !behaviour.is_empty() {
            y.push_str("behaviour:\n");
            y.push_str(&behaviour);
        }
        y
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: std::env::var("HOOKLINE_PROP11_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(12), failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn prop_11_simulator_and_driver_agree(objs in prop::collection::vec(obj(), 1..5), b in before()) {
            let text = scenario(&objs, &b);
            let s = Scenario::parse(&text, "generated.yaml", None, "generated").unwrap();
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            let diffs = rt.block_on(differences(&s.input, DEFAULT_TIME_SCALE));
            prop_assert!(diffs.is_empty(), "scenario:\n{}\ndifferences:\n{}", text, diffs.join("\n"));
        }
    }
}
