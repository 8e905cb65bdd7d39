//! One module per subcommand; each exposes `run(&Args, Painter) -> Result<ExitCode, CliError>`.

pub mod plan;
