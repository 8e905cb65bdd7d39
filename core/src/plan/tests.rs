//! Planner rules, one test per spec rule or upstream test (spec §13.2–§13.4).

use super::*;
use crate::object::keys;
use serde_json::json;

fn m(obj: Value) -> Manifest {
    Manifest {
        object: obj,
        source: Source {
            file: "test.yaml".into(),
            document: 1,
            line: 1,
        },
    }
}

fn res(api: &str, kind: &str, name: &str, ann: Value) -> Manifest {
    m(json!({"apiVersion": api, "kind": kind, "metadata": {"name": name, "annotations": ann}}))
}

fn refs(tasks: &[Task]) -> Vec<String> {
    tasks.iter().map(Task::reference).collect()
}

fn tasks(desired: &[Manifest]) -> Vec<Task> {
    build_tasks(desired, &LiveSet::default(), &SyncSettings::default()).tasks
}

#[test]
fn kind_order_t8() {
    // Test_syncTasks_kindOrder
    assert_eq!(kind_rank("Namespace"), -35);
    assert_eq!(kind_rank("APIService"), -1);
    assert_eq!(kind_rank("Widget"), 0);
    assert!(kind_rank("ConfigMap") < kind_rank("PersistentVolume"));
    assert!(kind_rank("Service") < kind_rank("Pod"));
}

#[test]
fn sort_sync_task_t7() {
    // TestSortSyncTask: PreSync < wave −1 < (ConfigMap < PersistentVolume < Service < Pod <
    // unknown) < names a < b < wave 1 < PostSync < SyncFail.
    let desired = vec![
        res("v1", "Pod", "sync-fail", json!({keys::HOOK: "SyncFail"})),
        res("v1", "Pod", "post", json!({keys::HOOK: "PostSync"})),
        res("v1", "Pod", "wave1", json!({keys::SYNC_WAVE: "1"})),
        res("example.com/v1", "Widget", "unknown", json!({})),
        res("v1", "Pod", "b", json!({})),
        res("v1", "Pod", "a", json!({})),
        res("v1", "Service", "svc", json!({})),
        res("v1", "PersistentVolume", "pv", json!({})),
        res("v1", "ConfigMap", "cm", json!({})),
        res("v1", "Pod", "minus", json!({keys::SYNC_WAVE: "-1"})),
        res("v1", "Pod", "pre", json!({keys::HOOK: "PreSync"})),
    ];
    assert_eq!(
        refs(&tasks(&desired)),
        vec![
            "PreSync:Pod/default/pre",
            "Sync:Pod/default/minus",
            "Sync:ConfigMap/default/cm",
            "Sync:PersistentVolume/default/pv",
            "Sync:Service/default/svc",
            "Sync:Pod/default/a",
            "Sync:Pod/default/b",
            "Sync:example.com/Widget/default/unknown",
            "Sync:Pod/default/wave1",
            "PostSync:Pod/default/post",
            "SyncFail:Pod/default/sync-fail",
        ]
    );
}

#[test]
fn unknown_kinds_sort_by_name_across_kinds_t8() {
    let desired = vec![
        res("example.com/v1", "Zebra", "a", json!({})),
        res("example.com/v1", "Apple", "b", json!({})),
    ];
    assert_eq!(
        refs(&tasks(&desired)),
        vec![
            "Sync:example.com/Zebra/default/a",
            "Sync:example.com/Apple/default/b"
        ]
    );
}

#[test]
fn ties_break_by_kind_group_namespace_principle_5() {
    let desired = vec![
        m(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "b"}}),
        ),
        m(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "a"}}),
        ),
        m(json!({"apiVersion": "b.io/v1", "kind": "W", "metadata": {"name": "x"}})),
        m(json!({"apiVersion": "a.io/v1", "kind": "W", "metadata": {"name": "x"}})),
    ];
    let expected = vec![
        "Sync:ConfigMap/a/x",
        "Sync:ConfigMap/b/x",
        "Sync:a.io/W/default/x",
        "Sync:b.io/W/default/x",
    ];
    assert_eq!(refs(&tasks(&desired)), expected);
    let mut reversed = desired.clone();
    reversed.reverse();
    assert_eq!(refs(&tasks(&reversed)), expected);
}

#[test]
fn objects_get_a_namespace_t4() {
    // TestObjectsGetANamespace: on a copy; cluster-scoped kinds too.
    let desired = vec![res(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "cr",
        json!({}),
    )];
    let t = tasks(&desired);
    assert_eq!(t[0].key.namespace, "default");
    assert_eq!(object::namespace(t[0].target.as_ref().unwrap()), "default");
    assert_eq!(object::namespace(&desired[0].object), "");
}

