//! Building the task list (spec T-1 … T-10), in two stages.
//!
//! Argo CD rebuilds every task from the desired and live objects on every `Sync()` call,
//! and the engine does the same (architecture principle 3). Most of that work depends on
//! the desired manifests and the settings only — classification, namespace enrichment,
//! generated names, the hook finalizer, the T-7 sort and the T-10 moves — and is the same
//! on every pass of an operation. [`Prepared`] does it once; [`Prepared::assemble`] then
//! joins a live snapshot on each pass: it attaches live objects (T-4.3), adds prune tasks
//! (P-1 … P-5) and the namespace task (O-8), and only re-sorts when those extra tasks exist.
//! The result is identical to sorting and adjusting everything from scratch, which is what
//! [`build_tasks`] still means; `plan::tests` pins the equivalence.

use super::order::{adjust_dependencies, adjust_order, compare, permuted};
use super::{
    Excluded, Exclusions, LiveSet, SyncSettings, Task, TaskAction, TaskSet, crd_defines, kind_rank,
};
use crate::classify::{self, Class, DeletePolicy};
use crate::manifest::Manifest;
use crate::model::{ResourceKey, Source, SyncPhase};
use crate::object::{self, keys};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

mod incremental;
pub use incremental::JoinMemo;

/// Builds the sorted task list (spec T-1 … T-10). Pure; `O(n log n)` in objects.
pub fn build_tasks(desired: &[Manifest], live: &LiveSet, settings: &SyncSettings) -> TaskSet {
    let prepared = Prepared::new(desired, settings);
    TaskSet {
        tasks: prepared.assemble(live).into_tasks(),
        excluded: prepared.excluded,
    }
}

/// The part of the task list that depends only on the desired manifests and the settings.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Target tasks in T-7 order after the T-10 moves (each moved task remembers where it
    /// came from, [`Task::moved_from`]): the whole task list whenever no prune or namespace
    /// task joins.
    adjusted: Arc<Vec<Task>>,
    /// Indices into `adjusted` ordered by key, and those with a namespace ordered by bare
    /// key: joined against the live map (ordered by key too) in one linear walk per pass.
    /// Built on the first join with a non-empty live set (a static plan never needs it).
    join_order: OnceLock<JoinOrder>,
    excluded: Exclusions,
    /// O-8: the destination namespace task, created when the namespace is not live.
    create_namespace: Option<Task>,
    dest_ns: String,
    /// P-5: the highest Sync-phase wave among the targets (before T-10).
    sync_wave_max: Option<i64>,
    /// P-5: the app-level `PruneLast=true` option.
    prune_last: bool,
}

/// The task list of one pass: the tasks in order, and the live object of each.
///
/// The tasks are kept apart from the live objects (their `live` field is `None`) so that a
/// pass without prunes shares the prepared list instead of copying it.
#[derive(Clone, Debug)]
pub struct Assembled {
    pub tasks: Arc<Vec<Task>>,
    /// `live[i]` is the live object of `tasks[i]`. Shared with the join memo between
    /// passes (`assemble_with`), so a pass does not copy ten thousand `Arc`s to read them.
    pub live: Arc<Vec<Option<Arc<Value>>>>,
}

impl Assembled {
    /// Owned tasks with their live objects and the live-dependent notes attached (what
    /// `hookline plan` and `lint` read).
    pub fn into_tasks(self) -> Vec<Task> {
        self.into_task_iter().collect()
    }

    /// [`Assembled::into_tasks`], one task at a time (the static plan turns each into its
    /// output form without collecting them first).
    pub(crate) fn into_task_iter(self) -> impl Iterator<Item = Task> {
        let tasks = Arc::try_unwrap(self.tasks).unwrap_or_else(|shared| (*shared).clone());
        tasks
            .into_iter()
            .zip(Arc::unwrap_or_clone(self.live))
            .map(|(mut t, live)| {
                if t.action == TaskAction::Apply
                    && let Some(note) = live_note(&t, live.is_some())
                {
                    let at = t.live_note_at.min(t.notes.len());
                    t.notes.insert(at, note);
                }
                t.live = live;
                t
            })
    }
}

