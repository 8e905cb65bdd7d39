//! One text → the objects it holds.

use super::{Manifest, ManifestError};
use crate::model::Source;
use crate::object;
use crate::yaml::{self, YamlError};
use serde_json::{Map, Value};

/// Largest input accepted, per file (or per text given to [`parse_str`]): 64 MiB.
///
/// Larger inputs are refused before parsing. The YAML parser holds a whole document's events
/// in memory, and a manifest set this large is far beyond what Argo CD syncs in one
/// application.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Most documents accepted in one input, and most objects (after flattening `List`s)
/// returned by one call of [`parse_str`] or [`super::load`]: 100,000.
///
/// Without it a 64 MiB file of `---` lines would be 16 million (empty) documents.
pub const MAX_DOCUMENTS: usize = 100_000;

/// One raw document: 1-based index, 1-based start line, data.
struct RawDocument {
    index: usize,
    line: usize,
    value: Value,
}

/// Reads the Kubernetes objects in `text`; `file` labels them (and any error).
///
/// - The text is a YAML stream (documents separated by `---`) or JSON. JSON is read with the
///   JSON parser, for its exact error positions, when `file` ends in `.json` (then the text
///   must be JSON: one value or several separated by whitespace) or when the text starts
///   with `{` or `[` and parses as JSON; anything else is read as YAML (which also accepts
///   JSON).
/// - Empty and `null` documents are skipped.
/// - A `List` (`v1 List` or any kind ending in `List`) with an `items` array is replaced by
///   its items, recursively; each item keeps the document index and gets the line of its
///   `- ` entry when the list is in block style, else the document's line.
/// - Each object must be a mapping with non-empty string `apiVersion` and `kind`, and a
///   `metadata.name` or `metadata.generateName`; `metadata.name`, `metadata.generateName`
///   and `metadata.namespace`, when present, must be strings.
///
/// Limits: [`MAX_INPUT_BYTES`], [`MAX_DOCUMENTS`]; alias bombs and nesting deeper than 128
/// levels are refused by the parsers (see [`crate::yaml`]).
pub fn parse_str(text: &str, file: &str) -> Result<Vec<Manifest>, ManifestError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(too_large(file, Some(text.len())));
    }
    if !is_json_file(file)
        && !looks_like_json(text)
        && let Some(out) = parse_yaml_in_pieces(text, file)
    {
        return Ok(out);
    }
    let docs = raw_documents(text, file)?;
    manifests(docs, text, file)
}

/// A large YAML stream read as pieces on several threads ([`yaml::in_pieces`]), each piece
/// all the way to manifests; `None` (read it in one pass) when it is small, or when any piece
/// fails — the one-pass reader then reports the first error with its absolute position.
fn parse_yaml_in_pieces(text: &str, file: &str) -> Option<Vec<Manifest>> {
    let pieces = yaml::in_pieces(text, MAX_DOCUMENTS, |piece| {
        let docs = yaml_documents(piece, file).ok()?;
        let documents = docs.len();
        Some((manifests(docs, piece, file).ok()?, documents))
    })?;
    let mut out = Vec::with_capacity(pieces.iter().map(|(_, m)| m.len()).sum());
    for (at, manifests) in pieces {
        out.extend(manifests.into_iter().map(|mut m| {
            m.source.document += at.documents_before;
            m.source.line += at.lines_before;
            m
        }));
    }
    (out.len() <= MAX_DOCUMENTS).then_some(out)
}

/// Manifests from the documents of `text`.
fn manifests(
    docs: Vec<RawDocument>,
    text: &str,
    file: &str,
) -> Result<Vec<Manifest>, ManifestError> {
    // Where each document ends (the next one's start), for the line of `List` items.
    let ends: Vec<Option<usize>> = docs
        .iter()
        .skip(1)
        .map(|d| Some(d.line))
        .chain(std::iter::once(None))
        .collect();
    let mut out = Vec::with_capacity(docs.len());
    let mut lines: Option<Vec<&str>> = None;
    // Documents are moved into the manifests, not copied (a deep copy per object was a
    // sixth of the parse time, docs/benchmarks.md).
    for (doc, end) in docs.into_iter().zip(ends) {
        let ctx = DocContext {
            file,
            index: doc.index,
        };
        match doc.value {
            Value::Null => {}
            Value::Object(map) if is_list(&map) => {
                let items = take_list_items(map);
                let lines = lines.get_or_insert_with(|| text.split('\n').collect());
                let item_lines = block_item_lines(lines, doc.line, end, items.len())
                    .unwrap_or_else(|| vec![doc.line; items.len()]);
                for (j, item) in items.into_iter().enumerate() {
                    let line = item_lines.get(j).copied().unwrap_or(doc.line);
                    add_object(&mut out, item, &ctx, line, &format!("items[{j}]"))?;
                }
            }
            other => add_object(&mut out, other, &ctx, doc.line, "")?,
        }
        if out.len() > MAX_DOCUMENTS {
            return Err(too_many(file, "objects"));
        }
    }
    Ok(out)
}

