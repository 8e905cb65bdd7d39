//! Status synthesis for the simulator: the inverse of [`assess`](super::assess).
//!
//! [`write_status`] writes the `status` block a real controller would write for an object
//! whose health is the requested one — Job conditions, Pod phase and container states,
//! Deployment replica counts, HPA conditions … — so that the health module, not a shortcut,
//! judges simulated objects (scenario-format.md, "Defaults of the simulated cluster").
//! Beyond `status` it touches only what Kubernetes itself would have set or what the state
//! requires: `metadata.generation` (≥ 1), `spec.paused` of a suspended Deployment,
//! `spec.suspend` of a suspended Job, the API server's default `spec.restartPolicy: Always`
//! of a Pod, and the conditions annotation of an `autoscaling/v1` HPA.
//!
//! The message is surfaced wherever the kind's check reports one (Job Complete/Failed
//! condition, Pod `status.message` or waiting message, ReplicaSet failure, HPA condition,
//! Workflow `status.message`, APIService as `"<reason>: <message>"`, custom rules); an empty
//! message means "what the controller would say".
//!
//! Every write is checked: the result is assessed and must have the requested status, else
//! an error is returned and the object is left untouched (the caller falls back).

use super::custom::{ConditionRule, FieldRule, HealthRule, split_path};
use super::{Health, HealthRules, HealthStatus, evaluate, gvk_string};
use crate::object;
use serde_json::{Map, Value, json};

use HealthStatus::{Degraded, Healthy, Missing, Progressing, Suspended, Unknown};

/// Why a status cannot be written; the object is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("not a Kubernetes object (expected a map)")]
    NotAnObject,
    #[error("Missing is the health of an object that does not exist; no status expresses it")]
    Missing,
    #[error("the object is being deleted, so its health is Progressing (\"Pending deletion\")")]
    PendingDeletion,
    #[error("{kind} has no health check, so no status gives it a health")]
    NoHealthCheck { kind: String },
    #[error("{gvk} is not a version Argo CD's health check supports (its health is Unknown)")]
    UnsupportedVersion { gvk: String },
    #[error("a {kind} cannot be {status}")]
    Inexpressible { kind: String, status: HealthStatus },
    #[error("the written status is assessed as {got:?}, not {expected}")]
    NotReached {
        expected: HealthStatus,
        got: Option<Health>,
    },
}

/// Writes a realistic status so that `assess(obj, &HealthRules::default())` is `status`.
pub fn write_status(
    obj: &mut Value,
    status: HealthStatus,
    message: &str,
) -> Result<(), SynthError> {
    write_status_with_rules(obj, status, message, &HealthRules::default())
}

/// Like [`write_status`], honouring user rules: a kind a rule matches gets what the rule reads
/// (its condition, or its field and message field).
pub fn write_status_with_rules(
    obj: &mut Value,
    status: HealthStatus,
    message: &str,
    rules: &HealthRules,
) -> Result<(), SynthError> {
    let (written, _) = write_status_owned(obj.clone(), status, message, rules)?;
    *obj = written;
    Ok(())
}

/// [`write_status_with_rules`] on an object the caller gives up (no copy kept to roll back
/// to: on error the caller still has its own), returning the written object and the health
/// it was verified to have (`None` when no check ran: HL-2.1, a deleting object shows
/// Progressing whatever its status). The simulated cluster writes a status on every health
/// step of every object: this saves it a copy of the object and a second assessment.
pub fn write_status_owned(
    mut draft: Value,
    status: HealthStatus,
    message: &str,
    rules: &HealthRules,
) -> Result<(Value, Option<Health>), SynthError> {
    if !draft.is_object() {
        return Err(SynthError::NotAnObject);
    }
    if status == Missing {
        return Err(SynthError::Missing);
    }
    if object::deletion_timestamp(&draft).is_some()
        && !object::has_finalizer(&draft, object::keys::HOOK_FINALIZER)
    {
        // HL-2.1: nothing but Progressing is possible; the status block is irrelevant.
        return if status == Progressing {
            Ok((draft, None))
        } else {
            Err(SynthError::PendingDeletion)
        };
    }
    match rules.matching(&draft) {
        Some(rule) => write_rule(&mut draft, rule, status, message)?,
        None => write_builtin(&mut draft, status, message)?,
    }
    match evaluate(&draft, rules) {
        Ok(Some(h)) if h.status == status => Ok((draft, Some(h))),
        Ok(got) => Err(SynthError::NotReached {
            expected: status,
            got,
        }),
        Err(e) => Err(SynthError::NotReached {
            expected: status,
            got: Some(e.health()),
        }),
    }
}

/// [`write_status_owned`] on a copy of `obj`. When the writer replaces the whole status
/// block, the copy leaves the old block out (a `null` keeps its place among the fields):
/// it would be dropped unread, and on a running object it is most of what a copy costs.
pub fn write_status_copy(
    obj: &Value,
    status: HealthStatus,
    message: &str,
    rules: &HealthRules,
) -> Result<(Value, Option<Health>), SynthError> {
    // The playground simulates tens of objects: a plain copy (see `crate::SMALL_MODULE`).
    let draft = if !crate::SMALL_MODULE && replaces_whole_status(obj, rules) {
        without_status(obj)
    } else {
        obj.clone()
    };
    write_status_owned(draft, status, message, rules)
}

