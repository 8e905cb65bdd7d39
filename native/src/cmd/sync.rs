//! `hookline sync`: run the plan against a real cluster with the same engine the simulator
//! drives (native/src/sync). This module only parses flags, connects, renders progress and
//! maps the outcome to an exit status: 0 Succeeded, 1 Failed, 2 bad input, 3 cluster/API
//! error, 130 interrupted.

use crate::cli::{SyncArgs, SyncFormat};
use crate::error::{CliError, exit};
use crate::output::{Painter, Style};
use hookline::sync::{Control, Driver, Progress, SyncRun};
use hookline_core::duration::Duration as VDuration;
use hookline_core::engine::OperationPhase;
use hookline_core::health::HealthRules;
use hookline_core::manifest;
use hookline_core::plan::SyncSettings;
use hookline_core::sim::{Backoff, Call, CallResult, Retry, TraceEntry, TraceEvent};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn duration(flag: &str, text: &Option<String>) -> Result<Option<Duration>, CliError> {
    text.as_ref()
        .map(|t| {
            VDuration::parse(t)
                .map(|d| Duration::from_millis(d.millis()))
                .map_err(|e| CliError::Input(format!("--{flag}: {e}")))
        })
        .transpose()
}

pub fn run(args: &SyncArgs, painter: Painter) -> Result<ExitCode, CliError> {
    let desired = manifest::load(&args.paths)?;
    let wave_delay = duration("wave-delay", &args.wave_delay)?.unwrap_or(Duration::ZERO);
    let timeout = duration("timeout", &args.timeout)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Cluster(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(sync(args, desired, wave_delay, timeout, painter))
}

async fn client(args: &SyncArgs) -> Result<kube::Client, CliError> {
    use kube::config::{KubeConfigOptions, Kubeconfig};
    let options = KubeConfigOptions {
        context: args.context.clone(),
        ..KubeConfigOptions::default()
    };
    let config = match (&args.kubeconfig, &args.context) {
        (Some(path), _) => {
            let kc = Kubeconfig::read_from(path)
                .map_err(|e| CliError::Input(format!("--kubeconfig {path}: {e}")))?;
            kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| e.to_string())
        }
        (None, Some(_)) => kube::Config::from_kubeconfig(&options)
            .await
            .map_err(|e| e.to_string()),
        (None, None) => kube::Config::infer().await.map_err(|e| e.to_string()),
    }
    .map_err(|e| {
        CliError::Cluster(format!(
            "no usable cluster configuration: {e}\nhint: pass --kubeconfig FILE or --context NAME, or set KUBECONFIG"
        ))
    })?;
    kube::Client::try_from(config)
        .map_err(|e| CliError::Cluster(format!("cannot create the client: {e}")))
}

async fn sync(
    args: &SyncArgs,
    desired: Vec<manifest::Manifest>,
    wave_delay: Duration,
    timeout: Option<Duration>,
    painter: Painter,
) -> Result<ExitCode, CliError> {
    let client = client(args).await?;
    let d = SyncSettings::default();
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| client.default_namespace().to_string());
    manifest::validate_set(&desired, &namespace)?;
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(d.started_at);
    let settings = SyncSettings {
        app_name: args.app.clone(),
        namespace,
        revision: args.revision.clone().unwrap_or(d.revision.clone()),
        started_at,
        prune: args.prune,
        dry_run: args.dry_run,
        sync_options: args.sync_options.clone(),
        ..d
    };
    let run = SyncRun {
        settings,
        desired: Arc::new(desired),
        rules: Arc::new(HealthRules::default()),
        wave_delay,
        retry: (args.retry_limit != 0).then(|| Retry {
            limit: args.retry_limit,
            backoff: Backoff::default(),
        }),
        timeout,
    };
    let driver = Driver::connect(client, &args.app)
        .await
        .map_err(|e| CliError::Cluster(e.to_string()))?;

    // Ctrl-C / SIGTERM: first = terminate like Argo CD, second = only remove finalizers.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut count = 0;
        loop {
            if !interrupted().await {
                return;
            }
            count += 1;
            let c = if count == 1 {
                Control::Terminate
            } else {
                Control::Abandon
            };
            if tx.send(c).is_err() {
                return;
            }
        }
    });

    let mut view = View::new(args.output, painter);
    let outcome = driver.run(0, &run, &mut rx, &mut |p| view.show(p)).await;

    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    if outcome.interrupted {
        return Ok(ExitCode::from(exit::INTERRUPTED));
    }
    Ok(match outcome.state.phase {
        OperationPhase::Succeeded => ExitCode::from(exit::OK),
        _ => ExitCode::from(exit::FAILURE),
    })
}

/// Resolves on SIGINT or SIGTERM; false if no handler could be installed.
async fn interrupted() -> bool {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return tokio::signal::ctrl_c().await.is_ok();
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.is_ok(),
            r = term.recv() => r.is_some(),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.is_ok()
    }
}

/// Progress rendering: NDJSON, plain lines, or on a terminal a panel redrawn in place
/// (phase, current step, Argo CD's message, every task's state and message).
struct View {
    format: SyncFormat,
    painter: Painter,
    live: bool,
    phase: String,
    message: String,
    step: String,
    /// Live mode: each task's latest state and message, in result order.
    tasks: Vec<(String, String, String)>,
    /// Live mode: lines of the panel currently on screen.
    panel_lines: usize,
    at: u64,
}

impl View {
    fn new(format: SyncFormat, painter: Painter) -> Self {
        View {
            format,
            painter,
            live: format == SyncFormat::Text && std::io::stdout().is_terminal(),
            phase: "Running".into(),
            message: String::new(),
            step: String::new(),
            tasks: Vec::new(),
            panel_lines: 0,
            at: 0,
        }
    }

