//! `apiregistration.k8s.io` APIService, v1 and v1beta1 (HL-14).

use super::decode::{Typed, find};
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

/// HL-14 (gitops-engine `getApiregistrationv1APIServiceHealth` and its v1beta1 twin).
pub(super) fn apiservice(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1", "v1beta1"], "APIService")?;
    let t = Typed::root(obj);
    let conditions = t
        .meta()
        .and_then(|_| t.conditions(&["status", "conditions"]))
        .map_err(conversion_error("APIService"))?;
    Ok(match find(&conditions, "Available") {
        Some(c) => Health::new(
            if c.status == "True" {
                HealthStatus::Healthy
            } else {
                HealthStatus::Progressing
            },
            format!("{}: {}", c.reason, c.message),
        ),
        None => Health::new(HealthStatus::Progressing, "Waiting to be processed"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    #[test]
    fn hl14_apiservice() {
        let svc = |api: &str, status: Value| {
            let obj = json!({"apiVersion": api, "kind": "APIService",
                             "metadata": {"name": "v1.x"}, "status": status});
            assess(&obj, &HealthRules::default())
        };
        for api in [
            "apiregistration.k8s.io/v1",
            "apiregistration.k8s.io/v1beta1",
        ] {
            assert_eq!(
                svc(api, json!({})),
                Some(Health::new(
                    HealthStatus::Progressing,
                    "Waiting to be processed"
                ))
            );
            assert_eq!(
                svc(
                    api,
                    json!({"conditions": [{"type": "Available", "status": "True",
                                                "reason": "Passed", "message": "all checks passed"}]})
                ),
                Some(Health::new(
                    HealthStatus::Healthy,
                    "Passed: all checks passed"
                ))
            );
            assert_eq!(
                svc(
                    api,
                    json!({"conditions": [{"type": "Available", "status": "False",
                                                "reason": "MissingEndpoints", "message": "no endpoints"}]})
                ),
                Some(Health::new(
                    HealthStatus::Progressing,
                    "MissingEndpoints: no endpoints"
                ))
            );
        }
    }
}
