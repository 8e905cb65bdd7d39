//! What the JS side passes in, turned into core's inputs. No Argo CD logic here: parsing,
//! validation, settings and the live view all come from core.

use crate::error::{self, thrown};
use hookline_core::health::HealthRules;
use hookline_core::manifest::{self, Manifest};
use hookline_core::model::GroupKind;
use hookline_core::plan::{LiveSet, SyncSettings};
use hookline_core::scenario::{self, AppSpec, Scenario, ScenarioFile};
use hookline_core::sim::{Behaviours, Cluster};
use hookline_core::yaml;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// The file label of a scenario built in the playground (errors name it).
pub const PLAYGROUND_FILE: &str = "playground.yaml";

/// One editor buffer: a file name (for messages and finding sources) and its text.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedSource {
    pub file: String,
    pub text: String,
}

/// Manifests as the editor holds them, for `plan` and `lint`: line numbers in findings and
/// errors are those of each buffer.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManifestSet {
    pub manifests: Vec<NamedSource>,
    #[serde(default)]
    pub cluster: Option<Vec<NamedSource>>,
    #[serde(default)]
    pub app: Option<AppSpec>,
    #[serde(default)]
    pub unknown_kinds: Option<Vec<String>>,
    /// Lint rules turned off (codes or names).
    #[serde(default)]
    pub disabled: Option<Vec<String>>,
}

pub struct Parsed {
    pub desired: Vec<Manifest>,
    pub live: LiveSet,
    pub settings: SyncSettings,
}

impl ManifestSet {
    pub fn parse(&self) -> Result<Parsed, JsValue> {
        let settings = scenario::settings_of(&self.app.clone().unwrap_or_default());
        let desired = parse_all(&self.manifests)?;
        manifest::validate_set(&desired, &settings.namespace).map_err(error::manifest)?;
        let mut unknown = std::collections::BTreeSet::new();
        for k in self.unknown_kinds.iter().flatten() {
            let gk = GroupKind::parse(k).ok_or_else(|| {
                thrown(
                    &format!("unknownKinds: {k:?} is not group/Kind"),
                    &[("path", Some(JsValue::from_str("unknownKinds")))],
                )
            })?;
            unknown.insert(gk);
        }
        // The simulated cluster's view of the starting objects, exactly as a simulation of
        // the same input would see it (namespaces defaulted, built-in namespaces present).
        let mut cluster =
            Cluster::new(unknown, Behaviours::new(Vec::new()), HealthRules::default());
        for m in parse_all(self.cluster.as_deref().unwrap_or_default())? {
            cluster.seed(m.object, &settings.namespace);
        }
        Ok(Parsed {
            desired,
            live: std::sync::Arc::unwrap_or_clone(cluster.live_set()),
            settings,
        })
    }
}

fn parse_all(sources: &[NamedSource]) -> Result<Vec<Manifest>, JsValue> {
    let mut out = Vec::new();
    for s in sources {
        out.extend(manifest::parse_str(&s.text, &s.file).map_err(error::manifest)?);
    }
    Ok(out)
}

/// A JS object as `T`, or an `Error` naming the function and the offending field.
pub fn from_js<T: DeserializeOwned>(value: JsValue, function: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| thrown(&format!("{function}: invalid input: {e}"), &[]))
}

/// A scenario object, validated the way `hookline test` validates a file: it is written
/// as YAML and that text is parsed, so the browser and the CLI read the same thing.
pub fn scenario(value: JsValue) -> Result<(Scenario, String), JsValue> {
    let spec: ScenarioFile = from_js(value, "scenario")?;
    let text = yaml::to_string(&spec)
        .map_err(|e| error::scenario(scenario::ScenarioError::from_yaml(PLAYGROUND_FILE, e)))?;
    let parsed =
        Scenario::parse(&text, PLAYGROUND_FILE, None, "playground").map_err(error::scenario)?;
    Ok((parsed, text))
}