#[test]
fn namespace_pulled_before_presync_hook_t10() {
    // TestSyncTasksSort_NamespaceAndObjectInNamespace
    let desired = vec![
        m(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})),
        m(
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "init", "namespace": "team",
            "annotations": {keys::HOOK: "PreSync"}}}),
        ),
        m(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team"}}),
        ),
    ];
    let t = tasks(&desired);
    assert_eq!(
        refs(&t),
        vec![
            "PreSync:Namespace/default/team",
            "PreSync:batch/Job/team/init",
            "Sync:ConfigMap/team/cfg"
        ]
    );
    assert_eq!(t[0].wave, 0);
    assert!(t[0].notes.iter().any(|n| n.contains("T-10")));
}

#[test]
fn namespace_sorts_before_crd_without_moving_t10() {
    // TestSyncNamespaceAgainstCRD: plain sort already puts a Namespace before an unknown kind.
    let desired = vec![
        m(
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "ns"}}),
        ),
        m(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}})),
    ];
    let t = tasks(&desired);
    assert_eq!(
        refs(&t),
        vec!["Sync:Namespace/default/ns", "Sync:example.com/Widget/ns/w"]
    );
    assert!(t[0].notes.iter().all(|n| !n.contains("T-10")));
}

#[test]
fn crd_pulled_before_its_presync_cr_t10() {
    // TestSyncTasksSort_CRDAndCR
    let desired = vec![
        m(
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"kind": "Widget"}}}),
        ),
        m(
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w",
            "annotations": {keys::HOOK: "PreSync", keys::SYNC_WAVE: "3"}}}),
        ),
    ];
    let t = tasks(&desired);
    assert_eq!(
        refs(&t),
        vec![
            "PreSync:apiextensions.k8s.io/CustomResourceDefinition/default/widgets.example.com",
            "PreSync:example.com/Widget/default/w",
        ]
    );
    assert_eq!(t[0].wave, 3);
}

#[test]
fn several_dependencies_keep_encounter_order_t10() {
    // Two namespaces used by PreSync hooks in one wave: each lands before its own first user.
    let desired = vec![
        m(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}})),
        m(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}})),
        m(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "b",
            "annotations": {keys::HOOK: "PreSync"}}}),
        ),
        m(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p2", "namespace": "a",
            "annotations": {keys::HOOK: "PreSync"}}}),
        ),
    ];
    assert_eq!(
        refs(&tasks(&desired)),
        vec![
            "PreSync:Namespace/default/b",
            "PreSync:Pod/b/p1",
            "PreSync:Namespace/default/a",
            "PreSync:Pod/a/p2",
        ]
    );
}

#[test]
fn generated_hook_names_n1() {
    // TestUnnamedHooksGetUniqueNames
    let hook = m(
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "foobar-",
        "annotations": {keys::HOOK: "PreSync,PostSync"}}}),
    );
    let mut s = SyncSettings {
        revision: "foobarbaz".into(),
        started_at: 1_700_000_000,
        ..SyncSettings::default()
    };
    let t = build_tasks(std::slice::from_ref(&hook), &LiveSet::default(), &s).tasks;
    assert_eq!(t[0].key.name, "foobar-foobarb-presync-1700000000");
    assert_eq!(t[1].key.name, "foobar-foobarb-postsync-1700000000");
    // A revision shorter than 8 characters is used whole.
    s.revision = "FooBar".into();
    let t = build_tasks(std::slice::from_ref(&hook), &LiveSet::default(), &s).tasks;
    assert_eq!(t[0].key.name, "foobar-foobar-presync-1700000000");
    assert_eq!(
        object::name(&hook.object),
        "",
        "the manifest is not modified"
    );
}

#[test]
fn hooks_get_the_finalizer_resources_do_not_f1() {
    let desired = vec![
        res("v1", "Pod", "hook", json!({keys::HOOK: "Sync"})),
        res("v1", "Pod", "plain", json!({})),
    ];
    let t = tasks(&desired);
    let hook = t.iter().find(|t| t.hook).unwrap();
    let plain = t.iter().find(|t| !t.hook).unwrap();
    assert!(object::has_finalizer(
        hook.target.as_ref().unwrap(),
        keys::HOOK_FINALIZER
    ));
    assert!(!object::has_finalizer(
        plain.target.as_ref().unwrap(),
        keys::HOOK_FINALIZER
    ));
}

