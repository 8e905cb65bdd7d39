//! `hookline`: the command-line front end over `hookline-core`.
//!
//! Exit statuses: 0 success (also when the reader of our output goes away, as with
//! `hookline plan … | head`), 1 reserved for commands that find failures, 2 bad input or
//! usage, 3 output errors.

mod cli;
mod cmd;
mod error;
mod output;

use clap::Parser;
use cli::{Cli, Command};
use error::{CliError, exit};
use output::{Painter, Style};
use std::io::Write;
use std::process::ExitCode;

/// Reading manifests allocates millions of small strings and maps, on several threads for
/// large inputs; mimalloc reads a 10k-object set about a quarter faster than the system
/// allocator (docs/benchmarks.md). The benchmarks use it too, so they measure what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version come here too (exit 0); usage errors exit 2. A failed
            // write (closed pipe) is ignored, like any output error of a help text.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::INPUT));
        }
    };
    let color = cli.color;
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if !e.is_silent() {
                let painter = Painter::stderr(color);
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{} {e}",
                    painter.paint(Style::BOLD_RED, "error:")
                );
            }
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let stdout = Painter::stdout(cli.color);
    match cli.command {
        Command::Plan(args) => cmd::plan::run(&args, stdout),
        Command::Simulate(args) => cmd::simulate::run(&args, stdout),
        Command::Test(args) => cmd::test::run(&args, stdout),
        Command::Health(args) => cmd::health::run(&args, stdout),
        Command::Lint(args) => cmd::lint::run(&args, stdout),
        Command::Sync(args) => cmd::sync::run(&args, stdout),
        Command::Explore(args) => cmd::explore::run(&args, stdout),
    }
}

/// Writes `text` to standard output in one go. Errors (a closed pipe included) are
/// returned, never panicked on: `print!` would panic on a closed pipe.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
