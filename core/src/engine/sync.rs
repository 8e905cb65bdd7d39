//! `Sync()`: one reconcile pass of a sync operation (spec S-1 … S-15, [C] profile).

use super::context::Ctx;
use super::message::{self, reason_suffix, set_running_phase, short, short_within, sync_failed};
use super::run_tasks::{RunState, run_tasks};
use super::terminate::terminate;
use super::types::*;
use crate::classify::DeletePolicy;
use crate::health::{self, OperationState};
use crate::object::{self, keys};
use crate::plan::{self, crd_defines};

pub(crate) async fn pass(mut cx: Ctx) -> PassOutcome {
    if cx.op.phase == OperationPhase::Terminating {
        terminate(&mut cx).await;
    } else if !cx.op.phase.completed() {
        sync(&mut cx).await;
    }
    cx.finish()
}

async fn sync(cx: &mut Ctx) {
    let n = cx.tasks.len();
    // S-1: validation, on every pass.
    if !validate(cx) {
        return;
    }
    let multi_step = plan::is_multi_step(&cx.tasks);

    // S-2: first pass only.
    if !cx.started() {
        let dest = cx.input.settings.namespace.clone();
        let ns_task = (0..n).find(|&i| {
            let t = &cx.tasks[i];
            !cx.has_live(i)
                && t.key.group.is_empty()
                && t.key.kind == "Namespace"
                && t.key.name == dest
                && t.target.is_some()
        });
        if let Some(i) = ns_task {
            cx.note(
                "S-2",
                format!("the destination namespace {dest} is created before the dry-run"),
            );
            if run_tasks(cx, &[i], false).await == RunState::Failed {
                let failed = sync_failed(cx, [i]);
                fail_path(cx, &[], &failed, message::NAMESPACE_FAILED).await;
                return;
            }
        }
        let dry_set: Vec<usize> = (0..n)
            .filter(|&i| Some(i) != ns_task && !cx.unmodified(i))
            .collect();
        cx.note(
            "S-2",
            format!(
                "dry-run of all {} tasks, every phase included",
                dry_set.len()
            ),
        );
        if run_tasks(cx, &dry_set, true).await == RunState::Failed {
            cx.set_phase(OperationPhase::Failed, message::DRY_RUN_FAILED);
            cx.note(
                "S-2",
                "the dry-run failed: nothing is applied, no SyncFail hook runs",
            );
            return;
        }
    }

    // S-3: health refresh of running tasks whose object is visible.
    for i in 0..n {
        if !cx.running(i) || !cx.has_live(i) {
            continue;
        }
        let h = cx.health(i);
        if cx.is_hook(i) {
            let previous = cx.result(i).map(|r| r.message.clone()).unwrap_or_default();
            let (state, msg) = health::hook_phase_of(&h, &cx.tasks[i].key.name, &previous);
            if state != OperationState::Running {
                let text = short_within("hook ", &cx.tasks[i].key, &[" ", state_word(state)]);
                cx.note("HL-20", text);
            }
            cx.set_state(i, state, msg);
        } else if let Some((state, msg)) = health::resource_phase_of(&h) {
            let text = short_within("", &cx.tasks[i].key, &[" ", state_word(state)]);
            cx.note("S-3", text);
            cx.set_state(i, state, msg.unwrap_or_default());
        }
    }

    // S-4: gate A — running work.
    let running: Vec<usize> = (0..n)
        .filter(|&i| cx.running(i) && (multi_step || cx.is_hook(i)))
        .collect();
    if !running.is_empty() {
        // [C] PR #26286: a running task whose object is not visible is fetched directly.
        let missing: Vec<usize> = running
            .iter()
            .copied()
            .filter(|&i| !cx.has_live(i))
            .collect();
        let effects = missing
            .iter()
            .map(|&i| Effect::Get {
                key: cx.tasks[i].key.clone(),
                rule: "S-4",
            })
            .collect();
        let results = cx.io.perform(effects).await;
        for (&i, r) in missing.iter().zip(results) {
            let k = &cx.tasks[i].key;
            match r {
                EffectResult::NotFound => {
                    let msg = format!(
                        "Resource {}/{}/{} is missing, it might have been deleted",
                        k.group, k.kind, k.name
                    );
                    cx.set_result(
                        i,
                        Some(ResultCode::SyncFailed),
                        Some(OperationState::Error),
                        msg,
                    );
                }
                EffectResult::Failed { message } => {
                    let status = cx.status(i);
                    cx.set_result(
                        i,
                        status,
                        Some(OperationState::Error),
                        format!("Failed to get live resource {message}"),
                    );
                }
                _ => {}
            }
        }
        set_running_phase(cx, &running, false);
        return;
    }

    // S-6: gate B — pruned objects still terminating.
    let terminating: Vec<usize> = (0..n)
        .filter(|&i| {
            cx.status(i) == Some(ResultCode::Pruned)
                && cx
                    .live(i)
                    .is_some_and(|l| object::deletion_timestamp(l).is_some())
        })
        .collect();
    if !terminating.is_empty() {
        set_running_phase(cx, &terminating, true);
        return;
    }

    // S-7: completed hooks lose the hook finalizer.
    if !cx.input.settings.dry_run {
        let done: Vec<usize> = cx
            .hooks()
            .iter()
            .copied()
            .filter(|&i| cx.completed(i) && cx.live_has_hook_finalizer(i))
            .collect();
        unfinalize_completed(cx, &done, "S-7").await;
    }

    // S-8: deletion candidates, judged on the operation, not on each hook's own result.
    let candidates = |cx: &Ctx, p: DeletePolicy| -> Vec<usize> {
        cx.hooks()
            .iter()
            .copied()
            .filter(|&i| cx.has_live(i) && !cx.running(i) && cx.has_policy(i, p))
            .collect()
    };
    let on_success = candidates(cx, DeletePolicy::HookSucceeded);
    let on_failure = candidates(cx, DeletePolicy::HookFailed);

    // S-9: failure check. The other tasks (all but the SyncFail hooks) are walked, not
    // collected: they are the whole application, on every pass.
    let sync_fail = cx.sync_fail().to_vec();
    let failed_task = (0..n).find(|&i| {
        !cx.is_sync_fail(i) && cx.completed(i) && cx.state(i) != Some(OperationState::Succeeded)
    });
    if let Some(i) = failed_task {
        cx.note(
            "S-9",
            format!(
                "{} did not succeed: the operation fails",
                short(&cx.tasks[i].key)
            ),
        );
        delete_hooks(cx, &on_failure, DeleteReason::HookFailed).await;
        let failed = sync_failed(cx, (0..n).filter(|&i| !cx.is_sync_fail(i)));
        fail_path(cx, &sync_fail, &failed, message::COMPLETED_UNSUCCESSFULLY).await;
        return;
    }

    // S-10: completion check.
    let pending = |cx: &Ctx, i: usize| !cx.is_sync_fail(i) && cx.pending(i) && !cx.unmodified(i);
    let Some(first) = (0..n).find(|&i| pending(cx, i)) else {
        delete_hooks(cx, &on_success, DeleteReason::HookSucceeded).await;
        cx.set_phase(OperationPhase::Succeeded, message::SUCCEEDED_NO_MORE);
        cx.note("S-10", "no task left to run: the operation succeeded");
        return;
    };

    // S-11: the current step is the first with pending tasks.
    let (phase, wave) = (cx.tasks[first].phase, cx.tasks[first].wave);
    let in_step = |cx: &Ctx, i: usize| cx.step(i) == (phase, wave);
    let last = (first..n).rev().find(|&i| pending(cx, i)).unwrap_or(first);
    let final_wave = in_step(cx, last);
    // Nothing before `first` is pending.
    let current: Vec<usize> = (first..n)
        .filter(|&i| in_step(cx, i) && pending(cx, i))
        .collect();
    let remaining = (first..n).any(|i| !in_step(cx, i) && pending(cx, i));
    cx.set_phase(OperationPhase::Running, message::RUNNING);
    cx.note(
        "S-11",
        format!(
            "step {phase} wave {wave}: {} task(s){}",
            current.len(),
            if final_wave { ", the final step" } else { "" }
        ),
    );

    // S-12
    let state = run_tasks(cx, &current, false).await;

    // S-13: the wave callback (Argo CD sleeps here after a non-final step, C-2).
    if state != RunState::Failed {
        cx.wave_callback = Some(WaveCallback {
            phase,
            wave,
            final_wave,
        });
    }

    // S-14: outcome of the step.
    match state {
        RunState::Successful => {
            if !remaining && !current.iter().any(|&i| cx.is_hook(i)) {
                delete_hooks(cx, &on_success, DeleteReason::HookSucceeded).await;
                cx.set_phase(OperationPhase::Succeeded, message::SUCCEEDED_ALL_RUN);
                cx.note("S-14", "the final step holds no hook: the operation succeeds without waiting for health");
            } else {
                set_running_phase(cx, &current, false);
            }
        }
        RunState::Pending => {
            let waiting: Vec<usize> = current
                .iter()
                .copied()
                .filter(|&i| {
                    let t = &cx.tasks[i];
                    (t.is_prune() && cx.pending(i))
                        || (t.hook
                            && cx.pending(i)
                            && cx.has_live(i)
                            && t.has_policy(DeletePolicy::BeforeHookCreation))
                })
                .collect();
            set_running_phase(cx, &waiting, true);
        }
        RunState::Failed => {
            let failed = sync_failed(cx, current.iter().copied());
            let mut still_running: Vec<usize> =
                current.iter().copied().filter(|&i| cx.running(i)).collect();
            if !still_running.is_empty() {
                // [C]: wait for what did apply before failing (no finalizer left behind, F-6).
                if !sync_fail.is_empty() {
                    let done = fail_path(cx, &sync_fail, &failed, message::APPLY_FAILED).await;
                    if !done {
                        still_running.extend(sync_fail.iter().copied());
                    }
                }
                set_running_phase(cx, &still_running, false);
                cx.note(
                    "S-14",
                    "an apply failed: waiting for the tasks that did apply before failing",
                );
            } else {
                cx.note("S-14", "an apply failed: the operation fails");
                if fail_path(cx, &sync_fail, &failed, message::APPLY_FAILED).await {
                    delete_hooks(cx, &on_failure, DeleteReason::HookFailed).await;
                }
            }
        }
    }
}

