//! Differential testing: one scenario runs in the simulator and through the real driver
//! (`hookline::sync`) against the loopback API server; the ordered effects, the final
//! results and the final cluster must agree (issue #7). A library function so the
//! property tests can feed it generated scenarios.
//!
//! Virtual time maps to real time by `time_scale` (real seconds per virtual second):
//! behaviour timelines, wave delay, retry backoff, sync timeout and `terminateAfter` are
//! all scaled. An operation the simulator reports as stuck (it would wait forever) is
//! detached once the driver waits with nothing scheduled and the fixture has no timer left.

use crate::fakeapi::FakeApi;
use crate::fakeapi::resources::{ResourceDef, builtin};
use hookline::sync::{Control, Driver, Progress, RunOutcome, SyncRun, track};
use hookline_core::duration::Duration as VDuration;
use hookline_core::health::{self, HealthStatus};
use hookline_core::model::ResourceKey;
use hookline_core::object;
use hookline_core::sim::{
    Call, CallResult, Retry, SimInput, SimulationReport, TraceEvent, simulate,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Real seconds per virtual second used by the suite: 1 virtual second = 40 ms.
pub const DEFAULT_TIME_SCALE: f64 = 0.04;

/// Scenarios that race the driver against a clock (`terminateAfter`, a sync timeout) need
/// the driver's own work to be small against a virtual second, even on a loaded machine:
/// they run at 1 virtual second = 250 ms.
pub const CLOCKED_TIME_SCALE: f64 = 0.25;

/// The time scale for `input`: [`CLOCKED_TIME_SCALE`] when an operation is terminated or
/// timed out at a given moment, else [`DEFAULT_TIME_SCALE`].
pub fn time_scale_for(input: &SimInput) -> f64 {
    if input
        .operations
        .iter()
        .any(|o| o.terminate_after.is_some() || o.sync_timeout.is_some())
    {
        CLOCKED_TIME_SCALE
    } else {
        DEFAULT_TIME_SCALE
    }
}

/// What the driver did, per operation, and the cluster afterwards.
pub struct DriverReport {
    pub operations: Vec<RunOutcome>,
    pub cluster: Vec<Value>,
    pub requests: usize,
    pub fixture_requests: Vec<crate::fakeapi::RequestRecord>,
}

fn scaled(d: VDuration, scale: f64) -> Duration {
    Duration::from_secs_f64(d.millis() as f64 * scale / 1000.0)
}

fn scaled_retry(r: &Retry, scale: f64) -> Retry {
    let mut r = r.clone();
    let ms = |d: VDuration| VDuration(((d.millis() as f64) * scale).round() as u64);
    r.backoff.duration = ms(r.backoff.duration);
    r.backoff.max_duration = ms(r.backoff.max_duration);
    r
}

/// Runs every operation of `input` through the driver against a fresh fixture.
pub async fn run_driver(input: &SimInput, scale: f64) -> DriverReport {
    let api = FakeApi::start(scale).await;
    api.set_health_rules(input.health_rules.clone());
    let app = input
        .operations
        .first()
        .map(|o| o.settings.app_name.clone())
        .unwrap_or_else(|| "app".into());
    let default_ns = input
        .operations
        .first()
        .map(|o| o.settings.namespace.clone())
        .unwrap_or_else(|| "default".into());
    // Serve every kind the scenario uses that is not declared unknown.
    let builtins = builtin();
    let mut objs: Vec<&Value> = input.cluster.iter().collect();
    for op in &input.operations {
        objs.extend(op.desired.iter().map(|m| &m.object));
    }
    for o in objs {
        let gk = object::group_kind(o);
        if input.unknown_kinds.contains(&gk) || builtins.iter().any(|b| b.gk() == gk) {
            continue;
        }
        let (g, v) = object::group_version(o);
        api.serve(ResourceDef::new(g, v, &gk.kind));
    }
    api.push_behaviours(&input.behaviour);
    for o in &input.cluster {
        let mut o = o.clone();
        if object::namespace(&o).is_empty()
            && !hookline_core::sim::CLUSTER_SCOPED
                .iter()
                .any(|(g, k)| *g == object::group(&o) && *k == object::kind(&o))
        {
            object::set_namespace(&mut o, &default_ns);
        }
        track::to_cluster(&mut o);
        track::mark(&mut o, &app);
        api.seed(o);
    }
    let driver = Driver::connect(api.client().await, &app)
        .await
        .unwrap_or_else(|e| panic!("driver cannot connect to the fixture: {e}"));
    let mut operations = Vec::new();
    for (index, op) in input.operations.iter().enumerate() {
        api.push_behaviours(&op.behaviour);
        let run = SyncRun {
            settings: op.settings.clone(),
            desired: op.desired.clone(),
            rules: Arc::new(input.health_rules.clone()),
            wave_delay: scaled(op.wave_delay, scale),
            retry: op.retry.as_ref().map(|r| scaled_retry(r, scale)),
            timeout: op.sync_timeout.map(|d| scaled(d, scale)),
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let terminator = op.terminate_after.map(|d| {
            let tx = tx.clone();
            let wait = scaled(d, scale);
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                let _ = tx.send(Control::Terminate);
            })
        });
        let terminate_pending = Arc::new(AtomicBool::new(terminator.is_some()));
        if let Some(t) = terminator {
            let flag = terminate_pending.clone();
            tokio::spawn(async move {
                let _ = t.await;
                flag.store(false, Ordering::SeqCst);
            });
        }
        // Stuck detection: idle driver + no fixture timer + no terminate to come.
        let idle = Arc::new(AtomicBool::new(false));
        let watchdog = {
            let idle = idle.clone();
            let tx = tx.clone();
            let pending = api.shared.pending_timers.clone();
            let terminate_pending = terminate_pending.clone();
            tokio::spawn(async move {
                let mut quiet = 0;
                loop {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let still = idle.load(Ordering::SeqCst)
                        && pending.load(Ordering::SeqCst) == 0
                        && !terminate_pending.load(Ordering::SeqCst);
                    quiet = if still { quiet + 1 } else { 0 };
                    if quiet >= 10 {
                        let _ = tx.send(Control::Detach);
                        return;
                    }
                }
            })
        };
        let debug = std::env::var_os("HOOKLINE_DIFF_TRACE").is_some();
        let mut progress = |p: Progress<'_>| match p {
            Progress::Idle(b) => idle.store(b, Ordering::SeqCst),
            Progress::Trace(t) if debug => {
                eprintln!("{}", serde_json::to_string(t).unwrap_or_default())
            }
            Progress::Trace(_) => {}
        };
        let outcome = driver.run(index, &run, &mut rx, &mut progress).await;
        watchdog.abort();
        operations.push(outcome);
    }
    if std::env::var_os("HOOKLINE_DIFF_TRACE").is_some() {
        for o in api.objects() {
            eprintln!("{o}");
        }
        for r in api.requests() {
            eprintln!("{} {}?{} -> {}", r.method, r.path, r.query, r.status);
        }
    }
    DriverReport {
        operations,
        cluster: api.objects(),
        requests: driver.requests() as usize,
        fixture_requests: api.requests(),
    }
}

