//! Names of Kubernetes things and of sync phases, shared by every layer.
//!
//! Objects themselves are kept as `serde_json::Value` (see [`crate::object`]): hookline must
//! read any kind, including custom resources it has no schema for, and must hand the exact
//! object back to a cluster.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The identity Argo CD keys tasks and results by: `(group, kind, namespace, name)`.
///
/// A key is shared, not copied: it points at one immutable [`KeyParts`] (read its fields
/// through `Deref`: `key.name`), so the copies a simulation makes of every key — task,
/// result, effect, trace entry, cluster object, live view — cost a reference count
/// instead of four string allocations. Equality, hashing and order are those of the parts.
///
/// `Ord` is only a container order (maps, sets): field by field, each field by its bytes —
/// what a derive gives, written out to compare without a libc call per field
/// ([`crate::short_cmp`]). The *plan* order is defined in [`crate::plan`] (spec T-7, T-8
/// and hookline's documented tie-breaks).
#[derive(Clone, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceKey(Arc<KeyParts>);

/// The fields of a [`ResourceKey`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyParts {
    /// API group; empty for the core group.
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped objects (before enrichment, spec T-4).
    pub namespace: String,
    pub name: String,
}

impl std::ops::Deref for ResourceKey {
    type Target = KeyParts;
    fn deref(&self) -> &KeyParts {
        &self.0
    }
}

impl From<KeyParts> for ResourceKey {
    fn from(parts: KeyParts) -> Self {
        ResourceKey(Arc::new(parts))
    }
}

/// Prints as the struct it used to be, `ResourceKey { group: .., kind: .., .. }`.
impl fmt::Debug for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceKey")
            .field("group", &self.group)
            .field("kind", &self.kind)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .finish()
    }
}

impl ResourceKey {
    pub fn new(
        group: impl Into<String>,
        kind: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        KeyParts {
            group: group.into(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
        .into()
    }

    /// The fields, for changing one (copied first if another key shares them).
    pub fn parts_mut(&mut self) -> &mut KeyParts {
        Arc::make_mut(&mut self.0)
    }

    /// The fields, owned (copied only if another key shares them).
    pub fn into_parts(self) -> KeyParts {
        Arc::unwrap_or_clone(self.0)
    }

    /// Whether both keys share one allocation: equal without comparing a byte.
    pub fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The address of the shared parts: equal for the copies of one key (an identity
    /// for indexes that would otherwise hash the strings).
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// `group/Kind` as used in discovery and CRD matching (`/Kind` never printed: core is just `Kind`).
    pub fn group_kind(&self) -> GroupKind {
        GroupKind {
            group: self.group.clone(),
            kind: self.kind.clone(),
        }
    }
}

impl PartialEq for ResourceKey {
    fn eq(&self, other: &Self) -> bool {
        use crate::short_cmp::eq;
        if self.same(other) {
            return true;
        }
        // The name first: it is what differs between two keys of one application.
        eq(self.name.as_bytes(), other.name.as_bytes())
            && eq(self.kind.as_bytes(), other.kind.as_bytes())
            && eq(self.namespace.as_bytes(), other.namespace.as_bytes())
            && eq(self.group.as_bytes(), other.group.as_bytes())
    }
}

/// Hashes exactly what `eq` compares, as a derive would.
impl std::hash::Hash for ResourceKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.group.hash(state);
        self.kind.hash(state);
        self.namespace.hash(state);
        self.name.hash(state);
    }
}

impl Ord for ResourceKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use crate::short_cmp::cmp;
        if self.same(other) {
            return std::cmp::Ordering::Equal;
        }
        cmp(self.group.as_bytes(), other.group.as_bytes())
            .then_with(|| cmp(self.kind.as_bytes(), other.kind.as_bytes()))
            .then_with(|| cmp(self.namespace.as_bytes(), other.namespace.as_bytes()))
            .then_with(|| cmp(self.name.as_bytes(), other.name.as_bytes()))
    }
}

impl PartialOrd for ResourceKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// References print as `[group/]Kind/[namespace/]name` (scenario-format.md, "References").
impl ResourceKey {
    /// Writes `[group/]Kind/[namespace/]name` to `out`: the [`fmt::Display`] form, also
    /// straight into a `String` without the formatting machinery (the planner writes one
    /// per task).
    pub fn write_to<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        if !self.group.is_empty() {
            out.write_str(&self.group)?;
            out.write_char('/')?;
        }
        out.write_str(&self.kind)?;
        out.write_char('/')?;
        if !self.namespace.is_empty() {
            out.write_str(&self.namespace)?;
            out.write_char('/')?;
        }
        out.write_str(&self.name)
    }
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// An API group and kind, version-less (Argo CD ignores versions when matching, spec T-4.3).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupKind {
    pub group: String,
    pub kind: String,
}

