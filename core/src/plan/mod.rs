//! The planner (spec §3): tasks from desired and live objects, their order, and the steps.
//!
//! `build_tasks` is a pure function. The engine calls it on every pass, exactly as Argo CD
//! rebuilds its task list on every `Sync()` call (architecture principle 3); `plan` wraps
//! it into the static, serialisable [`Plan`] that `hookline plan` prints.

mod journal;
mod order;
mod settings;
mod tasks;

pub use journal::{Journal, Lineage};
pub use order::kind_rank;
pub use settings::{Profile, SyncSettings};
pub use tasks::{Assembled, JoinMemo, Prepared, build_tasks, generated_name};

use crate::classify::DeletePolicy;
use crate::manifest::Manifest;
use crate::model::{GroupKind, ResourceKey, Source, SyncPhase};
use crate::object;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What a task does to the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TaskAction {
    /// Apply (or create/replace) the target.
    Apply,
    /// Delete a live object that has no target (spec P-1).
    Prune,
    /// Create the destination namespace (`CreateNamespace=true`, spec O-8).
    CreateNamespace,
}

/// One unit of work (spec §0.4): a phase, an optional target and an optional live object.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub phase: SyncPhase,
    pub wave: i64,
    /// The result key: group, kind, namespace after enrichment (T-4), name after naming (N-1).
    pub key: ResourceKey,
    pub action: TaskAction,
    /// The object to apply: a copy of the manifest with namespace, generated name and hook
    /// finalizer filled in. `None` for prunes.
    pub target: Option<Arc<Value>>,
    pub live: Option<Arc<Value>>,
    pub hook: bool,
    /// Hooks only (D-1); empty for resources, whose policy annotation means nothing (D-3).
    pub delete_policies: Vec<DeletePolicy>,
    pub source: Option<Source>,
    /// Why the task is where it is, in words (plan output).
    pub notes: Vec<String>,
    /// T-8 rank of the kind (the sort key after the wave).
    pub(crate) kind_rank: i32,
    /// The kind the target defines if it is a CRD (T-10 pass B).
    pub(crate) crd: Option<GroupKind>,
    /// Where the live-dependent note ("new: not live yet", leftover) goes among `notes`.
    pub(crate) live_note_at: usize,
    /// N-1: the `generateName` the task's name was generated from, if it was.
    pub(crate) generate_name: Option<String>,
    /// T-10: the phase and wave the task had before a dependency pass moved it (the move
    /// also appended one note), so that the pre-move order can be recovered.
    pub(crate) moved_from: Option<(SyncPhase, i64)>,
}

impl Task {
    pub fn is_prune(&self) -> bool {
        self.action == TaskAction::Prune
    }

    pub fn has_policy(&self, p: DeletePolicy) -> bool {
        self.hook && self.delete_policies.contains(&p)
    }

    /// The object the task's annotations are read from: target, else live (W-4).
    pub fn obj(&self) -> Option<&Value> {
        self.target.as_deref().or(self.live.as_deref())
    }

    /// `[Phase:][group/]Kind/[namespace/]name`.
    pub fn reference(&self) -> String {
        let phase = self.phase.as_str();
        let k = &self.key;
        let mut out = String::with_capacity(
            phase.len() + k.group.len() + k.kind.len() + k.namespace.len() + k.name.len() + 4,
        );
        out.push_str(phase);
        out.push(':');
        // Writing into a String cannot fail.
        let _ = k.write_to(&mut out);
        out
    }
}

/// A desired or live object left out of the sync, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Excluded {
    pub key: ResourceKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    pub reason: String,
}

