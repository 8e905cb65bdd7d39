//! `expect:` checks against a simulation (scenario-format.md, "Meaning of the checks").

use super::format::*;
use super::{Scenario, ScenarioError, locate};
use crate::engine::TaskResult;
use crate::model::{ResourceKey, SyncPhase};
use crate::reference::Reference;
use crate::sim::{Call, OperationReport, SimulationReport, TraceEvent};
use serde::{Deserialize, Serialize};

/// One failed check: where in `expect`, what was expected, what happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckFailure {
    pub path: String,
    pub expected: String,
    pub actual: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub checks: usize,
    pub failures: Vec<CheckFailure>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Everything a reference may legitimately name: tasks of any operation, objects that
/// existed at any time, desired manifests.
struct Universe {
    tasks: Vec<(SyncPhase, ResourceKey)>,
    objects: Vec<ResourceKey>,
}

impl Universe {
    fn of(s: &Scenario, report: &SimulationReport) -> Universe {
        let mut tasks = Vec::new();
        let mut objects: Vec<ResourceKey> = report
            .initial_cluster
            .iter()
            .map(|o| o.key.clone())
            .collect();
        for op in &report.operations {
            for step in &op.plan.steps {
                for t in &step.tasks {
                    tasks.push((
                        t.phase,
                        ResourceKey::new(&t.group, &t.kind, &t.namespace, &t.name),
                    ));
                }
            }
            tasks.extend(op.results.iter().map(|r| (r.sync_phase, r.key.clone())));
            objects.extend(op.cluster.iter().map(|o| o.key.clone()));
            objects.extend(
                op.plan
                    .ignored
                    .iter()
                    .chain(&op.plan.skipped)
                    .map(|e| e.key.clone()),
            );
        }
        for e in &report.trace {
            if let TraceEvent::Effect { call, .. } = &e.event {
                match call {
                    Call::Apply { key, phase, .. } => tasks.push((*phase, key.clone())),
                    Call::Delete { key, .. }
                    | Call::RemoveFinalizer { key, .. }
                    | Call::Get { key, .. } => objects.push(key.clone()),
                }
            }
        }
        for op in &s.input.operations {
            objects.extend(op.desired.iter().map(|m| m.key()));
        }
        objects.extend(tasks.iter().map(|(_, k)| k.clone()));
        Universe { tasks, objects }
    }

    fn knows(&self, r: &Reference) -> bool {
        match r.phase {
            Some(_) => self.tasks.iter().any(|(p, k)| r.matches_task(*p, k)),
            None => self.objects.iter().any(|k| r.matches_key(k)),
        }
    }
}

struct Checker<'a> {
    scenario: &'a Scenario,
    universe: Universe,
    verdict: Verdict,
}

impl Checker<'_> {
    /// A reference that names nothing is an error in the scenario, not a failed check.
    fn known(&self, r: &Reference, path: &str) -> Result<(), ScenarioError> {
        if self.universe.knows(r) {
            return Ok(());
        }
        let expect_line = locate(&self.scenario.text, "expect:", 1).unwrap_or(1);
        Err(ScenarioError {
            file: self.scenario.file.clone(),
            line: locate(&self.scenario.text, r.as_str(), expect_line),
            column: None,
            path: Some(path.into()),
            message: format!("reference {r} matches no task and no object of this scenario"),
            hint: Some(
                "check the kind, namespace and name; `hookline plan` lists every task".into(),
            ),
        })
    }

    fn expect(
        &mut self,
        ok: bool,
        path: String,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.verdict.checks += 1;
        if !ok {
            self.verdict.failures.push(CheckFailure {
                path,
                expected: expected.into(),
                actual: actual.into(),
            });
        }
    }
}