impl GroupKind {
    pub fn new(group: impl Into<String>, kind: impl Into<String>) -> Self {
        GroupKind {
            group: group.into(),
            kind: kind.into(),
        }
    }

    /// Parses `group/Kind` or `Kind` (core group).
    pub fn parse(s: &str) -> Option<GroupKind> {
        let (group, kind) = match s.rsplit_once('/') {
            Some((g, k)) => (g, k),
            None => ("", s),
        };
        if kind.is_empty() || group.contains('/') {
            return None;
        }
        Some(GroupKind::new(group, kind))
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            f.write_str(&self.kind)
        } else {
            write!(f, "{}/{}", self.group, self.kind)
        }
    }
}

/// The phases a sync runs in (spec H-8, H-9). Declared in execution order, so the derived
/// `Ord` is the phase order of T-7 (PreSync < Sync < PostSync < SyncFail).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SyncPhase {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
}

impl SyncPhase {
    pub const ALL: [SyncPhase; 4] = [
        SyncPhase::PreSync,
        SyncPhase::Sync,
        SyncPhase::PostSync,
        SyncPhase::SyncFail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SyncPhase::PreSync => "PreSync",
            SyncPhase::Sync => "Sync",
            SyncPhase::PostSync => "PostSync",
            SyncPhase::SyncFail => "SyncFail",
        }
    }

    pub fn parse(s: &str) -> Option<SyncPhase> {
        SyncPhase::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for SyncPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an object came from, for errors and lint findings.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// File path as given by the user, `<stdin>`, or a label such as `scenario.yaml#manifests[1]`.
    pub file: String,
    /// 1-based index of the YAML document within the file.
    pub document: usize,
    /// 1-based line where the document (or, for `List` items, the item) starts.
    pub line: usize,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} (document {})",
            self.file, self.line, self.document
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ResourceKey;

    /// The written-out `Ord`/`Eq` are the derived ones: those of the field tuple.
    #[test]
    fn key_order_is_the_field_tuple_order() {
        let parts = [
            "",
            "a",
            "apps",
            "apps.v1",
            "Deployment",
            "default",
            "web-1",
            "web-10",
        ];
        let mut keys = Vec::new();
        for g in ["", "apps", "batch"] {
            for k in ["Job", "Deployment", "a"] {
                for ns in ["", "default", "default2"] {
                    for n in parts {
                        keys.push(ResourceKey::new(g, k, ns, n));
                    }
                }
            }
        }
        let tuple = |k: &ResourceKey| {
            (
                k.group.clone(),
                k.kind.clone(),
                k.namespace.clone(),
                k.name.clone(),
            )
        };
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), tuple(a).cmp(&tuple(b)), "{a} {b}");
                assert_eq!(a == b, tuple(a) == tuple(b), "{a} {b}");
            }
        }
    }

    /// A copy shares the parts; a key built from equal strings does not, yet is equal,
    /// hashes the same and orders the same. Changing one copy leaves the other alone.
    #[test]
    fn copies_share_parts_and_compare_by_value() {
        use std::hash::BuildHasher;
        let a = ResourceKey::new("apps", "Deployment", "default", "web");
        let copy = a.clone();
        let rebuilt = ResourceKey::new("apps", "Deployment", "default", "web");
        assert!(a.same(&copy) && a.addr() == copy.addr());
        assert!(!a.same(&rebuilt));
        assert_eq!(a, rebuilt);
        assert_eq!(a.cmp(&rebuilt), std::cmp::Ordering::Equal);
        let h = foldhash::fast::FixedState::with_seed(1);
        assert_eq!(h.hash_one(&a), h.hash_one(&rebuilt));

        let mut changed = copy.clone();
        changed.parts_mut().namespace = "other".into();
        assert_eq!(copy.namespace, "default");
        assert_eq!(changed.namespace, "other");
        assert!(copy < changed);
    }

    /// The JSON form and the debug form are those of the four fields.
    #[test]
    fn key_serialises_as_its_fields() {
        let k = ResourceKey::new("", "ConfigMap", "ns", "c");
        let json = serde_json::to_string(&k).expect("serialises");
        assert_eq!(
            json,
            r#"{"group":"","kind":"ConfigMap","namespace":"ns","name":"c"}"#
        );
        let back: ResourceKey = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, k);
        assert_eq!(
            format!("{k:?}"),
            r#"ResourceKey { group: "", kind: "ConfigMap", namespace: "ns", name: "c" }"#
        );
    }
}
