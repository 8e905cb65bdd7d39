//! The linter: findings about manifests whose Argo CD behaviour is surprising, silently
//! different from what was written, or bound to fail (spec §1, §2, §5–§8, §16).
//!
//! Every rule reads annotations through [`crate::classify`] and orderings through
//! [`crate::plan`]; nothing here re-derives Argo CD's rules. [`lint`] is pure and
//! deterministic: the same manifests in any order give the same findings, sorted by file,
//! line and code.
//!
//! Output: [`Finding`]s (serialisable, camelCase), [`render_text`] (compiler style) and
//! [`to_sarif`] (SARIF 2.1.0). Catalogue and rationale: `docs/lints.md`.

mod object_rules;
mod options;
mod sarif;
mod set_rules;
mod spelling;
mod text;

pub use sarif::to_sarif;
pub use text::render_text;

use crate::manifest::Manifest;
use crate::model::{ResourceKey, Source};
use crate::object;
use crate::plan::{LiveSet, SyncSettings};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The annotation that turns rules off for one object: codes or names, comma-separated
/// (`HL004,unknown-delete-policy`), or `all`.
pub const DISABLE_ANNOTATION: &str = "hookline.dev/lint-disable";

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The sync fails, or the object does not do what it says (silently ignored, never run).
    Error,
    /// Works, but not as most authors expect; fix unless it is deliberate.
    Warning,
    /// Worth knowing; often fine.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One rule of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Stable code, `HL001` …
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Default severity (a finding may be milder or harsher, e.g. HL001).
    pub severity: Severity,
    /// Spec rule(s) it enforces, e.g. `D-2, D-7`.
    pub spec: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Why it matters.
    pub description: &'static str,
    /// The usual fix, in general terms (each finding has a concrete one).
    pub fix: &'static str,
}

/// A problem found in a manifest set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// `HL001` …
    pub code: String,
    /// `unknown-hook-type` …
    pub name: String,
    pub severity: Severity,
    /// Spec rule id(s), e.g. `H-7` or `D-2, D-7`.
    pub rule: String,
    /// One line: what is wrong with this object.
    pub message: String,
    /// Why it matters: what Argo CD will do.
    pub explanation: String,
    /// What to write instead.
    pub fix: String,
    pub source: Source,
    /// The object as written (namespace empty when the manifest has none).
    pub object: ResourceKey,
}

/// What the linter is told besides the manifests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LintConfig {
    /// Rules turned off everywhere, by code (`HL003`) or name (`helm-weight-on-resource`).
    pub disabled: Vec<String>,
    /// The application and operation the manifests are synced with (destination namespace,
    /// app-level sync options, revision for generated names).
    pub settings: SyncSettings,
    /// Where the application's settings were read from (a scenario file), for findings about
    /// app-level sync options. `None`: reported against `<application>`.
    pub app_source: Option<Source>,
}