/// The note a target gets from whether it is live: new resources, leftover hooks.
fn live_note(t: &Task, live: bool) -> Option<String> {
    match (t.hook, live) {
        (false, false) => Some("new: not live yet".into()),
        (true, true) => Some(leftover_note(&t.delete_policies)),
        _ => None,
    }
}

/// Below this many objects per thread, preparing tasks on one thread is faster.
const PARALLEL_MIN_OBJECTS: usize = 1024;

/// The tasks, exclusions and namespace targets of a run of consecutive manifests.
struct Targets<'a> {
    tasks: Vec<Task>,
    excluded: Exclusions,
    /// Names of the `Namespace` resource targets (O-8).
    resource_namespaces: BTreeSet<&'a str>,
}

impl<'a> Targets<'a> {
    fn prepare(desired: &'a [Manifest], settings: &SyncSettings, with_targets: bool) -> Self {
        let dest_ns = settings.namespace.as_str();
        let mut targets: Vec<Task> = Vec::with_capacity(desired.len());
        let mut excluded = Exclusions::default();
        let mut resource_namespaces: BTreeSet<&str> = BTreeSet::new();

        for m in desired {
            let obj = &m.object;
            let annotations = classify::Annotations::of(obj);
            let class = annotations.classify();
            // H-10 (classify::is_delete_hook_only, without classifying twice).
            if !matches!(class, Class::Hook { .. }) && !annotations.delete_hook_types().is_empty() {
                excluded.ignored.push(Excluded {
                    key: object::key(obj),
                    source: Some(m.source.clone()),
                    reason: "PreDelete/PostDelete hook: run by Argo CD when the Application is deleted, never during a sync (H-10)".into(),
                });
                continue;
            }
            match class {
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
                    let ns = enriched_namespace(obj, dest_ns);
                    let target = with_targets.then(|| {
                        let mut target = obj.clone();
                        object::set_namespace(&mut target, ns);
                        target
                    });
                    let (group, kind, name) =
                        (object::group(obj), object::kind(obj), object::name(obj));
                    if group.is_empty() && kind == "Namespace" {
                        resource_namespaces.insert(name);
                    }
                    let notes = wave_notes(&annotations);
                    let live_note_at = notes.len();
                    let mut t = new_task(
                        SyncPhase::Sync,
                        annotations.wave().0,
                        ResourceKey::new(group, kind, ns, name),
                        TaskAction::Apply,
                        target,
                        Some(m.source.clone()),
                        notes,
                    );
                    t.live_note_at = live_note_at;
                    t.crd = crd_defines(obj);
                    targets.push(t);
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
                    let policies = annotations.delete_policies();
                    let (wave, wave_source) = annotations.wave();
                    let ns = enriched_namespace(obj, dest_ns);
                    let crd = crd_defines(obj);
                    for phase in phases {
                        let mut notes = wave_notes(&annotations);
                        let name = if object::name(obj).is_empty() {
                            notes.push(format!(
                                "name generated from generateName {:?} (N-1)",
                                object::generate_name(obj)
                            ));
                            generated_name(object::generate_name(obj), settings, phase)
                        } else {
                            object::name(obj).to_string()
                        };
                        let live_note_at = notes.len();
                        let target = with_targets.then(|| {
                            let mut target = obj.clone();
                            object::set_name(&mut target, &name);
                            object::add_finalizer(&mut target, keys::HOOK_FINALIZER);
                            object::set_namespace(&mut target, ns);
                            target
                        });
                        let (group, kind) = (object::group(obj), object::kind(obj));
                        if phase == SyncPhase::SyncFail
                            && wave_source != classify::WaveSource::Default
                        {
                            notes.push(
                                "SyncFail hooks ignore their wave: all run together (H-9)".into(),
                            );
                        }
                        let mut t = new_task(
                            phase,
                            wave,
                            ResourceKey::new(group, kind, ns, name),
                            TaskAction::Apply,
                            target,
                            Some(m.source.clone()),
                            notes,
                        );
                        t.crd = crd.clone();
                        t.hook = true;
                        if object::name(obj).is_empty() {
                            t.generate_name = Some(object::generate_name(obj).to_string());
                        }
                        t.delete_policies = policies.clone();
                        t.live_note_at = live_note_at;
                        targets.push(t);
                    }
                }
            }
        }
        Targets {
            tasks: targets,
            excluded,
            resource_namespaces,
        }
    }
}

