//! What a simulation reports: a timeline of events and one report per operation.

use super::cluster::ClusterEvent;
use crate::engine::{ApplyMethod, DeleteReason, Effect, EffectResult, OperationPhase, TaskResult};
use crate::health::Health;
use crate::model::{ResourceKey, SyncPhase};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};

/// One entry of the timeline. `at` is virtual milliseconds since the simulation started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceEntry {
    pub at: u64,
    /// 0-based operation index.
    pub operation: usize,
    /// 1-based pass number within the operation (0 = between passes).
    pub pass: usize,
    pub event: TraceEvent,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum TraceEvent {
    #[serde(rename_all = "camelCase")]
    OperationStarted { revision: String, started_at: i64 },
    #[serde(rename_all = "camelCase")]
    Pass,
    #[serde(rename_all = "camelCase")]
    Effect { call: Call, result: CallResult },
    #[serde(rename_all = "camelCase")]
    Cluster { change: ClusterEvent },
    #[serde(rename_all = "camelCase")]
    Result { result: TaskResult },
    #[serde(rename_all = "camelCase")]
    Phase {
        phase: OperationPhase,
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Pause {
        millis: u64,
        phase: SyncPhase,
        wave: i64,
    },
    #[serde(rename_all = "camelCase")]
    Retry { attempt: u32, message: String },
    #[serde(rename_all = "camelCase")]
    Terminate { message: String },
    #[serde(rename_all = "camelCase")]
    Note { rule: String, text: String },
    /// Nothing can change any more and the operation is not done (HL-21).
    #[serde(rename_all = "camelCase")]
    Stuck { message: String },
    /// The pass bound was reached: the engine kept changing state without finishing.
    #[serde(rename_all = "camelCase")]
    Livelock { passes: usize },
}

/// An effect as the timeline shows it (without the object body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "verb")]
pub enum Call {
    #[serde(rename_all = "camelCase")]
    Apply {
        key: ResourceKey,
        phase: SyncPhase,
        dry_run: bool,
        method: ApplyMethod,
        server_side: bool,
        rule: String,
    },
    #[serde(rename_all = "camelCase")]
    Delete {
        key: ResourceKey,
        reason: DeleteReason,
        rule: String,
    },
    #[serde(rename_all = "camelCase")]
    RemoveFinalizer { key: ResourceKey, rule: String },
    #[serde(rename_all = "camelCase")]
    Get { key: ResourceKey, rule: String },
}

impl From<&Effect> for Call {
    fn from(e: &Effect) -> Self {
        match e {
            Effect::Apply {
                key,
                phase,
                dry_run,
                method,
                server_side,
                rule,
                ..
            } => Call::Apply {
                key: key.clone(),
                phase: *phase,
                dry_run: *dry_run,
                method: *method,
                server_side: *server_side,
                rule: (*rule).into(),
            },
            Effect::Delete {
                key, reason, rule, ..
            } => Call::Delete {
                key: key.clone(),
                reason: *reason,
                rule: (*rule).into(),
            },
            Effect::RemoveFinalizer { key, rule, .. } => Call::RemoveFinalizer {
                key: key.clone(),
                rule: (*rule).into(),
            },
            Effect::Get { key, rule } => Call::Get {
                key: key.clone(),
                rule: (*rule).into(),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum CallResult {
    Ok { message: String },
    Found,
    NotFound,
    Failed { message: String },
}

impl From<&EffectResult> for CallResult {
    fn from(r: &EffectResult) -> Self {
        match r {
            EffectResult::Ok { message } => CallResult::Ok {
                message: message.clone(),
            },
            EffectResult::Fetched { .. } => CallResult::Found,
            EffectResult::NotFound => CallResult::NotFound,
            EffectResult::Failed { message } => CallResult::Failed {
                message: message.clone(),
            },
        }
    }
}

/// A task reference: phase and key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    pub phase: SyncPhase,
    #[serde(flatten)]
    pub key: ResourceKey,
}

/// An object in the cluster when an operation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterObject {
    #[serde(flatten)]
    pub key: ResourceKey,
    /// Belongs to the app (tracked); the auto-created namespace and system namespaces do not.
    pub tracked: bool,
    /// Annotated as a hook (a leftover of this or an earlier sync).
    pub hook: bool,
    /// Has a deletionTimestamp (stuck on a finalizer).
    pub deleting: bool,
    pub finalizers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub health: Option<Health>,
    /// Created (or re-created) by this operation.
    pub created: bool,
}

/// How one operation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationReport {
    pub index: usize,
    pub phase: OperationPhase,
    pub message: String,
    /// The operation reached Succeeded, Failed or Error.
    pub completed: bool,
    /// It stopped because nothing could change any more (it would wait forever).
    pub stuck: bool,
    pub livelock: bool,
    pub revision: String,
    pub started_at: i64,
    /// Virtual milliseconds from the simulation start.
    pub begin: u64,
    pub end: u64,
    pub passes: usize,
    pub attempts: u32,
    pub plan: Plan,
    pub results: Vec<TaskResult>,
    /// Tasks that got a real apply/create/replace, in the order the engine issued them.
    pub applied: Vec<TaskRef>,
    /// Objects this operation sent a delete for, in order (duplicates removed).
    pub deleted: Vec<ResourceKey>,
    pub cluster: Vec<ClusterObject>,
}

/// The whole simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationReport {
    pub operations: Vec<OperationReport>,
    pub trace: Vec<TraceEntry>,
    /// Everything that existed before the first operation.
    pub initial_cluster: Vec<ClusterObject>,
}
