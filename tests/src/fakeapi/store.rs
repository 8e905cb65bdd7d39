//! The fixture's object store and API semantics, without HTTP: resourceVersions, watch
//! history with compaction (410 Gone), server-side apply with field ownership for the
//! fields hookline relies on, create/replace/merge-patch, deletion with finalizers and
//! deletionTimestamp, owner references and garbage collection, dry-run, the status
//! subresource. Behaviour rules (scenario
//! `behaviour:`) decide injected failures, exactly as in `core::sim`.

use super::gc;
use super::resources::{ResourceDef, builtin};
pub use hookline_core::engine::Propagation;
use hookline_core::health::HealthRules;
use hookline_core::model::ResourceKey;
use hookline_core::object;
use hookline_core::plan::crd_defines;
use hookline_core::sim::{Behaviours, STUCK_FINALIZER, immutable_violation};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use tokio::sync::broadcast;

/// `(resource id "group/plural", namespace, name)`.
pub type ObjId = (String, String, String);

#[derive(Clone, Debug)]
pub struct Obj {
    pub value: Value,
    /// The last configuration applied by each field manager (server-side apply): fields
    /// a manager applied before and omits now are removed.
    pub applied: BTreeMap<String, Value>,
    /// Bumped when the object's health timeline restarts (older timers stop).
    pub epoch: u64,
}

#[derive(Clone, Debug)]
pub struct WatchRecord {
    pub rv: u64,
    pub res: String,
    pub kind: &'static str,
    pub object: Value,
}

/// An API error: HTTP status, Kubernetes reason, message.
#[derive(Clone, Debug)]
pub struct ApiError(pub u16, pub &'static str, pub String);

pub type ApiResult = Result<(u16, Value), ApiError>;

/// A request as the fixture saw it (tests inspect these).
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// When the request arrived.
    pub at: std::time::Instant,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    /// The request body (writes), for inspection.
    pub body: String,
}

/// An injected failure for requests whose method and path match.
#[derive(Clone, Debug)]
pub struct Fault {
    /// `GET`, `PATCH`… or `*`.
    pub method: String,
    pub path_contains: String,
    /// The HTTP status to answer with; 0 = never answer (a stalled server).
    pub status: u16,
    pub message: String,
    pub times: u32,
}

pub struct Store {
    pub resources: Vec<ResourceDef>,
    pub objects: BTreeMap<ObjId, Obj>,
    pub rv: u64,
    history: VecDeque<Arc<WatchRecord>>,
    /// Watches from a resourceVersion below this get 410 Gone.
    pub compacted: u64,
    pub requests: Vec<RequestRecord>,
    pub faults: Vec<Fault>,
    pub behaviours: Behaviours,
    pub rules: HealthRules,
    uid: u64,
    pub tx: broadcast::Sender<Arc<WatchRecord>>,
    /// Every status the controller wrote: when, which object, the new status.
    pub status_log: Vec<(std::time::Instant, ObjId, Value)>,
    /// Objects whose health timeline must (re)start; the server spawns the timers.
    pub restart_timelines: Vec<super::controller::Started>,
}

const HISTORY: usize = 10_000;

fn err(status: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
    ApiError(status, reason, message.into())
}

