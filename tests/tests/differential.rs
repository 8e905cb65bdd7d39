//! Every scenario of ../shared/conformance and tests/scenarios runs in the simulator and
//! through `hookline sync`'s driver against the loopback API server; ordered effects,
//! results and the final cluster must agree (issue #7).

use hookline_core::scenario::Scenario;
use hookline_tests::differential::{DEFAULT_TIME_SCALE, differences};
use hookline_tests::{repo_dir, scenario_files, shared_dir};

fn run_dir(dir: &std::path::Path) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let files = scenario_files(dir);
    assert!(!files.is_empty());
    let only = std::env::var("HOOKLINE_SCENARIO").unwrap_or_default();
    let mut problems = Vec::new();
    for f in files.iter().filter(|f| f.to_string_lossy().contains(&only)) {
        let s = Scenario::load(f).unwrap();
        let diffs = rt.block_on(differences(&s.input, DEFAULT_TIME_SCALE));
        if !diffs.is_empty() {
            problems.push(format!("{} ({}):\n{}", s.name, f.display(), diffs.join("\n")));
        }
    }
    assert!(problems.is_empty(), "{} scenario(s) disagree:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[test]
fn project_scenarios_agree_with_the_simulator() {
    run_dir(&repo_dir().join("tests/scenarios"));
}

#[test]
fn conformance_scenarios_agree_with_the_simulator() {
    run_dir(&shared_dir().join("conformance"));
}
