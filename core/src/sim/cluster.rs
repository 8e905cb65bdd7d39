//! The simulated cluster: an API server that answers the engine's effects, and controllers
//! that move status along health timelines on a virtual clock (scenario-format.md,
//! "Defaults of the simulated cluster").

use super::behaviour::{Behaviours, HealthStep};
use crate::engine::{ApplyMethod, Discovery, Effect, EffectResult};
use crate::health::{self, Health, HealthRules, HealthStatus};
use crate::model::{GroupKind, ResourceKey};
use crate::object::{self, keys};
use crate::plan::{Journal, Lineage, LiveSet, crd_defines};
use crate::text;
use foldhash::fast::FixedState;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A finalizer the simulator puts on objects whose deletion a rule makes hang.
pub const STUCK_FINALIZER: &str = "hookline.dev/stuck-deletion";

/// Kinds that are cluster-scoped in every Kubernetes version (for key normalisation).
pub const CLUSTER_SCOPED: [(&str, &str); 16] = [
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("networking.k8s.io", "IngressClass"),
    ("apiregistration.k8s.io", "APIService"),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    ("node.k8s.io", "RuntimeClass"),
    ("policy", "PodSecurityPolicy"),
    ("argoproj.io", "ClusterWorkflowTemplate"),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimObject {
    /// Shared with the live snapshots handed to the engine; written copy-on-write.
    pub object: Arc<Value>,
    /// Carries the app's tracking metadata: part of the app's live set (prunable, leftovers).
    pub tracked: bool,
    #[serde(skip)]
    timeline: Vec<HealthStep>,
    #[serde(skip)]
    timeline_start: u64,
    /// Index of the timeline entry last written into `status`.
    #[serde(skip)]
    applied_step: Option<usize>,
    /// The health last assessed when a status was written, with the very object it was
    /// assessed on. Valid while `object` is still that allocation: every write replaces
    /// `object` or, since this clone shares it, copies it (`Arc::make_mut`). The health
    /// rules are the cluster's, fixed for a simulation.
    #[serde(skip)]
    assessed: Assessed,
}

/// A cache, not state: equal to any other and left out of debug output.
#[derive(Clone, Default)]
struct Assessed(Option<(Arc<Value>, Option<Health>)>);

impl PartialEq for Assessed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Assessed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl SimObject {
    /// The object's health (`health::assess`), reusing the last assessment when the object
    /// has not changed since.
    pub fn health(&self, rules: &HealthRules) -> Option<Health> {
        match &self.assessed.0 {
            Some((assessed, health)) if Arc::ptr_eq(assessed, &self.object) => {
                // Debug builds check every reuse against a fresh assessment.
                debug_assert_eq!(*health, health::assess(&self.object, rules));
                health.clone()
            }
            _ => health::assess(&self.object, rules),
        }
    }
}

/// Something that happened inside the cluster (not requested by the engine).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ClusterEvent {
    #[serde(rename_all = "camelCase")]
    Health {
        key: ResourceKey,
        status: HealthStatus,
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Gone { key: ResourceKey },
    #[serde(rename_all = "camelCase")]
    KindServed { kind: GroupKind },
    #[serde(rename_all = "camelCase")]
    Note { text: String },
}

#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// Hashed, not ordered: every effect, timeline step and snapshot update looks objects
    /// up by key, and a search of an ordered map of thousands of keys costs a dozen key
    /// comparisons. The one ordered walk (`objects()`) sorts.
    objects: HashMap<ResourceKey, SimObject, FixedState>,
    unknown_kinds: BTreeSet<GroupKind>,
    /// Kinds made served by a CRD applied for real.
    crd_kinds: BTreeMap<GroupKind, bool>,
    pub behaviours: Behaviours,
    pub rules: HealthRules,
    now: u64,
    next_uid: u64,
    /// Bumped on every change of cluster state (watch events would fire).
    changes: u64,
    /// Upcoming timeline boundaries: (time, object). Stale entries (the object's timeline
    /// restarted or the object is gone) are skipped when reached. Keeps advancing the clock
    /// O(log n) per event instead of a scan of every object.
    agenda: BTreeSet<(u64, ResourceKey)>,
    /// The app's live view as of the last `live_set()` call, and the keys written since:
    /// keeps a pass's snapshot O(changes) instead of a copy of the whole cluster.
    live: Arc<LiveSet>,
    dirty: BTreeSet<ResourceKey>,
    /// Stamps each new snapshot with its generation and dirty keys (`plan::Journal`), so
    /// the engine re-joins only what moved. A cloned cluster is a new lineage.
    lineage: Lineage,
}

