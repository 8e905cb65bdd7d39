//! The readable timeline of a simulation: what happened when, the operation message as
//! Argo CD shows it, why (rule ids), and what is left in the cluster.

use crate::output::{Painter, Style};
use hookline_core::engine::OperationPhase;
use hookline_core::health::HealthStatus;
use hookline_core::sim::{
    Call, CallResult, ClusterEvent, ClusterObject, SimulationReport, TraceEntry, TraceEvent,
};
use std::fmt::Write;

pub fn render(name: &str, report: &SimulationReport, p: Painter) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.paint(Style::BOLD, &format!("scenario: {name}"))
    );
    for op in &report.operations {
        let _ = writeln!(
            out,
            "\n{}",
            p.paint(
                Style::BOLD,
                &format!(
                    "operation {} · revision {} · startedAt {}",
                    op.index + 1,
                    op.revision,
                    op.started_at
                )
            )
        );
        let entries: Vec<&TraceEntry> = report
            .trace
            .iter()
            .filter(|e| e.operation == op.index)
            .collect();
        render_entries(&mut out, &entries, p);
        let style = phase_style(op.phase);
        let verdict = if op.stuck {
            " (stuck: nothing can change any more; Argo CD would wait forever)"
        } else if op.livelock {
            " (livelock: pass bound reached)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{} {} — {}{}",
            p.paint(Style::BOLD, "result:"),
            p.paint(style, op.phase.as_str()),
            op.message.replace('\n', " / "),
            verdict
        );
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                Style::DIM,
                &format!(
                    "  {} passes, {:.1}s of virtual time, {} attempt(s)",
                    op.passes,
                    (op.end - op.begin) as f64 / 1000.0,
                    op.attempts
                )
            )
        );
        render_cluster(&mut out, &op.cluster, p);
    }
    out
}

fn secs(ms: u64) -> String {
    format!("{:>7.1}s", ms as f64 / 1000.0)
}

