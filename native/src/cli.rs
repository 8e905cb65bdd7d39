//! Command-line definitions (clap derive). Parsing only: no behaviour lives here.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Plan, simulate and run Argo CD sync hooks and waves.
#[derive(Debug, Parser)]
#[command(name = "hookline", version, about, propagate_version = true)]
pub struct Cli {
    /// When to colour the output: auto = only on a terminal and when NO_COLOR is unset.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The subcommands. Each variant is dispatched in `main.rs` to one module under `cmd/`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the order in which Argo CD would sync a set of manifests.
    Plan(PlanArgs),
    /// Simulate sync operations against a simulated cluster and print the timeline.
    Simulate(SimulateArgs),
    /// Run scenario files and check their `expect:` assertions (for CI).
    Test(TestArgs),
    /// Assess the health of live objects exactly as Argo CD does.
    Health(HealthArgs),
    /// Find hook and wave mistakes (compiler-style text, JSON or SARIF for code scanning).
    Lint(LintArgs),
    /// Run the sync against a real cluster: hooks, waves, prune, like Argo CD (kube-rs).
    Sync(SyncArgs),
    /// Run a scenario under every combination of hook/resource outcomes; print the classes.
    Explore(ExploreArgs),
}

/// Output format of `hookline plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Aligned columns, one row per task.
    Table,
    /// The core `Plan` as pretty JSON (camelCase).
    Json,
    /// The core `Plan` as YAML.
    Yaml,
    /// A Mermaid flowchart (phases → steps → tasks).
    Mermaid,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Manifest files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Destination namespace, given to objects without one [default: default].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,

    /// Revision being synced; part of generated hook names (spec N-1).
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,

    /// Operation start time, Unix seconds; part of generated hook names.
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub started_at: Option<i64>,

    /// Sync with pruning enabled. The plan lists prune tasks either way; without this flag
    /// the sync skips them ("ignored (requires pruning)", spec P-3).
    #[arg(long)]
    pub prune: bool,

    /// App-level sync option, e.g. CreateNamespace=true or PruneLast=true (repeatable).
    #[arg(long = "sync-option", value_name = "OPT")]
    pub sync_options: Vec<String>,

    /// Run no hook of any phase (the operation's skipHooks).
    #[arg(long)]
    pub skip_hooks: bool,

    /// Live objects, as read from the cluster (repeatable). Every live object is treated as
    /// tracked by the application: live objects without a manifest become prune tasks.
    #[arg(long, value_name = "PATH")]
    pub live: Vec<String>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = PlanFormat::Table)]
    pub output: PlanFormat,
}