impl Cluster {
    pub fn new(
        unknown_kinds: BTreeSet<GroupKind>,
        behaviours: Behaviours,
        rules: HealthRules,
    ) -> Self {
        let mut c = Cluster {
            unknown_kinds,
            behaviours,
            rules,
            ..Cluster::default()
        };
        for ns in ["default", "kube-system", "kube-public"] {
            c.insert_raw(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                false,
            );
        }
        c
    }

    pub fn now(&self) -> u64 {
        self.now
    }

    /// A counter that moves whenever anything in the cluster changed.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Adds an object that exists before the first operation (scenario `cluster:`), tracked.
    /// It keeps its `status`; a namespaced object without a namespace goes to `default_ns`.
    pub fn seed(&mut self, mut obj: Value, default_ns: &str) {
        if object::namespace(&obj).is_empty() && !self.is_cluster_scoped(&object::group_kind(&obj))
        {
            object::set_namespace(&mut obj, default_ns);
        }
        if let Some(gk) = crd_defines(&obj) {
            self.crd_kinds.insert(gk, is_cluster_crd(&obj));
        }
        self.insert_raw(obj, true);
    }

    fn insert_raw(&mut self, mut obj: Value, tracked: bool) {
        self.next_uid += 1;
        let meta = object::metadata_mut(&mut obj);
        meta.entry("uid")
            .or_insert_with(|| Value::String(text::number_between("uid-", self.next_uid, "")));
        let key = self.normalise(&object::key(&obj)).into_owned();
        self.dirty.insert(key.clone());
        self.objects.insert(
            key,
            SimObject {
                object: Arc::new(obj),
                tracked,
                timeline: Vec::new(),
                timeline_start: 0,
                applied_step: None,
                assessed: Assessed::default(),
            },
        );
    }

    /// Every object, in key order.
    pub fn objects(&self) -> impl Iterator<Item = (&ResourceKey, &SimObject)> {
        let mut all: Vec<_> = self.objects.iter().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all.into_iter()
    }

    pub fn get(&self, key: &ResourceKey) -> Option<&SimObject> {
        self.objects.get(&*self.normalise(key))
    }

    pub fn discovery(&self) -> Discovery {
        let unserved = self
            .unknown_kinds
            .iter()
            .filter(|gk| !self.crd_kinds.contains_key(*gk))
            .cloned()
            .collect();
        Discovery { unserved }
    }

    /// The app's live view: tracked objects, plus every namespace name (O-8 lookups).
    /// Brings the kept snapshot up to date with the keys written since the last call; the
    /// snapshot is copied only if an earlier caller still holds it.
    pub fn live_set(&mut self) -> Arc<LiveSet> {
        if self.live.namespaces.is_none() {
            Arc::make_mut(&mut self.live).namespaces = Some(BTreeSet::new());
        }
        if self.dirty.is_empty() {
            return self.live.clone();
        }
        let live = Arc::make_mut(&mut self.live);
        // The dirty keys move into the journal (in key order); the snapshot is updated
        // from there, one map lookup per key.
        let changed: Arc<Vec<ResourceKey>> =
            Arc::new(std::mem::take(&mut self.dirty).into_iter().collect());
        for key in changed.iter() {
            let current = self.objects.get(key);
            match current.filter(|o| o.tracked) {
                Some(o) => {
                    live.objects.insert(key.clone(), o.object.clone());
                }
                None => {
                    live.objects.remove(key);
                }
            }
            if key.group.is_empty()
                && key.kind == "Namespace"
                && let Some(names) = live.namespaces.as_mut()
            {
                if current.is_some() {
                    names.insert(key.name.clone());
                } else {
                    names.remove(&key.name);
                }
            }
        }
        live.journal = Journal {
            lineage: self.lineage.id(),
            generation: live.journal.generation + 1,
            changed,
        };
        self.live.clone()
    }

