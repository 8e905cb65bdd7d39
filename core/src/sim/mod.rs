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
pub use cluster::{Cluster, ClusterEvent, STUCK_FINALIZER, SimObject};
pub use trace::*;

use crate::classify;
use crate::duration::Duration;
use crate::engine::{self, LiveView, OperationPhase, PassInput, SyncOperation, TaskResult};
use crate::health::{self, HealthRules};
use crate::manifest::Manifest;
use crate::model::{GroupKind, ResourceKey};
use crate::plan::{self, SyncSettings};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Retry policy (C-4): `limit` attempts after the first; backoff `duration × factor^n`
/// capped by `maxDuration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retry {
    pub limit: i64,
    #[serde(default)]
    pub backoff: Backoff,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Backoff {
    #[serde(default = "Backoff::default_duration")]
    pub duration: Duration,
    #[serde(default = "Backoff::default_factor")]
    pub factor: u32,
    #[serde(default = "Backoff::default_max")]
    pub max_duration: Duration,
}

impl Backoff {
    fn default_duration() -> Duration {
        Duration::from_secs(5)
    }
    fn default_factor() -> u32 {
        2
    }
    fn default_max() -> Duration {
        Duration::from_secs(180)
    }

    /// C-4: `min(duration × factor^n, maxDuration)` (the cap only when maxDuration > 0).
    pub fn delay(&self, n: u32) -> u64 {
        let mut d = self.duration.millis() as u128;
        for _ in 0..n {
            d = d.saturating_mul(self.factor as u128);
            if d > crate::duration::MAX_MILLIS as u128 {
                break;
            }
        }
        let d = d.min(crate::duration::MAX_MILLIS as u128) as u64;
        if self.max_duration.millis() > 0 {
            d.min(self.max_duration.millis())
        } else {
            d
        }
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            duration: Backoff::default_duration(),
            factor: Backoff::default_factor(),
            max_duration: Backoff::default_max(),
        }
    }
}

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

/// Whether the simulated cluster moves this object's health along a timeline — a kind with
/// a built-in health check (a Service only as a LoadBalancer) — so that a behaviour
/// `outcome` decides whether it succeeds, fails or hangs (scenario-format.md).
pub fn has_health_timeline(obj: &Value) -> bool {
    cluster::default_timeline_applies(obj)
}

