//! The plan as a Mermaid flowchart (renders in GitHub Markdown): one subgraph per phase,
//! one nested subgraph per step (wave), task nodes chained in plan order. The SyncFail step
//! runs only when the sync fails, so it hangs off the last task by a dotted edge.

use hookline_core::model::SyncPhase;
use hookline_core::plan::{Plan, PlannedTask, TaskAction};
use std::fmt::Write;

pub fn render(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    // (node id, phase) of every task, in plan order.
    let mut nodes: Vec<(String, SyncPhase)> = Vec::new();
    let mut open_phase: Option<SyncPhase> = None;
    for (i, step) in plan.steps.iter().enumerate() {
        if open_phase != Some(step.phase) {
            if open_phase.is_some() {
                out.push_str("  end\n");
            }
            // Steps are in phase order, so one subgraph per phase; the step index keeps the
            // id unique even if a phase ever came back.
            let _ = writeln!(
                out,
                "  subgraph p{}_{}[\"{}\"]",
                i + 1,
                step.phase.as_str(),
                step.phase.as_str()
            );
            open_phase = Some(step.phase);
        }
        let title = if step.phase == SyncPhase::SyncFail {
            format!("step {} · on failure", i + 1)
        } else {
            format!("step {} · wave {}", i + 1, step.wave)
        };
        let _ = writeln!(out, "    subgraph s{}[\"{}\"]", i + 1, escape(&title));
        for t in &step.tasks {
            let id = format!("t{}_{}", nodes.len() + 1, sanitize(&t.name));
            let _ = writeln!(out, "      {id}{}", shape(t));
            nodes.push((id, t.phase));
        }
        out.push_str("    end\n");
    }
    if open_phase.is_some() {
        out.push_str("  end\n");
    }
    let first_fail = nodes.iter().position(|(_, p)| *p == SyncPhase::SyncFail);
    for (i, pair) in nodes.windows(2).enumerate() {
        if let [(a, _), (b, _)] = pair {
            let arrow = if first_fail == Some(i + 1) {
                " -. on failure .-> "
            } else {
                " --> "
            };
            let _ = writeln!(out, "  {a}{arrow}{b}");
        }
    }
    out
}

/// Node text and shape: hooks are rounded (stadium), prunes are crossed out in words.
fn shape(t: &PlannedTask) -> String {
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
    let mut lines = vec![escape(&kind), escape(&name)];
    match t.action {
        TaskAction::Prune => lines.push("prune".into()),
        TaskAction::CreateNamespace => lines.push("create namespace".into()),
        TaskAction::Apply => {}
    }
    if t.hook {
        let policies: Vec<&str> = t.delete_policies.iter().map(|p| p.as_str()).collect();
        if policies.is_empty() {
            lines.push("hook".into());
        } else {
            lines.push(format!("hook · {}", policies.join(", ")));
        }
        format!("([\"{}\"])", lines.join("<br/>"))
    } else {
        format!("[\"{}\"]", lines.join("<br/>"))
    }
}

/// Mermaid node ids: ASCII letters, digits and `_` only (no keywords: ids start with `t<n>_`).
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Text inside `"…"` labels: Mermaid's entity codes for the characters it would parse.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels_are_safe() {
        assert_eq!(sanitize("db-migration.v1"), "db_migration_v1");
        assert_eq!(escape("a\"<b>#"), "a#quot;#lt;b#gt;#35;");
    }

    #[test]
    fn empty_plan_is_a_valid_chart() {
        let plan = Plan {
            steps: Vec::new(),
            multi_step: false,
            ignored: Vec::new(),
            skipped: Vec::new(),
        };
        assert_eq!(render(&plan), "flowchart LR\n");
    }
}
