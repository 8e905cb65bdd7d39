//! The kube adapter: performs the engine's effects as API calls and turns the answers into
//! [`EffectResult`]s carrying the server's message (403, 404, 409, 422, 5xx become failed
//! results, not driver errors).
//!
//! - apply: server-side apply, field manager `hookline`, conflicts forced (hookline is the
//!   applier of record, like `kubectl apply --server-side --force-conflicts`); Replace=true
//!   is a PUT (`--force`: delete, then create), Create a POST (spec O-1);
//! - dry-run: the same call with `dryRun=All`, i.e. the API server's admission, defaulting
//!   and validation run (Argo CD's dry-run is `kubectl apply --dry-run=client`);
//! - kubectl's messages (`job.batch/x created`, `configured`, `unchanged`,
//!   `serverside-applied`): the status code says created (201) or not, the resourceVersion
//!   says whether anything changed.

use super::cache::LiveCache;
use super::rest::{Reply, Rest};
use super::track;
use hookline_core::engine::{ApplyMethod, Effect, EffectResult, Propagation};
use hookline_core::model::{GroupKind, ResourceKey};
use hookline_core::object;
use kube::api::{ApiResource, DeleteParams, Patch, PatchParams, PostParams, PropagationPolicy};
use kube::core::{GroupVersionKind, Request};
use kube::discovery::{Discovery, Scope};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::RwLock;
use std::time::Duration;

pub const FIELD_MANAGER: &str = "hookline";
/// How long a CRD may take to become Established before its kinds count as unserved.
const CRD_ESTABLISH_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts of a finalizer removal that keeps meeting conflicts (F-3).
const FINALIZER_ATTEMPTS: u32 = 10;

pub struct Adapter {
    pub rest: Rest,
    discovery: RwLock<Discovery>,
    app: String,
}

/// One API resource as discovery describes it.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub ar: ApiResource,
    pub namespaced: bool,
}

impl Resolved {
    fn url(&self, namespace: &str) -> String {
        let base = if self.ar.group.is_empty() {
            format!("/api/{}", self.ar.version)
        } else {
            format!("/apis/{}/{}", self.ar.group, self.ar.version)
        };
        if self.namespaced {
            format!("{base}/namespaces/{namespace}/{}", self.ar.plural)
        } else {
            format!("{base}/{}", self.ar.plural)
        }
    }
}

/// A 422 naming an immutable field (Job template, Pod spec, …).
fn immutable(reply: &Reply) -> bool {
    reply.status == 422 && {
        let m = reply.message();
        m.contains("field is immutable") || m.contains("may not change fields")
    }
}

fn failed(message: impl Into<String>) -> EffectResult {
    EffectResult::Failed {
        message: message.into(),
    }
}

fn ok(message: impl Into<String>) -> EffectResult {
    EffectResult::Ok {
        message: message.into(),
    }
}

/// kubectl's resource name: `job.batch`, `pod`, `deployment.apps`.
fn resource_name(key: &ResourceKey) -> String {
    let kind = key.kind.to_lowercase();
    if key.group.is_empty() {
        kind
    } else {
        format!("{kind}.{}", key.group)
    }
}

impl Adapter {
    pub async fn connect(
        client: kube::Client,
        app: &str,
        request_timeout: Duration,
    ) -> Result<Self, kube::Error> {
        let discovery = Discovery::new(client.clone()).run().await?;
        Ok(Adapter {
            rest: Rest::new(client, request_timeout),
            discovery: RwLock::new(discovery),
            app: app.to_string(),
        })
    }

    /// Every listable, watchable resource (preferred versions), for the live cache.
    pub fn watchable(&self) -> Vec<ApiResource> {
        let d = self.discovery.read().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for g in d.groups() {
            for (ar, caps) in g.recommended_resources() {
                if caps.supports_operation("list") && caps.supports_operation("watch") {
                    out.push(ar);
                }
            }
        }
        out
    }