pub fn simulate(input: &SimInput) -> SimulationReport {
    let mut cluster = Cluster::new(
        input.unknown_kinds.clone(),
        Behaviours::new(input.behaviour.clone()),
        input.health_rules.clone(),
    );
    let default_ns = input
        .operations
        .first()
        .map(|o| o.settings.namespace.clone())
        .unwrap_or_else(|| "default".into());
    for obj in &input.cluster {
        cluster.seed(obj.clone(), &default_ns);
    }
    let rules = Arc::new(input.health_rules.clone());
    let initial_cluster = snapshot(&cluster, &BTreeSet::new());
    let mut sim = Sim {
        cluster,
        trace: Vec::new(),
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
        if !op.started_at_given
            && let Some(prev) = last_started
        {
            // Later operations start when the previous one ended (whole seconds, later).
            let elapsed = sim.cluster.now().div_ceil(1000) as i64;
            op.settings.started_at = (op.settings.started_at + elapsed).max(prev + 1);
        }
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
        let static_plan = plan::plan(&op.desired, &self.cluster.live_set(), &settings);
        self.log(
            index,
            0,
            TraceEvent::OperationStarted {
                revision: settings.revision.clone(),
                started_at: settings.started_at,
            },
        );
        let mut state = SyncOperation::new(settings.started_at);
        let mut applied = Vec::new();
        let mut deleted: Vec<ResourceKey> = Vec::new();
        let mut created: BTreeSet<ResourceKey> = BTreeSet::new();
        let mut passes = 0usize;
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
                if by_user || by_timeout {
                    let message = if by_user {
                        "operation is terminating"
                    } else {
                        "operation is terminating due to timeout"
                    };
                    terminated = true;
                    timed_out = !by_user;
                    state.phase = OperationPhase::Terminating;
                    state.message = message.into();
                    self.log(
                        index,
                        passes,
                        TraceEvent::Terminate {
                            message: message.into(),
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
                state: state.clone(),
            };
            let mut effect_log = Vec::new();
            let outcome = {
                let cluster = &mut self.cluster;
                engine::begin_pass(input).run(|effects| {
                    effects
                        .iter()
                        .map(|e| {
                            let mut events = Vec::new();
                            let r = cluster.perform(e, &mut events);
                            effect_log.push((e.clone(), r.clone(), events));
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
            for (effect, result, events) in effect_log {
                self.record_effect(&effect, &result, &mut applied, &mut deleted, &mut created);
                self.log(
                    index,
                    passes,
                    TraceEvent::Effect {
                        call: Call::from(&effect),
                        result: CallResult::from(&result),
                    },
                );
                for change in events {
                    self.log(index, passes, TraceEvent::Cluster { change });
                }
            }
            let state_changed = log_state_changes(self, index, passes, &state, &outcome.state);
            state = outcome.state;
            let cluster_changed = self.cluster.changes() != changes_before;

            if state.phase.completed() {
                if terminated {
                    if timed_out {
                        state
                            .message
                            .push_str(", triggered by controller sync timeout");
                    }
                    break; // never retried
                }
                let retry = op.retry.as_ref().filter(|r| {
                    state.phase != OperationPhase::Succeeded
                        && (r.limit < 0 || i64::from(retries_done) < r.limit)
                });
                match retry {
                    Some(r) => {
                        // C-4: announced with n = retries so far, released with n + 1.
                        let announced = now + r.backoff.delay(retries_done);
                        let wall =
                            settings.started_at + (announced.saturating_sub(begin) / 1000) as i64;
                        retries_done += 1;
                        let message = format!(
                            "{}. Retrying attempt #{} at {}.",
                            state.message,
                            retries_done,
                            kitchen_time(wall)
                        );
                        self.log(
                            index,
                            passes,
                            TraceEvent::Retry {
                                attempt: retries_done,
                                message: message.clone(),
                            },
                        );
                        next_at = now + r.backoff.delay(retries_done);
                        state = SyncOperation::new(settings.started_at);
                        state.message =
                            format!("Retrying operation. Attempt #{}", retries_done + 1);
                        attempts += 1;
                        continue;
                    }
                    None => {
                        if retries_done > 0 {
                            state.message =
                                format!("{} (retried {} times).", state.message, retries_done);
                        }
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

    fn record_effect(
        &mut self,
        effect: &engine::Effect,
        result: &engine::EffectResult,
        applied: &mut Vec<TaskRef>,
        deleted: &mut Vec<ResourceKey>,
        created: &mut BTreeSet<ResourceKey>,
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
                    created.insert(key.clone());
                }
            }
            engine::Effect::Delete { key, .. } if !deleted.contains(key) => {
                deleted.push(key.clone());
            }
            _ => {}
        }
    }
}

/// Logs phase/message and result changes; returns whether the operation state changed.
fn log_state_changes(
    sim: &mut Sim,
    index: usize,
    pass: usize,
    before: &SyncOperation,
    after: &SyncOperation,
) -> bool {
    let mut changed = false;
    let by_key: std::collections::HashMap<(crate::model::SyncPhase, &ResourceKey), &TaskResult> =
        before
            .results
            .iter()
            .map(|r| ((r.sync_phase, &r.key), r))
            .collect();
    for r in &after.results {
        let old: Option<&TaskResult> = by_key.get(&(r.sync_phase, &r.key)).copied();
        if old != Some(r)
            && old.map(|o| (o.status, o.hook_phase, &o.message))
                != Some((r.status, r.hook_phase, &r.message))
        {
            changed = true;
            sim.log(index, pass, TraceEvent::Result { result: r.clone() });
        }
    }
    if before.phase != after.phase || before.message != after.message {
        changed = true;
        sim.log(
            index,
            pass,
            TraceEvent::Phase {
                phase: after.phase,
                message: after.message.clone(),
            },
        );
    }
    changed || before.results.len() != after.results.len()
}

fn snapshot(cluster: &Cluster, created: &BTreeSet<ResourceKey>) -> Vec<ClusterObject> {
    cluster
        .objects()
        .map(|(key, o)| ClusterObject {
            key: key.clone(),
            tracked: o.tracked,
            hook: classify::is_hook(&o.object),
            deleting: crate::object::deletion_timestamp(&o.object).is_some(),
            finalizers: crate::object::finalizers(&o.object)
                .into_iter()
                .map(str::to_string)
                .collect(),
            health: health::assess(&o.object, &cluster.rules),
            // Task keys of cluster-scoped objects carry the destination namespace (T-4).
            created: created.contains(key)
                || (key.namespace.is_empty()
                    && created
                        .range(ResourceKey::new(&key.group, &key.kind, "", "")..)
                        .take_while(|c| c.group == key.group && c.kind == key.kind)
                        .any(|c| c.name == key.name)),
        })
        .collect()
}

/// Go's `time.Kitchen` (`3:04PM`) in UTC, as Argo CD's retry message prints it (C-4).
pub fn kitchen_time(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{h12}:{m:02}{ampm}")
}
