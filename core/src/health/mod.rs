//! Health of live objects, exactly as Argo CD judges them (spec §11).
//!
//! * [`assess`] / [`evaluate`]: one live object → its health (HL-2: deletion rule, then the
//!   user's [`HealthRules`], then the built-in check of HL-3..HL-16, else "no health").
//! * [`phase`]: what a health means for a hook's phase and a plain resource's task (HL-20,
//!   HL-21) — the only place that mapping lives.
//! * [`synth`]: the inverse, for the simulator: write a realistic `status` so that
//!   [`assess`] reports a requested health.
//!
//! Built-in checks, one private module per kind family: `apps` (Deployment, StatefulSet,
//! DaemonSet, ReplicaSet), `job`, `pod`, `corev1` (Service, PersistentVolumeClaim), `ingress`,
//! `hpa`, `apiservice`, `workflow`; `decode` reproduces Go's typed conversion (zero values for
//! missing fields, an error for mistyped ones).

mod apiservice;
mod apps;
mod corev1;
pub mod custom;
mod decode;
mod hpa;
mod ingress;
mod job;
pub mod phase;
mod pod;
pub mod synth;
mod workflow;

pub use custom::{ConditionRule, FieldRule, HealthRule, HealthRules, KindPattern};
pub use phase::{OperationState, hook_phase, hook_phase_of, resource_phase, resource_phase_of};
pub use synth::{SynthError, write_status, write_status_owned, write_status_with_rules};

use crate::object;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

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

