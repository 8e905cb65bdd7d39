//! The planner (spec §3): tasks from desired and live objects, their order, and the steps.
//!
//! `build_tasks` is a pure function. The engine calls it on every pass, exactly as Argo CD
//! rebuilds its task list on every `Sync()` call (architecture principle 3); `plan` wraps
//! it into the static, serialisable [`Plan`] that `hookline plan` prints.

mod order;
mod settings;

pub use order::{kind_rank, sort_and_adjust};
pub use settings::{Profile, SyncSettings};

use crate::classify::{self, Class, DeletePolicy};
use crate::manifest::Manifest;
use crate::model::{GroupKind, ResourceKey, Source, SyncPhase};
use crate::object::{self, keys};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

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
    pub target: Option<Value>,
    pub live: Option<Value>,
    pub hook: bool,
    /// Hooks only (D-1); empty for resources, whose policy annotation means nothing (D-3).
    pub delete_policies: Vec<DeletePolicy>,
    pub source: Option<Source>,
    /// Why the task is where it is, in words (plan output).
    pub notes: Vec<String>,
    /// Position in the manifest set, for stable error reporting.
    pub(crate) kind_rank: i32,
}

impl Task {
    pub fn is_prune(&self) -> bool {
        self.target.is_none()
    }

    pub fn has_policy(&self, p: DeletePolicy) -> bool {
        self.hook && self.delete_policies.contains(&p)
    }

    /// The object the task's annotations are read from: target, else live (W-4).
    pub fn obj(&self) -> Option<&Value> {
        self.target.as_ref().or(self.live.as_ref())
    }

    /// `[Phase:][group/]Kind/[namespace/]name`.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.phase, self.key)
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
    pub objects: BTreeMap<ResourceKey, Value>,
    /// Namespaces that exist in the cluster (tracked or not), for `CreateNamespace` (O-8).
    /// `None` = unknown: the destination namespace is assumed to exist.
    pub namespaces: Option<BTreeSet<String>>,
}

impl LiveSet {
    pub fn from_objects(objects: impl IntoIterator<Item = Value>) -> Self {
        LiveSet {
            objects: objects.into_iter().map(|o| (object::key(&o), o)).collect(),
            namespaces: None,
        }
    }

    /// T-4.3: same group, kind and name; live namespace empty or equal to `namespace`.
    /// Versions are ignored. Prefers the exact namespace.
    fn find(&self, group: &str, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        let exact = ResourceKey::new(group, kind, namespace, name);
        if let Some(v) = self.objects.get(&exact) {
            return Some(v);
        }
        self.objects.get(&ResourceKey::new(group, kind, "", name))
    }
}