fn render_entries(out: &mut String, entries: &[&TraceEntry], p: Painter) {
    let mut i = 0;
    while i < entries.len() {
        let e = entries[i];
        let at = p.paint(Style::DIM, &secs(e.at));
        match &e.event {
            TraceEvent::OperationStarted { .. } => {}
            TraceEvent::Pass => {
                let _ = writeln!(
                    out,
                    "{at}  {}",
                    p.paint(Style::DIM, &format!("pass {}", e.pass))
                );
            }
            TraceEvent::Effect {
                call: Call::Apply { dry_run: true, .. },
                ..
            } => {
                // Dry-runs come as one batch: summarise them.
                let mut n = 0;
                let mut failed = Vec::new();
                while i < entries.len() {
                    match &entries[i].event {
                        TraceEvent::Effect {
                            call:
                                Call::Apply {
                                    dry_run: true, key, ..
                                },
                            result,
                        } => {
                            n += 1;
                            if let CallResult::Failed { message } = result {
                                failed.push(format!("{key}: {message}"));
                            }
                            i += 1;
                        }
                        _ => break,
                    }
                }
                let verdict = if failed.is_empty() {
                    p.paint(Style::GREEN, "ok")
                } else {
                    p.paint(Style::RED, &format!("{} failed", failed.len()))
                };
                let _ = writeln!(out, "{at}    dry-run   {n} task(s): {verdict}");
                for f in failed {
                    let _ = writeln!(
                        out,
                        "{}              {}",
                        " ".repeat(8),
                        p.paint(Style::RED, &f)
                    );
                }
                continue;
            }
            TraceEvent::Effect { call, result } => {
                let (verb, what) = match call {
                    Call::Apply {
                        key,
                        phase,
                        method,
                        server_side,
                        ..
                    } => {
                        let how = match (method, server_side) {
                            (_, true) => "apply (server-side)".to_string(),
                            (m, _) => format!("{m:?}").to_lowercase(),
                        };
                        (how, format!("{phase} {key}"))
                    }
                    Call::Delete { key, reason, .. } => {
                        ("delete".to_string(), format!("{key} ({reason:?})"))
                    }
                    Call::RemoveFinalizer { key, .. } => (
                        "unfinalize".to_string(),
                        format!("{key}: hook finalizer removed"),
                    ),
                    Call::Get { key, .. } => ("get".to_string(), key.to_string()),
                };
                let rule = match call {
                    Call::Apply { rule, .. }
                    | Call::Delete { rule, .. }
                    | Call::RemoveFinalizer { rule, .. }
                    | Call::Get { rule, .. } => rule,
                };
                let outcome = match result {
                    CallResult::Ok { message } if message.is_empty() => String::new(),
                    CallResult::Ok { message } => format!(" → {message}"),
                    CallResult::Found => " → found".into(),
                    CallResult::NotFound => " → not found".into(),
                    CallResult::Failed { message } => {
                        format!(" → {}", p.paint(Style::RED, &format!("failed: {message}")))
                    }
                };
                let _ = writeln!(
                    out,
                    "{at}    {:<9} {what}{outcome} {}",
                    p.paint(Style::CYAN, &verb),
                    p.paint(Style::DIM, &format!("[{rule}]"))
                );
            }
            TraceEvent::Cluster { change } => match change {
                ClusterEvent::Health {
                    key,
                    status,
                    message,
                } => {
                    let msg = if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    };
                    let _ = writeln!(
                        out,
                        "{at}    health    {key} {}{msg}",
                        p.paint(health_style(*status), status.as_str())
                    );
                }
                ClusterEvent::Gone { key } => {
                    let _ = writeln!(out, "{at}    gone      {key}");
                }
                ClusterEvent::KindServed { kind } => {
                    let _ = writeln!(out, "{at}    served    {kind} (its CRD was applied)");
                }
                ClusterEvent::Note { text } => {
                    let _ = writeln!(
                        out,
                        "{at}    {}",
                        p.paint(Style::YELLOW, &format!("note: {text}"))
                    );
                }
            },
            TraceEvent::Result { .. } => {}
            TraceEvent::Phase { phase, message } => {
                let _ = writeln!(
                    out,
                    "{at}  {} {}",
                    p.paint(phase_style(*phase), &format!("● {phase}")),
                    message.replace('\n', " / ")
                );
            }
            TraceEvent::Pause {
                millis,
                phase,
                wave,
            } => {
                let _ = writeln!(
                    out,
                    "{at}    {}",
                    p.paint(
                        Style::DIM,
                        &format!(
                            "pause {:.1}s after {phase} wave {wave} [C-2]",
                            *millis as f64 / 1000.0
                        )
                    )
                );
            }
            TraceEvent::Retry { message, .. } => {
                let _ = writeln!(
                    out,
                    "{at}  {} {message} [C-4]",
                    p.paint(Style::YELLOW, "retry")
                );
            }
            TraceEvent::Terminate { message } => {
                let _ = writeln!(
                    out,
                    "{at}  {} {message} [C-5]",
                    p.paint(Style::YELLOW, "● Terminating")
                );
            }
            TraceEvent::Note { rule, text } => {
                let _ = writeln!(
                    out,
                    "{at}    {}",
                    p.paint(Style::DIM, &format!("why: {text} [{rule}]"))
                );
            }
            TraceEvent::Stuck { message } => {
                let _ = writeln!(
                    out,
                    "{at}  {} still {message:?}, and nothing can change any more [HL-21]",
                    p.paint(Style::YELLOW, "stuck")
                );
            }
            TraceEvent::Livelock { passes } => {
                let _ = writeln!(
                    out,
                    "{at}  {} {passes} passes without finishing",
                    p.paint(Style::RED, "livelock")
                );
            }
        }
        i += 1;
    }
}

fn render_cluster(out: &mut String, objects: &[ClusterObject], p: Painter) {
    let shown: Vec<&ClusterObject> = objects.iter().filter(|o| o.tracked || o.created).collect();
    let _ = writeln!(out, "{}", p.paint(Style::BOLD, "cluster afterwards:"));
    if shown.is_empty() {
        let _ = writeln!(out, "  (nothing of the app's)");
    }
    for o in shown {
        let mut tags = Vec::new();
        if o.hook {
            tags.push(p.paint(Style::MAGENTA, "hook"));
        }
        if o.deleting {
            tags.push(p.paint(Style::RED, "deleting"));
        }
        if o.finalizers
            .iter()
            .any(|f| f == hookline_core::object::keys::HOOK_FINALIZER)
        {
            tags.push(p.paint(Style::RED, "hook-finalizer"));
        }
        if let Some(h) = &o.health {
            tags.push(p.paint(health_style(h.status), h.status.as_str()));
        }
        let _ = writeln!(out, "  {}  {}", o.key, tags.join(" "));
    }
}

fn phase_style(phase: OperationPhase) -> Style {
    match phase {
        OperationPhase::Succeeded => Style::GREEN,
        OperationPhase::Failed | OperationPhase::Error => Style::RED,
        OperationPhase::Running | OperationPhase::Terminating => Style::YELLOW,
    }
}

fn health_style(s: HealthStatus) -> Style {
    match s {
        HealthStatus::Healthy => Style::GREEN,
        HealthStatus::Degraded | HealthStatus::Unknown => Style::RED,
        _ => Style::YELLOW,
    }
}
