//! `hookline sync` as a process against the loopback API server: output, exit codes
//! (0 Succeeded, 1 Failed, 2 bad input, 3 cluster error, 130 interrupted), signals.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns, like the tests themselves

use hookline_core::reference::Reference;
use hookline_core::sim::{BehaviourRule, Outcome};
use hookline_tests::fakeapi::FakeApi;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const MANIFESTS: &str = "
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: alpine}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {k: v}
";

fn files(api: &FakeApi, tag: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hookline-cli-sync-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kc = dir.join("kubeconfig");
    std::fs::write(&kc, api.kubeconfig()).unwrap();
    let m = dir.join("app.yaml");
    std::fs::write(&m, MANIFESTS).unwrap();
    (kc, m)
}

fn hookline(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hookline"));
    c.args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

async fn output(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

fn hang(reference: &str) -> BehaviourRule {
    BehaviourRule {
        matches: Reference::parse(reference).unwrap(),
        outcome: Some(Outcome::Hang),
        after: None,
        health: None,
        apply: None,
        dry_run: None,
        message: None,
        delete: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_succeeds_and_prints_ndjson_events() {
    let api = FakeApi::start(0.02).await;
    let (kc, m) = files(&api, "ok");
    let out = output(hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--app",
        "demo",
        "-o",
        "json",
    ]))
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = events.last().unwrap();
    assert_eq!(last["event"]["type"], "phase");
    assert_eq!(last["event"]["phase"], "Succeeded");
    assert!(
        events
            .iter()
            .any(|e| e["event"]["type"] == "effect" && e["event"]["call"]["verb"] == "apply")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_text_progress_names_tasks_and_the_final_phase() {
    let api = FakeApi::start(0.02).await;
    let (kc, m) = files(&api, "text");
    let out = output(hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]))
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("apply   PreSync:batch/Job/default/migrate"),
        "{stdout}"
    );
    assert!(stdout.contains("Succeeded successfully synced"), "{stdout}");
    assert!(
        !stdout.contains("\u{1b}["),
        "escape codes when not on a terminal: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_hook_exits_1() {
    let api = FakeApi::start(0.02).await;
    let mut rule = hang("Job/migrate");
    rule.outcome = Some(Outcome::Fail);
    api.push_behaviours(&[rule]);
    let (kc, m) = files(&api, "fail");
    let out = output(hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_and_unreachable_cluster_exits_3() {
    let api = FakeApi::start(0.02).await;
    let (kc, m) = files(&api, "bad");
    let out = output(hookline(&[
        "sync",
        "/nonexistent/app.yaml",
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let out = output(hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--wave-delay",
        "soon",
    ]))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--wave-delay"));
    // A port nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = dead.local_addr().unwrap();
    drop(dead);
    std::fs::write(
        &kc,
        api.kubeconfig()
            .replace(&api.addr.to_string(), &addr.to_string()),
    )
    .unwrap();
    let out = output(hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot talk to the cluster"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_mid_hook_terminates_exits_130_and_leaves_no_finalizer() {
    let api = FakeApi::start(0.02).await;
    api.push_behaviours(&[hang("Job/migrate")]);
    let (kc, m) = files(&api, "int");
    let child = hookline(&[
        "sync",
        m.to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
        "-o",
        "json",
    ])
    .spawn()
    .unwrap();
    // Wait until the hook runs, then interrupt like Ctrl-C.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !api.objects().iter().any(|o| o["kind"] == "Job") {
        assert!(
            std::time::Instant::now() < deadline,
            "the hook never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let objs = api.objects();
    assert!(
        !objs.iter().any(|o| o["kind"] == "Job"),
        "the running hook was not deleted"
    );
    assert!(
        objs.iter()
            .all(|o| !o.to_string().contains("hook-finalizer"))
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Operation terminated"), "{stdout}");
}