    /// Re-runs discovery (after a CRD became Established). Returns whether it worked.
    pub async fn refresh(&self) -> bool {
        match Discovery::new(self.rest.client().clone()).run().await {
            Ok(d) => {
                *self.discovery.write().unwrap_or_else(|e| e.into_inner()) = d;
                true
            }
            Err(_) => false,
        }
    }

    pub fn resolve_gk(&self, group: &str, kind: &str) -> Option<Resolved> {
        let d = self.discovery.read().unwrap_or_else(|e| e.into_inner());
        let (ar, caps) = d.get(group)?.recommended_kind(kind)?;
        Some(Resolved {
            ar,
            namespaced: caps.scope == Scope::Namespaced,
        })
    }

    fn resolve_obj(&self, obj: &Value) -> Option<Resolved> {
        let (group, version) = object::group_version(obj);
        let gvk = GroupVersionKind::gvk(group, version, object::kind(obj));
        let d = self.discovery.read().unwrap_or_else(|e| e.into_inner());
        let (ar, caps) = d.resolve_gvk(&gvk)?;
        Some(Resolved {
            ar,
            namespaced: caps.scope == Scope::Namespaced,
        })
    }

    /// The kinds among `kinds` the API server does not serve (T-5).
    pub fn unserved(&self, kinds: impl IntoIterator<Item = GroupKind>) -> BTreeSet<GroupKind> {
        kinds
            .into_iter()
            .filter(|gk| self.resolve_gk(&gk.group, &gk.kind).is_none())
            .collect()
    }

    pub async fn perform(&self, effect: &Effect, cache: &LiveCache) -> EffectResult {
        match effect {
            Effect::Apply {
                key,
                object: target,
                dry_run,
                method,
                server_side,
                force,
                tracked,
                ..
            } => {
                self.apply(
                    key,
                    target,
                    *dry_run,
                    *method,
                    *server_side,
                    *force,
                    *tracked,
                    cache,
                )
                .await
            }
            Effect::Delete {
                key, propagation, ..
            } => self.delete(key, *propagation, cache).await,
            Effect::RemoveFinalizer { key, finalizer, .. } => {
                self.remove_finalizer(key, track::cluster_finalizer(finalizer), cache)
                    .await
            }
            Effect::Get { key, .. } => self.get(key).await,
        }
    }

    /// Where `key` lives: discovery scope, the right namespace (none when cluster-scoped).
    fn locate(&self, key: &ResourceKey) -> Result<(Resolved, String), EffectResult> {
        match self.resolve_gk(&key.group, &key.kind) {
            Some(r) => {
                let ns = if r.namespaced {
                    key.namespace.clone()
                } else {
                    String::new()
                };
                Ok((r, ns))
            }
            None => Err(failed(format!(
                "the server could not find the requested resource (kind {} is not served)",
                key.group_kind()
            ))),
        }
    }

    /// The live key of `key` (cluster-scoped kinds carry no namespace, T-4).
    pub fn live_key(&self, key: &ResourceKey) -> ResourceKey {
        match self.locate(key) {
            Ok((_, ns)) => ResourceKey::new(&key.group, &key.kind, &ns, &key.name),
            Err(_) => key.clone(),
        }
    }

