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
    view.finish();
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

/// Progress rendering: NDJSON, plain lines, or plain lines plus a status line redrawn in
/// place on a terminal (phase, current step, running tasks, Argo CD's message).
struct View {
    format: SyncFormat,
    painter: Painter,
    live: bool,
    phase: String,
    message: String,
    step: String,
    status_shown: bool,
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
            status_shown: false,
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
        if self.status_shown {
            let _ = write!(out, "\r\x1b[2K");
            self.status_shown = false;
        }
        if let Some(line) = self.line(e) {
            let at = self
                .painter
                .paint(Style::DIM, &format!("{:>7.1}s", e.at as f64 / 1000.0));
            let _ = writeln!(out, "{at}  {line}");
        }
        if self.live {
            let status = format!("[{}] {} {}", self.phase, self.step, self.message);
            let width = 120;
            let status: String = status.chars().take(width).collect();
            let _ = write!(out, "{}", self.painter.paint(Style::BOLD, &status));
            self.status_shown = true;
        }
        let _ = out.flush();
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

    fn finish(&mut self) {
        if self.status_shown {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out);
            let _ = out.flush();
        }
    }
}
