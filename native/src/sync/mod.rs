//! `hookline sync`'s engine driver: the same `core::engine` passes the simulator runs,
//! against a real API server through kube-rs.
//!
//! One loop per operation, shaped like `core::sim`'s (architecture principle 3): build the
//! live view (watch cache), run one pass, perform its effects as API calls, record what
//! changed; pass again at once when the operation state or the cluster changed, otherwise
//! wait for a watch event — never poll. Wave delay (C-2), retries (C-4), user termination
//! (C-5, X-2…X-4) and the sync timeout (C-9) come in between passes as in the simulator.

pub mod adapter;
pub mod cache;
pub mod rest;
pub mod track;

use adapter::Adapter;
use cache::LiveCache;
use hookline_core::classify;
use hookline_core::engine::control::{self, AfterCompletion, TerminateCause};
use hookline_core::engine::{
    Discovery, Effect, EffectResult, OperationPhase, PassInput, PassStep, PlanCache, SyncOperation,
    TaskResult, begin_pass,
};
use hookline_core::health::HealthRules;
use hookline_core::manifest::Manifest;
use hookline_core::model::GroupKind;
use hookline_core::object;
use hookline_core::plan::SyncSettings;
use hookline_core::sim::{Call, CallResult, Retry, TraceEntry, TraceEvent};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What one `hookline sync` operation needs.
#[derive(Clone, Debug)]
pub struct SyncRun {
    pub settings: SyncSettings,
    pub desired: Arc<Vec<Manifest>>,
    pub rules: Arc<HealthRules>,
    /// Pause after each non-final step (C-2). 0 by default: health here reads
    /// observedGeneration, so a just-applied object is never judged on a stale status.
    pub wave_delay: Duration,
    pub retry: Option<Retry>,
    /// Controller sync timeout (C-9).
    pub timeout: Option<Duration>,
}

/// Signals from outside (Ctrl-C, SIGTERM, tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// C-5: terminate like Argo CD (running hooks deleted, finalizers removed).
    Terminate,
    /// A second interrupt: only remove hookline's finalizers from the app's hooks, then stop.
    Abandon,
    /// Stop driving without touching anything (tests: the operation would wait forever).
    Detach,
}

/// Progress reported while running.
#[derive(Debug)]
pub enum Progress<'a> {
    /// One timeline event, the schema of `hookline simulate -o json`'s `trace` entries
    /// (`at` = real milliseconds since the driver started).
    Trace(&'a TraceEntry),
    /// The driver waits for the cluster with nothing scheduled (true) or resumed (false).
    Idle(bool),
}

/// How a run ended.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    pub state: SyncOperation,
    /// Terminated by [`Control::Terminate`] (or abandoned).
    pub interrupted: bool,
    pub abandoned: bool,
    pub detached: bool,
    pub passes: usize,
    /// Every effect performed, in the engine's order, with its result.
    pub effects: Vec<(Call, CallResult)>,
    /// Warnings from watches (e.g. a kind that may not be listed).
    pub warnings: Vec<String>,
}

/// Failures of the driver itself (not of a task): exit code 3.
#[derive(Debug)]
pub enum DriverError {
    Connect(String),
}

impl std::fmt::Display for DriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriverError::Connect(m) => write!(f, "cannot talk to the cluster: {m}"),
        }
    }
}

/// A connected driver: discovery done, watches running.
pub struct Driver {
    pub adapter: Arc<Adapter>,
    pub cache: Arc<LiveCache>,
    start: Instant,
}

impl Driver {
    pub async fn connect(client: kube::Client, app: &str) -> Result<Self, DriverError> {
        Self::connect_with(client, app, rest::DEFAULT_REQUEST_TIMEOUT).await
    }

    /// [`Driver::connect`] with a per-request timeout other than 30 s (a request that gets
    /// no answer in time is retried like a transport error, then fails its task).
    pub async fn connect_with(
        client: kube::Client,
        app: &str,
        request_timeout: Duration,
    ) -> Result<Self, DriverError> {
        let adapter = Adapter::connect(client.clone(), app, request_timeout)
            .await
            .map_err(|e| DriverError::Connect(format!("discovery failed: {e}")))?;
        let cache = LiveCache::new(client, app);
        for ar in adapter.watchable() {
            cache.watch(&ar);
        }
        Ok(Driver {
            adapter: Arc::new(adapter),
            cache: Arc::new(cache),
            start: Instant::now(),
        })
    }

    /// API requests sent so far (watches' lists and watch calls are made by kube-runtime
    /// and not counted here).
    pub fn requests(&self) -> u64 {
        self.adapter.rest.sent.load(Ordering::Relaxed)
    }