struct DocContext<'a> {
    file: &'a str,
    index: usize,
}

impl DocContext<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> ManifestError {
        ManifestError::new(self.file, message).document(self.index, line)
    }
}

pub(super) fn too_large(file: &str, size: Option<usize>) -> ManifestError {
    let size = match size {
        Some(n) => format!("{n} bytes"),
        None => "larger than that".to_string(),
    };
    ManifestError::new(
        file,
        format!(
            "input is too large: {size}; the limit is {MAX_INPUT_BYTES} bytes (64 MiB) per file"
        ),
    )
    .hint("split the manifests into several files")
}

pub(super) fn too_many(file: &str, what: &str) -> ManifestError {
    ManifestError::new(
        file,
        format!("more than {MAX_DOCUMENTS} {what}; hookline reads at most {MAX_DOCUMENTS}"),
    )
    .hint("split the manifest set into several applications")
}

fn is_json_file(file: &str) -> bool {
    std::path::Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn raw_documents(text: &str, file: &str) -> Result<Vec<RawDocument>, ManifestError> {
    if is_json_file(file) {
        return json_documents(text, file);
    }
    if looks_like_json(text)
        && let Ok(docs) = json_documents(text, file)
    {
        return Ok(docs);
    }
    yaml_documents(text, file)
}

/// Whether the text starts like JSON (then it is tried as JSON first).
fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

fn yaml_documents(text: &str, file: &str) -> Result<Vec<RawDocument>, ManifestError> {
    let mut out = Vec::new();
    for doc in yaml::documents(text) {
        if doc.index > MAX_DOCUMENTS {
            return Err(too_many(file, "documents"));
        }
        match doc.value {
            Ok(value) => out.push(RawDocument {
                index: doc.index,
                line: doc.line,
                value,
            }),
            Err(e) => return Err(yaml_error(file, doc.index, doc.line, e)),
        }
    }
    Ok(out)
}

fn yaml_error(file: &str, index: usize, line: usize, e: YamlError) -> ManifestError {
    let hint = if e.message.contains("repetition limit") {
        "the document expands aliases (`*name`) into too many values; this is refused to \
         protect against alias bombs: write the data out or use fewer aliases"
    } else if e.message.contains("recursion limit") {
        "the document is nested more than 128 levels deep, which hookline refuses; check for \
         unclosed `[` or `{` or runaway indentation"
    } else if e.message.contains("duplicate entry") {
        "remove one of the duplicate keys (Kubernetes refuses them too)"
    } else if e.message.contains("unknown anchor") {
        "define the anchor (`&name`) before using the alias (`*name`), in the same document"
    } else if e.message.contains("cannot be represented in JSON")
        || e.message.contains("mapping key")
    {
        "Kubernetes objects are JSON: use strings, finite numbers, booleans, null, \
         sequences and mappings with scalar keys"
    } else {
        "fix the YAML syntax at the position shown (check indentation, quoting and `:` \
         inside values)"
    };
    let message = match &e.path {
        Some(p) => format!("invalid YAML: {p}: {}", e.message),
        None => format!("invalid YAML: {}", e.message),
    };
    ManifestError::new(file, message)
        .document(index, line)
        .position(e.line, e.column)
        .hint(hint)
}

fn json_documents(text: &str, file: &str) -> Result<Vec<RawDocument>, ManifestError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    let mut out = Vec::new();
    // Running line count, so that many documents cost one pass over the text.
    let (mut counted, mut line) = (0usize, 1usize);
    loop {
        let before = stream.byte_offset();
        let Some(next) = stream.next() else { break };
        let index = out.len() + 1;
        if index > MAX_DOCUMENTS {
            return Err(too_many(file, "documents"));
        }
        let start = body
            .get(before..)
            .and_then(|rest| rest.find(|c: char| !c.is_whitespace()))
            .map_or(before, |skip| before + skip);
        line += body
            .as_bytes()
            .get(counted..start)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        counted = counted.max(start);
        match next {
            Ok(value) => out.push(RawDocument { index, line, value }),
            Err(e) => {
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let message = e.to_string();
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                let hint = if message.contains("recursion limit") {
                    "the document is nested more than 128 levels deep, which hookline refuses"
                } else {
                    "fix the JSON syntax at the position shown"
                };
                let (l, c) = match (e.line(), e.column()) {
                    (0, _) => (None, None),
                    (l, 0) => (Some(l), None),
                    (l, c) => (Some(l), Some(c)),
                };
                return Err(ManifestError::new(file, format!("invalid JSON: {message}"))
                    .document(index, line)
                    .position(l, c)
                    .hint(hint));
            }
        }
    }
    Ok(out)
}

