//! A loopback Kubernetes API server for tests: axum on 127.0.0.1, reached by the real
//! `kube::Client` through a generated kubeconfig (toolchain.md §6: no real apiserver runs
//! on these machines, and kube-fake-client has neither discovery nor watch).
//!
//! It speaks the REST surface `hookline sync` uses — discovery, get/list/watch
//! (resourceVersion, bookmarks, 410 Gone), server-side apply, create, replace, merge patch,
//! delete with finalizers and deletionTimestamp, dry-run, the status subresource — records
//! every request, injects faults, drops watches on demand, and runs a fake controller that
//! moves status along the same `behaviour:` timelines as `core::sim`.
//!
//! Owner references are honoured on deletion: dependents are collected, waited for or
//! orphaned as the propagation policy says (`gc`). Not modelled: admission beyond behaviour
//! rules, namespace existence checks and namespace deletion.

mod controller;
mod gc;
pub mod resources;
mod server;
pub mod store;

use axum::Router;
use hookline_core::health::HealthRules;
use hookline_core::sim::BehaviourRule;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
pub use store::{Fault, Propagation, RequestRecord, Store};

/// The fixture state shared by the HTTP handlers and the controller.
#[derive(Clone)]
pub struct Shared {
    store: Arc<Mutex<Store>>,
    drop_watches: Arc<tokio::sync::watch::Sender<u64>>,
    /// Real seconds per virtual second of behaviour timelines.
    time_scale: f64,
    /// Health timers that will still write a status (0 = the controllers are done).
    pub pending_timers: Arc<std::sync::atomic::AtomicUsize>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self, method: &axum::http::Method, uri: &axum::http::Uri, status: u16) {
        self.lock()
            .requests
            .push(RequestRecord::new(method, uri, status));
    }
}

pub struct FakeApi {
    pub addr: SocketAddr,
    pub shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl FakeApi {
    /// Starts a server on an ephemeral port. `time_scale`: real seconds per virtual second.
    pub async fn start(time_scale: f64) -> FakeApi {
        let shared = Shared {
            store: Arc::new(Mutex::new(Store::new())),
            drop_watches: Arc::new(tokio::sync::watch::channel(0).0),
            time_scale,
            pending_timers: Arc::default(),
        };
        let app = Router::new()
            .fallback(server::handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeApi {
            addr,
            shared,
            server,
        }
    }

    /// A kubeconfig pointing at this server.
    pub fn kubeconfig(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters: [{{name: fake, cluster: {{server: \"http://{}\"}}}}]\n\
             users: [{{name: u, user: {{token: test-token}}}}]\n\
             contexts: [{{name: c, context: {{cluster: fake, user: u, namespace: default}}}}]\ncurrent-context: c\n",
            self.addr
        )
    }

    /// A real `kube::Client` for this server.
    pub async fn client(&self) -> kube::Client {
        let kc = kube::config::Kubeconfig::from_yaml(&self.kubeconfig()).expect("kubeconfig");
        let cfg =
            kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
                .await
                .expect("config");
        kube::Client::try_from(cfg).expect("client")
    }

    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.shared.lock()
    }

    pub fn seed(&self, obj: Value) {
        self.lock().seed(obj);
    }

    pub fn set_health_rules(&self, rules: HealthRules) {
        self.lock().rules = rules;
    }

    /// Puts `rules` in front of the behaviour rules in force (an operation's `behaviour:`).
    pub fn push_behaviours(&self, rules: &[BehaviourRule]) {
        self.lock().behaviours.push_front(rules);
    }

    pub fn fault(&self, method: &str, path_contains: &str, status: u16, message: &str, times: u32) {
        self.lock().faults.push(Fault {
            method: method.into(),
            path_contains: path_contains.into(),
            status,
            message: message.into(),
            times,
        });
    }

    /// The next `times` matching requests get no answer at all (a stalled server).
    pub fn stall(&self, method: &str, path_contains: &str, times: u32) {
        self.fault(method, path_contains, 0, "", times);
    }

    /// Closes every open watch (a dropped connection); clients must re-watch.
    pub fn drop_watches(&self) {
        self.shared.drop_watches.send_modify(|g| *g += 1);
    }

    /// Forgets watch history: resuming from an old resourceVersion now gets 410 Gone.
    pub fn compact(&self) {
        self.lock().compact();
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.lock().requests.clone()
    }

    /// Every object, sorted by (resource, namespace, name).
    pub fn objects(&self) -> Vec<Value> {
        self.lock()
            .objects
            .values()
            .map(|o| o.value.clone())
            .collect()
    }

    /// Health timers still to fire: 0 means no controller will change anything unless
    /// asked (what "the operation would wait forever" means here).
    pub fn pending_timers(&self) -> usize {
        self.shared
            .pending_timers
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The latest resourceVersion (moves on every change).
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// Serves a kind the built-in table lacks (scenario kinds that are not unknown).
    pub fn serve(&self, def: resources::ResourceDef) {
        self.lock().serve(def);
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.server.abort();
        self.drop_watches();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_created_pod_has_a_status_at_once_and_becomes_healthy() {
        let api = FakeApi::start(0.01).await;
        let def = api.lock().resource("", "pods").cloned().unwrap();
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "alpine"}]}});
        let (_, created) = api
            .lock()
            .apply(&def, "default", "p", pod, "m", false)
            .unwrap();
        let h = hookline_core::health::assess(&created, &HealthRules::default()).unwrap();
        assert_eq!(
            h.status,
            hookline_core::health::HealthStatus::Progressing,
            "{created}"
        );
        let started = std::mem::take(&mut api.lock().restart_timelines);
        assert_eq!(started.len(), 1);
        for s in started {
            controller::continue_timeline(api.shared.clone(), s);
        }
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        let objs = api.objects();
        let p = objs.iter().find(|o| o["kind"] == "Pod").unwrap();
        let h = hookline_core::health::assess(p, &HealthRules::default()).unwrap();
        assert_eq!(
            h.status,
            hookline_core::health::HealthStatus::Healthy,
            "{p}"
        );
    }
}
