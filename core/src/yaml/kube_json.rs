//! One YAML document → JSON data, the way Kubernetes reads manifests, in a single pass.
//!
//! The parser's events are turned straight into [`serde_json::Value`]: no intermediate YAML
//! tree, no second walk to expand merge keys, no third to convert. On a 10k-object manifest
//! set that intermediate tree was about a quarter of the parse time (docs/benchmarks.md).
//!
//! The conversion (`sigs.k8s.io/yaml` semantics, as documented on [`super::documents`]):
//! - tags are dropped (`!custom v` is `"v"`);
//! - null, boolean and number keys become strings (`1: a` is `{"1": "a"}`), sequence and
//!   mapping keys are errors;
//! - a key that appears twice (after that conversion: `1` and `"1"` collide) is an error;
//! - `.inf`, `-.inf` and `.nan` are errors (JSON has no such numbers);
//! - merge keys (`<<: *base`, `<<: [*a, *b]`) are expanded: keys written in the mapping win,
//!   then earlier merge sources win over later ones; merged keys follow the mapping's own,
//!   in the source's order. Merge sources are converted before they are merged, so a merge
//!   inside an anchored mapping is expanded too (YAML 1.1's merge type, as Kubernetes' YAML
//!   library applies it).
//!
//! Errors raised here carry the key path of the offending value (`spec.ports[0].port`),
//! collected only when an error unwinds, so a document that converts costs nothing for it.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

use super::backend;

/// Where the error being unwound was raised: `None` while converting normally; set to an
/// empty list by the conversion's own errors, then each enclosing sequence or mapping pushes
/// its index or key on the way out (innermost first).
#[derive(Default)]
pub(super) struct ErrorPath(RefCell<Option<Vec<Segment>>>);

enum Segment {
    Index(usize),
    Key(String),
}

impl ErrorPath {
    fn start<E: de::Error>(&self, message: impl fmt::Display) -> E {
        *self.0.borrow_mut() = Some(Vec::new());
        E::custom(message)
    }

    fn push(&self, segment: impl FnOnce() -> Segment) {
        if let Some(path) = self.0.borrow_mut().as_mut() {
            path.push(segment());
        }
    }

    /// The key path of the error (`a.b[1]`), `None` for errors the conversion did not raise
    /// (syntax errors, limits) or raised at the top level.
    pub(super) fn take(&self) -> Option<String> {
        let segments = self.0.borrow_mut().take()?;
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// Deserializes one value (any YAML node) into JSON data.
#[derive(Clone, Copy)]
pub(super) struct JsonSeed<'p> {
    pub(super) path: &'p ErrorPath,
}

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        match Number::from_f64(f) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.path.start(format_args!(
                "the number {} cannot be represented in JSON (Kubernetes objects are JSON)",
                backend::Number::from(f)
            ))),
        }
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => out.push(item),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    let index = out.len();
                    self.path.push(|| Segment::Index(index));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        // Merge sources, in the order they are applied (earlier wins); `None` until a `<<`.
        let mut merges: Option<Vec<Map<String, Value>>> = None;
        while let Some(key) = map.next_key_seed(KeySeed { path: self.path })? {
            let value = match map.next_value_seed(self) {
                Ok(value) => value,
                Err(e) => {
                    self.path.push(|| Segment::Key(key));
                    return Err(e);
                }
            };
            if key == "<<" {
                if merges.is_some() {
                    return Err(self.path.start(DuplicateKey(&key)));
                }
                let mut sources = Vec::new();
                merge_sources(value, &mut sources).map_err(|m| self.path.start(m))?;
                merges = Some(sources);
                continue;
            }
            match out.entry(key) {
                Entry::Occupied(entry) => {
                    return Err(self.path.start(DuplicateKey(entry.key())));
                }
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
            }
        }
        for source in merges.into_iter().flatten() {
            for (k, v) in source {
                out.entry(k).or_insert(v);
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged node: the tag is dropped, the node read as if untagged.
        let (_tag, contents) = data.variant::<String>()?;
        contents.newtype_variant_seed(self)
    }
}

/// The mappings a `<<` value merges in: one mapping, or a sequence of mappings.
fn merge_sources(value: Value, into: &mut Vec<Map<String, Value>>) -> Result<(), &'static str> {
    match value {
        Value::Object(map) => into.push(map),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(map) => into.push(map),
                    Value::Array(_) => {
                        return Err("expected a mapping for merging, but found sequence");
                    }
                    _ => return Err("expected a mapping for merging, but found scalar"),
                }
            }
        }
        _ => return Err("expected a mapping or list of mappings for merging, but found scalar"),
    }
    Ok(())
}

/// The parser's wording for a repeated key.
struct DuplicateKey<'a>(&'a str);

impl fmt::Display for DuplicateKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "duplicate entry with key {:?}", self.0)
    }
}

/// Deserializes a mapping key into its JSON (string) form.
struct KeySeed<'p> {
    path: &'p ErrorPath,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }

    fn visit_i64<E>(self, i: i64) -> Result<String, E> {
        Ok(i.to_string())
    }

    fn visit_u64<E>(self, u: u64) -> Result<String, E> {
        Ok(u.to_string())
    }

    fn visit_f64<E>(self, f: f64) -> Result<String, E> {
        // The parser's own spelling of the number (`1.5`, `.inf`).
        Ok(backend::Number::from(f).to_string())
    }

    fn visit_str<E>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }

    fn visit_string<E>(self, s: String) -> Result<String, E> {
        Ok(s)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.path.start(NON_SCALAR_KEY))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.path.start(NON_SCALAR_KEY))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, contents) = data.variant::<String>()?;
        contents.newtype_variant_seed(self)
    }
}

const NON_SCALAR_KEY: &str =
    "a mapping key must be a string, number, boolean or null, not a sequence or mapping";