fn is_list(map: &Map<String, Value>) -> bool {
    object::field(map, "kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && object::field(map, "items").is_some_and(Value::is_array)
}

/// The items of a `List` (none when `items` is missing or not a sequence).
fn take_list_items(mut map: Map<String, Value>) -> Vec<Value> {
    match map.remove("items") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// Validates one object (flattening nested `List`s) and appends it.
fn add_object(
    out: &mut Vec<Manifest>,
    value: Value,
    ctx: &DocContext<'_>,
    line: usize,
    label: &str,
) -> Result<(), ManifestError> {
    let prefix = if label.is_empty() {
        String::new()
    } else {
        format!("{label}: ")
    };
    let Value::Object(map) = value else {
        let what = if label.is_empty() {
            "the document".to_string()
        } else {
            label.to_string()
        };
        return Err(ctx
            .error(
                line,
                format!("{what} is {}, not a mapping", describe(&value)),
            )
            .hint(
                "each document must be one Kubernetes object (a mapping with apiVersion, kind \
                 and metadata); separate objects with `---`, or list them under `items:` of a \
                 `kind: List`",
            ));
    };
    if is_list(&map) {
        for (j, item) in take_list_items(map).into_iter().enumerate() {
            let item_label = if label.is_empty() {
                format!("items[{j}]")
            } else {
                format!("{label}.items[{j}]")
            };
            add_object(out, item, ctx, line, &item_label)?;
        }
        return Ok(());
    }
    check_object(&map)
        .map_err(|(message, hint)| ctx.error(line, format!("{prefix}{message}")).hint(hint))?;
    out.push(Manifest {
        object: Value::Object(map),
        source: Source {
            file: ctx.file.to_string(),
            document: ctx.index,
            line,
        },
    });
    Ok(())
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) if s.chars().count() > 40 => "a string".to_string(),
        Value::String(s) => format!("a string ({s:?})"),
        Value::Array(_) => "a sequence".to_string(),
        Value::Object(_) => "a mapping".to_string(),
    }
}

/// The checks Kubernetes would make before anything else; `Err((message, hint))`.
fn check_object(map: &Map<String, Value>) -> Result<(), (String, String)> {
    for (field, example) in [
        ("apiVersion", "apiVersion: apps/v1"),
        ("kind", "kind: Deployment"),
    ] {
        match object::field(map, field) {
            None | Some(Value::Null) => {
                return Err((
                    format!("missing {field:?}"),
                    format!("every Kubernetes object needs {field:?}, e.g. `{example}`"),
                ));
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err((
                    format!("{field:?} is empty"),
                    format!("set {field:?}, e.g. `{example}`"),
                ));
            }
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err((
                    format!("{field:?} must be a string, found {}", describe(other)),
                    format!("write {field:?} as a string, e.g. `{example}`"),
                ));
            }
        }
    }
    let empty = Map::new();
    let meta = match object::field(map, "metadata") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err((
                format!("\"metadata\" must be a mapping, found {}", describe(other)),
                "write metadata as a mapping, e.g. `metadata: {name: my-app}`".to_string(),
            ));
        }
    };
    let present = |field: &str| -> Result<bool, (String, String)> {
        match object::field(meta, field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::String(s)) => Ok(!s.is_empty()),
            Some(other) => Err((
                format!(
                    "\"metadata.{field}\" must be a string, found {}",
                    describe(other)
                ),
                format!(
                    "quote the value, e.g. `{field}: \"{}\"`",
                    match other {
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => "my-app".to_string(),
                    }
                ),
            )),
        }
    };
    let name = present("name")?;
    let generate_name = present("generateName")?;
    present("namespace")?;
    if !name && !generate_name {
        return Err((
            "missing \"metadata.name\"".to_string(),
            "set metadata.name (only hooks may use metadata.generateName instead)".to_string(),
        ));
    }
    Ok(())
}