/// Whether `write_status_owned` would replace `obj`'s status without reading it: a
/// built-in writer that sets the whole block on every success (Deployment, Job, Pod,
/// Service), no user rule (those keep the rest of the status) and no deletion (then the
/// object is returned as it was).
fn replaces_whole_status(obj: &Value, rules: &HealthRules) -> bool {
    let (group, version) = object::group_version(obj);
    version == "v1"
        && matches!(
            (group, object::kind(obj)),
            ("apps", "Deployment") | ("batch", "Job") | ("", "Pod") | ("", "Service")
        )
        && object::deletion_timestamp(obj).is_none()
        && rules.matching(obj).is_none()
}

fn without_status(obj: &Value) -> Value {
    match obj {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "status" {
                        Value::Null
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON writing helpers

fn ensure_map(v: &mut Value) -> &mut Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => {
            *other = Value::Object(Map::new());
            ensure_map(other)
        }
    }
}

/// Sets `path` to `value`, creating (or replacing non-map) parents.
fn set(obj: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        *obj = value;
        return;
    };
    let mut cur = ensure_map(obj);
    for p in parents {
        cur = ensure_map(cur.entry(*p).or_insert(Value::Null));
    }
    cur.insert((*last).to_string(), value);
}

fn remove(obj: &mut Value, path: &[&str]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for p in parents {
        match cur.get_mut(*p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(m) = cur.as_object_mut() {
        m.remove(*last);
    }
}

fn int_at(obj: &Value, path: &[&str]) -> Option<i64> {
    object::value_at(obj, path).and_then(Value::as_i64)
}

/// `metadata.generation`, set to 1 if absent or invalid (the API server sets it on create).
fn ensure_generation(obj: &mut Value) -> i64 {
    match int_at(obj, &["metadata", "generation"]) {
        Some(g) if g >= 1 => g,
        _ => {
            set(obj, &["metadata", "generation"], json!(1));
            1
        }
    }
}

/// A status block: the given fields, integer zeros left out (Kubernetes omits them).
fn status_block(fields: Vec<(&str, Value)>) -> Value {
    let map: Map<String, Value> = fields
        .into_iter()
        .filter(|(_, v)| v.as_i64() != Some(0))
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Value::Object(map)
}

fn condition(type_: &str, status: &str, reason: &str, message: &str) -> Value {
    let mut c = Map::with_capacity(4);
    c.insert("type".into(), type_.into());
    c.insert("status".into(), status.into());
    if !reason.is_empty() {
        c.insert("reason".into(), reason.into());
    }
    if !message.is_empty() {
        c.insert("message".into(), message.into());
    }
    Value::Object(c)
}

fn or<'a>(message: &'a str, default: &'a str) -> &'a str {
    if message.is_empty() { default } else { message }
}

/// `ReplicaSet "<rs>"` and `tail`, as the Deployment controller writes it.
fn replica_set_message(rs: &str, tail: &str) -> String {
    let mut out = String::with_capacity(rs.len() + tail.len() + 13);
    out.push_str("ReplicaSet ");
    crate::text::push_debug_quoted(&mut out, rs);
    out.push_str(tail);
    out
}

/// A stable pod-template-hash-like suffix (Kubernetes' safe alphabet), from the name.
fn hash_suffix(name: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..10)
        .map(|_| {
            let i = (h % ALPHABET.len() as u64) as usize;
            h /= ALPHABET.len() as u64;
            ALPHABET.get(i).copied().map(char::from).unwrap_or('x')
        })
        .collect()
}

fn inexpressible(obj: &Value, status: HealthStatus) -> SynthError {
    SynthError::Inexpressible {
        kind: object::kind(obj).to_string(),
        status,
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds

fn write_builtin(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    let (group, version) = object::group_version(obj);
    let (group, version, kind) = (
        group.to_string(),
        version.to_string(),
        object::kind(obj).to_string(),
    );
    let supported = |versions: &[&str]| {
        if versions.contains(&version.as_str()) {
            Ok(())
        } else {
            Err(SynthError::UnsupportedVersion {
                gvk: gvk_string(obj),
            })
        }
    };
    match (group.as_str(), kind.as_str()) {
        ("apps", "Deployment") => supported(&["v1"]).and_then(|_| deployment(obj, status, message)),
        ("apps", "StatefulSet") => supported(&["v1"]).and_then(|_| statefulset(obj, status)),
        ("apps", "DaemonSet") => supported(&["v1"]).and_then(|_| daemonset(obj, status)),
        ("apps", "ReplicaSet") => supported(&["v1"]).and_then(|_| replicaset(obj, status, message)),
        ("batch", "Job") => supported(&["v1"]).and_then(|_| job(obj, status, message)),
        ("", "Pod") => supported(&["v1"]).and_then(|_| pod(obj, status, message)),
        ("", "Service") => supported(&["v1"]).and_then(|_| service(obj, status)),
        ("", "PersistentVolumeClaim") => supported(&["v1"]).and_then(|_| pvc(obj, status)),
        ("extensions" | "networking.k8s.io", "Ingress") => ingress(obj, status),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            supported(&["v1", "v2", "v2beta1", "v2beta2"])
                .and_then(|_| hpa(obj, &version, status, message))
        }
        ("apiregistration.k8s.io", "APIService") => {
            supported(&["v1", "v1beta1"]).and_then(|_| apiservice(obj, status, message))
        }
        ("argoproj.io", "Workflow") => workflow(obj, status, message),
        _ => Err(SynthError::NoHealthCheck { kind }),
    }
}

/// HL-6. Progressing = a rollout whose new pods are not available yet (or, with zero
/// replicas, a generation not yet observed); Degraded = progress deadline exceeded.
fn deployment(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    if status == Unknown {
        return Err(inexpressible(obj, status));
    }
    let generation = ensure_generation(obj);
    let n = int_at(obj, &["spec", "replicas"]).unwrap_or(1).max(0);
    let name = object::name(obj);
    let rs = crate::text::concat(&[name, "-", &hash_suffix(name)]);
    if status == Suspended {
        set(obj, &["spec", "paused"], json!(true));
    } else {
        remove(obj, &["spec", "paused"]);
    }
    // Built only when used: a status write is on every health step of every Deployment.
    let available = || {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    };
    let unavailable = || {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    let block = match status {
        Healthy | Suspended => {
            let progressing = if status == Healthy {
                condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    &replica_set_message(&rs, " has successfully progressed."),
                )
            } else {
                condition(
                    "Progressing",
                    "Unknown",
                    "DeploymentPaused",
                    "Deployment is paused",
                )
            };
            status_block(vec![
                ("observedGeneration", json!(generation)),
                ("replicas", json!(n)),
                ("updatedReplicas", json!(n)),
                ("readyReplicas", json!(n)),
                ("availableReplicas", json!(n)),
                ("conditions", Value::Array(vec![available(), progressing])),
            ])
        }
        Progressing if n == 0 => status_block(vec![("observedGeneration", json!(generation - 1))]),
        Progressing => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("updatedReplicas", json!(n)),
            ("unavailableReplicas", json!(n)),
            (
                "conditions",
                Value::Array(vec![
                    unavailable(),
                    condition(
                        "Progressing",
                        "True",
                        "ReplicaSetUpdated",
                        &replica_set_message(&rs, " is progressing."),
                    ),
                ]),
            ),
        ]),
        _ => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("updatedReplicas", json!(n)),
            ("unavailableReplicas", json!(n)),
            (
                "conditions",
                Value::Array(vec![
                    unavailable(),
                    condition(
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        or(
                            message,
                            &replica_set_message(&rs, " has timed out progressing."),
                        ),
                    ),
                ]),
            ),
        ]),
    };
    set(obj, &["status"], block);
    Ok(())
}

