//! hookline-core: Argo CD sync hooks and waves, computed.
//!
//! Everything that knows Argo CD's rules lives in this crate (spec/architecture.md): the
//! manifest model, classification of annotations, the planner, health assessment, the sans-IO
//! sync engine, the simulated cluster, the scenario format and the linter. Front ends (CLI,
//! WebAssembly, tests) only ask it.

pub mod classify;
pub mod duration;
pub mod engine;
pub mod explore;
pub mod health;
pub mod lint;
pub mod manifest;
pub mod model;
pub mod object;
mod parallel;
pub mod plan;
pub mod reference;
pub mod scenario;
mod short_cmp;
pub mod sim;
pub(crate) mod text;

/// The playground's WebAssembly module has a size budget (docs/benchmarks.md) and
/// simulates applications of tens of objects, so what only pays off on thousands of
/// objects is left out of it: the live-join memo (`engine::PlanCache::assemble`), results
/// found by key address and the sorted fast path of `Ctx::finish` (`engine::context`), the
/// static plan from the prepared tasks (`sim`), the inline key comparison (`short_cmp`)
/// and a key's heads and hash (`model::ResourceKey`), the health kept from a status write
/// (`sim::cluster`), the status-less copy of a status write (`health::synth`), the
/// in-place first status write of a new object (`sim::cluster`), the per-task slots the
/// scans of a pass read (`engine::context`) and the hand-built strings of `text`. Each is
/// an optimisation with the same outcome as the plain path, which the native suites check
/// (debug builds compare the memos with full recomputations).
pub(crate) const SMALL_MODULE: bool = cfg!(target_family = "wasm");
pub mod yaml;

pub use model::{GroupKind, KeyParts, ResourceKey, Source, SyncPhase};
