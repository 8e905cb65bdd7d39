//! The simulator: drives the engine against a simulated cluster on a virtual clock, the way
//! the Argo CD controller drives `Sync()` (spec §10; scenario-format.md).
//!
//! A pass runs whenever something it waits for may have changed: right after a pass that
//! changed the cluster or the operation state, after the wave delay (C-2), when a health
//! timeline moves, when the user terminates, when a retry is due. When none of these can
//! happen any more and the operation is not done, it would wait forever: the simulation of
//! that operation ends `Running` with its message (HL-21).

mod behaviour;
mod cluster;
mod trace;

pub use behaviour::{BehaviourRule, Behaviours, DeleteBehaviour, HealthStep, Outcome, Verdict};
pub use cluster::{
    CLUSTER_SCOPED, Cluster, ClusterEvent, STUCK_FINALIZER, SimObject, health_timeline,
    immutable_violation,
};
pub use trace::*;
// The retry policy and its messages belong to the controller logic the driver shares.
pub use crate::engine::control::{Backoff, Retry, kitchen_time};

use crate::classify;
use crate::duration::Duration;
use crate::engine::control::{self, AfterCompletion, TerminateCause};
use crate::engine::{self, LiveView, OperationPhase, PassInput, PlanCache, SyncOperation};
use crate::health::HealthRules;
use crate::manifest::Manifest;
use crate::model::{GroupKind, ResourceKey};
use crate::plan::{self, SyncSettings};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// One operation to simulate.
#[derive(Clone, Debug)]
pub struct SimOperation {
    pub settings: SyncSettings,
    pub desired: Arc<Vec<Manifest>>,
    /// Rules that apply from this operation on, before the older ones.
    pub behaviour: Vec<BehaviourRule>,
    /// Pause after each non-final step (C-2).
    pub wave_delay: Duration,
    pub retry: Option<Retry>,
    /// The user terminates the operation this long after its start (C-5).
    pub terminate_after: Option<Duration>,
    /// Controller sync timeout (C-9); none by default.
    pub sync_timeout: Option<Duration>,
    /// Whether `settings.started_at` was given; if not, it is the virtual start time.
    pub started_at_given: bool,
}

/// Everything a simulation needs.
#[derive(Clone, Debug, Default)]
pub struct SimInput {
    /// Objects that exist before the first operation (tracked by the app).
    pub cluster: Vec<Value>,
    pub unknown_kinds: BTreeSet<GroupKind>,
    pub behaviour: Vec<BehaviourRule>,
    pub health_rules: HealthRules,
    pub operations: Vec<SimOperation>,
    /// Passes per operation before it is reported as a livelock.
    pub max_passes: usize,
}

pub const DEFAULT_MAX_PASSES: usize = 10_000;

impl SimInput {
    /// The simulated cluster before the first operation: the built-in namespaces plus the
    /// `cluster:` objects, namespaced objects without a namespace put in the first
    /// operation's destination namespace (scenario-format.md).
    pub fn initial_cluster(&self) -> Cluster {
        let mut cluster = Cluster::new(
            self.unknown_kinds.clone(),
            Behaviours::new(self.behaviour.clone()),
            self.health_rules.clone(),
        );
        let default_ns = self
            .operations
            .first()
            .map(|o| o.settings.namespace.as_str())
            .unwrap_or("default");
        for obj in &self.cluster {
            cluster.seed(obj.clone(), default_ns);
        }
        cluster
    }
}

impl SimOperation {
    /// When this operation starts: its given `startedAt`, else — after an earlier operation
    /// that started at `previous` — when that one ended (`now_millis` of virtual time, in
    /// whole seconds), always in a later second than `previous`.
    pub fn started_at(&self, previous: Option<i64>, now_millis: u64) -> i64 {
        match previous {
            Some(prev) if !self.started_at_given => {
                (self.settings.started_at + now_millis.div_ceil(1000) as i64).max(prev + 1)
            }
            _ => self.settings.started_at,
        }
    }
}

/// Whether the simulated cluster moves this object's health along a timeline — a kind with
/// a built-in health check (a Service only as a LoadBalancer) — so that a behaviour
/// `outcome` decides whether it succeeds, fails or hangs (scenario-format.md).
pub fn has_health_timeline(obj: &Value) -> bool {
    cluster::default_timeline_applies(obj)
}

