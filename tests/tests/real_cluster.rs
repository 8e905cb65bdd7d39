//! The scenarios' manifests against a real cluster (kind, k3d, minikube…), when asked:
//!
//! ```sh
//! KUBECONFIG=~/.kube/config cargo test -p hookline-tests --test real_cluster -- --ignored
//! ```
//!
//! Ignored by default: no cluster can run on the CI machines (toolchain.md §6). Each
//! eligible scenario — one operation, no behaviour rules (a real cluster decides outcomes
//! itself), no pre-existing cluster objects, no unknown kinds, no termination/timeout/
//! retry, only namespaced objects without an explicit namespace — runs in a fresh namespace
//! `hookline-e2e-<n>` with its own app name; its final phase and the tasks it applied must
//! match the simulator's. The namespace is deleted afterwards.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns, like the tests themselves

use hookline::sync::{Driver, SyncRun};
use hookline_core::object;
use hookline_core::scenario::Scenario;
use hookline_core::sim::{Call, simulate};
use hookline_tests::{repo_dir, scenario_files, shared_dir};
use kube::api::{Api, DeleteParams, PostParams};
use std::sync::Arc;
use std::time::Duration;

fn eligible(s: &Scenario) -> bool {
    let i = &s.input;
    i.behaviour.is_empty()
        && i.cluster.is_empty()
        && i.unknown_kinds.is_empty()
        && i.operations.len() == 1
        && i.operations.iter().all(|o| {
            o.behaviour.is_empty()
                && o.terminate_after.is_none()
                && o.sync_timeout.is_none()
                && o.retry.is_none()
                && o.desired.iter().all(|m| {
                    object::namespace(&m.object).is_empty()
                        && !hookline_core::sim::CLUSTER_SCOPED.iter().any(|(g, k)| {
                            *g == object::group(&m.object) && *k == object::kind(&m.object)
                        })
                })
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real cluster: KUBECONFIG=… cargo test -p hookline-tests --test real_cluster -- --ignored"]
async fn scenarios_behave_on_a_real_cluster_as_simulated() {
    assert!(
        std::env::var_os("KUBECONFIG").is_some(),
        "set KUBECONFIG to a disposable cluster"
    );
    let client = kube::Client::try_default().await.unwrap();
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let mut files = scenario_files(&shared_dir().join("conformance"));
    files.extend(scenario_files(&repo_dir().join("tests/scenarios")));
    let mut problems = Vec::new();
    let mut ran = 0;
    for (n, f) in files.iter().enumerate() {
        let mut s = Scenario::load(f).unwrap();
        if !eligible(&s) {
            continue;
        }
        ran += 1;
        let ns = format!("hookline-e2e-{n}");
        let ns_obj = serde_json::from_value(serde_json::json!({"metadata": {"name": ns}})).unwrap();
        namespaces
            .create(&PostParams::default(), &ns_obj)
            .await
            .unwrap();
        let op = &mut s.input.operations[0];
        op.settings.namespace = ns.clone();
        op.settings.app_name = ns.clone();
        let sim = simulate(&s.input);
        let op = &s.input.operations[0];
        let run = SyncRun {
            settings: op.settings.clone(),
            desired: op.desired.clone(),
            rules: Arc::new(s.input.health_rules.clone()),
            wave_delay: Duration::ZERO,
            retry: None,
            timeout: Some(Duration::from_secs(300)),
        };
        let driver = Driver::connect(client.clone(), &ns).await.unwrap();
        let (_tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let out = driver.run(0, &run, &mut rx, &mut |_| {}).await;
        let applied = |calls: Vec<&Call>| -> Vec<String> {
            calls
                .into_iter()
                .filter_map(|c| match c {
                    Call::Apply {
                        key,
                        phase,
                        dry_run: false,
                        ..
                    } => Some(format!("{phase}:{key}")),
                    _ => None,
                })
                .collect()
        };
        let sim_applied: Vec<String> = sim.operations[0]
            .applied
            .iter()
            .map(|t| format!("{}:{}", t.phase, t.key))
            .collect();
        let drv_applied = applied(out.effects.iter().map(|(c, _)| c).collect());
        if sim.operations[0].phase != out.state.phase || sim_applied != drv_applied {
            problems.push(format!(
                "{}: simulator {} {sim_applied:?}, cluster {} {drv_applied:?} ({})",
                s.name, sim.operations[0].phase, out.state.phase, out.state.message
            ));
        }
        let _ = namespaces.delete(&ns, &DeleteParams::default()).await;
    }
    assert!(ran > 0, "no eligible scenario");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
