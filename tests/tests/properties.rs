//! Property-based tests (issue 8): the semantics hold on generated scenarios, not only on
//! hand-written ones. Each property is its own test and cites the spec rules it checks
//! (../shared/spec/argocd-semantics.md).
//!
//! A failing case shrinks, then prints as a scenario file (the `Debug` of a generated case
//! is its YAML): save it and run `hookline simulate case.yaml` or add `expect:` and run
//! `hookline test case.yaml`. Case counts are small by default so `./test.sh` stays fast;
//! `PROPTEST_CASES=5000 cargo test -p hookline-tests --test properties` checks more.
//!
//! Property 11 (simulator vs native driver against the loopback API server) is not here: it
//! needs the loopback fixture from the `hookline sync` issue.

use hookline_core::classify::DeletePolicy;
use hookline_core::engine::OperationPhase;
use hookline_core::manifest;
use hookline_core::model::{ResourceKey, SyncPhase};
use hookline_core::object::keys;
use hookline_core::plan::{self, LiveSet, Plan, PlannedTask, TaskAction};
use hookline_core::reference::Reference;
use hookline_core::scenario::Scenario;
use hookline_core::sim::{self, DEFAULT_MAX_PASSES, SimulationReport};
use hookline_tests::analysis::{Applied, Attempt, attempts, final_attempts};
use hookline_tests::restart::drive_restarting;
use hookline_tests::strategies::{Case, CaseOptions, case, manifest_set};
use proptest::prelude::*;
use serde_json::Value;

/// `default` cases unless PROPTEST_CASES says otherwise.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // Shrinking a scenario costs a simulation per step; this bounds it without
        // stopping it from reaching a small case.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// The first operation's static plan, as `hookline plan` computes it.
fn static_plan(s: &Scenario) -> Plan {
    let op = &s.input.operations[0];
    plan::plan(
        &op.desired,
        &LiveSet::from_objects(s.input.cluster.iter().cloned()),
        &op.settings,
    )
}

fn tasks(plan: &Plan) -> impl Iterator<Item = &PlannedTask> {
    plan.steps.iter().flat_map(|s| s.tasks.iter())
}

fn task_key(t: &PlannedTask) -> ResourceKey {
    ResourceKey::new(&t.group, &t.kind, &t.namespace, &t.name)
}

