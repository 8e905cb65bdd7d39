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
/// what a derive gives. Maps of thousands of keys compare keys all the time, so a key
/// keeps, beside its parts, each field's first bytes as one integer and a hash of the
/// whole: most comparisons are decided without reading the strings. The *plan* order is
/// defined in [`crate::plan`] (spec T-7, T-8 and hookline's documented tie-breaks).
#[derive(Clone)]
pub struct ResourceKey(Arc<Shared>);

/// The fields of a [`ResourceKey`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyParts {
    /// API group; empty for the core group.
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped objects (before enrichment, spec T-4).
    pub namespace: String,
    pub name: String,
}

/// A key's parts and what comparisons read first.
struct Shared {
    /// Group, kind, namespace and name, each as one big-endian integer ([`head`]):
    /// comparing two heads orders their fields as their bytes do, unless both fields are
    /// long and share their first [`HEAD`] bytes.
    heads: [u128; 4],
    /// A hash of the parts (what `Hash` feeds a map, and a quick inequality test).
    hash: u64,
    parts: KeyParts,
}

/// How many of a field's bytes its head holds.
const HEAD: usize = 15;

/// The last byte of the head of a field longer than [`HEAD`] bytes.
const LONG: u8 = u8::MAX;

/// A field's first [`HEAD`] bytes, zero-padded, then its length, or [`LONG`] if it is
/// longer. Heads order fields as their bytes do: a difference in the first bytes is the
/// fields' difference (a zero pad is below any byte a longer field has there); equal first
/// bytes leave the shorter field first, and the length byte says so. Only two long fields
/// with the same first bytes need their remaining bytes compared. The keys of a sync are
/// short (`apps`, `Deployment`, `default`, `web-7`), so their maps almost never read a
/// string.
fn head(field: &str) -> u128 {
    let mut bytes = [0u8; HEAD + 1];
    let n = field.len().min(HEAD);
    bytes[..n].copy_from_slice(&field.as_bytes()[..n]);
    bytes[HEAD] = if field.len() > HEAD {
        LONG
    } else {
        field.len() as u8
    };
    u128::from_be_bytes(bytes)
}

/// Whether a head is that of a field longer than [`HEAD`] bytes.
fn is_long(head: u128) -> bool {
    head as u8 == LONG
}

impl KeyParts {
    fn fields(&self) -> [&str; 4] {
        [&self.group, &self.kind, &self.namespace, &self.name]
    }
}

impl std::ops::Deref for ResourceKey {
    type Target = KeyParts;
    fn deref(&self) -> &KeyParts {
        &self.0.parts
    }
}

impl From<KeyParts> for ResourceKey {
    fn from(parts: KeyParts) -> Self {
        use std::hash::BuildHasher;
        if crate::SMALL_MODULE {
            // The playground's keys compare their parts (see `crate::SMALL_MODULE`).
            return ResourceKey(Arc::new(Shared {
                heads: [0; 4],
                hash: 0,
                parts,
            }));
        }
        // A fixed seed: hashes are the same in every process (nothing iterates a map in
        // hash order into an output, but a run must not depend on anything random).
        let hash = foldhash::fast::FixedState::with_seed(0x6b65_7973).hash_one(&parts);
        ResourceKey(Arc::new(Shared {
            heads: parts.fields().map(head),
            hash,
            parts,
        }))
    }
}

