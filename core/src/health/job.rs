//! `batch/v1` Job (HL-4, gitops-engine `getBatchv1JobHealth`).

use super::decode::Typed;
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

/// HL-4. Conditions are matched by type only; the status of `Failed`/`Complete` is not read.
/// The Suspended message is the (normally empty) failure message, as released Argo CD has it
/// (Argo CD ≤ v3.4; master reports the Suspended condition's message, PR #28738).
pub(super) fn job(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "Job")?;
    let t = Typed::root(obj);
    let conditions = t
        .meta()
        .and_then(|_| t.conditions(&["status", "conditions"]))
        .map_err(conversion_error("Job"))?;

    let (mut failed, mut complete, mut suspended) = (false, false, false);
    let (mut fail_msg, mut message) = (String::new(), String::new());
    for c in &conditions {
        match c.type_.as_ref() {
            "Failed" => {
                failed = true;
                complete = true;
                fail_msg = c.message.to_string();
            }
            "Complete" => {
                complete = true;
                message = c.message.to_string();
            }
            "Suspended" => {
                complete = true;
                message = c.message.to_string();
                if c.status == "True" {
                    suspended = true;
                }
            }
            _ => {}
        }
    }
    Ok(if !complete {
        Health::new(HealthStatus::Progressing, message)
    } else if failed {
        Health::new(HealthStatus::Degraded, fail_msg)
    } else if suspended {
        Health::new(HealthStatus::Suspended, fail_msg)
    } else {
        Health::new(HealthStatus::Healthy, message)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    fn check(conditions: Value) -> Option<Health> {
        let obj = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                         "status": {"conditions": conditions}});
        assess(&obj, &HealthRules::default())
    }

    #[test]
    fn hl4_job_conditions() {
        use HealthStatus::*;
        assert_eq!(check(json!([])), Some(Health::new(Progressing, "")));
        assert_eq!(
            check(json!([{"type": "Complete", "status": "True", "message": "done"}])),
            Some(Health::new(Healthy, "done"))
        );
        assert_eq!(
            check(
                json!([{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                          "message": "Job has reached the specified backoff limit"}])
            ),
            Some(Health::new(
                Degraded,
                "Job has reached the specified backoff limit"
            ))
        );
        // Failed wins over Complete whatever the order; statuses are not read.
        assert_eq!(
            check(
                json!([{"type": "Failed", "status": "False", "message": "x"},
                         {"type": "Complete", "status": "True"}])
            )
            .map(|h| h.status),
            Some(Degraded)
        );
        // Suspended: message is the (empty) failure message.
        assert_eq!(
            check(json!([{"type": "Suspended", "status": "True", "message": "Job suspended"}])),
            Some(Health::new(Suspended, ""))
        );
        // Quirk (HL-4, consequence 26): resumed Job counts as complete → Healthy.
        assert_eq!(
            check(json!([{"type": "Suspended", "status": "False", "message": "Job resumed"}])),
            Some(Health::new(Healthy, "Job resumed"))
        );
    }
}
