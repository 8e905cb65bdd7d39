//! What a driver does to an operation between passes (spec C-4, C-5, C-9, X-4): switching a
//! running operation to Terminating, and the retry decision with its messages.
//!
//! `core::sim` keeps its own copy of these few lines inside its loop (it predates this
//! module); a real-cluster driver uses these so both speak the same messages.

use super::types::{OperationPhase, SyncOperation};
use crate::sim::{Retry, kitchen_time};

/// Who ends a running operation early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminateCause {
    /// C-5: the user (Ctrl-C, `argocd app terminate-op`).
    User,
    /// C-9: the controller's sync timeout.
    Timeout,
}

/// C-5 / C-9: a running operation becomes `Terminating`; the next pass is `Terminate()`.
/// Returns false (and changes nothing) if the operation is not running.
pub fn request_terminate(state: &mut SyncOperation, cause: TerminateCause) -> bool {
    if state.phase != OperationPhase::Running {
        return false;
    }
    state.phase = OperationPhase::Terminating;
    state.message = match cause {
        TerminateCause::User => "operation is terminating",
        TerminateCause::Timeout => "operation is terminating due to timeout",
    }
    .into();
    true
}

/// C-9: the final message of an operation the sync timeout terminated.
pub fn finish_terminated(state: &mut SyncOperation, cause: TerminateCause) {
    if cause == TerminateCause::Timeout {
        state
            .message
            .push_str(", triggered by controller sync timeout");
    }
}

/// C-4: what follows a completed, not terminated operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterCompletion {
    /// Start again after `delay_millis`, from `state` (a fresh operation with its message).
    Retry {
        delay_millis: u64,
        announce: String,
        state: SyncOperation,
    },
    /// Done; `message` is the final operation message.
    Done { message: String },
}

/// C-4 / X-4: decides whether a completed operation is retried. `retries_done` counts the
/// retries already made; `elapsed_millis` is the time since the operation began (the retry
/// message names the wall-clock time of the next attempt, `started_at` + elapsed + delay).
pub fn after_completion(
    state: &SyncOperation,
    retry: Option<&Retry>,
    retries_done: u32,
    elapsed_millis: u64,
) -> AfterCompletion {
    let retry = retry.filter(|r| {
        state.phase != OperationPhase::Succeeded
            && (r.limit < 0 || i64::from(retries_done) < r.limit)
    });
    match retry {
        Some(r) => {
            let announced = elapsed_millis + r.backoff.delay(retries_done);
            let wall = state.started_at + (announced / 1000) as i64;
            let n = retries_done + 1;
            let announce = format!(
                "{}. Retrying attempt #{n} at {}.",
                state.message,
                kitchen_time(wall)
            );
            let mut next = SyncOperation::new(state.started_at);
            next.message = format!("Retrying operation. Attempt #{}", n + 1);
            AfterCompletion::Retry {
                delay_millis: r.backoff.delay(n),
                announce,
                state: next,
            }
        }
        None => AfterCompletion::Done {
            message: if retries_done > 0 {
                format!("{} (retried {} times).", state.message, retries_done)
            } else {
                state.message.clone()
            },
        },
    }
}
