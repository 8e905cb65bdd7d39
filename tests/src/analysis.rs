//! Reading a simulation report the way the properties need it: one record per attempt of an
//! operation (retries restart the whole operation, C-4), built from the trace only.

use hookline_core::engine::OperationPhase;
use hookline_core::health::OperationState;
use hookline_core::model::{ResourceKey, SyncPhase};
use hookline_core::sim::{Call, CallResult, SimulationReport, TraceEvent};

/// One real (not dry-run) apply the engine sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub pass: usize,
    pub phase: SyncPhase,
    pub key: ResourceKey,
    pub rule: String,
    pub ok: bool,
    /// Sent before the attempt's dry-run: the namespace pre-creation of S-2.1.
    pub before_dry_run: bool,
}

/// One attempt of one operation.
#[derive(Clone, Debug, Default)]
pub struct Attempt {
    pub operation: usize,
    pub applied: Vec<Applied>,
    /// `(pass, phase, key)` of every task result that turned Failed or Error, in order.
    pub failures: Vec<(usize, SyncPhase, ResourceKey)>,
    /// The last phase and message the attempt reached.
    pub phase: Option<OperationPhase>,
    pub message: String,
    pub terminated: bool,
    /// The last pass before the operation was switched to Terminating (C-5, C-9).
    pub terminated_after_pass: Option<usize>,
    /// A retry followed this attempt.
    pub retried: bool,
}

impl Attempt {
    /// The attempt failed after validation and the dry-run (S-9, S-14, S-15): not through
    /// S-1 (invalid tasks), S-2 (dry-run or namespace pre-creation) or a terminate (§9).
    pub fn failed_after_dry_run(&self) -> bool {
        self.phase == Some(OperationPhase::Failed)
            && !self.terminated
            && self.message.starts_with("one or more")
            && !self
                .message
                .starts_with("one or more synchronization tasks are not valid")
            && !self
                .message
                .starts_with("one or more objects failed to apply (dry run)")
    }
}

/// Splits the trace into attempts, in order.
pub fn attempts(report: &SimulationReport) -> Vec<Attempt> {
    let mut out: Vec<Attempt> = Vec::new();
    let mut current: Option<Attempt> = None;
    let mut dry_run_seen = false;
    for entry in &report.trace {
        let start_new = match &current {
            None => true,
            Some(a) => a.operation != entry.operation || a.retried,
        };
        if start_new {
            if let Some(a) = current.take() {
                out.push(a);
            }
            dry_run_seen = false;
            current = Some(Attempt {
                operation: entry.operation,
                ..Attempt::default()
            });
        }
        let Some(a) = current.as_mut() else { continue };
        match &entry.event {
            TraceEvent::Effect {
                call: Call::Apply { dry_run: true, .. },
                ..
            } => dry_run_seen = true,
            TraceEvent::Effect {
                call:
                    Call::Apply {
                        key,
                        phase,
                        dry_run: false,
                        rule,
                        ..
                    },
                result,
            } => a.applied.push(Applied {
                pass: entry.pass,
                phase: *phase,
                key: key.clone(),
                rule: rule.clone(),
                ok: matches!(result, CallResult::Ok { .. }),
                before_dry_run: !dry_run_seen,
            }),
            TraceEvent::Result { result } => {
                if matches!(
                    result.hook_phase,
                    Some(OperationState::Failed | OperationState::Error)
                ) {
                    a.failures
                        .push((entry.pass, result.sync_phase, result.key.clone()));
                }
            }
            TraceEvent::Phase { phase, message } => {
                a.phase = Some(*phase);
                a.message = message.clone();
            }
            TraceEvent::Terminate { .. } => {
                a.terminated = true;
                a.terminated_after_pass = Some(entry.pass);
            }
            TraceEvent::Retry { .. } => a.retried = true,
            _ => {}
        }
    }
    if let Some(a) = current {
        out.push(a);
    }
    out
}

/// The last attempt of each operation.
pub fn final_attempts(report: &SimulationReport) -> Vec<Attempt> {
    let all = attempts(report);
    (0..report.operations.len())
        .filter_map(|i| all.iter().rev().find(|a| a.operation == i).cloned())
        .collect()
}
