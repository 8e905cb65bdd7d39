//! The sync engine (spec §4–§9): a sans-IO state machine, one pass per Argo CD `Sync()` or
//! `Terminate()` call.
//!
//! A pass takes the persisted operation ([`SyncOperation`], S-0), the desired manifests, a
//! snapshot of the live cluster and the settings; it rebuilds the tasks with the planner,
//! asks for API calls through [`Pass::poll`], and ends with the new operation state and
//! whether Argo CD's wave callback would sleep now (C-2). It keeps nothing between passes.

mod context;
pub mod control;
mod message;
mod pass;
mod run_tasks;
mod sync;
mod terminate;
mod types;

#[cfg(test)]
mod tests;

pub use pass::{Pass, PassStep};
pub use types::*;

use crate::SMALL_MODULE;
use crate::health::HealthRules;
use crate::manifest::Manifest;
use crate::model::{GroupKind, ResourceKey, SyncPhase};
use crate::plan::{Assembled, JoinMemo, LiveSet, Prepared, SyncSettings};
use foldhash::fast::FixedState;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// Which kinds the API server serves (discovery, T-5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Kinds known not to be served (a CRD not installed).
    pub unserved: BTreeSet<GroupKind>,
}

impl Discovery {
    pub fn serves(&self, gk: &GroupKind) -> bool {
        !self.unserved.contains(gk)
    }
}

/// The live view a pass starts from (Argo CD's watch cache at the start of `Sync()`).
/// Shared, not copied: a driver keeps one snapshot and hands it to each pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveView {
    pub set: Arc<LiveSet>,
    pub discovery: Discovery,
}

/// Everything one pass reads. Cheap to clone: the large parts are shared.
#[derive(Clone, Debug)]
pub struct PassInput {
    pub settings: Arc<SyncSettings>,
    pub desired: Arc<Vec<Manifest>>,
    pub rules: Arc<HealthRules>,
    pub live: LiveView,
    pub state: SyncOperation,
    /// The desired-only part of the task list, prepared once per operation
    /// ([`PlanCache::new`]). Only an optimisation: a pass ignores a cache built for other
    /// manifests or settings and prepares its own, so the outcome never depends on it.
    pub plan: Option<Arc<PlanCache>>,
}

/// The part of every pass's task list that depends only on the desired manifests and the
/// settings (classification, names, T-7 order, T-10 moves). Argo CD recomputes it on every
/// `Sync()` call; the result is the same, so a driver computes it once per operation.
#[derive(Debug)]
pub struct PlanCache {
    desired: Arc<Vec<Manifest>>,
    settings: Arc<SyncSettings>,
    prepared: Prepared,
    /// The previous pass's live join, updated from the live set's journal (a pass whose
    /// snapshot has no usable journal joins from scratch). Locked by one pass at a time.
    join: Mutex<JoinMemo>,
    /// The result keys of the prepared targets and their indexes, built on first use.
    keys: OnceLock<TargetKeys>,
    /// What the scans of a pass read of the targets, built on first use.
    facts: OnceLock<Arc<context::TaskFacts>>,
    /// Result index → the target it was found for on the latest pass (`usize::MAX`: none
    /// by address): a hint that `results_by_task` checks before any lookup.
    result_targets: Mutex<Vec<usize>>,
}

/// Two ways back from a result to its prepared target. A result recorded by a pass holds
/// a copy of its task's key, which shares the target's key parts, so its target is found
/// from the parts' address alone (no hashing or comparing of strings: this lookup runs for
/// every result on every pass). Results whose key came from elsewhere (a state read back
/// from JSON, a task added by a pass) fall back to a lookup by value. An address
/// identifies the allocation: the target keeps it alive, so no other key can have it.
#[derive(Debug)]
struct TargetKeys {
    by_address: HashMap<usize, usize, FixedState>,
    /// Built on the first result that needs it (none, when a simulator drives the passes).
    by_value: OnceLock<ByValue>,
}