/// HL-7: Healthy or Progressing (pods not ready, or the spec not yet observed).
fn statefulset(obj: &mut Value, status: HealthStatus) -> Result<(), SynthError> {
    if !matches!(status, Healthy | Progressing) {
        return Err(inexpressible(obj, status));
    }
    let generation = ensure_generation(obj);
    let spec_replicas = int_at(obj, &["spec", "replicas"]);
    let n = spec_replicas.unwrap_or(1).max(0);
    let name = object::name(obj).to_string();
    let revision = format!("{name}-{}", hash_suffix(&name));
    let block = match (status, spec_replicas) {
        (Healthy, _) => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("readyReplicas", json!(n)),
            ("currentReplicas", json!(n)),
            ("updatedReplicas", json!(n)),
            ("availableReplicas", json!(n)),
            ("currentRevision", json!(revision)),
            ("updateRevision", json!(revision)),
            ("collisionCount", json!(0)),
        ]),
        (_, Some(n)) if n > 0 => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("currentReplicas", json!(n)),
            ("updatedReplicas", json!(n)),
            ("currentRevision", json!(revision)),
            ("updateRevision", json!(revision)),
        ]),
        _ => status_block(vec![("observedGeneration", json!(generation - 1))]),
    };
    set(obj, &["status"], block);
    Ok(())
}

/// HL-8: Healthy or Progressing (pods not available; with OnDelete, spec not yet observed).
fn daemonset(obj: &mut Value, status: HealthStatus) -> Result<(), SynthError> {
    if !matches!(status, Healthy | Progressing) {
        return Err(inexpressible(obj, status));
    }
    let generation = ensure_generation(obj);
    let desired = int_at(obj, &["status", "desiredNumberScheduled"])
        .filter(|d| *d > 0)
        .unwrap_or(1);
    let on_delete = object::str_at(obj, &["spec", "updateStrategy", "type"]) == Some("OnDelete");
    let block = match status {
        Healthy => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("desiredNumberScheduled", json!(desired)),
            ("currentNumberScheduled", json!(desired)),
            ("updatedNumberScheduled", json!(desired)),
            ("numberReady", json!(desired)),
            ("numberAvailable", json!(desired)),
            ("numberMisscheduled", json!(0)),
        ]),
        _ if on_delete => status_block(vec![("observedGeneration", json!(generation - 1))]),
        _ => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("desiredNumberScheduled", json!(desired)),
            ("currentNumberScheduled", json!(desired)),
            ("updatedNumberScheduled", json!(desired)),
            ("numberUnavailable", json!(desired)),
        ]),
    };
    set(obj, &["status"], block);
    Ok(())
}

/// HL-9: Healthy, Progressing, or Degraded by a `ReplicaFailure` condition.
fn replicaset(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    if !matches!(status, Healthy | Progressing | Degraded) {
        return Err(inexpressible(obj, status));
    }
    let generation = ensure_generation(obj);
    let spec_replicas = int_at(obj, &["spec", "replicas"]);
    let n = spec_replicas.unwrap_or(1).max(0);
    let name = object::name(obj).to_string();
    let block = match (status, spec_replicas) {
        (Healthy, _) => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("fullyLabeledReplicas", json!(n)),
            ("readyReplicas", json!(n)),
            ("availableReplicas", json!(n)),
        ]),
        (Degraded, _) => status_block(vec![
            ("observedGeneration", json!(generation)),
            (
                "conditions",
                Value::Array(vec![condition(
                    "ReplicaFailure",
                    "True",
                    "FailedCreate",
                    or(
                        message,
                        &format!("pods {:?} is forbidden", format!("{name}-")),
                    ),
                )]),
            ),
        ]),
        (_, Some(n)) if n > 0 => status_block(vec![
            ("observedGeneration", json!(generation)),
            ("replicas", json!(n)),
            ("fullyLabeledReplicas", json!(n)),
        ]),
        _ => status_block(vec![("observedGeneration", json!(generation - 1))]),
    };
    set(obj, &["status"], block);
    Ok(())
}

