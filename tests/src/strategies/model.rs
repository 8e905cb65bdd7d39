//! The generated model: what a case is, and how it renders to a scenario file.

use hookline_core::scenario::{
    AppSpec, OperationSpec, Scenario, ScenarioFile, SourceSpec, SyncSpec,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt;

/// The kinds the generator writes: plain resources with and without a health check,
/// hook-friendly kinds, and the two kinds T-10 moves (Namespace, CRD) plus a custom resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ConfigMap,
    Service,
    Deployment,
    Job,
    Pod,
    Namespace,
    Crd,
    Widget,
}

impl Kind {
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Kind::ConfigMap => "cm",
            Kind::Service => "svc",
            Kind::Deployment => "web",
            Kind::Job => "job",
            Kind::Pod => "pod",
            Kind::Namespace => "ns",
            Kind::Crd => "crd",
            Kind::Widget => "widget",
        }
    }

    /// `[group/]Kind` as references print it.
    pub fn group_kind(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Service => "Service",
            Kind::Deployment => "apps/Deployment",
            Kind::Job => "batch/Job",
            Kind::Pod => "Pod",
            Kind::Namespace => "Namespace",
            Kind::Crd => "apiextensions.k8s.io/CustomResourceDefinition",
            Kind::Widget => "example.com/Widget",
        }
    }

    fn cluster_scoped(self) -> bool {
        matches!(self, Kind::Namespace | Kind::Crd)
    }
}

/// The hook annotations the generator writes, grouped by what the spec says they mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    None,
    /// A valid Argo list (H-4), possibly with duplicates or a Skip that is not alone (H-5).
    Argo(&'static str),
    /// `Skip` alone: no task at all (H-5).
    Skip,
    /// An Argo value with no valid type: ignored (H-7).
    ArgoGarbage(&'static str),
    /// A delete-time hook only: never part of a sync (H-10).
    DeleteOnly(&'static str),
    /// A valid Helm list (H-6).
    Helm(&'static str),
    /// A Helm value that maps to nothing: ignored (H-7).
    HelmGarbage(&'static str),
    /// `crd-install` alone: a plain resource (H-2).
    HelmCrdInstall,
}

impl Hook {
    /// By construction: the object must never get a task (property 4; H-5, H-7, H-10).
    pub fn never_a_task(self) -> bool {
        matches!(
            self,
            Hook::Skip | Hook::ArgoGarbage(_) | Hook::DeleteOnly(_) | Hook::HelmGarbage(_)
        )
    }

    /// A real hook of at least one sync phase (may use generateName, N-1).
    pub(crate) fn is_real_hook(self) -> bool {
        matches!(self, Hook::Argo(_) | Hook::Helm(_))
    }

    fn annotations(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Hook::None => vec![],
            Hook::Argo(v) | Hook::ArgoGarbage(v) | Hook::DeleteOnly(v) => {
                vec![("argocd.argoproj.io/hook", v)]
            }
            Hook::Skip => vec![("argocd.argoproj.io/hook", "Skip")],
            Hook::Helm(v) | Hook::HelmGarbage(v) => vec![("helm.sh/hook", v)],
            Hook::HelmCrdInstall => vec![("helm.sh/hook", "crd-install")],
        }
    }
}

/// `argocd.argoproj.io/sync-wave`, valid or not (W-1, W-2), and the Helm weight (W-3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wave {
    None,
    Int(i64),
    /// Not a Go integer: falls back to the Helm weight or 0 (W-2).
    Invalid(&'static str),
    HelmWeight(i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obj {
    pub kind: Kind,
    /// Assigned from the position, so every object has its own identity.
    pub name: String,
    pub namespace: Option<&'static str>,
    pub wave: Wave,
    pub hook: Hook,
    /// `argocd.argoproj.io/hook-delete-policy` and `helm.sh/hook-delete-policy` (D-1).
    pub policies: Vec<&'static str>,
    pub helm_policies: Vec<&'static str>,
    /// Uses `generateName` instead of `name` (hooks only, N-1).
    pub generate_name: bool,
    /// `argocd.argoproj.io/sync-options` (section 8: Replace, Force, Validate, …).
    pub sync_options: Vec<&'static str>,
}

impl Obj {
    /// How a scenario reference matches this object in any phase (generated names glob).
    pub fn reference(&self) -> String {
        if self.generate_name {
            format!("{}/{}-*", self.kind.group_kind(), self.name)
        } else {
            format!("{}/{}", self.kind.group_kind(), self.name)
        }
    }

    fn value(&self) -> Value {
        let mut annotations = serde_json::Map::new();
        for (k, v) in self.hook.annotations() {
            annotations.insert(k.into(), json!(v));
        }
        match &self.wave {
            Wave::None => {}
            Wave::Int(w) => {
                annotations.insert("argocd.argoproj.io/sync-wave".into(), json!(w.to_string()));
            }
            Wave::Invalid(s) => {
                annotations.insert("argocd.argoproj.io/sync-wave".into(), json!(s));
            }
            Wave::HelmWeight(w) => {
                annotations.insert("helm.sh/hook-weight".into(), json!(w.to_string()));
            }
        }
        if !self.policies.is_empty() {
            annotations.insert(
                "argocd.argoproj.io/hook-delete-policy".into(),
                json!(self.policies.join(",")),
            );
        }
        if !self.sync_options.is_empty() {
            annotations.insert(
                "argocd.argoproj.io/sync-options".into(),
                json!(self.sync_options.join(",")),
            );
        }
        if !self.helm_policies.is_empty() {
            annotations.insert(
                "helm.sh/hook-delete-policy".into(),
                json!(self.helm_policies.join(",")),
            );
        }
        let mut metadata = serde_json::Map::new();
        if self.generate_name {
            metadata.insert("generateName".into(), json!(format!("{}-", self.name)));
        } else {
            metadata.insert("name".into(), json!(self.name));
        }
        if let Some(ns) = self.namespace.filter(|_| !self.kind.cluster_scoped()) {
            metadata.insert("namespace".into(), json!(ns));
        }
        if !annotations.is_empty() {
            metadata.insert("annotations".into(), Value::Object(annotations));
        }
        body(self.kind, Value::Object(metadata), &self.name)
    }
}

/// A complete object of `kind` around `metadata` (specs the simulator and health accept).
fn body(kind: Kind, metadata: Value, name: &str) -> Value {
    match kind {
        Kind::ConfigMap => json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata,
            "data": {"k": "v"}}),
        Kind::Service => json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata,
            "spec": {"ports": [{"port": 80}], "selector": {"app": name}}}),
        Kind::Deployment => json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata, "spec": {"replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
        Kind::Job => json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata,
            "spec": {"template": {"spec": {"restartPolicy": "Never",
                "containers": [{"name": "c", "image": "busybox", "command": ["true"]}]}}}}),
        Kind::Pod => json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"restartPolicy": "Never",
                "containers": [{"name": "c", "image": "busybox", "command": ["true"]}]}}),
        Kind::Namespace => json!({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}),
        Kind::Crd => json!({"apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition", "metadata": metadata,
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"kind": "Widget", "plural": "widgets"},
                "versions": [{"name": "v1", "served": true, "storage": true}]}}),
        Kind::Widget => json!({"apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": metadata, "spec": {"size": 1}}),
    }
}

