//! Rules that look at one manifest at a time.

use super::spelling::closest;
use super::{At, Findings, LintConfig, Severity, Text, options};
use crate::classify::{self, Class, DeletePolicy, WaveSource};
use crate::manifest::Manifest;
use crate::model::SyncPhase;
use crate::object::{self, keys};
use crate::plan;
use serde_json::Value;

/// Argo hook words the controller knows besides the engine's (H-10).
const ARGO_DELETE_TYPES: [&str; 2] = ["PreDelete", "PostDelete"];
/// Every Helm hook value Helm itself defines.
const HELM_ALL: [&str; 12] = [
    "pre-install",
    "pre-upgrade",
    "post-install",
    "post-upgrade",
    "pre-delete",
    "post-delete",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
    "test-failure",
    "crd-install",
];
/// Helm values Argo CD drops (H-6); `crd-install` only counts when combined (H-2.2).
const HELM_UNSUPPORTED: [&str; 6] = [
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
    "test-failure",
    "crd-install",
];
/// Helm value → the Argo word to suggest when a Helm value is written in the Argo annotation.
const HELM_TO_ARGO: [(&str, &str); 6] = [
    ("pre-install", "PreSync"),
    ("pre-upgrade", "PreSync"),
    ("post-install", "PostSync"),
    ("post-upgrade", "PostSync"),
    ("pre-delete", "PreDelete"),
    ("post-delete", "PostDelete"),
];
const ARGO_POLICIES: [&str; 3] = ["HookSucceeded", "HookFailed", "BeforeHookCreation"];
const HELM_POLICIES: [&str; 3] = ["hook-succeeded", "hook-failed", "before-hook-creation"];
/// Kinds whose names end up in a label value or DNS label, so 63 characters is a hard limit.
const NAME_63_KINDS: [&str; 4] = ["Job", "CronJob", "Service", "Namespace"];
const MAX_NAME: usize = 63;

/// What the classifier makes of the object, computed once.
struct Facts<'a> {
    m: &'a Manifest,
    obj: &'a Value,
    class: Class,
    delete_types: Vec<classify::DeleteHookType>,
}

impl Facts<'_> {
    /// Runs as a hook somewhere: in a sync phase or at application deletion.
    fn runs_as_hook(&self) -> bool {
        matches!(self.class, Class::Hook { .. }) || !self.delete_types.is_empty()
    }

    /// Ignored per H-7 and not rescued as a delete hook (H-10).
    fn ignored(&self) -> bool {
        matches!(self.class, Class::Ignored { .. }) && self.delete_types.is_empty()
    }

    fn at(&self) -> At<'_> {
        At::manifest(self.m)
    }

    fn is(&self, group: &str, kind: &str) -> bool {
        object::group(self.obj) == group && object::kind(self.obj) == kind
    }
}

pub(super) fn check(m: &Manifest, config: &LintConfig, out: &mut Findings) {
    let f = Facts {
        m,
        obj: &m.object,
        class: classify::classify(&m.object),
        delete_types: classify::delete_hook_types(&m.object),
    };
    hook_types(&f, out);
    waves(&f, out);
    delete_policy_values(&f, out);
    reused_hook(&f, out);
    accumulating_hook(&f, out);
    hook_completion(&f, out);
    delete_false(&f, out);
    sync_fail_wave(&f, out);
    generated_name_length(&f, config, out);
    delete_hooks(&f, out);
    options::check_annotation(m, out);
}

fn argo_valid(item: &str) -> bool {
    classify::ARGO_HOOK_TYPES.contains(&item)
}