pub fn simulate(input: &SimInput) -> SimulationReport {
    let cluster = input.initial_cluster();
    let rules = Arc::new(input.health_rules.clone());
    let initial_cluster = snapshot(&cluster, &[]);
    let mut sim = Sim {
        cluster,
        // A sizing hint, not a limit: an operation logs about six entries per object (a
        // dry-run, an apply, health changes, results), and growing a vector of ten
        // thousands of entries by doubling copies and touches it several times over.
        trace: Vec::with_capacity(
            input
                .operations
                .iter()
                .map(|op| op.desired.len() * 6 + 64)
                .sum::<usize>()
                .min(1 << 20),
        ),
        rules,
        max_passes: if input.max_passes == 0 {
            DEFAULT_MAX_PASSES
        } else {
            input.max_passes
        },
    };
    let mut operations = Vec::new();
    let mut last_started: Option<i64> = None;
    for (index, op) in input.operations.iter().enumerate() {
        let mut op = op.clone();
        op.settings.started_at = op.started_at(last_started, sim.cluster.now());
        last_started = Some(op.settings.started_at);
        operations.push(sim.run_operation(index, &op));
    }
    SimulationReport {
        operations,
        trace: sim.trace,
        initial_cluster,
    }
}

struct Sim {
    cluster: Cluster,
    trace: Vec<TraceEntry>,
    rules: Arc<HealthRules>,
    max_passes: usize,
}

impl Sim {
    fn log(&mut self, operation: usize, pass: usize, event: TraceEvent) {
        self.trace.push(TraceEntry {
            at: self.cluster.now(),
            operation,
            pass,
            event,
        });
    }

    /// Moves the clock to `to`, stopping at every timeline change on the way so that each
    /// cluster event is logged at the moment it happened.
    fn advance(&mut self, to: u64, operation: usize, pass: usize) {
        loop {
            let step = match self.cluster.next_event_at() {
                Some(t) if t <= to => t,
                _ => to,
            };
            let mut events = Vec::new();
            self.cluster.advance_to(step, &mut events);
            for change in events {
                self.log(operation, pass, TraceEvent::Cluster { change });
            }
            if step >= to {
                break;
            }
        }
    }