/// An object in the cluster before the first operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seed {
    /// A leftover of the desired object at this index (modulo the set's size), from an
    /// earlier sync: same identity, optionally finished or failed, optionally with a changed
    /// spec (an immutable-field change for Jobs and Pods, D-7.2).
    Leftover {
        of: usize,
        state: LeftoverState,
        changed: bool,
    },
    /// A tracked ConfigMap with no manifest: a prune candidate (P-1…P-5).
    Orphan {
        wave: i64,
        namespace: Option<&'static str>,
        prune_last: bool,
        prune_false: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeftoverState {
    Plain,
    Complete,
    Failed,
}

/// A what-if rule for the desired object at `target` (modulo the set's size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub target: usize,
    pub outcome: Option<&'static str>,
    /// An explicit `health:` timeline instead of an outcome: (status, seconds) steps, the
    /// last one holding forever.
    pub health: Vec<(&'static str, u64)>,
    pub after_secs: u64,
    pub apply_fail: bool,
    pub dry_run_fail: bool,
    pub delete_hang: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// The destination namespace: `default` exists, `ns-a` must be created (S-2.1, O-8).
    pub namespace: &'static str,
    pub prune: bool,
    /// The controller's sync timeout (C-9), seconds.
    pub sync_timeout: Option<u64>,
    /// The Application carries a fresh `deletion-approved` (C-8).
    pub prune_confirmed: bool,
    pub sync_options: Vec<&'static str>,
    pub wave_delay_secs: u64,
    pub retry_limit: Option<i64>,
    pub skip_hooks: bool,
}

/// One generated scenario.
#[derive(Clone, PartialEq)]
pub struct Case {
    pub app: App,
    pub objects: Vec<Obj>,
    pub cluster: Vec<Seed>,
    pub behaviour: Vec<Rule>,
    /// `example.com/Widget` is not served until its CRD is applied (T-5).
    pub widget_unknown: bool,
    /// Number of sync operations (a second one meets the first one's leftovers).
    pub syncs: usize,
    /// Desired objects (indices modulo the set's size) the second sync no longer has, at a
    /// new revision: they become prune candidates, or leftover hooks that are never pruned.
    pub dropped_later: Vec<usize>,
    /// The user terminates the first operation this many seconds after its start (C-5).
    pub terminate_after: Option<u64>,
}

/// Prints the case as the scenario file it is, ready for `hookline test`.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scenario_yaml() {
            Ok(y) => write!(
                f,
                "\n# --- scenario file (save as case.yaml, run `hookline simulate case.yaml`) ---\n{y}# ---"
            ),
            Err(e) => write!(f, "<case that does not render: {e}>"),
        }
    }
}