    fn show(&mut self, p: Progress<'_>) {
        let Progress::Trace(e) = p else {
            return;
        };
        let mut out = std::io::stdout().lock();
        if self.format == SyncFormat::Json {
            let _ = writeln!(out, "{}", serde_json::to_string(e).unwrap_or_default());
            return;
        }
        if self.live {
            // A panel redrawn in place: phase, step, message, every task's state.
            let _ = self.line(e);
            self.track(e);
            self.at = e.at;
            if self.panel_lines > 0 {
                let _ = write!(out, "\x1b[{}F\x1b[J", self.panel_lines);
            }
            let panel = self.panel();
            for l in &panel {
                let _ = writeln!(out, "{l}");
            }
            self.panel_lines = panel.len();
            let _ = out.flush();
            return;
        }
        if let Some(line) = self.line(e) {
            let at = self
                .painter
                .paint(Style::DIM, &format!("{:>7.1}s", e.at as f64 / 1000.0));
            let _ = writeln!(out, "{at}  {line}");
        }
        let _ = out.flush();
    }

    /// Live mode: remembers each task's latest state.
    fn track(&mut self, e: &TraceEntry) {
        if let TraceEvent::Result { result } = &e.event {
            let name = format!("{}:{}", result.sync_phase, result.key);
            let state = result
                .hook_phase
                .map(|s| s.to_string())
                .unwrap_or_else(|| "Pending".into());
            match self.tasks.iter_mut().find(|t| t.0 == name) {
                Some(t) => {
                    t.1 = state;
                    t.2 = result.message.clone();
                }
                None => self.tasks.push((name, state, result.message.clone())),
            }
        }
    }

    fn panel(&self) -> Vec<String> {
        const WIDTH: usize = 120;
        let p = self.painter;
        let cut = |s: String| -> String { s.chars().take(WIDTH).collect() };
        let phase_style = match self.phase.as_str() {
            "Succeeded" => Style::GREEN,
            "Failed" | "Error" => Style::BOLD_RED,
            _ => Style::BOLD,
        };
        let mut lines = vec![
            format!(
                "{} {}  {}",
                p.paint(phase_style, &self.phase),
                p.paint(Style::DIM, &format!("{:.1}s", self.at as f64 / 1000.0)),
                cut(self.message.clone())
            ),
            cut(format!("  {}", self.step)),
        ];
        let width = self.tasks.iter().map(|t| t.0.len()).max().unwrap_or(0);
        for (name, state, message) in &self.tasks {
            let style = match state.as_str() {
                "Succeeded" => Style::GREEN,
                "Failed" | "Error" => Style::RED,
                _ => Style::YELLOW,
            };
            lines.push(cut(format!(
                "  {name:<width$}  {}  {message}",
                p.paint(style, &format!("{state:<9}"))
            )));
        }
        lines
    }

    fn line(&mut self, e: &TraceEntry) -> Option<String> {
        let p = self.painter;
        Some(match &e.event {
            TraceEvent::OperationStarted { revision, .. } => {
                format!("sync started (revision {revision})")
            }
            TraceEvent::Pass => return None,
            TraceEvent::Effect { call, result } => {
                let what = match call {
                    Call::Apply {
                        key,
                        phase,
                        dry_run,
                        ..
                    } => {
                        format!(
                            "{} {phase}:{key}",
                            if *dry_run { "dry-run" } else { "apply  " }
                        )
                    }
                    Call::Delete { key, reason, .. } => format!("delete  {key} ({reason:?})"),
                    Call::RemoveFinalizer { key, .. } => {
                        format!("unhook  {key} (finalizer removed)")
                    }
                    Call::Get { key, .. } => format!("get     {key}"),
                };
                let outcome = match result {
                    CallResult::Ok { message } if message.is_empty() => p.paint(Style::GREEN, "ok"),
                    CallResult::Ok { message } => p.paint(Style::GREEN, message),
                    CallResult::Found => p.paint(Style::GREEN, "found"),
                    CallResult::NotFound => p.paint(Style::YELLOW, "not found"),
                    CallResult::Failed { message } => p.paint(Style::RED, message),
                };
                format!("{what}: {outcome}")
            }
            TraceEvent::Cluster { .. } => return None,
            TraceEvent::Result { result } => {
                let state = result
                    .hook_phase
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "Pending".into());
                format!(
                    "task    {}:{} → {state}{}",
                    result.sync_phase,
                    result.key,
                    if result.message.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", result.message)
                    }
                )
            }
            TraceEvent::Phase { phase, message } => {
                self.phase = phase.to_string();
                self.message = message.clone();
                let style = match phase {
                    OperationPhase::Succeeded => Style::GREEN,
                    OperationPhase::Failed | OperationPhase::Error => Style::BOLD_RED,
                    _ => Style::BOLD,
                };
                format!("{} {message}", p.paint(style, phase.as_str()))
            }
            TraceEvent::Pause {
                millis,
                phase,
                wave,
            } => {
                format!("pause   {millis}ms after {phase} wave {wave}")
            }
            TraceEvent::Retry { message, .. } => format!("retry   {message}"),
            TraceEvent::Terminate { message } => p.paint(Style::BOLD_RED, message),
            TraceEvent::Note { rule, text } => {
                if rule == "S-11" {
                    self.step = text.clone();
                }
                return None;
            }
            TraceEvent::Stuck { message } => format!("waiting: {message}"),
            TraceEvent::Livelock { passes } => format!("livelock after {passes} passes"),
        })
    }
}
