//! What Argo CD makes of an object's annotations: hook or resource, which phases, which wave,
//! which delete policies, which sync options (spec §1, §2, §6 D-1, §8).
//!
//! Pure functions over one object; no knowledge of the rest of the application.

use crate::model::SyncPhase;
use crate::object::{self, keys};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The classification of one desired object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "class")]
pub enum Class {
    /// A plain resource: one Sync-phase task (H-8).
    Resource,
    /// `Skip` is its only valid hook type: no task at all, neither apply nor prune (H-5).
    Skip,
    /// A hook with one task per phase (H-8), phases de-duplicated in phase order.
    Hook { phases: Vec<SyncPhase> },
    /// A hook with no valid type: removed before syncing, never applied nor pruned (H-7).
    Ignored { reason: String },
}

/// Argo CD and Helm delete policies, in their Argo spelling (D-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DeletePolicy {
    HookSucceeded,
    HookFailed,
    BeforeHookCreation,
}

impl DeletePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletePolicy::HookSucceeded => "HookSucceeded",
            DeletePolicy::HookFailed => "HookFailed",
            DeletePolicy::BeforeHookCreation => "BeforeHookCreation",
        }
    }
}

/// Delete-time hook types handled by the Argo CD controller, not by the sync (H-10, C-11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DeleteHookType {
    PreDelete,
    PostDelete,
}

/// H-3: split on `,`, trim, drop empties, collapse duplicates keeping first occurrence ([C]).
pub fn csv(value: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for item in value.split(',').map(str::trim) {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The valid Argo hook type words (H-4), `Skip` included.
pub const ARGO_HOOK_TYPES: [&str; 5] = ["PreSync", "Sync", "PostSync", "SyncFail", "Skip"];
/// Helm hook values Argo CD maps (H-6).
pub const HELM_HOOK_TYPES: [(&str, SyncPhase); 4] = [
    ("pre-install", SyncPhase::PreSync),
    ("pre-upgrade", SyncPhase::PreSync),
    ("post-install", SyncPhase::PostSync),
    ("post-upgrade", SyncPhase::PostSync),
];

/// A valid hook type: a phase or `Skip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HookType {
    Phase(SyncPhase),
    Skip,
}

fn argo_types(value: &str) -> Vec<HookType> {
    csv(value)
        .into_iter()
        .filter_map(|t| match t {
            "Skip" => Some(HookType::Skip),
            other => SyncPhase::parse(other).map(HookType::Phase),
        })
        .collect()
}

fn helm_types(value: &str) -> Vec<HookType> {
    let mut out = Vec::new();
    for t in csv(value) {
        if let Some((_, phase)) = HELM_HOOK_TYPES.iter().find(|(h, _)| *h == t) {
            let ht = HookType::Phase(*phase);
            if !out.contains(&ht) {
                out.push(ht);
            }
        }
    }
    out
}

/// H-2: the is-hook predicate (Skip objects are not hooks).
pub fn is_hook(obj: &Value) -> bool {
    matches!(classify(obj), Class::Hook { .. } | Class::Ignored { .. })
}

/// The annotations hookline reads (H-1, W-1, D-1, section 8), found in one walk over an
/// object's annotations. The planner reads each of them once or twice per object; looking
/// each up from the object's root was a fifth of the time to plan 10k objects
/// (docs/benchmarks.md).
#[derive(Clone, Copy, Debug, Default)]
pub struct Annotations<'a> {
    hook: Option<&'a Value>,
    helm_hook: Option<&'a Value>,
    sync_wave: Option<&'a Value>,
    helm_hook_weight: Option<&'a Value>,
    hook_delete_policy: Option<&'a Value>,
    helm_hook_delete_policy: Option<&'a Value>,
    sync_options: Option<&'a Value>,
}

