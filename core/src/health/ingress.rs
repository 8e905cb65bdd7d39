//! Ingress in `extensions` and `networking.k8s.io`, any version (HL-11).

use super::{Health, HealthStatus};
use crate::object;
use serde_json::Value;

/// HL-11 (gitops-engine `getIngressHealth`). Read like `unstructured.NestedSlice`: no typed
/// conversion, so a malformed `status` simply counts as "no ingress" (never an error).
pub(super) fn ingress(obj: &Value) -> Result<Health, String> {
    let assigned = object::value_at(obj, &["status", "loadBalancer", "ingress"])
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    Ok(Health::status(if assigned {
        HealthStatus::Healthy
    } else {
        HealthStatus::Progressing
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    #[test]
    fn hl11_extensions_v1beta1_and_networking_any_version() {
        for api in [
            "extensions/v1beta1",
            "networking.k8s.io/v1",
            "networking.k8s.io/v1beta1",
        ] {
            let obj = |status: Value| json!({"apiVersion": api, "kind": "Ingress", "metadata": {"name": "i"}, "status": status});
            let rules = HealthRules::default();
            assert_eq!(
                assess(
                    &obj(json!({"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}})),
                    &rules
                ),
                Some(Health::status(HealthStatus::Healthy)),
                "{api}"
            );
            assert_eq!(
                assess(&obj(json!({"loadBalancer": {"ingress": []}})), &rules),
                Some(Health::status(HealthStatus::Progressing)),
                "{api}"
            );
            assert_eq!(
                assess(&obj(json!("garbage")), &rules),
                Some(Health::status(HealthStatus::Progressing)),
                "{api}"
            );
        }
        // Ingress in another group has no check.
        let other = json!({"apiVersion": "example.com/v1", "kind": "Ingress"});
        assert_eq!(assess(&other, &HealthRules::default()), None);
    }
}
