//! Scenario files (scenario-format.md): parsing, turning them into a simulation, checking
//! their expectations.

mod check;
mod error;
mod format;

pub use check::{CheckFailure, Verdict, check};
pub use error::ScenarioError;
pub use format::*;

use crate::duration::Duration;
use crate::manifest::{self, Manifest};
use crate::model::GroupKind;
use crate::plan::SyncSettings;
use crate::sim::{SimInput, SimOperation};
use crate::yaml;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A parsed, validated scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The file it came from (label as given), for messages.
    pub file: String,
    pub spec: ScenarioFile,
    pub input: SimInput,
    /// The scenario's text, to locate keys when reporting errors.
    pub(crate) text: String,
}

impl Scenario {
    /// Reads a scenario file; `path:` sources resolve against its directory.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: label.clone(),
            message: format!("cannot read the scenario: {e}"),
            hint: Some(
                "check the path; `hookline test` takes scenario files or directories".into(),
            ),
            ..ScenarioError::default()
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let default_name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        Scenario::parse(&text, &label, Some(&base), &default_name)
    }

    /// Parses scenario text. Without `base_dir` (the browser), `path:` sources are an error.
    pub fn parse(
        text: &str,
        file: &str,
        base_dir: Option<&Path>,
        default_name: &str,
    ) -> Result<Scenario, ScenarioError> {
        if text.len() > manifest::MAX_INPUT_BYTES {
            return Err(ScenarioError {
                file: file.into(),
                message: format!(
                    "the scenario is too large: {} bytes (limit {})",
                    text.len(),
                    manifest::MAX_INPUT_BYTES
                ),
                ..ScenarioError::default()
            });
        }
        let spec: ScenarioFile =
            yaml::from_str(text).map_err(|e| ScenarioError::from_yaml(file, e))?;
        let input = build_input(&spec, text, file, base_dir)?;
        Ok(Scenario {
            name: spec
                .name
                .clone()
                .unwrap_or_else(|| default_name.to_string()),
            description: spec.description.clone(),
            file: file.into(),
            spec,
            input,
            text: text.into(),
        })
    }

    /// The scenario as YAML (what the playground exports).
    pub fn to_yaml(&self) -> Result<String, ScenarioError> {
        yaml::to_string(&self.spec).map_err(|e| ScenarioError::from_yaml(&self.file, e))
    }
}

fn build_input(
    spec: &ScenarioFile,
    text: &str,
    file: &str,
    base: Option<&Path>,
) -> Result<SimInput, ScenarioError> {
    let app = spec.app.clone().unwrap_or_default();
    let mut desired = Arc::new(load_sources(
        &spec.manifests,
        "manifests",
        text,
        file,
        base,
    )?);
    let cluster_manifests = match &spec.cluster {
        Some(c) => load_sources(c, "cluster", text, file, base)?,
        None => Vec::new(),
    };
    let mut unknown_kinds = BTreeSet::new();
    for (i, k) in spec.unknown_kinds.iter().flatten().enumerate() {
        let gk = GroupKind::parse(k).ok_or_else(|| {
            ScenarioError::at_key(
                file,
                text,
                &format!("unknownKinds[{i}]"),
                "unknownKinds",
                format!("{k:?} is not group/Kind"),
            )
        })?;
        unknown_kinds.insert(gk);
    }
    let default_ops = vec![OperationSpec {
        sync: SyncSpec::default(),
    }];
    let ops = spec
        .operations
        .as_ref()
        .filter(|o| !o.is_empty())
        .unwrap_or(&default_ops);
    let mut operations = Vec::new();
    let mut current_app = app.clone();
    for (i, op) in ops.iter().enumerate() {
        let overrides = op.sync.app_overrides();
        current_app = current_app.merged(&overrides);
        if let Some(m) = &op.sync.manifests {
            desired = Arc::new(load_sources(
                m,
                &format!("operations[{i}].sync.manifests"),
                text,
                file,
                base,
            )?);
        }
        let settings = settings_of(&current_app);
        manifest::validate_set(&desired, &settings.namespace)
            .map_err(ScenarioError::from_manifest)?;
        let started_at_given = i == 0 || overrides.started_at.is_some();
        operations.push(SimOperation {
            settings,
            desired: desired.clone(),
            behaviour: op.sync.behaviour.clone().unwrap_or_default(),
            wave_delay: current_app.wave_delay.unwrap_or(Duration::from_secs(2)),
            retry: current_app.retry.clone(),
            terminate_after: op.sync.terminate_after,
            sync_timeout: current_app.sync_timeout,
            started_at_given,
        });
    }
    Ok(SimInput {
        cluster: cluster_manifests.into_iter().map(|m| m.object).collect(),
        unknown_kinds,
        behaviour: spec.behaviour.clone().unwrap_or_default(),
        health_rules: spec.health_rules.clone().unwrap_or_default(),
        operations,
        max_passes: 0,
    })
}

