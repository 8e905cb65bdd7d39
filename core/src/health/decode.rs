//! Typed reads that behave like Argo CD's conversion of an unstructured object to a typed
//! Kubernetes struct (`runtime.DefaultUnstructuredConverter.FromUnstructured`, spec HL-3).
//!
//! Go semantics, reproduced for the fields a check reads:
//! * a missing field or JSON `null` is the zero value (`0`, `""`, `false`, empty list, absent
//!   pointer);
//! * a field of the wrong JSON type (a string where an integer belongs, `status: "x"`,
//!   `conditions: 5`) makes the whole conversion fail; the check then reports an error, which
//!   becomes `Unknown` (HL-2.3);
//! * an integral float (`3.0`) converts to an integer; unknown fields are ignored.
//!
//! Only the fields a check reads (and the objects containing them) are type-checked; Go
//! converts the whole object, so a malformed field elsewhere (say `spec.template`) that Argo CD
//! would reject is not noticed here.

use serde_json::{Map, Value};

/// A conversion failure: the offending field's path and what was wrong.
pub(crate) type Conv<T> = Result<T, String>;

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

fn mismatch(at: &str, want: &str, got: &Value) -> String {
    format!("{at}: expected {want}, got {}", type_name(got))
}

/// A typed view over one JSON value (the object, or an element of a list), remembering its
/// path for error messages.
#[derive(Clone, Copy)]
pub(crate) struct Typed<'a> {
    value: &'a Value,
    base: &'a str,
}

/// Owned-path variant for list elements (their path includes the index).
pub(crate) struct Elem<'a> {
    value: &'a Value,
    base: String,
}

impl<'a> Elem<'a> {
    pub(crate) fn typed(&self) -> Typed<'_> {
        Typed {
            value: self.value,
            base: &self.base,
        }
    }
}

impl<'a> Typed<'a> {
    pub(crate) fn root(value: &'a Value) -> Self {
        Typed { value, base: "" }
    }

    fn at(&self, path: &[&str]) -> String {
        let mut s = self.base.to_string();
        for p in path {
            s.push('.');
            s.push_str(p);
        }
        s
    }