impl Prepared {
    pub fn new(desired: &[Manifest], settings: &SyncSettings) -> Prepared {
        Prepared::build(desired, settings, true)
    }

    /// The same tasks without the objects to apply (`target` is `None` on every task):
    /// for the static plan, which shows keys, order and notes only.
    pub(crate) fn without_targets(desired: &[Manifest], settings: &SyncSettings) -> Prepared {
        Prepared::build(desired, settings, false)
    }

    fn build(desired: &[Manifest], settings: &SyncSettings, with_targets: bool) -> Prepared {
        let dest_ns = settings.namespace.as_str();
        // Each object's tasks depend on that object alone: large sets are prepared in
        // consecutive runs on several threads and joined in order (same result as one run).
        let runs = crate::parallel::map_chunks(desired, PARALLEL_MIN_OBJECTS, |run| {
            Targets::prepare(run, settings, with_targets)
        });
        let mut targets: Vec<Task> = Vec::with_capacity(desired.len());
        let mut excluded = Exclusions::default();
        let mut resource_namespaces: BTreeSet<&str> = BTreeSet::new();
        for run in runs {
            targets.extend(run.tasks);
            excluded.ignored.extend(run.excluded.ignored);
            excluded.skipped.extend(run.excluded.skipped);
            resource_namespaces.extend(run.resource_namespaces);
        }

        // O-8: namespace auto-creation, checked against resource targets only.
        let create_namespace = (settings.has_option("CreateNamespace=true")
            && !resource_namespaces.contains(dest_ns))
        .then(|| {
            // T-4.1 applies to it too: cluster-scoped, yet enriched with the namespace.
            let target = json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": dest_ns, "namespace": dest_ns}});
            let ns = dest_ns;
            new_task(
                SyncPhase::PreSync,
                0,
                ResourceKey::new("", "Namespace", ns, dest_ns),
                TaskAction::CreateNamespace,
                Some(target),
                None,
                vec!["destination namespace created by CreateNamespace=true (O-8)".into()],
            )
        });

        let sync_wave_max = targets
            .iter()
            .filter(|t| t.phase == SyncPhase::Sync)
            .map(|t| t.wave)
            .max();
        // T-7 then T-10 on positions; the tasks move once, into their final places.
        let mut order = sort_order(&targets);
        adjust_order(&mut targets, &mut order);
        let adjusted = permuted(targets, order);
        Prepared {
            adjusted: Arc::new(adjusted),
            join_order: OnceLock::new(),
            excluded,
            create_namespace,
            dest_ns: dest_ns.to_string(),
            sync_wave_max,
            prune_last: settings.has_option("PruneLast=true"),
        }
    }

    /// The target tasks in order: the whole task list of a pass without prune or
    /// namespace tasks (`assemble` then shares this very allocation).
    pub fn targets(&self) -> &Arc<Vec<Task>> {
        &self.adjusted
    }

    /// Objects left out of the sync (H-5, H-7, H-10, O-11).
    pub fn excluded(&self) -> &Exclusions {
        &self.excluded
    }

    /// [`Prepared::excluded`], dropping the rest.
    pub(crate) fn into_excluded(self) -> Exclusions {
        self.excluded
    }

    /// The task list of a pass against `live`: `O(n log n)` lookups, and a re-sort only
    /// when prune or namespace tasks join the prepared targets.
    pub fn assemble(&self, live: &LiveSet) -> Assembled {
        let (found, claimed) = self.join_live(live);
        let unclaimed = live
            .objects
            .iter()
            .zip(&claimed)
            .filter(|(_, c)| !**c)
            .map(|(kv, _)| kv);
        self.complete(live, Arc::new(found), unclaimed)
    }

