//! Read-only accessors over a Kubernetes object held as `serde_json::Value`.
//!
//! Every accessor tolerates a missing or mistyped field (it returns `None`/empty): objects
//! come from users and from clusters, and a malformed field must never become a panic.

use crate::model::{GroupKind, ResourceKey};
use serde_json::{Map, Value};

/// Annotation and label keys hookline reads (spec H-1) or writes.
pub mod keys {
    pub const HOOK: &str = "argocd.argoproj.io/hook";
    pub const HOOK_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
    pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
    pub const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
    pub const HELM_HOOK: &str = "helm.sh/hook";
    pub const HELM_HOOK_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";
    pub const HELM_HOOK_WEIGHT: &str = "helm.sh/hook-weight";
    /// Spec F-1.
    pub const HOOK_FINALIZER: &str = "argocd.argoproj.io/hook-finalizer";
}

pub fn str_at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a str> {
    value_at(obj, path)?.as_str()
}

pub fn value_at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = obj;
    for key in path {
        cur = field(cur.as_object()?, key)?;
    }
    Some(cur)
}

/// `map[key]`. The maps read here (an object's top level, `metadata`, `annotations`,
/// `labels`) hold a handful of keys, and the planner reads some ten of them per object:
/// for up to [`SCAN_LIMIT`] keys a scan of the ordered entries beats hashing the key
/// (SipHash, in `serde_json`'s map), which was a third of the time to plan 10k objects
/// (docs/benchmarks.md).
pub fn field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SCAN_LIMIT {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

/// Largest map [`field`] scans instead of hashing.
const SCAN_LIMIT: usize = 8;

pub fn api_version(obj: &Value) -> &str {
    str_at(obj, &["apiVersion"]).unwrap_or("")
}

/// `(group, version)` of `apiVersion` (`v1` → `("", "v1")`, `apps/v1` → `("apps", "v1")`).
pub fn group_version(obj: &Value) -> (&str, &str) {
    split_api_version(api_version(obj))
}

pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

pub fn group(obj: &Value) -> &str {
    group_version(obj).0
}

pub fn kind(obj: &Value) -> &str {
    str_at(obj, &["kind"]).unwrap_or("")
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "name"]).unwrap_or("")
}

pub fn generate_name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "generateName"]).unwrap_or("")
}

pub fn namespace(obj: &Value) -> &str {
    str_at(obj, &["metadata", "namespace"]).unwrap_or("")
}

pub fn group_kind(obj: &Value) -> GroupKind {
    GroupKind::new(group(obj), kind(obj))
}

pub fn key(obj: &Value) -> ResourceKey {
    ResourceKey::new(group(obj), kind(obj), namespace(obj), name(obj))
}

pub fn annotations(obj: &Value) -> Option<&Map<String, Value>> {
    value_at(obj, &["metadata", "annotations"])?.as_object()
}

/// An annotation's value. A non-string value (YAML `5` instead of `"5"`) is read as its
/// JSON text, as the API server would refuse it but a user clearly meant the text.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<std::borrow::Cow<'a, str>> {
    Some(annotation_text(field(annotations(obj)?, key)?))
}

/// An annotation value as text (see [`annotation`]).
pub fn annotation_text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
        Value::Null => std::borrow::Cow::Borrowed(""),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

pub fn has_annotation(obj: &Value, key: &str) -> bool {
    annotations(obj).is_some_and(|a| field(a, key).is_some())
}

pub fn finalizers(obj: &Value) -> Vec<&str> {
    value_at(obj, &["metadata", "finalizers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub fn has_finalizer(obj: &Value, finalizer: &str) -> bool {
    finalizers(obj).contains(&finalizer)
}

pub fn deletion_timestamp(obj: &Value) -> Option<&str> {
    str_at(obj, &["metadata", "deletionTimestamp"]).filter(|s| !s.is_empty())
}

/// Mutable access to `metadata`, creating it if absent or not a mapping.
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    let map = obj.as_object_mut().expect("just made an object");
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut().expect("just made an object")
}

pub fn set_name(obj: &mut Value, name: &str) {
    metadata_mut(obj).insert("name".into(), Value::String(name.into()));
}

pub fn set_namespace(obj: &mut Value, ns: &str) {
    metadata_mut(obj).insert("namespace".into(), Value::String(ns.into()));
}

/// Appends `finalizer` if absent (spec F-1).
pub fn add_finalizer(obj: &mut Value, finalizer: &str) {
    let meta = metadata_mut(obj);
    let list = meta
        .entry("finalizers")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !list.is_array() {
        *list = Value::Array(Vec::new());
    }
    let arr = list.as_array_mut().expect("just made an array");
    if !arr.iter().any(|v| v.as_str() == Some(finalizer)) {
        arr.push(Value::String(finalizer.into()));
    }
}

/// Removes the first occurrence of `finalizer` (spec F-3); returns whether it was present.
pub fn remove_finalizer(obj: &mut Value, finalizer: &str) -> bool {
    let Some(arr) = obj
        .pointer_mut("/metadata/finalizers")
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    match arr.iter().position(|v| v.as_str() == Some(finalizer)) {
        Some(i) => {
            arr.remove(i);
            if arr.is_empty() {
                metadata_mut(obj).remove("finalizers");
            }
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_tolerate_malformed_objects() {
        for v in [
            json!(null),
            json!(3),
            json!({"metadata": 5}),
            json!({"metadata": {"annotations": []}}),
        ] {
            assert_eq!(name(&v), "");
            assert!(annotation(&v, keys::HOOK).is_none());
            assert!(finalizers(&v).is_empty());
        }
    }

    #[test]
    fn finalizer_add_remove_round_trip() {
        let mut v = json!({"metadata": {"name": "x"}});
        add_finalizer(&mut v, keys::HOOK_FINALIZER);
        add_finalizer(&mut v, keys::HOOK_FINALIZER);
        assert_eq!(finalizers(&v), vec![keys::HOOK_FINALIZER]);
        assert!(remove_finalizer(&mut v, keys::HOOK_FINALIZER));
        assert!(!remove_finalizer(&mut v, keys::HOOK_FINALIZER));
        assert!(v.pointer("/metadata/finalizers").is_none());
    }

    #[test]
    fn non_string_annotations_read_as_text() {
        let v = json!({"metadata": {"annotations": {"argocd.argoproj.io/sync-wave": 5}}});
        assert_eq!(annotation(&v, keys::SYNC_WAVE).as_deref(), Some("5"));
    }
}