/// A plan as JSON without where each task came from (document positions change when the
/// documents are permuted; nothing else may). The `ignored`/`skipped` lists report input
/// documents in input order by design, so they are compared as sets; the steps, their tasks
/// and every task field must be identical.
fn without_sources(plan: &Plan) -> Value {
    let mut v = serde_json::to_value(plan).unwrap_or_default();
    for list in ["ignored", "skipped"] {
        if let Some(Value::Array(a)) = v.get_mut(list) {
            a.sort_by_key(|e| e.to_string());
        }
    }
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("source");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// A deterministic permutation of `items` (Fisher–Yates over splitmix64).
fn permute<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

/// An apply of the destination namespace: created before the dry-run (S-2.1), or by the
/// `CreateNamespace=true` task (O-8), which the engine adds on any pass where that
/// namespace is missing — also after a prune removed it mid-operation — so it may come
/// after later phases. Exempt from ordering checks.
fn destination_namespace(s: &Scenario, a: &Attempt, x: &Applied) -> bool {
    let dest = &s.input.operations[a.operation].settings.namespace;
    x.key.group.is_empty() && x.key.kind == "Namespace" && &x.key.name == dest
        || (x.before_dry_run && x.key.kind == "Namespace")
}

fn simulate(c: &Case) -> (Scenario, SimulationReport) {
    let s = c.scenario();
    let report = sim::simulate(&s.input);
    (s, report)
}

proptest! {
    #![proptest_config(config(128))]

    /// Property 1 — determinism (architecture principle 5, T-7, T-9): any permutation of the
    /// input documents gives the identical plan, and the identical simulated outcome.
    #[test]
    fn p01_plan_is_independent_of_document_order(c in manifest_set(9), seed in any::<u64>()) {
        let s = c.scenario();
        let op = &s.input.operations[0];
        let live = LiveSet::from_objects(s.input.cluster.iter().cloned());
        let mut shuffled = (*op.desired).clone();
        permute(&mut shuffled, seed);
        let a = plan::plan(&op.desired, &live, &op.settings);
        let b = plan::plan(&shuffled, &live, &op.settings);
        prop_assert_eq!(without_sources(&a), without_sources(&b));

        let mut input = s.input.clone();
        for (i, o) in input.operations.iter_mut().enumerate() {
            let mut docs = (*o.desired).clone();
            permute(&mut docs, seed.wrapping_add(i as u64));
            o.desired = std::sync::Arc::new(docs);
        }
        let (ra, rb) = (sim::simulate(&s.input), sim::simulate(&input));
        for (x, y) in ra.operations.iter().zip(&rb.operations) {
            prop_assert_eq!((x.phase, &x.message, &x.results), (y.phase, &y.message, &y.results));
            prop_assert_eq!(&x.applied, &y.applied);
        }
    }

    /// Property 2 — phases never interleave and SyncFail is last (T-7, T-11, H-9): in the
    /// plan, and in the order the engine really applies things (S-11, S-15), apart from the
    /// destination namespace (S-2.1, O-8).
    #[test]
    fn p02_phases_never_interleave_and_sync_fail_is_last(c in case(CaseOptions::default())) {
        let (s, report) = simulate(&c);
        let plan = static_plan(&s);
        let phases: Vec<SyncPhase> = plan.steps.iter().map(|st| st.phase).collect();
        prop_assert!(phases.windows(2).all(|w| w[0] <= w[1]), "plan phases {:?}", phases);
        let sync_fail_steps = phases.iter().filter(|p| **p == SyncPhase::SyncFail).count();
        prop_assert!(sync_fail_steps <= 1, "SyncFail hooks split over {} steps", sync_fail_steps);
        for a in attempts(&report) {
            let order: Vec<(SyncPhase, String)> = a
                .applied
                .iter()
                .filter(|x| !destination_namespace(&s, &a, x))
                .map(|x| (x.phase, x.key.to_string()))
                .collect();
            prop_assert!(
                order.windows(2).all(|w| w[0].0 <= w[1].0),
                "operation {} applied out of phase order: {:?}", a.operation, order
            );
        }
    }

    /// Property 3 — waves ascend within a phase (W-1, W-5, T-7, P-4, P-5) and every
    /// Namespace and CRD precedes its first dependant (T-10). Dependency moves keep the
    /// order ascending because a moved task takes the phase and wave of its new place.
    #[test]
    fn p03_waves_ascend_and_dependencies_come_first(c in manifest_set(9)) {
        let s = c.scenario();
        let plan = static_plan(&s);
        let steps: Vec<(SyncPhase, i64)> = plan
            .steps
            .iter()
            .filter(|st| st.phase != SyncPhase::SyncFail)
            .map(|st| (st.phase, st.wave))
            .collect();
        prop_assert!(steps.windows(2).all(|w| w[0] < w[1]), "steps {:?}", steps);
        let flat: Vec<&PlannedTask> = tasks(&plan).collect();
        for (i, dep) in flat.iter().enumerate() {
            if dep.action == TaskAction::Prune {
                continue;
            }
            let namespace = dep.group.is_empty() && dep.kind == "Namespace";
            let crd = dep.group == "apiextensions.k8s.io" && dep.kind == "CustomResourceDefinition";
            for user in &flat[..i] {
                if user.action == TaskAction::Prune {
                    continue;
                }
                // T-10 runs the Namespace pass before the CRD pass: a CRD (itself a
                // referencer of the destination namespace, T-4) that the CRD pass pulls in
                // front of its custom resource may end up ahead of that Namespace.
                let moved_crd = user.kind == "CustomResourceDefinition"
                    && user.notes.iter().any(|n| n.contains("T-10"));
                // A dependency never counts as a referencer in its own pass (T-10): a
                // Namespace is cluster-scoped but carries the destination namespace (T-4).
                let user_namespace = user.group.is_empty() && user.kind == "Namespace";
                let refers = namespace && user.namespace == dep.name;
                prop_assert!(
                    !refers || moved_crd || user_namespace,
                    "{} comes before its Namespace {}", user.reference, dep.reference
                );
                prop_assert!(
                    !(crd && user.group == "example.com" && user.kind == "Widget"),
                    "{} comes before its CRD {}", user.reference, dep.reference
                );
            }
        }
    }

    /// Property 4 — ignored objects (H-7, H-10) and Skip objects (H-5) never get a task:
    /// not in the plan, never applied, never deleted, even when a copy is live (T-2, P-2).
    #[test]
    fn p04_ignored_and_skip_objects_never_get_a_task(c in case(CaseOptions::default())) {
        let (s, report) = simulate(&c);
        let plan = static_plan(&s);
        for o in c.desired().into_iter().filter(|o| o.hook.never_a_task()) {
            let r = Reference::parse(&o.reference()).map_err(TestCaseError::fail)?;
            prop_assert!(
                !tasks(&plan).any(|t| r.matches_key(&task_key(t))),
                "{} ({:?}) got a task", o.reference(), o.hook
            );
            prop_assert!(
                plan.ignored.iter().chain(&plan.skipped).any(|e| r.matches_key(&e.key)),
                "{} ({:?}) is neither ignored nor skipped in the plan", o.reference(), o.hook
            );
            for op in &report.operations {
                prop_assert!(!op.applied.iter().any(|a| r.matches_key(&a.key)),
                    "{} applied by operation {}", o.reference(), op.index);
                prop_assert!(!op.deleted.iter().any(|k| r.matches_key(k)),
                    "{} deleted by operation {}", o.reference(), op.index);
            }
        }
    }

    /// Property 5 — no PostSync hook is applied once an earlier task failed (H-9, S-5, S-9):
    /// a failure ends the wave walk; only SyncFail hooks may follow.
    #[test]
    fn p05_no_post_sync_after_a_failure(c in case(CaseOptions::default())) {
        let (_, report) = simulate(&c);
        for a in attempts(&report) {
            for applied in a.applied.iter().filter(|x| x.phase == SyncPhase::PostSync) {
                let earlier = a.failures.iter().find(|(pass, phase, _)| {
                    *phase != SyncPhase::SyncFail
                        && (*pass < applied.pass
                            || (*pass == applied.pass && *phase != SyncPhase::PostSync))
                });
                prop_assert!(
                    earlier.is_none(),
                    "operation {}: PostSync {} applied in pass {} after {:?} failed",
                    a.operation, applied.key, applied.pass, earlier
                );
            }
        }
    }

    /// Property 6 — SyncFail hooks are applied iff the attempt fails after validation and
    /// the dry-run (S-1, S-2, S-9, S-14, S-15, O-11). A terminate applies nothing (§9): an
    /// operation terminated while failing keeps the SyncFail hooks it had already launched.
    #[test]
    fn p06_sync_fail_hooks_run_iff_the_sync_fails_after_dry_run(c in case(CaseOptions::default())) {
        let (_, report) = simulate(&c);
        for a in attempts(&report) {
            let Some(phase) = a.phase.filter(|p| p.completed()) else { continue };
            let op = &report.operations[a.operation];
            let sync_fail: Vec<ResourceKey> = tasks(&op.plan)
                .filter(|t| t.phase == SyncPhase::SyncFail)
                .map(task_key)
                .collect();
            let launched: Vec<&hookline_tests::analysis::Applied> = a
                .applied
                .iter()
                .filter(|x| x.phase == SyncPhase::SyncFail)
                .collect();
            if a.failed_after_dry_run() {
                for k in &sync_fail {
                    prop_assert!(launched.iter().any(|x| &x.key == k),
                        "operation {} failed ({}) but SyncFail {} was not applied",
                        a.operation, a.message, k);
                }
            } else if let Some(last_pass) = a.terminated_after_pass {
                for x in &launched {
                    prop_assert!(x.pass <= last_pass,
                        "operation {}: SyncFail {} applied by the terminate", a.operation, x.key);
                    prop_assert!(
                        a.failures.iter().any(|(pass, p, _)| *p != SyncPhase::SyncFail && *pass <= x.pass),
                        "operation {}: SyncFail {} applied before any failure", a.operation, x.key);
                }
            } else {
                prop_assert!(launched.is_empty(),
                    "operation {} ended {:?} ({}) yet applied SyncFail hooks {:?}",
                    a.operation, phase, a.message,
                    launched.iter().map(|x| x.key.to_string()).collect::<Vec<_>>());
            }
        }
    }

    /// Property 7 — after an operation, HookSucceeded hooks are gone iff it succeeded (D-4)
    /// and HookFailed hooks are gone iff it failed after the dry-run (D-5), whatever the
    /// hook's own result (S-8); hooks without the policy that applied stay (D-8, D-10).
    /// A deletion that hangs leaves the object terminating (scenario `delete: hang`).
    #[test]
    fn p07_hook_delete_policies_decide_presence(c in case(CaseOptions::default())) {
        let (_, report) = simulate(&c);
        let finals = final_attempts(&report);
        for (op, a) in report.operations.iter().zip(&finals) {
            if !op.completed || a.terminated {
                continue;
            }
            let policy = match op.phase {
                OperationPhase::Succeeded => DeletePolicy::HookSucceeded,
                OperationPhase::Failed if a.failed_after_dry_run() => DeletePolicy::HookFailed,
                _ => continue,
            };
            let live = |k: &ResourceKey| {
                op.cluster.iter().find(|o| &o.key == k).map(|o| o.deleting)
            };
            for t in tasks(&op.plan).filter(|t| t.hook) {
                let key = task_key(t);
                let synced = op.results.iter().any(|r| {
                    r.key == key && r.sync_phase == t.phase
                        && r.status == Some(hookline_core::engine::ResultCode::Synced)
                });
                if t.delete_policies.contains(&policy) {
                    prop_assert!(live(&key) != Some(false),
                        "operation {} {:?}: {} has {:?} but is still there",
                        op.index, op.phase, key, policy);
                } else if synced {
                    prop_assert!(live(&key).is_some(),
                        "operation {} {:?}: {} applied, has no {:?}, yet is gone",
                        op.index, op.phase, key, policy);
                }
            }
        }
    }

    /// Property 8 — no hook finalizer remains after an operation ends, however it ends
    /// (F-5, S-7, X-2, X-3, [C] closes the F-6 leaks).
    #[test]
    fn p08_no_hook_finalizer_after_an_operation(c in case(CaseOptions::default())) {
        let (_, report) = simulate(&c);
        for op in &report.operations {
            // A hook left running by an earlier operation that never finished keeps its
            // finalizer until an operation meets it again.
            if report.operations[..op.index].iter().any(|o| !o.completed) {
                break;
            }
            if !op.completed {
                continue;
            }
            for obj in op.cluster.iter().filter(|o| o.hook) {
                prop_assert!(
                    !obj.finalizers.iter().any(|f| f == keys::HOOK_FINALIZER),
                    "operation {} ended {:?} and left the hook finalizer on {}",
                    op.index, op.phase, obj.key
                );
            }
        }
    }

    /// Property 9 — the simulator always ends, within its pass bound: every operation
    /// completes or is reported stuck (HL-21), none is a livelock (scenario-format.md).
    #[test]
    fn p09_simulation_terminates_within_its_bound(c in case(CaseOptions::default())) {
        let (s, report) = simulate(&c);
        prop_assert_eq!(report.operations.len(), s.input.operations.len());
        for op in &report.operations {
            prop_assert!(!op.livelock, "operation {} hit the pass bound", op.index);
            prop_assert!(op.passes <= DEFAULT_MAX_PASSES);
            prop_assert!(op.completed || op.stuck,
                "operation {} neither completed nor stuck: {:?}", op.index, op.phase);
        }
    }

    /// Property 10 — restartability (S-0, architecture principle 3): an engine rebuilt from
    /// the persisted operation state before every pass asks for the same calls, reaches the
    /// same state as one fed the in-memory state, and ends like the simulator.
    #[test]
    fn p10_engine_restarts_from_persisted_state(c in case(CaseOptions { terminate: false, retry: false, ..CaseOptions::default() })) {
        let (s, report) = simulate(&c);
        let ended = drive_restarting(&s.input).map_err(TestCaseError::fail)?;
        prop_assert_eq!(ended.len(), report.operations.len());
        for (e, op) in ended.iter().zip(&report.operations) {
            prop_assert_eq!((e.phase, &e.message, &e.results), (op.phase, &op.message, &op.results),
                "operation {} ends differently under the restarting driver", op.index);
        }
    }

    /// Property 2, from the engine's side — the plan is what runs (architecture principle 2,
    /// T-11, S-11, R-7): within an attempt, the real applies follow the static plan's order
    /// (apply groups in plan order, SyncFail hooks last), each task at most once; only the
    /// destination namespace may come out of order (S-2.1, O-8).
    #[test]
    fn p02b_the_engine_applies_in_plan_order(c in case(CaseOptions::default())) {
        let (s, report) = simulate(&c);
        for a in attempts(&report) {
            let plan: Vec<(SyncPhase, ResourceKey)> = tasks(&report.operations[a.operation].plan)
                .map(|t| (t.phase, task_key(t)))
                .collect();
            let mut last: Option<usize> = None;
            for x in a.applied.iter().filter(|x| !destination_namespace(&s, &a, x)) {
                let at = plan.iter().position(|(p, k)| *p == x.phase && *k == x.key);
                prop_assert!(at.is_some(), "operation {}: applied {}:{} is not in the plan {:?}",
                    a.operation, x.phase, x.key, plan);
                prop_assert!(last.is_none_or(|l| Some(l) < at),
                    "operation {}: {}:{} applied out of plan order (plan {:?}, applied {:?})",
                    a.operation, x.phase, x.key, plan,
                    a.applied.iter().map(|y| format!("{}:{}", y.phase, y.key)).collect::<Vec<_>>());
                last = at;
            }
        }
    }

    /// Property 12 — parsing any text as manifests or as a scenario never panics
    /// (architecture principle 6): arbitrary strings, and valid scenarios with bytes cut,
    /// repeated or replaced by YAML punctuation.
    #[test]
    fn p12_parsing_any_text_never_panics(
        text in ".{0,200}",
        c in manifest_set(4),
        edits in prop::collection::vec((any::<usize>(), 0usize..40, prop::sample::select(
            vec!["", ":", "- ", "\n", "{", "}", "[", "'", "\"", "&a ", "*a", "---\n", "!!", "\t", "  ", "#", "%"])), 0..6),
    ) {
        let _ = manifest::parse_str(&text, "fuzz.yaml");
        let _ = Scenario::parse(&text, "fuzz.yaml", None, "fuzz");
        let mut bytes = c.scenario_yaml().map_err(TestCaseError::fail)?.into_bytes();
        for (at, cut, insert) in edits {
            let at = at % (bytes.len() + 1);
            let end = (at + cut).min(bytes.len());
            bytes.splice(at..end, insert.bytes());
        }
        let mutated = String::from_utf8_lossy(&bytes);
        let _ = manifest::parse_str(&mutated, "fuzz.yaml");
        if let Ok(s) = Scenario::parse(&mutated, "fuzz.yaml", None, "fuzz") {
            let _ = static_plan(&s);
        }
    }
}

/// The generator is not tame: over a fixed-seed batch of cases the runs reach every kind of
/// ending and every mechanism the properties above judge. Without this, a property could pass
/// because its precondition never held.
#[test]
fn generated_cases_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use std::collections::BTreeMap;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = case(CaseOptions::default());
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..300 {
        let c = strategy.new_tree(&mut runner).unwrap().current();
        let (_, report) = simulate(&c);
        let mut hit = |what: &'static str, yes: bool| {
            if yes {
                *seen.entry(what).or_default() += 1;
            }
        };
        for a in attempts(&report) {
            hit("succeeded", a.phase == Some(OperationPhase::Succeeded));
            hit("failed after dry-run", a.failed_after_dry_run());
            hit("dry-run failed", a.message.contains("(dry run)"));
            hit("invalid tasks", a.message.contains("are not valid"));
            hit("terminated", a.terminated);
            hit("retried", a.retried);
            hit(
                "SyncFail applied",
                a.applied.iter().any(|x| x.phase == SyncPhase::SyncFail),
            );
            hit(
                "PostSync applied",
                a.applied.iter().any(|x| x.phase == SyncPhase::PostSync),
            );
            hit("apply failed", a.applied.iter().any(|x| !x.ok));
            hit(
                "namespace pre-created",
                a.applied.iter().any(|x| x.before_dry_run),
            );
        }
        for op in &report.operations {
            hit("stuck", op.stuck);
            hit(
                "pruned",
                op.results
                    .iter()
                    .any(|r| r.status == Some(hookline_core::engine::ResultCode::Pruned)),
            );
            hit("hook deleted by policy", !op.deleted.is_empty());
            hit(
                "object left terminating",
                op.cluster.iter().any(|o| o.deleting),
            );
            hit(
                "dependency moved",
                tasks(&op.plan).any(|t| t.notes.iter().any(|n| n.contains("T-10"))),
            );
            hit(
                "generated name",
                tasks(&op.plan).any(|t| t.name.contains("-0123456-")),
            );
            hit(
                "ignored or skipped",
                !op.plan.ignored.is_empty() || !op.plan.skipped.is_empty(),
            );
            hit("sync timeout", op.message.contains("sync timeout"));
            hit(
                "second sync prunes",
                op.index == 1
                    && op
                        .results
                        .iter()
                        .any(|r| r.status == Some(hookline_core::engine::ResultCode::Pruned)),
            );
        }
    }
    let wanted = [
        "succeeded",
        "failed after dry-run",
        "dry-run failed",
        "invalid tasks",
        "terminated",
        "retried",
        "SyncFail applied",
        "PostSync applied",
        "apply failed",
        "namespace pre-created",
        "stuck",
        "pruned",
        "hook deleted by policy",
        "object left terminating",
        "dependency moved",
        "generated name",
        "ignored or skipped",
        "sync timeout",
        "second sync prunes",
    ];
    eprintln!("reached (out of 300 cases): {seen:?}");
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !seen.contains_key(w))
        .collect();
    assert!(
        missing.is_empty(),
        "never reached: {missing:?}; reached: {seen:?}"
    );
}
