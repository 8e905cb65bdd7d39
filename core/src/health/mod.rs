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

/// A task's operation state (hookPhase). PLACEHOLDER until issue 3 lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperationState {
    Running,
    Succeeded,
    Failed,
    Error,
}

/// HL-20. PLACEHOLDER until issue 3 lands.
pub fn hook_phase(health: Option<&Health>, name: &str, previous_message: &str) -> (OperationState, String) {
    match health {
        None => (OperationState::Succeeded, format!("{name} created")),
        Some(h) => match h.status {
            HealthStatus::Healthy => (
                OperationState::Succeeded,
                if h.message.is_empty() { previous_message.to_string() } else { h.message.clone() },
            ),
            HealthStatus::Progressing | HealthStatus::Suspended => (OperationState::Running, h.message.clone()),
            HealthStatus::Degraded | HealthStatus::Unknown => (OperationState::Failed, h.message.clone()),
            HealthStatus::Missing => (OperationState::Succeeded, format!("{name} created")),
        },
    }
}

/// HL-21 / S-3. PLACEHOLDER until issue 3 lands.
pub fn resource_phase(health: Option<&Health>) -> Option<(OperationState, Option<String>)> {
    match health {
        None => Some((OperationState::Succeeded, None)),
        Some(h) => match h.status {
            HealthStatus::Healthy => Some((OperationState::Succeeded, Some(h.message.clone()).filter(|m| !m.is_empty()))),
            HealthStatus::Degraded => Some((OperationState::Failed, Some(h.message.clone()))),
            _ => None,
        },
    }
}
