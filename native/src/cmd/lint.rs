//! `hookline lint`: findings with code, severity, file:line, why and fix (docs/lints.md).

use crate::cli::{DenyLevel, LintArgs, LintFormat};
use crate::error::{CliError, exit};
use crate::output::Painter;
use crate::write_stdout;
use hookline_core::lint::{self, LintConfig, Severity};
use hookline_core::manifest;
use hookline_core::plan::SyncSettings;
use std::process::ExitCode;

pub fn run(args: &LintArgs, painter: Painter) -> Result<ExitCode, CliError> {
    for code in &args.disable {
        if lint::rule(code).is_none() {
            return Err(CliError::Input(format!(
                "--disable {code}: no such rule\nhint: rules are listed in docs/lints.md (codes like HL004 or names like hook-reused-without-before-hook-creation)"
            )));
        }
    }
    let d = SyncSettings::default();
    let settings = SyncSettings {
        namespace: args.namespace.clone().unwrap_or(d.namespace.clone()),
        sync_options: args.sync_options.clone(),
        ..d
    };
    let manifests = super::load_desired(&args.paths)?;
    manifest::validate_set(&manifests, &settings.namespace)?;
    let live = super::plan::load_live(&args.live)?;
    let config = LintConfig {
        disabled: args.disable.clone(),
        settings,
        app_source: None,
    };
    let findings = lint::lint(&manifests, &live, &config);
    let text = match args.output {
        LintFormat::Text => lint::render_text(&findings, painter.enabled()),
        LintFormat::Json => json(&serde_json::to_value(&findings))?,
        LintFormat::Sarif => json(&Ok(lint::to_sarif(&findings, env!("CARGO_PKG_VERSION"))))?,
    };
    write_stdout(&text)?;
    let errors = findings.iter().any(|f| f.severity == Severity::Error);
    let warnings = findings.iter().any(|f| f.severity == Severity::Warning);
    let deny_warnings = args.deny == Some(DenyLevel::Warnings);
    Ok(ExitCode::from(if errors || (deny_warnings && warnings) {
        exit::FAILURE
    } else {
        exit::OK
    }))
}

fn json(v: &Result<serde_json::Value, serde_json::Error>) -> Result<String, CliError> {
    let v = v
        .as_ref()
        .map_err(|e| CliError::Output(std::io::Error::other(e.to_string())))?;
    let mut t =
        serde_json::to_string_pretty(v).map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    t.push('\n');
    Ok(t)
}
