//! `apps/v1` workloads: Deployment (HL-6), StatefulSet (HL-7), DaemonSet (HL-8),
//! ReplicaSet (HL-9). Messages are gitops-engine's, word for word.

use super::decode::{Typed, find};
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

use HealthStatus::{Degraded, Healthy, Progressing, Suspended};

/// HL-6 (gitops-engine `getAppsv1DeploymentHealth`).
pub(super) fn deployment(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "Deployment")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        let meta = t.meta()?;
        Ok((
            meta,
            t.boolean(&["spec", "paused"])?,
            t.opt_int(&["spec", "replicas"])?,
            t.int(&["status", "observedGeneration"])?,
            t.int(&["status", "replicas"])?,
            t.int(&["status", "updatedReplicas"])?,
            t.int(&["status", "availableReplicas"])?,
            t.conditions(&["status", "conditions"])?,
        ))
    };
    let (meta, paused, spec_replicas, observed, replicas, updated, available, conditions) =
        read().map_err(conversion_error("Deployment"))?;

    if paused {
        return Ok(Health::new(Suspended, "Deployment is paused"));
    }
    if meta.generation > observed {
        return Ok(Health::new(
            Progressing,
            "Waiting for rollout to finish: observed deployment generation less than desired generation",
        ));
    }
    if find(&conditions, "Progressing").is_some_and(|c| c.reason == "ProgressDeadlineExceeded") {
        return Ok(Health::new(
            Degraded,
            format!("Deployment {:?} exceeded its progress deadline", meta.name),
        ));
    }
    if let Some(want) = spec_replicas
        && updated < want
    {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {updated} out of {want} new replicas have been updated..."
            ),
        ));
    }
    if replicas > updated {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {} old replicas are pending termination...",
                replicas - updated
            ),
        ));
    }
    if available < updated {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} of {updated} updated replicas are available..."
            ),
        ));
    }
    Ok(Health::status(Healthy))
}

/// HL-7 (gitops-engine `getAppsv1StatefulSetHealth`).
pub(super) fn statefulset(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "StatefulSet")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        let meta = t.meta()?;
        let strategy = (
            t.string(&["spec", "updateStrategy", "type"])?,
            t.map(&["spec", "updateStrategy", "rollingUpdate"])?
                .is_some(),
            t.opt_int(&["spec", "updateStrategy", "rollingUpdate", "partition"])?,
        );
        let status = StsStatus {
            observed: t.int(&["status", "observedGeneration"])?,
            ready: t.int(&["status", "readyReplicas"])?,
            updated: t.int(&["status", "updatedReplicas"])?,
            current: t.int(&["status", "currentReplicas"])?,
            update_revision: t.string(&["status", "updateRevision"])?,
            current_revision: t.string(&["status", "currentRevision"])?,
        };
        Ok((meta, t.opt_int(&["spec", "replicas"])?, strategy, status))
    };
    let (meta, spec_replicas, (strategy, has_rolling, partition), s) =
        read().map_err(conversion_error("StatefulSet"))?;

    if s.observed == 0 || meta.generation > s.observed {
        return Ok(Health::new(
            Progressing,
            "Waiting for statefulset spec update to be observed...",
        ));
    }
    if let Some(want) = spec_replicas
        && s.ready < want
    {
        return Ok(Health::new(
            Progressing,
            format!("Waiting for {} pods to be ready...", want - s.ready),
        ));
    }
    if strategy == "RollingUpdate" && has_rolling {
        if let (Some(want), Some(partition)) = (spec_replicas, partition)
            && s.updated < want - partition
        {
            return Ok(Health::new(
                Progressing,
                format!(
                    "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                    s.updated,
                    want - partition
                ),
            ));
        }
        return Ok(Health::new(
            Healthy,
            format!(
                "partitioned roll out complete: {} new pods have been updated...",
                s.updated
            ),
        ));
    }
    if strategy == "OnDelete" {
        return Ok(Health::new(
            Healthy,
            format!("statefulset has {} ready pods", s.ready),
        ));
    }
    if s.update_revision != s.current_revision {
        return Ok(Health::new(
            Progressing,
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...",
                s.updated, s.update_revision
            ),
        ));
    }
    Ok(Health::new(
        Healthy,
        format!(
            "statefulset rolling update complete {} pods at revision {}...",
            s.current, s.current_revision
        ),
    ))
}

