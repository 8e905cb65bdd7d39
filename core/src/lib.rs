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
pub mod yaml;

pub use model::{GroupKind, ResourceKey, Source, SyncPhase};
