//! `hookline plan`: load manifests (and optionally live objects), plan, print.

mod mermaid;
mod table;

use crate::cli::{PlanArgs, PlanFormat};
use crate::error::CliError;
use crate::output::Painter;
use crate::write_stdout;
use hookline_core::manifest::{self, Manifest};
use hookline_core::model::{ResourceKey, Source};
use hookline_core::object;
use hookline_core::plan::{self, LiveSet, Plan, SyncSettings};
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

/// Namespaces every cluster has; `CreateNamespace=true` never creates them.
const BUILTIN_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];

pub fn run(args: &PlanArgs, painter: Painter) -> Result<ExitCode, CliError> {
    let settings = settings(args);
    let desired = super::load_desired(&args.paths)?;
    manifest::validate_set(&desired, &settings.namespace)?;
    let live = load_live(&args.live)?;
    let plan = plan::plan(&desired, &live, &settings);
    write_stdout(&render(&plan, args.output, painter)?)?;
    Ok(ExitCode::SUCCESS)
}

pub fn settings(args: &PlanArgs) -> SyncSettings {
    let defaults = SyncSettings::default();
    SyncSettings {
        namespace: args.namespace.clone().unwrap_or(defaults.namespace.clone()),
        revision: args.revision.clone().unwrap_or(defaults.revision.clone()),
        started_at: args.started_at.unwrap_or(defaults.started_at),
        prune: args.prune,
        skip_hooks: args.skip_hooks,
        sync_options: args.sync_options.clone(),
        ..defaults
    }
}

/// Live objects: every one is tracked by the application. Namespaces known to exist are
/// the live `Namespace` objects plus the built-in ones. No `--live` = an empty cluster.
pub fn load_live(paths: &[String]) -> Result<LiveSet, CliError> {
    let objects = if paths.is_empty() {
        Vec::new()
    } else {
        manifest::load(paths)?
    };
    check_live(&objects)?;
    let mut namespaces: BTreeSet<String> =
        BUILTIN_NAMESPACES.iter().map(|s| s.to_string()).collect();
    for m in &objects {
        if object::group(&m.object).is_empty() && object::kind(&m.object) == "Namespace" {
            namespaces.insert(object::name(&m.object).to_string());
        }
    }
    let mut live = LiveSet::from_objects(objects.into_iter().map(|m| m.object));
    live.namespaces = Some(namespaces);
    Ok(live)
}

/// A live object has a name (the cluster gave it one) and is there once.
fn check_live(objects: &[Manifest]) -> Result<(), CliError> {
    let mut seen: BTreeMap<ResourceKey, &Source> = BTreeMap::new();
    for m in objects {
        let key = m.key();
        let at = format!(
            "{}:{}: document {}",
            m.source.file, m.source.line, m.source.document
        );
        if key.name.is_empty() {
            return Err(CliError::Input(format!(
                "{at}: live object {} has no metadata.name\nhint: --live takes objects as \
                 read from the cluster (kubectl get -o yaml), which always have a name",
                object::group_kind(&m.object)
            )));
        }
        if let Some(first) = seen.get(&key) {
            return Err(CliError::Input(format!(
                "{at}: live object {key} is also given at {first}\nhint: give each live \
                 object once"
            )));
        }
        seen.insert(key, &m.source);
    }
    Ok(())
}

pub fn render(plan: &Plan, format: PlanFormat, painter: Painter) -> Result<String, CliError> {
    Ok(match format {
        PlanFormat::Table => table::render(plan, painter),
        PlanFormat::Json => {
            let mut text = serde_json::to_string_pretty(plan)
                .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
            text.push('\n');
            text
        }
        PlanFormat::Yaml => hookline_core::yaml::to_string(plan)
            .map_err(|e| CliError::Output(std::io::Error::other(e)))?,
        PlanFormat::Mermaid => mermaid::render(plan),
    })
}