/// HL001 (Argo and Helm), HL008, HL009, HL010.
fn hook_types(f: &Facts<'_>, out: &mut Findings) {
    let argo = object::annotation(f.obj, keys::HOOK);
    let helm = object::annotation(f.obj, keys::HELM_HOOK);
    let helm_items: Vec<&str> = helm.as_deref().map(classify::csv).unwrap_or_default();
    let argo_has_valid = argo
        .as_deref()
        .is_some_and(|a| classify::csv(a).into_iter().any(argo_valid));
    let severity = if f.ignored() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let consequence = if f.ignored() {
        "Nothing valid is left, so the object is ignored: never applied and never pruned (H-7)."
    } else if argo.is_some() && !argo_has_valid && !helm_items.is_empty() {
        "Nothing valid is left in the Argo CD annotation, so the Helm annotation decides instead (H-4)."
    } else {
        "The other types still apply; this one is dropped."
    };

    if let Some(a) = argo.as_deref() {
        let items = classify::csv(a);
        if items.is_empty() {
            out.push_as(
                "HL001",
                severity,
                f.at(),
                Text::new(
                    format!("`{}` is empty", keys::HOOK),
                    format!(
                        "The annotation's presence makes the object a hook, but it names no type. {consequence}"
                    ),
                    format!(
                        "name a type (`{}: PreSync`), or remove the annotation to make it a plain resource",
                        keys::HOOK
                    ),
                ),
            );
        }
        for item in items {
            if argo_valid(item) || ARGO_DELETE_TYPES.contains(&item) {
                continue;
            }
            let suggestion = HELM_TO_ARGO
                .iter()
                .find(|(h, _)| *h == item)
                .map(|(_, a)| *a)
                .or_else(|| {
                    let mut words: Vec<&str> = classify::ARGO_HOOK_TYPES.to_vec();
                    words.extend(ARGO_DELETE_TYPES);
                    closest(item, &words)
                });
            let fix = match suggestion {
                Some(s) => format!("write `{}: {}`", keys::HOOK, replace_item(a, item, s)),
                None => format!(
                    "use PreSync, Sync, PostSync, SyncFail, Skip, PreDelete or PostDelete (exact case) in `{}`",
                    keys::HOOK
                ),
            };
            out.push_as(
                "HL001",
                severity,
                f.at(),
                Text::new(
                    format!("unknown hook type `{item}`{}", did_you_mean(suggestion)),
                    format!("Argo CD silently drops hook types it does not know. {consequence}"),
                    fix,
                ),
            );
        }
        if let (true, Class::Hook { phases }) = (
            argo_has_valid && classify::csv(a).contains(&"Skip"),
            &f.class,
        ) {
            out.push(
                "HL008",
                f.at(),
                Text::new(
                    format!(
                        "`{}: {a}` is not skipped: it runs as a {} hook",
                        keys::HOOK,
                        phase_list(phases)
                    ),
                    "Skip only skips when it is the only valid hook type; combined with other types it adds nothing and the object runs as a hook of those types.",
                    format!(
                        "write `{}: Skip` to skip the object, or drop `Skip` from the list",
                        keys::HOOK
                    ),
                ),
            );
        }
    }

    // The Helm annotation counts only when the Argo list has nothing valid (H-4), and only
    // makes a hook when it is not exactly `crd-install` (H-2.2).
    let Some(h) = helm.as_deref() else {
        return;
    };
    if argo_has_valid {
        argo_and_helm(f, h, out);
        return;
    }
    if argo.is_none() && h == "crd-install" {
        return;
    }
    if helm_items.is_empty() {
        out.push_as(
            "HL001",
            severity,
            f.at(),
            Text::new(
                format!("`{}` is empty", keys::HELM_HOOK),
                format!("The annotation makes the object a hook without a type. {consequence}"),
                format!(
                    "name a hook (`{}: pre-install`), or remove the annotation",
                    keys::HELM_HOOK
                ),
            ),
        );
    }
    for item in &helm_items {
        if HELM_ALL.contains(item) {
            let combined_crd_install = *item == "crd-install" && helm_items.len() > 1;
            if HELM_UNSUPPORTED.contains(item) && (*item != "crd-install" || combined_crd_install) {
                let (severity, consequence) = if f.ignored() {
                    (
                        Severity::Warning,
                        "No mapped type is left, so the object is ignored: never applied and never pruned (H-7).",
                    )
                } else {
                    (
                        Severity::Info,
                        "The object still runs for its other Helm types; this one is dropped.",
                    )
                };
                out.push_as(
                    "HL010",
                    severity,
                    f.at(),
                    Text::new(
                        format!("Helm hook `{item}` is not run by Argo CD"),
                        format!(
                            "Argo CD maps only pre-install/pre-upgrade (PreSync) and post-install/post-upgrade (PostSync) (H-6). {consequence}"
                        ),
                        format!(
                            "to run it in a sync, add `{}: PreSync` (or PostSync); if it is a chart test meant to stay out of syncs, suppress with `hookline.dev/lint-disable: HL010`",
                            keys::HOOK
                        ),
                    ),
                );
            }
            continue;
        }
        let suggestion = match *item {
            "PreSync" => Some("pre-install"),
            "PostSync" => Some("post-install"),
            "PreDelete" => Some("pre-delete"),
            "PostDelete" => Some("post-delete"),
            other => closest(other, &HELM_ALL),
        };
        let fix = match suggestion {
            Some(s) => format!("write `{}: {}`", keys::HELM_HOOK, replace_item(h, item, s)),
            None => format!(
                "use pre-install, pre-upgrade, post-install or post-upgrade in `{}`",
                keys::HELM_HOOK
            ),
        };
        out.push_as(
            "HL001",
            severity,
            f.at(),
            Text::new(
                format!("unknown Helm hook `{item}`{}", did_you_mean(suggestion)),
                format!("Argo CD silently drops Helm hook values it does not map. {consequence}"),
                fix,
            ),
        );
    }
}

