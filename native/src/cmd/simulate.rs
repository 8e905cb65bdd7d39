//! `hookline simulate`: run a scenario (or a one-sync scenario built from manifests and
//! flags) against the simulated cluster; print the timeline or the JSON report.

mod timeline;

use crate::cli::{SimulateArgs, SimulateFormat};
use crate::error::CliError;
use crate::output::Painter;
use crate::write_stdout;
use hookline_core::duration::Duration;
use hookline_core::health::HealthStatus;
use hookline_core::manifest;
use hookline_core::plan::SyncSettings;
use hookline_core::reference::Reference;
use hookline_core::scenario::Scenario;
use hookline_core::sim::{
    self, BehaviourRule, HealthStep, Outcome, SimInput, SimOperation, Verdict,
};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: &SimulateArgs, painter: Painter) -> Result<ExitCode, CliError> {
    let (name, input) = match scenario_path(args) {
        Some(path) => {
            reject_manifest_flags(args)?;
            let s = Scenario::load(Path::new(path))?;
            (s.name.clone(), s.input)
        }
        None => ("manifests".to_string(), from_manifests(args)?),
    };
    let report = sim::simulate(&input);
    let text = match args.output {
        SimulateFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report)
                .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
            t.push('\n');
            t
        }
        SimulateFormat::Text => timeline::render(&name, &report, painter),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// One path naming a YAML file whose top level has `manifests:` and no `kind:` is a scenario.
fn scenario_path(args: &SimulateArgs) -> Option<&str> {
    let [path] = args.paths.as_slice() else {
        return None;
    };
    let p = Path::new(path);
    if !p.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(p).ok()?;
    let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
    (top_level("manifests:") && !top_level("kind:")).then_some(path.as_str())
}

fn reject_manifest_flags(args: &SimulateArgs) -> Result<(), CliError> {
    let used = !args.fail.is_empty()
        || !args.hang.is_empty()
        || !args.degrade.is_empty()
        || !args.apply_fail.is_empty()
        || args.after.is_some()
        || args.prune
        || !args.sync_options.is_empty()
        || !args.live.is_empty()
        || args.syncs != 1
        || args.namespace.is_some()
        || args.revision.is_some()
        || args.wave_delay.is_some();
    if used {
        return Err(CliError::Input(
            "the what-if flags (--fail, --prune, --live, …) apply to manifests, not to a scenario file\n\
             hint: put them in the scenario (behaviour:, app:, cluster:), or pass manifest paths instead"
                .into(),
        ));
    }
    Ok(())
}

fn duration(flag: &str, text: &Option<String>, default: Duration) -> Result<Duration, CliError> {
    match text {
        None => Ok(default),
        Some(t) => Duration::parse(t).map_err(|e| CliError::Input(format!("--{flag}: {e}"))),
    }
}

fn reference(flag: &str, text: &str) -> Result<Reference, CliError> {
    Reference::parse(text).map_err(|e| CliError::Input(format!("--{flag}: {e}")))
}

/// The one-sync scenario the flags describe.
fn from_manifests(args: &SimulateArgs) -> Result<SimInput, CliError> {
    let d = SyncSettings::default();
    let settings = SyncSettings {
        namespace: args.namespace.clone().unwrap_or(d.namespace.clone()),
        revision: args.revision.clone().unwrap_or(d.revision.clone()),
        prune: args.prune,
        sync_options: args.sync_options.clone(),
        ..d
    };
    let desired = super::load_desired(&args.paths)?;
    manifest::validate_set(&desired, &settings.namespace)?;
    let cluster = if args.live.is_empty() {
        Vec::new()
    } else {
        manifest::load(&args.live)?
    };
    let after = duration("after", &args.after, Duration::from_secs(1))?;
    let wave_delay = duration("wave-delay", &args.wave_delay, Duration::from_secs(2))?;
    let mut behaviour = Vec::new();
    let rule = |matches: Reference| BehaviourRule {
        matches,
        outcome: None,
        after: Some(after),
        health: None,
        apply: None,
        dry_run: None,
        message: None,
        delete: None,
    };
    for r in &args.fail {
        behaviour.push(BehaviourRule {
            outcome: Some(Outcome::Fail),
            ..rule(reference("fail", r)?)
        });
    }
    for r in &args.hang {
        behaviour.push(BehaviourRule {
            outcome: Some(Outcome::Hang),
            ..rule(reference("hang", r)?)
        });
    }
    for r in &args.degrade {
        behaviour.push(BehaviourRule {
            health: Some(vec![
                HealthStep {
                    status: HealthStatus::Progressing,
                    duration: Some(after),
                    message: None,
                },
                HealthStep {
                    status: HealthStatus::Degraded,
                    duration: None,
                    message: None,
                },
            ]),
            ..rule(reference("degrade", r)?)
        });
    }
    for r in &args.apply_fail {
        behaviour.push(BehaviourRule {
            apply: Some(Verdict::Fail),
            ..rule(reference("apply-fail", r)?)
        });
    }
    if args.syncs == 0 || args.syncs > 100 {
        return Err(CliError::Input(
            "--syncs takes a number from 1 to 100".into(),
        ));
    }
    let desired = Arc::new(desired);
    let operations = (0..args.syncs)
        .map(|i| SimOperation {
            settings: settings.clone(),
            desired: desired.clone(),
            behaviour: Vec::new(),
            wave_delay,
            retry: None,
            terminate_after: None,
            sync_timeout: None,
            started_at_given: i == 0,
        })
        .collect();
    Ok(SimInput {
        cluster: cluster.into_iter().map(|m| m.object).collect(),
        behaviour,
        operations,
        ..SimInput::default()
    })
}