    fn is_cluster_scoped(&self, gk: &GroupKind) -> bool {
        self.is_cluster_scoped_kind(&gk.group, &gk.kind)
    }

    /// [`Cluster::is_cluster_scoped`] without building a `GroupKind` (asked on every
    /// effect): the kind is compared first, as it is what differs.
    fn is_cluster_scoped_kind(&self, group: &str, kind: &str) -> bool {
        CLUSTER_SCOPED
            .iter()
            .any(|(g, k)| *k == kind && *g == group)
            || (!self.crd_kinds.is_empty()
                && self
                    .crd_kinds
                    .get(&GroupKind {
                        group: group.to_string(),
                        kind: kind.to_string(),
                    })
                    .copied()
                    .unwrap_or(false))
    }

    /// Task keys carry the destination namespace even for cluster-scoped kinds (T-4);
    /// the cluster stores those without one.
    fn normalise<'k>(&self, key: &'k ResourceKey) -> Cow<'k, ResourceKey> {
        if !key.namespace.is_empty() && self.is_cluster_scoped_kind(&key.group, &key.kind) {
            Cow::Owned(key.without_namespace())
        } else {
            Cow::Borrowed(key)
        }
    }

    /// Marks `key` written since the last snapshot.
    fn mark_dirty(&mut self, key: &ResourceKey) {
        self.dirty.insert(key.clone());
    }

    fn serves(&self, gk: &GroupKind) -> bool {
        !self.unknown_kinds.contains(gk) || self.crd_kinds.contains_key(gk)
    }

    // --- the API server ------------------------------------------------------------------

    /// Performs one effect at the current virtual time.
    pub fn perform(&mut self, effect: &Effect, events: &mut Vec<ClusterEvent>) -> EffectResult {
        match effect {
            Effect::Apply {
                key,
                object,
                dry_run,
                method,
                server_side,
                force,
                tracked,
                ..
            } => self.apply(
                key,
                object,
                *dry_run,
                *method,
                *server_side,
                *force,
                *tracked,
                events,
            ),
            Effect::Delete { key, .. } => self.delete(key, events),
            Effect::RemoveFinalizer { key, finalizer, .. } => {
                let nk = self.normalise(key);
                match self.objects.get_mut(&nk) {
                    None => EffectResult::NotFound,
                    Some(o) => {
                        if object::has_finalizer(&o.object, finalizer)
                            && object::remove_finalizer(Arc::make_mut(&mut o.object), finalizer)
                        {
                            self.changes += 1;
                            self.mark_dirty(&nk);
                        }
                        self.collect_if_done(&nk, events);
                        EffectResult::Ok {
                            message: String::new(),
                        }
                    }
                }
            }
            Effect::Get { key, .. } => match self.get(key) {
                Some(o) => EffectResult::Fetched {
                    object: (*o.object).clone(),
                },
                None => EffectResult::NotFound,
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        key: &ResourceKey,
        target: &Value,
        dry_run: bool,
        method: ApplyMethod,
        server_side: bool,
        force: bool,
        tracked: bool,
        events: &mut Vec<ClusterEvent>,
    ) -> EffectResult {
        // Most clusters serve every kind: no `GroupKind` is built to ask.
        if !self.unknown_kinds.is_empty() {
            let gk = key.group_kind();
            if !self.serves(&gk) {
                return EffectResult::Failed {
                    message: format!(
                        "the server could not find the requested resource (kind {gk} is not served)"
                    ),
                };
            }
        }
        let rules = self.behaviours.resolve(key);
        let nk = self.normalise(key);
        if dry_run {
            if let Some(msg) = rules.dry_run_fails {
                return EffectResult::Failed { message: msg };
            }
            let verb_dry_run = if self.objects.contains_key(&nk) {
                " configured (dry run)"
            } else {
                " created (dry run)"
            };
            return EffectResult::Ok {
                message: kubectl_message(key, &[verb_dry_run]),
            };
        }
        if let Some(msg) = rules.apply_fails {
            return EffectResult::Failed { message: msg };
        }
        // The object as written: the effect's, without a namespace for a cluster-scoped
        // kind. Copied only where it is used: a create builds its own (`create`).
        let cluster_scoped = self.is_cluster_scoped_kind(&key.group, &key.kind);
        let written_form = || {
            let mut target = target.clone();
            if cluster_scoped
                && let Some(meta) = target.get_mut("metadata").and_then(Value::as_object_mut)
            {
                meta.remove("namespace");
            }
            target
        };
        let existing = self.objects.get(&nk).cloned();
        let recreate = matches!(method, ApplyMethod::Replace) && force;
        let verb;
        match existing {
            Some(old) if !recreate => {
                let target = written_form();
                if let Some(msg) = immutable_violation(key, &old.object, &target) {
                    if !force {
                        return EffectResult::Failed { message: msg };
                    }
                    // `kubectl apply --force` deletes and re-creates on such errors (D-7.3).
                    self.remove(&nk);
                    self.create(&nk, &written_form, tracked, events);
                    verb = "replaced";
                } else {
                    let spec_changed = spec_of(&old.object) != spec_of(&target);
                    // A finalizer the target declares and the live object lacks is a change
                    // too: kubectl says `configured` when a leftover hook gets its hook
                    // finalizer back (D-7.1), as the API server of `hookline sync` does.
                    let adds_finalizer = object::finalizers(&target)
                        .iter()
                        .any(|f| !object::has_finalizer(&old.object, f));
                    let content_changed = spec_changed
                        || adds_finalizer
                        || content_of(&old.object) != content_of(&target);
                    let mut merged = target;
                    keep_server_fields(&mut merged, &old.object);
                    if merged != *old.object {
                        self.changes += 1;
                    }
                    self.mark_dirty(&nk);
                    if let Some(o) = self.objects.get_mut(&nk) {
                        o.object = Arc::new(merged);
                        o.tracked = o.tracked || tracked;
                    }
                    if spec_changed {
                        self.mark_dirty(&nk);
                        bump_generation(self.objects.get_mut(&nk));
                        self.start_timeline(&nk, events, None);
                    }
                    verb = match method {
                        ApplyMethod::Replace => "replaced",
                        ApplyMethod::Update => "updated",
                        _ if server_side => "serverside-applied",
                        _ if content_changed => "configured",
                        _ => "unchanged",
                    };
                }
            }
            Some(_) => {
                self.remove(&nk);
                self.create(&nk, &written_form, tracked, events);
                verb = "replaced";
            }
            None => {
                self.create(&nk, &written_form, tracked, events);
                verb = if server_side {
                    "serverside-applied"
                } else {
                    "created"
                };
            }
        }
        if let Some(gk) = self.objects.get(&nk).and_then(|o| crd_defines(&o.object)) {
            let cluster = self
                .objects
                .get(&nk)
                .is_some_and(|o| is_cluster_crd(&o.object));
            if self.crd_kinds.insert(gk.clone(), cluster).is_none()
                && self.unknown_kinds.contains(&gk)
            {
                events.push(ClusterEvent::KindServed { kind: gk });
            }
        }
        let message = if method == ApplyMethod::Update {
            text::concat(&[&key.kind, "/", &key.name, " updated"])
        } else {
            kubectl_message(key, &[" ", verb])
        };
        EffectResult::Ok { message }
    }

    /// Stores a new object built by `form` and starts its health timeline.
    fn create(
        &mut self,
        nk: &ResourceKey,
        form: &dyn Fn() -> Value,
        tracked: bool,
        events: &mut Vec<ClusterEvent>,
    ) {
        self.changes += 1;
        self.next_uid += 1;
        let (uid, now) = (self.next_uid, self.now);
        // What the API server stores: no status, and the server's fields. Built a second
        // time only if the first status write fails (see `advance_object`).
        let stored = || {
            let mut obj = form();
            if let Some(map) = obj.as_object_mut() {
                map.remove("status");
            }
            let meta = object::metadata_mut(&mut obj);
            meta.insert(
                "uid".into(),
                Value::String(text::number_between("uid-", uid, "")),
            );
            meta.insert("generation".into(), json!(1));
            meta.insert(
                "creationTimestamp".into(),
                Value::String(text::number_between("+", now, "ms")),
            );
            obj
        };
        self.mark_dirty(nk);
        self.objects.insert(
            nk.clone(),
            SimObject {
                object: Arc::new(stored()),
                tracked,
                timeline: Vec::new(),
                timeline_start: now,
                applied_step: None,
                assessed: Assessed::default(),
            },
        );
        self.start_timeline(nk, events, Some(&stored));
    }

    /// (Re)starts an object's health timeline from the rules in force now.
    /// `stored` rebuilds a new object as it was stored, for a first status write that
    /// fails (`advance_object`).
    fn start_timeline(
        &mut self,
        nk: &ResourceKey,
        events: &mut Vec<ClusterEvent>,
        stored: Option<&dyn Fn() -> Value>,
    ) {
        let resolved = self.behaviours.resolve(nk);
        let now = self.now;
        let Some(o) = self.objects.get_mut(nk) else {
            return;
        };
        let timeline = health_timeline(resolved.timeline, &o.object);
        let mut at = now;
        for step in &timeline {
            match step.duration {
                Some(d) => {
                    at = at.saturating_add(d.millis());
                    self.agenda.insert((at, nk.clone()));
                }
                None => break,
            }
        }
        o.timeline = timeline;
        o.timeline_start = now;
        o.applied_step = None;
        self.advance_object(nk, events, stored);
    }

    fn delete(&mut self, key: &ResourceKey, events: &mut Vec<ClusterEvent>) -> EffectResult {
        let nk = self.normalise(key);
        let hangs = self.behaviours.resolve(key).delete_hangs;
        let now = self.now;
        let Some(o) = self.objects.get_mut(&nk) else {
            return EffectResult::NotFound;
        };
        let marked = object::deletion_timestamp(&o.object).is_some();
        let stuck = object::has_finalizer(&o.object, STUCK_FINALIZER);
        if !marked {
            object::metadata_mut(Arc::make_mut(&mut o.object)).insert(
                "deletionTimestamp".into(),
                Value::String(text::number_between("+", now, "ms")),
            );
        }
        if hangs && !stuck {
            object::add_finalizer(Arc::make_mut(&mut o.object), STUCK_FINALIZER);
        }
        if !marked || (hangs && !stuck) {
            self.changes += 1;
            self.mark_dirty(&nk);
        }
        self.collect_if_done(&nk, events);
        EffectResult::Ok {
            message: String::new(),
        }
    }

    /// An object marked for deletion goes once its last finalizer is removed.
    fn collect_if_done(&mut self, nk: &ResourceKey, events: &mut Vec<ClusterEvent>) {
        let done = self.objects.get(nk).is_some_and(|o| {
            object::deletion_timestamp(&o.object).is_some()
                && object::finalizers(&o.object).is_empty()
        });
        if done {
            self.changes += 1;
            self.remove(nk);
            events.push(ClusterEvent::Gone { key: nk.clone() });
        }
    }

    // --- the controllers -------------------------------------------------------------------

    fn remove(&mut self, nk: &ResourceKey) {
        self.mark_dirty(nk);
        self.objects.remove(nk);
    }

    /// Moves the clock to `t` and every object whose timeline moved to its entry at `t`.
    pub fn advance_to(&mut self, t: u64, events: &mut Vec<ClusterEvent>) {
        self.now = self.now.max(t);
        while let Some(first) = self.agenda.first() {
            if first.0 > self.now {
                break;
            }
            if let Some((_, k)) = self.agenda.pop_first() {
                self.advance_object(&k, events, None);
            }
        }
    }

    /// Writes the status of the timeline entry in force now, if it is not written yet.
    /// `stored` (a new object, see `create`) rebuilds the object as it was stored.
    fn advance_object(
        &mut self,
        nk: &ResourceKey,
        events: &mut Vec<ClusterEvent>,
        stored: Option<&dyn Fn() -> Value>,
    ) {
        let now = self.now;
        let rules = &self.rules;
        let Some(o) = self.objects.get_mut(nk) else {
            return;
        };
        let Some(step) = current_step(&o.timeline, now.saturating_sub(o.timeline_start)) else {
            return;
        };
        if o.applied_step == Some(step) {
            return;
        }
        o.applied_step = Some(step);
        let entry = &o.timeline[step];
        let message = entry.message.clone().unwrap_or_default();
        let written = match (stored, Arc::get_mut(&mut o.object)) {
            // A new object that nothing shares yet is written in place; a write that
            // fails (some fail after changing the object: a user rule that cannot reach
            // the status) leaves it built again as it was stored.
            (Some(stored), Some(new)) if !crate::SMALL_MODULE => {
                let written = health::synth::write_status_owned(
                    std::mem::take(new),
                    entry.status,
                    &message,
                    rules,
                );
                if written.is_err() {
                    *new = stored();
                }
                written
            }
            // Otherwise one copy (the object is shared with the live snapshot), written
            // and assessed once.
            _ => health::synth::write_status_copy(&o.object, entry.status, &message, rules),
        };
        match written {
            Ok((written, verified)) => {
                match Arc::get_mut(&mut o.object) {
                    Some(slot) => *slot = written,
                    None => o.object = Arc::new(written),
                }
                let h = verified.or_else(|| health::assess(&o.object, rules));
                if !crate::SMALL_MODULE {
                    o.assessed = Assessed(Some((o.object.clone(), h.clone())));
                }
                let (status, message) = match h {
                    Some(h) => (h.status, h.message),
                    None => (entry.status, message),
                };
                events.push(ClusterEvent::Health {
                    key: nk.clone(),
                    status,
                    message,
                });
                self.changes += 1;
                self.mark_dirty(nk);
            }
            Err(e) => events.push(ClusterEvent::Note {
                text: format!(
                    "{nk}: cannot show {:?} ({e}); its status is left as it was",
                    entry.status
                ),
            }),
        }
    }

    /// When the next timeline entry of any object starts, if any.
    pub fn next_event_at(&self) -> Option<u64> {
        self.agenda
            .iter()
            .map(|(t, _)| *t)
            .find(|t| *t > self.now)
            .or_else(|| {
                // Entries at or before `now` not yet applied are due at once.
                self.agenda.first().map(|(t, _)| (*t).max(self.now))
            })
    }
}

fn current_step(timeline: &[HealthStep], elapsed: u64) -> Option<usize> {
    if timeline.is_empty() {
        return None;
    }
    let mut start = 0u64;
    for (i, step) in timeline.iter().enumerate() {
        match step.duration {
            Some(d) => {
                start = start.saturating_add(d.millis());
                if elapsed < start {
                    return Some(i);
                }
            }
            None => return Some(i),
        }
    }
    Some(timeline.len() - 1)
}

/// The health timeline an object follows once applied: its behaviour rules' timeline, else
/// the default "Progressing for 1 s, then Healthy" for kinds with a built-in health check,
/// else none (scenario-format.md, "Defaults of the simulated cluster"). The loopback API
/// server of the driver tests follows the same timelines through this function.
pub fn health_timeline(from_rules: Option<Vec<HealthStep>>, obj: &Value) -> Vec<HealthStep> {
    match from_rules {
        Some(t) => t,
        None if default_timeline_applies(obj) => vec![
            HealthStep {
                status: HealthStatus::Progressing,
                duration: Some(crate::duration::Duration::from_secs(1)),
                message: None,
            },
            HealthStep {
                status: HealthStatus::Healthy,
                duration: None,
                message: None,
            },
        ],
        None => Vec::new(),
    }
}

/// Kinds whose default timeline is "Progressing for 1s, then Healthy": every built-in
/// check except a non-LoadBalancer Service, which is Healthy at once.
pub fn default_timeline_applies(obj: &Value) -> bool {
    let (group, kind) = (object::group(obj), object::kind(obj));
    match (group, kind) {
        ("", "Service") => object::str_at(obj, &["spec", "type"]) == Some("LoadBalancer"),
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job")
        | ("", "Pod" | "PersistentVolumeClaim")
        | ("extensions" | "networking.k8s.io", "Ingress")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("apiregistration.k8s.io", "APIService")
        | ("argoproj.io", "Workflow") => true,
        _ => false,
    }
}

fn is_cluster_crd(obj: &Value) -> bool {
    object::str_at(obj, &["spec", "scope"]) == Some("Cluster")
}

/// kubectl's message for an object: `kind[.group]` lower-cased (`deployment.apps`), `/`,
/// the name, then the parts of `tail` (` `, `created`), built in one string.
fn kubectl_message(key: &ResourceKey, tail: &[&str]) -> String {
    let (kind, group, name) = (&key.kind, &key.group, &key.name);
    let tail_len: usize = tail.iter().map(|t| t.len()).sum();
    let mut out = String::with_capacity(kind.len() + group.len() + name.len() + tail_len + 2);
    if kind.is_ascii() {
        out.extend(kind.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&kind.to_lowercase());
    }
    if !group.is_empty() {
        out.push('.');
        out.push_str(group);
    }
    out.push('/');
    out.push_str(name);
    for t in tail {
        out.push_str(t);
    }
    out
}

fn spec_of(obj: &Value) -> Option<&Value> {
    obj.get("spec")
}

/// Everything a user sets: all but status and server-owned metadata.
fn content_of(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("status");
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for f in [
                "uid",
                "generation",
                "creationTimestamp",
                "resourceVersion",
                "deletionTimestamp",
                "finalizers",
            ] {
                meta.remove(f);
            }
        }
    }
    v
}