/// The rule catalogue, in code order.
pub const RULES: &[Rule] = &[
    Rule {
        code: "HL001",
        name: "unknown-hook-type",
        severity: Severity::Error,
        spec: "H-4, H-7",
        summary: "hook annotation names a type Argo CD does not know",
        description: "Hook types are exact, case-sensitive words. Unknown values are dropped \
            silently; when nothing valid is left the object is a hook with no type and is \
            ignored: never applied and never pruned.",
        fix: "Use the exact spelling: PreSync, Sync, PostSync, SyncFail, Skip (PreDelete, PostDelete); Helm: pre-install, pre-upgrade, post-install, post-upgrade.",
    },
    Rule {
        code: "HL002",
        name: "non-integer-wave",
        severity: Severity::Error,
        spec: "W-1, W-2",
        summary: "sync-wave or hook-weight is not an integer",
        description: "Waves are parsed like Go's strconv.Atoi: no spaces, decimals, exponents \
            or hex. Anything else silently falls back to the Helm weight or to wave 0.",
        fix: "Write the wave as a quoted integer without spaces, e.g. \"1\" or \"-2\".",
    },
    Rule {
        code: "HL003",
        name: "helm-weight-on-resource",
        severity: Severity::Warning,
        spec: "W-3",
        summary: "helm.sh/hook-weight moves a plain resource into another wave",
        description: "The Helm weight is the wave fallback for every object, hook or not. A \
            non-hook resource with a weight and no sync-wave lands in that wave, which Helm \
            itself would never do.",
        fix: "Write an explicit argocd.argoproj.io/sync-wave, or remove helm.sh/hook-weight from non-hooks.",
    },
    Rule {
        code: "HL004",
        name: "hook-reused-without-before-hook-creation",
        severity: Severity::Warning,
        spec: "D-2, D-7",
        summary: "fixed-name hook with an explicit delete policy lacking BeforeHookCreation",
        description: "Writing any delete policy removes the default BeforeHookCreation. A \
            leftover of this hook (after a failed or terminated sync) is re-applied instead of \
            re-created: the next sync reports the old run's result without running, or fails \
            on immutable fields.",
        fix: "Add BeforeHookCreation to the delete policy, e.g. BeforeHookCreation,HookSucceeded.",
    },
    Rule {
        code: "HL005",
        name: "generated-hook-accumulates",
        severity: Severity::Warning,
        spec: "D-6, D-10",
        summary: "generateName hook that nothing ever deletes",
        description: "BeforeHookCreation never meets a generated name again, and Argo CD never \
            prunes hooks. Without HookSucceeded/HookFailed (or a Job TTL) every sync leaves one \
            more object behind.",
        fix: "Add HookSucceeded (or HookFailed) to the delete policy, or give the Job ttlSecondsAfterFinished.",
    },
    Rule {
        code: "HL006",
        name: "hook-never-completes",
        severity: Severity::Error,
        spec: "HL-5, HL-21",
        summary: "hook Pod or Job with restartPolicy Always",
        description: "A hook must finish. A Pod with restartPolicy Always (the Pod default) \
            never reaches Succeeded: it counts as done as soon as it is Ready, or goes Degraded \
            when it crash-loops. A Job template must say Never or OnFailure; the API server \
            rejects anything else.",
        fix: "Set restartPolicy: Never (or OnFailure) on the hook Pod or the Job's pod template.",
    },
    Rule {
        code: "HL007",
        name: "hook-without-deadline",
        severity: Severity::Info,
        spec: "HL-5, HL-21",
        summary: "hook Pod or Job without activeDeadlineSeconds",
        description: "A hook Pod that cannot start (image pull errors, unschedulable) stays \
            Pending/Progressing and the sync waits for it forever; Argo CD has no sync timeout \
            by default. backoffLimit (default 6) bounds failures, not a pod that never runs.",
        fix: "Set activeDeadlineSeconds on the hook Job or Pod.",
    },
    Rule {
        code: "HL008",
        name: "skip-with-other-types",
        severity: Severity::Warning,
        spec: "H-5",
        summary: "Skip combined with other hook types does not skip",
        description: "An object is skipped only when Skip is its only valid type. With other \
            types it runs as a hook of those types; Skip contributes nothing.",
        fix: "Use Skip alone to skip the object, or drop Skip from the list.",
    },
    Rule {
        code: "HL009",
        name: "argo-and-helm-hook",
        severity: Severity::Warning,
        spec: "H-4",
        summary: "Argo CD and Helm hook annotations disagree",
        description: "When the Argo CD hook annotation names a valid type, the Helm hook \
            annotation on the same object is ignored entirely, so its phases never apply.",
        fix: "Make the Argo CD and Helm hook annotations name the same phases.",
    },
    Rule {
        code: "HL010",
        name: "unsupported-helm-hook",
        severity: Severity::Warning,
        spec: "H-6, H-7",
        summary: "Helm hook type Argo CD does not run",
        description: "Argo CD maps only pre-install, pre-upgrade, post-install and post-upgrade \
            (and handles pre-delete/post-delete at application deletion). test, rollback and \
            crd-install hooks are dropped; an object left with no type is ignored: never \
            applied and never pruned.",
        fix: "Give the object a hook type Argo CD runs, or accept (and suppress) that it is left out.",
    },
    Rule {
        code: "HL011",
        name: "unknown-delete-policy",
        severity: Severity::Warning,
        spec: "D-1",
        summary: "delete policy value Argo CD does not know",
        description: "Delete policies are exact words. Unknown values are dropped; when none \
            is left the policy is BeforeHookCreation, whatever was meant.",
        fix: "Use HookSucceeded, HookFailed, BeforeHookCreation (Helm: hook-succeeded, hook-failed, before-hook-creation).",
    },
    Rule {
        code: "HL012",
        name: "delete-false-does-not-stop-pruning",
        severity: Severity::Info,
        spec: "P-9",
        summary: "Delete=false without Prune=false",
        description: "Delete=false only matters when the Application is deleted. The object is \
            still pruned when it disappears from the manifests.",
        fix: "Add Prune=false to the sync options to keep the object from being pruned.",
    },
    Rule {
        code: "HL013",
        name: "sync-fail-wave-ignored",
        severity: Severity::Warning,
        spec: "H-9",
        summary: "SyncFail hook with a wave",
        description: "All SyncFail hooks are launched together when the operation fails; their \
            waves do not order them.",
        fix: "Remove the wave from the SyncFail hook.",
    },
    Rule {
        code: "HL014",
        name: "sync-fail-not-on-degradation",
        severity: Severity::Info,
        spec: "S-14, T-11",
        summary: "SyncFail hooks in a single-step sync",
        description: "When the only step is the final one and holds no hook, the operation \
            succeeds right after applying it, without waiting for health. SyncFail hooks then \
            run only on apply failures, never because a resource degrades.",
        fix: "Add a later wave or a PostSync check if degradation should trigger SyncFail hooks.",
    },
    Rule {
        code: "HL015",
        name: "namespace-created-after-use",
        severity: Severity::Error,
        spec: "T-10",
        summary: "object applied before the Namespace it lives in",
        description: "The planner pulls a Namespace in front of its first user. When the \
            Namespace manifest produces no task that can be moved (Skip, ignored hook, delete \
            hook), objects in it are applied into a namespace that does not exist yet.",
        fix: "Make the Namespace a plain resource of the application, or create it beforehand.",
    },
    Rule {
        code: "HL016",
        name: "namespace-missing",
        severity: Severity::Error,
        spec: "T-4, O-8",
        summary: "object in a namespace that nothing creates",
        description: "No Namespace manifest, no CreateNamespace=true for it, and the namespace \
            is not known to exist: the apply fails with 'namespaces not found'.",
        fix: "Add a Namespace manifest or CreateNamespace=true, or create the namespace beforehand.",
    },
    Rule {
        code: "HL017",
        name: "crd-missing",
        severity: Severity::Info,
        spec: "T-5",
        summary: "custom resource whose CRD is neither in the manifests nor live",
        description: "Every task's kind is looked up in discovery before anything is applied; \
            an unknown kind makes the whole task set invalid, unless its CRD is part of the \
            same sync (or SkipDryRunOnMissingResource applies).",
        fix: "Include the CRD in the application, or make sure it is installed before syncing.",
    },
    Rule {
        code: "HL018",
        name: "generated-name-too-long",
        severity: Severity::Error,
        spec: "N-1",
        summary: "generated hook name longer than 63 characters",
        description: "Argo CD names a generateName hook generateName + '<rev7>-<phase>-<unix \
            seconds>' itself. Past 63 characters Jobs, Services and Namespaces are rejected \
            (label and DNS label limits); Pods get truncated hostnames.",
        fix: "Shorten generateName so the generated name fits 63 characters.",
    },
    Rule {
        code: "HL019",
        name: "delete-hook-without-policy",
        severity: Severity::Warning,
        spec: "C-11",
        summary: "PreDelete/PostDelete hook without HookSucceeded/HookFailed",
        description: "Delete hooks are cleaned up only by an explicit HookSucceeded/HookFailed \
            policy. Without one a PostDelete hook (and a PreDelete hook after a non-cascading \
            delete) stays in the cluster after the Application is gone.",
        fix: "Add hook-delete-policy HookSucceeded (and/or HookFailed).",
    },
    Rule {
        code: "HL020",
        name: "delete-hook-generate-name",
        severity: Severity::Warning,
        spec: "C-11",
        summary: "PreDelete/PostDelete hook named by generateName",
        description: "Argo CD creates every delete hook whose name is not live yet, on every \
            deletion pass. A generated name never matches, so the hook is created again and \
            again instead of being waited for.",
        fix: "Give the delete hook a fixed metadata.name.",
    },
    Rule {
        code: "HL021",
        name: "sync-option-typo",
        severity: Severity::Error,
        spec: "§8",
        summary: "sync option that matches no known option exactly",
        description: "Application sync options are exact strings (Replace=true, not \
            'Replace = true' or 'Replace=True'); annotation options are exact after trimming \
            each item. Anything else is silently ignored.",
        fix: "Write the option exactly as documented, e.g. Replace=true.",
    },
];