/// A comparable line per effect: call and result.
fn effect_line(call: &Call, result: &CallResult) -> String {
    format!(
        "{} -> {}",
        serde_json::to_string(call).unwrap_or_default(),
        serde_json::to_string(result).unwrap_or_default()
    )
}

/// A comparable line per cluster object: key, deleting, finalizers, health.
fn cluster_line(
    key: &ResourceKey,
    deleting: bool,
    mut finalizers: Vec<String>,
    health: Option<HealthStatus>,
) -> String {
    finalizers.sort();
    format!("{key} deleting={deleting} finalizers={finalizers:?} health={health:?}")
}

/// Runs `input` both ways and lists every disagreement (empty = they agree).
pub async fn differences(input: &SimInput, scale: f64) -> Vec<String> {
    let sim = simulate(input);
    let drv = run_driver(input, scale).await;
    compare(input, &sim, &drv)
}

pub fn compare(input: &SimInput, sim: &SimulationReport, drv: &DriverReport) -> Vec<String> {
    let mut out = Vec::new();
    for (i, op) in sim.operations.iter().enumerate() {
        let Some(d) = drv.operations.get(i) else {
            out.push(format!("operation {i}: the driver did not run it"));
            continue;
        };
        if (op.phase, &op.message) != (d.state.phase, &d.state.message) {
            out.push(format!(
                "operation {i}: simulator ended {} {:?}, driver {} {:?}",
                op.phase, op.message, d.state.phase, d.state.message
            ));
        }
        let sim_effects: Vec<String> = sim
            .trace
            .iter()
            .filter(|e| e.operation == i)
            .filter_map(|e| match &e.event {
                TraceEvent::Effect { call, result } => Some(effect_line(call, result)),
                _ => None,
            })
            .collect();
        let drv_effects: Vec<String> = d.effects.iter().map(|(c, r)| effect_line(c, r)).collect();
        if sim_effects != drv_effects {
            out.push(format!(
                "operation {i}: effects differ\n  simulator:\n    {}\n  driver:\n    {}",
                sim_effects.join("\n    "),
                drv_effects.join("\n    ")
            ));
        }
        let sim_results = serde_json::to_string_pretty(&op.results).unwrap_or_default();
        let drv_results = serde_json::to_string_pretty(&d.state.results).unwrap_or_default();
        if sim_results != drv_results {
            out.push(format!(
                "operation {i}: results differ\n  simulator: {sim_results}\n  driver: {drv_results}"
            ));
        }
    }
    // The cluster after the last operation.
    if let Some(last) = sim.operations.last() {
        let sim_cluster: BTreeSet<String> = last
            .cluster
            .iter()
            .map(|o| {
                cluster_line(
                    &o.key,
                    o.deleting,
                    o.finalizers.clone(),
                    o.health.as_ref().map(|h| h.status),
                )
            })
            .collect();
        let drv_cluster: BTreeSet<String> = drv
            .cluster
            .iter()
            .map(|o| {
                let mut o = o.clone();
                track::from_cluster(&mut o);
                let fins = object::finalizers(&o)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                cluster_line(
                    &object::key(&o),
                    object::deletion_timestamp(&o).is_some(),
                    fins,
                    health::assess(&o, &input.health_rules).map(|h| h.status),
                )
            })
            .collect();
        for missing in sim_cluster.difference(&drv_cluster) {
            out.push(format!(
                "cluster: simulator has {missing}; the fixture does not"
            ));
        }
        for extra in drv_cluster.difference(&sim_cluster) {
            out.push(format!(
                "cluster: the fixture has {extra}; the simulator does not"
            ));
        }
    }
    out
}