struct StsStatus {
    observed: i64,
    ready: i64,
    updated: i64,
    current: i64,
    update_revision: String,
    current_revision: String,
}

/// HL-8 (gitops-engine `getAppsv1DaemonSetHealth`).
pub(super) fn daemonset(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "DaemonSet")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        Ok((
            t.meta()?,
            t.string(&["spec", "updateStrategy", "type"])?,
            t.int(&["status", "observedGeneration"])?,
            t.int(&["status", "updatedNumberScheduled"])?,
            t.int(&["status", "desiredNumberScheduled"])?,
            t.int(&["status", "numberAvailable"])?,
        ))
    };
    let (meta, strategy, observed, updated, desired, available) =
        read().map_err(conversion_error("DaemonSet"))?;

    if meta.generation > observed {
        return Ok(Health::new(
            Progressing,
            "Waiting for rollout to finish: observed daemon set generation less than desired generation",
        ));
    }
    if strategy == "OnDelete" {
        return Ok(Health::new(
            Healthy,
            format!("daemon set {updated} out of {desired} new pods have been updated"),
        ));
    }
    if updated < desired {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for daemon set {:?} rollout to finish: {updated} out of {desired} new pods have been updated...",
                meta.name
            ),
        ));
    }
    if available < desired {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for daemon set {:?} rollout to finish: {available} of {desired} updated pods are available...",
                meta.name
            ),
        ));
    }
    Ok(Health::status(Healthy))
}

/// HL-9 (gitops-engine `getAppsv1ReplicaSetHealth`).
pub(super) fn replicaset(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1"], "ReplicaSet")?;
    let t = Typed::root(obj);
    let read = || -> Result<_, String> {
        Ok((
            t.meta()?,
            t.opt_int(&["spec", "replicas"])?,
            t.int(&["status", "observedGeneration"])?,
            t.int(&["status", "availableReplicas"])?,
            t.conditions(&["status", "conditions"])?,
        ))
    };
    let (meta, spec_replicas, observed, available, conditions) =
        read().map_err(conversion_error("ReplicaSet"))?;

    if meta.generation > observed {
        return Ok(Health::new(
            Progressing,
            "Waiting for rollout to finish: observed replica set generation less than desired generation",
        ));
    }
    if let Some(c) = find(&conditions, "ReplicaFailure")
        && c.status == "True"
    {
        return Ok(Health::new(Degraded, c.message.clone()));
    }
    if let Some(want) = spec_replicas
        && available < want
    {
        return Ok(Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} out of {want} new replicas are available..."
            ),
        ));
    }
    Ok(Health::status(Healthy))
}

#[cfg(test)]
mod tests {
    use super::super::{HealthRules, assess};
    use super::*;
    use serde_json::json;

    fn check(obj: Value) -> Health {
        assess(&obj, &HealthRules::default()).unwrap_or(Health::new(HealthStatus::Missing, "none"))
    }

