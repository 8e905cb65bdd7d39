//! `hookline explore`: a scenario (or a one-sync scenario built from manifests) under every
//! combination of outcomes of its hooks and health-checked resources. Core enumerates,
//! simulates and classifies (`hookline_core::explore`); this module only prints and exports.

use crate::cli::{ExploreArgs, ExploreFormat};
use crate::error::CliError;
use crate::output::{Painter, Style};
use crate::write_stdout;
use hookline_core::explore::{self, Exploration, ExploreOptions, OutcomeClass};
use hookline_core::manifest;
use hookline_core::scenario::{AppSpec, Scenario};
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &ExploreArgs, p: Painter) -> Result<ExitCode, CliError> {
    let scenario = load(args)?;
    let options = ExploreOptions {
        max: args.max,
        seed: args.seed,
    };
    let e = explore::explore(&scenario, options).map_err(CliError::Input)?;
    let mut exported = Vec::new();
    if let Some(dir) = &args.export {
        let dir = Path::new(dir);
        std::fs::create_dir_all(dir).map_err(|err| {
            CliError::Input(format!("--export: cannot create {}: {err}", dir.display()))
        })?;
        for (i, class) in e.classes.iter().enumerate() {
            let file = explore::export(&scenario, class, &format!("class {}", i + 1))?;
            let text = hookline_core::yaml::to_string(&file)
                .map_err(|err| CliError::Input(format!("cannot write class {}: {err}", i + 1)))?;
            let path = dir.join(format!("class-{:02}.yaml", i + 1));
            std::fs::write(&path, text)?;
            exported.push(path.display().to_string());
        }
    }
    let text = match args.output {
        ExploreFormat::Json => {
            let mut t = serde_json::to_string_pretty(&e)
                .map_err(|err| CliError::Output(std::io::Error::other(err)))?;
            t.push('\n');
            t
        }
        ExploreFormat::Text => render(&scenario.name, &e, &exported, p),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A scenario file (one YAML file with a top-level `manifests:` and no `kind:`), or
/// manifests with the manifest-mode flags.
fn load(args: &ExploreArgs) -> Result<Scenario, CliError> {
    if let [path] = args.paths.as_slice()
        && is_scenario(Path::new(path))
    {
        if !args.live.is_empty() || args.prune || !args.sync_options.is_empty() {
            return Err(CliError::Input(
                "--live, --prune and --sync-option apply to manifests, not to a scenario file\n\
                 hint: put them in the scenario (cluster:, app:)"
                    .into(),
            ));
        }
        return Ok(Scenario::load(Path::new(path))?);
    }
    let desired = manifest::load(&args.paths)?;
    let live = if args.live.is_empty() {
        Vec::new()
    } else {
        manifest::load(&args.live)?
    };
    let app = AppSpec {
        prune: args.prune.then_some(true),
        sync_options: (!args.sync_options.is_empty()).then(|| args.sync_options.clone()),
        ..AppSpec::default()
    };
    Ok(explore::scenario_from_manifests(
        &desired,
        &live,
        app,
        "manifests",
    )?)
}

fn is_scenario(p: &Path) -> bool {
    if !p.is_file() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(p) else {
        return false;
    };
    let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
    top_level("manifests:") && !top_level("kind:")
}

fn render(name: &str, e: &Exploration, exported: &[String], p: Painter) -> String {
    let mut out = format!("{} {name}\n", p.paint(Style::BOLD, "explore"));
    let subjects: Vec<String> = e
        .subjects
        .iter()
        .map(|s| {
            if s.hook {
                format!("{} (hook)", s.reference)
            } else {
                s.reference.clone()
            }
        })
        .collect();
    out.push_str(&format!(
        "subjects ({}): {}\n",
        subjects.len(),
        if subjects.is_empty() {
            "none — no hook or health-checked resource to vary".to_string()
        } else {
            subjects.join(", ")
        }
    ));
    match e.seed {
        None => out.push_str(&format!(
            "combinations: {} (succeed/fail/hang each), all explored\n",
            e.combinations
        )),
        Some(seed) => out.push_str(&format!(
            "combinations: {}, explored a random sample of {} (seed {seed}; raise --max to explore more)\n",
            display_count(e.combinations),
            e.explored
        )),
    }
    out.push_str(&format!("outcome classes: {}\n", e.classes.len()));
    for (i, c) in e.classes.iter().enumerate() {
        out.push('\n');
        render_class(&mut out, i, c, e.explored, exported.get(i), p);
    }
    out
}

fn display_count(n: u128) -> String {
    if n == u128::MAX {
        "more than 10^38".into()
    } else {
        n.to_string()
    }
}

fn render_class(
    out: &mut String,
    i: usize,
    c: &OutcomeClass,
    explored: usize,
    exported: Option<&String>,
    p: Painter,
) {
    out.push_str(&format!(
        "{} — {} of {explored} combinations\n",
        p.paint(Style::BOLD, &format!("class {}", i + 1)),
        c.count
    ));
    for (n, op) in c.operations.iter().enumerate() {
        let style = match op.phase.as_str() {
            "Succeeded" => Style::GREEN,
            "Running" => Style::YELLOW,
            _ => Style::RED,
        };
        let stuck = if op.stuck {
            " (stuck: waits forever)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  operation {}: {}{stuck} — {}\n",
            n + 1,
            p.paint(style, &op.phase),
            op.message
        ));
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(", ")
            }
        };
        out.push_str(&format!("    hooks applied: {}\n", list(&op.hooks_applied)));
        out.push_str(&format!("    hooks left:    {}\n", list(&op.hooks_left)));
        if !op.terminating.is_empty() {
            out.push_str(&format!("    terminating:   {}\n", list(&op.terminating)));
        }
    }
    let example: Vec<String> = c
        .example
        .iter()
        .map(|a| {
            let o = serde_json::to_value(a.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            format!("{}={o}", a.reference)
        })
        .collect();
    if !example.is_empty() {
        out.push_str(&format!("  example: {}\n", example.join(", ")));
    }
    if let Some(path) = exported {
        out.push_str(&format!("  exported: {path}\n"));
    }
}