/// Job `spec.template` and Pod `spec` cannot change (spec D-7.2).
pub fn immutable_violation(key: &ResourceKey, old: &Value, new: &Value) -> Option<String> {
    match (key.group.as_str(), key.kind.as_str()) {
        ("batch", "Job") if old.pointer("/spec/template") != new.pointer("/spec/template") => {
            Some(format!(
                "Job.batch \"{}\" is invalid: spec.template: Invalid value: \"...\": field is immutable",
                key.name
            ))
        }
        ("", "Pod") if old.get("spec") != new.get("spec") => Some(format!(
            "Pod \"{}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image` (field is immutable)",
            key.name
        )),
        _ => None,
    }
}

/// An update keeps what the server owns: status, uid, creation time, generation,
/// deletion state and finalizers that others put there.
fn keep_server_fields(new: &mut Value, old: &Value) {
    let status = old.get("status").cloned();
    let old_meta = old.get("metadata").cloned().unwrap_or_default();
    let foreign: Vec<String> = object::finalizers(old)
        .into_iter()
        .filter(|f| *f != keys::HOOK_FINALIZER)
        .map(str::to_string)
        .collect();
    if let Some(map) = new.as_object_mut() {
        match status {
            Some(s) => {
                map.insert("status".into(), s);
            }
            None => {
                map.remove("status");
            }
        }
    }
    let meta = object::metadata_mut(new);
    for f in [
        "uid",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
    ] {
        if let Some(v) = old_meta.get(f) {
            meta.insert(f.into(), v.clone());
        }
    }
    for f in foreign {
        object::add_finalizer(new, &f);
    }
}