impl Store {
    pub fn new() -> Self {
        let mut s = Store {
            resources: builtin(),
            objects: BTreeMap::new(),
            rv: 1,
            history: VecDeque::new(),
            compacted: 0,
            requests: Vec::new(),
            faults: Vec::new(),
            behaviours: Behaviours::default(),
            rules: HealthRules::default(),
            uid: 0,
            tx: broadcast::channel(65_536).0,
            status_log: Vec::new(),
            restart_timelines: Vec::new(),
        };
        for ns in ["default", "kube-system", "kube-public"] {
            s.seed(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        }
        s
    }

    pub fn resource(&self, group: &str, plural: &str) -> Option<&ResourceDef> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.plural == plural)
    }

    pub fn resource_of(&self, obj: &Value) -> Option<&ResourceDef> {
        let (g, v) = object::group_version(obj);
        let k = object::kind(obj);
        self.resources
            .iter()
            .find(|r| r.group == g && r.kind == k && r.version == v)
            .or_else(|| self.resources.iter().find(|r| r.group == g && r.kind == k))
    }

    /// Serves a kind (scenario kinds the built-in table lacks; CRDs).
    pub fn serve(&mut self, def: ResourceDef) {
        if !self
            .resources
            .iter()
            .any(|r| r.group == def.group && r.kind == def.kind && r.version == def.version)
        {
            self.resources.push(def);
        }
    }

    pub fn res_id(def: &ResourceDef) -> String {
        format!("{}/{}", def.group, def.plural)
    }

    fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    /// Stamps a new resourceVersion on `id` and tells watchers.
    fn emit(&mut self, id: &ObjId, kind: &'static str) {
        let rv = self.next_rv();
        let object = match self.objects.get_mut(id) {
            Some(o) => {
                object::metadata_mut(&mut o.value)
                    .insert("resourceVersion".into(), json!(rv.to_string()));
                o.value.clone()
            }
            None => return,
        };
        self.record(rv, &id.0, kind, object);
    }

    fn record(&mut self, rv: u64, res: &str, kind: &'static str, object: Value) {
        let rec = Arc::new(WatchRecord {
            rv,
            res: res.to_string(),
            kind,
            object,
        });
        self.history.push_back(rec.clone());
        while self.history.len() > HISTORY {
            if let Some(old) = self.history.pop_front() {
                self.compacted = old.rv;
            }
        }
        let _ = self.tx.send(rec);
    }

    /// Forgets the watch history: watches resuming from before now get 410 Gone.
    pub fn compact(&mut self) {
        // Like an etcd compaction at a new revision: every resourceVersion a client holds
        // is now too old to watch from; a fresh list gets the new one.
        self.rv += 1;
        self.history.clear();
        self.compacted = self.rv;
    }

    /// History of `res` after `rv`, or `None` when it was compacted away (410).
    pub fn since(&self, res: &str, rv: u64) -> Option<Vec<Arc<WatchRecord>>> {
        if rv < self.compacted {
            return None;
        }
        Some(
            self.history
                .iter()
                .filter(|r| r.rv > rv && r.res == res)
                .cloned()
                .collect(),
        )
    }

    fn new_uid(&mut self) -> String {
        self.uid += 1;
        format!("00000000-0000-0000-0000-{:012}", self.uid)
    }

    /// An object that exists before the test (keeps its status; no timeline).
    pub fn seed(&mut self, mut obj: Value) {
        let Some(def) = self.resource_of(&obj).cloned() else {
            return;
        };
        if def.namespaced && object::namespace(&obj).is_empty() {
            object::set_namespace(&mut obj, "default");
        }
        if !def.namespaced
            && let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut)
        {
            m.remove("namespace");
        }
        let uid = self.new_uid();
        let meta = object::metadata_mut(&mut obj);
        meta.entry("uid").or_insert(json!(uid));
        meta.entry("generation").or_insert(json!(1));
        meta.entry("creationTimestamp")
            .or_insert(json!("2026-01-01T00:00:00Z"));
        let id = (
            Self::res_id(&def),
            object::namespace(&obj).to_string(),
            object::name(&obj).to_string(),
        );
        if let Some(gk) = crd_defines(&obj) {
            self.register_crd(&obj, gk.group.as_str(), gk.kind.as_str());
        }
        self.objects.insert(
            id.clone(),
            Obj {
                value: obj,
                applied: BTreeMap::new(),
                epoch: 0,
            },
        );
        self.emit(&id, "ADDED");
    }

    pub fn key_of(&self, id: &ObjId) -> ResourceKey {
        let (group, plural) = id.0.split_once('/').unwrap_or(("", &id.0));
        let kind = self
            .resource(group, plural)
            .map(|r| r.kind.clone())
            .unwrap_or_default();
        ResourceKey::new(group, &kind, &id.1, &id.2)
    }

    pub fn get(&self, id: &ObjId) -> ApiResult {
        match self.objects.get(id) {
            Some(o) => Ok((200, o.value.clone())),
            None => Err(not_found(id)),
        }
    }

    pub fn list(&self, def: &ResourceDef, ns: Option<&str>, labels: &str, fields: &str) -> Value {
        let res = Self::res_id(def);
        let items: Vec<Value> = self
            .objects
            .iter()
            .filter(|(id, _)| id.0 == res && ns.is_none_or(|n| id.1 == n))
            .filter(|(_, o)| matches(&o.value, labels, fields))
            .map(|(_, o)| o.value.clone())
            .collect();
        json!({
            "apiVersion": def.api_version(),
            "kind": format!("{}List", def.kind),
            "metadata": {"resourceVersion": self.rv.to_string()},
            "items": items,
        })
    }

    fn check_rules(&self, id: &ObjId, dry_run: bool) -> Result<(), ApiError> {
        let key = self.key_of(id);
        let r = self.behaviours.resolve(&key);
        let fails = if dry_run {
            r.dry_run_fails
        } else {
            r.apply_fails
        };
        match fails {
            // Admission webhooks deny with 400/403; 422 is kept for real validation errors.
            Some(m) => Err(err(400, "BadRequest", m)),
            None => Ok(()),
        }
    }

    /// POST.
    pub fn create(
        &mut self,
        def: &ResourceDef,
        ns: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> ApiResult {
        let name = object::name(&obj).to_string();
        if name.is_empty() {
            return Err(err(
                422,
                "Invalid",
                "metadata.name: Required value: name is required",
            ));
        }
        let id = (
            Self::res_id(def),
            if def.namespaced {
                ns.to_string()
            } else {
                String::new()
            },
            name,
        );
        self.check_rules(&id, dry_run)?;
        if self.objects.contains_key(&id) {
            return Err(err(
                409,
                "AlreadyExists",
                format!("{} \"{}\" already exists", def.plural, id.2),
            ));
        }
        normalise(&mut obj, def, &id.1);
        if let Some(m) = obj.as_object_mut() {
            m.remove("status");
        }
        let uid = self.new_uid();
        let meta = object::metadata_mut(&mut obj);
        meta.insert("uid".into(), json!(uid));
        meta.insert("generation".into(), json!(1));
        meta.insert("creationTimestamp".into(), json!("2026-01-01T00:00:00Z"));
        meta.remove("resourceVersion");
        if dry_run {
            return Ok((201, obj));
        }
        self.insert_new(id, obj, BTreeMap::new())
    }

    fn insert_new(&mut self, id: ObjId, obj: Value, applied: BTreeMap<String, Value>) -> ApiResult {
        let crd = crd_defines(&obj);
        self.objects.insert(
            id.clone(),
            Obj {
                value: obj.clone(),
                applied,
                epoch: 0,
            },
        );
        if let Some(started) = super::controller::start(self, &id) {
            self.restart_timelines.push(started);
        }
        self.emit(&id, "ADDED");
        if let Some(gk) = crd {
            self.register_crd(&obj, &gk.group, &gk.kind);
            // The apiextensions controller: Established at once.
            if let Some(o) = self.objects.get_mut(&id) {
                o.value["status"] = json!({"conditions": [
                    {"type": "NamesAccepted", "status": "True"},
                    {"type": "Established", "status": "True"}]});
            }
            self.emit(&id, "MODIFIED");
            return Ok((201, self.get(&id)?.1));
        }
        Ok((201, self.get(&id)?.1))
    }

    fn register_crd(&mut self, crd: &Value, group: &str, kind: &str) {
        let plural = object::str_at(crd, &["spec", "names", "plural"])
            .map(str::to_string)
            .unwrap_or_else(|| super::resources::plural(kind));
        let namespaced = object::str_at(crd, &["spec", "scope"]) != Some("Cluster");
        let versions: Vec<String> = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for v in if versions.is_empty() {
            vec!["v1".to_string()]
        } else {
            versions
        } {
            self.serve(ResourceDef {
                group: group.into(),
                version: v,
                kind: kind.into(),
                plural: plural.clone(),
                namespaced,
            });
        }
    }

    /// Writes `new` over the live object: server fields kept, generation bumped and the
    /// health timeline restarted when the spec changed (the controllers see a new spec).
    fn update(
        &mut self,
        id: &ObjId,
        mut new: Value,
        applied: Option<(String, Value)>,
    ) -> ApiResult {
        let Some(old) = self.objects.get(id).cloned() else {
            return Err(not_found(id));
        };
        let key = self.key_of(id);
        if let Some(m) = immutable_violation(&key, &old.value, &new) {
            return Err(err(422, "Invalid", m));
        }
        keep_server_fields(&mut new, &old.value);
        let spec_changed = old.value.get("spec") != new.get("spec");
        if spec_changed {
            let g = old
                .value
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            object::metadata_mut(&mut new).insert("generation".into(), json!(g + 1));
        }
        let mut without_rv = old.value.clone();
        object::metadata_mut(&mut without_rv).remove("resourceVersion");
        object::metadata_mut(&mut new).remove("resourceVersion");
        let gone =
            object::deletion_timestamp(&new).is_some() && object::finalizers(&new).is_empty();
        if let Some(o) = self.objects.get_mut(id) {
            if let Some((m, cfg)) = applied {
                o.applied.insert(m, cfg);
            }
            if without_rv == new {
                return Ok((200, o.value.clone())); // no-op: same resourceVersion
            }
            o.value = new;
        }
        if gone {
            return self.finish_delete(id);
        }
        if spec_changed && let Some(started) = super::controller::start(self, id) {
            self.restart_timelines.push(started);
        }
        self.emit(id, "MODIFIED");
        Ok((200, self.get(id)?.1))
    }

    /// PUT (requires a current resourceVersion when one is given).
    pub fn replace(
        &mut self,
        def: &ResourceDef,
        ns: &str,
        name: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> ApiResult {
        let id = (
            Self::res_id(def),
            if def.namespaced {
                ns.to_string()
            } else {
                String::new()
            },
            name.to_string(),
        );
        self.check_rules(&id, dry_run)?;
        let Some(live) = self.objects.get(&id) else {
            return Err(not_found(&id));
        };
        if let Some(rv) = object::str_at(&obj, &["metadata", "resourceVersion"])
            && object::str_at(&live.value, &["metadata", "resourceVersion"]) != Some(rv)
        {
            return Err(err(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                    def.plural
                ),
            ));
        }
        normalise(&mut obj, def, &id.1);
        if dry_run {
            let mut v = obj;
            keep_server_fields(&mut v, &live.value);
            return Ok((200, v));
        }
        self.update(&id, obj, None)
    }

    /// PATCH with `application/apply-patch+yaml` (server-side apply).
    pub fn apply(
        &mut self,
        def: &ResourceDef,
        ns: &str,
        name: &str,
        mut cfg: Value,
        manager: &str,
        dry_run: bool,
    ) -> ApiResult {
        let id = (
            Self::res_id(def),
            if def.namespaced {
                ns.to_string()
            } else {
                String::new()
            },
            name.to_string(),
        );
        self.check_rules(&id, dry_run)?;
        normalise(&mut cfg, def, &id.1);
        if let Some(m) = cfg.as_object_mut() {
            m.remove("status");
        }
        match self.objects.get(&id).cloned() {
            None => {
                let mut applied = BTreeMap::new();
                applied.insert(manager.to_string(), cfg.clone());
                let mut obj = cfg;
                let uid = self.new_uid();
                let meta = object::metadata_mut(&mut obj);
                meta.insert("uid".into(), json!(uid));
                meta.insert("generation".into(), json!(1));
                meta.insert("creationTimestamp".into(), json!("2026-01-01T00:00:00Z"));
                if dry_run {
                    return Ok((201, obj));
                }
                self.insert_new(id, obj, applied)
            }
            Some(live) => {
                let mut merged = live.value.clone();
                if let Some(prev) = live.applied.get(manager) {
                    remove_dropped(&mut merged, prev, &cfg);
                }
                merge(&mut merged, &cfg, &mut Vec::new());
                if dry_run {
                    let key = self.key_of(&id);
                    if let Some(m) = immutable_violation(&key, &live.value, &merged) {
                        return Err(err(422, "Invalid", m));
                    }
                    return Ok((200, merged));
                }
                self.update(&id, merged, Some((manager.to_string(), cfg)))
            }
        }
    }

    /// PATCH with `application/merge-patch+json` (RFC 7386), honouring a resourceVersion
    /// precondition in the patch.
    pub fn merge_patch(
        &mut self,
        def: &ResourceDef,
        ns: &str,
        name: &str,
        patch: Value,
        dry_run: bool,
    ) -> ApiResult {
        let id = (
            Self::res_id(def),
            if def.namespaced {
                ns.to_string()
            } else {
                String::new()
            },
            name.to_string(),
        );
        let Some(live) = self.objects.get(&id).cloned() else {
            return Err(not_found(&id));
        };
        if let Some(rv) = object::str_at(&patch, &["metadata", "resourceVersion"])
            && object::str_at(&live.value, &["metadata", "resourceVersion"]) != Some(rv)
        {
            return Err(err(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                    def.plural
                ),
            ));
        }
        let mut new = live.value.clone();
        merge_patch(&mut new, &patch);
        if dry_run {
            return Ok((200, new));
        }
        self.update(&id, new, None)
    }

    /// PUT/PATCH of the status subresource: only `status` changes.
    pub fn write_status(&mut self, id: &ObjId, status: Value) -> ApiResult {
        let Some(o) = self.objects.get_mut(id) else {
            return Err(not_found(id));
        };
        if o.value.get("status") == Some(&status) {
            return Ok((200, o.value.clone()));
        }
        o.value["status"] = status.clone();
        self.status_log
            .push((std::time::Instant::now(), id.clone(), status));
        self.emit(id, "MODIFIED");
        Ok((200, self.get(id)?.1))
    }

    /// DELETE: marks the object (deletionTimestamp) while finalizers remain; removes it
    /// when none do. A behaviour rule `delete: hang` adds a finalizer nobody removes.
    /// Dependents (objects whose `ownerReferences` name it) are collected as the
    /// propagation policy says, like the garbage collector ([`super::gc`]).
    pub fn delete(&mut self, id: &ObjId, dry_run: bool, propagation: Propagation) -> ApiResult {
        let key = self.key_of(id);
        let hangs = self.behaviours.resolve(&key).delete_hangs;
        let Some(o) = self.objects.get_mut(id) else {
            return Err(not_found(id));
        };
        if dry_run {
            return Ok((200, o.value.clone()));
        }
        let before = o.value.clone();
        let first_delete = object::deletion_timestamp(&o.value).is_none();
        // An object nothing depends on goes at once whatever the policy (the collector's
        // finalizer would come off in the same instant): no extra events to watch.
        let propagation = if first_delete && gc::has_dependents(self, id) {
            propagation
        } else {
            Propagation::Background
        };
        let Some(o) = self.objects.get_mut(id) else {
            return Err(not_found(id));
        };
        if first_delete {
            object::metadata_mut(&mut o.value)
                .insert("deletionTimestamp".into(), json!("2026-01-01T00:00:01Z"));
            match propagation {
                Propagation::Foreground => object::add_finalizer(&mut o.value, gc::FOREGROUND),
                Propagation::Orphan => object::add_finalizer(&mut o.value, gc::ORPHAN),
                Propagation::Background => {}
            }
        }
        if hangs {
            object::add_finalizer(&mut o.value, STUCK_FINALIZER);
        }
        let marked = o.value.clone();
        if marked != before {
            self.emit(id, "MODIFIED");
        }
        if first_delete {
            gc::start(self, id, propagation);
        }
        match self.objects.get(id) {
            Some(o) if !object::finalizers(&o.value).is_empty() => Ok((200, o.value.clone())),
            Some(_) => self.finish_delete(id),
            // The collector finished it (its last dependent went).
            None => Ok((200, marked)),
        }
    }

    /// Removes an object whose deletion is complete, then lets the garbage collector react.
    pub(super) fn finish_delete(&mut self, id: &ObjId) -> ApiResult {
        let Some(o) = self.objects.remove(id) else {
            return Err(not_found(id));
        };
        let rv = self.next_rv();
        let mut last = o.value;
        object::metadata_mut(&mut last).insert("resourceVersion".into(), json!(rv.to_string()));
        self.record(rv, &id.0, "DELETED", last.clone());
        gc::removed(self, &last);
        Ok((200, last))
    }

    /// An update of an object's metadata by the fixture itself (the garbage collector):
    /// a new resourceVersion and a MODIFIED event; the deletion completes if it removed
    /// the last finalizer of an object being deleted.
    pub(super) fn rewrite(&mut self, id: &ObjId, f: impl FnOnce(&mut Value)) {
        let Some(o) = self.objects.get_mut(id) else {
            return;
        };
        let before = o.value.clone();
        f(&mut o.value);
        if o.value == before {
            return;
        }
        let gone = object::deletion_timestamp(&o.value).is_some()
            && object::finalizers(&o.value).is_empty();
        self.emit(id, "MODIFIED");
        if gone {
            let _ = self.finish_delete(id);
        }
    }
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

