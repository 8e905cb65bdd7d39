//! The one error type of the manifest layer.

use crate::model::Source;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a manifest set could not be read, and where.
///
/// Displays as `file:line:column: document N: message` (parts that are unknown are left
/// out), followed by a `hint:` line saying what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestError {
    /// File path as given, `<stdin>`, or another label chosen by the caller.
    pub file: String,
    /// 1-based document index within the file.
    pub document: Option<usize>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// The other place involved (the first definition of a duplicate object).
    pub related: Option<Source>,
}

impl ManifestError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        ManifestError {
            file: file.to_string(),
            document: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            related: None,
        }
    }

    /// An error about the object read from `source`.
    pub(crate) fn at_source(source: &Source, message: impl Into<String>) -> Self {
        ManifestError::new(&source.file, message).document(source.document, source.line)
    }

    pub(crate) fn document(mut self, document: usize, line: usize) -> Self {
        self.document = Some(document);
        self.line = Some(line);
        self
    }

    pub(crate) fn position(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        if line.is_some() {
            self.line = line;
            self.column = column;
        }
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn related(mut self, related: Source) -> Self {
        self.related = Some(related);
        self
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")?;
        if let Some(document) = self.document {
            write!(f, "document {document}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_document_and_hint() {
        let e = ManifestError::new("deploy/app.yaml", "missing \"kind\"")
            .document(2, 12)
            .position(Some(12), Some(3))
            .hint("add \"kind\"");
        assert_eq!(
            e.to_string(),
            "deploy/app.yaml:12:3: document 2: missing \"kind\"\nhint: add \"kind\""
        );
        assert_eq!(
            ManifestError::new("x", "gone").to_string(),
            "x: gone",
            "no location, no hint"
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["document"], 2);
        assert!(json.get("related").is_some());
    }
}