#[test]
fn ignored_and_skipped_get_no_task_h5_h7() {
    let desired = vec![
        res("v1", "Pod", "garbage", json!({keys::HOOK: "Presync"})),
        res("v1", "Pod", "skip", json!({keys::HOOK: "Skip"})),
        res("v1", "Pod", "predelete", json!({keys::HOOK: "PreDelete"})),
    ];
    let set = build_tasks(&desired, &LiveSet::default(), &SyncSettings::default());
    assert!(set.tasks.is_empty());
    assert_eq!(set.excluded.ignored.len(), 2);
    assert_eq!(set.excluded.skipped.len(), 1);
}

#[test]
fn live_hooks_and_skip_objects_are_never_pruned_p2() {
    // TestDoNotSyncOrPruneHooks (prune half)
    let live = LiveSet::from_objects([
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "old-hook", "namespace": "default",
            "annotations": {keys::HOOK: "PreSync"}}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "skip", "namespace": "default",
            "annotations": {keys::HOOK: "Skip"}}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gone", "namespace": "default"}}),
    ]);
    let t = build_tasks(&[], &live, &SyncSettings::default()).tasks;
    assert_eq!(refs(&t), vec!["Sync:Pod/default/gone"]);
    assert!(t[0].is_prune());
}

#[test]
fn skip_hooks_drops_every_hook_o11() {
    let desired = vec![
        res("v1", "Pod", "pre", json!({keys::HOOK: "PreSync"})),
        res("v1", "Pod", "fail", json!({keys::HOOK: "SyncFail"})),
        res("v1", "ConfigMap", "cm", json!({})),
    ];
    let s = SyncSettings {
        skip_hooks: true,
        ..SyncSettings::default()
    };
    let set = build_tasks(&desired, &LiveSet::default(), &s);
    assert_eq!(refs(&set.tasks), vec!["Sync:ConfigMap/default/cm"]);
    assert_eq!(set.excluded.skipped.len(), 2);
}

fn live_pod(name: &str, wave: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
        "annotations": {keys::SYNC_WAVE: wave}}})
}

#[test]
fn prune_waves_are_mirrored_p4() {
    // TestWaveReorderingOfPruneTasks, mixed example: prune waves {1,3,4,5}, creations in −1, 3, 5.
    let live = LiveSet::from_objects([
        live_pod("p1", "1"),
        live_pod("p3", "3"),
        live_pod("p4", "4"),
        live_pod("p5", "5"),
    ]);
    let desired = vec![
        res("v1", "ConfigMap", "c-1", json!({keys::SYNC_WAVE: "-1"})),
        res("v1", "ConfigMap", "c3", json!({keys::SYNC_WAVE: "3"})),
        res("v1", "ConfigMap", "c5", json!({keys::SYNC_WAVE: "5"})),
    ];
    let t = build_tasks(&desired, &live, &SyncSettings::default()).tasks;
    let wave_of = |name: &str| t.iter().find(|t| t.key.name == name).unwrap().wave;
    assert_eq!(
        [wave_of("p1"), wave_of("p3"), wave_of("p4"), wave_of("p5")],
        [5, 4, 3, 1]
    );
    assert_eq!(wave_of("c3"), 3);
}

#[test]
fn all_prunes_reverse_p4() {
    let live = LiveSet::from_objects((0..5).map(|i| live_pod(&format!("p{i}"), &i.to_string())));
    let t = build_tasks(&[], &live, &SyncSettings::default()).tasks;
    assert_eq!(
        refs(&t),
        vec![
            "Sync:Pod/default/p4",
            "Sync:Pod/default/p3",
            "Sync:Pod/default/p2",
            "Sync:Pod/default/p1",
            "Sync:Pod/default/p0"
        ]
    );
}