pub fn not_found(id: &ObjId) -> ApiError {
    let plural = id.0.split_once('/').map_or(id.0.as_str(), |(_, p)| p);
    err(404, "NotFound", format!("{plural} \"{}\" not found", id.2))
}

/// Namespace per scope, apiVersion/kind kept.
fn normalise(obj: &mut Value, def: &ResourceDef, ns: &str) {
    if def.namespaced {
        object::set_namespace(obj, ns);
    } else if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("namespace");
    }
}

/// Equality label selectors (`a=b,c=d`) and `metadata.name`/`metadata.namespace` field
/// selectors, the forms kube-runtime's watcher and `await_condition` send.
pub fn matches(obj: &Value, labels: &str, fields: &str) -> bool {
    let label_ok = labels.split(',').filter(|s| !s.is_empty()).all(|term| {
        let (k, v) = term.split_once('=').unwrap_or((term, ""));
        let v = v.trim_start_matches('=');
        object::value_at(obj, &["metadata", "labels", k]).and_then(Value::as_str) == Some(v)
    });
    let field_ok = fields.split(',').filter(|s| !s.is_empty()).all(|term| {
        let (k, v) = term.split_once('=').unwrap_or((term, ""));
        let v = v.trim_start_matches('=');
        match k {
            "metadata.name" => object::name(obj) == v,
            "metadata.namespace" => object::namespace(obj) == v,
            _ => true,
        }
    });
    label_ok && field_ok
}