/// Builds the sorted task list (spec T-1 … T-10). Pure; `O(n log n)` in objects.
pub fn build_tasks(desired: &[Manifest], live: &LiveSet, settings: &SyncSettings) -> TaskSet {
    let dest_ns = settings.namespace.as_str();
    let mut tasks: Vec<Task> = Vec::new();
    let mut excluded = Exclusions::default();
    // Keys of live objects claimed by a resource target (the rest are prune candidates).
    let mut claimed: BTreeSet<ResourceKey> = BTreeSet::new();
    let mut resource_namespaces: BTreeSet<&str> = BTreeSet::new();

    for m in desired {
        let obj = &m.object;
        if classify::is_delete_hook_only(obj) {
            excluded.ignored.push(Excluded {
                key: object::key(obj),
                source: Some(m.source.clone()),
                reason: "PreDelete/PostDelete hook: run by Argo CD when the Application is deleted, never during a sync (H-10)".into(),
            });
            continue;
        }
        match classify::classify(obj) {
            Class::Skip => excluded.skipped.push(Excluded {
                key: object::key(obj),
                source: Some(m.source.clone()),
                reason: "hook type Skip: never applied nor pruned (H-5)".into(),
            }),
            Class::Ignored { reason } => excluded.ignored.push(Excluded {
                key: object::key(obj),
                source: Some(m.source.clone()),
                reason: format!("{reason}: the object is neither applied nor pruned (H-7)"),
            }),
            Class::Resource => {
                let mut target = obj.clone();
                let ns = enrich_namespace(&mut target, dest_ns);
                let (group, kind, name) =
                    (object::group(obj), object::kind(obj), object::name(obj));
                if group.is_empty() && kind == "Namespace" {
                    resource_namespaces.insert(name);
                }
                let live_obj = live.find(group, kind, &ns, name).cloned();
                if let Some(l) = &live_obj {
                    claimed.insert(object::key(l));
                }
                let mut notes = wave_notes(obj);
                if live_obj.is_none() {
                    notes.push("new: not live yet".into());
                }
                tasks.push(new_task(
                    SyncPhase::Sync,
                    classify::wave(obj).0,
                    ResourceKey::new(group, kind, ns, name),
                    TaskAction::Apply,
                    Some(target),
                    live_obj,
                    false,
                    Some(m.source.clone()),
                    notes,
                ));
            }
            Class::Hook { phases } => {
                if settings.skip_hooks {
                    excluded.skipped.push(Excluded {
                        key: object::key(obj),
                        source: Some(m.source.clone()),
                        reason: "hooks are skipped in this sync (skipHooks, O-11)".into(),
                    });
                    continue;
                }
                let policies = classify::delete_policies(obj);
                for phase in phases {
                    let mut target = obj.clone();
                    let mut notes = wave_notes(obj);
                    if object::name(obj).is_empty() {
                        let generated = generated_name(object::generate_name(obj), settings, phase);
                        notes.push(format!(
                            "name generated from generateName {:?} (N-1)",
                            object::generate_name(obj)
                        ));
                        object::set_name(&mut target, &generated);
                    }
                    object::add_finalizer(&mut target, keys::HOOK_FINALIZER);
                    let ns = enrich_namespace(&mut target, dest_ns);
                    let name = object::name(&target).to_string();
                    let (group, kind) = (object::group(obj), object::kind(obj));
                    let live_obj = live.find(group, kind, &ns, &name).cloned();
                    if live_obj.is_some() {
                        notes.push(leftover_note(&policies));
                    }
                    if phase == SyncPhase::SyncFail
                        && classify::wave(obj).1 != classify::WaveSource::Default
                    {
                        notes.push(
                            "SyncFail hooks ignore their wave: all run together (H-9)".into(),
                        );
                    }
                    let mut t = new_task(
                        phase,
                        classify::wave(obj).0,
                        ResourceKey::new(group, kind, ns, name),
                        TaskAction::Apply,
                        Some(target),
                        live_obj,
                        true,
                        Some(m.source.clone()),
                        notes,
                    );
                    t.delete_policies = policies.clone();
                    tasks.push(t);
                }
            }
        }
    }

    // Prune candidates (P-1, P-2): managed live objects without a target, hooks excluded.
    let mut prunes: Vec<Task> = Vec::new();
    for (key, l) in &live.objects {
        if claimed.contains(key) {
            continue;
        }
        match classify::classify(l) {
            Class::Resource => {}
            Class::Skip => continue,
            // Live hooks (leftovers of earlier syncs) are never pruned (T-2, P-2).
            Class::Hook { .. } | Class::Ignored { .. } => continue,
        }
        // A prune's result key is the live object's own (cluster-scoped: no namespace).
        prunes.push(new_task(
            SyncPhase::Sync,
            classify::wave(l).0,
            key.clone(),
            TaskAction::Prune,
            None,
            Some(l.clone()),
            false,
            None,
            vec!["prune: live but not in the desired state (P-1)".into()],
        ));
    }
    mirror_prune_waves(&mut prunes);
    tasks.extend(prunes);
    apply_prune_last(&mut tasks, settings);

    // O-8: namespace auto-creation, checked against resource targets only.
    if settings.has_option("CreateNamespace=true") && !resource_namespaces.contains(dest_ns) {
        let exists = live
            .namespaces
            .as_ref()
            .is_none_or(|set| set.contains(dest_ns));
        if !exists {
            let mut target =
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": dest_ns}});
            let ns = enrich_namespace(&mut target, dest_ns);
            tasks.push(new_task(
                SyncPhase::PreSync,
                0,
                ResourceKey::new("", "Namespace", ns, dest_ns),
                TaskAction::CreateNamespace,
                Some(target),
                None,
                false,
                None,
                vec!["destination namespace created by CreateNamespace=true (O-8)".into()],
            ));
        }
    }

    sort_and_adjust(&mut tasks);
    TaskSet { tasks, excluded }
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

#[allow(clippy::too_many_arguments)]
fn new_task(
    phase: SyncPhase,
    wave: i64,
    key: ResourceKey,
    action: TaskAction,
    target: Option<Value>,
    live: Option<Value>,
    hook: bool,
    source: Option<Source>,
    notes: Vec<String>,
) -> Task {
    Task {
        phase,
        wave,
        kind_rank: kind_rank(&key.kind),
        key,
        action,
        target,
        live,
        hook,
        delete_policies: Vec::new(),
        source,
        notes,
    }
}

/// T-4.1: an empty namespace becomes the destination namespace, even on cluster-scoped kinds.
fn enrich_namespace(target: &mut Value, dest_ns: &str) -> String {
    let ns = object::namespace(target);
    if ns.is_empty() {
        object::set_namespace(target, dest_ns);
        dest_ns.to_string()
    } else {
        ns.to_string()
    }
}

/// N-1: `generateName + lower("<rev>-<phase>-<startedAt>")`, rev = first 7 chars when the
/// revision has at least 8, else the whole revision.
pub fn generated_name(generate_name: &str, settings: &SyncSettings, phase: SyncPhase) -> String {
    let rev: String = if settings.revision.chars().count() >= 8 {
        settings.revision.chars().take(7).collect()
    } else {
        settings.revision.clone()
    };
    let postfix = format!("{rev}-{}-{}", phase.as_str(), settings.started_at).to_lowercase();
    format!("{generate_name}{postfix}")
}

fn wave_notes(obj: &Value) -> Vec<String> {
    match classify::wave(obj) {
        (w, classify::WaveSource::HelmWeight) => {
            vec![format!("wave {w} from helm.sh/hook-weight (W-1, W-3)")]
        }
        (_, classify::WaveSource::Default) if object::has_annotation(obj, keys::SYNC_WAVE) => {
            vec![format!(
                "sync-wave {:?} is not an integer: wave 0 (W-2)",
                object::annotation(obj, keys::SYNC_WAVE).unwrap_or_default()
            )]
        }
        _ => Vec::new(),
    }
}

fn leftover_note(policies: &[DeletePolicy]) -> String {
    if policies.contains(&DeletePolicy::BeforeHookCreation) {
        "leftover from an earlier sync: deleted before it is re-created (D-6)".into()
    } else {
        "leftover from an earlier sync, no BeforeHookCreation: applied onto the old object (D-7)"
            .into()
    }
}

/// P-4: mirror prune waves within the set of prune waves.
fn mirror_prune_waves(prunes: &mut [Task]) {
    let waves: BTreeSet<i64> = prunes.iter().map(|t| t.wave).collect();
    let waves: Vec<i64> = waves.into_iter().collect();
    let k = waves.len();
    for t in prunes.iter_mut() {
        if let Ok(i) = waves.binary_search(&t.wave) {
            let mirrored = waves[k - 1 - i];
            if mirrored != t.wave {
                t.notes.push(format!(
                    "prune order reversed: wave {} mirrored to {mirrored} (P-4)",
                    t.wave
                ));
                t.wave = mirrored;
            }
        }
    }
}

/// P-5: PruneLast prunes go to 1 + max(0, highest Sync-phase wave after P-4).
fn apply_prune_last(tasks: &mut [Task], settings: &SyncSettings) {
    let app_level = settings.has_option("PruneLast=true");
    let last = tasks
        .iter()
        .filter(|t| t.phase == SyncPhase::Sync)
        .map(|t| t.wave)
        .max()
        .unwrap_or(0)
        .max(0)
        + 1;
    for t in tasks.iter_mut().filter(|t| t.is_prune()) {
        let own = t
            .live
            .as_ref()
            .is_some_and(|l| classify::has_sync_option(l, "PruneLast=true"));
        if app_level || own {
            t.notes.push(format!("PruneLast: wave {} (P-5)", last));
            t.wave = last;
        }
    }
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
}

/// The static plan (T-11) of a sync of `desired` against `live`.
pub fn plan(desired: &[Manifest], live: &LiveSet, settings: &SyncSettings) -> Plan {
    let set = build_tasks(desired, live, settings);
    plan_from_tasks(&set)
}

pub fn plan_from_tasks(set: &TaskSet) -> Plan {
    let tasks = &set.tasks;
    let multi_step = is_multi_step(tasks);
    let mut steps: Vec<Step> = Vec::new();
    let mut sync_fail: Vec<&Task> = Vec::new();
    for t in tasks {
        if t.phase == SyncPhase::SyncFail {
            sync_fail.push(t);
            continue;
        }
        match steps.last_mut() {
            Some(s) if s.phase == t.phase && s.wave == t.wave => s.tasks.push(planned(t, 0)),
            _ => steps.push(Step {
                phase: t.phase,
                wave: t.wave,
                tasks: vec![planned(t, 0)],
            }),
        }
    }
    if let Some(first) = sync_fail.first() {
        steps.push(Step {
            phase: SyncPhase::SyncFail,
            wave: first.wave,
            tasks: sync_fail.iter().map(|t| planned(t, 0)).collect(),
        });
    }
    for s in &mut steps {
        number_apply_groups(&mut s.tasks);
    }
    Plan {
        steps,
        multi_step,
        ignored: set.excluded.ignored.clone(),
        skipped: set.excluded.skipped.clone(),
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

fn planned(t: &Task, apply_group: usize) -> PlannedTask {
    PlannedTask {
        reference: t.reference(),
        phase: t.phase,
        wave: t.wave,
        group: t.key.group.clone(),
        kind: t.key.kind.clone(),
        namespace: t.key.namespace.clone(),
        name: t.key.name.clone(),
        action: t.action,
        hook: t.hook,
        delete_policies: t.delete_policies.clone(),
        live: t.live.is_some(),
        apply_group,
        source: t.source.clone(),
        notes: t.notes.clone(),
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
