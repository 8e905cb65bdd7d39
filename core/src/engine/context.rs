//! The working state of one pass: tasks joined with their stored results.

use super::PassInput;
use super::pass::Io;
use super::types::*;
use crate::classify::{self, DeletePolicy};
use crate::health::{self, OperationState};
use crate::model::{ResourceKey, SyncPhase};
use crate::object::{self, keys};
use crate::plan::{Prepared, Task};
use foldhash::fast::FixedState;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub(crate) struct Ctx {
    pub input: PassInput,
    pub io: Io,
    /// The pass's tasks (shared with the prepared plan when no prune joins, so a pass
    /// copies nothing); their `live` fields are unset: see `live_objects`.
    pub tasks: Arc<Vec<Task>>,
    /// `live_objects[i]` is the live object of `tasks[i]` in this pass's snapshot.
    live_objects: Arc<Vec<Option<Arc<Value>>>>,
    /// Task index → index into `op.results`.
    result_of: Vec<Option<usize>>,
    /// Per task, what the pass's scans ask (see [`Slot`]), kept equal to the task, its
    /// live object and its result by `set_result`.
    slots: Vec<Slot>,
    /// What the scans read of the tasks themselves (the slots start from its).
    facts: Arc<TaskFacts>,
    /// Some result belongs to more than one task (tasks with one key and phase): a write
    /// to it refreshes every task's slot.
    shared_results: bool,
    /// T-5: kind unknown but allowed; left out of dry-runs.
    pub skip_dry_run: Vec<bool>,
    pub op: SyncOperation,
    /// The order the next new result gets (S-0).
    next_order: usize,
    /// What each result this pass touched looked like when the pass began (by index);
    /// results at or past `initial_results` are new.
    originals: BTreeMap<usize, (Option<ResultCode>, Option<OperationState>, String)>,
    initial_results: usize,
    pub wave_callback: Option<WaveCallback>,
    pub notes: Vec<Note>,
}

impl Ctx {
    pub fn new(mut input: PassInput, io: Io) -> Self {
        let cache = input.plan.clone().filter(|c| c.serves(&input));
        let set = match &cache {
            Some(cache) => cache.assemble(&input.live.set),
            None => Prepared::new(&input.desired, &input.settings).assemble(&input.live.set),
        };
        // The state moves into the context (nothing reads `input.state` after this).
        let op = std::mem::replace(&mut input.state, SyncOperation::new(0));
        let whole_targets =
            cache.filter(|c| !crate::SMALL_MODULE && Arc::ptr_eq(&set.tasks, c.prepared.targets()));
        let result_of = match &whole_targets {
            // The prepared targets are the whole list: look each result up in their index,
            // built once per operation, instead of indexing every result on every pass.
            Some(cache) => {
                let by_task = cache.results_by_task(&op.results);
                debug_assert_eq!(by_task, index_results(&set.tasks, &op.results));
                by_task
            }
            None => index_results(&set.tasks, &op.results),
        };
        let n = set.tasks.len();
        let next_order = op.results.iter().map(|r| r.order).max().unwrap_or(0) + 1;
        let facts = match &whole_targets {
            Some(cache) => cache.task_facts(),
            None => Arc::new(TaskFacts::of(&set.tasks)),
        };
        // The playground reads the tasks and results themselves (`crate::SMALL_MODULE`).
        let mut slots = if crate::SMALL_MODULE {
            Vec::new()
        } else {
            facts.slots.clone()
        };
        for (slot, r) in slots.iter_mut().zip(&result_of) {
            if let Some(res) = r.and_then(|r| op.results.get(r)) {
                slot.set_result(res.status, res.hook_phase);
            }
        }
        for (slot, live) in slots.iter_mut().zip(set.live.iter()) {
            slot.live = live.is_some();
        }
        // Whether some result is found by two tasks (see `shared_results`).
        let shared_results = !slots.is_empty() && {
            let mut owned = vec![false; op.results.len()];
            result_of
                .iter()
                .flatten()
                .any(|&r| std::mem::replace(&mut owned[r], true))
        };
        Ctx {
            originals: BTreeMap::new(),
            initial_results: op.results.len(),
            next_order,
            result_of,
            slots,
            facts,
            shared_results,
            skip_dry_run: vec![false; n],
            tasks: set.tasks,
            live_objects: set.live,
            op,
            io,
            input,
            wave_callback: None,
            notes: Vec::new(),
        }
    }

