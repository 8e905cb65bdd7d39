//! State-machine tests: one pass at a time, effects checked one by one (spec §4–§9, [C]).
//! Each test names the rules it pins.

use super::context::Ctx;
use super::message::waiting_message;
use super::pass::Io;
use super::*;
use crate::health::OperationState;
use crate::manifest::parse_str;
use crate::model::{ResourceKey, SyncPhase};
use crate::object::keys::HOOK_FINALIZER;
use serde_json::{Value, json};

// --- fixtures ----------------------------------------------------------------------------

fn manifests(yaml: &str) -> Vec<Manifest> {
    parse_str(yaml, "test.yaml").expect("valid manifests")
}

fn input(yaml: &str, live: Vec<Value>, state: SyncOperation, settings: SyncSettings) -> PassInput {
    PassInput {
        settings: Arc::new(settings),
        desired: Arc::new(manifests(yaml)),
        rules: Arc::new(HealthRules::default()),
        live: LiveView {
            set: Arc::new(LiveSet::from_objects(live)),
            discovery: Discovery::default(),
        },
        state,
        plan: None,
    }
}

fn fresh(yaml: &str, live: Vec<Value>) -> PassInput {
    input(
        yaml,
        live,
        SyncOperation::new(1_700_000_000),
        SyncSettings::default(),
    )
}

fn key(group: &str, kind: &str, name: &str) -> ResourceKey {
    ResourceKey::new(group, kind, "default", name)
}

/// The driver used by most tests: every call succeeds, a GET finds nothing.
fn ok(e: &Effect) -> EffectResult {
    match e {
        Effect::Apply { key, dry_run, .. } => EffectResult::Ok {
            message: format!(
                "{}/{} created{}",
                key.kind.to_lowercase(),
                key.name,
                if *dry_run { " (dry run)" } else { "" }
            ),
        },
        Effect::Get { .. } => EffectResult::NotFound,
        _ => EffectResult::Ok {
            message: String::new(),
        },
    }
}

/// Runs a pass to its end; returns every batch of effects it asked for and the outcome.
fn drive(
    input: PassInput,
    mut answer: impl FnMut(&Effect) -> EffectResult,
) -> (Vec<Vec<Effect>>, PassOutcome) {
    let mut pass = begin_pass(input);
    let mut batches = Vec::new();
    loop {
        match pass.poll() {
            PassStep::Done(outcome) => return (batches, outcome),
            PassStep::Effects(effects) => {
                let results = effects.iter().map(&mut answer).collect();
                batches.push(effects);
                pass.resolve(results);
            }
        }
    }
}

/// A compact view of an effect: `apply-dry Job/x`, `apply Job/x`, `delete(reason) Job/x`…
fn show(e: &Effect) -> String {
    let k = e.key();
    match e {
        Effect::Apply { dry_run: true, .. } => format!("dry-run {}/{}", k.kind, k.name),
        Effect::Apply { .. } => format!("apply {}/{}", k.kind, k.name),
        Effect::Delete { reason, .. } => format!("delete({reason:?}) {}/{}", k.kind, k.name),
        Effect::RemoveFinalizer { .. } => format!("unfinalize {}/{}", k.kind, k.name),
        Effect::Get { .. } => format!("get {}/{}", k.kind, k.name),
    }
}

fn shown(batches: &[Vec<Effect>]) -> Vec<String> {
    batches.iter().flatten().map(show).collect()
}

fn result<'a>(op: &'a SyncOperation, phase: SyncPhase, k: &ResourceKey) -> &'a TaskResult {
    op.result(phase, k)
        .unwrap_or_else(|| panic!("no result for {phase:?} {k:?} in {:#?}", op.results))
}

const JOB_HOOK: &str = r#"
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: alpine}]
"#;

const CM: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {k: v}
"#;

fn docs(parts: &[&str]) -> String {
    parts.join("\n---\n")
}

/// A live Job in the default namespace, with the hook finalizer; `done` = Complete.
fn live_job(name: &str, hook: &str, done: bool, finalizer: bool) -> Value {
    let mut j = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": "default",
            "annotations": {"argocd.argoproj.io/hook": hook},
        },
        "spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "alpine"}]}}},
        "status": {"active": 1},
    });
    if done {
        j["status"] =
            json!({"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]});
    }
    if finalizer {
        j["metadata"]["finalizers"] = json!([HOOK_FINALIZER]);
    }
    j
}

fn live_cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": "default"}, "data": {"k": "v"}})
}

// --- S-2, S-11, S-12, S-13, S-16 ----------------------------------------------------------