fn state_word(s: OperationState) -> &'static str {
    match s {
        OperationState::Running => "is running",
        OperationState::Succeeded => "succeeded",
        OperationState::Failed => "failed",
        OperationState::Error => "errored",
    }
}

/// T-5: discovery for every task; unknown kinds are fine only when their dry-run may be
/// skipped (app or resource `SkipDryRunOnMissingResource=true`, or a CRD in this sync).
fn validate(cx: &mut Ctx) -> bool {
    if cx.input.live.discovery.unserved.is_empty() {
        return true; // every kind is served: nothing to check (the common case, every pass)
    }
    let crds: Vec<_> = cx
        .input
        .desired
        .iter()
        .filter_map(|m| crd_defines(&m.object))
        .collect();
    let app_skip = cx
        .input
        .settings
        .has_option("SkipDryRunOnMissingResource=true");
    let mut valid = true;
    for i in 0..cx.tasks.len() {
        let gk = cx.tasks[i].key.group_kind();
        if cx.input.live.discovery.serves(&gk) {
            continue;
        }
        let own_skip = cx.tasks[i].target.as_ref().is_some_and(|t| {
            crate::classify::has_sync_option(t, "SkipDryRunOnMissingResource=true")
        });
        if app_skip || own_skip || crds.contains(&gk) {
            cx.skip_dry_run[i] = true;
            continue;
        }
        let k = &cx.tasks[i].key;
        let msg = format!(
            "The Kubernetes API could not find {gk} for requested resource {}/{}. Make sure the \"{}\" CRD is installed on the destination cluster.",
            k.namespace, k.name, k.kind
        );
        cx.set_result(i, Some(ResultCode::SyncFailed), None, msg);
        valid = false;
    }
    if !valid {
        // S-1 [C ≥ 3.5]: the distinct failure messages, sorted, joined by "; ".
        let mut msgs: Vec<String> = cx
            .op
            .results
            .iter()
            .filter(|r| r.status == Some(ResultCode::SyncFailed) && !r.message.is_empty())
            .map(|r| r.message.clone())
            .collect();
        msgs.sort();
        msgs.dedup();
        cx.set_phase(
            OperationPhase::Failed,
            format!("{}: {}", message::NOT_VALID, msgs.join("; ")),
        );
        cx.note(
            "T-5",
            "a task's kind is not served and no CRD for it is in this sync",
        );
    }
    valid
}