    pub fn finish(self) -> PassOutcome {
        // Debug builds check the slots against the tasks, live objects and results.
        #[cfg(debug_assertions)]
        for i in 0..self.slots.len().min(self.tasks.len()) {
            let fresh = Slot::of(&self.tasks[i], self.live(i).is_some(), self.result(i));
            debug_assert_eq!(self.slots[i], fresh, "slot {i} of {:?}", self.tasks[i].key);
        }
        let mut state = self.op;
        let changed_at = |r: usize, res: &TaskResult| {
            r >= self.initial_results
                || self
                    .originals
                    .get(&r)
                    .is_some_and(|(status, phase, message)| {
                        (*status, *phase, message.as_str())
                            != (res.status, res.hook_phase, res.message.as_str())
                    })
        };
        // Results are appended in `order`, so they are almost always sorted already: then
        // the changed ones are found without moving any (this runs on every pass).
        let changed = if !crate::SMALL_MODULE && state.results.is_sorted_by_key(|r| r.order) {
            let touched = self.originals.keys().copied();
            let new = self.initial_results..state.results.len();
            touched
                .filter(|&r| r < self.initial_results && changed_at(r, &state.results[r]))
                .chain(new)
                .collect()
        } else {
            let flags: Vec<bool> = state
                .results
                .iter()
                .enumerate()
                .map(|(r, res)| changed_at(r, res))
                .collect();
            let mut flagged: Vec<(TaskResult, bool)> =
                state.results.into_iter().zip(flags).collect();
            flagged.sort_by_key(|(r, _)| r.order); // stable
            let changed = flagged
                .iter()
                .enumerate()
                .filter(|(_, (_, c))| *c)
                .map(|(i, _)| i)
                .collect();
            state.results = flagged.into_iter().map(|(r, _)| r).collect();
            changed
        };
        PassOutcome {
            state,
            wave_callback: self.wave_callback,
            notes: self.notes,
            changed,
        }
    }

    pub fn note(&mut self, rule: &str, text: impl Into<String>) {
        self.notes.push(Note {
            rule: rule.into(),
            text: text.into(),
        });
    }

    pub fn set_phase(&mut self, phase: OperationPhase, message: impl Into<String>) {
        self.op.phase = phase;
        self.op.message = message.into();
    }

    // --- results -------------------------------------------------------------------------

    pub fn result(&self, i: usize) -> Option<&TaskResult> {
        self.result_of[i].and_then(|r| self.op.results.get(r))
    }

    pub fn state(&self, i: usize) -> Option<OperationState> {
        if crate::SMALL_MODULE {
            return self.result(i).and_then(|r| r.hook_phase);
        }
        self.slots[i].state
    }

    pub fn status(&self, i: usize) -> Option<ResultCode> {
        if crate::SMALL_MODULE {
            return self.result(i).and_then(|r| r.status);
        }
        self.slots[i].status
    }

    pub fn pending(&self, i: usize) -> bool {
        self.state(i).is_none()
    }

    pub fn running(&self, i: usize) -> bool {
        self.state(i) == Some(OperationState::Running)
    }

    pub fn completed(&self, i: usize) -> bool {
        matches!(
            self.state(i),
            Some(OperationState::Succeeded | OperationState::Failed | OperationState::Error)
        )
    }

    /// S-0 "started": at least one result exists.
    pub fn started(&self) -> bool {
        !self.op.results.is_empty()
    }

