//! One module per subcommand; each exposes `run(&Args, Painter) -> Result<ExitCode, CliError>`.

pub mod explore;
pub mod health;
pub mod lint;
pub mod plan;
pub mod simulate;
pub mod sync;
pub mod test;

use crate::error::CliError;
use hookline_core::manifest::{self, Manifest};

/// The desired manifests of `paths`. An empty set is valid (Argo CD syncs an empty app to
/// `Succeeded`), but it is almost always a wrong path or an empty file, so say so on stderr.
pub fn load_desired(paths: &[String]) -> Result<Vec<Manifest>, CliError> {
    let desired = manifest::load(paths)?;
    if desired.is_empty() {
        eprintln!(
            "warning: no Kubernetes objects in {}: treated as an empty application \
             (check the path; a scenario file needs a `manifests:` key)",
            paths.join(", ")
        );
    }
    Ok(desired)
}
