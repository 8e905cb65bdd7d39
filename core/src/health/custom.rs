//! User-supplied health rules for kinds without (or with an unwanted) built-in check — the
//! data counterpart of Argo CD's Lua health customizations (spec HL-2.2, HL-17).
//!
//! Format and examples: `docs/health-rules.md`. In short, a list of rules; the first rule
//! whose `kind` matches the object decides (it is consulted after the deletion rule and before
//! the built-in checks, and its result is final):
//!
//! ```yaml
//! - kind: example.com/Widget          # group/Kind; `*` globs; a bare Kind is the core group
//!   condition: {type: Ready}          # status.conditions[type=Ready]: True → Healthy,
//!                                     # False → Degraded, Unknown/absent → Progressing
//! - kind: "*/Database"
//!   field:
//!     path: status.phase
//!     map: {Ready: Healthy, Failed: Degraded}
//!     default: Progressing
//!     messagePath: status.message
//! ```

use super::{Health, HealthStatus};
use crate::object;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// User rules, in priority order (first match wins); empty = built-in checks only.
/// Serialised as a plain list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HealthRules {
    pub rules: Vec<HealthRule>,
}

impl HealthRules {
    pub fn new(rules: Vec<HealthRule>) -> Self {
        HealthRules { rules }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule whose kind pattern matches the object.
    pub fn matching(&self, obj: &Value) -> Option<&HealthRule> {
        // Asked on every status write and health check: most applications have no rule.
        if self.rules.is_empty() {
            return None;
        }
        let (group, kind) = (object::group(obj), object::kind(obj));
        self.rules.iter().find(|r| r.kind.matches(group, kind))
    }

    /// The health the first matching rule gives; `None` if no rule matches.
    pub fn assess(&self, obj: &Value) -> Option<Health> {
        self.matching(obj).map(|r| r.assess(obj))
    }
}

/// One rule: which kinds it applies to and how it reads their health. Exactly one of
/// `condition` and `field` must be given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawHealthRule")]
pub struct HealthRule {
    pub kind: KindPattern,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawHealthRule {
    kind: KindPattern,
    #[serde(default)]
    condition: Option<ConditionRule>,
    #[serde(default)]
    field: Option<FieldRule>,
}

impl TryFrom<RawHealthRule> for HealthRule {
    type Error = String;

    fn try_from(raw: RawHealthRule) -> Result<Self, String> {
        match (&raw.condition, &raw.field) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "health rule for {}: give either `condition` or `field`, not both",
                    raw.kind
                ));
            }
            (None, None) => {
                return Err(format!(
                    "health rule for {}: one of `condition` or `field` is required",
                    raw.kind
                ));
            }
            _ => {}
        }
        if let Some(c) = &raw.condition
            && c.type_.is_empty()
        {
            return Err(format!(
                "health rule for {}: condition `type` is empty",
                raw.kind
            ));
        }
        if let Some(f) = &raw.field {
            for path in std::iter::once(&f.path).chain(&f.message_path) {
                if path.split('.').any(str::is_empty) {
                    return Err(format!(
                        "health rule for {}: invalid field path {path:?} (dot-separated keys, e.g. status.phase)",
                        raw.kind
                    ));
                }
            }
        }
        Ok(HealthRule {
            kind: raw.kind,
            condition: raw.condition,
            field: raw.field,
        })
    }
}

impl HealthRule {
    pub fn assess(&self, obj: &Value) -> Health {
        match (&self.condition, &self.field) {
            (Some(c), _) => c.assess(obj),
            (None, Some(f)) => f.assess(obj),
            // Unreachable through deserialisation; a hand-built empty rule waits.
            (None, None) => Health::new(HealthStatus::Progressing, ""),
        }
    }
}

/// Which kinds a rule applies to: `group/Kind`, where either part may use `*` as a glob
/// (`*/Widget`, `*.example.com/*`); a pattern without `/` names a core-group kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KindPattern {
    pub group: String,
    pub kind: String,
}

