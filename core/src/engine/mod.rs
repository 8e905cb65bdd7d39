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

use crate::health::HealthRules;
use crate::manifest::Manifest;
use crate::model::GroupKind;
use crate::plan::{Assembled, JoinMemo, LiveSet, Prepared, SyncSettings};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

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
}

impl PlanCache {
    pub fn new(desired: Arc<Vec<Manifest>>, settings: Arc<SyncSettings>) -> Arc<PlanCache> {
        let prepared = Prepared::new(&desired, &settings);
        Arc::new(PlanCache {
            desired,
            settings,
            prepared,
            join: Mutex::new(JoinMemo::default()),
        })
    }

    /// The pass's task list against `live`: through the join memo when it is free.
    fn assemble(&self, live: &LiveSet) -> Assembled {
        match self.join.try_lock() {
            Ok(mut memo) => self.prepared.assemble_with(live, &mut memo),
            Err(_) => self.prepared.assemble(live),
        }
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
