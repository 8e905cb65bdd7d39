//! The fixture's controllers: move an object's status along its health timeline — the one
//! `core::sim` uses (scenario `behaviour:` rules, else the simulator's default "Progressing
//! for 1s, then Healthy" for kinds with a health check) — written by core's status
//! synthesiser. Time runs `time_scale` times real time, so a 1 s step takes
//! `1000 × time_scale` ms.

use super::Shared;
use super::store::ObjId;
use hookline_core::health::{HealthStatus, synth};
use hookline_core::sim::{HealthStep, default_timeline_applies};
use std::sync::atomic::Ordering;
use std::time::Duration;

pub fn start_timeline(shared: Shared, id: ObjId) {
    let (epoch, timeline) = {
        let mut st = shared.lock();
        let key = st.key_of(&id);
        let resolved = st.behaviours.resolve(&key);
        let Some(o) = st.objects.get_mut(&id) else {
            return;
        };
        o.epoch += 1;
        let timeline = match resolved.timeline {
            Some(t) => t,
            None if default_timeline_applies(&o.value) => vec![
                HealthStep {
                    status: HealthStatus::Progressing,
                    duration: Some(hookline_core::duration::Duration::from_secs(1)),
                    message: None,
                },
                HealthStep {
                    status: HealthStatus::Healthy,
                    duration: None,
                    message: None,
                },
            ],
            None => Vec::new(),
        };
        (o.epoch, timeline)
    };
    if timeline.is_empty() {
        return;
    }
    let scale = shared.time_scale;
    let pending = shared.pending_timers.clone();
    pending.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        for step in timeline {
            if !write(&shared, &id, epoch, &step) {
                break;
            }
            match step.duration {
                Some(d) => tokio::time::sleep(Duration::from_secs_f64(d.millis() as f64 * scale / 1000.0)).await,
                None => break,
            }
        }
        pending.fetch_sub(1, Ordering::SeqCst);
    });
}

/// Writes one step's status through the status path; false when the timeline is stale.
fn write(shared: &Shared, id: &ObjId, epoch: u64, step: &HealthStep) -> bool {
    let mut st = shared.lock();
    let rules = st.rules.clone();
    let Some(o) = st.objects.get(id) else {
        return false;
    };
    if o.epoch != epoch {
        return false;
    }
    let mut obj = o.value.clone();
    let message = step.message.clone().unwrap_or_default();
    if synth::write_status_with_rules(&mut obj, step.status, &message, &rules).is_err() {
        return true;
    }
    let status = obj.get("status").cloned().unwrap_or_default();
    let _ = st.write_status(id, status);
    true
}