/// Best-effort lines of the entries of a block-style top-level `items:` sequence, for a
/// document spanning lines `from..to` (1-based, `to` exclusive). `None` unless exactly
/// `count` entries are found, so a layout this scan misreads costs precision, never
/// correctness.
fn block_item_lines(
    lines: &[&str],
    from: usize,
    to: Option<usize>,
    count: usize,
) -> Option<Vec<usize>> {
    let to = to.unwrap_or(lines.len() + 1).min(lines.len() + 1);
    let range = lines.get(from.checked_sub(1)?..to.checked_sub(1)?)?;
    let is_items_key = |l: &str| {
        l.trim_end_matches('\r')
            .strip_prefix("items:")
            .is_some_and(|rest| {
                let rest = rest.trim();
                rest.is_empty() || rest.starts_with('#')
            })
    };
    let key_at = range.iter().position(|l| is_items_key(l))?;
    let mut indent = None;
    let mut found = Vec::new();
    for (offset, raw) in range.iter().enumerate().skip(key_at + 1) {
        let l = raw.trim_end_matches('\r');
        let body = l.trim_start_matches(' ');
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = l.len() - body.len();
        let is_entry = body == "-" || body.starts_with("- ") || body.starts_with("-\t");
        match indent {
            None if is_entry => indent = Some(depth),
            None => return None,
            Some(d) if depth < d || (depth == d && !is_entry) => break,
            Some(_) => {}
        }
        if Some(depth) == indent && is_entry {
            found.push(from + offset);
        }
    }
    (found.len() == count).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn err(text: &str) -> ManifestError {
        parse_str(text, "t.yaml").unwrap_err()
    }

    fn at(e: &ManifestError) -> (Option<usize>, Option<usize>, Option<usize>) {
        (e.document, e.line, e.column)
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";

    /// The one-pass reading `parse_str` falls back to.
    fn one_pass(text: &str, file: &str) -> Result<Vec<Manifest>, ManifestError> {
        manifests(raw_documents(text, file)?, text, file)
    }

    #[test]
    fn large_streams_read_in_pieces_match_one_pass() {
        // Big enough to be cut (64 KiB), with Lists (item lines), empty documents, comments
        // and a later document whose error must still be reported as one pass reports it.
        let mut text = String::from("# head\n");
        for i in 0..400 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: n{}\ndata:\n  k: |\n    v\n---\n# gap\n---\n\
                 apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {{name: s{i}}}\n\
                 - apiVersion: v1\n  kind: Service\n  metadata:\n    name: v{i}\n",
                i % 7
            ));
        }
        assert!(text.len() >= 64 * 1024, "{}", text.len());
        let pieces = parse_str(&text, "big.yaml").unwrap();
        let whole = one_pass(&text, "big.yaml").unwrap();
        assert_eq!(pieces.len(), 1200);
        assert_eq!(pieces, whole);
        let bad = format!("{text}---\napiVersion: v1\nkind: Pod\nmetadata: [\n");
        assert_eq!(
            parse_str(&bad, "big.yaml").unwrap_err(),
            one_pass(&bad, "big.yaml").unwrap_err()
        );
        let duplicate =
            format!("{text}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n");
        let e = parse_str(&duplicate, "big.yaml").unwrap_err();
        assert_eq!(e, one_pass(&duplicate, "big.yaml").unwrap_err());
        assert_eq!(e.document, Some(1201));
    }

    #[test]
    fn multi_document_with_sources() {
        let text = format!(
            "# lead\n{POD}---\n---\n# c\n{POD}...\n--- {{apiVersion: v1, kind: Pod, metadata: {{name: q}}}}\n"
        );
        let got = parse_str(&text, "a.yaml").unwrap();
        let where_: Vec<_> = got
            .iter()
            .map(|m| (m.source.document, m.source.line, m.key().name.clone()))
            .collect();
        assert_eq!(
            where_,
            vec![
                (1, 2, "p".to_string()),
                (3, 7, "p".to_string()),
                (4, 14, "q".to_string())
            ]
        );
        assert!(got.iter().all(|m| m.source.file == "a.yaml"));
    }

    #[test]
    fn empty_inputs_give_no_objects() {
        for t in [
            "",
            "\n",
            "# only\n",
            "---\n",
            "---\n...\n",
            "null\n",
            "---\n~\n---\n",
        ] {
            assert_eq!(parse_str(t, "e.yaml").unwrap(), vec![], "{t:?}");
        }
    }

    #[test]
    fn lists_are_flattened_with_item_lines() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: first}