/// HL009: a valid Argo type makes the Helm annotation irrelevant (H-4); flag when the two
/// name different phases.
fn argo_and_helm(f: &Facts<'_>, helm: &str, out: &mut Findings) {
    let Class::Hook { phases } = &f.class else {
        return;
    };
    let mut helm_phases: Vec<SyncPhase> = classify::csv(helm)
        .into_iter()
        .filter_map(|t| {
            classify::HELM_HOOK_TYPES
                .iter()
                .find(|(h, _)| *h == t)
                .map(|(_, p)| *p)
        })
        .collect();
    helm_phases.sort();
    helm_phases.dedup();
    if helm_phases.is_empty() || &helm_phases == phases {
        return;
    }
    out.push(
        "HL009",
        f.at(),
        Text::new(
            format!(
                "`{}` is ignored: the object runs as a {} hook, not {}",
                keys::HELM_HOOK,
                phase_list(phases),
                phase_list(&helm_phases)
            ),
            "When the Argo CD hook annotation names a valid type, Argo CD ignores the Helm hook annotation of the same object (H-4); only delete policies of both are merged (D-1).",
            format!(
                "make both annotations name the same phases, or remove `{}` if the chart is only deployed by Argo CD",
                keys::HELM_HOOK
            ),
        ),
    );
}

/// HL002 (W-1, W-2) and HL003 (W-3).
fn waves(f: &Facts<'_>, out: &mut Findings) {
    let wave_valid = object::annotation(f.obj, keys::SYNC_WAVE)
        .is_some_and(|v| classify::parse_go_int(&v).is_some());
    for key in [keys::SYNC_WAVE, keys::HELM_HOOK_WEIGHT] {
        if key == keys::HELM_HOOK_WEIGHT && wave_valid {
            continue; // the weight is never read (W-1)
        }
        let Some(v) = object::annotation(f.obj, key) else {
            continue;
        };
        if classify::parse_go_int(&v).is_some() {
            continue;
        }
        let (w, src) = classify::wave(f.obj);
        let lands = match src {
            WaveSource::HelmWeight => format!("wave {w} from `{}`", keys::HELM_HOOK_WEIGHT),
            _ => "wave 0".to_string(),
        };
        let fix = match classify::parse_go_int(v.trim()) {
            Some(n) => format!("write `{key}: \"{n}\"` (no spaces)"),
            None => match v.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => format!(
                    "waves are integers: write `{key}: \"{}\"` (or renumber the waves)",
                    x.round()
                ),
                _ => format!("write an integer string, e.g. `{key}: \"1\"`"),
            },
        };
        out.push(
            "HL002",
            f.at(),
            Text::new(
                format!("`{key}: {v:?}` is not an integer; the object lands in {lands}"),
                "Waves are parsed like Go's strconv.Atoi: optional sign and digits only. Anything else is silently ignored (W-2).",
                fix,
            ),
        );
    }
    if let (true, (w, WaveSource::HelmWeight)) = (
        matches!(f.class, Class::Resource) && f.delete_types.is_empty(),
        classify::wave(f.obj),
    ) && w != 0
    {
        out.push(
            "HL003",
            f.at(),
            Text::new(
                format!(
                    "`{}: \"{w}\"` puts this plain resource in wave {w}",
                    keys::HELM_HOOK_WEIGHT
                ),
                "Argo CD uses the Helm weight as the wave of any object without a valid sync-wave, hook or not (W-3); Helm would ignore the weight on a non-hook.",
                format!(
                    "write `{}: \"{w}\"` if the wave is intended, or remove `{}`",
                    keys::SYNC_WAVE,
                    keys::HELM_HOOK_WEIGHT
                ),
            ),
        );
    }
}

