//! Health of live objects, exactly as Argo CD judges them (spec §11).
//!
//! PLACEHOLDER: the assessors are being written (issue 3). The types below are the interface
//! the engine and the simulator use.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Health codes, declared best → worst so the derived `Ord` is the severity order (HL-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum HealthStatus {
    Healthy,
    Suspended,
    Progressing,
    Missing,
    Degraded,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

/// User-supplied health rules for custom kinds (issue 3); empty = built-in checks only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthRules {}

/// `None` = the kind has no health check (HL-2.4).
pub fn assess(_obj: &Value, _rules: &HealthRules) -> Option<Health> {
    None
}
