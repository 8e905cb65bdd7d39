//! Reading manifest sets: files, directories and standard input holding Kubernetes objects
//! as multi-document YAML or JSON, with the place every object came from.
//!
//! - [`parse_str`] reads one text (limits: [`MAX_INPUT_BYTES`], [`MAX_DOCUMENTS`]);
//! - [`load`] / [`load_with_base`] / [`read_from`] read files, directories and `-` (stdin);
//! - [`validate_set`] checks a whole set: no two objects with one identity, and only hooks
//!   may rely on `generateName`.
//!
//! Every failure is a [`ManifestError`] naming the file, document, line and, where the parser
//! knows it, the column — never a panic (architecture.md, principle 6).

// `ManifestError` is a flat, serialisable struct (it is what the CLI prints as JSON and what
// the browser receives), about 160 bytes. It is built once, on the failure path, so its size
// in `Result` costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

mod error;
mod load;
mod parse;
mod validate;

pub use error::ManifestError;
pub use load::{load, load_with_base, read_from};
pub use parse::{MAX_DOCUMENTS, MAX_INPUT_BYTES, parse_str};
pub use validate::validate_set;

use crate::model::{ResourceKey, Source};
use crate::object;
use serde_json::Value;

/// One desired object and where it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub object: Value,
    pub source: Source,
}

impl Manifest {
    /// `(group, kind, namespace, name)` as written: an absent namespace stays empty (the
    /// destination namespace is applied later, spec T-4); a `generateName`-only object has an
    /// empty name.
    pub fn key(&self) -> ResourceKey {
        object::key(&self.object)
    }
}