/// HL011: unknown delete-policy values (D-1), on objects that run as hooks (D-3).
fn delete_policy_values(f: &Facts<'_>, out: &mut Findings) {
    if !f.runs_as_hook() {
        return;
    }
    for (key, valid) in [
        (keys::HOOK_DELETE_POLICY, ARGO_POLICIES),
        (keys::HELM_HOOK_DELETE_POLICY, HELM_POLICIES),
    ] {
        let Some(v) = object::annotation(f.obj, key) else {
            continue;
        };
        for item in classify::csv(&v) {
            if valid.contains(&item) {
                continue;
            }
            let suggestion = closest(item, &valid);
            let fix = match suggestion {
                Some(s) => format!("write `{key}: {}`", replace_item(&v, item, s)),
                None => format!("use {} (exact spelling)", valid.join(", ")),
            };
            let none_left = classify::explicit_delete_policies(f.obj).is_empty();
            out.push(
                "HL011",
                f.at(),
                Text::new(
                    format!("unknown delete policy `{item}`{}", did_you_mean(suggestion)),
                    if none_left {
                        "Unknown policies are dropped; with no valid policy left the hook gets the default BeforeHookCreation (D-1), so it is never deleted after the sync."
                    } else {
                        "Unknown policies are dropped (D-1); only the valid ones apply."
                    },
                    fix,
                ),
            );
        }
    }
}

/// Kinds whose leftover is judged by its old status or fails on immutable fields (D-7).
fn completes(f: &Facts<'_>) -> bool {
    f.is("batch", "Job") || f.is("", "Pod") || f.is("argoproj.io", "Workflow")
}

/// HL004 (D-2, D-7).
fn reused_hook(f: &Facts<'_>, out: &mut Findings) {
    if !matches!(f.class, Class::Hook { .. }) || object::name(f.obj).is_empty() || !completes(f) {
        return;
    }
    let explicit = classify::explicit_delete_policies(f.obj);
    let has = |p| explicit.contains(&p);
    if explicit.is_empty()
        || has(DeletePolicy::BeforeHookCreation)
        || (has(DeletePolicy::HookSucceeded) && has(DeletePolicy::HookFailed))
    {
        return;
    }
    let written: Vec<&str> = explicit.iter().map(|p| p.as_str()).collect();
    let argo_written = object::annotation(f.obj, keys::HOOK_DELETE_POLICY)
        .is_some_and(|v| classify::csv(&v).iter().any(|i| ARGO_POLICIES.contains(i)));
    let fix = if argo_written {
        format!(
            "write `{}: BeforeHookCreation,{}`",
            keys::HOOK_DELETE_POLICY,
            written.join(",")
        )
    } else {
        let helm: Vec<&str> = explicit
            .iter()
            .map(|p| match p {
                DeletePolicy::HookSucceeded => "hook-succeeded",
                DeletePolicy::HookFailed => "hook-failed",
                DeletePolicy::BeforeHookCreation => "before-hook-creation",
            })
            .collect();
        format!(
            "write `{}: before-hook-creation,{}`",
            keys::HELM_HOOK_DELETE_POLICY,
            helm.join(",")
        )
    };
    let survives = if has(DeletePolicy::HookSucceeded) {
        "a failed or terminated sync"
    } else {
        "a successful or terminated sync"
    };
    out.push(
        "HL004",
        f.at(),
        Text::new(
            format!(
                "hook `{}` has delete policy {} but not BeforeHookCreation",
                object::name(f.obj),
                written.join(",")
            ),
            format!(
                "An explicit policy replaces the default BeforeHookCreation (D-2). After {survives} the hook stays, and the next sync applies onto it instead of re-creating it: it reports the old run's result without running again, or fails on immutable fields (D-7)."
            ),
            fix,
        ),
    );
}