    fn run_operation(&mut self, index: usize, op: &SimOperation) -> OperationReport {
        self.cluster.behaviours.push_front(&op.behaviour);
        let settings = Arc::new(op.settings.clone());
        let begin = self.cluster.now();
        // The desired-only half of every pass's task list, computed once (engine::PlanCache).
        let plan_cache = PlanCache::new(op.desired.clone(), settings.clone());
        // The report's static plan (T-11) against the cluster as the operation starts:
        // for a large application, computed beside the simulation, on another core where
        // there is one (for a small one a thread costs more than the plan: `explore` runs
        // thousands of small simulations).
        let initial_live = self.cluster.live_set();
        let static_plan = if crate::SMALL_MODULE {
            crate::parallel::Beside::Ready(plan::plan(&op.desired, &initial_live, &settings))
        } else if op.desired.len() < PLAN_BESIDE_FROM {
            crate::parallel::Beside::Ready(plan_cache.static_plan(&initial_live))
        } else {
            let (cache, live) = (plan_cache.clone(), initial_live.clone());
            crate::parallel::beside(move || cache.static_plan(&live))
        };
        // Held only for the debug check below: a live set still shared when the cluster
        // next changes is copied (`Cluster::live_set`).
        #[cfg(not(debug_assertions))]
        drop(initial_live);
        self.log(
            index,
            0,
            TraceEvent::OperationStarted {
                revision: settings.revision.clone(),
                started_at: settings.started_at,
            },
        );
        let mut state = SyncOperation::new(settings.started_at);
        // Sizing hints: an operation applies and creates about one object per manifest.
        let mut applied = Vec::with_capacity(op.desired.len());
        let mut deleted: Vec<ResourceKey> = Vec::new();
        // Every key this operation created, sorted and deduplicated once for the snapshot
        // (pushing is cheaper than keeping ten thousand keys ordered as they come).
        let mut created: Vec<ResourceKey> = Vec::with_capacity(op.desired.len());
        let mut passes = 0usize;
        // The effects of a pass and what came of them, logged after the pass. One buffer
        // for the whole operation: a dry-run pass of ten thousand tasks fills megabytes,
        // which a fresh vector per pass would take from the system (page faults) each time.
        let mut effect_log = Vec::new();
        let mut attempts = 1u32;
        let mut retries_done = 0u32;
        let mut terminated = false;
        let mut timed_out = false;
        let terminate_at = op.terminate_after.map(|d| begin + d.millis());
        let timeout_at = op.sync_timeout.map(|d| begin + d.millis());
        let (mut stuck, mut livelock) = (false, false);
        let mut next_at = begin;

        loop {
            if passes >= self.max_passes {
                livelock = true;
                self.log(index, passes, TraceEvent::Livelock { passes });
                break;
            }
            self.advance(next_at, index, passes);
            let now = self.cluster.now();
            // C-5 / C-9: the user or the controller switches a running operation to Terminating.
            if state.phase == OperationPhase::Running {
                let by_user = terminate_at.is_some_and(|t| now >= t);
                let by_timeout = timeout_at.is_some_and(|t| now >= t);
                let cause = match (by_user, by_timeout) {
                    (true, _) => Some(TerminateCause::User),
                    (false, true) => Some(TerminateCause::Timeout),
                    _ => None,
                };
                if let Some(cause) = cause
                    && control::request_terminate(&mut state, cause)
                {
                    terminated = true;
                    timed_out = cause == TerminateCause::Timeout;
                    self.log(
                        index,
                        passes,
                        TraceEvent::Terminate {
                            message: state.message.clone(),
                        },
                    );
                }
            }
            passes += 1;
            let changes_before = self.cluster.changes();
            self.log(index, passes, TraceEvent::Pass);
            let input = PassInput {
                settings: settings.clone(),
                desired: op.desired.clone(),
                rules: self.rules.clone(),
                live: LiveView {
                    set: self.cluster.live_set(),
                    discovery: self.cluster.discovery(),
                },
                // Moved, not copied: the pass reports what it changed (`outcome.changed`).
                state: std::mem::replace(&mut state, SyncOperation::new(0)),
                plan: Some(plan_cache.clone()),
            };
            let before = (input.state.phase, input.state.message.clone());
            let outcome = {
                let cluster = &mut self.cluster;
                engine::begin_pass(input).run(|effects| {
                    effect_log.reserve(effects.len());
                    effects
                        .iter()
                        .map(|e| {
                            let mut events = Vec::new();
                            let r = cluster.perform(e, &mut events);
                            // What the report keeps of the effect, not a copy of it.
                            record_effect(e, &r, &mut applied, &mut deleted, &mut created);
                            effect_log.push((Call::from(e), CallResult::from(&r), events));
                            r
                        })
                        .collect()
                })
            };
            for note in &outcome.notes {
                self.log(
                    index,
                    passes,
                    TraceEvent::Note {
                        rule: note.rule.clone(),
                        text: note.text.clone(),
                    },
                );
            }
            for (call, result, events) in effect_log.drain(..) {
                self.log(index, passes, TraceEvent::Effect { call, result });
                for change in events {
                    self.log(index, passes, TraceEvent::Cluster { change });
                }
            }
            let state_changed =
                log_state_changes(self, index, passes, (before.0, &before.1), &outcome);
            state = outcome.state;
            let cluster_changed = self.cluster.changes() != changes_before;

            if state.phase.completed() {
                if terminated {
                    let cause = if timed_out {
                        TerminateCause::Timeout
                    } else {
                        TerminateCause::User
                    };
                    control::finish_terminated(&mut state, cause);
                    break; // never retried
                }
                match control::after_completion(
                    &state,
                    op.retry.as_ref(),
                    retries_done,
                    now.saturating_sub(begin),
                ) {
                    AfterCompletion::Retry {
                        delay_millis,
                        announce,
                        state: next,
                    } => {
                        retries_done += 1;
                        self.log(
                            index,
                            passes,
                            TraceEvent::Retry {
                                attempt: retries_done,
                                message: announce,
                            },
                        );
                        next_at = now + delay_millis;
                        state = next;
                        attempts += 1;
                        continue;
                    }
                    AfterCompletion::Done { message } => {
                        state.message = message;
                        break;
                    }
                }
            }

            // When is the next pass?
            let pause = match outcome.wave_callback {
                Some(cb) if !cb.final_wave && op.wave_delay.millis() > 0 => {
                    self.log(
                        index,
                        passes,
                        TraceEvent::Pause {
                            millis: op.wave_delay.millis(),
                            phase: cb.phase,
                            wave: cb.wave,
                        },
                    );
                    op.wave_delay.millis()
                }
                _ => 0,
            };
            let earliest = now + pause;
            let mut candidates: Vec<u64> = Vec::new();
            if state_changed || cluster_changed {
                candidates.push(earliest);
            }
            if let Some(t) = self.cluster.next_event_at() {
                candidates.push(t.max(earliest));
            }
            if state.phase == OperationPhase::Running {
                for t in [terminate_at, timeout_at].into_iter().flatten() {
                    if t > now {
                        candidates.push(t.max(earliest));
                    }
                }
            }
            match candidates.into_iter().min() {
                Some(t) => next_at = t,
                None => {
                    stuck = true;
                    self.log(
                        index,
                        passes,
                        TraceEvent::Stuck {
                            message: state.message.clone(),
                        },
                    );
                    break;
                }
            }
        }
        let last_logged = self.trace.iter().rev().find_map(|e| match &e.event {
            TraceEvent::Phase { phase, message } => Some((*phase, message.clone())),
            _ => None,
        });
        if last_logged != Some((state.phase, state.message.clone())) {
            self.log(
                index,
                passes,
                TraceEvent::Phase {
                    phase: state.phase,
                    message: state.message.clone(),
                },
            );
        }
        created.sort_unstable();
        created.dedup();
        let static_plan = static_plan.join();
        #[cfg(debug_assertions)]
        assert_eq!(
            static_plan,
            plan::plan(&op.desired, &initial_live, &settings)
        );
        OperationReport {
            index,
            phase: state.phase,
            message: state.message.clone(),
            completed: state.phase.completed(),
            stuck,
            livelock,
            revision: settings.revision.clone(),
            started_at: settings.started_at,
            begin,
            end: self.cluster.now(),
            passes,
            attempts,
            plan: static_plan,
            results: state.results,
            applied,
            deleted,
            cluster: snapshot(&self.cluster, &created),
        }
    }
}

