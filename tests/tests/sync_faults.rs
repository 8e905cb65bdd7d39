//! Fault tests of the `hookline sync` driver against the loopback API server (issue #7):
//! API errors, a dropped watch with compacted history, interrupts mid-hook, objects the app
//! does not track, and prunes whose dependents the garbage collector removes.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns, like the tests themselves

use hookline::sync::{Control, Driver, RunOutcome, SyncRun, track};
use hookline_core::engine::OperationPhase;
use hookline_core::health::HealthRules;
use hookline_core::manifest;
use hookline_core::object;
use hookline_core::plan::SyncSettings;
use hookline_core::reference::Reference;
use hookline_core::sim::{BehaviourRule, Outcome};
use hookline_tests::fakeapi::FakeApi;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const HOOK_AND_CM: &str = "
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: alpine}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {k: v}
";

fn run_of(yaml: &str, prune: bool) -> SyncRun {
    let desired = manifest::parse_str(yaml, "test.yaml").unwrap();
    SyncRun {
        settings: SyncSettings {
            app_name: "demo".into(),
            prune,
            ..SyncSettings::default()
        },
        desired: Arc::new(desired),
        rules: Arc::new(HealthRules::default()),
        wave_delay: Duration::ZERO,
        retry: None,
        timeout: None,
    }
}

fn rule(reference: &str, outcome: Outcome) -> BehaviourRule {
    BehaviourRule {
        matches: Reference::parse(reference).unwrap(),
        outcome: Some(outcome),
        after: None,
        health: None,
        apply: None,
        dry_run: None,
        message: None,
        delete: None,
    }
}

async fn drive(api: &FakeApi, run: &SyncRun, controls: Vec<(Duration, Control)>) -> RunOutcome {
    let driver = Driver::connect(api.client().await, &run.settings.app_name)
        .await
        .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    for (after, c) in controls {
        let tx = tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(c);
        });
    }
    let out = tokio::time::timeout(
        Duration::from_secs(20),
        driver.run(0, run, &mut rx, &mut |_| {}),
    )
    .await
    .expect("the sync did not end within 20 s");
    drop(tx);
    out
}

