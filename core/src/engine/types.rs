//! The engine's interface: persisted operation state (S-0), effects out, results in.

use crate::health::OperationState;
use crate::model::{ResourceKey, SyncPhase};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// The phase of a sync operation (spec §0.4, §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperationPhase {
    Running,
    Terminating,
    Failed,
    Error,
    Succeeded,
}

impl OperationPhase {
    pub fn completed(self) -> bool {
        matches!(
            self,
            OperationPhase::Failed | OperationPhase::Error | OperationPhase::Succeeded
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OperationPhase::Running => "Running",
            OperationPhase::Terminating => "Terminating",
            OperationPhase::Failed => "Failed",
            OperationPhase::Error => "Error",
            OperationPhase::Succeeded => "Succeeded",
        }
    }
}

impl fmt::Display for OperationPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A result's sync status (spec §0.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResultCode {
    Synced,
    SyncFailed,
    Pruned,
    PruneSkipped,
}

impl ResultCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultCode::Synced => "Synced",
            ResultCode::SyncFailed => "SyncFailed",
            ResultCode::Pruned => "Pruned",
            ResultCode::PruneSkipped => "PruneSkipped",
        }
    }

    /// the task state a fresh result code implies.
    pub fn task_state(self) -> OperationState {
        match self {
            ResultCode::Synced => OperationState::Running,
            ResultCode::SyncFailed => OperationState::Failed,
            ResultCode::Pruned | ResultCode::PruneSkipped => OperationState::Succeeded,
        }
    }
}

/// The per-task record Argo CD persists (S-0), keyed by `(key, syncPhase)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskResult {
    /// Shares its parts with the task that recorded it: a pass finds a result's task by
    /// their address (`PlanCache::results_by_task`), not by hashing and comparing strings.
    #[serde(flatten)]
    pub key: ResourceKey,
    pub sync_phase: SyncPhase,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<ResultCode>,
    /// The task's operation state; `None` = pending.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hook_phase: Option<OperationState>,
    #[serde(default)]
    pub message: String,
    /// The hook type (= the task's phase) for hooks, `None` for resources (H-9).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hook_type: Option<SyncPhase>,
    /// 1, 2, 3… in the order results were first recorded.
    pub order: usize,
}

/// Everything that persists between passes (S-0). A fresh engine fed this continues
/// exactly where the previous one stopped (architecture principle 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncOperation {
    pub phase: OperationPhase,
    pub message: String,
    pub started_at: i64,
    pub results: Vec<TaskResult>,
}

impl SyncOperation {
    /// A new operation (C-1): phase Running, no results.
    pub fn new(started_at: i64) -> Self {
        SyncOperation {
            phase: OperationPhase::Running,
            message: String::new(),
            started_at,
            results: Vec::new(),
        }
    }

    pub fn result(&self, phase: SyncPhase, key: &ResourceKey) -> Option<&TaskResult> {
        self.results
            .iter()
            .find(|r| r.sync_phase == phase && r.key == *key)
    }
}

/// How an object is written (O-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ApplyMethod {
    /// `kubectl apply` (client-side, or server-side with `serverSide`).
    Apply,
    /// `kubectl replace` (with `force`: delete and re-create).
    Replace,
    /// `kubectl create` (Replace=true and nothing live).
    Create,
    /// A plain update carrying the live resourceVersion (Replace=true on a CRD or Namespace).
    Update,
}

/// Deletion propagation (P-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Propagation {
    Foreground,
    Background,
    Orphan,
}

/// Why the engine deletes something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeleteReason {
    /// P-3: a live object with no target.
    Prune,
    /// D-6 / R-6: the leftover of a hook about to be re-created.
    BeforeHookCreation,
    /// D-4: the operation succeeded.
    HookSucceeded,
    /// D-5: the operation failed.
    HookFailed,
    /// a running hook at termination.
    Terminate,
}

/// An API call the engine wants made. Effects handed out together may run in parallel;
/// their results come back in the same order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Effect {
    #[serde(rename_all = "camelCase")]
    Apply {
        key: ResourceKey,
        phase: SyncPhase,
        /// The task's target, shared: a driver that changes it (adds metadata) copies it.
        object: Arc<Value>,
        dry_run: bool,
        method: ApplyMethod,
        server_side: bool,
        force: bool,
        validate: bool,
        /// The object carries the app's tracking metadata (everything but the auto-created
        /// destination namespace). A driver must never delete an untracked object.
        tracked: bool,
        /// The spec rule that issued it.
        rule: &'static str,
    },
    #[serde(rename_all = "camelCase")]
    Delete {
        key: ResourceKey,
        propagation: Propagation,
        reason: DeleteReason,
        rule: &'static str,
    },
    /// Remove the hook finalizer (F-3): re-read and retry on conflict, NotFound = success.
    #[serde(rename_all = "camelCase")]
    RemoveFinalizer {
        key: ResourceKey,
        finalizer: String,
        rule: &'static str,
    },
    /// A direct GET, bypassing the watch cache (S-4 [C], X-3).
    #[serde(rename_all = "camelCase")]
    Get {
        key: ResourceKey,
        rule: &'static str,
    },
}

impl Effect {
    pub fn key(&self) -> &ResourceKey {
        match self {
            Effect::Apply { key, .. }
            | Effect::Delete { key, .. }
            | Effect::RemoveFinalizer { key, .. }
            | Effect::Get { key, .. } => key,
        }
    }
}

/// The outcome of one effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum EffectResult {
    /// Success; for an apply, kubectl's output (e.g. `job.batch/x created`).
    Ok {
        message: String,
    },
    /// A `Get` that found the object.
    Fetched {
        object: Value,
    },
    NotFound,
    /// The API server or the driver refused; `message` is the server's text.
    Failed {
        message: String,
    },
}

/// The wave callback's arguments (S-13): Argo CD sleeps after a non-final step (C-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveCallback {
    pub phase: SyncPhase,
    pub wave: i64,
    pub final_wave: bool,
}

/// Why the engine did something, for timelines ("why each event happened").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub rule: String,
    pub text: String,
}

/// What one pass (one `Sync()`/`Terminate()` call) produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassOutcome {
    pub state: SyncOperation,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wave_callback: Option<WaveCallback>,
    pub notes: Vec<Note>,
    /// Indices into `state.results` of the results this pass created or whose status,
    /// state or message it changed, ascending: what a progress view or a timeline shows,
    /// without keeping the previous state to diff against.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub changed: Vec<usize>,
}
