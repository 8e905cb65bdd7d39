//! Simulation cost on generated applications: 1k and 10k objects over 50 waves, 200
//! hooks of which some fail, run to completion by `sim::simulate`.
//!
//! Run: `cargo bench -p hookline-core --bench simulate -- --warm-up-time 1 --measurement-time 5`

// The allocator of the `hookline` binary, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hookline_core::duration::Duration;
use hookline_core::manifest::parse_str;
use hookline_core::plan::SyncSettings;
use hookline_core::reference::Reference;
use hookline_core::sim::{BehaviourRule, Outcome, SimInput, SimOperation, simulate};
use std::fmt::Write;
use std::hint::black_box;
use std::sync::Arc;

/// `n` objects: ConfigMaps, Deployments and Services spread over 50 waves, plus 200 hooks
/// (PreSync/Sync/PostSync Jobs). With `failing`, one Sync hook in the last wave fails, so
/// the operation fails at the end and SyncFail hooks run.
fn app(n: usize, failing: bool) -> SimInput {
    let mut y = String::new();
    let hooks = 200.min(n / 5);
    for i in 0..n - hooks {
        let wave = i % 50;
        let (api, kind) = match i % 3 {
            0 => ("v1", "ConfigMap"),
            1 => ("apps/v1", "Deployment"),
            _ => ("v1", "Service"),
        };
        let _ = write!(
            y,
            "---\napiVersion: {api}\nkind: {kind}\nmetadata:\n  name: obj-{i}\n  annotations:\n    argocd.argoproj.io/sync-wave: \"{wave}\"\n"
        );
        if kind == "Deployment" {
            y.push_str("spec:\n  replicas: 1\n");
        }
    }
    for h in 0..hooks {
        let phase = ["PreSync", "Sync", "PostSync", "SyncFail"][h % 4];
        let _ = write!(
            y,
            "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook-{h}\n  annotations:\n    argocd.argoproj.io/hook: {phase}\n    argocd.argoproj.io/sync-wave: \"{}\"\n    argocd.argoproj.io/hook-delete-policy: HookSucceeded\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n",
            h % 50
        );
    }
    let desired = parse_str(&y, "bench.yaml").expect("generated manifests parse");
    let behaviour = if failing {
        vec![BehaviourRule {
            matches: Reference::parse("Sync:Job/hook-197").expect("reference"),
            outcome: Some(Outcome::Fail),
            after: Some(Duration::from_secs(3)),
            health: None,
            apply: None,
            dry_run: None,
            message: None,
            delete: None,
        }]
    } else {
        Vec::new()
    };
    SimInput {
        behaviour,
        operations: vec![SimOperation {
            settings: SyncSettings::default(),
            desired: Arc::new(desired),
            behaviour: Vec::new(),
            wave_delay: Duration::from_secs(2),
            retry: None,
            terminate_after: None,
            sync_timeout: None,
            started_at_given: true,
        }],
        ..SimInput::default()
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        for failing in [false, true] {
            let input = app(n, failing);
            let report = simulate(&input);
            let op = &report.operations[0];
            eprintln!(
                "n={n} failing={failing}: {:?} after {} passes, {} trace entries",
                op.phase,
                op.passes,
                report.trace.len()
            );
            let id = format!("{n}{}", if failing { "-failing" } else { "" });
            g.bench_with_input(BenchmarkId::from_parameter(id), &input, |b, input| {
                b.iter(|| black_box(simulate(input)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
