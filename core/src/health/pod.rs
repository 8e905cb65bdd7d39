//! `v1` Pod (HL-5, gitops-engine `getCorev1PodHealth`, released behaviour: the
//! `ignore-restart-policy` annotation of Argo CD master is not honoured).

use super::decode::{Elem, Typed, find};
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

use HealthStatus::{Degraded, Healthy, Progressing, Unknown};

struct ContainerStatus {
    name: String,
    /// `state.waiting` present, with its reason and message.
    waiting: Option<(String, String)>,
    /// `state.terminated` present, with its message, reason and exit code.
    terminated: Option<(String, String, i64)>,
    /// `lastState.terminated` present.
    last_terminated: bool,
}

fn container_status(e: Elem<'_>) -> Result<ContainerStatus, String> {
    let t = e.typed();
    let waiting = match t.map(&["state", "waiting"])? {
        Some(_) => Some((
            t.string(&["state", "waiting", "reason"])?,
            t.string(&["state", "waiting", "message"])?,
        )),
        None => None,
    };
    let terminated = match t.map(&["state", "terminated"])? {
        Some(_) => Some((
            t.string(&["state", "terminated", "message"])?,
            t.string(&["state", "terminated", "reason"])?,
            t.int(&["state", "terminated", "exitCode"])?,
        )),
        None => None,
    };
    Ok(ContainerStatus {
        name: t.string(&["name"])?,
        waiting,
        terminated,
        last_terminated: t.map(&["lastState", "terminated"])?.is_some(),
    })
}

fn container_statuses(t: &Typed<'_>, field: &str) -> Result<Vec<ContainerStatus>, String> {
    t.list(&["status", field])?
        .iter()
        .map(container_status)
        .collect()
}

fn fail_message(c: &ContainerStatus) -> String {
    match &c.terminated {
        Some((message, _, _)) if !message.is_empty() => message.clone(),
        Some((_, reason, _)) if reason == "OOMKilled" => reason.clone(),
        Some((_, _, code)) if *code != 0 => {
            format!("container {:?} failed with exit code {code}", c.name)
        }
        _ => String::new(),
    }
}

/// HL-5.
pub(super) fn pod(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "Pod")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        t.meta()?;
        Ok((
            t.string(&["spec", "restartPolicy"])?,
            t.string(&["status", "phase"])?,
            t.string(&["status", "message"])?,
            t.conditions(&["status", "conditions"])?,
            container_statuses(&t, "initContainerStatuses")?,
            container_statuses(&t, "containerStatuses")?,
        ))
    };
    let (restart_policy, phase, message, conditions, init, containers) =
        read().map_err(conversion_error("Pod"))?;
    let always = restart_policy == "Always";

    // HL-5.1: only for restartPolicy Always (hooks with Never/OnFailure must not fail early).
    if always {
        let messages: Vec<&str> = containers
            .iter()
            .filter_map(|c| c.waiting.as_ref())
            .filter(|(reason, _)| {
                reason.starts_with("Err")
                    || reason.ends_with("Error")
                    || reason.ends_with("BackOff")
            })
            .map(|(_, message)| message.as_str())
            .collect();
        if !messages.is_empty() {
            return Ok(Health::new(Degraded, messages.join(", ")));
        }
    }

    // HL-5.2.
    Ok(match phase.as_str() {
        "Pending" => Health::new(Progressing, message),
        "Succeeded" => Health::new(Healthy, message),
        "Failed" => {
            if !message.is_empty() {
                return Ok(Health::new(Degraded, message));
            }
            let first = init
                .iter()
                .chain(&containers)
                .map(fail_message)
                .find(|m| !m.is_empty());
            Health::new(Degraded, first.unwrap_or_default())
        }
        "Running" if always => {
            if find(&conditions, "Ready").is_some_and(|c| c.status == "True") {
                Health::new(Healthy, message)
            } else if containers.iter().any(|c| c.last_terminated) {
                Health::new(Degraded, message)
            } else {
                Health::new(Progressing, message)
            }
        }
        "Running" if restart_policy == "OnFailure" || restart_policy == "Never" => {
            Health::new(Progressing, message)
        }
        // HL-5.3 (including Running with an empty restart policy).
        _ => Health::new(Unknown, message),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    fn check(policy: &str, status: Value) -> Option<Health> {
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                         "spec": {"restartPolicy": policy}, "status": status});
        assess(&obj, &HealthRules::default())
    }

    #[test]
    fn hl5_1_waiting_errors_degrade_only_always_pods() {
        let status = json!({"phase": "Pending", "containerStatuses": [
            {"name": "a", "state": {"waiting": {"reason": "ImagePullBackOff", "message": "m1"}}},
            {"name": "b", "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "m2"}}},
            {"name": "c", "state": {"waiting": {"reason": "ContainerCreating", "message": "m3"}}}]});
        assert_eq!(
            check("Always", status.clone()),
            Some(Health::new(Degraded, "m1, m2"))
        );
        // HL-5 consequence: a Never hook pod stuck pulling stays Progressing.
        assert_eq!(check("Never", status).map(|h| h.status), Some(Progressing));
    }

    #[test]
    fn hl5_2_failed_pod_messages() {
        assert_eq!(
            check("Never", json!({"phase": "Failed", "message": "evicted"})),
            Some(Health::new(Degraded, "evicted"))
        );
        let status = json!({"phase": "Failed",
            "initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 0}}}],
            "containerStatuses": [{"name": "main", "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]});
        assert_eq!(
            check("Never", status),
            Some(Health::new(
                Degraded,
                "container \"main\" failed with exit code 2"
            ))
        );
        let oom = json!({"phase": "Failed",
            "containerStatuses": [{"name": "main", "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]});
        assert_eq!(
            check("Never", oom),
            Some(Health::new(Degraded, "OOMKilled"))
        );
        assert_eq!(
            check("Never", json!({"phase": "Failed"})),
            Some(Health::new(Degraded, ""))
        );
    }

    #[test]
    fn hl5_2_running_pods() {
        let ready =
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]});
        assert_eq!(
            check("Always", ready.clone()).map(|h| h.status),
            Some(Healthy)
        );
        assert_eq!(
            check("OnFailure", ready.clone()).map(|h| h.status),
            Some(Progressing)
        );
        // Restart policy missing: Go compares the empty string → Unknown.
        assert_eq!(check("", ready).map(|h| h.status), Some(Unknown));
        let restarted = json!({"phase": "Running", "message": "m", "containerStatuses": [
            {"name": "main", "lastState": {"terminated": {"exitCode": 1}}}]});
        assert_eq!(check("Always", restarted), Some(Health::new(Degraded, "m")));
        assert_eq!(
            check("Always", json!({"phase": "Running"})).map(|h| h.status),
            Some(Progressing)
        );
        assert_eq!(
            check(
                "Always",
                json!({"phase": "Unknown", "message": "node lost"})
            ),
            Some(Health::new(Unknown, "node lost"))
        );
    }
}
