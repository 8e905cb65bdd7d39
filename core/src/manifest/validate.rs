//! Checks over a whole manifest set.

use super::{Manifest, ManifestError};
use crate::classify;
use crate::model::{ResourceKey, Source};
use crate::object;
use std::collections::HashMap;

/// Checks a manifest set as Argo CD will see it:
///
/// - no two objects share group, kind, namespace and name, where an empty namespace is
///   `default_namespace` (Argo CD gives every target without a namespace the destination
///   namespace, spec T-4); the error names both places. Objects with only `generateName`
///   are exempt (each sync names them anew, spec N-1);
/// - `generateName` without `name` only on hooks: Argo CD names hooks only (spec N-1), a
///   plain resource without a name fails to apply.
///
/// Problems are reported in manifest order; the first one is returned.
pub fn validate_set(manifests: &[Manifest], default_namespace: &str) -> Result<(), ManifestError> {
    let mut seen: HashMap<ResourceKey, &Source> = HashMap::new();
    for m in manifests {
        let obj = &m.object;
        if object::name(obj).is_empty() {
            if !classify::is_hook(obj) {
                return Err(ManifestError::at_source(
                    &m.source,
                    format!(
                        "{} has metadata.generateName {:?} but no metadata.name, and is not a \
                         hook: Argo CD generates names only for hooks (spec N-1), so it \
                         cannot be applied",
                        object::group_kind(obj),
                        object::generate_name(obj)
                    ),
                )
                .hint(
                    "set metadata.name, or make it a hook (annotation \
                     argocd.argoproj.io/hook, e.g. PreSync)",
                ));
            }
            continue;
        }
        let mut key = m.key();
        if key.namespace.is_empty() {
            key = key.with_namespace(default_namespace);
        }
        if let Some(first) = seen.get(&key) {
            return Err(ManifestError::at_source(
                &m.source,
                format!("duplicate object {key}: also defined at {first}"),
            )
            .hint(format!(
                "Argo CD keys objects by group, kind, namespace and name, so only one of them \
                 would be synced: remove or rename one of them (an object without \
                 metadata.namespace is in the destination namespace {default_namespace:?})"
            ))
            .related((*first).clone()));
        }
        seen.insert(key, &m.source);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn m(object: Value, file: &str, document: usize, line: usize) -> Manifest {
        Manifest {
            object,
            source: Source {
                file: file.to_string(),
                document,
                line,
            },
        }
    }

    fn deploy(ns: Option<&str>, name: &str) -> Value {
        let mut v =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}});
        if let Some(ns) = ns {
            object::set_namespace(&mut v, ns);
        }
        v
    }

    #[test]
    fn duplicates_name_both_places() {
        let set = [
            m(deploy(None, "web"), "a.yaml", 1, 1),
            m(deploy(Some("other"), "web"), "a.yaml", 2, 20),
            m(deploy(Some("prod"), "web"), "b.yaml", 3, 7),
        ];
        let e = validate_set(&set, "prod").unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.document, e.line),
            ("b.yaml", Some(3), Some(7))
        );
        assert_eq!(
            e.message,
            "duplicate object apps/Deployment/prod/web: also defined at a.yaml:1 (document 1)"
        );
        assert_eq!(e.related, Some(set[0].source.clone()));
        assert!(
            e.to_string()
                .starts_with("b.yaml:7: document 3: duplicate object")
        );
        assert!(e.to_string().contains("\nhint: "));
        // A different destination namespace: no clash.
        assert!(validate_set(&set, "default").is_ok());
    }

    #[test]
    fn versions_do_not_distinguish_objects() {
        let mut v1beta = deploy(None, "web");
        v1beta["apiVersion"] = json!("apps/v1beta1");
        let set = [
            m(deploy(None, "web"), "a.yaml", 1, 1),
            m(v1beta, "a.yaml", 2, 5),
        ];
        assert!(validate_set(&set, "default").is_err());
        // Different group: different object.
        let mut other = deploy(None, "web");
        other["apiVersion"] = json!("example.com/v1");
        let set = [
            m(deploy(None, "web"), "a.yaml", 1, 1),
            m(other, "a.yaml", 2, 5),
        ];
        assert!(validate_set(&set, "default").is_ok());
    }

    #[test]
    fn generate_name_only_for_hooks() {
        let hook = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {
            "generateName": "migrate-",
            "annotations": {"argocd.argoproj.io/hook": "PreSync"}}});
        // Two hooks with the same generateName are fine: each sync names them anew.
        let set = [m(hook.clone(), "h.yaml", 1, 1), m(hook, "h.yaml", 2, 9)];
        assert!(validate_set(&set, "default").is_ok());

        let plain = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "migrate-"}});
        let e = validate_set(&[m(plain, "j.yaml", 1, 3)], "default").unwrap_err();
        assert_eq!((e.document, e.line), (Some(1), Some(3)));
        assert!(e.message.contains("not a hook"), "{e}");
        assert!(e.message.contains("batch/Job"), "{e}");
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "set metadata.name, or make it a hook (annotation argocd.argoproj.io/hook, e.g. PreSync)"
            )
        );
        // Skip is not a hook (H-5).
        let skip = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "generateName": "p-", "annotations": {"argocd.argoproj.io/hook": "Skip"}}});
        assert!(validate_set(&[m(skip, "s.yaml", 1, 1)], "default").is_err());
    }
}