impl KindPattern {
    pub fn parse(s: &str) -> Result<KindPattern, String> {
        let (group, kind) = s.rsplit_once('/').unwrap_or(("", s));
        if kind.is_empty() || group.contains('/') {
            return Err(format!(
                "invalid kind pattern {s:?}: expected `group/Kind`, `*/Kind` or a core `Kind`"
            ));
        }
        Ok(KindPattern {
            group: group.into(),
            kind: kind.into(),
        })
    }

    pub fn matches(&self, group: &str, kind: &str) -> bool {
        glob(&self.group, group) && glob(&self.kind, kind)
    }
}

impl TryFrom<String> for KindPattern {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        KindPattern::parse(&s)
    }
}

impl From<KindPattern> for String {
    fn from(p: KindPattern) -> String {
        p.to_string()
    }
}

impl fmt::Display for KindPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            f.write_str(&self.kind)
        } else {
            write!(f, "{}/{}", self.group, self.kind)
        }
    }
}

/// `*` matches any run of characters (including none); everything else literally.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty(); // no `*` at all: exact match
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Health from one entry of `status.conditions` (the Kubernetes condition convention).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionRule {
    /// The condition type, e.g. `Ready`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Health when the condition's status is `"True"` (default `Healthy`).
    #[serde(default = "healthy")]
    pub if_true: HealthStatus,
    /// Health when it is `"False"` (default `Degraded`), unless its reason is listed in
    /// `progressingReasons`.
    #[serde(default = "degraded")]
    pub if_false: HealthStatus,
    /// Health for any other status, usually `"Unknown"` (default `Progressing`).
    #[serde(default = "progressing")]
    pub if_unknown: HealthStatus,
    /// Health when there is no such condition yet (default `Progressing`).
    #[serde(default = "progressing")]
    pub if_missing: HealthStatus,
    /// Reasons that mean "not yet" rather than "failed" when the status is `"False"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progressing_reasons: Vec<String>,
}

fn healthy() -> HealthStatus {
    HealthStatus::Healthy
}
fn degraded() -> HealthStatus {
    HealthStatus::Degraded
}
fn progressing() -> HealthStatus {
    HealthStatus::Progressing
}

impl ConditionRule {
    pub fn new(type_: impl Into<String>) -> Self {
        ConditionRule {
            type_: type_.into(),
            if_true: healthy(),
            if_false: degraded(),
            if_unknown: progressing(),
            if_missing: progressing(),
            progressing_reasons: Vec::new(),
        }
    }

    /// Reads `status.conditions`, tolerating any malformation (a malformed list or entry
    /// counts as absent). The health message is the condition's `message`.
    pub fn assess(&self, obj: &Value) -> Health {
        let found = object::value_at(obj, &["status", "conditions"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|c| object::str_at(c, &["type"]) == Some(self.type_.as_str()));
        let Some(c) = found else {
            return Health::new(self.if_missing, "");
        };
        let text = |key: &str| object::str_at(c, &[key]).unwrap_or("");
        let status = match text("status") {
            "True" => self.if_true,
            "False" if self.progressing_reasons.iter().any(|r| r == text("reason")) => {
                HealthStatus::Progressing
            }
            "False" => self.if_false,
            _ => self.if_unknown,
        };
        Health::new(status, text("message"))
    }
}

/// Health from the value of one field, e.g. `status.phase`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldRule {
    /// Dot-separated path of the field, e.g. `status.phase`.
    pub path: String,
    /// Field value → health. Numbers and booleans are matched by their text (`"true"`, `"3"`).
    pub map: BTreeMap<String, HealthStatus>,
    /// Health when the field is absent or its value is not in `map` (default `Progressing`).
    #[serde(default = "progressing")]
    pub default: HealthStatus,
    /// Dot-separated path of a string field that becomes the health message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_path: Option<String>,
}

pub(crate) fn split_path(path: &str) -> Vec<&str> {
    path.split('.').collect()
}

/// A scalar as the text a `map` key would spell it; `None` for absent, null, lists and maps.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    }
}

