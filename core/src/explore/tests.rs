use super::*;
use crate::scenario::check;

/// A PreSync migration, a Deployment in wave 0, a ConfigMap in wave 1 (so the Deployment is
/// waited for, S-4), a PostSync smoke test with HookSucceeded and a SyncFail notifier.
const SCENARIO: &str = r#"
name: explore me
manifests:
  - yaml: |
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: migrate
        annotations: {argocd.argoproj.io/hook: PreSync}
      spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: nginx}]}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: after
        annotations: {argocd.argoproj.io/sync-wave: "1"}
      ---
      apiVersion: batch/v1
      kind: Job
      metadata:
        generateName: smoke-
        annotations:
          argocd.argoproj.io/hook: PostSync
          argocd.argoproj.io/hook-delete-policy: HookSucceeded
      spec: {template: {spec: {restartPolicy: Never, containers: [{name: s, image: busybox}]}}}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: notify
        annotations: {argocd.argoproj.io/hook: SyncFail}
      spec: {restartPolicy: Never, containers: [{name: n, image: busybox}]}
app: {waveDelay: 0s}
"#;

fn scenario() -> Scenario {
    Scenario::parse(SCENARIO, "explore.yaml", None, "explore").unwrap()
}

#[test]
fn subjects_are_hooks_and_health_checked_resources_in_plan_order() {
    let s = subjects(&scenario());
    let refs: Vec<(&str, bool)> = s.iter().map(|s| (s.reference.as_str(), s.hook)).collect();
    // The ConfigMap has no health check (HL-2.4): nothing to vary.
    assert_eq!(
        refs,
        [
            ("batch/Job/migrate", true),
            ("apps/Deployment/web", false),
            ("batch/Job/smoke-0123456-postsync-1700000000", true),
            ("Pod/notify", true),
        ]
    );
}

#[test]
fn exhaustive_run_covers_every_combination_once() {
    let e = explore(&scenario(), ExploreOptions::default()).unwrap();
    assert!(e.exhaustive);
    assert_eq!(e.combinations, 81);
    assert_eq!(e.explored, 81);
    assert_eq!(e.seed, None);
    assert_eq!(e.classes.iter().map(|c| c.count).sum::<usize>(), 81);
    let all: BTreeSet<Vec<usize>> = (0..81).map(|i| digits(i, 4)).collect();
    assert_eq!(all.len(), 81);
    // Counts descend.
    assert!(e.classes.windows(2).all(|w| w[0].count >= w[1].count));
}

#[test]
fn classes_follow_the_spec() {
    let e = explore(&scenario(), ExploreOptions::default()).unwrap();
    let find = |pred: &dyn Fn(&OutcomeClass) -> bool| {
        e.classes
            .iter()
            .find(|c| pred(c))
            .cloned()
            .unwrap_or_else(|| panic!("no such class in {e:#?}"))
    };
    // All succeed: PostSync ran, HookSucceeded deleted it (D-4), SyncFail never ran; the
    // migration stays (BeforeHookCreation only, D-2).
    let ok = find(&|c| c.operations[0].phase == "Succeeded");
    assert_eq!(
        ok.operations[0].hooks_applied,
        [
            "PreSync:batch/Job/default/migrate",
            "PostSync:batch/Job/default/smoke-0123456-postsync-1700000000"
        ]
    );
    assert_eq!(ok.operations[0].hooks_left, ["batch/Job/default/migrate"]);
    // A failed migration stops the sync before the Deployment; SyncFail runs (S-9, S-15).
    // It ends like a degraded Deployment, so both are one class.
    let sc = scenario();
    let combo = |o: [Outcome; 4]| {
        let a: Vec<Assignment> = subjects(&sc)
            .into_iter()
            .zip(o)
            .map(|(s, outcome)| Assignment {
                reference: s.reference,
                outcome,
            })
            .collect();
        classify(&sim::simulate(&with_outcomes(&sc.input, &a).unwrap()))
    };
    use Outcome::{Fail, Succeed};
    let failed = combo([Fail, Succeed, Succeed, Succeed]);
    assert_eq!(failed, combo([Succeed, Fail, Succeed, Succeed]));
    assert_eq!(failed[0].phase, "Failed");
    assert_eq!(
        failed[0].hooks_applied,
        [
            "PreSync:batch/Job/default/migrate",
            "SyncFail:Pod/default/notify"
        ]
    );
    let class = find(&|c| c.operations == failed);
    assert_eq!(
        class.count, 24,
        "migrate fails (9 × notify succeeds or fails) or web fails (3 × 2) — {class:#?}"
    );
    // A hanging migration waits forever (HL-21): never finished, stuck.
    let hung = find(&|c| c.example[0].outcome == Outcome::Hang);
    assert_eq!(hung.operations[0].phase, "Running");
    assert!(hung.operations[0].stuck);
    assert_eq!(
        hung.operations[0].message,
        "waiting for completion of hook batch/Job/migrate"
    );
}

#[test]
fn sampling_is_seeded_and_distinct() {
    let opts = ExploreOptions { max: 10, seed: 7 };
    let a = explore(&scenario(), opts).unwrap();
    let b = explore(&scenario(), opts).unwrap();
    assert_eq!(a, b, "same seed, same exploration");
    assert!(!a.exhaustive);
    assert_eq!(a.explored, 10);
    assert_eq!(a.seed, Some(7));
    let drawn = sample(4, 10, 7);
    assert_eq!(drawn.iter().collect::<BTreeSet<_>>().len(), 10);
    assert_eq!(drawn[0], [0, 0, 0, 0], "the happy path comes first");
    assert_eq!(a.classes.iter().map(|c| c.count).sum::<usize>(), 10);
    assert_ne!(drawn, sample(4, 10, 8), "another seed, another sample");
    assert!(
        explore(&scenario(), ExploreOptions { max: 0, seed: 0 })
            .unwrap_err()
            .contains("--max")
    );
}

#[test]
fn sample_of_a_small_space_stops() {
    // 3 combinations, 10 wanted: every draw collides eventually; it must still end.
    let drawn = sample(1, 10, 1);
    assert_eq!(drawn.len(), 3);
}

#[test]
fn every_exported_class_reproduces_and_passes_hookline_test() {
    let s = scenario();
    let e = explore(&s, ExploreOptions::default()).unwrap();
    for (i, class) in e.classes.iter().enumerate() {
        let file = export(&s, class, &format!("class {}", i + 1)).unwrap();
        let text = crate::yaml::to_string(&file).unwrap();
        let again = Scenario::parse(&text, "exported.yaml", None, "exported").unwrap();
        let report = sim::simulate(&again.input);
        assert_eq!(
            classify(&report),
            class.operations,
            "class {}:\n{text}",
            i + 1
        );
        let verdict = check(&again, &report).unwrap();
        assert!(
            verdict.passed(),
            "class {}: {:?}\n{text}",
            i + 1,
            verdict.failures
        );
    }
}

#[test]
fn explore_rules_win_over_the_scenario_own_health_rules() {
    let text = format!("{SCENARIO}behaviour:\n  - match: batch/Job/migrate\n    outcome: fail\n");
    let s = Scenario::parse(&text, "x.yaml", None, "x").unwrap();
    let e = explore(&s, ExploreOptions::default()).unwrap();
    assert!(
        e.classes
            .iter()
            .any(|c| c.operations[0].phase == "Succeeded")
    );
}