/// Evaluates `expect`. Scenario mistakes (references that name nothing) are errors.
pub fn check(scenario: &Scenario, report: &SimulationReport) -> Result<Verdict, ScenarioError> {
    let mut c = Checker {
        scenario,
        universe: Universe::of(scenario, report),
        verdict: Verdict::default(),
    };
    let Some(expect) = &scenario.spec.expect else {
        return Ok(c.verdict);
    };
    if let (Some(steps), Some(op)) = (&expect.plan, report.operations.first()) {
        check_plan(&mut c, steps, op)?;
    }
    for (i, e) in expect.operations.iter().flatten().enumerate() {
        let path = format!("expect.operations[{i}]");
        let Some(op) = report.operations.get(i) else {
            c.expect(
                false,
                path,
                "an operation",
                format!("only {} operation(s) ran", report.operations.len()),
            );
            continue;
        };
        check_operation(&mut c, &path, e, op)?;
    }
    Ok(c.verdict)
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let v: Vec<String> = items.into_iter().collect();
    if v.is_empty() {
        "[]".into()
    } else {
        format!("[{}]", v.join(", "))
    }
}

fn check_plan(
    c: &mut Checker,
    steps: &[Vec<Reference>],
    op: &OperationReport,
) -> Result<(), ScenarioError> {
    for (i, step) in steps.iter().enumerate() {
        for (j, r) in step.iter().enumerate() {
            c.known(r, &format!("expect.plan[{i}][{j}]"))?;
        }
    }
    let actual: Vec<Vec<(SyncPhase, ResourceKey)>> = op
        .plan
        .steps
        .iter()
        .map(|s| {
            s.tasks
                .iter()
                .map(|t| {
                    (
                        t.phase,
                        ResourceKey::new(&t.group, &t.kind, &t.namespace, &t.name),
                    )
                })
                .collect()
        })
        .collect();
    let ok = actual.len() == steps.len()
        && actual.iter().zip(steps).all(|(a, e)| {
            a.len() == e.len() && a.iter().zip(e).all(|((p, k), r)| r.matches_task(*p, k))
        });
    let show_actual = list(
        actual
            .iter()
            .map(|s| list(s.iter().map(|(p, k)| format!("{p}:{k}")))),
    );
    let show_expected = list(steps.iter().map(|s| list(s.iter().map(|r| r.to_string()))));
    c.expect(ok, "expect.plan".into(), show_expected, show_actual);
    Ok(())
}

