//! The default, human-readable plan: a totals line, one row per task, then the objects
//! left out of the sync.

use crate::output::{Cell, Painter, Style, Table};
use hookline_core::model::SyncPhase;
use hookline_core::plan::{Excluded, Plan, PlannedTask, TaskAction};

const NONE: &str = "–";

pub fn render(plan: &Plan, painter: Painter) -> String {
    let tasks: usize = plan.steps.iter().map(|s| s.tasks.len()).sum();
    let mut out = format!(
        "{} {}, {} {}, multi-step: {}, {} ignored, {} skipped\n",
        plan.steps.len(),
        plural(plan.steps.len(), "step", "steps"),
        tasks,
        plural(tasks, "task", "tasks"),
        if plan.multi_step { "yes" } else { "no" },
        plan.ignored.len(),
        plan.skipped.len(),
    );
    if tasks > 0 {
        let mut table = Table::new([
            "STEP",
            "PHASE",
            "WAVE",
            "KIND",
            "NAMESPACE/NAME",
            "HOOK",
            "DELETE POLICIES",
            "NOTES",
        ]);
        for (i, step) in plan.steps.iter().enumerate() {
            for t in &step.tasks {
                table.row(row(i + 1, t));
            }
        }
        out.push('\n');
        out.push_str(&table.render(painter));
    }
    excluded(&mut out, "ignored", &plan.ignored, painter);
    excluded(&mut out, "skipped", &plan.skipped, painter);
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn row(step: usize, t: &PlannedTask) -> Vec<Cell> {
    let kind = if t.group.is_empty() {
        t.kind.clone()
    } else {
        format!("{}/{}", t.group, t.kind)
    };
    let name = if t.namespace.is_empty() {
        t.name.clone()
    } else {
        format!("{}/{}", t.namespace, t.name)
    };
    let policies = if t.delete_policies.is_empty() {
        NONE.to_string()
    } else {
        t.delete_policies
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let name_style = match t.action {
        TaskAction::Prune => Style::RED,
        TaskAction::CreateNamespace => Style::GREEN,
        TaskAction::Apply => Style::PLAIN,
    };
    vec![
        Cell::new(step.to_string()),
        Cell::styled(t.phase.as_str(), phase_style(t.phase)),
        Cell::new(t.wave.to_string()),
        Cell::new(kind),
        Cell::styled(name, name_style),
        if t.hook {
            Cell::styled("yes", Style::YELLOW)
        } else {
            Cell::new(NONE)
        },
        Cell::new(policies),
        Cell::styled(t.notes.join("; "), Style::DIM),
    ]
}

fn phase_style(phase: SyncPhase) -> Style {
    match phase {
        SyncPhase::PreSync => Style::CYAN,
        SyncPhase::Sync => Style::GREEN,
        SyncPhase::PostSync => Style::BLUE,
        SyncPhase::SyncFail => Style::MAGENTA,
    }
}

fn excluded(out: &mut String, title: &str, items: &[Excluded], painter: Painter) {
    if items.is_empty() {
        return;
    }
    out.push('\n');
    out.push_str(&painter.paint(Style::BOLD, &format!("{title}:")));
    out.push('\n');
    for e in items {
        out.push_str(&format!("  {}: {}", e.key, e.reason));
        if let Some(s) = &e.source {
            let at = format!(" ({}:{})", s.file, s.line);
            out.push_str(&painter.paint(Style::DIM, &at));
        }
        out.push('\n');
    }
}