    /// The value at `path`; `None` if missing or null. Every step must be a map (or null).
    pub(crate) fn get(&self, path: &[&str]) -> Conv<Option<&'a Value>> {
        let mut cur = self.value;
        for (i, key) in path.iter().enumerate() {
            match cur {
                Value::Null => return Ok(None),
                Value::Object(m) => match crate::object::field(m, key) {
                    Some(v) => cur = v,
                    None => return Ok(None),
                },
                other => return Err(mismatch(&self.at(&path[..i]), "map", other)),
            }
        }
        Ok(if cur.is_null() { None } else { Some(cur) })
    }

    pub(crate) fn opt_int(&self, path: &[&str]) -> Conv<Option<i64>> {
        let Some(v) = self.get(path)? else {
            return Ok(None);
        };
        if let Some(i) = v.as_i64() {
            return Ok(Some(i));
        }
        if let Some(u) = v.as_u64() {
            return Ok(Some(i64::try_from(u).unwrap_or(i64::MAX)));
        }
        if let Some(f) = v.as_f64()
            && f.fract() == 0.0
            && f.is_finite()
        {
            // Truncating conversion, as Go's reflect.Convert does for integral floats.
            return Ok(Some(f as i64));
        }
        Err(mismatch(&self.at(path), "integer", v))
    }

    pub(crate) fn int(&self, path: &[&str]) -> Conv<i64> {
        Ok(self.opt_int(path)?.unwrap_or(0))
    }

    pub(crate) fn string(&self, path: &[&str]) -> Conv<String> {
        match self.get(path)? {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(mismatch(&self.at(path), "string", other)),
        }
    }

    pub(crate) fn boolean(&self, path: &[&str]) -> Conv<bool> {
        match self.get(path)? {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(mismatch(&self.at(path), "bool", other)),
        }
    }

    /// A map field (Go: pointer to struct); `None` when absent or null.
    pub(crate) fn map(&self, path: &[&str]) -> Conv<Option<&'a Map<String, Value>>> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(other) => Err(mismatch(&self.at(path), "map", other)),
        }
    }

    /// The elements of a list field (empty when absent or null).
    pub(crate) fn list(&self, path: &[&str]) -> Conv<Vec<Elem<'a>>> {
        match self.get(path)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let at = self.at(path);
                Ok(items
                    .iter()
                    .enumerate()
                    .map(|(i, value)| Elem {
                        value,
                        base: format!("{at}[{i}]"),
                    })
                    .collect())
            }
            Some(other) => Err(mismatch(&self.at(path), "list", other)),
        }
    }

    /// A map of strings (labels, annotations).
    pub(crate) fn string_map(&self, path: &[&str]) -> Conv<Vec<(&'a str, &'a str)>> {
        let Some(m) = self.map(path)? else {
            return Ok(Vec::new());
        };
        let at = self.at(path);
        m.iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.as_str(), s.as_str())),
                other => Err(mismatch(&format!("{at}.{k}"), "string", other)),
            })
            .collect()
    }

    /// The fields every typed check converts: the object must be a map, `metadata` a map with a
    /// string `name` and an integer `generation`.
    pub(crate) fn meta(&self) -> Conv<Meta> {
        if !self.value.is_object() {
            return Err(mismatch("<object>", "map", self.value));
        }
        Ok(Meta {
            name: self.string(&["metadata", "name"])?,
            generation: self.int(&["metadata", "generation"])?,
        })
    }

    /// A standard `conditions` list at `path` (fields `type`, `status`, `reason`, `message`).
    pub(crate) fn conditions(&self, path: &[&str]) -> Conv<Vec<Condition>> {
        self.list(path)?
            .iter()
            .map(|e| {
                let t = e.typed();
                if !e.value.is_object() {
                    return Err(mismatch(&e.base, "map", e.value));
                }
                Ok(Condition {
                    type_: t.string(&["type"])?,
                    status: t.string(&["status"])?,
                    reason: t.string(&["reason"])?,
                    message: t.string(&["message"])?,
                })
            })
            .collect()
    }
}

/// The metadata fields checks use.
pub(crate) struct Meta {
    pub name: String,
    pub generation: i64,
}

/// A Kubernetes status condition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Condition {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
}

/// The first condition of the given type (Go's `getXCondition` helpers).
pub(crate) fn find<'c>(conditions: &'c [Condition], type_: &str) -> Option<&'c Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn zero_values_for_missing_and_null() {
        let v = json!({"status": null, "spec": {"replicas": null}});
        let t = Typed::root(&v);
        assert_eq!(t.int(&["status", "replicas"]), Ok(0));
        assert_eq!(t.opt_int(&["spec", "replicas"]), Ok(None));
        assert_eq!(t.string(&["status", "phase"]), Ok(String::new()));
        assert!(
            t.conditions(&["status", "conditions"])
                .is_ok_and(|c| c.is_empty())
        );
    }

    #[test]
    fn wrong_types_are_conversion_errors() {
        let v = json!({"status": {"replicas": "3", "conditions": 5}, "spec": "x"});
        let t = Typed::root(&v);
        assert_eq!(
            t.int(&["status", "replicas"]),
            Err(".status.replicas: expected integer, got string".to_string())
        );
        assert!(t.conditions(&["status", "conditions"]).is_err());
        assert_eq!(
            t.int(&["spec", "replicas"]),
            Err(".spec: expected map, got string".to_string())
        );
        let v = json!({"status": {"conditions": [{"type": "Ready", "status": true}]}});
        assert_eq!(
            Typed::root(&v).conditions(&["status", "conditions"]),
            Err(".status.conditions[0].status: expected string, got bool".to_string())
        );
    }

    #[test]
    fn integral_floats_convert() {
        let v = json!({"a": 3.0, "b": 3.5});
        let t = Typed::root(&v);
        assert_eq!(t.int(&["a"]), Ok(3));
        assert!(t.int(&["b"]).is_err());
    }
}
