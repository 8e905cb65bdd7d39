//! One module per subcommand; each exposes `run(&Args, Painter) -> Result<ExitCode, CliError>`.

pub mod explore;
pub mod health;
pub mod lint;
pub mod plan;
pub mod simulate;
pub mod test;