/// Managed live objects (spec T-1), keyed by their real key (empty namespace when
/// cluster-scoped), plus what the planner may look up about the cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveSet {
    /// Shared, not copied: the engine reads a snapshot per pass (Argo CD's watch cache).
    pub objects: BTreeMap<ResourceKey, Arc<Value>>,
    /// Namespaces that exist in the cluster (tracked or not), for `CreateNamespace` (O-8).
    /// `None` = unknown: the destination namespace is assumed to exist.
    pub namespaces: Option<BTreeSet<String>>,
    /// Which keys changed since the previous snapshot of the same lineage; lets a pass
    /// join only what moved ([`Journal`]). The default (no lineage) means "unknown".
    pub journal: Journal,
}

impl LiveSet {
    pub fn from_objects(objects: impl IntoIterator<Item = Value>) -> Self {
        LiveSet {
            objects: objects
                .into_iter()
                .map(|o| (object::key(&o), Arc::new(o)))
                .collect(),
            namespaces: None,
            journal: Journal::default(),
        }
    }

    /// T-4.3: the live object of a task: same group, kind and name; live namespace equal
    /// to the task's or empty (versions are ignored). Prefers the exact namespace. Returns
    /// the map's own key, so that callers can mark it claimed without a copy.
    pub(crate) fn find(&self, task: &Task) -> Option<(&ResourceKey, &Arc<Value>)> {
        self.objects.get_key_value(&task.key).or_else(|| {
            let k = &task.key;
            (!k.namespace.is_empty())
                .then(|| k.without_namespace())
                .and_then(|bare| self.objects.get_key_value(&bare))
        })
    }
}

/// The output of [`build_tasks`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskSet {
    pub tasks: Vec<Task>,
    pub excluded: Exclusions,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exclusions {
    /// Hooks without a valid type (H-7) and delete-time hooks (H-10).
    pub ignored: Vec<Excluded>,
    /// `Skip` objects (H-5) and, with skipHooks, every hook (O-11).
    pub skipped: Vec<Excluded>,
}

/// The static plan of an operation (spec T-11): what `hookline plan` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Steps in execution order; SyncFail hooks, if any, form the last step.
    pub steps: Vec<Step>,
    /// T-12: whether the first and last task differ in phase or wave.
    pub multi_step: bool,
    pub ignored: Vec<Excluded>,
    pub skipped: Vec<Excluded>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub phase: SyncPhase,
    /// The wave; for the SyncFail step, the wave of its first hook (waves are ignored, H-9).
    pub wave: i64,
    pub tasks: Vec<PlannedTask>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedTask {
    /// `Phase:[group/]Kind/[namespace/]name`.
    pub reference: String,
    pub phase: SyncPhase,
    pub wave: i64,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub action: TaskAction,
    pub hook: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub delete_policies: Vec<DeletePolicy>,
    /// A live object exists for this task (update, leftover hook or prune).
    pub live: bool,
    /// Index of the apply group within the step (T-11): same Kind string, consecutive.
    pub apply_group: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// N-1: the manifest's `generateName` when `name` was generated from it. The name
    /// changes with every operation; a behaviour rule `Kind/<generateName>*` follows it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub generate_name: Option<String>,
}

/// The static plan (T-11) of a sync of `desired` against `live`.
pub fn plan(desired: &[Manifest], live: &LiveSet, settings: &SyncSettings) -> Plan {
    // The static plan shows keys, order and notes, never the objects to apply: skip
    // building them (half of the planner's time, docs/benchmarks.md).
    let prepared = Prepared::without_targets(desired, settings);
    let assembled = prepared.assemble(live);
    // The prepared list is not needed any more: dropping it first lets `into_tasks` take
    // the tasks over instead of copying them.
    let excluded = prepared.into_excluded();
    let multi_step = is_multi_step(&assembled.tasks);
    plan_steps(
        assembled.into_task_iter().map(planned),
        multi_step,
        excluded,
    )
}

