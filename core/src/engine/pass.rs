//! One engine pass as a resumable computation, without a runtime.
//!
//! A pass of Argo CD's engine issues API calls in a fixed order and branches on their
//! results (apply groups one after another, a delete before a create…). Written as an
//! explicit state machine that logic would be a dozen resumption points; written as an
//! `async fn` it reads like the spec. The future is never given to an executor: [`Pass`]
//! polls it by hand with a no-op waker. Each time the pass needs API calls it parks them in
//! a shared slot and returns `Pending`; the driver takes them from [`Pass::poll`], performs
//! them however it likes (simulated cluster, kube-rs, a test), hands the results to
//! [`Pass::resolve`] and polls again. No I/O, no clock, no threads: the engine stays sans-IO
//! and deterministic, like `quinn-proto`'s `poll_*`/`handle_*` pairs.

use super::types::{Effect, EffectResult, PassOutcome};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Slot {
    requested: Option<Vec<Effect>>,
    answered: Option<Vec<EffectResult>>,
}

/// The engine side of the slot: how pass code performs effects.
#[derive(Clone, Default)]
pub(crate) struct Io(Arc<Mutex<Slot>>);

impl Io {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A poisoned lock can only follow a panic inside the pass, which already failed.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands `effects` to the driver and waits for their results (same order, same length).
    pub(crate) async fn perform(&self, effects: Vec<Effect>) -> Vec<EffectResult> {
        if effects.is_empty() {
            return Vec::new();
        }
        let n = effects.len();
        self.lock().requested = Some(effects);
        YieldOnce(false).await;
        let mut results = self.lock().answered.take().unwrap_or_default();
        // A driver that answers short is a driver bug; never index out of bounds for it.
        results.resize(
            n,
            EffectResult::Failed {
                message: "the driver returned no result for this call".into(),
            },
        );
        results
    }

    pub(crate) async fn perform_one(&self, effect: Effect) -> EffectResult {
        self.perform(vec![effect])
            .await
            .pop()
            .unwrap_or(EffectResult::Failed {
                message: "the driver returned no result for this call".into(),
            })
    }
}

/// Returns `Pending` once, then `Ready`.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

/// What a pass needs next.
#[derive(Debug)]
pub enum PassStep {
    /// Perform these effects (they may run in parallel), then call [`Pass::resolve`].
    Effects(Vec<Effect>),
    /// The pass is over.
    Done(PassOutcome),
}

/// One engine pass in progress.
pub struct Pass {
    fut: Pin<Box<dyn Future<Output = PassOutcome> + Send>>,
    io: Io,
    awaiting_results: bool,
}

impl Pass {
    pub(crate) fn new(io: Io, fut: impl Future<Output = PassOutcome> + Send + 'static) -> Self {
        Pass {
            fut: Box::pin(fut),
            io,
            awaiting_results: false,
        }
    }

    /// Runs the pass until it needs effects performed or is done.
    ///
    /// Calling `poll` again before `resolve` answers the outstanding effects treats them as
    /// failed (the driver could not perform them).
    pub fn poll(&mut self) -> PassStep {
        if self.awaiting_results {
            self.resolve(Vec::new());
        }
        let mut cx = Context::from_waker(Waker::noop());
        match self.fut.as_mut().poll(&mut cx) {
            Poll::Ready(outcome) => PassStep::Done(outcome),
            Poll::Pending => {
                let effects = self.io.lock().requested.take().unwrap_or_default();
                self.awaiting_results = true;
                PassStep::Effects(effects)
            }
        }
    }

    /// Answers the effects returned by the last [`Pass::poll`].
    pub fn resolve(&mut self, results: Vec<EffectResult>) {
        self.io.lock().answered = Some(results);
        self.awaiting_results = false;
    }

    /// Drives the pass to its end with a synchronous executor of effects.
    pub fn run(mut self, mut execute: impl FnMut(&[Effect]) -> Vec<EffectResult>) -> PassOutcome {
        loop {
            match self.poll() {
                PassStep::Done(outcome) => return outcome,
                PassStep::Effects(effects) => {
                    let results = execute(&effects);
                    self.resolve(results);
                }
            }
        }
    }
}
