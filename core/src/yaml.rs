//! The one place in the crate that names the YAML crate.
//!
//! Everything else reads and writes YAML through this module, so that swapping the backend
//! (`serde_yaml` 0.9 today; `serde_norway` is a drop-in fork with the same API and the same
//! limits, toolchain.md §4) is the one-line change of the `use … as backend` below.
//!
//! What the backend guarantees on hostile input (toolchain.md §4, checked by the tests
//! below): alias bombs fail fast with `repetition limit exceeded` (no location), and nesting
//! deeper than 128 levels fails with `recursion limit exceeded` and a location. Both come back
//! here as an ordinary [`YamlError`].
//!
//! Locations are 1-based and absolute in the text given, also for errors in a later document
//! of a multi-document stream.

use serde::de::DeserializeOwned;
use serde::de::DeserializeSeed;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

use serde_yaml as backend;

mod kube_json;
mod parallel;
mod starts;

pub use parallel::{PieceAt, in_pieces};
use starts::DocumentStarts;

/// A YAML error with its place in the text (1-based) and, where known, the key path of the
/// value that failed (`spec.steps[2].name`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YamlError {
    /// What went wrong, without the location (that is in `line`/`column`).
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Key path of the failing value, `None` at the top level or when unknown.
    pub path: Option<String>,
}

impl YamlError {
    fn from_backend(err: &backend::Error, path: Option<String>) -> Self {
        let mut message = err.to_string();
        let (line, column) = match err.location() {
            Some(loc) => {
                // The backend appends " at line L column C" (and libyaml errors may carry a
                // second "while parsing … at line L column C" context, which we keep: it is
                // absolute in the text too). Drop only the first copy of our own location.
                let suffix = format!(" at line {} column {}", loc.line(), loc.column());
                if let Some(at) = message.find(&suffix) {
                    message.replace_range(at..at + suffix.len(), "");
                }
                // "problem, while parsing X at line …" → "problem (while parsing X at line …)",
                // so that the location printed after the message reads as the problem's.
                if let Some((problem, context)) = message.split_once(", while ") {
                    message = format!("{problem} (while {context})");
                }
                (Some(loc.line()), Some(loc.column()))
            }
            None => (None, None),
        };
        // The backend prefixes type errors with its own idea of the path (`a.b`, `.[0]` for
        // an index at the top); we report the path separately, so remove a prefix that
        // repeats it.
        if let Some(p) = &path
            && let Some(rest) = message
                .strip_prefix(&format!("{p}: "))
                .or_else(|| message.strip_prefix(&format!(".{p}: ")))
        {
            message = rest.to_string();
        }
        YamlError {
            message,
            line,
            column,
            path,
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message)?;
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, " at line {l} column {c}"),
            (Some(l), None) => write!(f, " at line {l}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for YamlError {}

/// One document of a YAML stream.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlDocument {
    /// 1-based position of the document in the stream.
    pub index: usize,
    /// 1-based line where the document starts: its `---` marker, or its first content line
    /// when it has none (the first document of a stream often has none).
    pub line: usize,
    /// The document as JSON data (`null` for an empty document), or why it could not be read.
    pub value: Result<Value, YamlError>,
}

/// The documents of a YAML stream, lazily, in order.
///
/// Iteration ends after the first document that fails: after a syntax error the parser
/// cannot find the next document reliably (and the backend would report the same error
/// forever). An empty stream (or one with only comments) is one `null` document.
///
/// Each document is converted to JSON data as Kubernetes does (`sigs.k8s.io/yaml`): merge
/// keys (`<<`) are expanded; number, boolean and null keys become strings; tags are dropped;
/// duplicate keys, non-scalar keys and non-finite floats (`.inf`, `.nan`) are errors.
pub fn documents(text: &str) -> Documents<'_> {
    Documents {
        inner: backend::Deserializer::from_str(text),
        starts: DocumentStarts::new(text),
        index: 0,
        last_line: 1,
        failed: false,
    }
}

/// Iterator returned by [`documents`].
pub struct Documents<'a> {
    inner: backend::Deserializer<'a>,
    starts: DocumentStarts<'a>,
    index: usize,
    last_line: usize,
    failed: bool,
}

