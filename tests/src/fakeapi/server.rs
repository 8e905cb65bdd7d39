//! HTTP front of the fixture: the REST paths kube-rs uses (discovery, CRUD, server-side
//! apply, merge patch, status subresource, list and chunked watch streams).

use super::Shared;
use super::store::{
    ApiError, ApiResult, Fault, ObjId, Propagation, RequestRecord, Store, WatchRecord, matches,
};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

fn query(uri: &Uri) -> BTreeMap<String, String> {
    uri.query().map(url_decode_pairs).unwrap_or_default()
}

fn url_decode_pairs(q: &str) -> BTreeMap<String, String> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let h = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_response(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

fn status_body(e: &ApiError) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": e.2, "reason": e.1, "code": e.0})
}

fn reply(r: ApiResult) -> (u16, Value) {
    match r {
        Ok((s, v)) => (s, v),
        Err(e) => (e.0, status_body(&e)),
    }
}

/// Every request goes through here.
pub async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req_body = body.clone();
    let path = uri.path().to_string();
    let q = query(&uri);
    // Injected faults first.
    let fault = {
        let mut st = shared.lock();
        let hit = st.faults.iter_mut().find(|f| {
            (f.method == "*" || f.method == method.as_str())
                && path.contains(&f.path_contains)
                && f.times > 0
        });
        hit.map(|f: &mut Fault| {
            f.times -= 1;
            (f.status, f.message.clone())
        })
    };
    if let Some((status, message)) = fault {
        shared.log(&method, &uri, status);
        if status == 0 {
            // A stalled server: no answer at all (the client must time out).
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
        let e = ApiError(status, "InjectedFault", message);
        return json_response(status, &status_body(&e));
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (status, body) = match (method.clone(), segs.as_slice()) {
        (Method::GET, ["api"]) => (
            200,
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
        ),
        (Method::GET, ["apis"]) => (200, shared.lock().group_list()),
        (Method::GET, ["api", "v1"]) => (200, shared.lock().resource_list("", "v1")),
        (Method::GET, ["apis", g, v]) => (200, shared.lock().resource_list(g, v)),
        (Method::GET, ["version"]) => (
            200,
            json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0-hookline-fixture"}),
        ),
        _ => {
            let (group, rest) = match segs.as_slice() {
                ["api", "v1", rest @ ..] => ("", rest),
                ["apis", g, _v, rest @ ..] => (*g, rest),
                _ => {
                    shared.log(&method, &uri, 404);
                    return json_response(
                        404,
                        &json!({"kind": "Status", "code": 404, "message": "the server could not find the requested resource", "reason": "NotFound"}),
                    );
                }
            };
            if q.get("watch").is_some_and(|w| w == "true" || w == "1") {
                shared.log(&method, &uri, 200);
                return watch(shared, group, rest, &q);
            }
            resource_call(&shared, &method, &headers, group, rest, &q, &body)
        }
    };
    shared.log(&method, &uri, status);
    if !req_body.is_empty()
        && let Some(last) = shared.lock().requests.last_mut()
    {
        last.body = String::from_utf8_lossy(&req_body).into_owned();
    }
    json_response(status, &body)
}

/// `[namespaces/{ns}/]{plural}[/{name}[/status]]` → (plural, namespace, name, status?).
fn split_rest<'a>(
    st: &Store,
    group: &str,
    rest: &[&'a str],
) -> Option<(&'a str, Option<&'a str>, Option<&'a str>, bool)> {
    match rest {
        ["namespaces", ns, plural, tail @ ..]
            if st.resource(group, plural).is_some_and(|r| r.namespaced) =>
        {
            match tail {
                [] => Some((plural, Some(ns), None, false)),
                [name] => Some((plural, Some(ns), Some(name), false)),
                [name, "status"] => Some((plural, Some(ns), Some(name), true)),
                _ => None,
            }
        }
        [plural] => Some((plural, None, None, false)),
        [plural, name] => Some((plural, None, Some(name), false)),
        [plural, name, "status"] => Some((plural, None, Some(name), true)),
        _ => None,
    }
}

fn resource_call(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    group: &str,
    rest: &[&str],
    q: &BTreeMap<String, String>,
    body: &Bytes,
) -> (u16, Value) {
    let mut st = shared.lock();
    let Some((plural, ns, name, status)) = split_rest(&st, group, rest) else {
        return (
            404,
            json!({"kind": "Status", "code": 404, "reason": "NotFound", "message": "the server could not find the requested resource"}),
        );
    };
    let Some(def) = st.resource(group, plural).cloned() else {
        return (
            404,
            json!({"kind": "Status", "code": 404, "reason": "NotFound", "message": "the server could not find the requested resource"}),
        );
    };
    let dry_run = q.get("dryRun").is_some_and(|d| d == "All");
    let ns_s = ns.unwrap_or("").to_string();
    let parsed: Option<Value> = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(body).ok()
    };
    let bad = |m: &str| {
        (
            400,
            json!({"kind": "Status", "code": 400, "reason": "BadRequest", "message": m}),
        )
    };
    let id = |n: &str| -> ObjId {
        (
            Store::res_id(&def),
            if def.namespaced {
                ns_s.clone()
            } else {
                String::new()
            },
            n.to_string(),
        )
    };
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let r = match (method.clone(), name) {
        (Method::GET, None) => Ok((
            200,
            st.list(
                &def,
                ns,
                q.get("labelSelector").map_or("", |s| s.as_str()),
                q.get("fieldSelector").map_or("", |s| s.as_str()),
            ),
        )),
        (Method::GET, Some(n)) => st.get(&id(n)),
        (Method::POST, None) => match parsed {
            Some(obj) => st.create(&def, &ns_s, obj, dry_run),
            None => return bad("the request body is not a JSON object"),
        },
        (Method::PUT, Some(n)) if status => match parsed.and_then(|v| v.get("status").cloned()) {
            Some(s) => st.write_status(&id(n), s),
            None => return bad("no status in the body"),
        },
        (Method::PUT, Some(n)) => match parsed {
            Some(obj) => st.replace(&def, &ns_s, n, obj, dry_run),
            None => return bad("the request body is not a JSON object"),
        },
        (Method::PATCH, Some(n)) => {
            let Some(patch) = parsed else {
                return bad("the request body is not JSON");
            };
            if ct.starts_with("application/apply-patch") {
                let Some(manager) = q.get("fieldManager") else {
                    return (
                        422,
                        json!({"kind": "Status", "code": 422, "reason": "Invalid", "message": "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"}),
                    );
                };
                if status {
                    match patch.get("status") {
                        Some(s) => st.write_status(&id(n), s.clone()),
                        None => return bad("no status in the body"),
                    }
                } else {
                    st.apply(&def, &ns_s, n, patch, manager, dry_run)
                }
            } else if ct.starts_with("application/merge-patch") {
                if status {
                    match patch.get("status") {
                        Some(s) => st.write_status(&id(n), s.clone()),
                        None => return bad("no status in the body"),
                    }
                } else {
                    st.merge_patch(&def, &ns_s, n, patch, dry_run)
                }
            } else {
                return (
                    415,
                    json!({"kind": "Status", "code": 415, "reason": "UnsupportedMediaType", "message": format!("the fixture does not support patch type {ct}")}),
                );
            }
        }
        (Method::DELETE, Some(n)) => {
            // DeleteOptions in the body (kube-rs), or the query parameter.
            let policy = parsed
                .as_ref()
                .and_then(|b| b.get("propagationPolicy"))
                .and_then(Value::as_str)
                .or(q.get("propagationPolicy").map(String::as_str));
            // Absent: Background, the API server's default for most resources.
            let propagation = match policy.map(|p| serde_json::from_value(json!(p))) {
                None => Propagation::Background,
                Some(Ok(p)) => p,
                Some(Err(_)) => {
                    return bad(&format!(
                        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {:?}: supported values: \"Foreground\", \"Background\", \"Orphan\"",
                        policy.unwrap_or_default()
                    ));
                }
            };
            st.delete(&id(n), dry_run, propagation)
        }
        _ => {
            return (
                405,
                json!({"kind": "Status", "code": 405, "reason": "MethodNotAllowed", "message": "method not allowed"}),
            );
        }
    };
    let restart = std::mem::take(&mut st.restart_timelines);
    drop(st);
    for started in restart {
        super::controller::continue_timeline(shared.clone(), started);
    }
    reply(r)
}

