//! The scenario file format v1, key for key (scenario-format.md). Unknown keys are errors.

use crate::duration::Duration;
use crate::engine::OperationPhase;
use crate::health::{HealthRules, OperationState};
use crate::reference::Reference;
use crate::sim::{BehaviourRule, Retry};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioFile {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    pub manifests: Vec<SourceSpec>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub app: Option<AppSpec>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cluster: Option<Vec<SourceSpec>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unknown_kinds: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub behaviour: Option<Vec<BehaviourRule>>,
    /// hookline extension: health rules for custom kinds (docs/health-rules.md).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub health_rules: Option<HealthRules>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operations: Option<Vec<OperationSpec>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expect: Option<Expect>,
}

/// A manifest source: a file or directory relative to the scenario, or inline YAML.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceSpec {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub yaml: Option<String>,
}

/// `app:` — and, inside an operation, the keys it may override.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub started_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prune: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dry_run: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skip_hooks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sync_options: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wave_delay: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry: Option<Retry>,
    /// hookline extension: the controller's sync timeout (C-9); default none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sync_timeout: Option<Duration>,
    /// hookline extension: `argocd app sync --force` (O-1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub force: Option<bool>,
    /// hookline extension: the Application carries a fresh `deletion-approved` (C-8).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prune_confirmed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationSpec {
    pub sync: SyncSpec,
}

/// `operations[].sync`: every `app` key, plus these. The `app` keys are repeated rather than
/// `#[serde(flatten)]`-ed because serde cannot combine `flatten` with `deny_unknown_fields`,
/// and unknown keys must be errors (scenario-format.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncSpec {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub started_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prune: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dry_run: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skip_hooks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sync_options: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wave_delay: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry: Option<Retry>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sync_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub force: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prune_confirmed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub manifests: Option<Vec<SourceSpec>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub behaviour: Option<Vec<BehaviourRule>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub terminate_after: Option<Duration>,
}

impl SyncSpec {
    /// The `app` keys this operation overrides.
    pub fn app_overrides(&self) -> AppSpec {
        AppSpec {
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            revision: self.revision.clone(),
            started_at: self.started_at,
            prune: self.prune,
            dry_run: self.dry_run,
            skip_hooks: self.skip_hooks,
            sync_options: self.sync_options.clone(),
            wave_delay: self.wave_delay,
            retry: self.retry.clone(),
            sync_timeout: self.sync_timeout,
            force: self.force,
            prune_confirmed: self.prune_confirmed,
        }
    }
}

impl AppSpec {
    /// `self` with every key `over` sets replaced.
    pub fn merged(&self, over: &AppSpec) -> AppSpec {
        macro_rules! pick {
            ($($f:ident),*) => { AppSpec { $($f: over.$f.clone().or_else(|| self.$f.clone()),)* } };
        }
        pick!(
            name,
            namespace,
            revision,
            started_at,
            prune,
            dry_run,
            skip_hooks,
            sync_options,
            wave_delay,
            retry,
            sync_timeout,
            force,
            prune_confirmed
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub plan: Option<Vec<Vec<Reference>>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operations: Option<Vec<OperationExpect>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationExpect {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phase: Option<ExpectedPhase>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message_contains: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub applied: Option<Vec<Reference>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub not_applied: Option<Vec<Reference>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub deleted: Option<Vec<Reference>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub results: Option<OrderedMap<ResultExpect>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cluster: Option<ClusterExpect>,
}

/// `Succeeded | Failed | Error | Running` (Running = never finished).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectedPhase {
    Succeeded,
    Failed,
    Error,
    Running,
}

impl ExpectedPhase {
    pub fn matches(self, phase: OperationPhase) -> bool {
        matches!(
            (self, phase),
            (ExpectedPhase::Succeeded, OperationPhase::Succeeded)
                | (ExpectedPhase::Failed, OperationPhase::Failed)
                | (ExpectedPhase::Error, OperationPhase::Error)
                | (
                    ExpectedPhase::Running,
                    OperationPhase::Running | OperationPhase::Terminating
                )
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterExpect {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub present: Option<Vec<Reference>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub absent: Option<Vec<Reference>>,
}

/// A `results:` entry: `absent`, or the fields to compare.
#[derive(Clone, Debug, PartialEq)]
pub enum ResultExpect {
    Absent,
    Fields(ResultFields),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultFields {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<crate::engine::ResultCode>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hook_phase: Option<OperationState>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
}

impl Serialize for ResultExpect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ResultExpect::Absent => s.serialize_str("absent"),
            ResultExpect::Fields(f) => f.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ResultExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::String(w) if w == "absent" => Ok(ResultExpect::Absent),
            serde_json::Value::String(w) => Err(serde::de::Error::custom(format!(
                "expected `absent` or a mapping with status/hookPhase/message, found {w:?}"
            ))),
            _ => serde_json::from_value::<ResultFields>(v)
                .map(ResultExpect::Fields)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// A mapping whose key order is kept (results are checked and reported in file order).
#[derive(Clone, Debug, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(Reference, V)>);

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k.as_str(), v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping from references to expected results")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Reference, V>()? {
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}
