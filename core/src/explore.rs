//! `hookline explore`: a scenario under every combination of outcomes of its hooks and
//! health-checked resources (issue 8).
//!
//! The *subjects* are the objects of the first operation's plan whose health the simulated
//! cluster can move (scenario-format.md, "Defaults of the simulated cluster"): hooks and
//! resources with a built-in health check. Each gets `succeed`, `fail` or `hang`. With at
//! most `max` combinations all are run, in a fixed order; otherwise a sample of `max`
//! distinct combinations drawn from `seed`. Runs that end alike — same final phase and
//! message per operation, same hooks applied, same hooks left in the cluster, same objects
//! stuck terminating — form one *class*, kept with its first combination as an example that
//! can be exported as a scenario file.
//!
//! All semantics come from [`crate::sim`]; this module only chooses behaviours and groups
//! reports. Output order is deterministic (no hash order).

use crate::engine::OperationPhase;
use crate::manifest::Manifest;
use crate::plan::TaskAction;
use crate::reference::Reference;
use crate::scenario::{
    AppSpec, Expect, ExpectedPhase, OperationExpect, Scenario, ScenarioError, ScenarioFile,
    SourceSpec,
};
use crate::sim::{self, BehaviourRule, Outcome, SimInput, SimulationReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Combinations run exhaustively up to this many unless told otherwise.
pub const DEFAULT_MAX: usize = 4096;

/// The three outcomes tried for every subject, in enumeration order.
pub const OUTCOMES: [Outcome; 3] = [Outcome::Succeed, Outcome::Fail, Outcome::Hang];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExploreOptions {
    /// Run every combination when there are at most this many, else sample this many.
    pub max: usize,
    /// Seed of the sample (ignored when exhaustive).
    pub seed: u64,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            max: DEFAULT_MAX,
            seed: 0,
        }
    }
}

/// An object whose outcome is varied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    /// `[group/]Kind/name`: matches the object in any namespace and phase.
    pub reference: String,
    pub hook: bool,
}

/// One subject's outcome in a combination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub reference: String,
    pub outcome: Outcome,
}

/// How one operation ended in a class.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
    /// `Succeeded`, `Failed`, `Error`, or `Running` when it never finished.
    pub phase: String,
    pub message: String,
    /// It would wait forever (HL-21).
    pub stuck: bool,
    /// Hook tasks that got a real apply, in the order they were applied (first time each).
    pub hooks_applied: Vec<String>,
    /// Hook objects in the cluster when it ended.
    pub hooks_left: Vec<String>,
    /// Objects stuck terminating (a finalizer holds them) when it ended.
    pub terminating: Vec<String>,
}

/// Runs that ended alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeClass {
    pub operations: Vec<OperationOutcome>,
    /// How many explored combinations ended this way.
    pub count: usize,
    /// The first of them, in exploration order.
    pub example: Vec<Assignment>,
}

/// What `explore` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exploration {
    pub subjects: Vec<Subject>,
    /// 3^subjects, saturating.
    pub combinations: u128,
    pub explored: usize,
    pub exhaustive: bool,
    /// The sample's seed (present when not exhaustive).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seed: Option<u64>,
    /// Most frequent first; ties in first-seen order.
    pub classes: Vec<OutcomeClass>,
}

/// The subjects of a scenario: first-operation plan tasks whose health the simulated cluster
/// moves (hooks and resources with a health timeline), one per group/kind/name.
pub fn subjects(scenario: &Scenario) -> Vec<Subject> {
    let Some(op) = scenario.input.operations.first() else {
        return Vec::new();
    };
    let mut cluster = scenario.input.initial_cluster();
    let set = crate::plan::build_tasks(&op.desired, &cluster.live_set(), &op.settings);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in &set.tasks {
        let Some(target) = &t.target else { continue };
        if t.action != TaskAction::Apply || !sim::has_health_timeline(target) {
            continue;
        }
        let reference = if t.key.group.is_empty() {
            format!("{}/{}", t.key.kind, t.key.name)
        } else {
            format!("{}/{}/{}", t.key.group, t.key.kind, t.key.name)
        };
        if seen.insert(reference.clone()) {
            out.push(Subject {
                reference,
                hook: t.hook,
            });
        }
    }
    out
}