/// S-2: the first pass dry-runs every task of every phase (PostSync and SyncFail included),
/// in apply groups (T-11, R-7); then S-11 picks the first step (PreSync) and applies it for
/// real; S-13 reports a non-final wave callback; S-16 [C] names the running hook.
#[test]
fn s2_first_pass_dry_runs_every_task_then_applies_first_step() {
    let yaml = docs(&[
        JOB_HOOK,
        CM,
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: post
  annotations: {argocd.argoproj.io/hook: PostSync}
spec: {restartPolicy: Never, containers: [{name: c, image: alpine}]}
"#,
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: notify
  annotations: {argocd.argoproj.io/hook: SyncFail}
spec: {restartPolicy: Never, containers: [{name: c, image: alpine}]}
"#,
    ]);
    let (batches, out) = drive(fresh(&yaml, vec![]), ok);
    assert_eq!(
        shown(&batches),
        [
            "dry-run Job/migrate",
            "dry-run ConfigMap/cm",
            "dry-run Pod/post",
            "dry-run Pod/notify",
            "apply Job/migrate",
        ]
    );
    // Hooks carry the hook finalizer when applied (F-1).
    // Consecutive tasks of one kind form one apply group (T-11): the two Pods go together.
    assert_eq!(
        batches.iter().map(Vec::len).collect::<Vec<_>>(),
        [1, 1, 2, 1]
    );
    let Effect::Apply { object, rule, .. } = &batches[3][0] else {
        panic!("an apply")
    };
    assert_eq!(*rule, "R-7");
    assert_eq!(object["metadata"]["finalizers"], json!([HOOK_FINALIZER]));
    assert_eq!(out.state.phase, OperationPhase::Running);
    assert_eq!(
        out.state.message,
        "waiting for completion of hook batch/Job/migrate"
    );
    // Only the applied task has a result: a passing dry-run records nothing (R-7).
    assert_eq!(out.state.results.len(), 1);
    let r = result(
        &out.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(
        (
            r.status,
            r.hook_phase,
            r.message.as_str(),
            r.hook_type,
            r.order
        ),
        (
            Some(ResultCode::Synced),
            Some(OperationState::Running),
            "job/migrate created",
            Some(SyncPhase::PreSync),
            1
        )
    );
    assert_eq!(
        out.wave_callback,
        Some(WaveCallback {
            phase: SyncPhase::PreSync,
            wave: 0,
            final_wave: false
        })
    );
}

/// S-2.3: a dry-run failure fails the operation at once; only the failing task gets a
/// result; nothing is applied for real and no SyncFail hook runs.
#[test]
fn s2_dry_run_failure_fails_without_sync_fail_hooks() {
    let yaml = docs(&[
        CM,
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: notify
  annotations: {argocd.argoproj.io/hook: SyncFail}
spec: {restartPolicy: Never, containers: [{name: c, image: alpine}]}
"#,
    ]);
    let (batches, out) = drive(fresh(&yaml, vec![]), |e| match e {
        Effect::Apply { key, .. } if key.kind == "ConfigMap" => EffectResult::Failed {
            message: "denied".into(),
        },
        e => ok(e),
    });
    assert_eq!(
        shown(&batches),
        ["dry-run ConfigMap/cm", "dry-run Pod/notify"]
    );
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(
        out.state.message,
        "one or more objects failed to apply (dry run)"
    );
    assert_eq!(out.state.results.len(), 1);
    let r = result(&out.state, SyncPhase::Sync, &key("", "ConfigMap", "cm"));
    assert_eq!(r.status, Some(ResultCode::SyncFailed));
    assert_eq!(r.message, "denied");
    assert_eq!(out.wave_callback, None);
}

/// R-7 / S-14 / S-15: a rejected real apply gives SyncFailed with the server's message, and
/// with nothing else running the operation fails with ", reason: <message>".
#[test]
fn r7_failed_apply_is_sync_failed_with_server_message() {
    let (batches, out) = drive(fresh(CM, vec![]), |e| match e {
        Effect::Apply { dry_run: false, .. } => EffectResult::Failed {
            message: "ConfigMap \"cm\" is invalid".into(),
        },
        e => ok(e),
    });
    assert_eq!(
        shown(&batches),
        ["dry-run ConfigMap/cm", "apply ConfigMap/cm"]
    );
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(
        out.state.message,
        "one or more objects failed to apply, reason: ConfigMap \"cm\" is invalid"
    );
    let r = result(&out.state, SyncPhase::Sync, &key("", "ConfigMap", "cm"));
    assert_eq!(
        (r.status, r.hook_phase, r.message.as_str()),
        (
            Some(ResultCode::SyncFailed),
            Some(OperationState::Failed),
            "ConfigMap \"cm\" is invalid"
        )
    );
}

/// S-14 [C] failed: a hook of the same step did apply, so the operation waits for it
/// (Running, S-16 over the running tasks) instead of failing at once.
#[test]
fn s14_apply_failure_next_to_running_hook_waits() {
    let hook = JOB_HOOK.replace("PreSync", "Sync");
    let yaml = docs(&[&hook, CM]);
    let (_, out) = drive(fresh(&yaml, vec![]), |e| match e {
        Effect::Apply {
            dry_run: false,
            key,
            ..
        } if key.kind == "ConfigMap" => EffectResult::Failed {
            message: "boom".into(),
        },
        e => ok(e),
    });
    assert_eq!(out.state.phase, OperationPhase::Running);
    assert_eq!(
        out.state.message,
        "waiting for completion of hook batch/Job/migrate"
    );
    // The next pass, once the hook completed: S-9 fails with the apply failure's reason.
    let live = vec![live_job("migrate", "Sync", true, true)];
    let next = input(&yaml, live, out.state, SyncSettings::default());
    let (batches, out) = drive(next, ok);
    assert_eq!(shown(&batches), ["unfinalize Job/migrate"]);
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(
        out.state.message,
        "one or more synchronization tasks completed unsuccessfully, reason: boom"
    );
}

// --- R-3, R-6, D-6: leftovers --------------------------------------------------------------

/// R-3 then R-6: a leftover hook with the default BeforeHookCreation policy loses the hook
/// finalizer, is deleted, and the step is pending: "waiting for deletion of hook …" ([C]
/// S-14, S-16); no result is written, the ConfigMap of a later step is untouched.
#[test]
fn r6_bhc_leftover_unfinalized_then_deleted_then_waits() {
    let yaml = docs(&[JOB_HOOK, CM]);
    let live = vec![live_job("migrate", "PreSync", true, true)];
    let (batches, out) = drive(fresh(&yaml, live), ok);
    assert_eq!(
        shown(&batches),
        [
            "dry-run Job/migrate",
            "dry-run ConfigMap/cm",
            "unfinalize Job/migrate",
            "delete(BeforeHookCreation) Job/migrate",
        ]
    );
    let rules: Vec<_> = batches
        .iter()
        .flatten()
        .skip(2)
        .map(|e| match e {
            Effect::RemoveFinalizer { rule, .. } | Effect::Delete { rule, .. } => *rule,
            _ => "",
        })
        .collect();
    assert_eq!(rules, ["R-3", "R-6"]);
    assert_eq!(out.state.phase, OperationPhase::Running);
    assert_eq!(
        out.state.message,
        "waiting for deletion of hook batch/Job/migrate"
    );
    assert!(out.state.results.is_empty());
    // Argo CD sleeps after a pending step too (S-13).
    assert!(out.wave_callback.is_some());
}

/// R-6: a BeforeHookCreation delete answered NotFound counts as gone: the hook is created in
/// the same pass (§13.1 TestSync_HookWithReplaceAndBeforeHookCreation_AlreadyDeleted).
#[test]
fn r6_bhc_delete_not_found_creates_in_same_pass() {
    let live = vec![live_job("migrate", "PreSync", true, false)];
    let (batches, out) = drive(fresh(JOB_HOOK, live), |e| match e {
        Effect::Delete { .. } => EffectResult::NotFound,
        e => ok(e),
    });
    assert_eq!(
        shown(&batches),
        [
            "dry-run Job/migrate",
            "delete(BeforeHookCreation) Job/migrate",
            "apply Job/migrate"
        ]
    );
    assert_eq!(
        out.state.message,
        "waiting for completion of hook batch/Job/migrate"
    );
}

// --- S-0: restartability ---------------------------------------------------------------------

/// S-0 / architecture principle 3: the engine keeps nothing between passes. The same input
/// gives the same effects and outcome; the persisted `SyncOperation` (even after a JSON round
/// trip) fed to a fresh pass continues: no second dry-run (S-2 only when not started), the
/// completed hook loses its finalizer (S-7) and the next step is applied (S-5).
#[test]
fn s0_persisted_state_continues_identically_in_a_fresh_pass() {
    let yaml = docs(&[JOB_HOOK, CM]);
    let (b1, o1) = drive(fresh(&yaml, vec![]), ok);
    let (b1again, o1again) = drive(fresh(&yaml, vec![]), ok);
    assert_eq!(b1, b1again);
    assert_eq!(o1, o1again);

    let persisted: SyncOperation =
        serde_json::from_str(&serde_json::to_string(&o1.state).unwrap()).unwrap();
    assert_eq!(persisted, o1.state);
    let live = vec![live_job("migrate", "PreSync", true, true)];
    let pass2 = || {
        input(
            &yaml,
            live.clone(),
            persisted.clone(),
            SyncSettings::default(),
        )
    };
    let (b2, o2) = drive(pass2(), ok);
    assert_eq!(shown(&b2), ["unfinalize Job/migrate", "apply ConfigMap/cm"]);
    assert_eq!(o2.state.phase, OperationPhase::Succeeded);
    assert_eq!(o2.state.message, "successfully synced (all tasks run)");
    let r = result(
        &o2.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(r.hook_phase, Some(OperationState::Succeeded));
    // The kubectl text survives an empty health message; order is kept (S-0).
    assert_eq!(r.order, 1);
    assert_eq!(
        result(&o2.state, SyncPhase::Sync, &key("", "ConfigMap", "cm")).order,
        2
    );
    // And a second fresh pass from the same persisted state does exactly the same.
    let (b2again, o2again) = drive(pass2(), ok);
    assert_eq!((b2, o2), (b2again, o2again));
}

/// A completed operation is left alone: a pass over it requests nothing.
#[test]
fn completed_operation_pass_is_a_no_op() {
    let mut state = SyncOperation::new(1);
    state.phase = OperationPhase::Succeeded;
    state.message = "successfully synced (no more tasks)".into();
    let (batches, out) = drive(
        input(CM, vec![], state.clone(), SyncSettings::default()),
        ok,
    );
    assert!(batches.is_empty());
    assert_eq!(out.state, state);
}

// --- S-16 message table ------------------------------------------------------------------------

fn pod(name: &str, hook: Option<&str>) -> String {
    let ann = hook
        .map(|h| format!("\n  annotations: {{argocd.argoproj.io/hook: {h}}}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}{ann}\nspec: {{restartPolicy: Never, containers: [{{name: c, image: alpine}}]}}\n"
    )
}

/// S-16 [C] `setRunningPhase` over hand-picked task lists (§13.1 Test_setRunningPhase).
#[test]
fn s16_waiting_message_table() {
    let yaml = docs(&[
        &pod("hook-1", Some("Sync")),
        &pod("hook-2", Some("Sync")),
        &pod("my-pod", None),
        &pod("pod-2", None),
        &pod("pod-3", None),
    ]);
    let cx = Ctx::new(fresh(&yaml, vec![]), Io::default());
    let idx = |name: &str| {
        cx.tasks
            .iter()
            .position(|t| t.key.name == name)
            .unwrap_or_else(|| panic!("no task {name}"))
    };
    let (h1, h2, p1, p2, p3) = (
        idx("hook-1"),
        idx("hook-2"),
        idx("my-pod"),
        idx("pod-2"),
        idx("pod-3"),
    );
    let cases: &[(&[usize], bool, &str)] = &[
        (&[], false, ""),
        (&[p1], false, "waiting for healthy state of /Pod/my-pod"),
        (
            &[p1, p2, p3],
            false,
            "waiting for healthy state of /Pod/my-pod and 2 more resources",
        ),
        (&[h1], false, "waiting for completion of hook /Pod/hook-1"),
        (
            &[h1, h2],
            false,
            "waiting for completion of hook /Pod/hook-1 and 1 more hooks",
        ),
        // Hooks are named first even when a resource comes first; mixed → "resources".
        (
            &[p1, h1],
            false,
            "waiting for completion of hook /Pod/hook-1 and 1 more resources",
        ),
        (
            &[p1, h1, p2],
            false,
            "waiting for completion of hook /Pod/hook-1 and 2 more resources",
        ),
        (&[p2], true, "waiting for deletion of /Pod/pod-2"),
        (
            &[p1, p2, p3],
            true,
            "waiting for deletion of /Pod/my-pod and 2 more resources",
        ),
        (&[h1], true, "waiting for deletion of hook /Pod/hook-1"),
        (
            &[p1, h2],
            true,
            "waiting for deletion of hook /Pod/hook-2 and 1 more resources",
        ),
    ];
    for (list, deletion, want) in cases {
        assert_eq!(
            waiting_message(&cx, list, *deletion),
            *want,
            "list {list:?}, deletion {deletion}"
        );
    }
}

/// S-16 [C], through a whole pass (§13.1 TestSync_SuccessfulSyncWithSyncFailHook): a Sync
/// hook and a resource in one step, made multi-step by the SyncFail hook (T-12).
#[test]
fn s16_sync_hook_and_resource_message_in_a_pass() {
    let yaml = docs(&[
        &pod("hook-1", Some("Sync")),
        &pod("pod", None),
        &pod("sync-fail-hook", Some("SyncFail")),
    ]);
    let (batches, out) = drive(fresh(&yaml, vec![]), ok);
    assert_eq!(
        shown(&batches)
            .iter()
            .filter(|s| s.starts_with("apply"))
            .count(),
        2
    );
    assert_eq!(
        out.state.message,
        "waiting for completion of hook /Pod/hook-1 and 1 more resources"
    );
}

/// R-4 / S-16 [C]: an unconfirmed Prune=confirm holds the whole step and the message names
/// the prune; nothing is deleted or applied, no result written (§13.1
/// TestPruneConfirmResourceLevel). Confirmed (C-8): pruned, Succeeded.
#[test]
fn r4_prune_confirmation_holds_the_step() {
    let orphan = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "my-pod", "namespace": "default",
                     "annotations": {"argocd.argoproj.io/sync-options": "Prune=confirm"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    let settings = SyncSettings {
        prune: true,
        ..SyncSettings::default()
    };
    let state = SyncOperation::new(1);
    let (batches, out) = drive(
        input(CM, vec![orphan.clone()], state.clone(), settings.clone()),
        ok,
    );
    assert_eq!(shown(&batches), Vec::<String>::new());
    assert_eq!(out.state.phase, OperationPhase::Running);
    assert_eq!(
        out.state.message,
        "waiting for pruning confirmation of /Pod/my-pod"
    );
    assert!(out.state.results.is_empty());

    let confirmed = SyncSettings {
        prune_confirmed: true,
        ..settings
    };
    let (batches, out) = drive(input(CM, vec![orphan], state, confirmed), ok);
    assert_eq!(
        shown(&batches),
        [
            "dry-run ConfigMap/cm",
            "delete(Prune) Pod/my-pod",
            "apply ConfigMap/cm"
        ]
    );
    assert_eq!(out.state.phase, OperationPhase::Succeeded);
    let r = result(&out.state, SyncPhase::Sync, &key("", "Pod", "my-pod"));
    assert_eq!(
        (r.status, r.message.as_str()),
        (Some(ResultCode::Pruned), "pruned")
    );
}

/// P-3.1: prune off → PruneSkipped "ignored (requires pruning)", hookPhase Succeeded (R-9).
#[test]
fn p3_prune_off_is_prune_skipped() {
    let (batches, out) = drive(fresh(CM, vec![live_cm("orphan")]), ok);
    assert!(!shown(&batches).iter().any(|s| s.starts_with("delete")));
    let r = result(&out.state, SyncPhase::Sync, &key("", "ConfigMap", "orphan"));
    assert_eq!(
        (r.status, r.hook_phase, r.message.as_str()),
        (
            Some(ResultCode::PruneSkipped),
            Some(OperationState::Succeeded),
            "ignored (requires pruning)"
        )
    );
    assert_eq!(out.state.phase, OperationPhase::Succeeded);
}

// --- S-7, S-9, D-5, S-15 -----------------------------------------------------------------------

fn stored(
    k: ResourceKey,
    phase: SyncPhase,
    status: ResultCode,
    state: OperationState,
    message: &str,
    hook: bool,
    order: usize,
) -> TaskResult {
    TaskResult {
        key: k,
        sync_phase: phase,
        status: Some(status),
        hook_phase: Some(state),
        message: message.into(),
        hook_type: hook.then_some(phase),
        order,
    }
}

/// S-7 → S-9 → D-5: on failure the completed hooks lose the finalizer, then every HookFailed
/// hook that is live and not running is deleted - also one whose own run succeeded
/// (§13.1 TestSync_HooksDeletedAfterSyncFailed). No reason suffix: no apply failed (S-15).
#[test]
fn d5_hook_failed_deletes_a_succeeded_hook_when_the_sync_fails() {
    let yaml = docs(&[
        &JOB_HOOK.replace(
            "annotations: {argocd.argoproj.io/hook: PreSync}",
            "annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookFailed}",
        ),
        CM,
    ]);
    let mut state = SyncOperation::new(1);
    state.results = vec![
        stored(
            key("batch", "Job", "migrate"),
            SyncPhase::PreSync,
            ResultCode::Synced,
            OperationState::Succeeded,
            "done",
            true,
            1,
        ),
        stored(
            key("", "ConfigMap", "cm"),
            SyncPhase::Sync,
            ResultCode::Synced,
            OperationState::Failed,
            "Degraded",
            false,
            2,
        ),
    ];
    let live = vec![live_job("migrate", "PreSync", true, true), live_cm("cm")];
    let (batches, out) = drive(input(&yaml, live, state, SyncSettings::default()), ok);
    assert_eq!(
        shown(&batches),
        ["unfinalize Job/migrate", "delete(HookFailed) Job/migrate"]
    );
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(
        out.state.message,
        "one or more synchronization tasks completed unsuccessfully"
    );
}

/// S-15 [C] (Test_executeSyncFailPhase_CompletedHooks): every SyncFail hook completed, one
/// of them failed to apply → Failed with the two-line message.
#[test]
fn s15_sync_fail_apply_failure_gives_two_line_message() {
    let yaml = docs(&[
        &pod("app-pod", None),
        &pod("bad-hook", Some("SyncFail")),
        &pod("good-hook", Some("SyncFail")),
    ]);
    let mut state = SyncOperation::new(1);
    state.results = vec![
        stored(
            key("", "Pod", "app-pod"),
            SyncPhase::Sync,
            ResultCode::SyncFailed,
            OperationState::Failed,
            "fake pod failure",
            false,
            1,
        ),
        stored(
            key("", "Pod", "bad-hook"),
            SyncPhase::SyncFail,
            ResultCode::SyncFailed,
            OperationState::Failed,
            "fake hook failure",
            true,
            2,
        ),
        stored(
            key("", "Pod", "good-hook"),
            SyncPhase::SyncFail,
            ResultCode::Synced,
            OperationState::Succeeded,
            "pod/good-hook created",
            true,
            3,
        ),
    ];
    let (batches, out) = drive(input(&yaml, vec![], state, SyncSettings::default()), ok);
    assert!(batches.is_empty(), "{:?}", shown(&batches));
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(
        out.state.message,
        "one or more synchronization tasks completed unsuccessfully, reason: fake pod failure\n\
         one or more SyncFail hooks failed, reason: fake hook failure"
    );
}

/// S-9 → S-15 [C]: a failed task with SyncFail hooks not yet run launches all of them in one
/// batch (waves ignored, H-9) and waits: Running, S-16 over the launched hooks.
#[test]
fn s15_sync_fail_hooks_launched_together() {
    let a = pod("notify-a", Some("SyncFail")).replace(
        "annotations: {",
        "annotations: {argocd.argoproj.io/sync-wave: \"5\", ",
    );
    let yaml = docs(&[CM, &a, &pod("notify-b", Some("SyncFail"))]);
    let mut state = SyncOperation::new(1);
    state.results = vec![stored(
        key("", "ConfigMap", "cm"),
        SyncPhase::Sync,
        ResultCode::Synced,
        OperationState::Failed,
        "Degraded",
        false,
        1,
    )];
    let (batches, out) = drive(
        input(&yaml, vec![live_cm("cm")], state, SyncSettings::default()),
        ok,
    );
    assert_eq!(batches.len(), 1, "one apply group: {:?}", shown(&batches));
    assert_eq!(
        shown(&batches),
        ["apply Pod/notify-b", "apply Pod/notify-a"]
    );
    assert_eq!(out.state.phase, OperationPhase::Running);
    assert_eq!(
        out.state.message,
        "waiting for completion of hook /Pod/notify-b and 1 more hooks"
    );
}

/// S-4 single-step rule: with one (phase, wave) a running plain resource does not hold the
/// operation; only running hooks do.
#[test]
fn s4_single_step_running_resource_does_not_block() {
    let mut state = SyncOperation::new(1);
    state.results = vec![stored(
        key("", "ConfigMap", "cm"),
        SyncPhase::Sync,
        ResultCode::Synced,
        OperationState::Running,
        "configmap/cm created",
        false,
        1,
    )];
    // Not visible yet: not refreshed (S-3), still Running, yet the op completes (S-10).
    let (batches, out) = drive(input(CM, vec![], state, SyncSettings::default()), ok);
    assert!(batches.is_empty());
    assert_eq!(out.state.phase, OperationPhase::Succeeded);
    assert_eq!(out.state.message, "successfully synced (no more tasks)");
}

/// S-4 [C] (PR #26286): a running task of a multi-step sync that is not in the cache is
/// fetched directly; NotFound → SyncFailed / Error "… is missing, it might have been deleted".
#[test]
fn s4_missing_running_task_is_fetched_and_marked_error() {
    let later = CM.replace(
        "name: cm}",
        "name: later, annotations: {argocd.argoproj.io/sync-wave: \"1\"}}",
    );
    let yaml = docs(&[CM, &later]);
    let mut state = SyncOperation::new(1);
    state.results = vec![stored(
        key("", "ConfigMap", "cm"),
        SyncPhase::Sync,
        ResultCode::Synced,
        OperationState::Running,
        "configmap/cm created",
        false,
        1,
    )];
    let (batches, out) = drive(input(&yaml, vec![], state, SyncSettings::default()), ok);
    assert_eq!(shown(&batches), ["get ConfigMap/cm"]);
    assert_eq!(out.state.phase, OperationPhase::Running);
    let r = result(&out.state, SyncPhase::Sync, &key("", "ConfigMap", "cm"));
    assert_eq!(
        (r.status, r.hook_phase, r.message.as_str()),
        (
            Some(ResultCode::SyncFailed),
            Some(OperationState::Error),
            "Resource /ConfigMap/cm is missing, it might have been deleted"
        )
    );
}

// --- X-2, X-3: terminate ---------------------------------------------------------------------

fn terminating(results: Vec<TaskResult>) -> SyncOperation {
    let mut s = SyncOperation::new(1);
    s.phase = OperationPhase::Terminating;
    s.message = "operation is terminating".into();
    s.results = results;
    s
}

/// X-2 [C] with no hooks: Failed "Operation terminated" (§13.1 TestTerminate); nothing is
/// applied or deleted.
#[test]
fn x2_terminate_without_hooks() {
    let (batches, out) = drive(
        input(CM, vec![], terminating(vec![]), SyncSettings::default()),
        ok,
    );
    assert!(batches.is_empty());
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(out.state.message, "Operation terminated");
}

/// X-2 / X-3 [C]: the completed hook loses its finalizer and keeps its result; the running
/// hook loses its finalizer, is deleted and becomes Failed "Terminated" with its status kept
/// (§13.1 TestTerminate_Hooks_Running, TestTerminate_Hooks_Completed).
#[test]
fn x3_terminate_deletes_running_hooks_and_keeps_finished_ones() {
    let sync_hook = JOB_HOOK
        .replace("name: migrate", "name: slow")
        .replace("PreSync", "Sync");
    let yaml = docs(&[JOB_HOOK, &sync_hook]);
    let state = terminating(vec![
        stored(
            key("batch", "Job", "migrate"),
            SyncPhase::PreSync,
            ResultCode::Synced,
            OperationState::Succeeded,
            "done",
            true,
            1,
        ),
        stored(
            key("batch", "Job", "slow"),
            SyncPhase::Sync,
            ResultCode::Synced,
            OperationState::Running,
            "job/slow created",
            true,
            2,
        ),
    ]);
    let live = vec![
        live_job("migrate", "PreSync", true, true),
        live_job("slow", "Sync", false, true),
    ];
    let (batches, out) = drive(input(&yaml, live, state, SyncSettings::default()), ok);
    assert_eq!(
        shown(&batches),
        [
            "unfinalize Job/migrate",
            "unfinalize Job/slow",
            "delete(Terminate) Job/slow"
        ]
    );
    assert_eq!(out.state.phase, OperationPhase::Failed);
    assert_eq!(out.state.message, "Operation terminated");
    let slow = result(&out.state, SyncPhase::Sync, &key("batch", "Job", "slow"));
    assert_eq!(
        (slow.status, slow.hook_phase, slow.message.as_str()),
        (
            Some(ResultCode::Synced),
            Some(OperationState::Failed),
            "Terminated"
        )
    );
    let done = result(
        &out.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(
        (done.hook_phase, done.message.as_str()),
        (Some(OperationState::Succeeded), "done")
    );
}

/// X-3 step 1: a running hook that is gone (GET NotFound) is Succeeded "Terminated"; a
/// finalizer-removal failure makes the operation Error "Operation termination had errors"
/// (§13.1 TestTerminate_Hooks_Error).
#[test]
fn x3_terminate_gone_hook_and_finalizer_error() {
    let running = |name: &str, order| {
        stored(
            key("batch", "Job", name),
            SyncPhase::PreSync,
            ResultCode::Synced,
            OperationState::Running,
            "created",
            true,
            order,
        )
    };
    let other = JOB_HOOK.replace("name: migrate", "name: stuck");
    let yaml = docs(&[JOB_HOOK, &other]);
    let state = terminating(vec![running("migrate", 1), running("stuck", 2)]);
    let live = vec![live_job("stuck", "PreSync", false, true)];
    let (batches, out) = drive(
        input(&yaml, live, state, SyncSettings::default()),
        |e| match e {
            Effect::RemoveFinalizer { .. } => EffectResult::Failed {
                message: "conflict".into(),
            },
            e => ok(e),
        },
    );
    assert_eq!(shown(&batches), ["get Job/migrate", "unfinalize Job/stuck"]);
    assert_eq!(out.state.phase, OperationPhase::Error);
    assert_eq!(out.state.message, "Operation termination had errors");
    let gone = result(
        &out.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(
        (gone.hook_phase, gone.message.as_str()),
        (Some(OperationState::Succeeded), "Terminated")
    );
    let stuck = result(
        &out.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "stuck"),
    );
    assert_eq!(
        (stuck.hook_phase, stuck.message.as_str()),
        (
            Some(OperationState::Error),
            "Failed to remove hook finalizer: conflict"
        )
    );
}

// --- O-12 ----------------------------------------------------------------------------------------

/// O-12: an operation dry-run records every task in the first pass (Succeeded instead of
/// Running), deletes nothing, removes no finalizer and ends "no more tasks".
#[test]
fn o12_operation_dry_run_completes_in_one_pass() {
    let settings = SyncSettings {
        dry_run: true,
        prune: true,
        ..SyncSettings::default()
    };
    let yaml = docs(&[JOB_HOOK, CM]);
    let live = vec![
        live_job("migrate", "PreSync", true, true),
        live_cm("orphan"),
    ];
    let (batches, out) = drive(input(&yaml, live, SyncOperation::new(1), settings), ok);
    assert!(
        shown(&batches).iter().all(|s| s.starts_with("dry-run")),
        "{:?}",
        shown(&batches)
    );
    assert_eq!(out.state.phase, OperationPhase::Succeeded);
    assert_eq!(out.state.message, "successfully synced (no more tasks)");
    assert_eq!(out.state.results.len(), 3);
    let orphan = result(&out.state, SyncPhase::Sync, &key("", "ConfigMap", "orphan"));
    assert_eq!(orphan.message, "pruned (dry run)");
    let hook = result(
        &out.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(hook.hook_phase, Some(OperationState::Succeeded));
}

// --- the driver contract ------------------------------------------------------------------------

/// A driver answering fewer results than effects is a driver bug, not a panic: the missing
/// answers count as failed calls (here the dry-run fails).
#[test]
fn short_driver_answers_do_not_panic() {
    let yaml = docs(&[JOB_HOOK, CM]);
    let mut pass = begin_pass(fresh(&yaml, vec![]));
    let mut steps = 0;
    let outcome = loop {
        steps += 1;
        assert!(steps < 100, "the pass does not end");
        match pass.poll() {
            PassStep::Done(o) => break o,
            PassStep::Effects(_) => pass.resolve(Vec::new()),
        }
    };
    assert_eq!(outcome.state.phase, OperationPhase::Failed);
    assert_eq!(
        outcome.state.message,
        "one or more objects failed to apply (dry run)"
    );
    let r = result(
        &outcome.state,
        SyncPhase::PreSync,
        &key("batch", "Job", "migrate"),
    );
    assert_eq!(r.message, "the driver returned no result for this call");
}

/// Polling again without resolving treats the outstanding effects as failed (Pass::poll).
#[test]
fn poll_without_resolve_counts_as_failed_calls() {
    let mut pass = begin_pass(fresh(CM, vec![]));
    let PassStep::Effects(first) = pass.poll() else {
        panic!("the dry-run first")
    };
    assert_eq!(first.len(), 1);
    let outcome = loop {
        match pass.poll() {
            PassStep::Done(o) => break o,
            PassStep::Effects(_) => {}
        }
    };
    assert_eq!(outcome.state.phase, OperationPhase::Failed);
}

/// Extra answers beyond the effects asked for are ignored.
#[test]
fn long_driver_answers_are_ignored() {
    let (_, out) = drive(fresh(CM, vec![]), ok);
    let mut pass = begin_pass(fresh(CM, vec![]));
    let outcome = loop {
        match pass.poll() {
            PassStep::Done(o) => break o,
            PassStep::Effects(effects) => {
                let mut results: Vec<_> = effects.iter().map(ok).collect();
                results.push(EffectResult::NotFound);
                pass.resolve(results);
            }
        }
    };
    assert_eq!(outcome, out);
}

/// Two tasks with one key and phase find the same stored result: a write through one
/// shows through the other at once (`Ctx` keeps per-task slots for its scans).
#[test]
fn a_write_to_a_shared_result_shows_on_every_task() {
    let mut input = fresh(JOB_HOOK, vec![live_job("migrate", "PreSync", false, true)]);
    let mut desired = manifests(JOB_HOOK);
    desired.push(desired[0].clone());
    input.desired = Arc::new(desired);
    input.state.results.push(TaskResult {
        key: key("batch", "Job", "migrate"),
        sync_phase: SyncPhase::PreSync,
        status: Some(ResultCode::Synced),
        hook_phase: Some(OperationState::Running),
        message: String::new(),
        hook_type: Some(SyncPhase::PreSync),
        order: 1,
    });
    let mut cx = Ctx::new(input, Io::default());
    assert_eq!(cx.tasks.len(), 2);
    assert!(cx.running(0) && cx.running(1));
    cx.set_state(0, OperationState::Succeeded, "done");
    assert_eq!(cx.state(1), Some(OperationState::Succeeded));
    assert!(cx.completed(1));
}

/// Manifests handed to the engine directly may hold one object twice (the manifest reader
/// refuses that, a library caller may not): from the second pass both tasks find the same
/// result, and a write to it must show on both (`Ctx`'s slots; debug builds check every
/// slot at the end of each pass). The operation still runs to its end.
#[test]
fn tasks_sharing_a_result_see_its_writes() {
    let mut desired = manifests(JOB_HOOK);
    desired.push(desired[0].clone());
    let desired = Arc::new(desired);
    let job = key("batch", "Job", "migrate");
    let mut state = SyncOperation::new(1_700_000_000);
    let mut live = Vec::new();
    for _ in 0..4 {
        let mut pass_input = fresh(JOB_HOOK, live.clone());
        pass_input.desired = desired.clone();
        pass_input.state = state;
        let (_, outcome) = drive(pass_input, ok);
        state = outcome.state;
        if state.phase.completed() {
            break;
        }
        live = vec![live_job("migrate", "PreSync", true, true)];
    }
    assert_eq!(state.phase, OperationPhase::Succeeded, "{state:#?}");
    // Each task recorded a result on the first pass; the later passes found the last.
    let states: Vec<_> = state
        .results
        .iter()
        .filter(|r| r.key == job)
        .map(|r| r.hook_phase)
        .collect();
    assert_eq!(
        states,
        [
            Some(OperationState::Running),
            Some(OperationState::Succeeded)
        ]
    );
}