/// Output format of `hookline simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// A readable timeline.
    Text,
    /// The whole simulation report (operations and trace) as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// A scenario file, or manifest files/directories (then a one-sync scenario is built
    /// from them and the flags below).
    #[arg(required = true, value_name = "SCENARIO|PATH")]
    pub paths: Vec<String>,

    /// The hook or resource matching REF fails (ends Degraded) after --after (repeatable).
    #[arg(long, value_name = "REF")]
    pub fail: Vec<String>,
    /// The object matching REF never finishes (stays Progressing) (repeatable).
    #[arg(long, value_name = "REF")]
    pub hang: Vec<String>,
    /// The resource matching REF becomes Degraded after --after (repeatable).
    #[arg(long, value_name = "REF")]
    pub degrade: Vec<String>,
    /// The API server rejects the real apply of REF (repeatable).
    #[arg(long = "apply-fail", value_name = "REF")]
    pub apply_fail: Vec<String>,
    /// When --fail/--degrade outcomes happen after the object is applied [default: 1s].
    #[arg(long, value_name = "DURATION")]
    pub after: Option<String>,
    /// Sync with pruning enabled.
    #[arg(long)]
    pub prune: bool,
    /// App-level sync option (repeatable).
    #[arg(long = "sync-option", value_name = "OPT")]
    pub sync_options: Vec<String>,
    /// Objects already in the cluster before the first sync (tracked by the app).
    #[arg(long, value_name = "PATH")]
    pub live: Vec<String>,
    /// Number of identical sync operations to run one after another.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub syncs: usize,
    /// Destination namespace [default: default].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Revision being synced.
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,
    /// Pause after each non-final step, like ARGOCD_SYNC_WAVE_DELAY [default: 2s].
    #[arg(long, value_name = "DURATION")]
    pub wave_delay: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = SimulateFormat::Text)]
    pub output: SimulateFormat,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files or directories (every *.yaml/*.yml inside, recursively, sorted).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

/// Output format of `hookline health`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HealthFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Live objects (e.g. `kubectl get -o yaml` output): files, directories or -.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Health rules for custom kinds (YAML list, see docs/health-rules.md).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<String>,
    #[arg(long, short = 'o', value_enum, default_value_t = HealthFormat::Table)]
    pub output: HealthFormat,
}

/// Output format of `hookline lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

/// What makes `hookline lint` exit non-zero besides errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    Warnings,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Manifest files, directories or - for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Live objects (tracked by the app), e.g. to know which namespaces and CRDs exist.
    #[arg(long, value_name = "PATH")]
    pub live: Vec<String>,
    /// App-level sync option (repeatable), checked and used like Argo CD would.
    #[arg(long = "sync-option", value_name = "OPT")]
    pub sync_options: Vec<String>,
    /// Destination namespace [default: default].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = LintFormat::Text)]
    pub output: LintFormat,
    /// Also fail (exit 1) on warnings.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<DenyLevel>,
    /// Turn a rule off by code or name (repeatable).
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
}

/// Output format of `hookline explore`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExploreFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// A scenario file, or manifest files/directories (then a one-sync scenario is built).
    #[arg(required = true, value_name = "SCENARIO|PATH")]
    pub paths: Vec<String>,
    /// Run every combination when there are at most N, else a random sample of N.
    #[arg(long, default_value_t = hookline_core::explore::DEFAULT_MAX, value_name = "N")]
    pub max: usize,
    /// Seed of the random sample (same seed, same sample).
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,
    /// Write one scenario file per outcome class into DIR (class-01.yaml, …).
    #[arg(long, value_name = "DIR")]
    pub export: Option<String>,
    /// Objects already in the cluster (manifest mode only).
    #[arg(long, value_name = "PATH")]
    pub live: Vec<String>,
    /// Sync with pruning enabled (manifest mode only).
    #[arg(long)]
    pub prune: bool,
    /// App-level sync option, repeatable (manifest mode only).
    #[arg(long = "sync-option", value_name = "OPT")]
    pub sync_options: Vec<String>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = ExploreFormat::Text)]
    pub output: ExploreFormat,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_flags_collect() {
        let cli = Cli::try_parse_from([
            "hookline",
            "plan",
            "a",
            "b",
            "--live",
            "l1",
            "--live",
            "l2",
            "--sync-option",
            "PruneLast=true",
            "--started-at",
            "-5",
            "-o",
            "mermaid",
        ])
        .unwrap();
        #[allow(irrefutable_let_patterns)]
        let Command::Plan(args) = cli.command else {
            panic!("parsed as another subcommand");
        };
        assert_eq!(args.paths, ["a", "b"]);
        assert_eq!(args.live, ["l1", "l2"]);
        assert_eq!(args.sync_options, ["PruneLast=true"]);
        assert_eq!(args.started_at, Some(-5));
        assert_eq!(args.output, PlanFormat::Mermaid);
    }
}

/// Output format of `hookline sync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SyncFormat {
    /// A live view on a terminal, plain lines otherwise.
    Text,
    /// Newline-delimited timeline events (the `trace` entries of `hookline simulate -o json`).
    Json,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Manifest files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Application name: the tracking label/annotation value (only objects carrying it are
    /// ever pruned or deleted).
    #[arg(long, value_name = "NAME", default_value = "hookline")]
    pub app: String,

    /// kubeconfig context to use [default: the current context].
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// kubeconfig file [default: $KUBECONFIG, ~/.kube/config, then in-cluster config].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<String>,

    /// Destination namespace [default: the context's namespace, else default].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,

    /// Revision being synced; part of generated hook names (spec N-1).
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,

    /// Delete tracked objects that are no longer in the manifests (spec P-3).
    #[arg(long)]
    pub prune: bool,

    /// Operation dry-run: everything is checked by the API server (server-side dry-run),
    /// nothing is changed (spec O-12).
    #[arg(long)]
    pub dry_run: bool,

    /// App-level sync option, e.g. CreateNamespace=true or PruneLast=true (repeatable).
    #[arg(long = "sync-option", value_name = "OPT")]
    pub sync_options: Vec<String>,

    /// Pause after each non-final step (Argo CD: 2s) [default: 0s].
    #[arg(long, value_name = "D")]
    pub wave_delay: Option<String>,

    /// Retry a failed operation this many times (backoff 5s, x2, max 3m; spec C-4).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry_limit: i64,

    /// Terminate the operation after this long (spec C-9), e.g. 10m.
    #[arg(long, value_name = "D")]
    pub timeout: Option<String>,

    #[arg(long, short = 'o', value_enum, default_value_t = SyncFormat::Text)]
    pub output: SyncFormat,
}
