//! References to tasks and objects: `[Phase:][group/]Kind/[namespace/]name`
//! (scenario-format.md, "References"), with `*` globs inside a segment.

use crate::model::{ResourceKey, SyncPhase};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub phase: Option<SyncPhase>,
    /// `None` = any group.
    pub group: Option<String>,
    pub kind: String,
    /// `None` = any namespace.
    pub namespace: Option<String>,
    pub name: String,
    text: String,
}

impl Reference {
    pub fn parse(text: &str) -> Result<Reference, String> {
        let trimmed = text.trim();
        let (phase, rest) = match trimmed.split_once(':') {
            Some((p, rest)) => match SyncPhase::parse(p) {
                Some(phase) => (Some(phase), rest),
                None => {
                    return Err(format!(
                        "{text:?}: {p:?} is not a phase (PreSync, Sync, PostSync or SyncFail)"
                    ));
                }
            },
            None => (None, trimmed),
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let Some(kind_at) = segments
            .iter()
            .position(|s| s.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        else {
            return Err(format!(
                "{text:?} names no Kind (the first segment that starts with an upper-case letter); expected [Phase:][group/]Kind/[namespace/]name"
            ));
        };
        let group = match kind_at {
            0 => None,
            1 => Some(segments[0].to_string()),
            _ => {
                return Err(format!(
                    "{text:?}: only one segment (the API group) may come before the Kind"
                ));
            }
        };
        let (namespace, name) = match &segments[kind_at + 1..] {
            [name] => (None, *name),
            [ns, name] => (Some(ns.to_string()), *name),
            [] => return Err(format!("{text:?} has no name after the Kind")),
            _ => {
                return Err(format!(
                    "{text:?}: expected Kind/name or Kind/namespace/name"
                ));
            }
        };
        if name.is_empty() || segments.iter().any(|s| s.is_empty()) {
            return Err(format!("{text:?} has an empty segment"));
        }
        Ok(Reference {
            phase,
            group,
            kind: segments[kind_at].to_string(),
            namespace,
            name: name.to_string(),
            text: trimmed.to_string(),
        })
    }

    /// Matches an object key (the phase, if any, is ignored).
    pub fn matches_key(&self, key: &ResourceKey) -> bool {
        glob(&self.kind, &key.kind)
            && glob(&self.name, &key.name)
            && self.group.as_deref().is_none_or(|g| glob(g, &key.group))
            && self
                .namespace
                .as_deref()
                .is_none_or(|n| glob(n, &key.namespace))
    }

    /// Matches a task (phase and key).
    pub fn matches_task(&self, phase: SyncPhase, key: &ResourceKey) -> bool {
        self.phase.is_none_or(|p| p == phase) && self.matches_key(key)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Reference::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `*` matches any run of characters; everything else is literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(g: &str, k: &str, ns: &str, n: &str) -> ResourceKey {
        ResourceKey::new(g, k, ns, n)
    }

    #[test]
    fn parses_every_form() {
        let r = Reference::parse("PreSync:batch/Job/team/init").unwrap();
        assert_eq!(r.phase, Some(SyncPhase::PreSync));
        assert_eq!(r.group.as_deref(), Some("batch"));
        assert_eq!(
            (r.kind.as_str(), r.namespace.as_deref(), r.name.as_str()),
            ("Job", Some("team"), "init")
        );
        let r = Reference::parse("Job/x").unwrap();
        assert!(r.matches_key(&key("batch", "Job", "ns", "x")));
        assert!(r.matches_task(SyncPhase::PostSync, &key("batch", "Job", "ns", "x")));
        assert!(!r.matches_key(&key("batch", "Job", "ns", "y")));
        let r = Reference::parse("Sync:ConfigMap/team/cfg").unwrap();
        assert!(r.matches_task(SyncPhase::Sync, &key("", "ConfigMap", "team", "cfg")));
        assert!(!r.matches_task(SyncPhase::PreSync, &key("", "ConfigMap", "team", "cfg")));
        assert!(!r.matches_key(&key("", "ConfigMap", "other", "cfg")));
    }

    #[test]
    fn globs_inside_segments() {
        let r = Reference::parse("Job/smoke-*").unwrap();
        assert!(r.matches_key(&key(
            "batch",
            "Job",
            "d",
            "smoke-abc1234-postsync-1700000000"
        )));
        assert!(!r.matches_key(&key("batch", "Job", "d", "other")));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXc"));
        assert!(glob("*", ""));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn bad_references_are_errors() {
        for bad in [
            "",
            "job/x",
            "Presync:Job/x",
            "a/b/Job/x",
            "Job",
            "Job/a/b/c",
            "Job//x",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad:?}");
        }
    }
}