/// The settings an `app:` block (with defaults) describes.
pub fn settings_of(app: &AppSpec) -> SyncSettings {
    let d = SyncSettings::default();
    SyncSettings {
        app_name: app.name.clone().unwrap_or(d.app_name),
        namespace: app.namespace.clone().unwrap_or(d.namespace),
        revision: app.revision.clone().unwrap_or(d.revision),
        started_at: app.started_at.unwrap_or(d.started_at),
        prune: app.prune.unwrap_or(false),
        dry_run: app.dry_run.unwrap_or(false),
        skip_hooks: app.skip_hooks.unwrap_or(false),
        sync_options: app.sync_options.clone().unwrap_or_default(),
        force: app.force.unwrap_or(false),
        prune_confirmed: app.prune_confirmed.unwrap_or(false),
        profile: d.profile,
    }
}

fn load_sources(
    sources: &[SourceSpec],
    key: &str,
    text: &str,
    file: &str,
    base: Option<&Path>,
) -> Result<Vec<Manifest>, ScenarioError> {
    let mut out = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let path_key = format!("{key}[{i}]");
        match (&s.path, &s.yaml) {
            (Some(p), None) => {
                let Some(base) = base else {
                    return Err(ScenarioError::at_key(
                        file,
                        text,
                        &path_key,
                        p,
                        format!(
                            "`path: {p}` needs a file system; inline the manifests with `yaml:` instead"
                        ),
                    ));
                };
                let full: PathBuf = base.join(p);
                let loaded = manifest::load(&[full.display().to_string()])
                    .map_err(ScenarioError::from_manifest)?;
                out.extend(loaded);
            }
            (None, Some(y)) => {
                let label = format!("{file}#{path_key}");
                let mut loaded = manifest::parse_str(y, &label).map_err(|mut e| {
                    // Point into the scenario file: the inline text starts after its `yaml:` line.
                    if let (Some(line), Some(start)) =
                        (e.line, locate(text, y.lines().next().unwrap_or(""), 1))
                    {
                        e.file = file.into();
                        e.line = Some(start + line - 1);
                        e.message = format!("{path_key}.yaml: {}", e.message);
                    }
                    ScenarioError::from_manifest(e)
                })?;
                if let Some(start) = locate(
                    text,
                    y.lines().find(|l| !l.trim().is_empty()).unwrap_or(""),
                    1,
                ) {
                    for m in &mut loaded {
                        m.source.file = file.into();
                        m.source.line += start - 1;
                    }
                }
                out.extend(loaded);
            }
            _ => {
                return Err(ScenarioError::at_key(
                    file,
                    text,
                    &path_key,
                    key.rsplit('.').next().unwrap_or(key),
                    "a source is either `path:` or `yaml:`, exactly one of them".to_string(),
                ));
            }
        }
    }
    Ok(out)
}

/// The 1-based line of the first line containing `needle` at or after line `from`.
pub(crate) fn locate(text: &str, needle: &str, from: usize) -> Option<usize> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests;
