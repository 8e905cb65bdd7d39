//! The live view: the app's tracked objects and every namespace name, kept current by
//! label-selected watches (kube-runtime `watcher`: list, then watch from the list's
//! resourceVersion, bookmarks, relist on 410 Gone or a dropped connection — so a lost
//! connection resumes from cluster state). Never polled.
//!
//! The driver also writes its own successful API answers through ([`LiveCache::observe`]),
//! so the next pass sees its writes at once, like Argo CD's engine reading back what it
//! applied; a watch event older than what the cache holds (resourceVersions compared as the
//! integers kube-apiserver issues) is ignored, so a late echo never rolls an object back.

use super::track;
use futures::StreamExt;
use hookline_core::engine::{Discovery, LiveView};
use hookline_core::model::ResourceKey;
use hookline_core::object;
use hookline_core::plan::LiveSet;
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use tokio::task::JoinHandle;

#[derive(Default)]
struct Store {
    /// Shared with the live views handed to the engine (no copy per pass).
    objects: BTreeMap<ResourceKey, Arc<Value>>,
    /// resourceVersion at which an object was seen deleted (late events must not revive it).
    tombstones: BTreeMap<ResourceKey, u64>,
    namespaces: BTreeSet<String>,
    /// Watches whose first list has not completed.
    unsynced: usize,
    warnings: Vec<String>,
}

pub struct LiveCache {
    client: Client,
    app: String,
    store: Arc<Mutex<Store>>,
    generation: Arc<watch::Sender<u64>>,
    watched: Mutex<BTreeSet<String>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

fn rv(obj: &Value) -> Option<u64> {
    object::str_at(obj, &["metadata", "resourceVersion"])?
        .parse()
        .ok()
}

impl Store {
    /// Inserts or replaces `obj` unless the cache already holds something newer.
    fn upsert(&mut self, mut obj: Value, app: &str) -> bool {
        let key = object::key(&obj);
        let new_rv = rv(&obj);
        if object::group(&obj).is_empty() && object::kind(&obj) == "Namespace" {
            self.namespaces.insert(key.name.clone());
        }
        if let (Some(dead), Some(n)) = (self.tombstones.get(&key), new_rv)
            && n <= *dead
        {
            return false;
        }
        if !track::is_tracked(&obj, app) {
            // No longer ours (label removed): it leaves the live set.
            return self.objects.remove(&key).is_some();
        }
        if let (Some(old), Some(n)) = (self.objects.get(&key).and_then(|o| rv(o)), new_rv)
            && n <= old
        {
            return false;
        }
        track::from_cluster(&mut obj);
        self.tombstones.remove(&key);
        let changed = self.objects.get(&key).map(|o| &**o) != Some(&obj);
        self.objects.insert(key, Arc::new(obj));
        changed
    }

    fn remove(&mut self, obj: &Value) -> bool {
        let key = object::key(obj);
        if object::group(obj).is_empty() && object::kind(obj) == "Namespace" {
            self.namespaces.remove(&key.name);
        }
        if let Some(n) = rv(obj) {
            let t = self.tombstones.entry(key.clone()).or_insert(n);
            *t = (*t).max(n);
        }
        self.objects.remove(&key).is_some()
    }
}

impl LiveCache {
    pub fn new(client: Client, app: &str) -> Self {
        LiveCache {
            client,
            app: app.to_string(),
            store: Arc::default(),
            generation: Arc::new(watch::channel(0).0),
            watched: Mutex::default(),
            tasks: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// Starts a watch on `ar` (all namespaces) unless one runs. Namespaces are watched
    /// without a selector (their names answer CreateNamespace, O-8); every other kind only
    /// for the app's label.
    pub fn watch(&self, ar: &ApiResource) {
        let id = format!("{}/{}", ar.api_version, ar.plural);
        {
            let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
            if !watched.insert(id) {
                return;
            }
        }
        let namespaces = ar.group.is_empty() && ar.kind == "Namespace";
        let mut cfg = watcher::Config::default();
        if !namespaces {
            cfg = cfg.labels(&track::selector(&self.app));
        }
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), ar);
        let store = self.store.clone();
        let generation = self.generation.clone();
        let app = self.app.clone();
        let kind = (ar.group.clone(), ar.kind.clone());
        store.lock().unwrap_or_else(|e| e.into_inner()).unsynced += 1;
        let task = tokio::spawn(async move {
            let stream = watcher::watcher(api, cfg).default_backoff();
            futures::pin_mut!(stream);
            let mut buffer: Option<Vec<Value>> = None;
            let mut synced = false;
            while let Some(ev) = stream.next().await {
                let mut st = store.lock().unwrap_or_else(|e| e.into_inner());
                let changed = match ev {
                    Ok(Event::Init) => {
                        buffer = Some(Vec::new());
                        false
                    }
                    Ok(Event::InitApply(o)) => {
                        if let (Some(b), Ok(v)) = (buffer.as_mut(), serde_json::to_value(&o)) {
                            b.push(v);
                        }
                        false
                    }
                    Ok(Event::InitDone) => {
                        // A relist replaces everything of this kind (what vanished while
                        // the connection was down is gone).
                        let listed = buffer.take().unwrap_or_default();
                        let keys: BTreeSet<ResourceKey> = listed.iter().map(object::key).collect();
                        let stale: Vec<ResourceKey> = st
                            .objects
                            .keys()
                            .filter(|k| k.group == kind.0 && k.kind == kind.1 && !keys.contains(*k))
                            .cloned()
                            .collect();
                        let mut changed = !stale.is_empty();
                        for k in stale {
                            st.objects.remove(&k);
                        }
                        if namespaces {
                            st.namespaces =
                                listed.iter().map(|o| object::name(o).to_string()).collect();
                        }
                        for o in listed {
                            changed |= st.upsert(o, &app);
                        }
                        if !synced {
                            synced = true;
                            st.unsynced = st.unsynced.saturating_sub(1);
                            changed = true;
                        }
                        changed
                    }
                    Ok(Event::Apply(o)) => {
                        serde_json::to_value(&o).is_ok_and(|v| st.upsert(v, &app))
                    }
                    Ok(Event::Delete(o)) => serde_json::to_value(&o).is_ok_and(|v| st.remove(&v)),
                    Err(e) => {
                        // The watcher retries with backoff; a kind we may not list (403)
                        // must not block the sync forever, so it counts as synced (empty).
                        st.warnings
                            .push(format!("watch {}/{}: {e}", kind.0, kind.1));
                        if !synced {
                            synced = true;
                            st.unsynced = st.unsynced.saturating_sub(1);
                            true
                        } else {
                            false
                        }
                    }
                };
                drop(st);
                if changed {
                    generation.send_modify(|g| *g += 1);
                }
            }
        });
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
    }