/// HL-4: Complete (Healthy), running (Progressing), BackoffLimitExceeded (Degraded),
/// suspended via `spec.suspend` (Suspended). A Job cannot be Unknown.
fn job(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    let completions = int_at(obj, &["spec", "completions"]).unwrap_or(1).max(1);
    let parallelism = int_at(obj, &["spec", "parallelism"]).unwrap_or(1).max(1);
    let backoff_limit = int_at(obj, &["spec", "backoffLimit"]).unwrap_or(6).max(0);
    // What the Job controller writes (it keeps `ready`/`terminating` even at zero).
    let counts = |field: &str, n: i64| json!({field: n, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}});
    let block = match status {
        Healthy => {
            let mut b = counts("succeeded", completions);
            b["conditions"] = Value::Array(vec![condition(
                "Complete",
                "True",
                "CompletionsReached",
                or(message, "Reached expected number of succeeded pods"),
            )]);
            b
        }
        Progressing => counts("active", parallelism),
        Degraded => {
            let mut b = counts("failed", backoff_limit + 1);
            b["conditions"] = Value::Array(vec![condition(
                "Failed",
                "True",
                "BackoffLimitExceeded",
                or(message, "Job has reached the specified backoff limit"),
            )]);
            b
        }
        Suspended => json!({"conditions": [condition(
            "Suspended",
            "True",
            "JobSuspended",
            or(message, "Job suspended"),
        )]}),
        _ => return Err(inexpressible(obj, status)),
    };
    // Suspension is requested in the spec; any other state needs it off.
    if status == Suspended {
        set(obj, &["spec", "suspend"], json!(true));
    } else if object::value_at(obj, &["spec", "suspend"]) == Some(&Value::Bool(true)) {
        set(obj, &["spec", "suspend"], json!(false));
    }
    set(obj, &["status"], block);
    Ok(())
}

/// HL-5. `restartPolicy` decides what healthy means: `Always` → Running and Ready; `Never` /
/// `OnFailure` → Succeeded. Degraded: CrashLoopBackOff (`Always`) or phase Failed.
/// Unknown: phase `Unknown` (node lost). A Pod cannot be Suspended.
fn pod(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    if status == Suspended {
        return Err(inexpressible(obj, status));
    }
    // The API server defaults the restart policy; the check compares it literally.
    let policy = match object::str_at(obj, &["spec", "restartPolicy"]) {
        Some(p) if !p.is_empty() => p.to_string(),
        _ => {
            set(obj, &["spec", "restartPolicy"], json!("Always"));
            "Always".to_string()
        }
    };
    let always = policy == "Always";
    let name = object::name(obj).to_string();
    let mut containers: Vec<(String, String)> = object::value_at(obj, &["spec", "containers"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            (
                object::str_at(c, &["name"]).unwrap_or("main").to_string(),
                object::str_at(c, &["image"]).unwrap_or("").to_string(),
            )
        })
        .collect();
    if containers.is_empty() {
        containers.push(("main".into(), String::new()));
    }
    let names = containers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let cstatus = |(cname, image): &(String, String), ready: bool, state: Value| {
        json!({"name": cname, "image": image, "imageID": "", "ready": ready,
               "started": ready, "restartCount": 0, "state": state})
    };
    let cond = |type_: &str, ok: bool, reason: &str, msg: &str| {
        condition(type_, if ok { "True" } else { "False" }, reason, msg)
    };
    let not_ready = format!("containers with unready status: [{names}]");
    let (phase, conditions, statuses) = match status {
        Healthy if always => (
            "Running",
            vec![
                cond("Initialized", true, "", ""),
                cond("Ready", true, "", ""),
                cond("ContainersReady", true, "", ""),
                cond("PodScheduled", true, "", ""),
            ],
            containers
                .iter()
                .map(|c| cstatus(c, true, json!({"running": {}})))
                .collect::<Vec<_>>(),
        ),
        Healthy => (
            "Succeeded",
            vec![
                cond("Initialized", true, "PodCompleted", ""),
                cond("Ready", false, "PodCompleted", ""),
                cond("ContainersReady", false, "PodCompleted", ""),
                cond("PodScheduled", true, "", ""),
            ],
            containers
                .iter()
                .map(|c| {
                    cstatus(
                        c,
                        false,
                        json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
                    )
                })
                .collect(),
        ),
        Progressing => (
            "Pending",
            vec![
                cond("Initialized", true, "", ""),
                cond("Ready", false, "ContainersNotReady", &not_ready),
                cond("ContainersReady", false, "ContainersNotReady", &not_ready),
                cond("PodScheduled", true, "", ""),
            ],
            containers
                .iter()
                .map(|c| {
                    cstatus(
                        c,
                        false,
                        json!({"waiting": {"reason": "ContainerCreating"}}),
                    )
                })
                .collect(),
        ),
        Degraded if always => {
            // The first container crash-loops; its waiting message is the health message.
            let crash = containers
                .first()
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            let default = format!("back-off 5m0s restarting failed container={crash} pod={name}");
            let waiting = json!({"waiting": {"reason": "CrashLoopBackOff", "message": or(message, &default)}});
            (
                "Running",
                vec![
                    cond("Initialized", true, "", ""),
                    cond("Ready", false, "ContainersNotReady", &not_ready),
                    cond("ContainersReady", false, "ContainersNotReady", &not_ready),
                    cond("PodScheduled", true, "", ""),
                ],
                containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i == 0 {
                            let mut s = cstatus(c, false, waiting.clone());
                            s["restartCount"] = json!(5);
                            s["lastState"] =
                                json!({"terminated": {"exitCode": 1, "reason": "Error"}});
                            s
                        } else {
                            cstatus(c, true, json!({"running": {}}))
                        }
                    })
                    .collect(),
            )
        }
        Degraded => (
            "Failed",
            vec![
                cond("Initialized", true, "", ""),
                cond("Ready", false, "PodFailed", ""),
                cond("ContainersReady", false, "PodFailed", ""),
                cond("PodScheduled", true, "", ""),
            ],
            containers
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let code = if i == 0 { 1 } else { 0 };
                    let reason = if i == 0 { "Error" } else { "Completed" };
                    cstatus(
                        c,
                        false,
                        json!({"terminated": {"exitCode": code, "reason": reason}}),
                    )
                })
                .collect(),
        ),
        _ => ("Unknown", Vec::new(), Vec::new()),
    };
    let mut block = Map::new();
    block.insert("phase".into(), json!(phase));
    // status.message: Failed pods without one report the failing container instead (HL-5.2).
    let crash_looping = status == Degraded && always;
    if !message.is_empty() && !crash_looping {
        block.insert("message".into(), json!(message));
    }
    if status == Unknown {
        block.insert("reason".into(), json!("NodeLost"));
    }
    if !conditions.is_empty() {
        block.insert("conditions".into(), Value::Array(conditions));
    }
    if !statuses.is_empty() {
        block.insert("containerStatuses".into(), Value::Array(statuses));
    }
    set(obj, &["status"], Value::Object(block));
    Ok(())
}

