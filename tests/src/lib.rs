//! Shared helpers for hookline's integration and property tests.

pub mod analysis;
pub mod differential;
pub mod fakeapi;
pub mod restart;
pub mod strategies;

use hookline_core::scenario::{Scenario, ScenarioError, Verdict, check};
use hookline_core::sim::{SimulationReport, simulate};
use std::path::{Path, PathBuf};

/// `../shared` beside the repository (CI lays a copy there).
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

pub fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `*.yaml` scenario directly in `dir`, sorted.
pub fn scenario_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

/// Loads, simulates and checks one scenario file.
pub fn run_scenario(path: &Path) -> Result<(Scenario, SimulationReport, Verdict), ScenarioError> {
    let s = Scenario::load(path)?;
    let report = simulate(&s.input);
    let verdict = check(&s, &report)?;
    Ok((s, report, verdict))
}

/// Runs every scenario of `dir`; panics with every failure listed.
pub fn assert_scenarios_pass(dir: &Path) {
    let files = scenario_files(dir);
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    let mut problems = Vec::new();
    for f in &files {
        match run_scenario(f) {
            Err(e) => problems.push(format!("{}: invalid scenario: {e}", f.display())),
            Ok((s, _, v)) if !v.passed() => {
                let mut msg = format!("FAILED {} ({})", s.name, f.display());
                for fail in &v.failures {
                    msg.push_str(&format!(
                        "\n  {}: expected {}\n    got {}",
                        fail.path, fail.expected, fail.actual
                    ));
                }
                problems.push(msg);
            }
            Ok(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} scenarios failed:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}
