//! Thin wasm-bindgen facade over hookline-core (issue 6).
pub use hookline_core::model::SyncPhase;
