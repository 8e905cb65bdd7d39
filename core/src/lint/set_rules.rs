//! Rules that need the whole set and the planner's result: HL014 … HL017.

use super::{At, Findings, LintConfig, Severity, Text};
use crate::manifest::Manifest;
use crate::model::{GroupKind, SyncPhase};
use crate::object::{self, keys};
use crate::plan::{self, LiveSet, Task, TaskAction, TaskSet};
use std::collections::BTreeSet;

/// API groups served by Kubernetes itself (not by CRDs). Dot-free groups are built in too.
/// Note that some `*.k8s.io` groups (Gateway API, volume snapshots) are CRDs.
const BUILTIN_GROUPS: [&str; 22] = [
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
    // Aggregated APIs, served by an APIService, never by a CRD.
    "metrics.k8s.io",
    "custom.metrics.k8s.io",
    "external.metrics.k8s.io",
    "apiserver.k8s.io",
];

/// Built-in cluster-scoped kinds: T-4 gives them the destination namespace, but they do not
/// live in it.
const CLUSTER_SCOPED: [&str; 22] = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
    "IngressClass",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "CSIDriver",
    "CSINode",
    "RuntimeClass",
    "VolumeAttachment",
    "CertificateSigningRequest",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "PodSecurityPolicy",
];

pub(crate) fn is_builtin_group(group: &str) -> bool {
    !group.contains('.') || BUILTIN_GROUPS.contains(&group)
}

pub(super) fn check(
    manifests: &[Manifest],
    live: &LiveSet,
    config: &LintConfig,
    out: &mut Findings,
) {
    // Lint every hook, whether or not this particular operation would skip them (O-11).
    let mut settings = config.settings.clone();
    settings.skip_hooks = false;
    let set = plan::build_tasks(manifests, live, &settings);
    let ctx = Ctx {
        manifests,
        live,
        set: &set,
        dest: settings.namespace.as_str(),
    };
    sync_fail_reach(&ctx, out);
    namespaces(&ctx, out);
    crds(&ctx, out);
}

struct Ctx<'a> {
    manifests: &'a [Manifest],
    live: &'a LiveSet,
    set: &'a TaskSet,
    dest: &'a str,
}

impl Ctx<'_> {
    /// The manifest a task was made from (same source, group and kind).
    fn manifest_of(&self, t: &Task) -> Option<&Manifest> {
        let src = t.source.as_ref()?;
        self.manifests.iter().find(|m| {
            &m.source == src
                && object::group(&m.object) == t.key.group
                && object::kind(&m.object) == t.key.kind
        })
    }

    /// Tasks made from manifests (no prunes, no CreateNamespace), with their manifest.
    fn applied(&self) -> impl Iterator<Item = (usize, &Task, &Manifest)> {
        self.set
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.action == TaskAction::Apply && t.target.is_some())
            .filter_map(|(i, t)| self.manifest_of(t).map(|m| (i, t, m)))
    }
}

/// HL014 (S-14): SyncFail hooks when the only other step is final and has no hook.
fn sync_fail_reach(ctx: &Ctx<'_>, out: &mut Findings) {
    let p = plan::plan_from_tasks(ctx.set);
    let normal: Vec<&plan::Step> = p
        .steps
        .iter()
        .filter(|s| s.phase != SyncPhase::SyncFail)
        .collect();
    let [only] = normal.as_slice() else {
        return;
    };
    if only.tasks.iter().any(|t| t.hook) {
        return;
    }
    for (_, t, m) in ctx.applied() {
        if t.phase != SyncPhase::SyncFail {
            continue;
        }
        out.push(
            "HL014",
            At::manifest(m),
            Text::new(
                format!(
                    "SyncFail hook only runs on apply errors: the sync has a single step ({} wave {})",
                    only.phase, only.wave
                ),
                "The operation succeeds right after applying the final step when that step holds no hook, without waiting for health (S-14). A resource that degrades afterwards never fails the sync, so this hook never runs for it.",
                format!(
                    "if it should react to unhealthy resources, add a later wave or a PostSync hook that checks them (e.g. `{}: \"1\"` on a check Job)",
                    keys::SYNC_WAVE
                ),
            ),
        );
    }
}

