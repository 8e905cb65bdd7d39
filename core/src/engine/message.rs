//! Operation messages, word for word as Argo CD writes them (spec §4.2, S-15, S-16).

use super::context::Ctx;
use super::types::{OperationPhase, ResultCode};
use crate::model::ResourceKey;

pub const NOT_VALID: &str = "one or more synchronization tasks are not valid";
pub const NAMESPACE_FAILED: &str = "the namespace failed to apply";
pub const DRY_RUN_FAILED: &str = "one or more objects failed to apply (dry run)";
pub const COMPLETED_UNSUCCESSFULLY: &str =
    "one or more synchronization tasks completed unsuccessfully";
pub const APPLY_FAILED: &str = "one or more objects failed to apply";
pub const SYNC_FAIL_HOOKS_FAILED: &str = "one or more SyncFail hooks failed";
pub const RUNNING: &str = "one or more tasks are running";
pub const SUCCEEDED_NO_MORE: &str = "successfully synced (no more tasks)";
pub const SUCCEEDED_ALL_RUN: &str = "successfully synced (all tasks run)";
pub const TERMINATED: &str = "Operation terminated";
pub const TERMINATION_ERRORS: &str = "Operation termination had errors";

/// `group/kind/name` with an empty group for the core group (S-16).
pub fn short(key: &ResourceKey) -> String {
    short_within("", key, &[])
}

/// [`short`] after `before` and followed by the parts of `after`, built in one string
/// (the S-3 and HL-20 notes name a task this way on every pass).
pub fn short_within(before: &str, key: &ResourceKey, after: &[&str]) -> String {
    let mut text = crate::text::concat(&[before, &key.group, "/", &key.kind, "/", &key.name]);
    for part in after {
        text.push_str(part);
    }
    text
}

/// S-15: `", reason: "` + the distinct messages of `tasks`, joined by `","`. Argo CD leaves
/// their order unspecified; hookline sorts them (architecture principle 5).
pub fn reason_suffix(cx: &Ctx, tasks: &[usize]) -> String {
    let mut msgs: Vec<&str> = tasks
        .iter()
        .filter_map(|&i| cx.result(i).map(|r| r.message.as_str()))
        .collect();
    msgs.sort_unstable();
    msgs.dedup();
    if msgs.is_empty() {
        String::new()
    } else {
        format!(", reason: {}", msgs.join(","))
    }
}

/// The tasks of `tasks` whose status is `SyncFailed`.
pub fn sync_failed(cx: &Ctx, tasks: impl IntoIterator<Item = usize>) -> Vec<usize> {
    tasks
        .into_iter()
        .filter(|&i| cx.status(i) == Some(ResultCode::SyncFailed))
        .collect()
}

/// S-16 [C] `setRunningPhase(list, isDeletion)`: phase Running and a "waiting for …" message.
pub fn set_running_phase(cx: &mut Ctx, list: &[usize], deletion: bool) {
    let message = waiting_message(cx, list, deletion);
    cx.set_phase(OperationPhase::Running, message);
}

pub fn waiting_message(cx: &Ctx, list: &[usize], deletion: bool) -> String {
    if list.is_empty() {
        return String::new();
    }
    let hooks: Vec<usize> = list.iter().copied().filter(|&i| cx.is_hook(i)).collect();
    let resources: Vec<usize> = list.iter().copied().filter(|&i| !cx.is_hook(i)).collect();
    let needing_confirmation: Vec<usize> = if cx.input.settings.prune_confirmed {
        Vec::new()
    } else {
        list.iter()
            .copied()
            .filter(|&i| cx.tasks[i].is_prune() && cx.requires_prune_confirmation(i))
            .collect()
    };
    let (verb, first, count, noun) = if let Some(&first) = needing_confirmation.first() {
        (
            "pruning confirmation of".to_string(),
            first,
            needing_confirmation.len() - 1,
            "resources",
        )
    } else {
        let verb = match (deletion, hooks.is_empty()) {
            (true, false) => "deletion of hook",
            (true, true) => "deletion of",
            (false, false) => "completion of hook",
            (false, true) => "healthy state of",
        };
        let first = hooks
            .first()
            .or(resources.first())
            .copied()
            .unwrap_or(list[0]);
        let noun = if resources.is_empty() {
            "hooks"
        } else {
            "resources"
        };
        (verb.to_string(), first, list.len() - 1, noun)
    };
    let mut msg = format!("waiting for {verb} {}", short(&cx.tasks[first].key));
    if count > 0 {
        msg.push_str(&format!(" and {count} more {noun}"));
    }
    msg
}
