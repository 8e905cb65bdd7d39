//! Errors in scenario files: which file, which key, which line, what to do.

use crate::manifest::ManifestError;
use crate::yaml::YamlError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<usize>,
    /// The offending key, e.g. `expect.operations[0].applied[2]`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hint: Option<String>,
}

impl ScenarioError {
    pub fn from_yaml(file: &str, e: YamlError) -> Self {
        let hint = if e.message.contains("unknown field") {
            Some("the scenario format rejects unknown keys: check the spelling against docs/scenario-format.md".into())
        } else {
            None
        };
        ScenarioError {
            file: file.into(),
            line: e.line,
            column: e.column,
            path: e.path.clone().filter(|p| !p.is_empty() && p != "."),
            message: e.message,
            hint,
        }
    }

    pub fn from_manifest(e: ManifestError) -> Self {
        let message = match e.document {
            Some(d) => format!("document {d}: {}", e.message),
            None => e.message.clone(),
        };
        ScenarioError {
            file: e.file,
            line: e.line,
            column: e.column,
            path: None,
            message,
            hint: e.hint,
        }
    }

    /// An error about the key at `path`, located by searching `needle` in the text.
    pub fn at_key(file: &str, text: &str, path: &str, needle: &str, message: String) -> Self {
        ScenarioError {
            file: file.into(),
            line: super::locate(text, needle, 1),
            column: None,
            path: Some(path.into()),
            message,
            hint: None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(p) = &self.path {
            write!(f, "{p}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