    pub async fn get_raw(&self, key: &ResourceKey) -> Result<Option<Value>, EffectResult> {
        let (r, ns) = self.locate(key)?;
        let req = Request::new(r.url(&ns))
            .get(&key.name, &Default::default())
            .map_err(|e| failed(e.to_string()))?;
        let reply = self.rest.call(req).await.map_err(failed)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.ok() => Ok(Some(reply.body)),
            _ => Err(failed(reply.message())),
        }
    }

    async fn get(&self, key: &ResourceKey) -> EffectResult {
        match self.get_raw(key).await {
            Ok(Some(mut o)) => {
                track::from_cluster(&mut o);
                EffectResult::Fetched { object: o }
            }
            Ok(None) => EffectResult::NotFound,
            Err(e) => e,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply(
        &self,
        key: &ResourceKey,
        target: &Value,
        dry_run: bool,
        method: ApplyMethod,
        server_side: bool,
        force: bool,
        tracked: bool,
        cache: &LiveCache,
    ) -> EffectResult {
        let Some(r) = self.resolve_obj(target) else {
            return failed(format!(
                "the server could not find the requested resource (kind {} is not served)",
                key.group_kind()
            ));
        };
        let mut obj = target.clone();
        let ns = if r.namespaced {
            key.namespace.clone()
        } else {
            String::new()
        };
        if r.namespaced {
            object::set_namespace(&mut obj, &ns);
        } else if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("namespace");
        }
        if let Some(map) = obj.as_object_mut() {
            map.remove("status");
        }
        track::to_cluster(&mut obj);
        if tracked {
            track::mark(&mut obj, &self.app);
        }
        let live_key = ResourceKey::new(&key.group, &key.kind, &ns, &key.name);
        let url = r.url(&ns);
        let resource = resource_name(key);
        let before = cache.get(&live_key);
        let reply = match method {
            ApplyMethod::Apply => self.ssa(&url, &key.name, &obj, dry_run).await,
            ApplyMethod::Create => self.post(&url, &obj, dry_run).await,
            ApplyMethod::Replace if force && !dry_run => {
                // `kubectl replace --force`: delete, wait until gone, create.
                if let Err(e) = self.delete_and_wait(&live_key, cache).await {
                    return e;
                }
                self.post(&url, &obj, false).await
            }
            ApplyMethod::Replace | ApplyMethod::Update => {
                self.put(&url, &key.name, &live_key, obj.clone(), dry_run)
                    .await
            }
        };
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        if !reply.ok() && dry_run && immutable(&reply) {
            // A server-side dry-run judges immutable fields against the live object, but
            // the engine may still delete or re-create that object before the real apply
            // (BeforeHookCreation D-6, Force D-7.3). Argo CD's client-side dry-run never
            // sees this error; the real apply reports it if it still holds.
            return ok(format!("{resource}/{} configured (dry run)", key.name));
        }
        if !reply.ok() {
            // `kubectl apply --force` re-creates on an immutable-field error (D-7.3).
            if immutable(&reply) && force && method == ApplyMethod::Apply && !dry_run {
                if let Err(e) = self.delete_and_wait(&live_key, cache).await {
                    return e;
                }
                return match self.post(&url, &obj, false).await {
                    Ok(rep) if rep.ok() => {
                        cache.observe(rep.body);
                        ok(format!("{resource}/{} replaced", key.name))
                    }
                    Ok(rep) => failed(rep.message()),
                    Err(e) => failed(e),
                };
            }
            return failed(reply.message());
        }
        let created = reply.status == 201;
        if dry_run {
            // A dry-run create gets no resourceVersion from storage.
            let exists = object::str_at(&reply.body, &["metadata", "resourceVersion"])
                .is_some_and(|v| !v.is_empty())
                && !created;
            let verb = if exists { "configured" } else { "created" };
            return ok(format!("{resource}/{} {verb} (dry run)", key.name));
        }
        let old_rv = before
            .as_ref()
            .and_then(|o| object::str_at(o, &["metadata", "resourceVersion"]).map(str::to_string));
        let new_rv =
            object::str_at(&reply.body, &["metadata", "resourceVersion"]).map(str::to_string);
        let changed = old_rv.is_none() || old_rv != new_rv;
        if object::group(&reply.body) == "apiextensions.k8s.io"
            && object::kind(&reply.body) == "CustomResourceDefinition"
        {
            self.await_established(&key.name).await;
            cache.observe(reply.body.clone());
            return ok(format!(
                "{resource}/{} {}",
                key.name,
                self.verb(method, server_side, created, changed)
            ));
        }
        cache.observe(reply.body);
        if method == ApplyMethod::Update {
            return ok(format!("{}/{} updated", key.kind, key.name));
        }
        ok(format!(
            "{resource}/{} {}",
            key.name,
            self.verb(method, server_side, created, changed)
        ))
    }

    fn verb(
        &self,
        method: ApplyMethod,
        server_side: bool,
        created: bool,
        changed: bool,
    ) -> &'static str {
        match method {
            ApplyMethod::Replace if !created => "replaced",
            _ if server_side => "serverside-applied",
            _ if created => "created",
            _ if changed => "configured",
            _ => "unchanged",
        }
    }

    async fn ssa(
        &self,
        url: &str,
        name: &str,
        obj: &Value,
        dry_run: bool,
    ) -> Result<Reply, String> {
        let mut pp = PatchParams::apply(FIELD_MANAGER).force();
        pp.dry_run = dry_run;
        let req = Request::new(url)
            .patch(name, &pp, &Patch::Apply(obj))
            .map_err(|e| e.to_string())?;
        self.rest.call(req).await
    }

    async fn post(&self, url: &str, obj: &Value, dry_run: bool) -> Result<Reply, String> {
        let pp = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        let body = serde_json::to_vec(obj).map_err(|e| e.to_string())?;
        let req = Request::new(url)
            .create(&pp, body)
            .map_err(|e| e.to_string())?;
        self.rest.call(req).await
    }

    /// PUT with the live resourceVersion (read directly: it must be current); POST when
    /// nothing is live.
    async fn put(
        &self,
        url: &str,
        name: &str,
        live_key: &ResourceKey,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Reply, String> {
        let live = match self.get_raw(live_key).await {
            Ok(l) => l,
            Err(EffectResult::Failed { message }) => return Err(message),
            Err(_) => None,
        };
        let Some(live) = live else {
            return self.post(url, &obj, dry_run).await;
        };
        if let Some(rv) = object::str_at(&live, &["metadata", "resourceVersion"]) {
            object::metadata_mut(&mut obj).insert("resourceVersion".into(), json!(rv));
        }
        let pp = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        let body = serde_json::to_vec(&obj).map_err(|e| e.to_string())?;
        let req = Request::new(url)
            .replace(name, &pp, body)
            .map_err(|e| e.to_string())?;
        self.rest.call(req).await
    }

    async fn delete(
        &self,
        key: &ResourceKey,
        propagation: Propagation,
        cache: &LiveCache,
    ) -> EffectResult {
        let (r, ns) = match self.locate(key) {
            Ok(x) => x,
            Err(e) => return e,
        };
        let live_key = ResourceKey::new(&key.group, &key.kind, &ns, &key.name);
        // Never delete what the app does not track (the engine only asks for tracked
        // objects; this guards the cluster against an engine or cache bug).
        if let Some(live) = cache.get(&live_key)
            && !track::is_tracked(&live, &self.app)
        {
            return failed(format!(
                "refusing to delete {live_key}: not tracked by app {}",
                self.app
            ));
        }
        let dp = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Foreground => PropagationPolicy::Foreground,
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Orphan => PropagationPolicy::Orphan,
            }),
            ..DeleteParams::default()
        };
        let req = match Request::new(r.url(&ns)).delete(&key.name, &dp) {
            Ok(r) => r,
            Err(e) => return failed(e.to_string()),
        };
        match self.rest.call(req).await {
            Err(e) => failed(e),
            Ok(reply) if reply.status == 404 => {
                cache.forget(&live_key);
                EffectResult::NotFound
            }
            Ok(reply) if reply.ok() => {
                let still_there = object::deletion_timestamp(&reply.body).is_some()
                    && !object::finalizers(&reply.body).is_empty();
                if still_there {
                    cache.observe(reply.body);
                } else {
                    cache.forget(&live_key);
                }
                ok("")
            }
            Ok(reply) => failed(reply.message()),
        }
    }

    /// For `replace --force` and `apply --force`: delete, then wait (watch) until gone.
    async fn delete_and_wait(
        &self,
        live_key: &ResourceKey,
        cache: &LiveCache,
    ) -> Result<(), EffectResult> {
        match self.delete(live_key, Propagation::Foreground, cache).await {
            EffectResult::Ok { .. } | EffectResult::NotFound => {}
            other => return Err(other),
        }
        let mut rx = cache.subscribe();
        let gone = async {
            loop {
                match self.get_raw(live_key).await {
                    Ok(None) => return Ok(()),
                    Ok(Some(_)) => {}
                    Err(e) => return Err(e),
                }
                if rx.changed().await.is_err() {
                    return Ok(());
                }
            }
        };
        match tokio::time::timeout(CRD_ESTABLISH_TIMEOUT, gone).await {
            Ok(r) => r,
            Err(_) => Err(failed(format!(
                "{live_key} was not deleted in time for its re-creation"
            ))),
        }
    }

    /// F-3: re-read and retry on conflict; NotFound = success for the engine.
    async fn remove_finalizer(
        &self,
        key: &ResourceKey,
        finalizer: &str,
        cache: &LiveCache,
    ) -> EffectResult {
        let (r, ns) = match self.locate(key) {
            Ok(x) => x,
            Err(e) => return e,
        };
        let live_key = ResourceKey::new(&key.group, &key.kind, &ns, &key.name);
        // First attempt from the live cache (its resourceVersion is the precondition, so a
        // stale copy only costs a 409); re-read from the server after a conflict.
        let mut cached = cache.get(&live_key).map(|mut o| {
            track::to_cluster(&mut o);
            o
        });
        for _ in 0..FINALIZER_ATTEMPTS {
            let live = match cached.take() {
                Some(l) => l,
                None => match self.get_raw(&live_key).await {
                    Ok(Some(l)) => l,
                    Ok(None) => {
                        cache.forget(&live_key);
                        return EffectResult::NotFound;
                    }
                    Err(e) => return e,
                },
            };
            if !object::has_finalizer(&live, finalizer) {
                return ok("");
            }
            let rest: Vec<&str> = object::finalizers(&live)
                .into_iter()
                .filter(|f| *f != finalizer)
                .collect();
            let patch = json!({"metadata": {
                "finalizers": rest,
                "resourceVersion": object::str_at(&live, &["metadata", "resourceVersion"]),
            }});
            let pp = PatchParams {
                field_manager: Some(FIELD_MANAGER.into()),
                ..PatchParams::default()
            };
            let req = match Request::new(r.url(&ns)).patch(&key.name, &pp, &Patch::Merge(&patch)) {
                Ok(r) => r,
                Err(e) => return failed(e.to_string()),
            };
            match self.rest.call(req).await {
                Err(e) => return failed(e),
                Ok(reply) if reply.status == 409 => continue,
                Ok(reply) if reply.status == 404 => {
                    cache.forget(&live_key);
                    return EffectResult::NotFound;
                }
                Ok(reply) if reply.ok() => {
                    if object::deletion_timestamp(&reply.body).is_some()
                        && object::finalizers(&reply.body).is_empty()
                    {
                        cache.forget(&live_key);
                    } else {
                        cache.observe(reply.body);
                    }
                    return ok("");
                }
                Ok(reply) => return failed(reply.message()),
            }
        }
        failed(format!(
            "{live_key}: the finalizer could not be removed: conflicts on every attempt"
        ))
    }

    /// Waits (watch, not polling) until a CRD is Established, then refreshes discovery so
    /// custom resources of the same sync resolve.
    async fn await_established(&self, name: &str) {
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
        use kube::runtime::wait::{await_condition, conditions};
        let api: kube::Api<CustomResourceDefinition> = kube::Api::all(self.rest.client().clone());
        let _ = tokio::time::timeout(
            CRD_ESTABLISH_TIMEOUT,
            await_condition(api, name, conditions::is_crd_established()),
        )
        .await;
        self.refresh().await;
    }
}
