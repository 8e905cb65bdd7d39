//! `Terminate()` [C] (spec ): running hooks are stopped, every finalizer removed.

use super::context::Ctx;
use super::message;
use super::types::*;
use crate::classify::DeletePolicy;
use crate::health::{self, OperationState};
use crate::object::{self, keys};

pub(crate) async fn terminate(cx: &mut Ctx) {
    let mut ok = true;
    let hooks = cx.hooks().to_vec();

    // completed hooks lose the hook finalizer; errors are recorded, not fatal.
    let done: Vec<usize> = hooks
        .iter()
        .copied()
        .filter(|&i| cx.completed(i) && cx.live_has_hook_finalizer(i))
        .collect();
    super::sync::unfinalize_completed(cx, &done, "X-2").await;

    // pre-emptive termination of every running hook, one after another.
    let running: Vec<usize> = hooks.into_iter().filter(|&i| cx.running(i)).collect();
    for i in running {
        let live = match cx.live(i).cloned() {
            Some(l) => l,
            None => {
                let key = cx.tasks[i].key.clone();
                match cx.io.perform_one(Effect::Get { key, rule: "X-3" }).await {
                    EffectResult::Fetched { object } => object,
                    EffectResult::NotFound => {
                        cx.set_state(i, OperationState::Succeeded, "Terminated");
                        continue;
                    }
                    EffectResult::Failed { message } | EffectResult::Ok { message } => {
                        cx.set_state(
                            i,
                            OperationState::Error,
                            format!("Failed to get live resource: {message}"),
                        );
                        ok = false;
                        continue;
                    }
                }
            }
        };
        let h = health::evaluate(&live, &cx.input.rules);
        let previous = cx.result(i).map(|r| r.message.clone()).unwrap_or_default();
        let (state, msg) = health::hook_phase_of(&h, &cx.tasks[i].key.name, &previous);
        if object::has_finalizer(&live, keys::HOOK_FINALIZER) {
            let effect = finalizer_effect(cx, i);
            if let EffectResult::Failed { message } = cx.io.perform_one(effect).await {
                cx.set_state(
                    i,
                    OperationState::Error,
                    format!("Failed to remove hook finalizer: {message}"),
                );
                ok = false;
                continue;
            }
        }
        let still_running = state == OperationState::Running;
        if still_running
            || state == OperationState::Error
            || cx.has_policy(i, DeletePolicy::HookFailed)
        {
            let effect = Effect::Delete {
                key: cx.tasks[i].key.clone(),
                propagation: cx.propagation(),
                reason: DeleteReason::Terminate,
                rule: "X-3",
            };
            if let EffectResult::Failed { message } = cx.io.perform_one(effect).await {
                cx.set_state(
                    i,
                    OperationState::Failed,
                    format!("Failed to delete: {message}"),
                );
                ok = false;
                continue;
            }
        }
        if still_running {
            cx.set_state(i, OperationState::Failed, "Terminated");
        } else {
            cx.set_state(i, state, msg);
        }
    }
    if ok {
        cx.set_phase(OperationPhase::Failed, message::TERMINATED);
    } else {
        cx.set_phase(OperationPhase::Error, message::TERMINATION_ERRORS);
    }
    cx.note(
        "X-2",
        "terminated: running hooks deleted, hook finalizers removed, no SyncFail hook runs",
    );
}

fn finalizer_effect(cx: &Ctx, i: usize) -> Effect {
    Effect::RemoveFinalizer {
        key: cx.tasks[i].key.clone(),
        finalizer: keys::HOOK_FINALIZER.into(),
        rule: "X-2",
    }
}
