//! The garbage collector's share of deletion: owner references and propagation policies.
//!
//! An object's dependents are the objects that list its uid in `metadata.ownerReferences`.
//! A DELETE decides their fate with its propagation policy, as the real collector does,
//! only at once instead of eventually:
//!
//! - `Background`: the object goes first; then every dependent none of whose owners is
//!   left is deleted (in the background too).
//! - `Foreground`: the object gets the `foregroundDeletion` finalizer and stays while a
//!   dependent with `blockOwnerDeletion: true` remains; its dependents are deleted in the
//!   foreground as well (spec P-7: a pruned owner holds its wave until they are gone).
//! - `Orphan`: the `orphan` finalizer while the dependents lose their reference to it; the
//!   dependents stay.
//!
//! The fixture's own controller creates no dependents (Jobs report completion without
//! Pods), so dependents come from the test: seeded objects with owner references.

use super::store::{ObjId, Propagation, Store};
use hookline_core::object;
use serde_json::Value;

/// The finalizer of an object deleted in the foreground.
pub const FOREGROUND: &str = "foregroundDeletion";
/// The finalizer of an object whose dependents are being orphaned.
pub const ORPHAN: &str = "orphan";

/// Called once, when a DELETE first marks `id` for deletion.
pub(super) fn start(store: &mut Store, id: &ObjId, propagation: Propagation) {
    let Some(uid) = uid_of(store, id) else {
        return;
    };
    match propagation {
        Propagation::Background => {} // collected when the object is removed
        Propagation::Orphan => {
            for d in dependents(store, &uid) {
                store.rewrite(&d, |v| drop_owner(v, &uid));
            }
            store.rewrite(id, |v| {
                object::remove_finalizer(v, ORPHAN);
            });
        }
        Propagation::Foreground => {
            for d in dependents(store, &uid) {
                let _ = store.delete(&d, false, Propagation::Foreground);
            }
            release_if_unblocked(store, id, &uid);
        }
    }
}

/// Called after an object is removed from the store.
pub(super) fn removed(store: &mut Store, last: &Value) {
    if let Some(uid) = object::str_at(last, &["metadata", "uid"]) {
        for d in dependents(store, uid) {
            let orphaned = store
                .objects
                .get(&d)
                .is_some_and(|o| owners(&o.value).all(|(owner, _)| find(store, owner).is_none()));
            if orphaned {
                let _ = store.delete(&d, false, Propagation::Background);
            }
        }
    }
    // Owners deleted in the foreground may have been waiting for this one.
    for (owner, _) in owners(last) {
        if let Some(owner_id) = find(store, owner)
            && store
                .objects
                .get(&owner_id)
                .is_some_and(|o| object::finalizers(&o.value).contains(&FOREGROUND))
        {
            release_if_unblocked(store, &owner_id, owner);
        }
    }
}

/// Whether some object names `id` among its owners.
pub(super) fn has_dependents(store: &Store, id: &ObjId) -> bool {
    uid_of(store, id).is_some_and(|uid| !dependents(store, &uid).is_empty())
}

/// Removes the `foregroundDeletion` finalizer of `id` once no dependent blocks it.
fn release_if_unblocked(store: &mut Store, id: &ObjId, uid: &str) {
    let blocked = dependents(store, uid).iter().any(|d| {
        store
            .objects
            .get(d)
            .is_some_and(|o| owners(&o.value).any(|(owner, block)| owner == uid && block))
    });
    if !blocked {
        store.rewrite(id, |v| {
            object::remove_finalizer(v, FOREGROUND);
        });
    }
}

/// `(uid, blockOwnerDeletion)` of each owner reference.
fn owners(obj: &Value) -> impl Iterator<Item = (&str, bool)> {
    object::value_at(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let uid = r.get("uid")?.as_str()?;
            let block = r.get("blockOwnerDeletion").and_then(Value::as_bool) == Some(true);
            Some((uid, block))
        })
}

fn drop_owner(obj: &mut Value, uid: &str) {
    if let Some(refs) = obj
        .pointer_mut("/metadata/ownerReferences")
        .and_then(Value::as_array_mut)
    {
        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
    }
}

fn dependents(store: &Store, uid: &str) -> Vec<ObjId> {
    store
        .objects
        .iter()
        .filter(|(_, o)| owners(&o.value).any(|(owner, _)| owner == uid))
        .map(|(id, _)| id.clone())
        .collect()
}