#[test]
fn prune_last_p5() {
    // TestPruneLast: 1 when everything is at 0, last Sync wave + 1 otherwise; per resource too.
    let live = LiveSet::from_objects([live_pod("old", "0")]);
    let s = SyncSettings {
        sync_options: vec!["PruneLast=true".into()],
        ..SyncSettings::default()
    };
    let t = build_tasks(&[res("v1", "ConfigMap", "c", json!({}))], &live, &s).tasks;
    assert_eq!(t.iter().find(|t| t.is_prune()).unwrap().wave, 1);
    let t = build_tasks(
        &[res("v1", "ConfigMap", "c", json!({keys::SYNC_WAVE: "7"}))],
        &live,
        &s,
    )
    .tasks;
    assert_eq!(t.iter().find(|t| t.is_prune()).unwrap().wave, 8);
    let mut own = live_pod("own", "0");
    own["metadata"]["annotations"][keys::SYNC_OPTIONS] = json!("PruneLast=true");
    let live = LiveSet::from_objects([own, live_pod("other", "0")]);
    let t = build_tasks(
        &[res("v1", "ConfigMap", "c", json!({keys::SYNC_WAVE: "2"}))],
        &live,
        &SyncSettings::default(),
    )
    .tasks;
    let wave_of = |name: &str| t.iter().find(|t| t.key.name == name).unwrap().wave;
    assert_eq!((wave_of("own"), wave_of("other")), (3, 0));
}

#[test]
fn create_namespace_task_o8() {
    let s = SyncSettings {
        namespace: "team".into(),
        sync_options: vec!["CreateNamespace=true".into()],
        ..SyncSettings::default()
    };
    let mut live = LiveSet {
        namespaces: Some(Default::default()),
        ..LiveSet::default()
    };
    let desired = vec![res("v1", "ConfigMap", "c", json!({keys::SYNC_WAVE: "2"}))];
    let t = build_tasks(&desired, &live, &s).tasks;
    // A PreSync task of wave 0: already before every user, so it stays there (T-10).
    assert_eq!(
        refs(&t),
        vec!["PreSync:Namespace/team/team", "Sync:ConfigMap/team/c"]
    );
    assert_eq!(t[0].action, TaskAction::CreateNamespace);
    // A PreSync hook in an earlier wave pulls it forward, into its wave.
    let mut early = desired.clone();
    early.push(res(
        "v1",
        "Pod",
        "early",
        json!({keys::HOOK: "PreSync", keys::SYNC_WAVE: "-2"}),
    ));
    let t = build_tasks(&early, &live, &s).tasks;
    assert_eq!(
        refs(&t)[..2],
        ["PreSync:Namespace/team/team", "PreSync:Pod/team/early"]
    );
    assert_eq!(t[0].wave, -2);
    // An existing namespace gets no task.
    live.namespaces = Some(["team".to_string()].into());
    assert_eq!(build_tasks(&desired, &live, &s).tasks.len(), 1);
    // Nor does a namespace that is itself a resource target.
    live.namespaces = Some(Default::default());
    let mut with_ns = desired.clone();
    with_ns.push(res("v1", "Namespace", "team", json!({})));
    assert!(
        build_tasks(&with_ns, &live, &s)
            .tasks
            .iter()
            .all(|t| t.action != TaskAction::CreateNamespace)
    );
}

#[test]
fn leftover_hook_found_namespace_tolerant_t4_3() {
    // Test_syncContext_liveObj: a live object with an empty namespace matches.
    let live = LiveSet::from_objects([json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "migrate", "annotations": {keys::HOOK: "PreSync"}}})]);
    let t = build_tasks(
        &[res(
            "batch/v1",
            "Job",
            "migrate",
            json!({keys::HOOK: "PreSync"}),
        )],
        &live,
        &SyncSettings::default(),
    )
    .tasks;
    assert!(t[0].live.is_some());
}

#[test]
fn dedup_resource_and_hook_n5() {
    // TestDeDupingTasks: the live object of a hook is not a prune candidate.
    let live = LiveSet::from_objects([json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "hook", "namespace": "default", "annotations": {keys::HOOK: "Sync"}}})]);
    let t = build_tasks(
        &[res("v1", "Pod", "hook", json!({keys::HOOK: "Sync"}))],
        &live,
        &SyncSettings::default(),
    )
    .tasks;
    assert_eq!(refs(&t), vec!["Sync:Pod/default/hook"]);
}

#[test]
fn multi_step_t12() {
    // Test_syncTasks_multiStep; a SyncFail hook alone makes a sync multi-step.
    assert!(!is_multi_step(&tasks(&[
        res("v1", "Pod", "a", json!({})),
        res("v1", "Pod", "b", json!({}))
    ])));
    assert!(is_multi_step(&tasks(&[
        res("v1", "Pod", "a", json!({})),
        res("v1", "Pod", "b", json!({keys::HOOK: "SyncFail"}))
    ])));
}