    /// The rest of [`Prepared::assemble`] once every target has its live object (`found`,
    /// by index into the prepared list) and the live objects no target claimed are known
    /// (in key order): prune and namespace tasks, and the re-sort they need.
    fn complete<'a>(
        &self,
        live: &'a LiveSet,
        found: Arc<Vec<Option<Arc<Value>>>>,
        unclaimed: impl Iterator<Item = (&'a ResourceKey, &'a Arc<Value>)>,
    ) -> Assembled {
        let prunes = self.prunes(unclaimed);
        let namespace = self.create_namespace.as_ref().filter(|_| {
            live.namespaces
                .as_ref()
                .is_some_and(|set| !set.contains(&self.dest_ns))
        });
        if prunes.is_empty() && namespace.is_none() {
            return Assembled {
                tasks: self.adjusted.clone(),
                live: found,
            };
        }

        // Extra tasks: merge them into the T-7 order, then run T-10 over the whole list.
        let mut targets = recover_t7_order(&self.adjusted);
        for t in &mut targets {
            t.live = live.find(t).map(|(_, v)| v.clone());
        }
        let mut tasks = merge(targets, prunes);
        if let Some(ns) = namespace {
            tasks = merge(tasks, vec![ns.clone()]);
        }
        adjust_dependencies(&mut tasks);
        let live = Arc::new(tasks.iter_mut().map(|t| t.live.take()).collect());
        Assembled {
            tasks: Arc::new(tasks),
            live,
        }
    }

    /// T-4.3 for every target at once: the live object of each task of `adjusted` (exact
    /// key first, else the same key without namespace), and which live objects (by position
    /// in the live map) some task claimed. A merge join of two key-ordered sequences:
    /// linear, no hashing, no allocation per task — this runs on every pass.
    fn join_live(&self, live: &LiveSet) -> (Vec<Option<Arc<Value>>>, Vec<bool>) {
        let tasks = &self.adjusted;
        let mut found: Vec<Option<Arc<Value>>> = vec![None; tasks.len()];
        let mut claimed = vec![false; live.objects.len()];
        if live.objects.is_empty() {
            return (found, claimed);
        }
        let order = self.join_order.get_or_init(|| JoinOrder::new(tasks));
        // Live objects without a namespace: the only ones a bare key can match (usually few).
        let mut bare_live: Vec<(usize, &ResourceKey, &Arc<Value>)> = Vec::new();
        let mut entries = live.objects.iter().enumerate().peekable();
        for &i in &order.by_key {
            let key = &tasks[i].key;
            while let Some(&(pos, (k, v))) = entries.peek() {
                match k.cmp(key) {
                    std::cmp::Ordering::Less => {
                        if k.namespace.is_empty() {
                            bare_live.push((pos, k, v));
                        }
                        entries.next();
                    }
                    std::cmp::Ordering::Equal => {
                        found[i] = Some(v.clone());
                        claimed[pos] = true;
                        break; // the next task may have the same key (a hook in two phases)
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
        }
        bare_live.extend(
            entries
                .filter(|(_, (k, _))| k.namespace.is_empty())
                .map(|(pos, (k, v))| (pos, k, v)),
        );
        // Only tasks no exact key matched fall back to the bare key (T-4.3).
        if !bare_live.is_empty() {
            let mut entries = bare_live.iter().peekable();
            for &i in &order.by_bare_key {
                if found[i].is_some() {
                    continue;
                }
                let key = &tasks[i].key;
                // Both sides have an empty namespace here: compare the rest of the key.
                while entries
                    .next_if(|(_, k, _)| bare_cmp(k, key).is_lt())
                    .is_some()
                {}
                if let Some((pos, k, v)) = entries.peek()
                    && bare_cmp(k, key).is_eq()
                {
                    found[i] = Some((*v).clone());
                    claimed[*pos] = true;
                }
            }
        }
        (found, claimed)
    }

    /// Prune candidates (P-1, P-2): managed live objects without a target, hooks excluded,
    /// with their waves mirrored (P-4) and PruneLast applied (P-5), in T-7 order.
    /// `unclaimed`: the live objects no target claimed, in key order.
    fn prunes<'a>(
        &self,
        unclaimed: impl Iterator<Item = (&'a ResourceKey, &'a Arc<Value>)>,
    ) -> Vec<Task> {
        let mut prunes: Vec<Task> = Vec::new();
        for (key, l) in unclaimed {
            match classify::classify(l) {
                Class::Resource => {}
                Class::Skip => continue,
                // Live hooks (leftovers of earlier syncs) are never pruned (T-2, P-2).
                Class::Hook { .. } | Class::Ignored { .. } => continue,
            }
            // A prune's result key is the live object's own (cluster-scoped: no namespace).
            let mut t = new_task(
                SyncPhase::Sync,
                classify::wave(l).0,
                key.clone(),
                TaskAction::Prune,
                None,
                None,
                vec!["prune: live but not in the desired state (P-1)".into()],
            );
            t.live = Some(l.clone());
            prunes.push(t);
        }
        if prunes.is_empty() {
            return prunes;
        }
        mirror_prune_waves(&mut prunes);
        self.apply_prune_last(&mut prunes);
        prunes.sort_by(compare);
        prunes
    }

    /// P-5: PruneLast prunes go to 1 + max(0, highest Sync-phase wave after P-4).
    fn apply_prune_last(&self, prunes: &mut [Task]) {
        let last = prunes
            .iter()
            .map(|t| t.wave)
            .chain(self.sync_wave_max)
            .max()
            .unwrap_or(0)
            .max(0)
            + 1;
        for t in prunes.iter_mut() {
            let own = t
                .live
                .as_ref()
                .is_some_and(|l| classify::has_sync_option(l, "PruneLast=true"));
            if self.prune_last || own {
                t.notes.push(format!("PruneLast: wave {} (P-5)", last));
                t.wave = last;
            }
        }
    }
}

/// The order of keys with their namespace left out (T-4.3's namespace-less key): group,
/// kind, name — the map order of live keys whose namespace is empty.
fn bare_cmp(a: &ResourceKey, b: &ResourceKey) -> std::cmp::Ordering {
    (&a.group, &a.kind, &a.name).cmp(&(&b.group, &b.kind, &b.name))
}

/// Task indices in key order and in bare-key order, for [`Prepared::join_live`].
#[derive(Clone, Debug)]
struct JoinOrder {
    by_key: Vec<usize>,
    by_bare_key: Vec<usize>,
}

impl JoinOrder {
    fn new(tasks: &[Task]) -> JoinOrder {
        let mut by_key: Vec<usize> = (0..tasks.len()).collect();
        by_key.sort_by(|&a, &b| tasks[a].key.cmp(&tasks[b].key));
        let mut by_bare_key: Vec<usize> = (0..tasks.len())
            .filter(|&i| !tasks[i].key.namespace.is_empty())
            .collect();
        by_bare_key.sort_by(|&a, &b| bare_cmp(&tasks[a].key, &tasks[b].key));
        JoinOrder {
            by_key,
            by_bare_key,
        }
    }
}

/// Merges two lists already in T-7 order; on ties `a` comes first, exactly as a stable sort
/// of `a` followed by `b` would order them.
fn merge(a: Vec<Task>, b: Vec<Task>) -> Vec<Task> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for t in a {
        while let Some(next) = b.next_if(|x| compare(x, &t).is_lt()) {
            out.push(next);
        }
        out.push(t);
    }
    out.extend(b);
    out
}