impl Case {
    /// The desired objects with duplicate identities dropped (a Namespace or CRD drawn twice).
    pub fn desired(&self) -> Vec<&Obj> {
        let mut seen = BTreeSet::new();
        self.objects
            .iter()
            .filter(|o| {
                let ns = if o.kind.cluster_scoped() {
                    ""
                } else {
                    o.namespace.unwrap_or("default")
                };
                seen.insert((o.kind.group_kind(), ns, o.name.clone()))
            })
            .collect()
    }

    fn manifests_yaml(&self) -> String {
        docs(self.desired().iter().map(|o| o.value()))
    }

    /// The second sync's manifests, when it drops some objects.
    fn later_manifests_yaml(&self) -> Option<String> {
        let desired = self.desired();
        if self.dropped_later.is_empty() || desired.is_empty() {
            return None;
        }
        let dropped: BTreeSet<usize> = self
            .dropped_later
            .iter()
            .map(|i| i % desired.len())
            .collect();
        Some(docs(
            desired
                .iter()
                .enumerate()
                .filter(|(i, _)| !dropped.contains(i))
                .map(|(_, o)| o.value()),
        ))
    }

    fn cluster_values(&self) -> Vec<Value> {
        let desired = self.desired();
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, seed) in self.cluster.iter().enumerate() {
            let v = match seed {
                Seed::Leftover { of, state, changed } => {
                    let Some(o) = (!desired.is_empty()).then(|| desired[of % desired.len()]) else {
                        continue;
                    };
                    if o.generate_name {
                        continue; // a generated name never repeats across syncs (D-6)
                    }
                    let mut v = o.value();
                    if *changed {
                        let image = json!("busybox:changed");
                        if let Some(c) = v.pointer_mut("/spec/template/spec/containers/0/image") {
                            *c = image;
                        } else if let Some(c) = v.pointer_mut("/spec/containers/0/image") {
                            *c = image;
                        } else if let Some(d) = v.pointer_mut("/data/k") {
                            *d = json!("old");
                        }
                    }
                    let status = match (o.kind, state) {
                        (Kind::Job, LeftoverState::Complete) => {
                            Some(json!({"conditions": [{"type": "Complete", "status": "True"}]}))
                        }
                        (Kind::Job, LeftoverState::Failed) => {
                            Some(json!({"conditions": [{"type": "Failed", "status": "True"}]}))
                        }
                        (Kind::Pod, LeftoverState::Complete) => Some(json!({"phase": "Succeeded"})),
                        (Kind::Pod, LeftoverState::Failed) => Some(json!({"phase": "Failed"})),
                        _ => None,
                    };
                    if let (Some(s), Some(m)) = (status, v.as_object_mut()) {
                        m.insert("status".into(), s);
                    }
                    v
                }
                Seed::Orphan {
                    wave,
                    namespace,
                    prune_last,
                    prune_false,
                } => {
                    let mut options = Vec::new();
                    if *prune_last {
                        options.push("PruneLast=true");
                    }
                    if *prune_false {
                        options.push("Prune=false");
                    }
                    let mut annotations = json!({"argocd.argoproj.io/sync-wave": wave.to_string()});
                    if !options.is_empty() {
                        annotations["argocd.argoproj.io/sync-options"] = json!(options.join(","));
                    }
                    let mut metadata =
                        json!({"name": format!("old-{i}"), "annotations": annotations});
                    if let Some(ns) = namespace {
                        metadata["namespace"] = json!(ns);
                    }
                    body(Kind::ConfigMap, metadata, "old")
                }
            };
            let key = (
                v["kind"].to_string(),
                v["metadata"]["namespace"].to_string(),
                v["metadata"]["name"].to_string(),
            );
            if seen.insert(key) {
                out.push(v);
            }
        }
        out
    }

    /// The what-if rules, as scenario `behaviour:` entries.
    fn behaviour_values(&self) -> Vec<Value> {
        let desired = self.desired();
        if desired.is_empty() {
            return Vec::new();
        }
        self.behaviour
            .iter()
            .map(|r| {
                let o = desired[r.target % desired.len()];
                let mut v = json!({"match": o.reference()});
                if !r.health.is_empty() {
                    let steps: Vec<Value> = r
                        .health
                        .iter()
                        .enumerate()
                        .map(|(i, (status, secs))| {
                            if i + 1 == r.health.len() {
                                json!({"status": status, "message": format!("{status} by rule")})
                            } else {
                                json!({"status": status, "for": format!("{secs}s")})
                            }
                        })
                        .collect();
                    v["health"] = Value::Array(steps);
                } else if let Some(outcome) = r.outcome {
                    v["outcome"] = json!(outcome);
                    v["after"] = json!(format!("{}s", r.after_secs));
                }
                if r.apply_fail {
                    v["apply"] = json!("fail");
                }
                if r.dry_run_fail {
                    v["dryRun"] = json!("fail");
                }
                if r.delete_hang {
                    v["delete"] = json!("hang");
                }
                v
            })
            .collect()
    }

    /// The scenario file the case describes.
    pub fn scenario_file(&self) -> Result<ScenarioFile, String> {
        let cluster = self.cluster_values();
        let secs = |s: u64| {
            hookline_core::duration::Duration::parse(&format!("{s}s")).map_err(|e| e.to_string())
        };
        let app = AppSpec {
            namespace: (self.app.namespace != "default").then(|| self.app.namespace.to_string()),
            sync_timeout: self.app.sync_timeout.map(secs).transpose()?,
            prune_confirmed: self.app.prune_confirmed.then_some(true),
            prune: Some(self.app.prune),
            skip_hooks: self.app.skip_hooks.then_some(true),
            sync_options: (!self.app.sync_options.is_empty()).then(|| {
                self.app
                    .sync_options
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            }),
            wave_delay: Some(
                hookline_core::duration::Duration::parse(&format!("{}s", self.app.wave_delay_secs))
                    .map_err(|e| e.to_string())?,
            ),
            retry: match self.app.retry_limit {
                Some(limit) => {
                    serde_json::from_value(json!({"limit": limit})).map_err(|e| e.to_string())?
                }
                None => None,
            },
            ..AppSpec::default()
        };
        let behaviour: Vec<hookline_core::sim::BehaviourRule> =
            serde_json::from_value(Value::Array(self.behaviour_values()))
                .map_err(|e| e.to_string())?;
        let mut operations = Vec::new();
        for i in 0..self.syncs.max(1) {
            let terminate_after = match (i, self.terminate_after) {
                (0, Some(s)) => Some(
                    hookline_core::duration::Duration::parse(&format!("{s}s"))
                        .map_err(|e| e.to_string())?,
                ),
                _ => None,
            };
            let later = (i == 1).then(|| self.later_manifests_yaml()).flatten();
            operations.push(OperationSpec {
                sync: SyncSpec {
                    terminate_after,
                    revision: later.as_ref().map(|_| "fedcba9876543210".to_string()),
                    manifests: later.map(|y| {
                        vec![SourceSpec {
                            path: None,
                            yaml: Some(y),
                        }]
                    }),
                    ..SyncSpec::default()
                },
            });
        }
        Ok(ScenarioFile {
            name: Some("generated case".into()),
            manifests: vec![SourceSpec {
                path: None,
                yaml: Some(self.manifests_yaml()),
            }],
            app: Some(app),
            cluster: (!cluster.is_empty()).then(|| {
                vec![SourceSpec {
                    path: None,
                    yaml: Some(docs(cluster.into_iter())),
                }]
            }),
            unknown_kinds: self
                .widget_unknown
                .then(|| vec!["example.com/Widget".to_string()]),
            behaviour: (!behaviour.is_empty()).then_some(behaviour),
            operations: Some(operations),
            ..ScenarioFile::default()
        })
    }

    pub fn scenario_yaml(&self) -> Result<String, String> {
        let file = self.scenario_file()?;
        hookline_core::yaml::to_string(&file).map_err(|e| e.to_string())
    }

    /// The case parsed exactly as `hookline test` would parse its file.
    pub fn scenario(&self) -> Scenario {
        let text = self
            .scenario_yaml()
            .unwrap_or_else(|e| panic!("case does not render: {e}"));
        Scenario::parse(&text, "case.yaml", None, "case").unwrap_or_else(|e| {
            panic!("generated scenario is invalid: {e}\n{text}");
        })
    }
}

/// A multi-document YAML stream.
fn docs(values: impl Iterator<Item = Value>) -> String {
    values
        .map(|v| hookline_core::yaml::to_string(&v).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}