/// A chunked stream of newline-delimited watch events: history after `resourceVersion`
/// (or the current objects as ADDED for "0"/none), a BOOKMARK, then live events; an
/// ERROR 410 Gone when the history was compacted. Ends when the fixture drops watches.
fn watch(shared: Shared, group: &str, rest: &[&str], q: &BTreeMap<String, String>) -> Response {
    let st = shared.lock();
    let Some((plural, ns, _, _)) = split_rest(&st, group, rest) else {
        return json_response(
            404,
            &json!({"kind": "Status", "code": 404, "message": "not found"}),
        );
    };
    let Some(def) = st.resource(group, plural).cloned() else {
        return json_response(
            404,
            &json!({"kind": "Status", "code": 404, "message": "not found"}),
        );
    };
    let res = Store::res_id(&def);
    let labels = q.get("labelSelector").cloned().unwrap_or_default();
    let fields = q.get("fieldSelector").cloned().unwrap_or_default();
    let ns = ns.map(str::to_string);
    let from: Option<u64> = q
        .get("resourceVersion")
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0);
    let mut rx = st.tx.subscribe();
    let mut drop_rx = shared.drop_watches.subscribe();
    let mut first: Vec<String> = Vec::new();
    let mut last_rv = st.rv;
    match from {
        None => {
            let list = st.list(&def, ns.as_deref(), &labels, &fields);
            for o in list["items"].as_array().into_iter().flatten() {
                first.push(json!({"type": "ADDED", "object": o}).to_string());
            }
        }
        Some(rv) => match st.since(&res, rv) {
            None => {
                first.push(json!({"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                    "message": format!("too old resource version: {rv} ({})", st.compacted), "reason": "Expired", "code": 410}}).to_string());
                let body = first.join("\n") + "\n";
                return Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap_or_default();
            }
            Some(recs) => {
                for r in recs {
                    if ns
                        .as_deref()
                        .is_none_or(|n| hookline_core::object::namespace(&r.object) == n)
                        && matches(&r.object, &labels, &fields)
                    {
                        first.push(json!({"type": r.kind, "object": r.object}).to_string());
                    }
                }
            }
        },
    }
    let bookmark_kind = def.kind.clone();
    let api_version = def.api_version();
    first.push(json!({"type": "BOOKMARK", "object": {"kind": bookmark_kind, "apiVersion": api_version, "metadata": {"resourceVersion": st.rv.to_string()}}}).to_string());
    drop(st);
    let stream = async_stream(
        move |tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>| async move {
            for line in first {
                if tx.send(Ok(Bytes::from(line + "\n"))).await.is_err() {
                    return;
                }
            }
            loop {
                tokio::select! {
                    _ = drop_rx.changed() => return,
                    r = rx.recv() => {
                        let rec: Arc<WatchRecord> = match r {
                            Ok(rec) => rec,
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                            Err(_) => return,
                        };
                        if rec.rv <= last_rv && from.is_some() { continue; }
                        last_rv = last_rv.max(rec.rv);
                        if rec.res != res { continue; }
                        if ns.as_deref().is_some_and(|n| hookline_core::object::namespace(&rec.object) != n) { continue; }
                        if !matches(&rec.object, &labels, &fields) { continue; }
                        let line = json!({"type": rec.kind, "object": rec.object}).to_string() + "\n";
                        if tx.send(Ok(Bytes::from(line))).await.is_err() { return; }
                    }
                }
            }
        },
    );
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(stream)
        .unwrap_or_default()
}

/// A body fed by a task (no extra stream crate needed).
fn async_stream<F, Fut>(f: F) -> Body
where
    F: FnOnce(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    tokio::spawn(f(tx));
    Body::from_stream(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

impl Store {
    fn group_list(&self) -> Value {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in self.resources.iter().filter(|r| !r.group.is_empty()) {
            let vs = groups.entry(r.group.clone()).or_default();
            if !vs.contains(&r.version) {
                vs.push(r.version.clone());
            }
        }
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|(g, vs)| {
                let versions: Vec<Value> = vs
                    .iter()
                    .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                    .collect();
                json!({"name": g, "versions": versions, "preferredVersion": versions[0]})
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    fn resource_list(&self, group: &str, version: &str) -> Value {
        let mut resources = Vec::new();
        for r in self
            .resources
            .iter()
            .filter(|r| r.group == group && r.version == version)
        {
            let verbs = [
                "create", "delete", "get", "list", "patch", "update", "watch",
            ];
            resources.push(json!({"name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced,
                "kind": r.kind, "verbs": verbs}));
            resources.push(json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                "kind": r.kind, "verbs": ["get", "patch", "update"]}));
        }
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
    }
}

impl RequestRecord {
    pub fn new(method: &Method, uri: &Uri, status: u16) -> Self {
        RequestRecord {
            at: std::time::Instant::now(),
            body: String::new(),
            method: method.to_string(),
            path: uri.path().to_string(),
            query: uri.query().unwrap_or("").to_string(),
            status,
        }
    }
}