/// D-4 / D-5 / D-9: delete hooks by policy; NotFound ignored, other errors recorded without
/// changing the operation's outcome. Skipped in an operation dry-run.
async fn delete_hooks(cx: &mut Ctx, hooks: &[usize], reason: DeleteReason) {
    if hooks.is_empty() || cx.input.settings.dry_run {
        return;
    }
    let rule = if reason == DeleteReason::HookSucceeded {
        "D-4"
    } else {
        "D-5"
    };
    let effects = hooks
        .iter()
        .map(|&i| Effect::Delete {
            key: cx.tasks[i].key.clone(),
            propagation: cx.propagation(),
            reason,
            rule,
        })
        .collect();
    let results = cx.io.perform(effects).await;
    for (&i, r) in hooks.iter().zip(results) {
        if let EffectResult::Failed { message } = r {
            let status = cx.status(i);
            cx.set_result(
                i,
                status,
                Some(OperationState::Error),
                format!("failed to delete resource: {message}"),
            );
        }
    }
    cx.note(
        rule,
        format!("{} hook(s) deleted by their {reason:?} policy", hooks.len()),
    );
}

/// S-15 [C] `executeSyncFailPhase`. Returns whether the fail path completed (phase Failed).
pub(crate) async fn fail_path(
    cx: &mut Ctx,
    sync_fail: &[usize],
    failed: &[usize],
    base: &str,
) -> bool {
    let error_message = format!("{base}{}", reason_suffix(cx, failed));
    if sync_fail.is_empty() {
        cx.set_phase(OperationPhase::Failed, error_message);
        return true;
    }
    if sync_fail.iter().all(|&i| cx.completed(i)) {
        let hooks_failed = sync_failed(cx, sync_fail.iter().copied());
        let mut msg = error_message;
        if !hooks_failed.is_empty() {
            msg = format!(
                "{msg}\n{}{}",
                message::SYNC_FAIL_HOOKS_FAILED,
                reason_suffix(cx, &hooks_failed)
            );
        }
        cx.set_phase(OperationPhase::Failed, msg);
        return true;
    }
    let launch: Vec<usize> = sync_fail
        .iter()
        .copied()
        .filter(|&i| !cx.completed(i) && !cx.running(i))
        .collect();
    cx.note(
        "S-15",
        format!(
            "the sync is failing: {} SyncFail hook(s) launched together",
            launch.len()
        ),
    );
    run_tasks(cx, &launch, false).await;
    set_running_phase(cx, &launch, false);
    false
}

/// F-3 for finished hooks (S-7, X-2): remove the hook finalizer, all in parallel; a failure
/// turns the hook's state into `Error` with Argo CD's message.
pub(crate) async fn unfinalize_completed(cx: &mut Ctx, hooks: &[usize], rule: &'static str) {
    let effects = hooks
        .iter()
        .map(|&i| Effect::RemoveFinalizer {
            key: cx.tasks[i].key.clone(),
            finalizer: keys::HOOK_FINALIZER.into(),
            rule,
        })
        .collect();
    let results = cx.io.perform(effects).await;
    for (&i, r) in hooks.iter().zip(results) {
        if let EffectResult::Failed { message } = r {
            cx.set_state(
                i,
                OperationState::Error,
                format!("Failed to remove hook finalizer: {message}"),
            );
        }
    }
}
