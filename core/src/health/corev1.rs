//! Core `v1` Service (HL-10) and PersistentVolumeClaim (HL-12).

use super::decode::Typed;
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

/// HL-10 (gitops-engine `getCorev1ServiceHealth`); never has a message.
pub(super) fn service(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "Service")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        t.meta()?;
        let ingress = t.list(&["status", "loadBalancer", "ingress"])?;
        Ok((t.string(&["spec", "type"])?, !ingress.is_empty()))
    };
    let (type_, has_ingress) = read().map_err(conversion_error("Service"))?;
    Ok(Health::status(if type_ != "LoadBalancer" || has_ingress {
        HealthStatus::Healthy
    } else {
        HealthStatus::Progressing
    }))
}

/// HL-12 (gitops-engine `getCorev1PVCHealth`); never has a message.
pub(super) fn pvc(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "PersistentVolumeClaim")?;
    let t = Typed::root(obj);
    let phase = t
        .meta()
        .and_then(|_| t.string(&["status", "phase"]))
        .map_err(conversion_error("PersistentVolumeClaim"))?;
    Ok(Health::status(match phase.as_str() {
        "Lost" => HealthStatus::Degraded,
        "Pending" => HealthStatus::Progressing,
        "Bound" => HealthStatus::Healthy,
        _ => HealthStatus::Unknown,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    #[test]
    fn hl10_service_types() {
        let svc = |spec: Value, status: Value| {
            let obj = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                             "spec": spec, "status": status});
            assess(&obj, &HealthRules::default()).map(|h| h.status)
        };
        assert_eq!(svc(json!({}), json!({})), Some(HealthStatus::Healthy));
        assert_eq!(
            svc(json!({"type": "LoadBalancer"}), json!({"loadBalancer": {}})),
            Some(HealthStatus::Progressing)
        );
        assert_eq!(
            svc(
                json!({"type": "LoadBalancer"}),
                json!({"loadBalancer": {"ingress": [{"hostname": "h"}]}})
            ),
            Some(HealthStatus::Healthy)
        );
    }

    #[test]
    fn hl12_pvc_phases() {
        for (phase, want) in [
            ("Bound", HealthStatus::Healthy),
            ("Pending", HealthStatus::Progressing),
            ("Lost", HealthStatus::Degraded),
            ("", HealthStatus::Unknown),
            ("Weird", HealthStatus::Unknown),
        ] {
            let obj = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "metadata": {"name": "c"}, "status": {"phase": phase}});
            assert_eq!(
                assess(&obj, &HealthRules::default()),
                Some(Health::status(want)),
                "{phase}"
            );
        }
    }
}
