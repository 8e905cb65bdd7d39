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
    // Subcommands still to come (the engine/simulator side adds them, each with its own
    // `*Args` struct here, a module under `cmd/` and one arm in `main::run`):
    // - `Simulate(SimulateArgs)`: run a scenario file against the simulated cluster;
    // - `Test(TestArgs)`: check scenario expectations (conformance files);
    // - `Health(HealthArgs)`: assess live objects;
    // - `Lint(LintArgs)`: findings over a manifest set.
    // `test.sh` runs the conformance suite as soon as `hookline --help` lists `test`.
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