/// The catalogue entry for a code or a name.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    let wanted = code_or_name.trim();
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name == wanted)
}

/// Lints a manifest set against the live objects (may be empty) and settings.
///
/// Findings are sorted by file, line and code (then document, object, message) and
/// de-duplicated; rules disabled by `config.disabled` or by the object's
/// [`DISABLE_ANNOTATION`] are left out.
pub fn lint(manifests: &[Manifest], live: &LiveSet, config: &LintConfig) -> Vec<Finding> {
    let mut out = Findings::default();
    for m in manifests {
        object_rules::check(m, config, &mut out);
    }
    set_rules::check(manifests, live, config, &mut out);
    options::check_app(config, &mut out);

    let disabled: BTreeSet<&'static str> = config
        .disabled
        .iter()
        .filter_map(|d| rule(d).map(|r| r.code))
        .collect();
    let suppressed = suppressions(manifests);
    let mut findings: Vec<Finding> = out
        .0
        .into_iter()
        .filter(|f| !disabled.contains(f.code.as_str()))
        .filter(|f| {
            suppressed
                .get(&source_key(&f.source))
                .is_none_or(|codes| !codes.contains(f.code.as_str()))
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.source.file, a.source.line, &a.code, a.source.document)
            .cmp(&(&b.source.file, b.source.line, &b.code, b.source.document))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| a.severity.cmp(&b.severity))
    });
    findings.dedup();
    findings
}