#[test]
fn plan_steps_and_apply_groups_t11() {
    let desired = vec![
        res("v1", "ConfigMap", "a", json!({})),
        res("v1", "ConfigMap", "b", json!({})),
        res("v1", "Service", "s", json!({})),
        res(
            "v1",
            "Pod",
            "f1",
            json!({keys::HOOK: "SyncFail", keys::SYNC_WAVE: "5"}),
        ),
        res("v1", "Pod", "f2", json!({keys::HOOK: "SyncFail"})),
        res("v1", "Pod", "post", json!({keys::HOOK: "PostSync"})),
    ];
    let p = plan(&desired, &LiveSet::default(), &SyncSettings::default());
    let shape: Vec<(SyncPhase, Vec<usize>)> = p
        .steps
        .iter()
        .map(|s| (s.phase, s.tasks.iter().map(|t| t.apply_group).collect()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (SyncPhase::Sync, vec![1, 1, 2]),
            (SyncPhase::PostSync, vec![1]),
            (SyncPhase::SyncFail, vec![1, 1]),
        ]
    );
    // All SyncFail hooks form one step whatever their waves (H-9).
    assert_eq!(p.steps[2].tasks.len(), 2);
    assert!(p.multi_step);
}

/// A set where both T-10 passes move tasks across phases and waves.
fn set_with_dependency_moves() -> Vec<Manifest> {
    vec![
        m(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team",
            "annotations": {keys::SYNC_WAVE: "5"}}}),
        ),
        m(
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com", "annotations": {keys::SYNC_WAVE: "3"}},
            "spec": {"group": "example.com", "names": {"kind": "Widget"}}}),
        ),
        m(
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "init",
            "namespace": "team", "annotations": {keys::HOOK: "PreSync"}}}),
        ),
        m(
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w",
            "namespace": "other", "annotations": {keys::SYNC_WAVE: "-2"}}}),
        ),
        m(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg",
            "namespace": "team"}}),
        ),
    ]
}

#[test]
fn undoing_t10_moves_recovers_the_t7_order() {
    // The prepared list keeps only the moved order; a pass with prunes re-runs T-10 from
    // the T-7 order recovered from it (tasks::undo_move). Check that recovery exactly.
    let prepared = Prepared::new(&set_with_dependency_moves(), &SyncSettings::default());
    let adjusted = prepared.assemble(&LiveSet::default()).tasks;
    assert!(adjusted.iter().filter(|t| t.moved_from.is_some()).count() >= 2);
    let undone = tasks::recover_t7_order(&adjusted);
    assert!(undone.iter().all(|t| t.moved_from.is_none()));
    assert!(
        undone
            .iter()
            .all(|t| t.notes.iter().all(|n| !n.contains("T-10")))
    );
    assert!(undone.is_sorted_by(|a, b| order::compare(a, b).is_le()));
    let mut again = undone.clone();
    order::adjust_dependencies(&mut again);
    let view = |ts: &[Task]| -> Vec<(String, i64, Vec<String>)> {
        ts.iter()
            .map(|t| (t.reference(), t.wave, t.notes.clone()))
            .collect()
    };
    assert_eq!(view(&again), view(&adjusted));
}

#[test]
fn prunes_join_a_list_with_dependency_moves_t10_p4() {
    // Slow path of `assemble`: a prune joins, T-10 runs again over the merged list. The
    // result must equal planning the same set with the prune known from the start.
    let desired = set_with_dependency_moves();
    let live = LiveSet::from_objects([json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "old", "namespace": "team"}})]);
    let settings = SyncSettings {
        prune: true,
        ..SyncSettings::default()
    };
    let prepared = Prepared::new(&desired, &settings);
    let _ = prepared.assemble(&LiveSet::default()); // the cache is used once before
    let got = prepared.assemble(&live).into_tasks();
    let fresh = build_tasks(&desired, &live, &settings).tasks;
    assert_eq!(refs(&got), refs(&fresh));
    assert!(refs(&got).contains(&"Sync:Secret/team/old".to_string()));
    assert_eq!(
        got.iter().map(|t| t.notes.clone()).collect::<Vec<_>>(),
        fresh.iter().map(|t| t.notes.clone()).collect::<Vec<_>>()
    );
    // Namespace before the PreSync hook that uses it, CRD before its CR.
    let r = refs(&got);
    let at = |s: &str| r.iter().position(|x| x.ends_with(s)).unwrap();
    assert!(at("Namespace/default/team") < at("Job/team/init"));
    assert!(at("CustomResourceDefinition/default/widgets.example.com") < at("Widget/other/w"));
}