/// HL015 (T-10) and HL016 (T-4, O-8).
fn namespaces(ctx: &Ctx<'_>, out: &mut Findings) {
    let declared: BTreeSet<&str> = ctx
        .manifests
        .iter()
        .filter(|m| object::group(&m.object).is_empty() && object::kind(&m.object) == "Namespace")
        .map(|m| object::name(&m.object))
        .collect();
    let live_known = ctx.live.namespaces.is_some();
    let exists_live = |ns: &str| {
        ctx.live.namespaces.as_ref().is_some_and(|s| s.contains(ns))
            || ctx
                .live
                .objects
                .keys()
                .any(|k| k.group.is_empty() && k.kind == "Namespace" && k.name == ns)
    };
    let ns_task = |ns: &str| {
        ctx.set.tasks.iter().position(|t| {
            t.target.is_some()
                && t.key.group.is_empty()
                && t.key.kind == "Namespace"
                && t.key.name == ns
        })
    };
    for (i, t, m) in ctx.applied() {
        if t.key.group.is_empty() && t.key.kind == "Namespace" {
            continue;
        }
        let written_ns = object::namespace(&m.object);
        if written_ns.is_empty() && !namespaced(ctx, m) {
            continue;
        }
        let ns = t.key.namespace.as_str();
        if exists_live(ns) {
            continue;
        }
        let created_at = ns_task(ns);
        if declared.contains(ns) {
            let late = match created_at {
                None => Some(
                    "its Namespace manifest produces no task (Skip, ignored or delete-time hook)"
                        .to_string(),
                ),
                Some(j) if j > i => Some(format!(
                    "its Namespace is created later, in {} wave {}",
                    ctx.set.tasks[j].phase, ctx.set.tasks[j].wave
                )),
                Some(_) => None,
            };
            if let Some(late) = late {
                out.push(
                    "HL015",
                    At::manifest(m),
                    Text::new(
                        format!("{} {} is applied into namespace `{ns}` before it exists: {late}", t.phase, t.key.kind),
                        "The planner moves a Namespace in front of its first user (T-10) only when the Namespace is itself a task of this sync; otherwise the apply fails with 'namespaces not found'.",
                        format!("make the Namespace `{ns}` a plain resource of the application (no hook or Skip annotation), or create it beforehand"),
                    ),
                );
            }
            continue;
        }
        if created_at.is_some() {
            continue; // CreateNamespace=true (O-8)
        }
        if live_known {
            out.push(
                "HL016",
                At::manifest(m),
                Text::new(
                    format!("namespace `{ns}` does not exist and nothing in this sync creates it"),
                    "No Namespace manifest, no CreateNamespace=true for it, and it is not live: the apply fails with 'namespaces not found' (T-4, O-8).",
                    namespace_fix(ns, ctx.dest),
                ),
            );
        } else if t.hook && ns != ctx.dest {
            out.push_as(
                "HL016",
                Severity::Info,
                At::manifest(m),
                Text::new(
                    format!("hook runs in namespace `{ns}`, which nothing in this sync creates"),
                    "Without live information the destination namespace is assumed to exist, but other namespaces must exist before the hook is applied (T-4, O-8).",
                    namespace_fix(ns, ctx.dest),
                ),
            );
        }
    }
}

fn namespace_fix(ns: &str, dest: &str) -> String {
    if ns == dest {
        "add the application sync option `CreateNamespace=true`, or a Namespace manifest".into()
    } else {
        format!("add a Namespace manifest named `{ns}` to the application, or create it beforehand")
    }
}

/// Whether an object written without a namespace lives in the destination namespace.
/// Unknown custom kinds count as cluster-scoped unless their CRD in the set says otherwise.
fn namespaced(ctx: &Ctx<'_>, m: &Manifest) -> bool {
    let (group, kind) = (object::group(&m.object), object::kind(&m.object));
    if is_builtin_group(group) {
        return !CLUSTER_SCOPED.contains(&kind);
    }
    ctx.manifests.iter().any(|c| {
        plan::crd_defines(&c.object).is_some_and(|gk| gk.group == group && gk.kind == kind)
            && object::str_at(&c.object, &["spec", "scope"]) == Some("Namespaced")
    })
}

/// HL017 (T-5).
fn crds(ctx: &Ctx<'_>, out: &mut Findings) {
    let mut defined: BTreeSet<GroupKind> = ctx
        .manifests
        .iter()
        .filter_map(|m| plan::crd_defines(&m.object))
        .collect();
    for (key, obj) in &ctx.live.objects {
        defined.extend(plan::crd_defines(obj));
        defined.insert(key.group_kind());
    }
    for (_, t, m) in ctx.applied() {
        let gk = t.key.group_kind();
        if is_builtin_group(&gk.group) || defined.contains(&gk) {
            continue;
        }
        out.push(
            "HL017",
            At::manifest(m),
            Text::new(
                format!("no CustomResourceDefinition for `{gk}` in the manifests or live objects"),
                "Every task's kind is looked up before anything is applied; an unknown kind fails the whole sync unless its CRD is part of the same sync (T-5). Fine if the CRD is installed separately.",
                format!("include the CRD defining `{gk}` in the application, or install it before syncing"),
            ),
        );
    }
}