/// The findings collected so far.
#[derive(Default)]
pub(crate) struct Findings(Vec<Finding>);

impl Findings {
    /// Adds a finding of `code` at the rule's default severity.
    pub(crate) fn push(&mut self, code: &str, at: At<'_>, text: Text) {
        if let Some(r) = rule(code) {
            self.push_with(r, r.severity, at, text);
        }
    }

    /// Adds a finding of `code` at `severity`.
    pub(crate) fn push_as(&mut self, code: &str, severity: Severity, at: At<'_>, text: Text) {
        if let Some(r) = rule(code) {
            self.push_with(r, severity, at, text);
        }
    }

    fn push_with(&mut self, r: &Rule, severity: Severity, at: At<'_>, text: Text) {
        self.0.push(Finding {
            code: r.code.to_string(),
            name: r.name.to_string(),
            severity,
            rule: r.spec.to_string(),
            message: text.message,
            explanation: text.why,
            fix: text.fix,
            source: at.source.clone(),
            object: at.object,
        });
    }
}

/// Where a finding is.
pub(crate) struct At<'a> {
    pub source: &'a Source,
    pub object: ResourceKey,
}

impl<'a> At<'a> {
    pub(crate) fn manifest(m: &'a Manifest) -> Self {
        At {
            source: &m.source,
            object: m.key(),
        }
    }
}

/// The words of a finding.
pub(crate) struct Text {
    pub message: String,
    pub why: String,
    pub fix: String,
}

impl Text {
    pub(crate) fn new(
        message: impl Into<String>,
        why: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Text {
            message: message.into(),
            why: why.into(),
            fix: fix.into(),
        }
    }
}

type SourceKey = (String, usize, usize);

fn source_key(s: &Source) -> SourceKey {
    (s.file.clone(), s.document, s.line)
}

/// Codes turned off per source by [`DISABLE_ANNOTATION`] (union over objects sharing one
/// source, which only happens for flow-style `List` items).
fn suppressions(manifests: &[Manifest]) -> BTreeMap<SourceKey, BTreeSet<&'static str>> {
    let mut out: BTreeMap<SourceKey, BTreeSet<&'static str>> = BTreeMap::new();
    for m in manifests {
        let Some(value) = object::annotation(&m.object, DISABLE_ANNOTATION) else {
            continue;
        };
        let entry = out.entry(source_key(&m.source)).or_default();
        for item in crate::classify::csv(&value) {
            if item.eq_ignore_ascii_case("all") {
                entry.extend(RULES.iter().map(|r| r.code));
            } else if let Some(r) = rule(item) {
                entry.insert(r.code);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
