//! The project's own scenario suite (tests/scenarios): every rule of spec §4–§10 that the
//! simulator can express, [C] profile.

use hookline_core::object::keys;
use hookline_tests::{repo_dir, run_scenario, scenario_files};

#[test]
fn project_scenarios_pass() {
    hookline_tests::assert_scenarios_pass(&repo_dir().join("tests/scenarios"));
}

/// F-5: every hook object an operation created has lost the hook finalizer by the time the
/// operation completed (S-7, X-2), in every scenario of the suite.
#[test]
fn finished_operations_leave_no_hook_finalizer() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in scenario_files(&repo_dir().join("tests/scenarios")) {
        let Ok((s, report, _)) = run_scenario(&f) else {
            continue;
        };
        for op in report.operations.iter().filter(|o| o.completed) {
            for obj in op.cluster.iter().filter(|o| o.hook && o.created) {
                checked += 1;
                if obj.finalizers.iter().any(|f| f == keys::HOOK_FINALIZER) {
                    problems.push(format!(
                        "{}: operation {} left the hook finalizer on {:?}",
                        s.name, op.index, obj.key
                    ));
                }
            }
        }
    }
    assert!(checked > 10, "only {checked} hook objects checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