fn find(store: &Store, uid: &str) -> Option<ObjId> {
    store
        .objects
        .iter()
        .find(|(_, o)| object::str_at(&o.value, &["metadata", "uid"]) == Some(uid))
        .map(|(id, _)| id.clone())
}

fn uid_of(store: &Store, id: &ObjId) -> Option<String> {
    let o = store.objects.get(id)?;
    object::str_at(&o.value, &["metadata", "uid"]).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A ConfigMap `name` with a fixed uid, owned by the given `(uid, blockOwnerDeletion)`.
    fn cm(name: &str, owners: &[(&str, bool)], finalizers: &[&str]) -> Value {
        let refs: Vec<Value> = owners
            .iter()
            .map(|(uid, block)| {
                json!({"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": uid,
                       "blockOwnerDeletion": block})
            })
            .collect();
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"),
                            "ownerReferences": refs, "finalizers": finalizers}})
    }

    fn id(name: &str) -> ObjId {
        ("/configmaps".into(), "default".into(), name.into())
    }

    fn store(objects: Vec<Value>) -> Store {
        let mut s = Store::new();
        for o in objects {
            s.seed(o);
        }
        s
    }

    #[test]
    fn background_collects_dependents_whose_owners_are_all_gone() {
        let mut s = store(vec![
            cm("owner", &[], &[]),
            cm("other", &[], &[]),
            cm("child", &[("uid-owner", false)], &[]),
            cm("grandchild", &[("uid-child", false)], &[]),
            cm("shared", &[("uid-owner", false), ("uid-other", false)], &[]),
        ]);
        s.delete(&id("owner"), false, Propagation::Background)
            .unwrap();
        for gone in ["owner", "child", "grandchild"] {
            assert!(!s.objects.contains_key(&id(gone)), "{gone}");
        }
        assert!(
            s.objects.contains_key(&id("shared")),
            "another owner is left"
        );
        s.delete(&id("other"), false, Propagation::Background)
            .unwrap();
        assert!(!s.objects.contains_key(&id("shared")));
    }

    #[test]
    fn foreground_waits_for_blocking_dependents_p7() {
        let mut s = store(vec![
            cm("owner", &[], &[]),
            cm("blocking", &[("uid-owner", true)], &["example.com/keep"]),
            cm("loose", &[("uid-owner", false)], &[]),
        ]);
        let (_, marked) = s
            .delete(&id("owner"), false, Propagation::Foreground)
            .unwrap();
        assert_eq!(object::finalizers(&marked), vec![FOREGROUND]);
        assert!(!s.objects.contains_key(&id("loose")));
        let blocking = &s.objects[&id("blocking")].value;
        assert!(object::deletion_timestamp(blocking).is_some());
        assert!(
            s.objects.contains_key(&id("owner")),
            "held by its blocking dependent"
        );
        // The dependent's own finalizer goes: it is removed, and so is its owner.
        s.rewrite(&id("blocking"), |v| {
            object::remove_finalizer(v, "example.com/keep");
        });
        assert!(!s.objects.contains_key(&id("blocking")));
        assert!(!s.objects.contains_key(&id("owner")));
    }

    #[test]
    fn foreground_without_dependents_deletes_at_once() {
        let mut s = store(vec![cm("owner", &[], &[])]);
        s.delete(&id("owner"), false, Propagation::Foreground)
            .unwrap();
        assert!(!s.objects.contains_key(&id("owner")));
    }

    #[test]
    fn orphan_keeps_dependents_without_the_reference() {
        let mut s = store(vec![
            cm("owner", &[], &[]),
            cm(
                "child",
                &[("uid-owner", true), ("uid-elsewhere", false)],
                &[],
            ),
        ]);
        s.delete(&id("owner"), false, Propagation::Orphan).unwrap();
        assert!(!s.objects.contains_key(&id("owner")));
        let child = &s.objects[&id("child")].value;
        assert_eq!(
            owners(child).collect::<Vec<_>>(),
            vec![("uid-elsewhere", false)]
        );
    }

    #[test]
    fn an_owner_with_its_own_finalizer_collects_nothing_until_it_is_gone() {
        let mut s = store(vec![
            cm("owner", &[], &["example.com/keep"]),
            cm("child", &[("uid-owner", false)], &[]),
        ]);
        s.delete(&id("owner"), false, Propagation::Background)
            .unwrap();
        assert!(s.objects.contains_key(&id("child")));
        s.rewrite(&id("owner"), |v| {
            object::remove_finalizer(v, "example.com/keep");
        });
        assert!(!s.objects.contains_key(&id("owner")));
        assert!(!s.objects.contains_key(&id("child")));
    }
}