    /// Waits until every watch has listed once.
    pub async fn synced(&self) {
        let mut rx = self.generation.subscribe();
        loop {
            if self.lock().unsynced == 0 {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// A counter that moves whenever the live view changed.
    pub fn generation(&self) -> u64 {
        *self.generation.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    /// Write-through of an object the API server returned.
    pub fn observe(&self, obj: Value) {
        let changed = self.lock().upsert(obj, &self.app);
        if changed {
            self.bump();
        }
    }

    /// Write-through of an object the API server reported gone.
    pub fn forget(&self, key: &ResourceKey) {
        let changed = self.lock().objects.remove(key).is_some();
        if changed {
            self.bump();
        }
    }

    pub fn get(&self, key: &ResourceKey) -> Option<Value> {
        self.lock().objects.get(key).map(|o| (**o).clone())
    }

    pub fn objects(&self) -> Vec<Value> {
        self.lock()
            .objects
            .values()
            .map(|o| (**o).clone())
            .collect()
    }

    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().warnings)
    }

    pub fn view(&self, discovery: Discovery) -> LiveView {
        let st = self.lock();
        LiveView {
            set: Arc::new(LiveSet {
                objects: st.objects.clone(),
                namespaces: Some(st.namespaces.clone()),
                journal: Default::default(),
            }),
            discovery,
        }
    }
}

impl Drop for LiveCache {
    fn drop(&mut self) {
        for t in self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm(rv: &str, data: &str) -> Value {
        let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "ns", "resourceVersion": rv}, "data": {"k": data}});
        track::mark(&mut o, "app");
        o
    }

    #[test]
    fn a_late_echo_never_rolls_an_object_back() {
        let mut st = Store::default();
        assert!(st.upsert(cm("5", "new"), "app"));
        assert!(!st.upsert(cm("4", "old"), "app"));
        let key = object::key(&cm("5", ""));
        assert_eq!(st.objects[&key]["data"]["k"], "new");
    }

    #[test]
    fn a_deleted_object_is_not_revived_by_an_older_event() {
        let mut st = Store::default();
        st.upsert(cm("5", "x"), "app");
        assert!(st.remove(&cm("6", "x")));
        assert!(!st.upsert(cm("5", "x"), "app"));
        assert!(
            st.upsert(cm("7", "again"), "app"),
            "a newer create is a new object"
        );
    }

    #[test]
    fn an_object_that_loses_its_tracking_leaves_the_live_set() {
        let mut st = Store::default();
        st.upsert(cm("5", "x"), "app");
        let mut copy = cm("6", "x");
        copy["metadata"]["annotations"] = json!({});
        assert!(st.upsert(copy, "app"));
        assert!(st.objects.is_empty());
    }

    #[test]
    fn the_engine_sees_argo_cds_finalizer_name() {
        let mut st = Store::default();
        let mut o = cm("5", "x");
        object::add_finalizer(&mut o, track::FINALIZER);
        st.upsert(o, "app");
        let v = st.objects.values().next().unwrap();
        assert!(object::has_finalizer(
            v,
            hookline_core::object::keys::HOOK_FINALIZER
        ));
    }
}
