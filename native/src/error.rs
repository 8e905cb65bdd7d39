//! The CLI's error type and exit statuses.

use hookline_core::manifest::ManifestError;
use std::fmt;
use std::io;
use std::process::ExitCode;

/// Exit statuses, documented in the README.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The command ran but found failures (`test`, `lint`).
    pub const FAILURE: u8 = 1;
    /// Bad input or usage: unreadable or invalid files, bad flags.
    pub const INPUT: u8 = 2;
    /// An I/O error writing the output (not a closed pipe), a cluster/API error
    /// (`sync`), or another unexpected error.
    pub const INTERNAL: u8 = 3;
    /// `sync` was interrupted (Ctrl-C, SIGTERM), as shells report SIGINT.
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug)]
pub enum CliError {
    /// Invalid input (manifests, flags): exit status 2.
    Input(String),
    /// Writing the output failed.
    Output(io::Error),
    /// The cluster could not be reached or answered unusably (`hookline sync`): exit 3.
    Cluster(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Input(_) => ExitCode::from(exit::INPUT),
            CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                ExitCode::from(exit::OK)
            }
            CliError::Output(_) | CliError::Cluster(_) => ExitCode::from(exit::INTERNAL),
        }
    }

    /// Whether the error is worth a message (a reader that went away is not).
    pub fn is_silent(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(message) => f.write_str(message),
            CliError::Output(e) => write!(f, "cannot write the output: {e}"),
            CliError::Cluster(m) => f.write_str(m),
        }
    }
}

impl From<ManifestError> for CliError {
    fn from(e: ManifestError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Output(e)
    }
}

impl From<hookline_core::scenario::ScenarioError> for CliError {
    fn from(e: hookline_core::scenario::ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}