/// `tasks` stably sorted by [`compare`]. Sorts indices, then moves each task once: a task
/// is a few hundred bytes, and a comparison sort moving them was a sixth of planning 10k
/// objects (docs/benchmarks.md).
fn sorted_by_index(tasks: Vec<Task>) -> Vec<Task> {
    let order = sort_order(&tasks);
    permuted(tasks, order)
}

/// The positions of `tasks` in stable [`compare`] order.
fn sort_order(tasks: &[Task]) -> Vec<usize> {
    // Most comparisons are settled by phase, wave, kind rank and the first bytes of the
    // name: compare those from a compact copy, and the tasks themselves (strings in other
    // allocations) only on ties. The prefix orders like the name (big-endian,
    // zero-padded), so the result is `compare`'s order.
    let keys: Vec<_> = tasks
        .iter()
        .map(|t| (t.phase, t.wave, t.kind_rank, name_prefix(&t.key.name)))
        .collect();
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    // Ties broken by position: the order of a stable sort, with an unstable sort's speed.
    order.sort_unstable_by(|&a, &b| {
        keys[a]
            .cmp(&keys[b])
            .then_with(|| compare(&tasks[a], &tasks[b]))
            .then(a.cmp(&b))
    });
    order
}

/// The first 8 bytes of `name` as a big-endian number, zero-padded.
fn name_prefix(name: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = name.len().min(8);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// The tasks of `adjusted` as they were before the T-10 passes, in T-7 order.
pub(crate) fn recover_t7_order(adjusted: &[Task]) -> Vec<Task> {
    let targets: Vec<Task> = adjusted.iter().map(undo_move).collect();
    if adjusted.iter().any(|t| t.moved_from.is_some()) {
        // `compare` orders tasks by phase, wave and their whole key, which no two targets
        // share, so sorting restores the order T-10 started from.
        sorted_by_index(targets)
    } else {
        targets
    }
}

/// A copy of `t` as it was before a T-10 pass moved it.
fn undo_move(t: &Task) -> Task {
    let mut t = t.clone();
    if let Some((phase, wave)) = t.moved_from.take() {
        t.phase = phase;
        t.wave = wave;
        t.notes.pop();
    }
    t
}

fn new_task(
    phase: SyncPhase,
    wave: i64,
    key: ResourceKey,
    action: TaskAction,
    target: Option<Value>,
    source: Option<Source>,
    notes: Vec<String>,
) -> Task {
    Task {
        phase,
        wave,
        crd: None,
        generate_name: None,
        moved_from: None,
        kind_rank: kind_rank(&key.kind),
        live_note_at: notes.len(),
        key,
        action,
        target: target.map(Arc::new),
        live: None,
        hook: false,
        delete_policies: Vec::new(),
        source,
        notes,
    }
}

/// T-4.1: an empty namespace becomes the destination namespace, even on cluster-scoped kinds.
fn enriched_namespace<'a>(obj: &'a Value, dest_ns: &'a str) -> &'a str {
    match object::namespace(obj) {
        "" => dest_ns,
        ns => ns,
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

fn wave_notes(annotations: &classify::Annotations<'_>) -> Vec<String> {
    match annotations.wave() {
        (w, classify::WaveSource::HelmWeight) => {
            vec![format!("wave {w} from helm.sh/hook-weight (W-1, W-3)")]
        }
        (_, classify::WaveSource::Default) => match annotations.sync_wave_text() {
            Some(text) => vec![format!(
                "sync-wave {text:?} is not an integer: wave 0 (W-2)"
            )],
            None => Vec::new(),
        },
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

#[cfg(test)]
mod sort_key_tests {
    use super::name_prefix;

    #[test]
    fn name_prefixes_order_like_names() {
        let mut names = vec![
            "",
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefgh0",
            "abcdefgh1",
            "abcdefgi",
            "b",
            "z",
            "zz-very-long-name-0001",
            "zz-very-long-name-0002",
            "Z",
            "0",
            "é",
            "ée",
        ];
        names.sort();
        for pair in names.windows(2) {
            assert!(
                name_prefix(pair[0]) <= name_prefix(pair[1]),
                "{:?} < {:?}",
                pair[0],
                pair[1]
            );
        }
    }
}
