//! The step runner `runTasks(batch, dryRun)` (spec R-1 … R-9, P-3, O-1).

use super::context::Ctx;
use super::types::*;
use crate::classify::{self, DeletePolicy};
use crate::health::OperationState;
use crate::object::keys;
use crate::plan::TaskAction;

/// the combined state of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunState {
    Successful,
    Pending,
    Failed,
}

impl RunState {
    /// failed is absorbing; pending only moves to failed.
    fn combine(self, other: RunState) -> RunState {
        match (self, other) {
            (RunState::Failed, _) | (_, RunState::Failed) => RunState::Failed,
            (RunState::Pending, _) | (_, RunState::Pending) => RunState::Pending,
            _ => RunState::Successful,
        }
    }
}

pub(crate) async fn run_tasks(cx: &mut Ctx, batch: &[usize], dry_run_requested: bool) -> RunState {
    // dry-run if requested or if the whole operation is a dry-run (O-12).
    let op_dry_run = cx.input.settings.dry_run;
    let dry = dry_run_requested || op_dry_run;
    let mut state = RunState::Successful;
    //
    let prunes: Vec<usize> = batch
        .iter()
        .copied()
        .filter(|&i| cx.tasks[i].is_prune())
        .collect();
    let creates: Vec<usize> = batch
        .iter()
        .copied()
        .filter(|&i| !cx.tasks[i].is_prune())
        .collect();

    // leftover hooks lose the hook finalizer before anything else happens to them.
    if !dry {
        let leftovers: Vec<usize> = creates
            .iter()
            .copied()
            .filter(|&i| cx.is_hook(i) && cx.pending(i) && cx.live_has_hook_finalizer(i))
            .collect();
        let effects = leftovers
            .iter()
            .map(|&i| Effect::RemoveFinalizer {
                key: cx.tasks[i].key.clone(),
                finalizer: keys::HOOK_FINALIZER.into(),
                rule: "R-3",
            })
            .collect();
        let results = cx.io.perform(effects).await;
        for (&i, r) in leftovers.iter().zip(results) {
            if let EffectResult::Failed { message } = r {
                cx.set_result(
                    i,
                    None,
                    Some(OperationState::Error),
                    format!("failed to remove hook finalizer: {message}"),
                );
                state = RunState::Failed;
            }
        }
        if !leftovers.is_empty() {
            cx.note(
                "R-3",
                format!(
                    "{} leftover hook(s) lost the hook finalizer",
                    leftovers.len()
                ),
            );
        }
    }
    if state != RunState::Successful {
        return state;
    }

    // prune confirmation holds the whole batch.
    if !cx.input.settings.prune_confirmed
        && prunes.iter().any(|&i| cx.requires_prune_confirmation(i))
    {
        cx.note(
            "R-4",
            "a prune needs confirmation (Prune=confirm): the whole step waits",
        );
        return RunState::Pending;
    }

    // prunes, all in parallel (P-3).
    let mut deletes = Vec::new();
    let mut decided: Vec<(usize, ResultCode, &'static str)> = Vec::new();
    for &i in &prunes {
        if !cx.input.settings.prune {
            decided.push((i, ResultCode::PruneSkipped, "ignored (requires pruning)"));
        } else if cx.prune_disabled(i) {
            decided.push((i, ResultCode::PruneSkipped, "ignored (no prune)"));
        } else if dry {
            decided.push((i, ResultCode::Pruned, "pruned (dry run)"));
        } else {
            let terminating = cx
                .live(i)
                .is_some_and(|l| crate::object::deletion_timestamp(l).is_some());
            if !terminating {
                deletes.push(i);
            } else {
                decided.push((i, ResultCode::Pruned, "pruned"));
            }
        }
    }
    let effects = deletes
        .iter()
        .map(|&i| Effect::Delete {
            key: cx.tasks[i].key.clone(),
            propagation: cx.propagation(),
            reason: DeleteReason::Prune,
            rule: "P-3",
        })
        .collect();
    let results = cx.io.perform(effects).await;
    let mut failures: Vec<(usize, String)> = Vec::new();
    for (&i, r) in deletes.iter().zip(results) {
        match r {
            EffectResult::Failed { message } => failures.push((i, message)),
            _ => decided.push((i, ResultCode::Pruned, "pruned")),
        }
    }
    let record = |dry_ok: bool| !(dry && dry_ok) || op_dry_run;
    for (i, code, msg) in decided {
        if record(true) {
            cx.set_result(i, Some(code), Some(code.task_state()), msg);
        }
    }
    for (i, msg) in failures {
        cx.set_result(
            i,
            Some(ResultCode::SyncFailed),
            Some(OperationState::Failed),
            msg,
        );
        state = RunState::Failed;
    }
    if state != RunState::Successful {
        return state;
    }

    // BeforeHookCreation deletions; the whole step waits for them.
    if !dry {
        let bhc: Vec<usize> = creates
            .iter()
            .copied()
            .filter(|&i| {
                cx.is_hook(i)
                    && cx.pending(i)
                    && cx.has_live(i)
                    && cx.has_policy(i, DeletePolicy::BeforeHookCreation)
            })
            .collect();
        let effects = bhc
            .iter()
            .map(|&i| Effect::Delete {
                key: cx.tasks[i].key.clone(),
                propagation: cx.propagation(),
                reason: DeleteReason::BeforeHookCreation,
                rule: "R-6",
            })
            .collect();
        let results = cx.io.perform(effects).await;
        for (&i, r) in bhc.iter().zip(results) {
            match r {
                EffectResult::NotFound => cx.forget_live(i),
                EffectResult::Failed { message } => {
                    cx.set_result(
                        i,
                        None,
                        Some(OperationState::Error),
                        format!("failed to delete resource: {message}"),
                    );
                    state = state.combine(RunState::Failed);
                }
                _ => state = state.combine(RunState::Pending),
            }
        }
        if !bhc.is_empty() {
            cx.note(
                "D-6",
                "leftover hook(s) with BeforeHookCreation deleted: the step waits until they are gone",
            );
        }
    }
    if state != RunState::Successful {
        return state;
    }

    // creations in apply groups — consecutive tasks with the same Kind string; groups
    // one after another, members in parallel; a failing group does not stop later ones.
    let mut start = 0;
    while start < creates.len() {
        let kind = cx.tasks[creates[start]].key.kind.clone();
        let mut end = start;
        while end < creates.len() && cx.tasks[creates[end]].key.kind == kind {
            end += 1;
        }
        let group: Vec<usize> = creates[start..end]
            .iter()
            .copied()
            .filter(|&i| !(dry && cx.skip_dry_run[i]))
            .collect();
        start = end;
        let effects: Vec<Effect> = group.iter().map(|&i| apply_effect(cx, i, dry)).collect();
        let results = cx.io.perform(effects).await;
        for (&i, r) in group.iter().zip(results) {
            match r {
                EffectResult::Failed { message } => {
                    cx.set_result(
                        i,
                        Some(ResultCode::SyncFailed),
                        Some(OperationState::Failed),
                        message,
                    );
                    state = state.combine(RunState::Failed);
                }
                EffectResult::Ok { message } => {
                    if record(true) {
                        let st = if op_dry_run {
                            OperationState::Succeeded
                        } else {
                            OperationState::Running
                        };
                        cx.set_result(i, Some(ResultCode::Synced), Some(st), message);
                    }
                }
                other => {
                    let message = format!("unexpected answer to an apply: {other:?}");
                    cx.set_result(
                        i,
                        Some(ResultCode::SyncFailed),
                        Some(OperationState::Failed),
                        message,
                    );
                    state = state.combine(RunState::Failed);
                }
            }
        }
    }
    state
}

/// O-1: how the task's target is written.
fn apply_effect(cx: &Ctx, i: usize, dry: bool) -> Effect {
    let t = &cx.tasks[i];
    let settings = &cx.input.settings;
    let target = t.target.clone().unwrap_or_default();
    // Each object's sync options are read once (up to eight questions are asked of them).
    let target_options = classify::sync_options(&target);
    let live_options = cx.live(i).map(classify::sync_options).unwrap_or_default();
    let on_target = |opt: &str| target_options.iter().any(|o| o == opt);
    let on_live = |opt: &str| live_options.iter().any(|o| o == opt);
    let replace =
        settings.has_option("Replace=true") || on_target("Replace=true") || on_live("Replace=true");
    let force = settings.force || on_target("Force=true") || on_live("Force=true");
    let server_side = !dry
        && !on_target("ServerSideApply=false")
        && (settings.has_option("ServerSideApply=true") || on_target("ServerSideApply=true"));
    // O-4: app-level Validate=false turns validation off for all; the annotation for one.
    let validate = !settings.has_option("Validate=false") && !on_target("Validate=false");
    let method = if replace {
        match cx.live(i) {
            Some(_) if is_crd_or_namespace(&t.key) => ApplyMethod::Update,
            Some(_) => ApplyMethod::Replace,
            None => ApplyMethod::Create,
        }
    } else {
        ApplyMethod::Apply
    };
    Effect::Apply {
        key: t.key.clone(),
        phase: t.phase,
        object: target,
        dry_run: dry,
        method,
        // Replace wins over SSA (O-1).
        server_side: server_side && method == ApplyMethod::Apply,
        force,
        validate,
        tracked: t.action != TaskAction::CreateNamespace,
        rule: if dry { "S-2" } else { "R-7" },
    }
}

fn is_crd_or_namespace(key: &crate::model::ResourceKey) -> bool {
    key.kind == "Namespace"
        || (key.group == "apiextensions.k8s.io" && key.kind == "CustomResourceDefinition")
}