/// HL005 (D-6, D-10).
fn accumulating_hook(f: &Facts<'_>, out: &mut Findings) {
    if !matches!(f.class, Class::Hook { .. })
        || !object::name(f.obj).is_empty()
        || object::generate_name(f.obj).is_empty()
    {
        return;
    }
    let policies = classify::delete_policies(f.obj);
    if policies.contains(&DeletePolicy::HookSucceeded)
        || policies.contains(&DeletePolicy::HookFailed)
    {
        return;
    }
    if f.is("batch", "Job")
        && object::value_at(f.obj, &["spec", "ttlSecondsAfterFinished"]).is_some_and(Value::is_u64)
    {
        return;
    }
    let ttl = if f.is("batch", "Job") {
        ", or set `spec.ttlSecondsAfterFinished`"
    } else {
        ""
    };
    out.push(
        "HL005",
        f.at(),
        Text::new(
            format!(
                "hook with generateName `{}` is never deleted: one more object per sync",
                object::generate_name(f.obj)
            ),
            "BeforeHookCreation only deletes an object with the same name, and a generated name is new on every operation (D-6); hooks are never pruned (D-10).",
            format!(
                "add `{}: BeforeHookCreation,HookSucceeded` (keeps failed runs for inspection){ttl}",
                keys::HOOK_DELETE_POLICY
            ),
        ),
    );
}

/// HL006 and HL007 (HL-5, HL-21).
fn hook_completion(f: &Facts<'_>, out: &mut Findings) {
    if !f.runs_as_hook() {
        return;
    }
    let (pod_spec, what): (Option<&Value>, &str) = if f.is("", "Pod") {
        (object::value_at(f.obj, &["spec"]), "Pod")
    } else if f.is("batch", "Job") {
        (
            object::value_at(f.obj, &["spec", "template", "spec"]),
            "Job pod template",
        )
    } else {
        return;
    };
    let policy = pod_spec
        .and_then(|s| object::str_at(s, &["restartPolicy"]))
        .filter(|p| !p.is_empty());
    match (f.is("", "Pod"), policy) {
        (true, None | Some("Always")) => out.push(
            "HL006",
            f.at(),
            Text::new(
                match policy {
                    None => "hook Pod has no restartPolicy, so it is Always".to_string(),
                    Some(_) => "hook Pod has restartPolicy Always".to_string(),
                },
                "A hook must finish. With restartPolicy Always the Pod never reaches Succeeded: it counts as Healthy as soon as it is Ready (the hook 'succeeds' while still running) or goes Degraded when it restarts (HL-5).",
                "set `spec.restartPolicy: Never` (or OnFailure)",
            ),
        ),
        (false, None | Some("Always")) => out.push(
            "HL006",
            f.at(),
            Text::new(
                match policy {
                    None => "hook Job's pod template has no restartPolicy".to_string(),
                    Some(_) => "hook Job's pod template has restartPolicy Always".to_string(),
                },
                "A Job's pods must be allowed to finish: the API server only accepts Never or OnFailure, so the apply fails and the sync with it.",
                "set `spec.template.spec.restartPolicy: Never` (or OnFailure)",
            ),
        ),
        _ => {}
    }
    let deadline = object::value_at(f.obj, &["spec", "activeDeadlineSeconds"]).is_some()
        || pod_spec.is_some_and(|s| object::value_at(s, &["activeDeadlineSeconds"]).is_some());
    if !deadline {
        let path = if f.is("", "Pod") {
            "spec.activeDeadlineSeconds"
        } else {
            "spec.activeDeadlineSeconds (Job)"
        };
        out.push(
            "HL007",
            f.at(),
            Text::new(
                format!("hook {what} has no activeDeadlineSeconds"),
                "A hook whose pod cannot start (image pull error, unschedulable) stays Progressing, and the sync waits for it forever: Argo CD has no sync timeout by default (HL-5, HL-21). backoffLimit only bounds pods that fail.",
                format!("set {path} to the longest the hook may take, e.g. 600"),
            ),
        );
    }
}

/// HL012 (P-9).
fn delete_false(f: &Facts<'_>, out: &mut Findings) {
    if !matches!(f.class, Class::Resource) || !classify::has_sync_option(f.obj, "Delete=false") {
        return;
    }
    if classify::sync_option_value(f.obj, "Prune").as_deref() == Some("false") {
        return;
    }
    out.push(
        "HL012",
        f.at(),
        Text::new(
            "`Delete=false` does not stop pruning",
            "Delete=false is only read when the Application is deleted (P-9); if the object leaves the manifests it is still pruned.",
            format!(
                "to keep it from being pruned too, write `{}: Delete=false,Prune=false`",
                keys::SYNC_OPTIONS
            ),
        ),
    );
}

