//! Reading manifest sets (issue 2). PLACEHOLDER until the parser lands.
use crate::model::Source;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub object: Value,
    pub source: Source,
}
