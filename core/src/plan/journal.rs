//! A change journal for live snapshots: which keys moved between two snapshots.
//!
//! A driver that keeps one live view and updates it in place (the simulator) stamps each
//! snapshot with its lineage and a generation, and lists the keys written since the
//! previous generation. The engine's join cache (`plan::JoinMemo`) uses it to re-join only
//! those keys; a snapshot without a lineage is joined from scratch. The journal is
//! bookkeeping, not content: two live sets with the same objects are equal whatever their
//! journals say.

use crate::model::ResourceKey;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// One live view that is updated in place. A clone is a different lineage (the copies
/// diverge), so cloning draws a fresh id. Id 0 is never drawn: it means "no lineage".
#[derive(Debug, PartialEq, Eq)]
pub struct Lineage(u64);

static NEXT_LINEAGE: AtomicU64 = AtomicU64::new(1);

impl Lineage {
    pub fn fresh() -> Lineage {
        Lineage(NEXT_LINEAGE.fetch_add(1, Ordering::Relaxed))
    }

    pub fn id(&self) -> u64 {
        self.0
    }
}

impl Default for Lineage {
    fn default() -> Lineage {
        Lineage::fresh()
    }
}

impl Clone for Lineage {
    fn clone(&self) -> Lineage {
        Lineage::fresh()
    }
}

/// Stamp of one snapshot: `generation` of lineage `lineage`, and the keys whose object
/// was created, changed or removed since generation `generation - 1`.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    pub lineage: u64,
    pub generation: u64,
    pub changed: Arc<Vec<ResourceKey>>,
}

impl Journal {
    /// Whether this snapshot comes right after the one stamped (`lineage`, `generation`).
    pub fn follows(&self, lineage: u64, generation: u64) -> bool {
        self.lineage != 0 && self.lineage == lineage && self.generation == generation + 1
    }

    /// Whether this is that very snapshot (nothing changed since).
    pub fn is(&self, lineage: u64, generation: u64) -> bool {
        self.lineage != 0 && self.lineage == lineage && self.generation == generation
    }
}

/// Bookkeeping only: never part of a live set's content.
impl PartialEq for Journal {
    fn eq(&self, _: &Journal) -> bool {
        true
    }
}
