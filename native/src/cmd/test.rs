//! `hookline test`: run scenario files and check their expectations
//! (scenario-format.md, "Output of `hookline test`").

use crate::cli::TestArgs;
use crate::error::{CliError, exit};
use crate::output::{Painter, Style};
use crate::write_stdout;
use hookline_core::scenario::{Scenario, check};
use hookline_core::sim::simulate;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(args: &TestArgs, p: Painter) -> Result<ExitCode, CliError> {
    let files = collect(&args.paths)?;
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    let mut out = String::new();
    for f in &files {
        let outcome = Scenario::load(f).and_then(|s| {
            let report = simulate(&s.input);
            check(&s, &report).map(|v| (s, v))
        });
        match outcome {
            Err(e) => {
                invalid += 1;
                out.push_str(&format!(
                    "{} {}\n",
                    p.paint(Style::BOLD_RED, "ERROR"),
                    f.display()
                ));
                for line in e.to_string().lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
            Ok((s, v)) if v.passed() => {
                passed += 1;
                out.push_str(&format!("{} {}\n", p.paint(Style::GREEN, "ok"), s.name));
            }
            Ok((s, v)) => {
                failed += 1;
                out.push_str(&format!(
                    "{} {} ({})\n",
                    p.paint(Style::BOLD_RED, "FAILED"),
                    s.name,
                    f.display()
                ));
                for fail in &v.failures {
                    out.push_str(&format!(
                        "  {}:\n    expected: {}\n    actual:   {}\n",
                        fail.path, fail.expected, fail.actual
                    ));
                }
            }
        }
    }
    out.push_str(&format!("{passed} passed, {} failed\n", failed + invalid));
    write_stdout(&out)?;
    Ok(ExitCode::from(if invalid > 0 {
        exit::INPUT
    } else if failed > 0 {
        exit::FAILURE
    } else {
        exit::OK
    }))
}

/// Files as given; directories: every *.yaml/*.yml below, sorted.
fn collect(paths: &[String]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else if path.exists() {
            out.push(path.to_path_buf());
        } else {
            return Err(CliError::Input(format!(
                "{p}: no such file or directory\nhint: `hookline test` takes scenario files or directories"
            )));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| CliError::Input(format!("{}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}
