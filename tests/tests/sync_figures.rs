//! Figures for docs/benchmarks.md ("hookline sync against the fixture"). Measurements, not
//! assertions (project rule: no timed assertions). Run:
//!
//! ```sh
//! cargo test --release -p hookline-tests --test sync_figures -- --ignored --nocapture
//! ```

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns, like the tests themselves

use hookline::sync::{Driver, SyncRun};
use hookline_core::engine::OperationPhase;
use hookline_core::health::HealthRules;
use hookline_core::manifest;
use hookline_core::plan::SyncSettings;
use hookline_tests::fakeapi::FakeApi;
use std::sync::Arc;
use std::time::Duration;

fn job(name: &str, hook: &str, wave: i32) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}, annotations: {{argocd.argoproj.io/hook: {hook}, argocd.argoproj.io/sync-wave: \"{wave}\"}}}}\nspec: {{template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: alpine}}]}}}}}}\n---\n"
    )
}

fn cm(name: &str, wave: i32) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, annotations: {{argocd.argoproj.io/sync-wave: \"{wave}\"}}}}\ndata: {{k: v}}\n---\n"
    )
}

fn run_of(yaml: &str) -> SyncRun {
    SyncRun {
        settings: SyncSettings::default(),
        desired: Arc::new(manifest::parse_str(yaml, "figures.yaml").unwrap()),
        rules: Arc::new(HealthRules::default()),
        wave_delay: Duration::ZERO,
        retry: None,
        timeout: None,
    }
}

async fn sync(api: &FakeApi, run: &SyncRun) -> (Driver, OperationPhase) {
    let driver = Driver::connect(api.client().await, &run.settings.app_name)
        .await
        .unwrap();
    let (_tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let out = driver.run(0, run, &mut rx, &mut |_| {}).await;
    (driver, out.state.phase)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "figures for docs/benchmarks.md; run with --ignored --nocapture"]
async fn requests_per_applied_object() {
    for (resources, hooks) in [(100, 0), (0, 20), (100, 20)] {
        let mut yaml = String::new();
        for i in 0..resources {
            yaml.push_str(&cm(&format!("cm-{i}"), i % 4));
        }
        for i in 0..hooks {
            yaml.push_str(&job(&format!("hook-{i}"), "Sync", i % 4));
        }
        let api = FakeApi::start(0.01).await;
        let (driver, phase) = sync(&api, &run_of(&yaml)).await;
        assert_eq!(phase, OperationPhase::Succeeded);
        let reqs = api.requests();
        let watches = reqs
            .iter()
            .filter(|r| r.query.contains("watch=true"))
            .count();
        let discovery = reqs
            .iter()
            .filter(|r| {
                r.path == "/api"
                    || r.path == "/apis"
                    || r.path.split('/').count() <= 4 && !r.path.contains("namespaces")
            })
            .filter(|r| !r.query.contains("watch") && !r.query.contains("labelSelector"))
            .count();
        let lists = reqs
            .iter()
            .filter(|r| r.query.contains("labelSelector") && !r.query.contains("watch=true"))
            .count()
            + reqs
                .iter()
                .filter(|r| r.path == "/api/v1/namespaces" && !r.query.contains("watch=true"))
                .count();
        let calls = driver.requests() as f64;
        let objects = (resources + hooks) as f64;
        println!(
            "{resources:>4} resources + {hooks:>3} hooks: {calls:>4} API calls = {:.2} per applied object \
             (fixed: {discovery} discovery, {lists} initial lists, {watches} watches; total requests {})",
            calls / objects,
            reqs.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "figures for docs/benchmarks.md; run with --ignored --nocapture"]
async fn step_to_step_latency() {
    let waves = 10;
    let mut all = Vec::new();
    for _ in 0..5 {
        let mut yaml = String::new();
        for w in 0..waves {
            yaml.push_str(&job(&format!("job-{w}"), "Sync", w));
        }
        let api = FakeApi::start(0.02).await;
        let (_driver, phase) = sync(&api, &run_of(&yaml)).await;
        assert_eq!(phase, OperationPhase::Succeeded);
        let reqs = api.requests();
        let log = api.lock().status_log.clone();
        for w in 0..waves - 1 {
            // Wave w is done when the controller writes job-w's Complete status (the first
            // status comes with the create and is not logged).
            let done = log
                .iter()
                .rfind(|(_, id, _)| id.2 == format!("job-{w}"))
                .map(|(t, _, _)| *t)
                .unwrap();
            let next = reqs
                .iter()
                .find(|r| {
                    r.method == "PATCH"
                        && r.path.ends_with(&format!("/jobs/job-{}", w + 1))
                        && !r.query.contains("dryRun")
                })
                .map(|r| r.at)
                .unwrap();
            all.push(next.duration_since(done));
        }
    }
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "step-to-step ({} transitions): min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        all.len(),
        ms(all[0]),
        ms(all[all.len() / 2]),
        ms(all[all.len() * 9 / 10]),
        ms(all[all.len() - 1])
    );
}