impl<'a> Annotations<'a> {
    pub fn of(obj: &'a Value) -> Self {
        let mut out = Annotations::default();
        for (key, value) in object::annotations(obj).into_iter().flatten() {
            let slot = match key.as_str() {
                keys::HOOK => &mut out.hook,
                keys::HELM_HOOK => &mut out.helm_hook,
                keys::SYNC_WAVE => &mut out.sync_wave,
                keys::HELM_HOOK_WEIGHT => &mut out.helm_hook_weight,
                keys::HOOK_DELETE_POLICY => &mut out.hook_delete_policy,
                keys::HELM_HOOK_DELETE_POLICY => &mut out.helm_hook_delete_policy,
                keys::SYNC_OPTIONS => &mut out.sync_options,
                _ => continue,
            };
            *slot = Some(value);
        }
        out
    }

    /// The `sync-wave` annotation as written, if present (for notes on a wave that is not
    /// an integer, W-2).
    pub fn sync_wave_text(&self) -> Option<std::borrow::Cow<'a, str>> {
        self.sync_wave.map(object::annotation_text)
    }

    /// Classifies the object (H-2, H-4, H-5, H-6, H-7, H-8).
    pub fn classify(&self) -> Class {
        let argo = self.hook.map(object::annotation_text);
        let helm = self.helm_hook.map(object::annotation_text);
        let types = match (&argo, &helm) {
            (Some(a), _) => {
                let t = argo_types(a);
                // H-4: an empty Argo list falls back to the Helm list.
                if t.is_empty() {
                    helm.as_deref().map(helm_types).unwrap_or_default()
                } else {
                    t
                }
            }
            // H-2.2: a Helm hook unless the whole value is exactly `crd-install`.
            (None, Some(h)) if h.as_ref() != "crd-install" => helm_types(h),
            (None, _) => return Class::Resource,
        };
        // H-5: Skip only when it is the only valid type.
        if types == [HookType::Skip] {
            return Class::Skip;
        }
        let mut phases: Vec<SyncPhase> = types
            .into_iter()
            .filter_map(|t| match t {
                HookType::Phase(p) => Some(p),
                HookType::Skip => None,
            })
            .collect();
        phases.sort();
        phases.dedup();
        if phases.is_empty() {
            let reason = match (&argo, &helm) {
                (Some(a), _) if a.trim().is_empty() => format!("empty `{}` annotation", keys::HOOK),
                (Some(a), _) => format!("`{}: {a}` names no valid hook type", keys::HOOK),
                (None, Some(h)) => {
                    format!("`{}: {h}` names no hook type Argo CD runs", keys::HELM_HOOK)
                }
                (None, None) => unreachable_reason(),
            };
            return Class::Ignored { reason };
        }
        Class::Hook { phases }
    }

    /// H-10: PreDelete/PostDelete types named by either annotation (comma-list aware, [C]).
    pub fn delete_hook_types(&self) -> Vec<DeleteHookType> {
        let mut out = Vec::new();
        if let Some(a) = self.hook.map(object::annotation_text) {
            for t in csv(&a) {
                match t {
                    "PreDelete" => out.push(DeleteHookType::PreDelete),
                    "PostDelete" => out.push(DeleteHookType::PostDelete),
                    _ => {}
                }
            }
        }
        if let Some(h) = self.helm_hook.map(object::annotation_text) {
            for t in csv(&h) {
                match t {
                    "pre-delete" => out.push(DeleteHookType::PreDelete),
                    "post-delete" => out.push(DeleteHookType::PostDelete),
                    _ => {}
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// W-1, W-2, W-3: the wave of an object and where it came from.
    pub fn wave(&self) -> (i64, WaveSource) {
        if let Some(w) = self
            .sync_wave
            .map(object::annotation_text)
            .and_then(|v| parse_go_int(&v))
        {
            return (w, WaveSource::SyncWave);
        }
        if let Some(w) = self
            .helm_hook_weight
            .map(object::annotation_text)
            .and_then(|v| parse_go_int(&v))
        {
            return (w, WaveSource::HelmWeight);
        }
        (0, WaveSource::Default)
    }

    /// D-1, D-2: union of Argo and Helm policies; `[BeforeHookCreation]` when nothing valid remains.
    /// Returned in a fixed order (HookSucceeded, HookFailed, BeforeHookCreation).
    pub fn delete_policies(&self) -> Vec<DeletePolicy> {
        let mut out = self.explicit_delete_policies();
        if out.is_empty() {
            out.push(DeletePolicy::BeforeHookCreation);
        }
        out
    }

    /// The valid policies actually written on the object (no default).
    pub fn explicit_delete_policies(&self) -> Vec<DeletePolicy> {
        let mut out = Vec::new();
        if let Some(a) = self.hook_delete_policy.map(object::annotation_text) {
            for p in csv(&a) {
                let policy = match p {
                    "HookSucceeded" => DeletePolicy::HookSucceeded,
                    "HookFailed" => DeletePolicy::HookFailed,
                    "BeforeHookCreation" => DeletePolicy::BeforeHookCreation,
                    _ => continue,
                };
                out.push(policy);
            }
        }
        if let Some(h) = self.helm_hook_delete_policy.map(object::annotation_text) {
            for p in csv(&h) {
                let policy = match p {
                    "hook-succeeded" => DeletePolicy::HookSucceeded,
                    "hook-failed" => DeletePolicy::HookFailed,
                    "before-hook-creation" => DeletePolicy::BeforeHookCreation,
                    _ => continue,
                };
                out.push(policy);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Section 8: the object's `sync-options` annotation, split per H-3.
    pub fn sync_options(&self) -> Vec<String> {
        self.sync_options
            .map(object::annotation_text)
            .map(|v| csv(&v).into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    }
}

/// Classifies one object (H-2, H-4, H-5, H-6, H-7, H-8).
pub fn classify(obj: &Value) -> Class {
    Annotations::of(obj).classify()
}

fn unreachable_reason() -> String {
    // `classify` returns `Resource` before reaching here when neither annotation exists.
    "no hook annotation".to_string()
}

/// H-10: PreDelete/PostDelete types named by either annotation (comma-list aware, [C]).
pub fn delete_hook_types(obj: &Value) -> Vec<DeleteHookType> {
    Annotations::of(obj).delete_hook_types()
}

/// H-10 [C]: an object that is a delete hook and has no sync-phase type is left out of the sync.
pub fn is_delete_hook_only(obj: &Value) -> bool {
    !delete_hook_types(obj).is_empty() && !matches!(classify(obj), Class::Hook { .. })
}

/// W-2: Go `strconv.Atoi` — optional sign, ASCII digits, 64-bit range, nothing else.
pub fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // i64's parser accepts a leading '+' or '-' and rejects out-of-range values, as Atoi does.
    s.parse::<i64>().ok()
}

/// Where an object's wave came from, for plan notes and lints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WaveSource {
    SyncWave,
    HelmWeight,
    Default,
}

/// W-1, W-2, W-3: the wave of an object and where it came from.
pub fn wave(obj: &Value) -> (i64, WaveSource) {
    Annotations::of(obj).wave()
}

/// D-1, D-2: union of Argo and Helm policies; `[BeforeHookCreation]` when nothing valid remains.
/// Returned in a fixed order (HookSucceeded, HookFailed, BeforeHookCreation).
pub fn delete_policies(obj: &Value) -> Vec<DeletePolicy> {
    Annotations::of(obj).delete_policies()
}

/// The valid policies actually written on the object (no default).
pub fn explicit_delete_policies(obj: &Value) -> Vec<DeletePolicy> {
    Annotations::of(obj).explicit_delete_policies()
}

/// Section 8: the object's `sync-options` annotation, split per H-3.
pub fn sync_options(obj: &Value) -> Vec<String> {
    Annotations::of(obj).sync_options()
}

/// Whether the object's sync options contain exactly `option` (e.g. `Replace=true`).
pub fn has_sync_option(obj: &Value, option: &str) -> bool {
    sync_options(obj).iter().any(|o| o == option)
}

/// The value of `key=` in the object's sync options, first occurrence wins ([C] GetAnnotationOptionValue).
pub fn sync_option_value(obj: &Value, key: &str) -> Option<String> {
    sync_options(obj).into_iter().find_map(|o| {
        o.split_once('=')
            .filter(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    })
}

/// App-level options are exact strings (section 8): `Replace=true`, never `Replace = true`.
pub fn app_has_option(options: &[String], option: &str) -> bool {
    options.iter().any(|o| o == option)
}

/// App-level `key=value` lookup, first wins.
pub fn app_option_value<'a>(options: &'a [String], key: &str) -> Option<&'a str> {
    options
        .iter()
        .find_map(|o| o.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(annotations: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": annotations}})
    }

    fn phases(v: &[SyncPhase]) -> Class {
        Class::Hook { phases: v.to_vec() }
    }

    // Spec §13.4 hook_test.go cases.
    #[test]
    fn no_hooks_h2() {
        assert_eq!(classify(&obj(json!({}))), Class::Resource);
        assert!(!is_hook(&obj(json!({}))));
    }

    #[test]
    fn one_hook_each_type_h4() {
        for p in SyncPhase::ALL {
            assert_eq!(
                classify(&obj(json!({keys::HOOK: p.as_str()}))),
                phases(&[p])
            );
        }
    }

    #[test]
    fn skip_hook_h5() {
        let o = obj(json!({keys::HOOK: "Skip"}));
        assert_eq!(classify(&o), Class::Skip);
        assert!(!is_hook(&o));
    }

    #[test]
    fn skip_and_hook_is_a_hook_h5() {
        assert_eq!(
            classify(&obj(json!({keys::HOOK: "Skip,PreSync,PostSync"}))),
            phases(&[SyncPhase::PreSync, SyncPhase::PostSync])
        );
    }

    #[test]
    fn garbage_hook_is_ignored_h7() {
        for v in ["garbage", "", "Presync", "PreDelete"] {
            let o = obj(json!({keys::HOOK: v}));
            assert!(matches!(classify(&o), Class::Ignored { .. }), "{v}");
            assert!(is_hook(&o), "{v}: still a hook per H-2");
        }
    }

    #[test]
    fn garbage_and_hook_h4() {
        assert_eq!(
            classify(&obj(json!({keys::HOOK: "garbage,PreSync"}))),
            phases(&[SyncPhase::PreSync])
        );
    }

    #[test]
    fn two_hooks_and_duplicates_h3() {
        assert_eq!(
            classify(&obj(json!({keys::HOOK: " PostSync , PreSync,PreSync"}))),
            phases(&[SyncPhase::PreSync, SyncPhase::PostSync])
        );
    }

    #[test]
    fn helm_hooks_h6() {
        assert_eq!(
            classify(&obj(json!({keys::HELM_HOOK: "pre-install,pre-upgrade"}))),
            phases(&[SyncPhase::PreSync])
        );
        assert_eq!(
            classify(&obj(json!({keys::HELM_HOOK: "post-upgrade"}))),
            phases(&[SyncPhase::PostSync])
        );
        for garbage in ["test", "pre-rollback", "pre-delete", "crd-install,test"] {
            assert!(
                matches!(
                    classify(&obj(json!({keys::HELM_HOOK: garbage}))),
                    Class::Ignored { .. }
                ),
                "{garbage}"
            );
        }
        // crd-install alone: a plain resource (H-2.2); combined: its crd-install part ignored.
        assert_eq!(
            classify(&obj(json!({keys::HELM_HOOK: "crd-install"}))),
            Class::Resource
        );
        assert_eq!(
            classify(&obj(json!({keys::HELM_HOOK: "crd-install,pre-install"}))),
            phases(&[SyncPhase::PreSync])
        );
    }

    #[test]
    fn argo_type_wins_over_helm_h4() {
        assert_eq!(
            classify(&obj(
                json!({keys::HOOK: "PostSync", keys::HELM_HOOK: "pre-install"})
            )),
            phases(&[SyncPhase::PostSync])
        );
        // An Argo list with nothing valid falls back to Helm.
        assert_eq!(
            classify(&obj(
                json!({keys::HOOK: "Bogus", keys::HELM_HOOK: "pre-install"})
            )),
            phases(&[SyncPhase::PreSync])
        );
    }

    #[test]
    fn delete_hooks_h10() {
        let o = obj(json!({keys::HOOK: "PreDelete"}));
        assert_eq!(delete_hook_types(&o), vec![DeleteHookType::PreDelete]);
        assert!(is_delete_hook_only(&o));
        let both = obj(json!({keys::HOOK: "PreSync, PostDelete"}));
        assert_eq!(delete_hook_types(&both), vec![DeleteHookType::PostDelete]);
        assert!(!is_delete_hook_only(&both));
        assert_eq!(
            delete_hook_types(&obj(json!({keys::HELM_HOOK: "post-delete"}))),
            vec![DeleteHookType::PostDelete]
        );
    }

    #[test]
    fn wave_parsing_w1_w2_w3() {
        assert_eq!(wave(&obj(json!({}))), (0, WaveSource::Default));
        assert_eq!(wave(&obj(json!({keys::SYNC_WAVE: "-3"}))).0, -3);
        assert_eq!(wave(&obj(json!({keys::SYNC_WAVE: "+4"}))).0, 4);
        for bad in [
            " 5",
            "1.5",
            "1e3",
            "0x10",
            "",
            "99999999999999999999",
            "+",
            "5 ",
        ] {
            assert_eq!(
                wave(&obj(json!({keys::SYNC_WAVE: bad}))),
                (0, WaveSource::Default),
                "{bad:?}"
            );
        }
        // Helm weight is the fallback for any object, hook or not (W-3).
        assert_eq!(
            wave(&obj(
                json!({keys::SYNC_WAVE: "1.5", keys::HELM_HOOK_WEIGHT: "7"})
            )),
            (7, WaveSource::HelmWeight)
        );
        assert_eq!(
            wave(&obj(
                json!({keys::SYNC_WAVE: "2", keys::HELM_HOOK_WEIGHT: "7"})
            )),
            (2, WaveSource::SyncWave)
        );
    }

    #[test]
    fn delete_policies_d1_d2() {
        assert_eq!(
            delete_policies(&obj(json!({}))),
            vec![DeletePolicy::BeforeHookCreation]
        );
        assert_eq!(
            delete_policies(&obj(json!({keys::HOOK_DELETE_POLICY: "garbage"}))),
            vec![DeletePolicy::BeforeHookCreation]
        );
        assert_eq!(
            delete_policies(&obj(json!({keys::HOOK_DELETE_POLICY: "HookSucceeded"}))),
            vec![DeletePolicy::HookSucceeded]
        );
        assert_eq!(
            delete_policies(&obj(json!({
                keys::HOOK_DELETE_POLICY: "HookFailed",
                keys::HELM_HOOK_DELETE_POLICY: "hook-succeeded,before-hook-creation"
            }))),
            vec![
                DeletePolicy::HookSucceeded,
                DeletePolicy::HookFailed,
                DeletePolicy::BeforeHookCreation
            ]
        );
    }

    #[test]
    fn sync_options_section_8() {
        let o = obj(json!({keys::SYNC_OPTIONS: " Replace=true ,Prune=false,Prune=confirm"}));
        assert!(has_sync_option(&o, "Replace=true"));
        assert_eq!(sync_option_value(&o, "Prune").as_deref(), Some("false"));
        let app = vec!["Replace = true".to_string(), "PruneLast=true".to_string()];
        assert!(!app_has_option(&app, "Replace=true"));
        assert!(app_has_option(&app, "PruneLast=true"));
    }
}
