//! The fixture's controllers: move an object's status along its health timeline — the one
//! `core::sim` uses (scenario `behaviour:` rules, else the simulator's default "Progressing
//! for 1s, then Healthy" for kinds with a health check) — written by core's status
//! synthesiser. The first entry is written as part of the create/update itself (as
//! kube-apiserver defaults a new Pod to `Pending`), so no one ever sees a just-created
//! object without status; later entries come from timers. Time runs `time_scale` times
//! real time, so a 1 s step takes `1000 × time_scale` ms.

use super::Shared;
use super::store::{ObjId, Store};
use hookline_core::health::synth;
use hookline_core::sim::{HealthStep, health_timeline};
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A timeline whose first entry is written; the rest is for [`continue_timeline`].
pub struct Started {
    pub id: ObjId,
    pub epoch: u64,
    pub timeline: Vec<HealthStep>,
}

/// Restarts `id`'s timeline inside a write: bumps its epoch, writes entry 0 into `value`.
pub fn start(store: &mut Store, id: &ObjId) -> Option<Started> {
    let key = store.key_of(id);
    let resolved = store.behaviours.resolve(&key);
    let rules = store.rules.clone();
    let o = store.objects.get_mut(id)?;
    o.epoch += 1;
    let timeline = health_timeline(resolved.timeline, &o.value);
    let first = timeline.first()?;
    if let Some(status) = synthesise(&o.value, first, &rules) {
        o.value["status"] = status;
    }
    Some(Started {
        id: id.clone(),
        epoch: o.epoch,
        timeline,
    })
}

fn synthesise(
    obj: &Value,
    step: &HealthStep,
    rules: &hookline_core::health::HealthRules,
) -> Option<Value> {
    let mut obj = obj.clone();
    let message = step.message.clone().unwrap_or_default();
    match synth::write_status_with_rules(&mut obj, step.status, &message, rules) {
        Ok(()) => obj.get("status").cloned(),
        // As in the simulator: a status the kind cannot show leaves it as it was.
        Err(_) => None,
    }
}

/// Plays entries 1.. of a started timeline on timers.
pub fn continue_timeline(shared: Shared, started: Started) {
    let scale = shared.time_scale;
    let pending = shared.pending_timers.clone();
    let Started {
        id,
        epoch,
        timeline,
    } = started;
    if timeline.first().and_then(|s| s.duration).is_none() {
        return;
    }
    pending.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        for pair in timeline.windows(2) {
            let Some(d) = pair[0].duration else { break };
            tokio::time::sleep(Duration::from_secs_f64(d.millis() as f64 * scale / 1000.0)).await;
            if !write(&shared, &id, epoch, &pair[1]) {
                break;
            }
        }
        pending.fetch_sub(1, Ordering::SeqCst);
    });
}

/// Writes one entry's status (the status path); false when the timeline is stale.
fn write(shared: &Shared, id: &ObjId, epoch: u64, step: &HealthStep) -> bool {
    let mut st = shared.lock();
    let rules = st.rules.clone();
    let Some(o) = st.objects.get(id) else {
        return false;
    };
    if o.epoch != epoch {
        return false;
    }
    if let Some(status) = synthesise(&o.value, step, &rules) {
        let _ = st.write_status(id, status);
    }
    true
}