impl TargetKeys {
    fn new(targets: &[crate::plan::Task]) -> TargetKeys {
        let by_address = targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.addr(), i))
            .collect();
        TargetKeys {
            by_address,
            by_value: OnceLock::new(),
        }
    }

    fn by_value(&self, targets: &[crate::plan::Task]) -> &ByValue {
        self.by_value.get_or_init(|| {
            let mut by_value: HashMap<_, Vec<_>, FixedState> = HashMap::default();
            for (i, t) in targets.iter().enumerate() {
                by_value
                    .entry(t.key.clone())
                    .or_default()
                    .push((t.phase, i));
            }
            by_value
        })
    }
}

/// Result key → (sync phase, index) of the prepared targets with that key.
type ByValue = HashMap<ResourceKey, Vec<(SyncPhase, usize)>, FixedState>;

impl PlanCache {
    pub fn new(desired: Arc<Vec<Manifest>>, settings: Arc<SyncSettings>) -> Arc<PlanCache> {
        let prepared = Prepared::new(&desired, &settings);
        Arc::new(PlanCache {
            desired,
            settings,
            prepared,
            join: Mutex::new(JoinMemo::default()),
            keys: OnceLock::new(),
            facts: OnceLock::new(),
            result_targets: Mutex::new(Vec::new()),
        })
    }

    /// The static plan against `live` ([`crate::plan::plan`]), from the prepared tasks.
    pub fn static_plan(&self, live: &LiveSet) -> crate::plan::Plan {
        crate::plan::plan_prepared(&self.prepared, live)
    }

    /// The pass's task list against `live`: through the join memo when it is free.
    fn assemble(&self, live: &LiveSet) -> Assembled {
        if SMALL_MODULE {
            return self.prepared.assemble(live);
        }
        match self.join.try_lock() {
            Ok(mut memo) => self.prepared.assemble_with(live, &mut memo),
            Err(_) => self.prepared.assemble(live),
        }
    }

    /// Target index → index of its stored result, for a pass whose task list is the
    /// prepared targets: one lookup per result instead of a fresh index per pass. When
    /// results share a key the last one wins, as in `context::index_results`.
    fn results_by_task(&self, results: &[TaskResult]) -> Vec<Option<usize>> {
        let targets = self.prepared.targets();
        let index = self.target_keys();
        let mut result_of = vec![None; targets.len()];
        // Result `r` most likely belongs to the target it belonged to on the previous pass
        // (results are only appended): an address comparison confirms it without hashing.
        let mut hint = self.result_targets.try_lock().ok();
        let previous: &[usize] = hint.as_deref().map_or(&[], |h| h.as_slice());
        let mut targets_now = Vec::with_capacity(results.len());
        for (r, res) in results.iter().enumerate() {
            let guess = previous.get(r).copied().filter(|&i| {
                i < targets.len()
                    && res.key.same(&targets[i].key)
                    && targets[i].phase == res.sync_phase
            });
            let found = guess.or_else(|| {
                index
                    .by_address
                    .get(&res.key.addr())
                    .copied()
                    .filter(|&i| targets[i].phase == res.sync_phase)
            });
            targets_now.push(found.unwrap_or(usize::MAX));
            if let Some(i) = found {
                result_of[i] = Some(r);
                continue;
            }
            for &(phase, i) in index.by_value(targets).get(&res.key).into_iter().flatten() {
                if phase == res.sync_phase {
                    result_of[i] = Some(r);
                }
            }
        }
        if let Some(h) = hint.as_deref_mut() {
            *h = targets_now;
        }
        result_of
    }

    fn task_facts(&self) -> Arc<context::TaskFacts> {
        self.facts
            .get_or_init(|| Arc::new(context::TaskFacts::of(self.prepared.targets())))
            .clone()
    }

    fn target_keys(&self) -> &TargetKeys {
        self.keys
            .get_or_init(|| TargetKeys::new(self.prepared.targets()))
    }

    /// Built from these very manifests (same allocation) and equal settings.
    fn serves(&self, input: &PassInput) -> bool {
        Arc::ptr_eq(&self.desired, &input.desired)
            && (Arc::ptr_eq(&self.settings, &input.settings) || self.settings == input.settings)
    }
}

/// Starts one pass: `Terminate()` when the operation is `Terminating`, else `Sync()`.
pub fn begin_pass(input: PassInput) -> Pass {
    let io = pass::Io::default();
    let cx = context::Ctx::new(input, io.clone());
    Pass::new(io, sync::pass(cx))
}
