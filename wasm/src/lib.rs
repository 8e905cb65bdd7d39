//! hookline-wasm: a thin `wasm-bindgen` facade over hookline-core for the browser playground
//! (issue 6). It holds no Argo CD logic: every function converts its JS input into core types,
//! asks core, and hands core's serialisable answer back as a plain JS object.
//!
//! Values cross through `serde-wasm-bindgen`'s json-compatible serializer (maps become plain
//! objects, 64-bit integers become numbers), so the browser sees exactly the JSON the CLI
//! prints. Errors are thrown as JS `Error`s carrying the structured details (`file`, `line`,
//! `column`, `document`, `path`, `hint`). TypeScript declarations for every value are in
//! `types.d.ts`, appended to the generated `.d.ts`.

mod error;
mod input;

use error::{JsResult, to_js};
#[cfg(feature = "explore")]
use hookline_core::explore;
use hookline_core::lint::{self, LintConfig};
use hookline_core::plan;
use hookline_core::scenario::{self, Scenario};
use hookline_core::sim;
use input::{ManifestSet, PLAYGROUND_FILE};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// Installs the panic hook, so that a bug (never bad input: that is an `Error`) shows its
/// message in the console instead of `unreachable executed`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version (= hookline-core's: one workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The static plan (spec T-11) of syncing `set.manifests` onto `set.cluster`.
#[wasm_bindgen(unchecked_return_type = "Plan")]
pub fn plan(#[wasm_bindgen(unchecked_param_type = "ManifestSet")] set: JsValue) -> JsResult {
    let set: ManifestSet = input::from_js(set, "plan")?;
    let parsed = set.parse()?;
    to_js(&plan::plan(&parsed.desired, &parsed.live, &parsed.settings))
}

/// Lint findings for `set.manifests` (docs/lints.md), with their sources in the given files.
#[wasm_bindgen(unchecked_return_type = "Finding[]")]
pub fn lint(#[wasm_bindgen(unchecked_param_type = "ManifestSet")] set: JsValue) -> JsResult {
    let set: ManifestSet = input::from_js(set, "lint")?;
    let parsed = set.parse()?;
    let config = LintConfig {
        disabled: set.disabled.clone().unwrap_or_default(),
        settings: parsed.settings,
        app_source: None,
    };
    to_js(&lint::lint(&parsed.desired, &parsed.live, &config))
}

/// Parses scenario YAML (scenario-format.md) into the object the other functions take.
#[wasm_bindgen(js_name = parseScenario, unchecked_return_type = "ScenarioFile")]
pub fn parse_scenario(text: &str, file: Option<String>) -> JsResult {
    let file = file.unwrap_or_else(|| PLAYGROUND_FILE.into());
    let scenario = Scenario::parse(text, &file, None, "playground").map_err(error::scenario)?;
    to_js(&scenario.spec)
}

/// The scenario as YAML that `hookline simulate`/`hookline test` run unchanged. The text is
/// parsed back before it is returned, so an export is always a valid scenario.
#[wasm_bindgen(js_name = scenarioToYaml)]
pub fn scenario_to_yaml(
    #[wasm_bindgen(unchecked_param_type = "ScenarioFile")] scenario: JsValue,
) -> Result<String, JsValue> {
    Ok(input::scenario(scenario)?.1)
}

/// Simulates every operation of the scenario (core::sim).
#[wasm_bindgen(unchecked_return_type = "SimulationReport")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "ScenarioFile")] scenario: JsValue,
) -> JsResult {
    let (scenario, _) = input::scenario(scenario)?;
    to_js(&sim::simulate(&scenario.input))
}

/// What `hookline test` does for one scenario: simulate, then check its `expect:` block.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TestOutcome {
    name: String,
    passed: bool,
    verdict: scenario::Verdict,
    report: sim::SimulationReport,
}

#[wasm_bindgen(unchecked_return_type = "TestOutcome")]
pub fn test(#[wasm_bindgen(unchecked_param_type = "ScenarioFile")] scenario: JsValue) -> JsResult {
    let (scenario, _) = input::scenario(scenario)?;
    let report = sim::simulate(&scenario.input);
    let verdict = scenario::check(&scenario, &report).map_err(error::scenario)?;
    to_js(&TestOutcome {
        name: scenario.name.clone(),
        passed: verdict.passed(),
        verdict,
        report,
    })
}

/// Options of [`explore`]; both optional (core's defaults: 4096 combinations, seed 0).
#[cfg(feature = "explore")]
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExploreOptions {
    max: Option<usize>,
    seed: Option<u64>,
}

#[cfg(feature = "explore")]
/// One outcome class with its example combination as a scenario the playground can load.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExploredClass {
    #[serde(flatten)]
    class: explore::OutcomeClass,
    scenario: scenario::ScenarioFile,
}

#[cfg(feature = "explore")]
/// [`explore::Exploration`] for JS: the combination count as a number (it is a `u128`, which
/// JSON numbers cannot hold exactly; beyond 2^53 it is approximate and the run is a sample).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Explored {
    subjects: Vec<explore::Subject>,
    combinations: f64,
    explored: usize,
    exhaustive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    classes: Vec<ExploredClass>,
}

#[cfg(feature = "explore")]
/// `hookline explore` (core::explore): the scenario under every combination of outcomes of
/// its hooks and health-checked resources, grouped into the ways it can end.
#[wasm_bindgen(unchecked_return_type = "Exploration")]
pub fn explore(
    #[wasm_bindgen(unchecked_param_type = "ScenarioFile")] scenario: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ExploreOptions | undefined")] options: JsValue,
) -> JsResult {
    let (scenario, _) = input::scenario(scenario)?;
    let options: ExploreOptions = if options.is_undefined() || options.is_null() {
        ExploreOptions::default()
    } else {
        input::from_js(options, "explore")?
    };
    let defaults = explore::ExploreOptions::default();
    let found = explore::explore(
        &scenario,
        explore::ExploreOptions {
            max: options.max.unwrap_or(defaults.max),
            seed: options.seed.unwrap_or(defaults.seed),
        },
    )
    .map_err(|message| error::thrown(&message, &[]))?;
    let mut classes = Vec::with_capacity(found.classes.len());
    for (i, class) in found.classes.into_iter().enumerate() {
        let file = explore::export(&scenario, &class, &format!("class {}", i + 1))
            .map_err(error::scenario)?;
        classes.push(ExploredClass {
            class,
            scenario: file,
        });
    }
    to_js(&Explored {
        subjects: found.subjects,
        combinations: found.combinations as f64,
        explored: found.explored,
        exhaustive: found.exhaustive,
        seed: found.seed,
        classes,
    })
}
