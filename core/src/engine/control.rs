//! What a driver does to an operation between passes (spec C-4, C-5, C-9, X-4): switching a
//! running operation to Terminating, and the retry decision with its messages.
//!
//! The simulator and the real-cluster driver both use these, so both speak the same messages.

use super::types::{OperationPhase, SyncOperation};
use crate::duration::Duration;
use serde::{Deserialize, Serialize};

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

/// Retry policy (C-4): `limit` attempts after the first; backoff `duration × factor^n`
/// capped by `maxDuration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retry {
    pub limit: i64,
    #[serde(default)]
    pub backoff: Backoff,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Backoff {
    #[serde(default = "Backoff::default_duration")]
    pub duration: Duration,
    #[serde(default = "Backoff::default_factor")]
    pub factor: u32,
    #[serde(default = "Backoff::default_max")]
    pub max_duration: Duration,
}

impl Backoff {
    fn default_duration() -> Duration {
        Duration::from_secs(5)
    }
    fn default_factor() -> u32 {
        2
    }
    fn default_max() -> Duration {
        Duration::from_secs(180)
    }

    /// C-4: `min(duration × factor^n, maxDuration)` (the cap only when maxDuration > 0).
    pub fn delay(&self, n: u32) -> u64 {
        let mut d = self.duration.millis() as u128;
        for _ in 0..n {
            d = d.saturating_mul(self.factor as u128);
            if d > crate::duration::MAX_MILLIS as u128 {
                break;
            }
        }
        let d = d.min(crate::duration::MAX_MILLIS as u128) as u64;
        if self.max_duration.millis() > 0 {
            d.min(self.max_duration.millis())
        } else {
            d
        }
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            duration: Backoff::default_duration(),
            factor: Backoff::default_factor(),
            max_duration: Backoff::default_max(),
        }
    }
}

/// Go's `time.Kitchen` (`3:04PM`) in UTC, as Argo CD's retry message prints it (C-4).
pub fn kitchen_time(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{h12}:{m:02}{ampm}")
}
