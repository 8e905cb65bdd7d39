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
use std::borrow::Cow;

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

/// Where a typed view sits, for error messages: written out only when a conversion fails
/// (a check reads every status it judges, and almost all of them convert).
#[derive(Clone, Copy)]
enum Base<'a> {
    /// The object itself.
    Root,
    /// Element `index` of the list at the path.
    Element(&'a str, usize),
}

/// A typed view over one JSON value (the object, or an element of a list), remembering its
/// path for error messages.
#[derive(Clone, Copy)]
pub(crate) struct Typed<'a> {
    value: &'a Value,
    base: Base<'a>,
}

/// A list field: its elements and its path.
pub(crate) struct List<'a> {
    items: &'a [Value],
    at: String,
}

impl<'a> List<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Elem<'_>> {
        self.items.iter().enumerate().map(|(index, value)| Elem {
            value,
            at: &self.at,
            index,
        })
    }
}

/// One element of a [`List`].
pub(crate) struct Elem<'a> {
    value: &'a Value,
    at: &'a str,
    index: usize,
}

impl<'a> Elem<'a> {
    pub(crate) fn typed(&self) -> Typed<'a> {
        Typed {
            value: self.value,
            base: Base::Element(self.at, self.index),
        }
    }
}

impl<'a> Typed<'a> {
    pub(crate) fn root(value: &'a Value) -> Self {
        Typed {
            value,
            base: Base::Root,
        }
    }

    fn at(&self, path: &[&str]) -> String {
        let mut s = match self.base {
            Base::Root => String::new(),
            Base::Element(p, i) => format!("{p}[{i}]"),
        };
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
        self.str(path).map(str::to_string)
    }

    /// [`Typed::string`], borrowed from the object.
    pub(crate) fn str(&self, path: &[&str]) -> Conv<&'a str> {
        match self.get(path)? {
            None => Ok(""),
            Some(Value::String(s)) => Ok(s),
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
    pub(crate) fn list(&self, path: &[&str]) -> Conv<List<'a>> {
        match self.get(path)? {
            None => Ok(List {
                items: &[],
                at: String::new(),
            }),
            Some(Value::Array(items)) => Ok(List {
                items,
                at: self.at(path),
            }),
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
    pub(crate) fn meta(&self) -> Conv<Meta<'a>> {
        if !self.value.is_object() {
            return Err(mismatch("<object>", "map", self.value));
        }
        Ok(Meta {
            name: self.str(&["metadata", "name"])?,
            generation: self.int(&["metadata", "generation"])?,
        })
    }

    /// A standard `conditions` list at `path` (fields `type`, `status`, `reason`, `message`).
    pub(crate) fn conditions(&self, path: &[&str]) -> Conv<Vec<Condition<'a>>> {
        let Some(items) = self.get(path)? else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = items else {
            return Err(mismatch(&self.at(path), "list", items));
        };
        // Conditions are read on every status the simulated cluster writes, so each is read
        // with a relative path, and the list's path is put in front only of an error.
        items
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let t = Typed {
                    value,
                    base: Base::Element("", index),
                };
                let read = || -> Conv<Condition<'a>> {
                    if !value.is_object() {
                        return Err(mismatch(&t.at(&[]), "map", value));
                    }
                    Ok(Condition {
                        type_: t.str(&["type"])?.into(),
                        status: t.str(&["status"])?.into(),
                        reason: t.str(&["reason"])?.into(),
                        message: t.str(&["message"])?.into(),
                    })
                };
                read().map_err(|e| format!("{}{e}", self.at(path)))
            })
            .collect()
    }
}

/// The metadata fields checks use.
pub(crate) struct Meta<'a> {
    pub name: &'a str,
    pub generation: i64,
}

/// A Kubernetes status condition, borrowed from the object it was read from (or owned,
/// when parsed from an annotation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Condition<'a> {
    pub type_: Cow<'a, str>,
    pub status: Cow<'a, str>,
    pub reason: Cow<'a, str>,
    pub message: Cow<'a, str>,
}

/// The first condition of the given type (Go's `getXCondition` helpers).
pub(crate) fn find<'c, 'a>(
    conditions: &'c [Condition<'a>],
    type_: &str,
) -> Option<&'c Condition<'a>> {
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

    /// Paths are written out only for errors; they must still name the element.
    #[test]
    fn element_errors_name_the_element() {
        let v = json!({"status": {
            "conditions": [{"type": "Ready", "status": "True"}, 5],
            "containerStatuses": [{"name": "a"}, {"name": "b", "restartCount": "x"}],
        }});
        let t = Typed::root(&v);
        assert_eq!(
            t.conditions(&["status", "conditions"]),
            Err(".status.conditions[1]: expected map, got number".to_string())
        );
        let list = t.list(&["status", "containerStatuses"]).expect("a list");
        let counts: Vec<_> = list
            .iter()
            .map(|e| e.typed().int(&["restartCount"]))
            .collect();
        assert_eq!(
            counts,
            vec![
                Ok(0),
                Err(
                    ".status.containerStatuses[1].restartCount: expected integer, got string"
                        .to_string()
                )
            ]
        );
        assert!(t.list(&["status", "missing"]).is_ok_and(|l| l.is_empty()));
    }

    #[test]
    fn integral_floats_convert() {
        let v = json!({"a": 3.0, "b": 3.5});
        let t = Typed::root(&v);
        assert_eq!(t.int(&["a"]), Ok(3));
        assert!(t.int(&["b"]).is_err());
    }
}
