//! The live join of [`Prepared::assemble`], kept between the passes of one operation.
//!
//! Joining every target with its live object (T-4.3) walks the whole live map on every
//! pass, although between two passes only the objects the cluster wrote move. When the
//! live set carries a [`Journal`](crate::plan::Journal) that follows the snapshot the
//! memo was built from, only the targets whose exact or bare key changed are joined
//! again; any other snapshot is joined from scratch. Debug builds check every
//! incremental join against the full one, so the test suites pin the equivalence.

use super::{Assembled, LiveSet, Prepared, ResourceKey, Task};
use foldhash::fast::FixedState;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

type Map<K, V> = HashMap<K, V, FixedState>;

/// The join of one live snapshot, reusable by the next snapshot of the same lineage.
#[derive(Debug, Default)]
pub struct JoinMemo {
    state: Option<MemoState>,
}

/// Which live key a target claimed: its own, or its key without the namespace (T-4.3).
/// Kept instead of a copy of the key: the key is the target's, or derived from it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Claim {
    Exact,
    Bare,
}

fn claim_key(key: &ResourceKey, claim: Claim) -> Cow<'_, ResourceKey> {
    match claim {
        Claim::Exact => Cow::Borrowed(key),
        Claim::Bare => Cow::Owned(key.without_namespace()),
    }
}

#[derive(Debug)]
struct MemoState {
    lineage: u64,
    generation: u64,
    /// `found[i]`: the live object of target `i`; `claim[i]`: the live key it came from.
    /// Shared with the pass that reads it; by the next update that pass is over, so the
    /// update writes in place.
    found: Arc<Vec<Option<Arc<Value>>>>,
    claim: Vec<Option<Claim>>,
    /// How many targets claim each live key, and the live keys nobody claims (key order,
    /// as the prune candidates must come).
    claims: Map<ResourceKey, u32>,
    unclaimed: BTreeSet<ResourceKey>,
    /// Targets by exact key, and targets with a namespace by their key without it: the
    /// targets a changed live key can move.
    by_key: Map<ResourceKey, Vec<usize>>,
    by_bare: Map<ResourceKey, Vec<usize>>,
}

impl Prepared {
    /// [`Prepared::assemble`], reusing and updating `memo` when `live`'s journal allows.
    /// The outcome is the same as `assemble(live)` in every case.
    pub fn assemble_with(&self, live: &LiveSet, memo: &mut JoinMemo) -> Assembled {
        let j = &live.journal;
        let state = match memo.state.take() {
            Some(s) if j.is(s.lineage, s.generation) => Some(s),
            Some(mut s) if j.follows(s.lineage, s.generation) => {
                s.update(&self.adjusted, live, &j.changed);
                s.generation = j.generation;
                Some(s)
            }
            _ if j.lineage != 0 => Some(MemoState::new(&self.adjusted, live)),
            _ => None,
        };
        let Some(state) = state else {
            return self.assemble(live);
        };
        let unclaimed = state
            .unclaimed
            .iter()
            .filter_map(|k| live.objects.get_key_value(k));
        let assembled = self.complete(live, state.found.clone(), unclaimed);
        #[cfg(debug_assertions)]
        {
            let full = self.assemble(live);
            debug_assert!(
                full.tasks == assembled.tasks && full.live == assembled.live,
                "incremental live join differs from the full join"
            );
        }
        memo.state = Some(state);
        assembled
    }
}

impl MemoState {
    fn new(tasks: &[Task], live: &LiveSet) -> MemoState {
        let mut by_key: Map<ResourceKey, Vec<usize>> = Map::default();
        let mut by_bare: Map<ResourceKey, Vec<usize>> = Map::default();
        for (i, t) in tasks.iter().enumerate() {
            by_key.entry(t.key.clone()).or_default().push(i);
            if !t.key.namespace.is_empty() {
                by_bare
                    .entry(t.key.without_namespace())
                    .or_default()
                    .push(i);
            }
        }
        let mut s = MemoState {
            lineage: live.journal.lineage,
            generation: live.journal.generation,
            found: Arc::new(vec![None; tasks.len()]),
            claim: vec![None; tasks.len()],
            claims: Map::default(),
            unclaimed: BTreeSet::new(),
            by_key,
            by_bare,
        };
        for (i, t) in tasks.iter().enumerate() {
            s.rejoin(i, t, live);
        }
        s.unclaimed = live
            .objects
            .keys()
            .filter(|k| !s.claims.contains_key(*k))
            .cloned()
            .collect();
        s
    }

    /// Re-joins the targets a changed key can move, and fixes the unclaimed set for every
    /// key whose claim count or presence may have changed: the changed keys and the keys
    /// the re-joined targets claimed before and after (each checked after its last change).
    fn update(&mut self, tasks: &[Task], live: &LiveSet, changed: &[ResourceKey]) {
        let mut affected: Vec<usize> = Vec::new();
        for k in changed {
            affected.extend(self.by_key.get(k).into_iter().flatten());
            if k.namespace.is_empty() {
                // `k` is its own bare key.
                affected.extend(self.by_bare.get(k).into_iter().flatten());
            }
        }
        affected.sort_unstable();
        affected.dedup();
        for i in affected {
            // The common case: the target's own key was written (a status, a finalizer)
            // and is still live. Only its object moves; no claim changes.
            if self.claim[i] == Some(Claim::Exact)
                && let Some(v) = live.objects.get(&tasks[i].key)
            {
                Arc::make_mut(&mut self.found)[i] = Some(v.clone());
                continue;
            }
            let before = self.claim[i];
            self.rejoin(i, &tasks[i], live);
            for c in [before, self.claim[i]].into_iter().flatten() {
                self.fix_unclaimed(&claim_key(&tasks[i].key, c), live);
            }
        }
        for k in changed {
            self.fix_unclaimed(k, live);
        }
    }

    fn fix_unclaimed(&mut self, k: &ResourceKey, live: &LiveSet) {
        // The claim count first: a hash lookup, and almost every key is claimed.
        if !self.claims.contains_key(k) && live.objects.contains_key(k) {
            if !self.unclaimed.contains(k) {
                self.unclaimed.insert(k.clone());
            }
        } else {
            self.unclaimed.remove(k);
        }
    }

    /// T-4.3 for target `i` alone, moving its claim from the old live key to the new.
    fn rejoin(&mut self, i: usize, task: &Task, live: &LiveSet) {
        if let Some(old) = self.claim[i].take() {
            let old = claim_key(&task.key, old);
            if let Some(n) = self.claims.get_mut(&*old) {
                *n -= 1;
                if *n == 0 {
                    self.claims.remove(&*old);
                }
            }
        }
        match live.find(task) {
            Some((k, v)) => {
                Arc::make_mut(&mut self.found)[i] = Some(v.clone());
                match self.claims.get_mut(k) {
                    Some(n) => *n += 1,
                    None => {
                        self.claims.insert(k.clone(), 1);
                    }
                }
                self.claim[i] = Some(if *k == task.key {
                    Claim::Exact
                } else {
                    Claim::Bare
                });
            }
            None => Arc::make_mut(&mut self.found)[i] = None,
        }
    }
}