impl Iterator for Documents<'_> {
    type Item = YamlDocument;

    fn next(&mut self) -> Option<YamlDocument> {
        if self.failed {
            return None;
        }
        let de = self.inner.next()?;
        self.index += 1;
        // The scanner and the parser agree on every well-formed stream; if they ever do not
        // (an empty stream has a document but no start line), keep the last line known.
        if let Some(line) = self.starts.next() {
            self.last_line = line;
        }
        let path = kube_json::ErrorPath::default();
        let value = kube_json::JsonSeed { path: &path }
            .deserialize(de)
            .map_err(|e| YamlError::from_backend(&e, path.take()));
        if value.is_err() {
            self.failed = true;
        }
        Some(YamlDocument {
            index: self.index,
            line: self.last_line,
            value,
        })
    }
}

/// Deserializes one YAML document into `T`, reporting the key path of the failing value
/// (via `serde_path_to_error`) and its line and column.
///
/// Unlike [`documents`], this reads the text straight into `T`: merge keys (`<<`) are not
/// expanded and a stream of several documents is an error.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let de = backend::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = (path != "." && !path.is_empty()).then_some(path);
        YamlError::from_backend(e.inner(), path)
    })
}

/// Serializes `value` as one YAML document.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(|e| YamlError::from_backend(&e, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn docs(text: &str) -> Vec<(usize, usize, Result<Value, YamlError>)> {
        documents(text)
            .map(|d| (d.index, d.line, d.value))
            .collect()
    }

    #[test]
    fn documents_report_index_line_and_value() {
        let text = "# head\na: 1\n---\n---\n# c\nb: [1, 2]\n...\n--- {c: x}\n";
        let got = docs(text);
        assert_eq!(
            got,
            vec![
                (1, 2, Ok(json!({"a": 1}))),
                (2, 3, Ok(json!(null))),
                (3, 4, Ok(json!({"b": [1, 2]}))),
                (4, 8, Ok(json!({"c": "x"}))),
            ]
        );
        assert_eq!(docs(""), vec![(1, 1, Ok(json!(null)))]);
        assert_eq!(docs("# nothing\n"), vec![(1, 1, Ok(json!(null)))]);
    }

    #[test]
    fn errors_in_later_documents_have_absolute_lines() {
        let text = "a: 1\n---\nb: 2\n---\nc: [1,\n  2\nd: 3\n---\ne: 4\n";
        let got = docs(text);
        assert_eq!(got.len(), 3, "iteration stops at the first error: {got:?}");
        let (index, line, value) = &got[2];
        assert_eq!((*index, *line), (3, 4));
        let err = value.clone().unwrap_err();
        assert_eq!((err.line, err.column), (Some(7), Some(2)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "did not find expected ',' or ']' (while parsing a flow sequence at line 5 \
             column 4) at line 7 column 2"
        );
    }

    #[test]
    fn duplicate_keys_are_errors_with_location() {
        let got = docs("---\nmetadata:\n  name: a\n  name: b\n");
        let err = got[0].2.clone().unwrap_err();
        assert!(err.message.contains("duplicate"), "{err:?}");
        assert!(err.line.is_some_and(|l| (2..=4).contains(&l)), "{err:?}");
    }

    #[test]
    fn kubernetes_style_conversion() {
        let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nk: {1: a, true: b, null: c, 1.5: d}\nt: !custom v\n";
        let got = docs(text);
        assert_eq!(
            got[0].2,
            Ok(json!({
                "base": {"x": 1, "y": 2},
                "m": {"y": 3, "x": 1},
                "k": {"1": "a", "true": "b", "null": "c", "1.5": "d"},
                "t": "v"
            }))
        );
        let err = docs("a:\n  b: [1, .inf]\n")[0].2.clone().unwrap_err();
        assert_eq!(err.path.as_deref(), Some("a.b[1]"));
        let err = docs("? [1]\n: x\n")[0].2.clone().unwrap_err();
        assert!(err.message.contains("mapping key"), "{err:?}");
    }

    #[test]
    fn merge_keys_follow_yaml_merge_semantics() {
        // Own keys win wherever they stand; earlier sources win over later ones; merged keys
        // come after the mapping's own, in the sources' order.
        let text = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  x: 0\n  <<: [*a, *b]\n  w: 0\n";
        let got = docs(text)[0].2.clone().unwrap();
        assert_eq!(got["m"], json!({"x": 0, "w": 0, "y": 1, "z": 2}));
        let keys: Vec<&String> = got["m"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["x", "w", "y", "z"]);
        // A merge inside a merged anchor is expanded too.
        let text = "base: &base {k: 1}\nmid: &mid {<<: *base, j: 2}\ntop: {<<: *mid}\n";
        assert_eq!(
            docs(text)[0].2.clone().unwrap()["top"],
            json!({"j": 2, "k": 1})
        );
        for (text, problem) in [
            (
                "m: {<<: 1}\n",
                "list of mappings for merging, but found scalar",
            ),
            ("m: {<<: [1]}\n", "a mapping for merging, but found scalar"),
            (
                "m: {<<: [[]]}\n",
                "a mapping for merging, but found sequence",
            ),
        ] {
            let err = docs(text)[0].2.clone().unwrap_err();
            assert!(err.message.contains(problem), "{text:?}: {err:?}");
            assert_eq!(err.path.as_deref(), Some("m"), "{text:?}");
        }
        let err = docs("m: {<<: {a: 1}, <<: {b: 1}}\n")[0]
            .2
            .clone()
            .unwrap_err();
        assert!(err.message.contains("duplicate entry"), "{err:?}");
    }

    #[test]
    fn keys_collide_after_conversion_to_strings() {
        let err = docs("m:\n  1: a\n  \"1\": b\n")[0].2.clone().unwrap_err();
        assert_eq!(err.message, "duplicate entry with key \"1\"", "{err:?}");
        assert_eq!(err.path.as_deref(), Some("m"));
        assert_eq!(err.line, Some(2));
        // A tagged key is read as its untagged value.
        assert_eq!(
            docs("!k key: !v [1, !n 2]\n")[0].2.clone().unwrap(),
            json!({"key": [1, 2]})
        );
    }

    #[test]
    fn conversion_errors_name_the_path_inside_sequences() {
        let err = docs("a:\n- b: 1\n- b: {? [x]\n    : y}\n")[0]
            .2
            .clone()
            .unwrap_err();
        assert!(err.message.contains("mapping key"), "{err:?}");
        assert_eq!(err.path.as_deref(), Some("a[1].b"));
        let err = docs("- -.inf\n")[0].2.clone().unwrap_err();
        assert!(
            err.message.starts_with("the number -.inf cannot"),
            "{err:?}"
        );
        assert_eq!(err.path.as_deref(), Some("[0]"));
    }

    #[test]
    fn unknown_anchor_is_an_error() {
        let got = docs("a: *nope\n---\nb: 1\n");
        assert_eq!(got.len(), 1);
        let err = got[0].2.clone().unwrap_err();
        assert!(err.message.contains("unknown anchor"), "{err:?}");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..=9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = Instant::now();
        let got = docs(&text);
        assert!(started.elapsed() < Duration::from_secs(5));
        let err = got[0].2.clone().unwrap_err();
        assert!(err.message.contains("repetition limit"), "{err:?}");
    }

    #[test]
    fn deep_nesting_fails() {
        let text = "[".repeat(100_000);
        let err = docs(&text)[0].2.clone().unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        assert_eq!(err.line, Some(1));
        let mut block = String::new();
        for i in 0..5_000 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        let err = docs(&block)[0].2.clone().unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        assert!(err.line.is_some());
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Step {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        parallelism: u32,
    }

    #[derive(Debug, Deserialize)]
    struct Plan {
        #[allow(dead_code)]
        steps: Vec<Step>,
    }

    #[test]
    fn from_str_reports_path_line_and_column() {
        let text = "steps:\n  - name: a\n    parallelism: 1\n  - name: b\n    parallelism: many\n";
        let err = from_str::<Plan>(text).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("steps[1].parallelism"));
        assert_eq!((err.line, err.column), (Some(5), Some(18)));
        assert!(
            err.message.starts_with("invalid type: string \"many\""),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("steps[1].parallelism: {} at line 5 column 18", err.message)
        );

        let err = from_str::<Plan>("steps:\n  - name: a\n    bogus: 1\n").unwrap_err();
        assert!(err.message.contains("unknown field `bogus`"), "{err:?}");
        assert_eq!(err.line, Some(3));

        let err = from_str::<Plan>("steps: [\n").unwrap_err();
        assert!(err.line.is_some() && err.column.is_some(), "{err:?}");
    }

    #[test]
    fn to_string_round_trips() {
        let v = json!({"kind": "Pod", "metadata": {"name": "p"}, "n": [1, "2"]});
        let text = to_string(&v).unwrap();
        assert_eq!(from_str::<Value>(&text).unwrap(), v);
    }
}