/// What the report keeps of one effect: applied tasks, deleted keys, created keys.
fn record_effect(
    effect: &engine::Effect,
    result: &engine::EffectResult,
    applied: &mut Vec<TaskRef>,
    deleted: &mut Vec<ResourceKey>,
    created: &mut Vec<ResourceKey>,
) {
    match effect {
        engine::Effect::Apply {
            key,
            phase,
            dry_run: false,
            ..
        } => {
            applied.push(TaskRef {
                phase: *phase,
                key: key.clone(),
            });
            if let engine::EffectResult::Ok { message } = result
                && (message.ends_with(" created")
                    || message.ends_with(" replaced")
                    || message.ends_with("serverside-applied"))
            {
                created.push(key.clone());
            }
        }
        engine::Effect::Delete { key, .. } if !deleted.contains(key) => {
            deleted.push(key.clone());
        }
        _ => {}
    }
}

/// Logs the results the pass changed and the phase/message if they moved; returns whether
/// the operation state changed.
fn log_state_changes(
    sim: &mut Sim,
    index: usize,
    pass: usize,
    before: (OperationPhase, &str),
    outcome: &engine::PassOutcome,
) -> bool {
    let after = &outcome.state;
    for &r in &outcome.changed {
        if let Some(result) = after.results.get(r) {
            sim.log(
                index,
                pass,
                TraceEvent::Result {
                    result: result.clone(),
                },
            );
        }
    }
    let phase_changed = before.0 != after.phase || before.1 != after.message;
    if phase_changed {
        sim.log(
            index,
            pass,
            TraceEvent::Phase {
                phase: after.phase,
                message: after.message.clone(),
            },
        );
    }
    phase_changed || !outcome.changed.is_empty()
}

/// Fewest manifests whose static plan is worth a thread of its own (`run_operation`):
/// planning 1,000 objects takes about half a millisecond, starting a thread some tens of
/// microseconds.
const PLAN_BESIDE_FROM: usize = 1_000;

/// The cluster as the report shows it; `created` is sorted.
fn snapshot(cluster: &Cluster, created: &[ResourceKey]) -> Vec<ClusterObject> {
    let objects: Vec<_> = cluster.objects().collect();
    // Each object is judged on its own (health, annotations): large clusters are judged
    // in consecutive runs on every core and joined in order (the same list as one run).
    crate::parallel::map_chunks(&objects, 1024, |run| {
        run.iter()
            .map(|(key, o)| ClusterObject {
                key: (*key).clone(),
                tracked: o.tracked,
                hook: classify::is_hook(&o.object),
                deleting: crate::object::deletion_timestamp(&o.object).is_some(),
                finalizers: crate::object::finalizers(&o.object)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                health: o.health(&cluster.rules),
                // Task keys of cluster-scoped objects carry the destination namespace (T-4).
                created: was_created(created, key),
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Whether the operation created `key` (`created` is sorted); a cluster-scoped object
/// matches a created key of any namespace (T-4 puts the destination namespace on it).
fn was_created(created: &[ResourceKey], key: &ResourceKey) -> bool {
    if created.binary_search(key).is_ok() {
        return true;
    }
    if !key.namespace.is_empty() {
        return false;
    }
    let from = created.partition_point(|c| {
        (c.group.as_str(), c.kind.as_str()) < (key.group.as_str(), key.kind.as_str())
    });
    created[from..]
        .iter()
        .take_while(|c| c.group == key.group && c.kind == key.kind)
        .any(|c| c.name == key.name)
}
