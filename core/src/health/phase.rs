//! What a health means during a sync — the one place that maps health to a hook's phase
//! (HL-20) and to a plain resource's task state (S-3 bullet 2, HL-21).

use super::{Health, HealthError, HealthStatus};
use serde::{Deserialize, Serialize};

/// A task's operation state (Argo CD `OperationPhase` as used for `hookPhase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperationState {
    Running,
    Succeeded,
    Failed,
    Error,
}

impl OperationState {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationState::Running => "Running",
            OperationState::Succeeded => "Succeeded",
            OperationState::Failed => "Failed",
            OperationState::Error => "Error",
        }
    }

    /// `Succeeded`, `Failed` or `Error`.
    pub fn is_completed(self) -> bool {
        self != OperationState::Running
    }

    /// `Failed` or `Error`.
    pub fn is_failure(self) -> bool {
        matches!(self, OperationState::Failed | OperationState::Error)
    }
}

impl std::fmt::Display for OperationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hook's phase and message from its live object's health (HL-20, gitops-engine
/// `getOperationPhase`). `previous_message` is the task's current message, kept when a
/// `Healthy` health has none.
pub fn hook_phase(
    health: Option<&Health>,
    name: &str,
    previous_message: &str,
) -> (OperationState, String) {
    let created = || (OperationState::Succeeded, format!("{name} created"));
    let Some(h) = health else {
        return created();
    };
    match h.status {
        HealthStatus::Healthy => {
            let message = if h.message.is_empty() {
                previous_message.to_string()
            } else {
                h.message.clone()
            };
            (OperationState::Succeeded, message)
        }
        HealthStatus::Progressing | HealthStatus::Suspended => {
            (OperationState::Running, h.message.clone())
        }
        HealthStatus::Degraded | HealthStatus::Unknown => {
            (OperationState::Failed, h.message.clone())
        }
        // Only a user rule can say Missing; Go falls through to the defaults.
        HealthStatus::Missing => created(),
    }
}

/// [`hook_phase`] over the full evaluation result: a health-check error gives `Error` with
/// `"failed to get resource health: <err>"` (HL-20 last row).
pub fn hook_phase_of(
    evaluation: &Result<Option<Health>, HealthError>,
    name: &str,
    previous_message: &str,
) -> (OperationState, String) {
    match evaluation {
        Ok(h) => hook_phase(h.as_ref(), name, previous_message),
        Err(e) => (
            OperationState::Error,
            format!("failed to get resource health: {e}"),
        ),
    }
}

/// A running plain resource's new state (S-3, HL-21): `Some((state, message))` when it
/// changes, `None` to leave the task `Running`. A `None` message means "keep the current
/// message".
pub fn resource_phase(health: Option<&Health>) -> Option<(OperationState, Option<String>)> {
    let Some(h) = health else {
        return Some((OperationState::Succeeded, None));
    };
    match h.status {
        HealthStatus::Healthy => Some((
            OperationState::Succeeded,
            (!h.message.is_empty()).then(|| h.message.clone()),
        )),
        HealthStatus::Degraded => Some((OperationState::Failed, Some(h.message.clone()))),
        HealthStatus::Progressing
        | HealthStatus::Suspended
        | HealthStatus::Missing
        | HealthStatus::Unknown => None,
    }
}

/// [`resource_phase`] over the full evaluation result: a health-check error is ignored
/// (S-3: the task stays `Running`).
pub fn resource_phase_of(
    evaluation: &Result<Option<Health>, HealthError>,
) -> Option<(OperationState, Option<String>)> {
    match evaluation {
        Ok(h) => resource_phase(h.as_ref()),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HealthStatus::*;
    use OperationState as S;

    fn h(status: HealthStatus, message: &str) -> Health {
        Health::new(status, message)
    }

    #[test]
    fn hl20_hook_phase_table() {
        let p = |health: Option<Health>| hook_phase(health.as_ref(), "job", "prev");
        assert_eq!(p(None), (S::Succeeded, "job created".into()));
        assert_eq!(p(Some(h(Healthy, "done"))), (S::Succeeded, "done".into()));
        assert_eq!(p(Some(h(Healthy, ""))), (S::Succeeded, "prev".into()));
        assert_eq!(p(Some(h(Progressing, "p"))), (S::Running, "p".into()));
        assert_eq!(p(Some(h(Suspended, ""))), (S::Running, "".into()));
        assert_eq!(p(Some(h(Degraded, "d"))), (S::Failed, "d".into()));
        assert_eq!(p(Some(h(Unknown, "u"))), (S::Failed, "u".into()));
        assert_eq!(
            p(Some(h(Missing, "m"))),
            (S::Succeeded, "job created".into())
        );
        let err = Err(HealthError {
            message: "unsupported Job GVK: batch/v2, Kind=Job".into(),
        });
        assert_eq!(
            hook_phase_of(&err, "job", ""),
            (
                S::Error,
                "failed to get resource health: unsupported Job GVK: batch/v2, Kind=Job".into()
            )
        );
    }

    #[test]
    fn hl21_resource_phase_table() {
        assert_eq!(resource_phase(None), Some((S::Succeeded, None)));
        assert_eq!(
            resource_phase(Some(&h(Healthy, ""))),
            Some((S::Succeeded, None))
        );
        assert_eq!(
            resource_phase(Some(&h(Healthy, "ok"))),
            Some((S::Succeeded, Some("ok".into())))
        );
        assert_eq!(
            resource_phase(Some(&h(Degraded, ""))),
            Some((S::Failed, Some("".into())))
        );
        for s in [Progressing, Suspended, Missing, Unknown] {
            assert_eq!(resource_phase(Some(&h(s, "x"))), None, "{s}");
        }
        let err: Result<Option<Health>, HealthError> = Err(HealthError {
            message: "e".into(),
        });
        assert_eq!(resource_phase_of(&err), None);
    }

    #[test]
    fn operation_state_serde_names() {
        for s in [S::Running, S::Succeeded, S::Failed, S::Error] {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::String(s.as_str().into()))
            );
        }
    }
}