fn bump_generation(o: Option<&mut SimObject>) {
    if let Some(o) = o {
        let g = o
            .object
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        object::metadata_mut(Arc::make_mut(&mut o.object))
            .insert("generation".into(), json!(g + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DeleteReason, Propagation};
    use crate::model::SyncPhase;

    /// A plain apply of `target` for real.
    fn apply(key: &ResourceKey, target: Value) -> Effect {
        Effect::Apply {
            key: key.clone(),
            phase: SyncPhase::Sync,
            object: Arc::new(target),
            dry_run: false,
            method: ApplyMethod::Apply,
            server_side: false,
            force: false,
            validate: true,
            tracked: true,
            rule: "R-7",
        }
    }

    /// The health kept from the last status write is reused only for that very object:
    /// marking it deleted (copy-on-write) must show `Pending deletion` (HL-2.1).
    #[test]
    fn kept_health_follows_writes() {
        let rules = HealthRules::default();
        let mut cluster = Cluster::new(BTreeSet::new(), Behaviours::new(Vec::new()), rules);
        let key = ResourceKey::new("apps", "Deployment", "default", "web");
        let target = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "finalizers": ["example.com/keep"]},
            "spec": {"replicas": 1}});
        let mut events = Vec::new();
        let applied = cluster.perform(&apply(&key, target), &mut events);
        assert!(matches!(applied, EffectResult::Ok { .. }), "{applied:?}");
        cluster.advance_to(3_600_000, &mut events);
        let health = |c: &Cluster| {
            let o = c.get(&key).expect("still there");
            let fresh = health::assess(&o.object, &c.rules);
            assert_eq!(
                o.health(&c.rules),
                fresh,
                "kept health differs from a fresh one"
            );
            fresh.map(|h| h.status)
        };
        assert_eq!(health(&cluster), Some(HealthStatus::Healthy));

        cluster.perform(
            &Effect::Delete {
                key: key.clone(),
                propagation: Propagation::Foreground,
                reason: DeleteReason::Prune,
                rule: "P-3",
            },
            &mut events,
        );
        assert_eq!(health(&cluster), Some(HealthStatus::Progressing));
    }

    /// A new object gets its first status written in place instead of on a copy; what is
    /// stored must be what the copy gave, for every kind and status, including the
    /// writes that fail (the object is then stored as it was), also after changing the
    /// object (a user rule that cannot reach the status asked for). Objects are compared
    /// as JSON text, which also pins the order of their fields.
    #[test]
    fn a_new_object_is_written_as_on_a_copy() {
        use crate::health::HealthRule;
        use crate::reference::Reference;
        use crate::sim::BehaviourRule;
        let rules: Vec<HealthRule> = serde_json::from_value(json!([
            {"kind": "example.com/Widget", "condition": {"type": "Ready", "ifFalse": "Healthy", "ifUnknown": "Healthy"}},
            // The message lands on the field that carries the health: no status but the
            // default can be reached, and the others fail after the write.
            {"kind": "example.com/Gadget", "field": {"path": "status.phase", "map": {"Ready": "Healthy"}, "messagePath": "status.phase"}}
        ]))
        .expect("rules");
        let rules = HealthRules::new(rules);
        let objects = [
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "default"}, "spec": {"replicas": 2, "paused": true}, "status": {"replicas": 9}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x", "namespace": "default"}, "spec": {"template": {"spec": {"restartPolicy": "Never"}}}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "namespace": "default"}, "spec": {"containers": [{"name": "a", "image": "b"}]}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x", "namespace": "default"}, "spec": {"type": "LoadBalancer"}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "x", "namespace": "default"}, "spec": {}}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "x", "namespace": "default"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x", "namespace": "default"}, "status": {"kept": true}}),
            json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "x", "namespace": "default"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}}),
        ];
        let statuses = [
            HealthStatus::Healthy,
            HealthStatus::Progressing,
            HealthStatus::Degraded,
            HealthStatus::Suspended,
            HealthStatus::Missing,
            HealthStatus::Unknown,
        ];
        let stored_with = |target: &Value, timeline: Vec<HealthStep>| {
            let key = object::key(target);
            let rule = BehaviourRule {
                matches: Reference::parse(&format!("{}/{}", key.kind, key.name))
                    .expect("reference"),
                outcome: None,
                after: None,
                health: Some(timeline),
                apply: None,
                dry_run: None,
                message: None,
                delete: None,
            };
            let mut cluster =
                Cluster::new(BTreeSet::new(), Behaviours::new(vec![rule]), rules.clone());
            let mut events = Vec::new();
            let applied = cluster.perform(&apply(&key, target.clone()), &mut events);
            assert!(matches!(applied, EffectResult::Ok { .. }), "{applied:?}");
            cluster.get(&key).expect("created").object.as_ref().clone()
        };
        let (mut failed, mut not_reached) = (0, 0);
        for target in &objects {
            // An empty timeline writes no status: the object as created.
            let created = stored_with(target, Vec::new());
            for status in statuses {
                let step = HealthStep {
                    status,
                    duration: None,
                    message: Some("said so".into()),
                };
                let expected =
                    match health::synth::write_status_copy(&created, status, "said so", &rules) {
                        Ok((written, _)) => written,
                        Err(e) => {
                            failed += 1;
                            not_reached += usize::from(matches!(
                                e,
                                health::synth::SynthError::NotReached { .. }
                            ));
                            created.clone()
                        }
                    };
                let got = stored_with(target, vec![step]);
                assert_eq!(
                    serde_json::to_string(&got).expect("json"),
                    serde_json::to_string(&expected).expect("json"),
                    "{} {status:?}",
                    object::kind(target)
                );
            }
        }
        assert!(
            failed > 0,
            "no write failed: the failure path went untested"
        );
        assert!(not_reached > 0, "no write failed after changing the object");
    }
}