fn load_balancer(assigned: bool) -> Value {
    if assigned {
        json!({"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}})
    } else {
        json!({"loadBalancer": {}})
    }
}

/// HL-10: only a LoadBalancer Service can be Progressing (no address yet).
fn service(obj: &mut Value, status: HealthStatus) -> Result<(), SynthError> {
    let lb = object::str_at(obj, &["spec", "type"]) == Some("LoadBalancer");
    match status {
        Healthy => set(obj, &["status"], load_balancer(lb)),
        Progressing if lb => set(obj, &["status"], load_balancer(false)),
        _ => return Err(inexpressible(obj, status)),
    }
    Ok(())
}

/// HL-11.
fn ingress(obj: &mut Value, status: HealthStatus) -> Result<(), SynthError> {
    match status {
        Healthy | Progressing => set(obj, &["status"], load_balancer(status == Healthy)),
        _ => return Err(inexpressible(obj, status)),
    }
    Ok(())
}

/// HL-12: Bound, Pending, Lost.
fn pvc(obj: &mut Value, status: HealthStatus) -> Result<(), SynthError> {
    let block = match status {
        Healthy => {
            let mut b = json!({"phase": "Bound"});
            if let Some(modes) = object::value_at(obj, &["spec", "accessModes"]) {
                b["accessModes"] = modes.clone();
            }
            if let Some(size) = object::value_at(obj, &["spec", "resources", "requests", "storage"])
            {
                b["capacity"] = json!({"storage": size});
            }
            b
        }
        Progressing => json!({"phase": "Pending"}),
        Degraded => json!({"phase": "Lost"}),
        _ => return Err(inexpressible(obj, status)),
    };
    set(obj, &["status"], block);
    Ok(())
}

/// HL-13: conditions in `status.conditions` (v2*) or in the annotation (v1). Degraded uses
/// `AbleToScale/FailedGetScale` first, so the first-decisive-condition rule sees it.
fn hpa(
    obj: &mut Value,
    version: &str,
    status: HealthStatus,
    message: &str,
) -> Result<(), SynthError> {
    let min = int_at(obj, &["spec", "minReplicas"]).unwrap_or(1).max(1);
    let conditions = match status {
        Healthy => Value::Array(vec![
            condition(
                "AbleToScale",
                "True",
                "ReadyForNewScale",
                or(message, "recommended size matches current size"),
            ),
            condition(
                "ScalingActive",
                "True",
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
            ),
            condition(
                "ScalingLimited",
                "False",
                "DesiredWithinRange",
                "the desired count is within the acceptable range",
            ),
        ]),
        Degraded => Value::Array(vec![condition(
            "AbleToScale",
            "False",
            "FailedGetScale",
            or(
                message,
                "the HPA controller was unable to get the target's current scale",
            ),
        )]),
        // A new HPA: no conditions yet ("Waiting to Autoscale").
        Progressing => json!([]),
        _ => return Err(inexpressible(obj, status)),
    };
    let replicas = if status == Progressing { 0 } else { min };
    let mut block = status_block(vec![
        ("currentReplicas", json!(replicas)),
        ("desiredReplicas", json!(replicas)),
    ]);
    if let Some(m) = block.as_object_mut() {
        m.insert("desiredReplicas".into(), json!(replicas));
    }
    let has_conditions = conditions.as_array().is_some_and(|c| !c.is_empty());
    let annotation = [
        "metadata",
        "annotations",
        "autoscaling.alpha.kubernetes.io/conditions",
    ];
    if version == "v1" {
        if has_conditions {
            set(obj, &annotation, json!(conditions.to_string()));
        } else {
            remove(obj, &annotation);
        }
    } else if has_conditions && let Some(m) = block.as_object_mut() {
        m.insert("conditions".into(), conditions);
    }
    set(obj, &["status"], block);
    Ok(())
}

/// HL-14: Available True (Healthy) or False (Progressing); the health message is
/// `"<reason>: <message>"`.
fn apiservice(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    let c = match status {
        Healthy => condition(
            "Available",
            "True",
            "Passed",
            or(message, "all checks passed"),
        ),
        Progressing => condition(
            "Available",
            "False",
            "MissingEndpoints",
            or(message, "endpoints for service have no addresses"),
        ),
        _ => return Err(inexpressible(obj, status)),
    };
    set(obj, &["status"], json!({"conditions": [c]}));
    Ok(())
}

/// HL-15: Running, Succeeded, Failed; message in `status.message`.
fn workflow(obj: &mut Value, status: HealthStatus, message: &str) -> Result<(), SynthError> {
    let (phase, progress) = match status {
        Healthy => ("Succeeded", "1/1"),
        Progressing => ("Running", "0/1"),
        Degraded => ("Failed", "0/1"),
        _ => return Err(inexpressible(obj, status)),
    };
    let mut block = json!({"phase": phase, "progress": progress});
    if !message.is_empty() {
        block["message"] = json!(message);
    }
    set(obj, &["status"], block);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Custom rules: write exactly what the rule reads, keeping the rest of `status`.

fn write_rule(
    obj: &mut Value,
    rule: &HealthRule,
    status: HealthStatus,
    message: &str,
) -> Result<(), SynthError> {
    match (&rule.condition, &rule.field) {
        (Some(c), _) => write_condition_rule(obj, c, status, message),
        (None, Some(f)) => write_field_rule(obj, f, status, message),
        (None, None) => Err(inexpressible(obj, status)),
    }
}

fn write_condition_rule(
    obj: &mut Value,
    rule: &ConditionRule,
    status: HealthStatus,
    message: &str,
) -> Result<(), SynthError> {
    // (condition status, reason) to write; `None` = no such condition.
    let choice: Option<Option<(&str, String)>> = if rule.if_true == status {
        Some(Some(("True", status.as_str().to_string())))
    } else if rule.if_false == status {
        Some(Some(("False", status.as_str().to_string())))
    } else if rule.if_unknown == status {
        Some(Some(("Unknown", status.as_str().to_string())))
    } else if rule.if_missing == status {
        Some(None)
    } else if status == Progressing
        && let Some(reason) = rule.progressing_reasons.first()
    {
        Some(Some(("False", reason.clone())))
    } else {
        None
    };
    let Some(choice) = choice else {
        return Err(inexpressible(obj, status));
    };
    let status_map = ensure_map(ensure_map(obj).entry("status").or_insert(Value::Null));
    let list = status_map
        .entry("conditions")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !list.is_array() {
        *list = Value::Array(Vec::new());
    }
    if let Value::Array(items) = list {
        items.retain(|c| object::str_at(c, &["type"]) != Some(rule.type_.as_str()));
        if let Some((cstatus, reason)) = choice {
            items.push(condition(&rule.type_, cstatus, &reason, message));
        }
    }
    Ok(())
}

fn write_field_rule(
    obj: &mut Value,
    rule: &FieldRule,
    status: HealthStatus,
    message: &str,
) -> Result<(), SynthError> {
    let path = split_path(&rule.path);
    match rule.map.iter().find(|(_, s)| **s == status) {
        Some((value, _)) => set(obj, &path, json!(value)),
        None if rule.default == status => remove(obj, &path),
        None => return Err(inexpressible(obj, status)),
    }
    if let Some(p) = &rule.message_path {
        let p = split_path(p);
        if message.is_empty() {
            remove(obj, &p);
        } else {
            set(obj, &p, json!(message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::assess;
    use super::*;

    /// How a kind's check reports the message written.
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Msg {
        /// The health message is exactly the message written.
        Exact,
        /// The health message contains it (APIService: `"<reason>: <message>"`).
        Contains,
        /// The check reports a fixed or no message for this status.
        Fixed,
    }

    fn objects() -> Vec<(&'static str, Value)> {
        vec![
            (
                "deployment",
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web"}, "spec": {"replicas": 3}}),
            ),
            (
                "deployment-no-replicas",
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "generation": 4}, "spec": {"paused": true}}),
            ),
            (
                "deployment-zero",
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web"}, "spec": {"replicas": 0}}),
            ),
            (
                "statefulset",
                json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": "db"}, "spec": {"replicas": 2}}),
            ),
            (
                "statefulset-partition",
                json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": "db"}, "spec": {"updateStrategy":
                    {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}}}),
            ),
            (
                "daemonset",
                json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": {"name": "agent"}}),
            ),
            (
                "daemonset-ondelete",
                json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": {"name": "agent"}, "spec": {"updateStrategy": {"type": "OnDelete"}}}),
            ),
            (
                "replicaset",
                json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web-1"}, "spec": {"replicas": 2}}),
            ),
            (
                "replicaset-no-replicas",
                json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web-1"}}),
            ),
            (
                "job",
                json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                "spec": {"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never"}}}}),
            ),
            (
                "pod-always",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"containers": [{"name": "app", "image": "nginx"}, {"name": "side", "image": "envoy"}]}}),
            ),
            (
                "pod-never",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"restartPolicy": "Never", "containers": [{"name": "hook", "image": "alpine"}]}}),
            ),
            (
                "pod-onfailure",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"restartPolicy": "OnFailure"}}),
            ),
            (
                "service-lb",
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                "spec": {"type": "LoadBalancer"}}),
            ),
            (
                "service-clusterip",
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}),
            ),
            (
                "pvc",
                json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
            ),
            (
                "ingress",
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}}),
            ),
            (
                "ingress-ext",
                json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "i"}}),
            ),
            (
                "hpa-v1",
                json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "h"}, "spec": {"minReplicas": 2}}),
            ),
            (
                "hpa-v2",
                json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "h"}}),
            ),
            (
                "hpa-v2beta1",
                json!({"apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "h"}}),
            ),
            (
                "hpa-v2beta2",
                json!({"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "h"}}),
            ),
            (
                "apiservice",
                json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                "metadata": {"name": "v1.metrics"}}),
            ),
            (
                "apiservice-beta",
                json!({"apiVersion": "apiregistration.k8s.io/v1beta1", "kind": "APIService",
                "metadata": {"name": "v1.metrics"}}),
            ),
            (
                "workflow",
                json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                "metadata": {"name": "wf"}}),
            ),
        ]
    }

    /// (object, status) pairs that must succeed, with how their message surfaces.
    fn expected_ok(name: &str, status: HealthStatus) -> Option<Msg> {
        use Msg::*;
        let kind = name.split('-').next().unwrap_or(name);
        match (kind, status) {
            ("deployment", Healthy | Progressing | Degraded | Suspended) => Some(Fixed),
            ("statefulset" | "daemonset", Healthy | Progressing) => Some(Fixed),
            ("replicaset", Healthy | Progressing) => Some(Fixed),
            ("replicaset", Degraded) => Some(Exact),
            ("job", Healthy | Degraded) => Some(Exact),
            ("job", Progressing | Suspended) => Some(Fixed),
            ("pod", Healthy | Progressing | Degraded | Unknown) => Some(Exact),
            ("service", Healthy) => Some(Fixed),
            ("service", Progressing) if name == "service-lb" => Some(Fixed),
            ("pvc", Healthy | Progressing | Degraded) => Some(Fixed),
            ("ingress", Healthy | Progressing) => Some(Fixed),
            ("hpa", Healthy | Degraded) => Some(Exact),
            ("hpa", Progressing) => Some(Fixed),
            ("apiservice", Healthy | Progressing) => Some(Contains),
            ("workflow", Healthy | Progressing | Degraded) => Some(Exact),
            _ => None,
        }
    }

    #[test]
    fn every_kind_and_status_round_trips_through_assess() {
        let rules = HealthRules::default();
        let mut ok = 0;
        for (name, base) in objects() {
            for status in HealthStatus::ALL {
                for message in ["", "custom message 42"] {
                    let mut obj = base.clone();
                    let result = write_status(&mut obj, status, message);
                    let expected = expected_ok(name, status);
                    match (result, expected) {
                        (Ok(()), Some(msg)) => {
                            ok += 1;
                            let h = assess(&obj, &rules);
                            let h = h.unwrap_or_else(|| panic!("{name} {status}: no health"));
                            assert_eq!(h.status, status, "{name} {message:?}: {h:?}\n{obj:#}");
                            if !message.is_empty() {
                                match msg {
                                    Msg::Exact => assert_eq!(h.message, message, "{name} {status}"),
                                    Msg::Contains => {
                                        assert!(h.message.contains(message), "{name} {status}")
                                    }
                                    Msg::Fixed => {}
                                }
                            }
                        }
                        (Err(e), None) => {
                            assert_eq!(obj, base, "{name} {status}: changed despite {e}");
                        }
                        (r, e) => panic!(
                            "{name} {status} {message:?}: got {r:?}, expected {e:?}\n{obj:#}"
                        ),
                    }
                }
            }
        }
        assert!(ok >= 120, "only {ok} combinations succeeded");
    }

    /// Leaving the old status out of the copy changes nothing: for every kind, every
    /// status written over every status, deleting or not, the copy writes what a full
    /// copy would, field order included.
    #[test]
    fn status_copy_writes_what_a_full_copy_writes() {
        let rules = HealthRules::default();
        let mut compared = 0;
        for (name, base) in objects() {
            for first in HealthStatus::ALL {
                let Ok((written, _)) = write_status_owned(base.clone(), first, "", &rules) else {
                    continue;
                };
                // The same object with its status, then marked for deletion.
                let mut deleting = written.clone();
                object::metadata_mut(&mut deleting)
                    .insert("deletionTimestamp".into(), json!("+1ms"));
                for start in [written, deleting] {
                    for second in HealthStatus::ALL {
                        let full = write_status_owned(start.clone(), second, "m", &rules);
                        let copy = write_status_copy(&start, second, "m", &rules);
                        let text = |r: &Result<(Value, Option<Health>), SynthError>| {
                            r.as_ref()
                                .map(|(v, h)| (v.to_string(), h.clone()))
                                .map_err(|e| e.to_string())
                        };
                        assert_eq!(text(&copy), text(&full), "{name}: {first} then {second}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared >= 200, "only {compared} comparisons");
    }

    #[test]
    fn realistic_shapes() {
        let mut job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}});
        assert_eq!(write_status(&mut job, Healthy, ""), Ok(()));
        assert_eq!(job["status"]["succeeded"], 1);
        assert_eq!(job["status"]["conditions"][0]["type"], "Complete");
        assert_eq!(job["status"]["conditions"][0]["status"], "True");
        assert_eq!(write_status(&mut job, Degraded, "boom"), Ok(()));
        assert_eq!(
            job["status"]["conditions"][0]["reason"],
            "BackoffLimitExceeded"
        );
        assert_eq!(job["status"]["failed"], 7);
        assert_eq!(write_status(&mut job, Suspended, ""), Ok(()));
        assert_eq!(job["spec"]["suspend"], true);
        assert_eq!(write_status(&mut job, Healthy, ""), Ok(()));
        assert_eq!(job["spec"]["suspend"], false);

        let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"restartPolicy": "Never"}});
        assert_eq!(write_status(&mut pod, Healthy, ""), Ok(()));
        assert_eq!(pod["status"]["phase"], "Succeeded");
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        assert_eq!(write_status(&mut pod, Healthy, ""), Ok(()));
        assert_eq!(pod["spec"]["restartPolicy"], "Always");
        assert_eq!(pod["status"]["phase"], "Running");

        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                           "metadata": {"name": "web", "generation": 3}});
        assert_eq!(write_status(&mut d, Healthy, ""), Ok(()));
        assert_eq!(d["status"]["observedGeneration"], 3);
        assert_eq!(d["status"]["availableReplicas"], 1);
        assert_eq!(write_status(&mut d, Degraded, ""), Ok(()));
        assert_eq!(
            d["status"]["conditions"][1]["reason"],
            "ProgressDeadlineExceeded"
        );
        assert_eq!(
            assess(&d, &HealthRules::default()).map(|h| h.message),
            Some("Deployment \"web\" exceeded its progress deadline".into())
        );
        assert_eq!(write_status(&mut d, Suspended, ""), Ok(()));
        assert_eq!(d["spec"]["paused"], true);
    }

    #[test]
    fn impossible_combinations_are_errors_and_leave_the_object() {
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}});
        let cases = [
            (job.clone(), Unknown),
            (job.clone(), Missing),
            (json!({"apiVersion": "v1", "kind": "ConfigMap"}), Healthy),
            (
                json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}),
                Healthy,
            ),
            (
                json!({"apiVersion": "apps/v1beta2", "kind": "Deployment"}),
                Healthy,
            ),
            (
                json!({"apiVersion": "batch/v1", "kind": "Job",
                    "metadata": {"deletionTimestamp": "2024-01-01T00:00:00Z"}}),
                Healthy,
            ),
            (json!("x"), Healthy),
        ];
        for (obj, status) in cases {
            let mut copy = obj.clone();
            assert!(
                write_status(&mut copy, status, "m").is_err(),
                "{obj} {status}"
            );
            assert_eq!(copy, obj);
        }
        // A malformed spec the check rejects: the write is refused, not half-done.
        let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": "d"}, "spec": {"replicas": "3"}});
        let mut copy = bad.clone();
        assert!(matches!(
            write_status(&mut copy, Healthy, ""),
            Err(SynthError::NotReached { .. })
        ));
        assert_eq!(copy, bad);
    }

    #[test]
    fn custom_rule_kinds_can_be_simulated() {
        let rules: HealthRules = serde_yaml::from_str(
            "- kind: example.com/Widget\n  condition: {type: Ready, progressingReasons: [Reconciling]}\n\
             - kind: '*/Database'\n  field: {path: status.phase, map: {Ready: Healthy, Failed: Degraded, Paused: Suspended}, messagePath: status.message}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
                            "status": {"conditions": [{"type": "Synced", "status": "True"}], "other": 1}});
        for status in [Healthy, Degraded, Progressing] {
            let mut w = widget.clone();
            assert_eq!(
                write_status_with_rules(&mut w, status, "msg", &rules),
                Ok(())
            );
            assert_eq!(assess(&w, &rules), Some(Health::new(status, "msg")));
            assert_eq!(w["status"]["other"], 1, "the rest of status is kept");
            assert_eq!(w["status"]["conditions"][0]["type"], "Synced");
        }
        let mut w = widget.clone();
        assert!(write_status_with_rules(&mut w, Suspended, "", &rules).is_err());
        // Without the rule, the Widget has no health check.
        assert!(matches!(
            write_status(&mut w, Healthy, ""),
            Err(SynthError::NoHealthCheck { .. })
        ));

        let db = json!({"apiVersion": "db.example.com/v1", "kind": "Database", "metadata": {"name": "d"}});
        for status in [Healthy, Degraded, Progressing, Suspended] {
            let mut d = db.clone();
            assert_eq!(write_status_with_rules(&mut d, status, "m", &rules), Ok(()));
            assert_eq!(assess(&d, &rules), Some(Health::new(status, "m")));
        }
        let mut d = db.clone();
        assert!(write_status_with_rules(&mut d, Unknown, "", &rules).is_err());

        // A rule also overrides a built-in kind.
        let rules: HealthRules = serde_yaml::from_str(
            "- kind: batch/Job\n  condition: {type: Ready, ifUnknown: Unknown}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}});
        assert_eq!(
            write_status_with_rules(&mut job, Unknown, "", &rules),
            Ok(())
        );
        assert_eq!(job["status"]["conditions"][0]["status"], "Unknown");
    }

    #[test]
    fn hash_suffix_is_stable_and_safe() {
        let a = hash_suffix("web");
        assert_eq!(a, hash_suffix("web"));
        assert_eq!(a.len(), 10);
        assert_ne!(a, hash_suffix("api"));
    }
}
