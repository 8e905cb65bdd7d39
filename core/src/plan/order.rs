//! Task order: the sort key (T-7, T-8) with hookline's tie-breaks, and the dependency
//! adjustment that pulls Namespaces and CRDs in front of their first user (T-10).

use super::Task;
use foldhash::fast::FixedState;
use std::cmp::Ordering;
use std::collections::HashMap;

/// T-8, first to last. Rank = position − 35 (Namespace −35 … APIService −1); others 0.
const KIND_ORDER: [&str; 35] = [
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// T-8: looked up by Kind string only, the API group is ignored.
pub fn kind_rank(kind: &str) -> i32 {
    match KIND_ORDER.iter().position(|k| *k == kind) {
        Some(i) => i as i32 - KIND_ORDER.len() as i32,
        None => 0,
    }
}

/// T-7 plus hookline's tie-break (architecture principle 5): phase, wave, kind rank, name,
/// then kind, group, namespace. Argo CD leaves ties unordered (T-9).
pub(crate) fn compare(a: &Task, b: &Task) -> Ordering {
    a.phase
        .cmp(&b.phase)
        .then(a.wave.cmp(&b.wave))
        .then(a.kind_rank.cmp(&b.kind_rank))
        .then_with(|| a.key.name.cmp(&b.key.name))
        .then_with(|| a.key.kind.cmp(&b.key.kind))
        .then_with(|| a.key.group.cmp(&b.key.group))
        .then_with(|| a.key.namespace.cmp(&b.key.namespace))
}

/// Both dependency passes (T-10) over a list already in T-7 order: namespaces, then CRDs.
pub(crate) fn adjust_dependencies(tasks: &mut Vec<Task>) {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    adjust_order(tasks, &mut order);
    *tasks = permuted(std::mem::take(tasks), order);
}

/// [`adjust_dependencies`] over `order` (positions → indices into `tasks`, in T-7 order):
/// the moved tasks get their new phase, wave and note in place, and `order` the new
/// positions, so that the tasks themselves (a few hundred bytes each) move only once,
/// when the caller applies the order ([`permuted`]).
pub(crate) fn adjust_order(tasks: &mut [Task], order: &mut Vec<usize>) {
    adjust(
        tasks,
        order,
        namespace_dependency,
        namespace_referencer,
        "namespace",
    );
    adjust(
        tasks,
        order,
        crd_dependency,
        crd_referencer,
        "CustomResourceDefinition",
    );
}

/// `tasks` rearranged so that position `p` holds `tasks[order[p]]` (`order` is a
/// permutation); each task is moved once.
pub(crate) fn permuted(tasks: Vec<Task>, order: Vec<usize>) -> Vec<Task> {
    let mut slots: Vec<Option<Task>> = tasks.into_iter().map(Some).collect();
    // Sized up front: `filter_map` promises no length, and growing a vector of ten
    // thousand tasks by doubling copies them over and over.
    let mut out = Vec::with_capacity(order.len());
    out.extend(order.into_iter().filter_map(|i| slots[i].take()));
    out
}

// The T-10 keys, read from the task key (group, kind and name are the target's; the
// namespace is the target's after enrichment, T-4) and from the CRD the target defines.
type DependencyKey<'a> = (&'a str, &'a str);

fn namespace_dependency(t: &Task) -> Option<DependencyKey<'_>> {
    (t.key.group.is_empty() && t.key.kind == "Namespace").then_some(("", t.key.name.as_str()))
}

fn namespace_referencer(t: &Task) -> Option<DependencyKey<'_>> {
    (!t.key.namespace.is_empty()).then_some(("", t.key.namespace.as_str()))
}

fn crd_dependency(t: &Task) -> Option<DependencyKey<'_>> {
    t.crd
        .as_ref()
        .map(|gk| (gk.group.as_str(), gk.kind.as_str()))
}

fn crd_referencer(t: &Task) -> Option<DependencyKey<'_>> {
    Some((t.key.group.as_str(), t.key.kind.as_str()))
}

/// One T-10 pass. Argo CD walks the sorted list once, moving each dependency to the
/// position of the first earlier referencer of its key (shifting the rest down) and giving
/// it that referencer's phase and wave. Moving one element at a time is O(n²); the result is
/// the same as inserting every moved dependency immediately before its referencer, in the
/// order the walk meets them, which is what this does in O(n).
fn adjust(
    tasks: &mut [Task],
    order: &mut Vec<usize>,
    dependency: for<'a> fn(&'a Task) -> Option<DependencyKey<'a>>,
    referencer: for<'a> fn(&'a Task) -> Option<DependencyKey<'a>>,
    what: &str,
) {
    // moved[p] = position of the referencer the dependency at position p moves in front of.
    let mut moved: Vec<Option<usize>> = vec![None; order.len()];
    {
        // Fixed-seed hashing: iteration order never matters here, and SipHash was a
        // visible share of planning 10k objects.
        let mut first_referencer: HashMap<DependencyKey<'_>, usize, FixedState> =
            HashMap::default();
        for (p, &i) in order.iter().enumerate() {
            let t = &tasks[i];
            if t.is_prune() {
                continue; // prunes take no part (T-10)
            }
            if let Some(key) = dependency(t) {
                if let Some(&r) = first_referencer.get(&key) {
                    moved[p] = Some(r);
                }
                continue; // a dependency never registers as a referencer in the same pass
            }
            if let Some(key) = referencer(t) {
                first_referencer.entry(key).or_insert(p);
            }
        }
    }
    if moved.iter().all(Option::is_none) {
        return;
    }
    let mut attached: HashMap<usize, Vec<usize>, FixedState> = HashMap::default();
    for (p, m) in moved.iter().enumerate() {
        if let Some(r) = m {
            attached.entry(*r).or_default().push(p);
        }
    }
    let mut out: Vec<usize> = Vec::with_capacity(order.len());
    for p in 0..order.len() {
        if moved[p].is_some() {
            continue;
        }
        if let Some(deps) = attached.get(&p) {
            let r = &tasks[order[p]];
            let (phase, wave, reference) = (r.phase, r.wave, r.key.to_string());
            for &d in deps {
                let dep = &mut tasks[order[d]];
                if dep.phase != phase || dep.wave != wave {
                    dep.notes.push(format!(
                        "moved before {reference}, its first user, into {phase} wave {wave} (T-10, {what})"
                    ));
                } else {
                    dep.notes.push(format!(
                        "moved before {reference}, its first user (T-10, {what})"
                    ));
                }
                dep.moved_from = Some((dep.phase, dep.wave));
                dep.phase = phase;
                dep.wave = wave;
                out.push(order[d]);
            }
        }
        out.push(order[p]);
    }
    *order = out;
}