/// [`plan`] from tasks already prepared for these manifests and settings (a simulator
/// that holds them for its passes): the same plan without classifying and ordering every
/// object a second time.
pub fn plan_prepared(prepared: &Prepared, live: &LiveSet) -> Plan {
    let assembled = prepared.assemble(live);
    let multi_step = is_multi_step(&assembled.tasks);
    let tasks = assembled.into_task_iter().map(|mut t| {
        t.target = None; // as `plan` prepares them: the static plan never shows objects
        planned(t)
    });
    plan_steps(tasks, multi_step, prepared.excluded().clone())
}

pub fn plan_from_tasks(set: &TaskSet) -> Plan {
    let multi_step = is_multi_step(&set.tasks);
    plan_steps(
        set.tasks.iter().cloned().map(planned),
        multi_step,
        set.excluded.clone(),
    )
}

/// T-11 steps from planned tasks in task order (SyncFail tasks gathered into the last).
fn plan_steps(
    tasks: impl Iterator<Item = PlannedTask>,
    multi_step: bool,
    excluded: Exclusions,
) -> Plan {
    let mut steps: Vec<Step> = Vec::new();
    let mut sync_fail: Vec<PlannedTask> = Vec::new();
    for t in tasks {
        if t.phase == SyncPhase::SyncFail {
            sync_fail.push(t);
            continue;
        }
        match steps.last_mut() {
            Some(s) if s.phase == t.phase && s.wave == t.wave => s.tasks.push(t),
            _ => steps.push(Step {
                phase: t.phase,
                wave: t.wave,
                tasks: vec![t],
            }),
        }
    }
    if let Some(first) = sync_fail.first() {
        steps.push(Step {
            phase: SyncPhase::SyncFail,
            wave: first.wave,
            tasks: sync_fail,
        });
    }
    for s in &mut steps {
        number_apply_groups(&mut s.tasks);
    }
    Plan {
        steps,
        multi_step,
        ignored: excluded.ignored,
        skipped: excluded.skipped,
    }
}

/// T-11: prunes run first (group 0); then consecutive creations with the same Kind string.
fn number_apply_groups(tasks: &mut [PlannedTask]) {
    let mut group = 0usize;
    let mut last_kind: Option<String> = None;
    for t in tasks.iter_mut().filter(|t| t.action != TaskAction::Prune) {
        if last_kind.as_deref() != Some(t.kind.as_str()) {
            group += 1;
            last_kind = Some(t.kind.clone());
        }
        t.apply_group = group;
    }
}

/// The output form of a task (its apply group is numbered per step, T-11).
fn planned(t: Task) -> PlannedTask {
    let reference = t.reference();
    let crate::model::KeyParts {
        group,
        kind,
        namespace,
        name,
    } = t.key.into_parts();
    PlannedTask {
        reference,
        phase: t.phase,
        wave: t.wave,
        action: t.action,
        hook: t.hook,
        live: t.live.is_some(),
        apply_group: 0,
        group,
        kind,
        namespace,
        name,
        delete_policies: t.delete_policies,
        source: t.source,
        notes: t.notes,
        generate_name: t.generate_name,
    }
}

/// T-12: first and last task (all of them, SyncFail included) differ in phase or wave.
pub fn is_multi_step(tasks: &[Task]) -> bool {
    match (tasks.first(), tasks.last()) {
        (Some(a), Some(b)) => a.phase != b.phase || a.wave != b.wave,
        _ => false,
    }
}

/// A CRD's `spec.group` + `spec.names.kind`, if the object is one (T-10 pass B, T-5).
pub fn crd_defines(obj: &Value) -> Option<GroupKind> {
    if object::group(obj) != "apiextensions.k8s.io"
        || object::kind(obj) != "CustomResourceDefinition"
    {
        return None;
    }
    let group = object::str_at(obj, &["spec", "group"]).filter(|s| !s.is_empty())?;
    let kind = object::str_at(obj, &["spec", "names", "kind"]).filter(|s| !s.is_empty())?;
    Some(GroupKind::new(group, kind))
}

#[cfg(test)]
mod tests;