    fn rs(extra_status: Value, replicas: Option<i64>, generation: i64) -> Value {
        let mut spec = json!({});
        if let Some(r) = replicas {
            spec["replicas"] = r.into();
        }
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
               "metadata": {"name": "web-1", "generation": generation},
               "spec": spec, "status": extra_status})
    }

    #[test]
    fn hl9_replicaset_available_is_healthy() {
        let h = check(rs(
            json!({"observedGeneration": 2, "availableReplicas": 3}),
            Some(3),
            2,
        ));
        assert_eq!(h, Health::new(Healthy, ""));
    }

    #[test]
    fn hl9_replicaset_waiting_for_available_replicas() {
        let h = check(rs(
            json!({"observedGeneration": 1, "availableReplicas": 1}),
            Some(3),
            1,
        ));
        assert_eq!(
            h,
            Health::new(
                Progressing,
                "Waiting for rollout to finish: 1 out of 3 new replicas are available..."
            )
        );
    }

    #[test]
    fn hl9_replicaset_replica_failure_true_is_degraded_with_its_message() {
        let status = json!({"observedGeneration": 1, "availableReplicas": 0, "conditions": [
            {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
             "message": "pods \"web-1-\" is forbidden: exceeded quota"}]});
        let h = check(rs(status, Some(2), 1));
        assert_eq!(
            h,
            Health::new(Degraded, "pods \"web-1-\" is forbidden: exceeded quota")
        );
        // A ReplicaFailure condition that is not True does not degrade.
        let status = json!({"observedGeneration": 1, "availableReplicas": 2, "conditions": [
            {"type": "ReplicaFailure", "status": "False"}]});
        assert_eq!(check(rs(status, Some(2), 1)).status, Healthy);
    }

    #[test]
    fn hl9_replicaset_generation_behind_and_unset_replicas() {
        let h = check(rs(json!({"observedGeneration": 1}), Some(1), 2));
        assert_eq!(
            h,
            Health::new(
                Progressing,
                "Waiting for rollout to finish: observed replica set generation less than desired generation"
            )
        );
        // No spec.replicas: availability is not compared (Go: nil pointer).
        assert_eq!(check(rs(json!({}), None, 0)).status, Healthy);
    }

    fn deployment(spec: Value, status: Value, generation: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "generation": generation},
               "spec": spec, "status": status})
    }

    #[test]
    fn hl6_deployment_rules_in_order() {
        let paused = deployment(json!({"paused": true}), json!({"observedGeneration": 0}), 5);
        assert_eq!(
            check(paused),
            Health::new(Suspended, "Deployment is paused")
        );

        let behind = deployment(json!({"replicas": 1}), json!({"observedGeneration": 1}), 2);
        assert_eq!(check(behind).status, Progressing);

        let deadline = deployment(
            json!({"replicas": 2}),
            json!({"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2,
                   "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}),
            2,
        );
        assert_eq!(
            check(deadline),
            Health::new(
                Degraded,
                "Deployment \"web\" exceeded its progress deadline"
            )
        );

        let updating = deployment(
            json!({"replicas": 3}),
            json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 1}),
            1,
        );
        assert_eq!(
            check(updating).message,
            "Waiting for rollout to finish: 1 out of 3 new replicas have been updated..."
        );

        let old = deployment(
            json!({"replicas": 2}),
            json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 2}),
            1,
        );
        assert_eq!(
            check(old).message,
            "Waiting for rollout to finish: 1 old replicas are pending termination..."
        );

        let unavailable = deployment(
            json!({"replicas": 2}),
            json!({"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1}),
            1,
        );
        assert_eq!(
            check(unavailable).message,
            "Waiting for rollout to finish: 1 of 2 updated replicas are available..."
        );
    }

    #[test]
    fn hl7_statefulset_partition_and_revisions() {
        let sts = |strategy: Value, status: Value| {
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                   "metadata": {"name": "db", "generation": 1},
                   "spec": {"replicas": 3, "updateStrategy": strategy}, "status": status})
        };
        let base = json!({"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 1,
                          "currentReplicas": 3, "currentRevision": "a", "updateRevision": "b"});
        let partitioned = sts(
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}),
            base.clone(),
        );
        assert_eq!(
            check(partitioned),
            Health::new(
                Progressing,
                "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."
            )
        );
        // RollingUpdate without a rollingUpdate block: revisions decide.
        let rolling = sts(json!({"type": "RollingUpdate"}), base.clone());
        assert_eq!(check(rolling).status, Progressing);
        let on_delete = sts(json!({"type": "OnDelete"}), base);
        assert_eq!(
            check(on_delete),
            Health::new(Healthy, "statefulset has 3 ready pods")
        );
        // observedGeneration 0 is never healthy.
        let fresh = sts(json!({}), json!({"readyReplicas": 3}));
        assert_eq!(check(fresh).status, Progressing);
    }

    #[test]
    fn hl8_daemonset() {
        let ds = |strategy: &str, status: Value| {
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "agent", "generation": 1},
                   "spec": {"updateStrategy": {"type": strategy}}, "status": status})
        };
        let rolling = ds(
            "RollingUpdate",
            json!({"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 1}),
        );
        assert_eq!(
            check(rolling).message,
            "Waiting for daemon set \"agent\" rollout to finish: 1 of 2 updated pods are available..."
        );
        let on_delete = ds(
            "OnDelete",
            json!({"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 0}),
        );
        assert_eq!(
            check(on_delete),
            Health::new(Healthy, "daemon set 0 out of 2 new pods have been updated")
        );
    }
}