impl HealthStatus {
    /// Best → worst (HL-1).
    pub const ALL: [HealthStatus; 6] = [
        HealthStatus::Healthy,
        HealthStatus::Suspended,
        HealthStatus::Progressing,
        HealthStatus::Missing,
        HealthStatus::Degraded,
        HealthStatus::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Suspended => "Suspended",
            HealthStatus::Progressing => "Progressing",
            HealthStatus::Missing => "Missing",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Unknown => "Unknown",
        }
    }

    pub fn parse(s: &str) -> Option<HealthStatus> {
        HealthStatus::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// Whether `new` is a worse condition than `self` (gitops-engine `IsWorse`, HL-1).
    pub fn is_worse(self, new: HealthStatus) -> bool {
        new > self
    }

    /// The worst of several statuses (HL-1, HL-18); `None` for no statuses.
    pub fn worst(statuses: impl IntoIterator<Item = HealthStatus>) -> Option<HealthStatus> {
        statuses.into_iter().max()
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

impl Health {
    pub fn new(status: HealthStatus, message: impl Into<String>) -> Self {
        Health {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn status(status: HealthStatus) -> Self {
        Health::new(status, "")
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.status)
        } else {
            write!(f, "{}: {}", self.status, self.message)
        }
    }
}

/// A health check that failed (HL-2.3): an unsupported API version of a known kind, or a
/// field the typed conversion rejects. Argo CD reports the object as `Unknown` with this text
/// and *also* returns the error, which turns a hook's phase into `Error` (HL-20) and is ignored
/// for plain resources (S-3).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HealthError {
    pub message: String,
}

impl HealthError {
    /// The health Argo CD records alongside the error: `Unknown` with the error text.
    pub fn health(&self) -> Health {
        Health::new(HealthStatus::Unknown, self.message.clone())
    }
}

/// Health of one live object (spec HL-2), errors folded into `Unknown` (HL-2.3).
/// `None` = the kind has no health check (HL-2.4).
pub fn assess(obj: &Value, rules: &HealthRules) -> Option<Health> {
    match evaluate(obj, rules) {
        Ok(h) => h,
        Err(e) => Some(e.health()),
    }
}

/// Health of one live object (spec HL-2), keeping a check error apart (gitops-engine
/// `GetResourceHealth` returns both the `Unknown` health and the error).
pub fn evaluate(obj: &Value, rules: &HealthRules) -> Result<Option<Health>, HealthError> {
    // HL-2.1: deletion wins over everything, unless the hook finalizer holds the object.
    if object::deletion_timestamp(obj).is_some()
        && !object::has_finalizer(obj, object::keys::HOOK_FINALIZER)
    {
        return Ok(Some(Health::new(
            HealthStatus::Progressing,
            "Pending deletion",
        )));
    }
    // HL-2.2: user rules; the first matching one is final.
    if let Some(h) = rules.assess(obj) {
        return Ok(Some(h));
    }
    // HL-2.3 / HL-2.4.
    match builtin_check(obj) {
        None => Ok(None),
        Some(check) => check(obj)
            .map(Some)
            .map_err(|message| HealthError { message }),
    }
}

/// A built-in check: `Err` carries the error text (HL-2.3).
type Check = fn(&Value) -> Result<Health, String>;

/// The built-in check for the object's group and kind, any version (HL-3,
/// gitops-engine `GetHealthCheckFunc`); the version is checked inside (unsupported → error).
fn builtin_check(obj: &Value) -> Option<Check> {
    let group = object::group(obj);
    let kind = object::kind(obj);
    let check: Check = match (group, kind) {
        ("apps", "Deployment") => apps::deployment,
        ("apps", "StatefulSet") => apps::statefulset,
        ("apps", "ReplicaSet") => apps::replicaset,
        ("apps", "DaemonSet") => apps::daemonset,
        ("extensions" | "networking.k8s.io", "Ingress") => ingress::ingress,
        ("argoproj.io", "Workflow") => workflow::workflow,
        ("apiregistration.k8s.io", "APIService") => apiservice::apiservice,
        ("", "Service") => corev1::service,
        ("", "PersistentVolumeClaim") => corev1::pvc,
        ("", "Pod") => pod::pod,
        ("batch", "Job") => job::job,
        ("autoscaling", "HorizontalPodAutoscaler") => hpa::hpa,
        // HL-16: argoproj.io/Application has no built-in check; neither has anything else.
        _ => return None,
    };
    Some(check)
}

/// Whether the object's group/kind has a built-in check (HL-3), whatever its version.
pub fn has_builtin_check(obj: &Value) -> bool {
    builtin_check(obj).is_some()
}

/// `group/version, Kind=kind` as Go prints a GroupVersionKind (`/v1, Kind=Pod` for core).
pub(crate) fn gvk_string(obj: &Value) -> String {
    let (group, version) = object::group_version(obj);
    format!("{group}/{version}, Kind={}", object::kind(obj))
}

/// Checks the object's version against the one(s) a check converts to (HL-3).
/// `label` is the kind as the Go error names it (`HPA` for HorizontalPodAutoscaler).
pub(crate) fn require_version(obj: &Value, versions: &[&str], label: &str) -> Result<(), String> {
    if versions.contains(&object::group_version(obj).1) {
        Ok(())
    } else {
        Err(format!("unsupported {label} GVK: {}", gvk_string(obj)))
    }
}

/// Wraps a typed-conversion failure as gitops-engine words it.
pub(crate) fn conversion_error(label: &str) -> impl Fn(String) -> String + '_ {
    move |detail| format!("failed to convert unstructured {label} to typed: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn none() -> HealthRules {
        HealthRules::default()
    }

    #[test]
    fn hl1_severity_order_and_helpers() {
        use HealthStatus::*;
        let mut sorted = vec![Unknown, Degraded, Missing, Progressing, Suspended, Healthy];
        sorted.sort();
        assert_eq!(sorted, HealthStatus::ALL.to_vec());
        assert!(Healthy.is_worse(Progressing));
        assert!(!Degraded.is_worse(Missing));
        assert!(!Degraded.is_worse(Degraded));
        assert_eq!(
            HealthStatus::worst([Healthy, Missing, Suspended]),
            Some(Missing)
        );
        assert_eq!(HealthStatus::worst([]), None);
        for s in HealthStatus::ALL {
            assert_eq!(HealthStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(Value::String(s.as_str().into()))
            );
        }
    }

    #[test]
    fn hl2_1_deletion_without_hook_finalizer_is_pending_deletion() {
        // Even a kind without a check, and even a healthy Job, is Pending deletion.
        for obj in [
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "c", "deletionTimestamp": "2024-01-01T00:00:00Z"}}),
            json!({"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": {"name": "j", "deletionTimestamp": "2024-01-01T00:00:00Z",
                                "finalizers": ["kubernetes.io/other"]},
                   "status": {"conditions": [{"type": "Complete", "status": "True"}]}}),
        ] {
            assert_eq!(
                assess(&obj, &none()),
                Some(Health::new(HealthStatus::Progressing, "Pending deletion"))
            );
        }
    }

    #[test]
    fn hl2_1_deletion_with_hook_finalizer_runs_the_normal_check() {
        let job = json!({"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": "j", "deletionTimestamp": "2024-01-01T00:00:00Z",
                            "finalizers": ["argocd.argoproj.io/hook-finalizer"]},
               "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(
            assess(&job, &none()).map(|h| h.status),
            Some(HealthStatus::Healthy)
        );
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "c", "deletionTimestamp": "2024-01-01T00:00:00Z",
                            "finalizers": ["argocd.argoproj.io/hook-finalizer"]}});
        assert_eq!(assess(&cm, &none()), None);
    }

    #[test]
    fn hl3_no_check_is_none_including_argo_application() {
        for obj in [
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                   "metadata": {"name": "a"}, "status": {"health": {"status": "Degraded"}}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Deployment", "metadata": {"name": "d"}}),
            json!(null),
            json!("x"),
            json!([1, 2]),
        ] {
            assert_eq!(assess(&obj, &none()), None, "{obj}");
        }
    }

    #[test]
    fn hl3_unsupported_versions_are_unknown_naming_the_gvk() {
        let cases = [
            (
                "apps/v1beta2",
                "Deployment",
                "unsupported Deployment GVK: apps/v1beta2, Kind=Deployment",
            ),
            (
                "apps/v1beta1",
                "StatefulSet",
                "unsupported StatefulSet GVK: apps/v1beta1, Kind=StatefulSet",
            ),
            (
                "apps/v1beta2",
                "DaemonSet",
                "unsupported DaemonSet GVK: apps/v1beta2, Kind=DaemonSet",
            ),
            (
                "apps/v1beta2",
                "ReplicaSet",
                "unsupported ReplicaSet GVK: apps/v1beta2, Kind=ReplicaSet",
            ),
            ("batch/v2", "Job", "unsupported Job GVK: batch/v2, Kind=Job"),
            ("v2", "Pod", "unsupported Pod GVK: /v2, Kind=Pod"),
            (
                "v1beta1",
                "Service",
                "unsupported Service GVK: /v1beta1, Kind=Service",
            ),
            (
                "v2",
                "PersistentVolumeClaim",
                "unsupported PersistentVolumeClaim GVK: /v2, Kind=PersistentVolumeClaim",
            ),
            (
                "autoscaling/v3",
                "HorizontalPodAutoscaler",
                "unsupported HPA GVK: autoscaling/v3, Kind=HorizontalPodAutoscaler",
            ),
            (
                "apiregistration.k8s.io/v2",
                "APIService",
                "unsupported APIService GVK: apiregistration.k8s.io/v2, Kind=APIService",
            ),
        ];
        for (api, kind, msg) in cases {
            let obj = json!({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}});
            assert_eq!(
                evaluate(&obj, &none()),
                Err(HealthError {
                    message: msg.into()
                }),
                "{api} {kind}"
            );
            assert_eq!(
                assess(&obj, &none()),
                Some(Health::new(HealthStatus::Unknown, msg))
            );
        }
    }

    #[test]
    fn malformed_objects_never_panic() {
        let kinds = [
            ("apps/v1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "DaemonSet"),
            ("apps/v1", "ReplicaSet"),
            ("batch/v1", "Job"),
            ("v1", "Pod"),
            ("v1", "Service"),
            ("v1", "PersistentVolumeClaim"),
            ("networking.k8s.io/v1", "Ingress"),
            ("extensions/v1beta1", "Ingress"),
            ("autoscaling/v1", "HorizontalPodAutoscaler"),
            ("autoscaling/v2", "HorizontalPodAutoscaler"),
            ("apiregistration.k8s.io/v1", "APIService"),
            ("argoproj.io/v1alpha1", "Workflow"),
        ];
        let bodies = [
            json!({}),
            json!({"status": "x"}),
            json!({"status": 5, "spec": [1]}),
            json!({"status": {"conditions": 5}}),
            json!({"status": {"conditions": [5, "x", null, {"type": 1}]}}),
            json!({"status": {"replicas": "3", "phase": 7, "loadBalancer": "x", "message": 1}}),
            json!({"status": {"containerStatuses": [{"state": 5}], "loadBalancer": {"ingress": 3}}}),
            json!({"metadata": 5}),
            json!({"metadata": {"generation": "2", "annotations": {
                "autoscaling.alpha.kubernetes.io/conditions": 5}}}),
            json!({"spec": {"replicas": 1e300, "paused": "yes", "updateStrategy": 3}}),
        ];
        for (api, kind) in kinds {
            for body in &bodies {
                let mut obj = body.clone();
                if let Some(m) = obj.as_object_mut() {
                    m.insert("apiVersion".into(), api.into());
                    m.insert("kind".into(), kind.into());
                }
                let h = assess(&obj, &none());
                assert!(h.is_some(), "{api} {kind} {obj}");
            }
        }
    }

    #[test]
    fn typed_conversion_errors_are_unknown_but_tolerant_kinds_use_zero_values() {
        // Typed check (Deployment): a string where an integer belongs fails the conversion.
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                       "status": {"replicas": "3"}});
        let e = evaluate(&d, &none()).err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some(
                "failed to convert unstructured Deployment to typed: .status.replicas: expected integer, got string"
            )
        );
        // `status: "x"` as well.
        let p =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": "x"});
        assert_eq!(
            assess(&p, &none()).map(|h| h.status),
            Some(HealthStatus::Unknown)
        );
        // Ingress reads with NestedSlice (HL-11): wrong type = absent → Progressing.
        let i = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                       "status": {"loadBalancer": {"ingress": 3}}});
        assert_eq!(
            assess(&i, &none()).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
        // Workflow reads with NestedString (HL-15): wrong type = empty → Progressing.
        let w = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                       "status": {"phase": 3, "message": ["x"]}});
        assert_eq!(
            assess(&w, &none()),
            Some(Health::new(HealthStatus::Progressing, ""))
        );
        // Missing status entirely: zero values, no error.
        let j = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}});
        assert_eq!(
            evaluate(&j, &none()),
            Ok(Some(Health::new(HealthStatus::Progressing, "")))
        );
    }
}
