//! Argo Workflow, `argoproj.io` any version (HL-15).

use super::{Health, HealthStatus};
use crate::object;
use serde_json::Value;

/// HL-15 (gitops-engine `getArgoWorkflowHealth`). Read like `unstructured.NestedString`: a
/// field of the wrong type counts as empty (never an error).
pub(super) fn workflow(obj: &Value) -> Result<Health, String> {
    let phase = object::str_at(obj, &["status", "phase"]).unwrap_or("");
    let message = object::str_at(obj, &["status", "message"]).unwrap_or("");
    let status = match phase {
        "" | "Pending" | "Running" => HealthStatus::Progressing,
        "Succeeded" => HealthStatus::Healthy,
        "Failed" | "Error" => HealthStatus::Degraded,
        _ => HealthStatus::Unknown,
    };
    Ok(Health::new(status, message))
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    #[test]
    fn hl15_workflow_phases() {
        for (phase, want) in [
            ("Pending", HealthStatus::Progressing),
            ("Running", HealthStatus::Progressing),
            ("Succeeded", HealthStatus::Healthy),
            ("Failed", HealthStatus::Degraded),
            ("Error", HealthStatus::Degraded),
            ("Omitted", HealthStatus::Unknown),
        ] {
            let obj = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                             "metadata": {"name": "w"}, "status": {"phase": phase, "message": "m"}});
            assert_eq!(
                assess(&obj, &HealthRules::default()),
                Some(Health::new(want, "m")),
                "{phase}"
            );
        }
    }
}
