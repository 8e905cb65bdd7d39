//! `hookline health`: each object's health and message, as Argo CD assesses it.

use crate::cli::{HealthArgs, HealthFormat};
use crate::error::CliError;
use crate::output::{Cell, Painter, Style, Table};
use crate::write_stdout;
use hookline_core::health::{self, HealthRules, HealthStatus};
use hookline_core::manifest;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    #[serde(flatten)]
    key: hookline_core::ResourceKey,
    source: hookline_core::Source,
    /// `null` = the kind has no health check (HL-2.4).
    health: Option<health::Health>,
}

pub fn run(args: &HealthArgs, p: Painter) -> Result<ExitCode, CliError> {
    let rules = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Input(format!("{path}: {e}")))?;
            hookline_core::yaml::from_str::<HealthRules>(&text)
                .map_err(|e| CliError::Input(format!("{path}: {e}")))?
        }
        None => HealthRules::default(),
    };
    let objects = manifest::load(&args.paths)?;
    let rows: Vec<Row> = objects
        .iter()
        .map(|m| Row {
            key: m.key(),
            source: m.source.clone(),
            health: health::assess(&m.object, &rules),
        })
        .collect();
    let text = match args.output {
        HealthFormat::Json => {
            let mut t = serde_json::to_string_pretty(&rows)
                .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
            t.push('\n');
            t
        }
        HealthFormat::Table => {
            let mut table = Table::new(["KIND", "NAMESPACE/NAME", "HEALTH", "MESSAGE"]);
            for r in &rows {
                let kind = if r.key.group.is_empty() {
                    r.key.kind.clone()
                } else {
                    format!("{}/{}", r.key.group, r.key.kind)
                };
                let name = if r.key.namespace.is_empty() {
                    r.key.name.clone()
                } else {
                    format!("{}/{}", r.key.namespace, r.key.name)
                };
                let (status, style, msg) = match &r.health {
                    None => ("(no check)".to_string(), Style::DIM, String::new()),
                    Some(h) => (
                        h.status.as_str().to_string(),
                        style(h.status),
                        h.message.clone(),
                    ),
                };
                table.row(vec![
                    Cell::new(kind),
                    Cell::new(name),
                    Cell::styled(status, style),
                    Cell::new(msg),
                ]);
            }
            table.render(p)
        }
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn style(s: HealthStatus) -> Style {
    match s {
        HealthStatus::Healthy => Style::GREEN,
        HealthStatus::Degraded | HealthStatus::Unknown => Style::RED,
        _ => Style::YELLOW,
    }
}