/// What the server owns survives any write: status, uid, creation time, generation,
/// deletion state, and finalizers other actors put there.
fn keep_server_fields(new: &mut Value, old: &Value) {
    let old_meta = old.get("metadata").cloned().unwrap_or_default();
    if let Some(map) = new.as_object_mut() {
        match old.get("status") {
            Some(s) => {
                map.insert("status".into(), s.clone());
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
        match old_meta.get(f) {
            Some(v) => {
                meta.insert(f.into(), v.clone());
            }
            None => {
                meta.remove(f);
            }
        }
    }
}

/// SSA: removes from `live` what `prev` (the manager's last applied config) set and
/// `now` (its new config) no longer does. Lists are atomic, except finalizers (a set).
fn remove_dropped(live: &mut Value, prev: &Value, now: &Value) {
    let (Some(l), Some(p)) = (live.as_object_mut(), prev.as_object()) else {
        return;
    };
    for (k, pv) in p {
        match now.get(k) {
            None => {
                if k == "finalizers" {
                    if let (Some(lf), Some(pf)) =
                        (l.get_mut(k).and_then(Value::as_array_mut), pv.as_array())
                    {
                        lf.retain(|f| !pf.contains(f));
                        if lf.is_empty() {
                            l.remove(k);
                        }
                    }
                } else {
                    l.remove(k);
                }
            }
            Some(nv) => {
                if k == "finalizers"
                    && let (Some(lf), Some(pf), Some(nf)) = (
                        l.get_mut(k).and_then(Value::as_array_mut),
                        pv.as_array(),
                        nv.as_array(),
                    )
                {
                    lf.retain(|f| !pf.contains(f) || nf.contains(f));
                } else if pv.is_object()
                    && let Some(lv) = l.get_mut(k)
                {
                    remove_dropped(lv, pv, nv);
                }
            }
        }
    }
}

/// SSA: merges `cfg` into `live` (maps recursively, lists replaced, finalizers unioned).
fn merge(live: &mut Value, cfg: &Value, path: &mut Vec<String>) {
    match (live.as_object_mut(), cfg.as_object()) {
        (Some(l), Some(c)) => {
            for (k, cv) in c {
                if k == "finalizers" && path.len() == 1 && path[0] == "metadata" {
                    let mut set: Vec<Value> = l
                        .get(k)
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    for f in cv.as_array().into_iter().flatten() {
                        if !set.contains(f) {
                            set.push(f.clone());
                        }
                    }
                    l.insert(k.clone(), Value::Array(set));
                    continue;
                }
                match l.get_mut(k) {
                    Some(lv) if lv.is_object() && cv.is_object() => {
                        path.push(k.clone());
                        merge(lv, cv, path);
                        path.pop();
                    }
                    _ => {
                        l.insert(k.clone(), cv.clone());
                    }
                }
            }
        }
        _ => *live = cfg.clone(),
    }
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Some(t) = target.as_object_mut() {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssa_removes_fields_the_manager_dropped_and_keeps_others() {
        let mut s = Store::new();
        let def = s.resource("", "configmaps").cloned().unwrap();
        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": "1", "y": "2"}});
        s.apply(&def, "default", "a", cfg, "hookline", false)
            .unwrap();
        // Someone else adds a field.
        let id = (
            "/configmaps".to_string(),
            "default".to_string(),
            "a".to_string(),
        );
        s.objects.get_mut(&id).unwrap().value["data"]["z"] = json!("3");
        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": "1"}});
        let (_, obj) = s
            .apply(&def, "default", "a", cfg, "hookline", false)
            .unwrap();
        assert_eq!(obj["data"], json!({"x": "1", "z": "3"}));
    }

    #[test]
    fn delete_waits_for_finalizers_and_merge_patch_finishes_it() {
        let mut s = Store::new();
        let def = s.resource("", "configmaps").cloned().unwrap();
        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "finalizers": ["f"]}});
        s.apply(&def, "default", "a", cfg, "hookline", false)
            .unwrap();
        let id = (
            "/configmaps".to_string(),
            "default".to_string(),
            "a".to_string(),
        );
        let (_, o) = s.delete(&id, false, Propagation::Background).unwrap();
        assert!(object::deletion_timestamp(&o).is_some());
        assert!(s.objects.contains_key(&id));
        s.merge_patch(
            &def,
            "default",
            "a",
            json!({"metadata": {"finalizers": []}}),
            false,
        )
        .unwrap();
        assert!(!s.objects.contains_key(&id));
    }

    #[test]
    fn stale_resource_version_conflicts() {
        let mut s = Store::new();
        let def = s.resource("", "configmaps").cloned().unwrap();
        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        s.apply(&def, "default", "a", cfg, "hookline", false)
            .unwrap();
        let e = s
            .merge_patch(
                &def,
                "default",
                "a",
                json!({"metadata": {"resourceVersion": "1", "labels": {"x": "y"}}}),
                false,
            )
            .unwrap_err();
        assert_eq!(e.0, 409);
    }

    #[test]
    fn compaction_makes_old_watches_gone() {
        let mut s = Store::new();
        s.compact();
        assert!(s.since("/namespaces", s.rv - 1).is_none());
        assert!(s.since("/namespaces", s.rv).is_some());
    }
}