impl FieldRule {
    pub fn assess(&self, obj: &Value) -> Health {
        let value = object::value_at(obj, &split_path(&self.path)).and_then(scalar_text);
        let status = value
            .and_then(|v| self.map.get(&v).copied())
            .unwrap_or(self.default);
        let message = self
            .message_path
            .as_deref()
            .and_then(|p| object::value_at(obj, &split_path(p)))
            .and_then(scalar_text)
            .unwrap_or_default();
        Health::new(status, message)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assess, evaluate};
    use super::*;
    use serde_json::json;

    fn rules(yaml: &str) -> HealthRules {
        match serde_yaml::from_str(yaml) {
            Ok(r) => r,
            Err(e) => panic!("rules did not parse: {e}"),
        }
    }

    fn widget(conditions: Value) -> Value {
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
               "status": {"conditions": conditions}})
    }

    #[test]
    fn condition_rule_defaults() {
        let r = rules("- kind: example.com/Widget\n  condition: {type: Ready}\n");
        let h = |c: Value| assess(&widget(c), &r);
        assert_eq!(
            h(json!([{"type": "Ready", "status": "True", "message": "up"}])),
            Some(Health::new(HealthStatus::Healthy, "up"))
        );
        assert_eq!(
            h(json!([{"type": "Ready", "status": "False", "message": "broken"}])),
            Some(Health::new(HealthStatus::Degraded, "broken"))
        );
        assert_eq!(
            h(json!([{"type": "Ready", "status": "Unknown"}])).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
        assert_eq!(
            h(json!([{"type": "Synced", "status": "True"}])).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
        // Malformed conditions are "absent", never a panic.
        assert_eq!(
            h(json!(5)).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
        // Without the rule the CR has no health at all.
        assert_eq!(assess(&widget(json!([])), &HealthRules::default()), None);
    }

    #[test]
    fn condition_rule_progressing_reasons_and_overrides() {
        let r = rules(
            "- kind: '*/Widget'\n  condition:\n    type: Ready\n    ifMissing: Healthy\n    progressingReasons: [Reconciling]\n",
        );
        let w = |c: Value| assess(&widget(c), &r).map(|h| h.status);
        assert_eq!(
            w(json!([{"type": "Ready", "status": "False", "reason": "Reconciling"}])),
            Some(HealthStatus::Progressing)
        );
        assert_eq!(
            w(json!([{"type": "Ready", "status": "False", "reason": "Crashed"}])),
            Some(HealthStatus::Degraded)
        );
        assert_eq!(w(json!([])), Some(HealthStatus::Healthy));
    }

    #[test]
    fn field_rule_with_message_path() {
        let r = rules(
            "- kind: db.example.com/Database\n  field:\n    path: status.phase\n    map: {Ready: Healthy, Failed: Degraded, 'true': Suspended}\n    default: Progressing\n    messagePath: status.message\n",
        );
        let db = |status: Value| {
            let obj =
                json!({"apiVersion": "db.example.com/v1", "kind": "Database", "status": status});
            assess(&obj, &r)
        };
        assert_eq!(
            db(json!({"phase": "Failed", "message": "disk full"})),
            Some(Health::new(HealthStatus::Degraded, "disk full"))
        );
        assert_eq!(
            db(json!({"phase": "Ready"})),
            Some(Health::new(HealthStatus::Healthy, ""))
        );
        assert_eq!(
            db(json!({"phase": true})).map(|h| h.status),
            Some(HealthStatus::Suspended)
        );
        assert_eq!(
            db(json!({"phase": "Creating"})).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
        assert_eq!(
            db(json!("x")).map(|h| h.status),
            Some(HealthStatus::Progressing)
        );
    }

    #[test]
    fn rules_come_after_deletion_and_before_builtins_first_match_wins() {
        let r = rules(
            "- kind: batch/Job\n  field: {path: status.phase, map: {}, default: Suspended}\n- kind: batch/*\n  condition: {type: Ready}\n",
        );
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                         "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(
            assess(&job, &r).map(|h| h.status),
            Some(HealthStatus::Suspended)
        );
        // Even an unsupported version: the rule decides, no error.
        let mut v2 = job.clone();
        v2["apiVersion"] = "batch/v2".into();
        assert_eq!(
            evaluate(&v2, &r),
            Ok(Some(Health::new(HealthStatus::Suspended, "")))
        );
        let mut deleting = job;
        deleting["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z".into();
        assert_eq!(
            assess(&deleting, &r),
            Some(Health::new(HealthStatus::Progressing, "Pending deletion"))
        );
    }

    #[test]
    fn kind_patterns() {
        let p = |s: &str| KindPattern::parse(s).unwrap_or_else(|e| panic!("{e}"));
        assert!(p("example.com/Widget").matches("example.com", "Widget"));
        assert!(!p("example.com/Widget").matches("other.com", "Widget"));
        assert!(p("*/Widget").matches("", "Widget"));
        assert!(p("*.example.com/*").matches("a.example.com", "Gadget"));
        assert!(!p("*.example.com/*").matches("example.com", "Gadget"));
        assert!(p("ConfigMap").matches("", "ConfigMap"));
        assert!(!p("ConfigMap").matches("x", "ConfigMap"));
        assert!(p("a*b*c/K").matches("abxc", "K"));
        assert!(!p("a*b*c/K").matches("acb", "K"));
        assert!(KindPattern::parse("a/b/C").is_err());
        assert!(KindPattern::parse("group/").is_err());
    }

    #[test]
    fn invalid_rules_are_rejected() {
        for bad in [
            "- kind: x/Y\n  condition: {type: Ready, ifTrue: Fine}\n", // unknown status name
            "- kind: x/Y\n  condition: {type: Ready, colour: red}\n",  // unknown key
            "- kind: x/Y\n  extra: 1\n  condition: {type: Ready}\n",   // unknown key
            "- kind: x/Y\n",                                           // no check
            "- kind: x/Y\n  condition: {type: Ready}\n  field: {path: a, map: {}}\n",
            "- kind: x/Y\n  field: {path: status..phase, map: {}}\n",
            "- kind: x/Y\n  field: {path: status.phase, map: {a: healthy}}\n",
            "- kind: x/Y\n  condition: {type: ''}\n",
            "- kind: a/b/C\n  condition: {type: Ready}\n",
        ] {
            assert!(
                serde_yaml::from_str::<HealthRules>(bad).is_err(),
                "accepted: {bad}"
            );
        }
    }

    #[test]
    fn docs_examples_parse() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Doc {
            health_rules: HealthRules,
        }
        let doc = include_str!("../../../docs/health-rules.md");
        let blocks: Vec<&str> = doc
            .split("```yaml\n")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .collect();
        assert_eq!(blocks.len(), 2);
        for block in blocks {
            let parsed: Result<Doc, _> = serde_yaml::from_str(block);
            assert!(parsed.is_ok(), "{parsed:?}\n{block}");
        }
        let app = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                         "status": {"health": {"status": "Degraded", "message": "child"}}});
        let rules: Result<Doc, _> = serde_yaml::from_str(
            doc.rsplit("```yaml\n")
                .next()
                .and_then(|b| b.split("```").next())
                .unwrap_or(""),
        );
        assert_eq!(
            rules.ok().and_then(|d| assess(&app, &d.health_rules)),
            Some(Health::new(HealthStatus::Degraded, "child"))
        );
    }

    #[test]
    fn rules_round_trip_through_json() {
        let r = rules(
            "- kind: example.com/Widget\n  condition: {type: Ready, progressingReasons: [A]}\n- kind: Database\n  field: {path: status.phase, map: {Ready: Healthy}}\n",
        );
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(json[0]["kind"], "example.com/Widget");
        assert_eq!(json[0]["condition"]["ifFalse"], "Degraded");
        let back: Result<HealthRules, _> = serde_json::from_value(json);
        assert_eq!(back.ok(), Some(r));
    }
}