    /// Records a result (Argo CD's `setResourceResult`): a new message replaces the stored
    /// one only if it is non-empty; order is assigned when a key is first recorded.
    pub fn set_result(
        &mut self,
        i: usize,
        status: Option<ResultCode>,
        state: Option<OperationState>,
        message: impl Into<String>,
    ) {
        let message = message.into();
        match self.result_of[i] {
            Some(r) => {
                let res = &mut self.op.results[r];
                self.originals
                    .entry(r)
                    .or_insert_with(|| (res.status, res.hook_phase, res.message.clone()));
                res.status = status;
                res.hook_phase = state;
                if !message.is_empty() {
                    res.message = message;
                }
                // (No slots in the playground: `crate::SMALL_MODULE`.)
                if self.shared_results {
                    for j in 0..self.slots.len() {
                        if self.result_of[j] == Some(r) {
                            self.slots[j].set_result(status, state);
                        }
                    }
                } else if let Some(slot) = self.slots.get_mut(i) {
                    slot.set_result(status, state);
                }
            }
            None => {
                let t = &self.tasks[i];
                let order = self.next_order;
                self.next_order += 1;
                self.op.results.push(TaskResult {
                    key: t.key.clone(),
                    sync_phase: t.phase,
                    status,
                    hook_phase: state,
                    message,
                    hook_type: t.hook.then_some(t.phase),
                    order,
                });
                self.result_of[i] = Some(self.op.results.len() - 1);
                if let Some(slot) = self.slots.get_mut(i) {
                    slot.set_result(status, state);
                }
            }
        }
    }

    /// Updates state and message, keeping the status (S-3 [C]).
    pub fn set_state(&mut self, i: usize, state: OperationState, message: impl Into<String>) {
        let status = self.status(i);
        self.set_result(i, status, Some(state), message);
    }

    // --- task properties -----------------------------------------------------------------

    pub fn live(&self, i: usize) -> Option<&Value> {
        self.live_objects[i].as_deref()
    }

    /// Task `i`'s live object is gone (a deletion answered NotFound).
    pub fn forget_live(&mut self, i: usize) {
        Arc::make_mut(&mut self.live_objects)[i] = None;
        if let Some(slot) = self.slots.get_mut(i) {
            slot.live = false;
        }
    }

    /// The hook tasks, in task order: a few of the application's tasks, and several
    /// rules only ask about them.
    pub fn hooks(&self) -> &[usize] {
        &self.facts.hooks
    }

    /// The SyncFail tasks, in task order.
    pub fn sync_fail(&self) -> &[usize] {
        &self.facts.sync_fail
    }

    /// Whether task `i` has a live object ([`Ctx::live`] is `Some`).
    pub fn has_live(&self, i: usize) -> bool {
        if crate::SMALL_MODULE {
            return self.live(i).is_some();
        }
        self.slots[i].live
    }

    pub fn is_hook(&self, i: usize) -> bool {
        if crate::SMALL_MODULE {
            return self.tasks[i].hook;
        }
        self.slots[i].hook
    }

    pub fn is_sync_fail(&self, i: usize) -> bool {
        if crate::SMALL_MODULE {
            return self.tasks[i].phase == SyncPhase::SyncFail;
        }
        self.slots[i].phase == SyncPhase::SyncFail
    }

    /// The step (phase, wave) of task `i`.
    pub fn step(&self, i: usize) -> (SyncPhase, i64) {
        if crate::SMALL_MODULE {
            return (self.tasks[i].phase, self.tasks[i].wave);
        }
        (self.slots[i].phase, self.slots[i].wave)
    }

    pub fn has_policy(&self, i: usize, p: DeletePolicy) -> bool {
        self.tasks[i].has_policy(p)
    }

    /// Health of the task's live object (HL-2), with the user's rules; a check error is
    /// kept apart so a hook can become `Error` (HL-20).
    pub fn health(&self, i: usize) -> Result<Option<health::Health>, health::HealthError> {
        match self.live(i) {
            Some(l) => health::evaluate(l, &self.input.rules),
            None => Ok(None),
        }
    }

    pub fn propagation(&self) -> Propagation {
        // P-6: app option PrunePropagationPolicy=background|foreground|orphan.
        match self.input.settings.option_value("PrunePropagationPolicy") {
            Some("background") => Propagation::Background,
            Some("orphan") => Propagation::Orphan,
            _ => Propagation::Foreground,
        }
    }

    /// P-8/R-4 [C]: resource-level `Prune=` value, else the app-level default, is `confirm`.
    pub fn requires_prune_confirmation(&self, i: usize) -> bool {
        self.prune_option(i).as_deref() == Some("confirm")
    }

    /// P-3.2 [C]: pruning disabled iff the resolved `Prune=` value is `false`.
    pub fn prune_disabled(&self, i: usize) -> bool {
        self.prune_option(i).as_deref() == Some("false")
    }