    fn at(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Runs one operation to its end (or until a [`Control`] stops it).
    pub async fn run(
        &self,
        index: usize,
        run: &SyncRun,
        control: &mut mpsc::UnboundedReceiver<Control>,
        progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) -> RunOutcome {
        let log = |at: u64,
                   pass: usize,
                   event: TraceEvent,
                   progress: &mut (dyn FnMut(Progress<'_>) + Send)| {
            progress(Progress::Trace(&TraceEntry {
                at,
                operation: index,
                pass,
                event,
            }));
        };
        let settings = Arc::new(run.settings.clone());
        // The desired-only half of every pass's task list, prepared once (engine::PlanCache).
        let plan_cache = PlanCache::new(run.desired.clone(), settings.clone());
        let desired_kinds: BTreeSet<GroupKind> = run
            .desired
            .iter()
            .map(|m| object::group_kind(&m.object))
            .collect();
        log(
            self.at(),
            0,
            TraceEvent::OperationStarted {
                revision: settings.revision.clone(),
                started_at: settings.started_at,
            },
            progress,
        );
        let begin = Instant::now();
        let timeout_at = run.timeout.map(|t| begin + t);
        let mut state = SyncOperation::new(settings.started_at);
        let mut out = RunOutcome {
            state: state.clone(),
            interrupted: false,
            abandoned: false,
            detached: false,
            passes: 0,
            effects: Vec::new(),
            warnings: Vec::new(),
        };
        let mut terminated: Option<TerminateCause> = None;
        let mut control_open = true;
        let mut last_reported = (state.phase, state.message.clone());
        let mut retries_done = 0u32;
        let mut generation_rx = self.cache.subscribe();
        // When the next pass may start, and whether one is due (else: on a watch event).
        let mut not_before = Instant::now();
        let mut due = true;
        loop {
            // --- wait -------------------------------------------------------------------
            let idle = !due && (timeout_at.is_none() || state.phase != OperationPhase::Running);
            if idle {
                progress(Progress::Idle(true));
            }
            let woke = loop {
                let timeout_pending =
                    state.phase == OperationPhase::Running && timeout_at.is_some();
                let far = Instant::now() + Duration::from_secs(86_400 * 365);
                let deadline = if due { not_before } else { far };
                tokio::select! {
                    biased;
                    c = control.recv(), if control_open => match c {
                        Some(c) => break Wake::Control(c),
                        // Nobody can signal any more (e.g. no signal handler): run on.
                        None => control_open = false,
                    },
                    _ = tokio::time::sleep_until(timeout_at.unwrap_or(far)), if timeout_pending => break Wake::Timeout,
                    _ = tokio::time::sleep_until(deadline) => break Wake::Pass,
                    r = generation_rx.changed(), if !due => {
                        if r.is_err() { break Wake::Control(Control::Detach); }
                        due = true;
                    }
                }
            };
            if idle {
                progress(Progress::Idle(false));
            }
            match woke {
                Wake::Pass => {}
                Wake::Timeout => {
                    if control::request_terminate(&mut state, TerminateCause::Timeout) {
                        terminated = Some(TerminateCause::Timeout);
                        log(
                            self.at(),
                            out.passes,
                            TraceEvent::Terminate {
                                message: state.message.clone(),
                            },
                            progress,
                        );
                    }
                }
                Wake::Control(Control::Terminate) => {
                    out.interrupted = true;
                    if control::request_terminate(&mut state, TerminateCause::User) {
                        terminated = Some(TerminateCause::User);
                        log(
                            self.at(),
                            out.passes,
                            TraceEvent::Terminate {
                                message: state.message.clone(),
                            },
                            progress,
                        );
                    }
                }
                Wake::Control(Control::Abandon) => {
                    out.interrupted = true;
                    out.abandoned = true;
                    self.abandon(&mut out, index, progress).await;
                    break;
                }
                Wake::Control(Control::Detach) => {
                    out.detached = true;
                    break;
                }
            }
            // --- one pass ---------------------------------------------------------------
            for ar in self.adapter.watchable() {
                self.cache.watch(&ar);
            }
            self.cache.synced().await;
            generation_rx.borrow_and_update();
            let generation_before = self.cache.generation();
            out.passes += 1;
            let pass_no = out.passes;
            log(self.at(), pass_no, TraceEvent::Pass, progress);
            let discovery = Discovery {
                unserved: self.adapter.unserved(desired_kinds.iter().cloned()),
            };
            let input = PassInput {
                settings: settings.clone(),
                desired: run.desired.clone(),
                rules: run.rules.clone(),
                live: self.cache.view(discovery),
                state: state.clone(),
                plan: Some(plan_cache.clone()),
            };
            let mut pass = begin_pass(input);
            let outcome = loop {
                match pass.poll() {
                    PassStep::Done(o) => break o,
                    PassStep::Effects(effects) => {
                        let results: Vec<EffectResult> = futures::future::join_all(
                            effects.iter().map(|e| self.adapter.perform(e, &self.cache)),
                        )
                        .await;
                        for (e, r) in effects.iter().zip(&results) {
                            let call = Call::from(e);
                            let result = CallResult::from(r);
                            log(
                                self.at(),
                                pass_no,
                                TraceEvent::Effect {
                                    call: call.clone(),
                                    result: result.clone(),
                                },
                                progress,
                            );
                            out.effects.push((call, result));
                        }
                        pass.resolve(results);
                    }
                }
            };
            for note in &outcome.notes {
                log(
                    self.at(),
                    pass_no,
                    TraceEvent::Note {
                        rule: note.rule.clone(),
                        text: note.text.clone(),
                    },
                    progress,
                );
            }
            let mut state_changed = false;
            for r in changed_results(&state, &outcome.state) {
                state_changed = true;
                log(
                    self.at(),
                    pass_no,
                    TraceEvent::Result { result: r },
                    progress,
                );
            }
            if state.phase != outcome.state.phase || state.message != outcome.state.message {
                state_changed = true;
                last_reported = (outcome.state.phase, outcome.state.message.clone());
                log(
                    self.at(),
                    pass_no,
                    TraceEvent::Phase {
                        phase: outcome.state.phase,
                        message: outcome.state.message.clone(),
                    },
                    progress,
                );
            }
            state_changed |= state.results.len() != outcome.state.results.len();
            state = outcome.state;
            let cluster_changed = self.cache.generation() != generation_before;

            if state.phase.completed() {
                if let Some(cause) = terminated {
                    control::finish_terminated(&mut state, cause);
                    break;
                }
                let elapsed = begin.elapsed().as_millis() as u64;
                match control::after_completion(&state, run.retry.as_ref(), retries_done, elapsed) {
                    AfterCompletion::Retry {
                        delay_millis,
                        announce,
                        state: next,
                    } => {
                        retries_done += 1;
                        log(
                            self.at(),
                            pass_no,
                            TraceEvent::Retry {
                                attempt: retries_done,
                                message: announce,
                            },
                            progress,
                        );
                        state = next;
                        not_before = Instant::now() + Duration::from_millis(delay_millis);
                        due = true;
                        continue;
                    }
                    AfterCompletion::Done { message } => {
                        state.message = message;
                        break;
                    }
                }
            }
            let mut earliest = Instant::now();
            if let Some(cb) = outcome.wave_callback
                && !cb.final_wave
                && !run.wave_delay.is_zero()
            {
                log(
                    self.at(),
                    pass_no,
                    TraceEvent::Pause {
                        millis: run.wave_delay.as_millis() as u64,
                        phase: cb.phase,
                        wave: cb.wave,
                    },
                    progress,
                );
                earliest += run.wave_delay;
            }
            not_before = earliest;
            due = state_changed || cluster_changed;
        }
        // The final phase, unless the last pass already reported exactly this.
        if (state.phase, &state.message) != (last_reported.0, &last_reported.1) {
            log(
                self.at(),
                out.passes,
                TraceEvent::Phase {
                    phase: state.phase,
                    message: state.message.clone(),
                },
                progress,
            );
        }
        out.warnings = self.cache.take_warnings();
        out.state = state;
        out
    }

    /// Second interrupt: remove hookline's finalizer from every hook of the app, nothing else.
    async fn abandon(
        &self,
        out: &mut RunOutcome,
        index: usize,
        progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) {
        for obj in self.cache.objects() {
            if !classify::is_hook(&obj)
                || !object::has_finalizer(&obj, hookline_core::object::keys::HOOK_FINALIZER)
            {
                continue;
            }
            let effect = Effect::RemoveFinalizer {
                key: object::key(&obj),
                finalizer: hookline_core::object::keys::HOOK_FINALIZER.into(),
                rule: "X-2",
            };
            let r = self.adapter.perform(&effect, &self.cache).await;
            let (call, result) = (Call::from(&effect), CallResult::from(&r));
            progress(Progress::Trace(&TraceEntry {
                at: self.at(),
                operation: index,
                pass: out.passes,
                event: TraceEvent::Effect {
                    call: call.clone(),
                    result: result.clone(),
                },
            }));
            out.effects.push((call, result));
        }
    }
}

enum Wake {
    Pass,
    Timeout,
    Control(Control),
}

/// Results that are new or changed (status, phase or message) since `before`.
fn changed_results(before: &SyncOperation, after: &SyncOperation) -> Vec<TaskResult> {
    after
        .results
        .iter()
        .filter(|r| {
            let old = before.result(r.sync_phase, &r.key);
            old.map(|o| (o.status, o.hook_phase, &o.message))
                != Some((r.status, r.hook_phase, &r.message))
        })
        .cloned()
        .collect()
}
