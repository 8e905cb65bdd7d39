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
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::fmt;

use serde_yaml as backend;

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
    fn new(message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            line: None,
            column: None,
            path: None,
        }
    }

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
        // The backend prefixes type errors with its own idea of the path; we report the path
        // separately, so remove a prefix that repeats it.
        if let Some(p) = &path
            && let Some(rest) = message.strip_prefix(&format!("{p}: "))
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

    fn with_path(mut self, path: &str) -> Self {
        if !path.is_empty() {
            self.path = Some(path.to_string());
        }
        self
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
        let value = backend::Value::deserialize(de)
            .map_err(|e| YamlError::from_backend(&e, None))
            .and_then(|mut v| {
                v.apply_merge()
                    .map_err(|e| YamlError::from_backend(&e, None))?;
                to_json(v, &mut String::new())
            });
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

/// Converts backend data to JSON data. Recursion is bounded: the backend refuses documents
/// nested deeper than 128 levels.
fn to_json(v: backend::Value, path: &mut String) -> Result<Value, YamlError> {
    Ok(match v {
        backend::Value::Null => Value::Null,
        backend::Value::Bool(b) => Value::Bool(b),
        backend::Value::Number(n) => Value::Number(to_json_number(&n).ok_or_else(|| {
            YamlError::new(format!(
                "the number {n} cannot be represented in JSON (Kubernetes objects are JSON)"
            ))
            .with_path(path)
        })?),
        backend::Value::String(s) => Value::String(s),
        backend::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                out.push(to_json(item, path)?);
                path.truncate(len);
            }
            Value::Array(out)
        }
        backend::Value::Mapping(mapping) => {
            let mut out = Map::new();
            for (k, v) in mapping {
                let key = to_json_key(k).ok_or_else(|| {
                    YamlError::new(
                        "a mapping key must be a string, number, boolean or null, not a \
                         sequence or mapping",
                    )
                    .with_path(path)
                })?;
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
                let value = to_json(v, path)?;
                path.truncate(len);
                out.insert(key, value);
            }
            Value::Object(out)
        }
        backend::Value::Tagged(tagged) => to_json(tagged.value, path)?,
    })
}

fn to_json_number(n: &backend::Number) -> Option<Number> {
    if let Some(i) = n.as_i64() {
        Some(Number::from(i))
    } else if let Some(u) = n.as_u64() {
        Some(Number::from(u))
    } else {
        Number::from_f64(n.as_f64()?)
    }
}

fn to_json_key(k: backend::Value) -> Option<String> {
    match k {
        backend::Value::String(s) => Some(s),
        backend::Value::Null => Some("null".to_string()),
        backend::Value::Bool(b) => Some(b.to_string()),
        backend::Value::Number(n) => Some(n.to_string()),
        backend::Value::Tagged(t) => to_json_key(t.value),
        backend::Value::Sequence(_) | backend::Value::Mapping(_) => None,
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

/// Finds the 1-based line where each document of a YAML stream starts, the way libyaml
/// splits the stream: a document starts at a `---` marker in column 0 (followed by a blank
/// or the end of the line) or, when no document is open (start of stream, or after a `...`
/// end marker), at the first line that is neither blank, a comment, nor a `%` directive.
///
/// Column-0 markers are recognised inside any scalar: libyaml ends plain and block scalars
/// there and rejects them inside quoted scalars, so a text split differently is a syntax
/// error that the parser reports with its own location.
struct DocumentStarts<'a> {
    lines: std::iter::Enumerate<std::str::Split<'a, char>>,
    open: bool,
}

impl<'a> DocumentStarts<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        DocumentStarts {
            lines: text.split('\n').enumerate(),
            open: false,
        }
    }
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

impl Iterator for DocumentStarts<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        for (i, line) in self.lines.by_ref() {
            if is_marker(line, "---") {
                self.open = true;
                return Some(i + 1);
            }
            if is_marker(line, "...") {
                self.open = false;
                continue;
            }
            if self.open {
                continue;
            }
            let trimmed = line.trim_start_matches([' ', '\t']).trim_end_matches('\r');
            if trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%') {
                continue;
            }
            self.open = true;
            return Some(i + 1);
        }
        None
    }
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

    fn starts(text: &str) -> Vec<usize> {
        DocumentStarts::new(text).collect()
    }

    #[test]
    fn start_lines_follow_markers_comments_and_directives() {
        assert_eq!(starts("a: 1\n"), vec![1]);
        assert_eq!(starts("---\na: 1\n"), vec![1]);
        assert_eq!(starts("# c\n\n  # c\na: 1\n---\nb: 2\n"), vec![4, 5]);
        assert_eq!(starts("%YAML 1.1\n---\na: 1\n...\n---\nb: 2\n"), vec![2, 5]);
        assert_eq!(
            starts("a: 1\n...\n# c\n--- # x\nb: 2\n---\n"),
            vec![1, 4, 6]
        );
        assert_eq!(starts("\u{feff}---\r\na: 1\r\n---\r\n"), vec![1, 3]);
        // Not markers: indented, or followed by text.
        assert_eq!(starts("a: |\n  ---\n---x: 1\n"), vec![1]);
        assert_eq!(starts(""), Vec::<usize>::new());
        assert_eq!(starts("# only a comment\n"), Vec::<usize>::new());
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