/// Runs `scenario` under the combinations `options` select and classifies the outcomes.
pub fn explore(scenario: &Scenario, options: ExploreOptions) -> Result<Exploration, String> {
    if options.max == 0 {
        return Err("--max must be at least 1".into());
    }
    let subjects = subjects(scenario);
    let n = subjects.len();
    let combinations = 3u128.checked_pow(n as u32).unwrap_or(u128::MAX);
    let exhaustive = combinations <= options.max as u128;
    let chosen: Vec<Vec<usize>> = if exhaustive {
        (0..combinations as usize).map(|i| digits(i, n)).collect()
    } else {
        sample(n, options.max, options.seed)
    };
    let mut classes: Vec<OutcomeClass> = Vec::new();
    let mut index: BTreeMap<Vec<OperationOutcome>, usize> = BTreeMap::new();
    for combo in &chosen {
        let assignments = assign(&subjects, combo);
        let input = with_outcomes(&scenario.input, &assignments)?;
        let report = sim::simulate(&input);
        let outcome = classify(&report);
        match index.get(&outcome) {
            Some(&i) => classes[i].count += 1,
            None => {
                index.insert(outcome.clone(), classes.len());
                classes.push(OutcomeClass {
                    operations: outcome,
                    count: 1,
                    example: assignments,
                });
            }
        }
    }
    // Stable: equal counts keep first-seen order.
    classes.sort_by_key(|c| std::cmp::Reverse(c.count));
    Ok(Exploration {
        subjects,
        combinations,
        explored: chosen.len(),
        exhaustive,
        seed: (!exhaustive).then_some(options.seed),
        classes,
    })
}

/// Combination `i` in base 3, first subject most significant (so the all-succeed
/// combination comes first and the last subject varies fastest).
fn digits(mut i: usize, n: usize) -> Vec<usize> {
    let mut d = vec![0; n];
    for slot in d.iter_mut().rev() {
        *slot = i % 3;
        i /= 3;
    }
    d
}

/// `count` distinct combinations: the all-succeed one first (the happy path is always part
/// of a sample), then random draws (fewer only if the space is nearly exhausted by
/// collisions). splitmix64: tiny, well-mixed, and the same on every target.
fn sample(n: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut seen = BTreeSet::from([vec![0; n]]);
    let mut out = vec![vec![0; n]];
    let mut draws = 0usize;
    while out.len() < count && draws < count.saturating_mul(8) {
        draws += 1;
        let combo: Vec<usize> = (0..n).map(|_| (next() % 3) as usize).collect();
        if seen.insert(combo.clone()) {
            out.push(combo);
        }
    }
    out
}

fn assign(subjects: &[Subject], combo: &[usize]) -> Vec<Assignment> {
    subjects
        .iter()
        .zip(combo)
        .map(|(s, &d)| Assignment {
            reference: s.reference.clone(),
            outcome: OUTCOMES[d % 3],
        })
        .collect()
}

fn rules(assignments: &[Assignment]) -> Result<Vec<BehaviourRule>, String> {
    assignments
        .iter()
        .map(|a| {
            Ok(BehaviourRule {
                matches: Reference::parse(&a.reference)?,
                outcome: Some(a.outcome),
                after: None,
                health: None,
                apply: None,
                dry_run: None,
                message: None,
                delete: None,
            })
        })
        .collect()
}

/// The simulation input with the combination's rules in front of every operation's rules,
/// so they win over the scenario's own health rules for the same objects (its apply,
/// dry-run and delete rules still apply).
pub fn with_outcomes(input: &SimInput, assignments: &[Assignment]) -> Result<SimInput, String> {
    let rules = rules(assignments)?;
    let mut input = input.clone();
    for op in &mut input.operations {
        let mut r = rules.clone();
        r.append(&mut op.behaviour);
        op.behaviour = r;
    }
    Ok(input)
}

fn classify(report: &SimulationReport) -> Vec<OperationOutcome> {
    report
        .operations
        .iter()
        .map(|op| {
            let hooks: BTreeSet<String> = op
                .plan
                .steps
                .iter()
                .flat_map(|s| &s.tasks)
                .filter(|t| t.hook)
                .map(|t| t.reference.clone())
                .collect();
            let mut hooks_applied: Vec<String> = Vec::new();
            for a in &op.applied {
                let r = format!("{}:{}", a.phase, a.key);
                if hooks.contains(&r) && !hooks_applied.contains(&r) {
                    hooks_applied.push(r);
                }
            }
            OperationOutcome {
                phase: phase_label(op.phase).to_string(),
                message: op.message.clone(),
                stuck: op.stuck,
                hooks_applied,
                hooks_left: op
                    .cluster
                    .iter()
                    .filter(|o| o.hook && !o.deleting)
                    .map(|o| o.key.to_string())
                    .collect(),
                terminating: op
                    .cluster
                    .iter()
                    .filter(|o| o.deleting)
                    .map(|o| o.key.to_string())
                    .collect(),
            }
        })
        .collect()
}