impl Serialize for ResourceKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.parts.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ResourceKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        KeyParts::deserialize(deserializer).map(ResourceKey::from)
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

    /// The same key in namespace `namespace`.
    pub fn with_namespace(&self, namespace: &str) -> ResourceKey {
        ResourceKey::new(&self.group, &self.kind, namespace, &self.name)
    }

    /// The same key without a namespace: how a cluster-scoped object is stored, and the
    /// live key a namespaced task matches when the live object has none (T-4.3).
    pub fn without_namespace(&self) -> ResourceKey {
        self.with_namespace("")
    }

    /// The fields, owned (copied only if another key shares them).
    pub fn into_parts(self) -> KeyParts {
        match Arc::try_unwrap(self.0) {
            Ok(shared) => shared.parts,
            Err(shared) => shared.parts.clone(),
        }
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
        let (a, b) = (&*self.0, &*other.0);
        if crate::SMALL_MODULE {
            return a.parts == b.parts;
        }
        self.same(other)
            || (a.hash == b.hash
                && a.heads == b.heads
                && (0..4).all(|f| {
                    !is_long(a.heads[f])
                        || a.parts.fields()[f].as_bytes()[HEAD..]
                            == b.parts.fields()[f].as_bytes()[HEAD..]
                }))
    }
}

impl Eq for ResourceKey {}

/// Feeds the map the hash computed once from the parts (equal keys, equal hashes).
impl std::hash::Hash for ResourceKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        if crate::SMALL_MODULE {
            return self.0.parts.hash(state);
        }
        state.write_u64(self.0.hash);
    }
}

impl Ord for ResourceKey {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering::Equal;
        let (a, b) = (&*self.0, &*other.0);
        if crate::SMALL_MODULE {
            return a.parts.fields().cmp(&b.parts.fields());
        }
        if self.same(other) {
            return Equal;
        }
        for f in 0..4 {
            let (ha, hb) = (a.heads[f], b.heads[f]);
            if ha != hb {
                return ha.cmp(&hb);
            }
            if is_long(ha) {
                // Two long fields that agree on their first bytes: the rest decides.
                let order = tail_cmp(a.parts.fields()[f], b.parts.fields()[f]);
                if order != Equal {
                    return order;
                }
            }
        }
        Equal
    }
}

/// The order of two fields longer than [`HEAD`] bytes, from their remaining bytes: out of
/// line, so that the comparison maps inline stays a few integer compares.
#[cold]
#[inline(never)]
fn tail_cmp(x: &str, y: &str) -> std::cmp::Ordering {
    crate::short_cmp::cmp(&x.as_bytes()[HEAD..], &y.as_bytes()[HEAD..])
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
        // Short and long fields, fields that agree in their first 15 bytes (the heads),
        // fields that are prefixes of others, fields on both sides of the 15-byte edge,
        // a character that straddles it, and NUL bytes (which the zero padding of a head
        // must not confuse with a shorter field).
        let parts = [
            "abcdefghijklmn",
            "abcdefghijklmn\0",
            "abcdefghijklmno",
            "abcdefghijklmno\0",
            "abcdefghijklmno\0\0",
            "abcdefghijklmnoa",
            "abcdefghijklmnü",
            "abcdefghijklmnüx",
            "abcdefghijklmnö",
            "",
            "a",
            "\0",
            "a\0",
            "apps",
            "apps.v1",
            "Deployment",
            "default",
            "web-1",
            "web-10",
            "abcdefghijklmnop",
            "abcdefghijklmnop\0",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
            "abcdefghijklmnopqrstuvwxyz-0123456789",
        ];
        let long = "stable.example.com.io";
        let mut keys = Vec::new();
        for g in ["", "apps", "batch", long, "stable.example.com.iO"] {
            for k in [
                "Job",
                "Deployment",
                "a",
                "ConfigMapListWithALongName",
                "a\0",
            ] {
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
        // Keys built separately from equal strings, so that no comparison is short-cut
        // by a shared allocation.
        let rebuilt: Vec<ResourceKey> = keys
            .iter()
            .map(|k| ResourceKey::new(&k.group, &k.kind, &k.namespace, &k.name))
            .collect();
        for a in &keys {
            for b in &rebuilt {
                assert_eq!(a.cmp(b), tuple(a).cmp(&tuple(b)), "{a:?} {b:?}");
                assert_eq!(a == b, tuple(a) == tuple(b), "{a:?} {b:?}");
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

        let changed = copy.with_namespace("other");
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