/// HL013 (H-9).
fn sync_fail_wave(f: &Facts<'_>, out: &mut Findings) {
    let Class::Hook { phases } = &f.class else {
        return;
    };
    if phases != &[SyncPhase::SyncFail] {
        return;
    }
    let (w, src) = classify::wave(f.obj);
    if src == WaveSource::Default && !object::has_annotation(f.obj, keys::SYNC_WAVE) {
        return;
    }
    let key = match src {
        WaveSource::HelmWeight => keys::HELM_HOOK_WEIGHT,
        _ => keys::SYNC_WAVE,
    };
    out.push(
        "HL013",
        f.at(),
        Text::new(
            format!("SyncFail hook has a wave ({w}), which is ignored"),
            "All SyncFail hooks are launched together when the operation fails; waves do not order them (H-9).",
            format!(
                "remove `{key}`; if one SyncFail step must run after another, do both in one hook"
            ),
        ),
    );
}

/// HL018 (N-1).
fn generated_name_length(f: &Facts<'_>, config: &LintConfig, out: &mut Findings) {
    let Class::Hook { phases } = &f.class else {
        return;
    };
    let gen_name = object::generate_name(f.obj);
    if !object::name(f.obj).is_empty() || gen_name.is_empty() {
        return;
    }
    let longest = phases
        .iter()
        .map(|p| plan::generated_name(gen_name, &config.settings, *p))
        .max_by_key(|n| n.chars().count());
    let Some(longest) = longest else {
        return;
    };
    let len = longest.chars().count();
    if len <= MAX_NAME {
        return;
    }
    let postfix = len - gen_name.chars().count();
    let hard = NAME_63_KINDS.contains(&object::kind(f.obj));
    let severity = if hard {
        Severity::Error
    } else {
        Severity::Warning
    };
    let why = if hard {
        "Argo CD appends '<rev7>-<phase>-<unix seconds>' to generateName (N-1); this kind's name must fit 63 characters, so the create is rejected."
    } else {
        "Argo CD appends '<rev7>-<phase>-<unix seconds>' to generateName (N-1); names over 63 characters break hostnames and label values derived from them."
    };
    out.push_as(
        "HL018",
        severity,
        f.at(),
        Text::new(
            format!("generated hook name `{longest}` is {len} characters (limit {MAX_NAME})"),
            why,
            format!(
                "shorten generateName to at most {} characters",
                MAX_NAME.saturating_sub(postfix)
            ),
        ),
    );
}

/// HL019, HL020 (C-11).
fn delete_hooks(f: &Facts<'_>, out: &mut Findings) {
    let Some(first) = f.delete_types.first() else {
        return;
    };
    let ty = match first {
        classify::DeleteHookType::PreDelete => "PreDelete",
        classify::DeleteHookType::PostDelete => "PostDelete",
    };
    let explicit = classify::explicit_delete_policies(f.obj);
    if !explicit.contains(&DeletePolicy::HookSucceeded)
        && !explicit.contains(&DeletePolicy::HookFailed)
    {
        out.push(
            "HL019",
            f.at(),
            Text::new(
                format!("{ty} hook has no HookSucceeded/HookFailed delete policy"),
                "Delete hooks are removed only by an explicit HookSucceeded/HookFailed policy (C-11): without one a PostDelete hook, and a PreDelete hook after a non-cascading delete, stays in the cluster after the Application is gone.",
                format!("add `{}: HookSucceeded`", keys::HOOK_DELETE_POLICY),
            ),
        );
    }
    if object::name(f.obj).is_empty() {
        out.push(
            "HL020",
            f.at(),
            Text::new(
                format!(
                    "{ty} hook named by generateName `{}`",
                    object::generate_name(f.obj)
                ),
                "Argo CD creates every delete hook whose name is not live yet, on each deletion pass (C-11); a generated name never matches, so the hook is created again instead of being waited for.",
                "give the hook a fixed `metadata.name`",
            ),
        );
    }
}

/// `, did you mean `X`?` or nothing.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// The comma list `value` with `item` replaced by `with` (items trimmed, duplicates kept once).
fn replace_item(value: &str, item: &str, with: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for i in classify::csv(value) {
        let i = if i == item { with } else { i };
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out.join(",")
}

fn phase_list(phases: &[SyncPhase]) -> String {
    phases
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join("+")
}