fn check_operation(
    c: &mut Checker,
    path: &str,
    e: &OperationExpect,
    op: &OperationReport,
) -> Result<(), ScenarioError> {
    if let Some(p) = e.phase {
        c.expect(
            p.matches(op.phase),
            format!("{path}.phase"),
            format!("{p:?}"),
            op.phase.to_string(),
        );
    }
    if let Some(m) = &e.message {
        c.expect(
            &op.message == m,
            format!("{path}.message"),
            format!("{m:?}"),
            format!("{:?}", op.message),
        );
    }
    if let Some(m) = &e.message_contains {
        c.expect(
            op.message.contains(m.as_str()),
            format!("{path}.messageContains"),
            format!("a message containing {m:?}"),
            format!("{:?}", op.message),
        );
    }
    let applied_show = || list(op.applied.iter().map(|t| format!("{}:{}", t.phase, t.key)));
    if let Some(refs) = &e.applied {
        for (j, r) in refs.iter().enumerate() {
            c.known(r, &format!("{path}.applied[{j}]"))?;
        }
        // Each reference matches an applied task, in this relative order.
        let mut at = 0usize;
        let mut missing = None;
        for r in refs {
            match op.applied[at..]
                .iter()
                .position(|t| r.matches_task(t.phase, &t.key))
            {
                Some(k) => at += k + 1,
                None => {
                    missing = Some(r.clone());
                    break;
                }
            }
        }
        let expected = format!(
            "applied in this order: {}",
            list(refs.iter().map(|r| r.to_string()))
        );
        let actual = match &missing {
            Some(r) if op.applied.iter().any(|t| r.matches_task(t.phase, &t.key)) => {
                format!("{r} was applied out of order; applied: {}", applied_show())
            }
            Some(r) => format!("{r} was not applied; applied: {}", applied_show()),
            None => String::new(),
        };
        c.expect(
            missing.is_none(),
            format!("{path}.applied"),
            expected,
            actual,
        );
    }
    if let Some(refs) = &e.not_applied {
        for (j, r) in refs.iter().enumerate() {
            let hit = op.applied.iter().find(|t| r.matches_task(t.phase, &t.key));
            c.expect(
                hit.is_none(),
                format!("{path}.notApplied[{j}]"),
                format!("{r} not applied"),
                hit.map(|t| format!("{}:{} was applied", t.phase, t.key))
                    .unwrap_or_default(),
            );
        }
    }
    if let Some(refs) = &e.deleted {
        for (j, r) in refs.iter().enumerate() {
            c.known(r, &format!("{path}.deleted[{j}]"))?;
            let ok = op.deleted.iter().any(|k| r.matches_key(k));
            c.expect(
                ok,
                format!("{path}.deleted[{j}]"),
                format!("a delete of {r}"),
                format!(
                    "deleted: {}",
                    list(op.deleted.iter().map(|k| k.to_string()))
                ),
            );
        }
    }
    if let Some(results) = &e.results {
        for (r, want) in &results.0 {
            let rpath = format!("{path}.results[{r}]");
            let matching: Vec<&TaskResult> = op
                .results
                .iter()
                .filter(|res| r.matches_task(res.sync_phase, &res.key))
                .collect();
            match want {
                ResultExpect::Absent => c.expect(
                    matching.is_empty(),
                    rpath,
                    "no result",
                    list(matching.iter().map(|m| show_result(m))),
                ),
                ResultExpect::Fields(f) => {
                    c.known(r, &rpath)?;
                    let ok = !matching.is_empty()
                        && matching.iter().all(|m| {
                            f.status.is_none_or(|s| m.status == Some(s))
                                && f.hook_phase.is_none_or(|h| m.hook_phase == Some(h))
                                && f.message.as_ref().is_none_or(|msg| &m.message == msg)
                        });
                    let actual = if matching.is_empty() {
                        "no result recorded".to_string()
                    } else {
                        list(matching.iter().map(|m| show_result(m)))
                    };
                    c.expect(ok, rpath, show_fields(f), actual);
                }
            }
        }
    }
    if let Some(cl) = &e.cluster {
        let objects = || {
            list(
                op.cluster
                    .iter()
                    .filter(|o| o.tracked || o.created)
                    .map(|o| o.key.to_string()),
            )
        };
        for (j, r) in cl.present.iter().flatten().enumerate() {
            c.known(r, &format!("{path}.cluster.present[{j}]"))?;
            let ok = op.cluster.iter().any(|o| r.matches_key(&o.key));
            c.expect(
                ok,
                format!("{path}.cluster.present[{j}]"),
                format!("{r} present"),
                format!("absent; the app's objects: {}", objects()),
            );
        }
        for (j, r) in cl.absent.iter().flatten().enumerate() {
            let hit = op.cluster.iter().find(|o| r.matches_key(&o.key));
            c.expect(
                hit.is_none(),
                format!("{path}.cluster.absent[{j}]"),
                format!("{r} absent"),
                hit.map(|o| format!("{} is present", o.key))
                    .unwrap_or_default(),
            );
        }
    }
    Ok(())
}

fn show_result(r: &TaskResult) -> String {
    format!(
        "{}:{} {{status: {}, hookPhase: {}, message: {:?}}}",
        r.sync_phase,
        r.key,
        r.status.map(|s| s.as_str()).unwrap_or(""),
        r.hook_phase.map(|h| h.as_str()).unwrap_or(""),
        r.message
    )
}

fn show_fields(f: &ResultFields) -> String {
    let mut parts = Vec::new();
    if let Some(s) = f.status {
        parts.push(format!("status: {}", s.as_str()));
    }
    if let Some(h) = f.hook_phase {
        parts.push(format!("hookPhase: {}", h.as_str()));
    }
    if let Some(m) = &f.message {
        parts.push(format!("message: {m:?}"));
    }
    format!("{{{}}}", parts.join(", "))
}