    fn prune_option(&self, i: usize) -> Option<String> {
        let own = self
            .live(i)
            .and_then(|l| classify::sync_option_value(l, "Prune"));
        own.or_else(|| {
            self.input
                .settings
                .option_value("Prune")
                .map(str::to_string)
        })
    }

    /// O-6 `ApplyOutOfSyncOnly=true`: a resource with target and live that does not differ.
    pub fn unmodified(&self, i: usize) -> bool {
        let t = &self.tasks[i];
        if !self.input.settings.has_option("ApplyOutOfSyncOnly=true") || t.hook {
            return false;
        }
        match (t.target.as_deref(), self.live(i)) {
            (Some(target), Some(live)) => in_sync(target, live),
            _ => false,
        }
    }

    /// Whether the live object still carries the hook finalizer (F-3: no-op otherwise).
    pub fn live_has_hook_finalizer(&self, i: usize) -> bool {
        self.live(i)
            .is_some_and(|l| object::has_finalizer(l, keys::HOOK_FINALIZER))
    }
}

/// What the scans of a pass read of one task, side by side: every pass walks the whole
/// application some ten times (S-3 … S-11), and reading these from the tasks (224 bytes
/// apart) and their results (another lookup each) was a fifth of a 10k-object simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Slot {
    state: Option<OperationState>,
    status: Option<ResultCode>,
    phase: SyncPhase,
    hook: bool,
    live: bool,
    wave: i64,
}

/// What the scans read of the tasks themselves: the same on every pass of an operation
/// that keeps its task list, so built once per operation for the prepared targets
/// (`PlanCache::task_facts`).
#[derive(Debug)]
pub(super) struct TaskFacts {
    /// Per task, without result or live object.
    slots: Vec<Slot>,
    hooks: Vec<usize>,
    sync_fail: Vec<usize>,
}

impl TaskFacts {
    pub(super) fn of(tasks: &[Task]) -> TaskFacts {
        let indexes = |pick: fn(&Task) -> bool| {
            (tasks.iter().enumerate())
                .filter(|(_, t)| pick(t))
                .map(|(i, _)| i)
                .collect()
        };
        TaskFacts {
            slots: if crate::SMALL_MODULE {
                Vec::new()
            } else {
                tasks.iter().map(|t| Slot::of(t, false, None)).collect()
            },
            hooks: indexes(|t| t.hook),
            sync_fail: indexes(|t| t.phase == SyncPhase::SyncFail),
        }
    }
}

impl Slot {
    fn of(task: &Task, live: bool, result: Option<&TaskResult>) -> Slot {
        Slot {
            state: result.and_then(|r| r.hook_phase),
            status: result.and_then(|r| r.status),
            phase: task.phase,
            hook: task.hook,
            live,
            wave: task.wave,
        }
    }

    fn set_result(&mut self, status: Option<ResultCode>, state: Option<OperationState>) {
        self.status = status;
        self.state = state;
    }
}

/// Task index → index of its stored result (same sync phase and key). Rebuilt on every
/// pass over every result: a fast, fixed-seed hasher (deterministic).
fn index_results(tasks: &[Task], results: &[TaskResult]) -> Vec<Option<usize>> {
    let index: HashMap<(SyncPhase, &ResourceKey), usize, FixedState> = results
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.sync_phase, &r.key), i))
        .collect();
    tasks
        .iter()
        .map(|t| index.get(&(t.phase, &t.key)).copied())
        .collect()
}

/// O-6: the target's fields equal the live object's (status and server-set metadata aside).
fn in_sync(target: &Value, live: &Value) -> bool {
    let (Some(t), Some(l)) = (target.as_object(), live.as_object()) else {
        return false;
    };
    for (k, v) in t {
        match k.as_str() {
            "status" | "apiVersion" => continue,
            "metadata" => {
                for field in ["labels", "annotations"] {
                    let tv = v.get(field);
                    let lv = l.get("metadata").and_then(|m| m.get(field));
                    if tv.is_some() && tv != lv {
                        return false;
                    }
                }
            }
            _ => {
                if l.get(k) != Some(v) {
                    return false;
                }
            }
        }
    }
    true
}
