//! A restarting driver for property 10 (architecture principle 3, spec S-0).
//!
//! Argo CD rebuilds its sync context on every pass from the persisted operation state only.
//! This driver does the same the hard way: before every pass it serialises the
//! [`SyncOperation`] to JSON and builds the engine from the parsed copy — as a controller that
//! crashed and restarted between any two passes would — and it also runs the pass on the
//! in-memory state against a copy of the cluster. Both must ask for the same API calls and
//! end in the same state. It walks time like `core::sim` (a pass after every change, after the
//! wave delay, at the next health change) so its final outcome can be compared with the
//! simulator's.

use hookline_core::engine::{
    self, Effect, EffectResult, LiveView, OperationPhase, PassInput, PassOutcome, PlanCache,
    SyncOperation,
};
use hookline_core::sim::{Cluster, SimInput};
use std::sync::Arc;

/// How one operation ended under the restarting driver.
#[derive(Clone, Debug, PartialEq)]
pub struct Ended {
    pub phase: OperationPhase,
    pub message: String,
    pub results: Vec<engine::TaskResult>,
}

fn run_pass(cluster: &mut Cluster, input: PassInput) -> (Vec<(Effect, EffectResult)>, PassOutcome) {
    let mut log = Vec::new();
    let outcome = engine::begin_pass(input).run(|effects| {
        effects
            .iter()
            .map(|e| {
                let r = cluster.perform(e, &mut Vec::new());
                log.push((e.clone(), r.clone()));
                r
            })
            .collect()
    });
    (log, outcome)
}

/// Drives every operation of `input` (no retries, no terminate: those are controller
/// decisions, not engine state) restarting the engine before every pass. Returns how each
/// operation ended, or the first pass where the restarted engine disagreed.
pub fn drive_restarting(input: &SimInput) -> Result<Vec<Ended>, String> {
    let mut cluster = input.initial_cluster();
    let rules = Arc::new(input.health_rules.clone());
    let mut ended = Vec::new();
    let mut last_started: Option<i64> = None;
    for (index, op) in input.operations.iter().enumerate() {
        cluster.behaviours.push_front(&op.behaviour);
        let mut settings = op.settings.clone();
        settings.started_at = op.started_at(last_started, cluster.now());
        last_started = Some(settings.started_at);
        let settings = Arc::new(settings);
        let plan_cache = PlanCache::new(op.desired.clone(), settings.clone());
        let mut state = SyncOperation::new(settings.started_at);
        let mut next_at = cluster.now();
        let mut passes = 0;
        loop {
            passes += 1;
            if passes > hookline_core::sim::DEFAULT_MAX_PASSES {
                return Err(format!("operation {index}: no end after {passes} passes"));
            }
            // Stop at every timeline change on the way, as the simulator does: a health step
            // the clock jumped over would never be written into the object's status.
            loop {
                let step = match cluster.next_event_at() {
                    Some(t) if t <= next_at => t,
                    _ => next_at,
                };
                cluster.advance_to(step, &mut Vec::new());
                if step >= next_at {
                    break;
                }
            }
            let now = cluster.now();
            let persisted = serde_json::to_string(&state).map_err(|e| e.to_string())?;
            let restored: SyncOperation =
                serde_json::from_str(&persisted).map_err(|e| e.to_string())?;
            let live = LiveView {
                set: cluster.live_set(),
                discovery: cluster.discovery(),
            };
            // The running engine keeps the operation's plan cache; the restarted one starts
            // without it (a fresh controller), so this also pins that the cache changes nothing.
            let input_for = |state: SyncOperation, plan: Option<Arc<PlanCache>>| PassInput {
                settings: settings.clone(),
                desired: op.desired.clone(),
                rules: rules.clone(),
                live: live.clone(),
                state,
                plan,
            };
            let mut shadow = cluster.clone();
            let (effects_a, outcome_a) = run_pass(
                &mut shadow,
                input_for(state.clone(), Some(plan_cache.clone())),
            );
            let changes_before = cluster.changes();
            let (effects_b, outcome_b) = run_pass(&mut cluster, input_for(restored, None));
            if effects_a != effects_b || outcome_a != outcome_b {
                return Err(format!(
                    "operation {index}, pass {passes}: the engine rebuilt from the persisted \
                     state {persisted} disagrees with the one fed the in-memory state\n\
                     effects in memory: {effects_a:?}\nrestarted: {effects_b:?}\n\
                     outcome in memory: {outcome_a:?}\nrestarted: {outcome_b:?}"
                ));
            }
            let state_changed = outcome_b.state != state;
            state = outcome_b.state;
            if state.phase.completed() {
                break;
            }
            let pause = match outcome_b.wave_callback {
                Some(cb) if !cb.final_wave => op.wave_delay.millis(),
                _ => 0,
            };
            let earliest = now + pause;
            let mut candidates = Vec::new();
            if state_changed || cluster.changes() != changes_before {
                candidates.push(earliest);
            }
            if let Some(t) = cluster.next_event_at() {
                candidates.push(t.max(earliest));
            }
            match candidates.into_iter().min() {
                Some(t) => next_at = t,
                None => break, // stuck: nothing can change any more (HL-21)
            }
        }
        ended.push(Ended {
            phase: state.phase,
            message: state.message,
            results: state.results,
        });
    }
    Ok(ended)
}
