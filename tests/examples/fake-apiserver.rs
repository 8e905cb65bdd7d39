//! The loopback API server as a standalone process, to try `hookline sync` without a
//! cluster: writes a kubeconfig to the given path and serves until interrupted.
//!
//! ```sh
//! cargo run -p hookline-tests --example fake-apiserver -- /tmp/hookline-kubeconfig &
//! hookline sync examples/seed --kubeconfig /tmp/hookline-kubeconfig
//! ```
//!
//! Optional second argument: real seconds per virtual second of the controllers'
//! timelines (default 1: a Job completes 1 s after it is created).

use hookline_tests::fakeapi::FakeApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: fake-apiserver KUBECONFIG-PATH [TIME-SCALE]")?;
    let scale: f64 = match args.next() {
        Some(s) => s.parse().map_err(|e| format!("time scale {s:?}: {e}"))?,
        None => 1.0,
    };
    let api = FakeApi::start(scale).await;
    std::fs::write(&path, api.kubeconfig())?;
    eprintln!(
        "fake API server on http://{}; kubeconfig written to {path}",
        api.addr
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