fn find<'a>(objs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    objs.iter()
        .find(|o| object::kind(o) == kind && object::name(o) == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_server_errors_are_retried_and_the_sync_succeeds() {
    let api = FakeApi::start(0.02).await;
    api.fault(
        "PATCH",
        "/configmaps/cm",
        503,
        "etcdserver: leader changed",
        2,
    );
    let out = drive(&api, &run_of(HOOK_AND_CM, false), vec![]).await;
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    let failed_then_ok = api
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/configmaps/cm"))
        .map(|r| r.status)
        .collect::<Vec<_>>();
    assert!(
        failed_then_ok.starts_with(&[503, 503]),
        "{failed_then_ok:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_apply_becomes_a_failed_task_with_the_servers_message() {
    let api = FakeApi::start(0.02).await;
    api.fault(
        "PATCH",
        "/configmaps/cm",
        403,
        "configmaps \"cm\" is forbidden: User \"ci\" cannot patch resource \"configmaps\"",
        100,
    );
    let out = drive(&api, &run_of(HOOK_AND_CM, false), vec![]).await;
    assert_eq!(out.state.phase, OperationPhase::Failed);
    let r = out
        .state
        .results
        .iter()
        .find(|r| r.key.name == "cm")
        .unwrap();
    assert!(r.message.contains("cannot patch resource"), "{}", r.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_watch_with_compacted_history_resumes_from_cluster_state() {
    let api = FakeApi::start(0.2).await; // the hook runs 200 ms
    let api = Arc::new(api);
    let dropper = {
        let api = api.clone();
        tokio::spawn(async move {
            // Once the hook runs (not dry-run), the connection drops and history is gone.
            while !api.objects().iter().any(|o| object::kind(o) == "Job") {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            api.compact();
            api.drop_watches();
        })
    };
    let out = drive(&api, &run_of(HOOK_AND_CM, false), vec![]).await;
    dropper.await.unwrap();
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    // The watcher re-listed after the drop (a second list of jobs).
    let lists = api
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET" && r.path == "/apis/batch/v1/jobs" && !r.query.contains("watch=true")
        })
        .count();
    let log: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| r.path.contains("jobs"))
        .map(|r| format!("{} {}?{} {}", r.method, r.path, r.query, r.status))
        .collect();
    assert!(lists >= 2, "jobs were listed {lists} time(s): {log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_mid_hook_deletes_the_running_hook_and_leaves_no_finalizer() {
    let api = FakeApi::start(0.02).await;
    api.push_behaviours(&[rule("Job/migrate", Outcome::Hang)]);
    let out = drive(
        &api,
        &run_of(HOOK_AND_CM, false),
        vec![(Duration::from_millis(150), Control::Terminate)],
    )
    .await;
    assert!(out.interrupted);
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(out.state.message, "Operation terminated");
    let objs = api.objects();
    // the running hook was deleted; nothing carries hookline's finalizer.
    assert!(
        find(&objs, "Job", "migrate").is_none(),
        "the running hook is still there"
    );
    assert!(
        objs.iter()
            .all(|o| !object::has_finalizer(o, track::FINALIZER))
    );
    // The step after the hook never started.
    assert!(find(&objs, "ConfigMap", "cm").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_interrupt_only_removes_finalizers() {
    let api = FakeApi::start(0.02).await;
    api.push_behaviours(&[rule("Job/migrate", Outcome::Hang)]);
    let out = drive(
        &api,
        &run_of(HOOK_AND_CM, false),
        vec![(Duration::from_millis(150), Control::Abandon)],
    )
    .await;
    assert!(out.interrupted && out.abandoned);
    let objs = api.objects();
    let job = find(&objs, "Job", "migrate").expect("the hook is left running");
    assert!(!object::has_finalizer(job, track::FINALIZER), "{job}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_only_tracked_objects_and_never_touches_untracked_ones() {
    let api = FakeApi::start(0.02).await;
    let mut old = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old", "namespace": "default"}});
    track::mark(&mut old, "demo");
    api.seed(old);
    // Same label, but the annotation names another object: a copy, not tracked.
    let mut copy = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "copied", "namespace": "default"}});
    track::mark(&mut copy, "demo");
    copy["metadata"]["name"] = json!("copied-elsewhere");
    api.seed(copy);
    api.seed(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "foreign", "namespace": "default"}}));
    let out = drive(&api, &run_of(HOOK_AND_CM, true), vec![]).await;
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    let objs = api.objects();
    assert!(
        find(&objs, "ConfigMap", "old").is_none(),
        "the tracked leftover was not pruned"
    );
    assert!(find(&objs, "ConfigMap", "foreign").is_some());
    assert!(find(&objs, "ConfigMap", "copied-elsewhere").is_some());
    // P-6: prunes delete with foreground propagation by default.
    let delete = api
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE" && r.path.ends_with("/configmaps/old"))
        .unwrap();
    assert!(
        delete.body.contains("\"propagationPolicy\":\"Foreground\""),
        "{}",
        delete.body
    );
    for r in api.requests() {
        if r.method != "GET" {
            assert!(
                !r.path.ends_with("/foreign") && !r.path.ends_with("/copied-elsewhere"),
                "an untracked object was written: {} {}",
                r.method,
                r.path
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreground_prune_waits_for_dependents_the_garbage_collector_removes_p6_p7() {
    let api = Arc::new(FakeApi::start(0.02).await);
    let mut web = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "old-web", "namespace": "default", "uid": "uid-old-web"},
        "spec": {"replicas": 1}});
    track::mark(&mut web, "demo");
    api.seed(web);
    // Its ReplicaSet: not tracked, owned by the Deployment, held by its own finalizer.
    api.seed(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "old-web-5d9", "namespace": "default",
            "finalizers": ["example.com/drain"],
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "old-web",
                "uid": "uid-old-web", "controller": true, "blockOwnerDeletion": true}]}}));
    // A later wave, so that the prune's step is not the last one (S-14 ends the operation
    // in the final step without waiting; S-6 holds the next step back).
    let later = format!(
        "{HOOK_AND_CM}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  \
         annotations: {{argocd.argoproj.io/sync-wave: \"1\"}}\n"
    );
    let run = run_of(&later, true);
    let sync = tokio::spawn({
        let api = api.clone();
        async move { drive(&api, &run, vec![]).await }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !sync.is_finished(),
        "the sync ended while the pruned Deployment was still held by its dependent (P-7)"
    );
    {
        let objs = api.objects();
        let web = find(&objs, "Deployment", "old-web").expect("foreground: the owner waits");
        assert!(object::deletion_timestamp(web).is_some());
        assert!(object::finalizers(web).contains(&"foregroundDeletion"));
        let rs = find(&objs, "ReplicaSet", "old-web-5d9").unwrap();
        assert!(
            object::deletion_timestamp(rs).is_some(),
            "the collector deletes dependents"
        );
        assert!(
            find(&objs, "ConfigMap", "later").is_none(),
            "the next wave started while a pruned object was terminating (S-6)"
        );
    }
    // The ReplicaSet's own controller finishes: the collector removes it, then its owner.
    {
        let mut st = api.lock();
        let def = st.resource("apps", "replicasets").cloned().unwrap();
        st.merge_patch(
            &def,
            "default",
            "old-web-5d9",
            json!({"metadata": {"finalizers": []}}),
            false,
        )
        .unwrap();
    }
    let out = sync.await.unwrap();
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    let objs = api.objects();
    assert!(find(&objs, "Deployment", "old-web").is_none());
    assert!(find(&objs, "ReplicaSet", "old-web-5d9").is_none());
    assert!(find(&objs, "ConfigMap", "later").is_some());
    // hookline deleted its own Deployment only; the ReplicaSet went by garbage collection.
    for r in api.requests() {
        assert!(
            r.method == "GET" || !r.path.contains("/replicasets"),
            "hookline wrote an untracked ReplicaSet: {} {}",
            r.method,
            r.path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operation_dry_run_is_a_server_side_dry_run_and_changes_nothing() {
    let api = FakeApi::start(0.02).await;
    let mut run = run_of(HOOK_AND_CM, false);
    run.settings.dry_run = true;
    let before = api.objects();
    let out = drive(&api, &run, vec![]).await;
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    assert_eq!(api.objects(), before);
    let writes: Vec<_> = api
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(!writes.is_empty());
    assert!(
        writes.iter().all(|r| r.query.contains("dryRun=All")),
        "{writes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applies_are_server_side_with_field_manager_hookline_and_tracking_metadata() {
    let api = FakeApi::start(0.02).await;
    let out = drive(&api, &run_of(HOOK_AND_CM, false), vec![]).await;
    assert_eq!(out.state.phase, OperationPhase::Succeeded);
    let patches: Vec<_> = api
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.query.contains("force=true"))
        .collect();
    assert!(patches.len() >= 2);
    assert!(
        patches
            .iter()
            .all(|r| r.query.contains("fieldManager=hookline"))
    );
    let objs = api.objects();
    let cm = find(&objs, "ConfigMap", "cm").unwrap();
    assert!(track::is_tracked(cm, "demo"), "{cm}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_drop_watches_ends_open_watch_streams() {
    use futures::StreamExt;
    use kube::api::{Api, DynamicObject, WatchParams};
    let api = FakeApi::start(0.02).await;
    let ar = kube::api::ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&());
    let cms: Api<DynamicObject> = Api::all_with(api.client().await, &ar);
    let mut stream = cms
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    api.drop_watches();
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        while stream.next().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the watch stream stayed open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_control_channel_does_not_stop_the_sync() {
    let api = FakeApi::start(0.02).await;
    let run = run_of(HOOK_AND_CM, false);
    let driver = Driver::connect(api.client().await, "demo").await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel::<Control>();
    drop(tx);
    let out = driver.run(0, &run, &mut rx, &mut |_| {}).await;
    assert!(!out.detached);
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_never_gets_an_answer_times_out_and_is_retried() {
    let api = FakeApi::start(0.02).await;
    api.stall("PATCH", "/configmaps/cm", 1);
    let run = run_of(HOOK_AND_CM, false);
    let driver = Driver::connect_with(api.client().await, "demo", Duration::from_millis(200))
        .await
        .unwrap();
    let (_tx, mut rx) = mpsc::unbounded_channel();
    let out = driver.run(0, &run, &mut rx, &mut |_| {}).await;
    assert_eq!(
        out.state.phase,
        OperationPhase::Succeeded,
        "{}",
        out.state.message
    );
    let cm_patches = api
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/configmaps/cm"))
        .count();
    assert!(cm_patches >= 2, "the stalled request was not retried");
}