/// A self-contained scenario file for one class: the scenario with every manifest inlined
/// (so it runs from any directory), the example combination as behaviour rules in front,
/// and `expect:` pinning how each operation ended — `hookline test` passes on it.
pub fn export(
    scenario: &Scenario,
    class: &OutcomeClass,
    label: &str,
) -> Result<ScenarioFile, ScenarioError> {
    let yaml_err = |message: String| ScenarioError {
        file: scenario.file.clone(),
        message,
        ..ScenarioError::default()
    };
    let mut file = scenario.spec.clone();
    let ops = &scenario.input.operations;
    let inline = |manifests: &[Manifest]| -> Result<Vec<SourceSpec>, ScenarioError> {
        Ok(vec![SourceSpec {
            path: None,
            yaml: Some(stream(manifests.iter().map(|m| &m.object)).map_err(yaml_err)?),
        }])
    };
    if let Some(first) = ops.first() {
        file.manifests = inline(&first.desired)?;
    }
    file.cluster = if scenario.input.cluster.is_empty() {
        None
    } else {
        Some(vec![SourceSpec {
            path: None,
            yaml: Some(stream(scenario.input.cluster.iter()).map_err(yaml_err)?),
        }])
    };
    let rules = rules(&class.example).map_err(yaml_err)?;
    match file.operations.as_mut().filter(|o| !o.is_empty()) {
        Some(specs) => {
            for (spec, op) in specs.iter_mut().zip(ops) {
                if spec.sync.manifests.is_some() {
                    spec.sync.manifests = Some(inline(&op.desired)?);
                }
                let mut r = rules.clone();
                r.extend(spec.sync.behaviour.take().unwrap_or_default());
                spec.sync.behaviour = Some(r);
            }
        }
        None => {
            let mut r = rules;
            r.extend(file.behaviour.take().unwrap_or_default());
            file.behaviour = Some(r);
        }
    }
    let base = scenario.name.clone();
    file.name = Some(format!("{base} — {label}"));
    file.description = Some(format!(
        "Exported by `hookline explore` from {}: {} of the explored combinations end this way.",
        scenario.file, class.count
    ));
    file.expect = Some(Expect {
        plan: None,
        operations: Some(
            class
                .operations
                .iter()
                .map(|o| OperationExpect {
                    phase: Some(match o.phase.as_str() {
                        "Succeeded" => ExpectedPhase::Succeeded,
                        "Failed" => ExpectedPhase::Failed,
                        "Error" => ExpectedPhase::Error,
                        _ => ExpectedPhase::Running,
                    }),
                    message: Some(o.message.clone()),
                    ..OperationExpect::default()
                })
                .collect(),
        ),
    });
    Ok(file)
}

/// A one-sync scenario over a manifest set and the live objects before it, every object
/// inlined (what `hookline explore MANIFESTS…` explores and exports).
pub fn scenario_from_manifests(
    desired: &[Manifest],
    live: &[Manifest],
    app: AppSpec,
    name: &str,
) -> Result<Scenario, ScenarioError> {
    let err = |message: String| ScenarioError {
        file: name.into(),
        message,
        ..ScenarioError::default()
    };
    let inline = |objects: &[Manifest]| -> Result<Vec<SourceSpec>, ScenarioError> {
        Ok(vec![SourceSpec {
            path: None,
            yaml: Some(stream(objects.iter().map(|m| &m.object)).map_err(err)?),
        }])
    };
    let file = ScenarioFile {
        name: Some(name.into()),
        manifests: inline(desired)?,
        cluster: if live.is_empty() {
            None
        } else {
            Some(inline(live)?)
        },
        app: Some(app),
        ..ScenarioFile::default()
    };
    let text = crate::yaml::to_string(&file).map_err(|e| err(e.to_string()))?;
    Scenario::parse(&text, name, None, name)
}

/// Objects as one multi-document YAML stream.
fn stream<'a>(objects: impl Iterator<Item = &'a Value>) -> Result<String, String> {
    let docs: Result<Vec<String>, String> = objects
        .map(|o| crate::yaml::to_string(o).map_err(|e| e.to_string()))
        .collect();
    Ok(docs?.join("---\n"))
}

/// A phase as classes name it: an operation still terminating never finished (`Running`,
/// as scenario `expect:` says).
pub fn phase_label(phase: OperationPhase) -> &'static str {
    match phase {
        OperationPhase::Terminating => "Running",
        p => p.as_str(),
    }
}

#[cfg(test)]
mod tests;
