//! Tracking: which cluster objects belong to an app, and hookline's own hook finalizer.
//!
//! Every object `hookline sync` applies carries the label [`APP_LABEL`] (what watches
//! select on) and the annotation [`TRACKING_ANNOTATION`] naming the app *and* the object's
//! own identity, like Argo CD's annotation tracking: an object copied from another app, or
//! a Helm chart that happens to set the same label, is not tracked because its annotation
//! does not name itself. Prune candidates and leftover hooks come only from tracked
//! objects, so hookline never deletes anything it did not apply.

use hookline_core::object::{self, keys};
use serde_json::{Value, json};

pub const APP_LABEL: &str = "hookline.dev/app";
pub const TRACKING_ANNOTATION: &str = "hookline.dev/tracking-id";
/// The hook finalizer in the cluster. The engine speaks Argo CD's name (spec F-1); the
/// adapter translates at the API boundary so a cluster that also runs Argo CD never sees
/// hookline holding Argo CD's finalizer (and vice versa).
pub const FINALIZER: &str = "hookline.dev/hook-finalizer";

/// `app:group/Kind:namespace/name`, the identity the annotation must carry.
pub fn tracking_id(app: &str, obj: &Value) -> String {
    format!(
        "{app}:{}/{}:{}/{}",
        object::group(obj),
        object::kind(obj),
        object::namespace(obj),
        object::name(obj)
    )
}

/// Adds the tracking label and annotation (after the namespace is final).
pub fn mark(obj: &mut Value, app: &str) {
    let id = tracking_id(app, obj);
    let meta = object::metadata_mut(obj);
    for (field, k, v) in [
        ("labels", APP_LABEL, app.to_string()),
        ("annotations", TRACKING_ANNOTATION, id),
    ] {
        let entry = meta.entry(field).or_insert_with(|| json!({}));
        if !entry.is_object() {
            *entry = json!({});
        }
        if let Some(map) = entry.as_object_mut() {
            map.insert(k.into(), Value::String(v));
        }
    }
}

pub fn is_tracked(obj: &Value, app: &str) -> bool {
    let label = object::value_at(obj, &["metadata", "labels", APP_LABEL]).and_then(Value::as_str);
    label == Some(app)
        && object::annotation(obj, TRACKING_ANNOTATION).as_deref()
            == Some(tracking_id(app, obj).as_str())
}

/// The label selector of the app's watches.
pub fn selector(app: &str) -> String {
    format!("{APP_LABEL}={app}")
}

/// Engine → cluster: Argo CD's hook finalizer becomes hookline's.
pub fn to_cluster(obj: &mut Value) {
    if object::remove_finalizer(obj, keys::HOOK_FINALIZER) {
        object::add_finalizer(obj, FINALIZER);
    }
}

/// Cluster → engine: hookline's hook finalizer is shown to the engine as Argo CD's.
pub fn from_cluster(obj: &mut Value) {
    if object::remove_finalizer(obj, FINALIZER) {
        object::add_finalizer(obj, keys::HOOK_FINALIZER);
    }
}

/// The cluster name of a finalizer the engine names.
pub fn cluster_finalizer(engine_name: &str) -> &str {
    if engine_name == keys::HOOK_FINALIZER {
        FINALIZER
    } else {
        engine_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_objects_are_tracked_copies_are_not() {
        let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "ns"}});
        assert!(!is_tracked(&o, "app"));
        mark(&mut o, "app");
        assert!(is_tracked(&o, "app"));
        assert!(!is_tracked(&o, "other"));
        // Same label and annotation copied onto another object: not tracked.
        object::set_name(&mut o, "b");
        assert!(!is_tracked(&o, "app"));
    }

    #[test]
    fn finalizer_round_trips() {
        let mut o = json!({"metadata": {"finalizers": [keys::HOOK_FINALIZER, "x"]}});
        to_cluster(&mut o);
        assert!(
            object::has_finalizer(&o, FINALIZER)
                && !object::has_finalizer(&o, keys::HOOK_FINALIZER)
        );
        from_cluster(&mut o);
        assert!(object::has_finalizer(&o, keys::HOOK_FINALIZER) && object::has_finalizer(&o, "x"));
    }
}