---
apiVersion: v1
kind: List
items:
# a comment
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
  data:
    x: |
      - not an entry
- apiVersion: apps/v1
  kind: DeploymentList
  items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: nested}
- {apiVersion: v1, kind: Secret, metadata: {name: b}}
";
        let got = parse_str(text, "l.yaml").unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|m| (m.key().kind.clone(), m.source.document, m.source.line))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Pod".to_string(), 1, 1),
                ("ConfigMap".to_string(), 2, 9),
                ("Deployment".to_string(), 2, 16),
                ("Secret".to_string(), 2, 22),
            ]
        );
        // Flow style (and JSON): items get the document's line.
        let flow = "---\n{apiVersion: v1, kind: List, items: [\n  {apiVersion: v1, kind: Pod, metadata: {name: a}}]}\n";
        let got = parse_str(flow, "f.yaml").unwrap();
        assert_eq!(got[0].source.line, 1);
        // Indented block items.
        let indented = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: b}\nmetadata: {}\n";
        let lines: Vec<_> = parse_str(indented, "i.yaml")
            .unwrap()
            .iter()
            .map(|m| m.source.line)
            .collect();
        assert_eq!(lines, vec![4, 7]);
        // A kind ending in List without items is an ordinary object.
        let crd = "apiVersion: x.io/v1\nkind: AccessList\nmetadata: {name: a}\n";
        assert_eq!(parse_str(crd, "c.yaml").unwrap().len(), 1);
    }

    #[test]
    fn list_item_errors_name_the_item() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  metadata: {name: b}\n- 5\n";
        let e = err(text);
        assert_eq!(at(&e), (Some(1), Some(7), None));
        assert_eq!(e.message, "items[1]: missing \"kind\"");
        let e = err("apiVersion: v1\nkind: List\nitems: [5]\n");
        assert_eq!(e.message, "items[0] is a number (5), not a mapping");
    }

    #[test]
    fn json_input() {
        let text = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n\n  {\"apiVersion\": \"v1\",\n \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}";
        let got = parse_str(text, "x.json").unwrap();
        let lines: Vec<_> = got
            .iter()
            .map(|m| (m.source.document, m.source.line))
            .collect();
        assert_eq!(lines, vec![(1, 1), (2, 3)]);
        // Same text without a .json name: still read as JSON.
        assert_eq!(parse_str(text, "<stdin>").unwrap(), {
            let mut g = got.clone();
            for m in &mut g {
                m.source.file = "<stdin>".to_string();
            }
            g
        });
        // Key order is preserved.
        let keys: Vec<_> = got[0].object.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, vec!["apiVersion", "kind", "metadata"]);

        let e = parse_str(
            "{\"apiVersion\": \"v1\",\n  \"kind\": \"Pod\"\n  \"metadata\": {}}",
            "b.json",
        )
        .unwrap_err();
        assert_eq!(at(&e), (Some(1), Some(3), Some(3)));
        assert!(
            e.message.starts_with("invalid JSON: expected `,` or `}`"),
            "{e}"
        );
        // Flow-style YAML that is not JSON falls back to YAML.
        let got = parse_str("{apiVersion: v1, kind: Pod, metadata: {name: a}}", "f.yaml").unwrap();
        assert_eq!(
            got[0].object,
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}})
        );
        let e = parse_str(&"[".repeat(100_000), "deep.json").unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e}");
    }

    #[test]
    fn malformed_yaml_has_line_and_column() {
        let e = err(&format!(
            "{POD}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n"
        ));
        assert_eq!(e.document, Some(2));
        assert_eq!(e.line, Some(10));
        assert!(e.column.is_some());
        assert!(e.message.starts_with("invalid YAML: "), "{e}");
        assert!(e.to_string().starts_with("t.yaml:10:"), "{e}");
        assert!(e.hint.is_some());

        let e = err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n");
        assert_eq!(at(&e), (Some(1), Some(4), Some(3)));
        assert!(e.message.contains("duplicate entry"), "{e}");
    }

    #[test]
    fn not_a_mapping() {
        let e = err(&format!("{POD}---\n# c\n- a\n- b\n"));
        assert_eq!(at(&e), (Some(2), Some(5), None), "the line of its `---`");
        assert_eq!(e.message, "the document is a sequence, not a mapping");
        let e = err("just text\n");
        assert_eq!(
            e.message,
            "the document is a string (\"just text\"), not a mapping"
        );
    }

    #[test]
    fn required_fields() {
        let cases = [
            ("kind: Pod\nmetadata: {name: a}\n", "missing \"apiVersion\""),
            (
                "apiVersion: ''\nkind: Pod\nmetadata: {name: a}\n",
                "\"apiVersion\" is empty",
            ),
            (
                "apiVersion: 1\nkind: Pod\nmetadata: {name: a}\n",
                "\"apiVersion\" must be a string, found a number (1)",
            ),
            ("apiVersion: v1\nmetadata: {name: a}\n", "missing \"kind\""),
            (
                "apiVersion: v1\nkind: ' '\nmetadata: {name: a}\n",
                "\"kind\" is empty",
            ),
            (
                "apiVersion: v1\nkind: [Pod]\nmetadata: {name: a}\n",
                "\"kind\" must be a string, found a sequence",
            ),
            ("apiVersion: v1\nkind: Pod\n", "missing \"metadata.name\""),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: ''}\n",
                "missing \"metadata.name\"",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: 3\n",
                "\"metadata\" must be a mapping, found a number (3)",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: 5}\n",
                "\"metadata.name\" must be a string, found a number (5)",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: true}\n",
                "\"metadata.namespace\" must be a string, found a boolean (true)",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {generateName: {}}\n",
                "\"metadata.generateName\" must be a string, found a mapping",
            ),
        ];
        for (body, message) in cases {
            let e = err(&format!("{POD}---\n# c\n{body}"));
            assert_eq!(e.message, message, "{body}");
            assert_eq!(at(&e), (Some(2), Some(5), None), "{body}");
            assert!(e.hint.is_some(), "{body}");
        }
        let e = err("apiVersion: v1\nkind: Pod\nmetadata: {name: 5}\n");
        assert_eq!(
            e.to_string(),
            "t.yaml:1: document 1: \"metadata.name\" must be a string, found a number (5)\nhint: quote the value, e.g. `name: \"5\"`"
        );
        // generateName alone is fine here (validate_set decides whether it is allowed).
        assert!(
            parse_str(
                "apiVersion: v1\nkind: Pod\nmetadata: {generateName: a-}\n",
                "g.yaml"
            )
            .is_ok()
        );
    }

    #[test]
    fn hostile_input() {
        let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        bomb.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..=9 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = Instant::now();
        let e = err(&bomb);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(e.message.contains("repetition limit exceeded"), "{e}");
        assert_eq!(
            at(&e),
            (Some(1), Some(1), None),
            "no location: the document's line"
        );
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("alias")));

        let e = err(&"[".repeat(100_000));
        assert_eq!(e.message, "invalid YAML: recursion limit exceeded");
        assert_eq!(at(&e), (Some(1), Some(1), Some(129)));

        let big = " ".repeat(MAX_INPUT_BYTES + 1);
        let started = Instant::now();
        let e = err(&big);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused before parsing"
        );
        assert!(e.message.starts_with("input is too large"), "{e}");

        let many = "---\n".repeat(MAX_DOCUMENTS + 1);
        let e = err(&many);
        assert!(e.message.contains("more than 100000 documents"), "{e}");
    }

    #[test]
    fn block_item_line_scan() {
        let lines: Vec<&str> = "a: 1\nitems: # x\n\n- x\n-\n  y: 1\n- - z\nkind: List\n"
            .split('\n')
            .collect();
        assert_eq!(block_item_lines(&lines, 1, None, 3), Some(vec![4, 5, 7]));
        assert_eq!(block_item_lines(&lines, 1, None, 2), None);
        assert_eq!(block_item_lines(&lines, 9, Some(3), 0), None);
    }
}
