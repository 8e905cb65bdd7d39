//! HL021: sync options that match no known option exactly (section 8).

use super::spelling::closest;
use super::{At, Findings, LintConfig, Severity, Text};
use crate::classify;
use crate::manifest::Manifest;
use crate::model::{ResourceKey, Source};
use crate::object::{self, keys};

/// Known options and their accepted values (Argo CD docs, sync-options; spec §8, O-1 … O-11,
/// P-3, P-5, P-6, P-8, P-9). Matching is exact.
const KNOWN: [(&str, &[&str]); 14] = [
    ("Validate", &["false", "true"]),
    ("SkipDryRunOnMissingResource", &["true"]),
    ("CreateNamespace", &["true"]),
    ("PruneLast", &["true"]),
    ("ApplyOutOfSyncOnly", &["true"]),
    (
        "PrunePropagationPolicy",
        &["foreground", "background", "orphan"],
    ),
    ("Prune", &["false", "confirm", "true"]),
    ("Delete", &["false", "confirm"]),
    ("Replace", &["true"]),
    ("Force", &["true"]),
    ("ServerSideApply", &["true", "false"]),
    ("RespectIgnoreDifferences", &["true"]),
    ("FailOnSharedResource", &["true"]),
    ("ClientSideApplyMigration", &["false", "true"]),
];

/// What is wrong with an option string, or `None` when it is exactly a known option.
struct Problem {
    message: String,
    fix: String,
    /// A near miss of a known option (not a possibly newer option hookline does not know).
    near_miss: bool,
}

fn check_option(option: &str) -> Option<Problem> {
    let (raw_key, raw_value) = match option.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (option, None),
    };
    if let Some(v) = raw_value
        && KNOWN
            .iter()
            .any(|(k, values)| *k == raw_key && values.contains(&v))
    {
        return None;
    }
    let key_names: Vec<&str> = KNOWN.iter().map(|(k, _)| *k).collect();
    let Some(key) = closest(raw_key.trim(), &key_names) else {
        return Some(Problem {
            message: format!("unknown sync option `{option}`"),
            fix: format!(
                "use one of {} as `Key=value`",
                key_names
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            near_miss: false,
        });
    };
    let values = KNOWN
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .unwrap_or_default();
    let value = raw_value.and_then(|v| {
        values
            .iter()
            .find(|known| known.eq_ignore_ascii_case(v.trim()))
            .copied()
    });
    Some(match value {
        Some(value) => Problem {
            message: format!("sync option `{option}` is not `{key}={value}`"),
            fix: format!("write `{key}={value}` (exact case, no spaces)"),
            near_miss: true,
        },
        None => Problem {
            message: format!(
                "sync option `{option}` has no valid value for `{key}`{}",
                if raw_key.trim() == key {
                    String::new()
                } else {
                    format!(" (did you mean `{key}`?)")
                }
            ),
            fix: format!(
                "write {}",
                values
                    .iter()
                    .map(|v| format!("`{key}={v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            near_miss: true,
        },
    })
}

/// App-level options: exact strings, nothing trimmed.
pub(super) fn check_app(config: &LintConfig, out: &mut Findings) {
    let source = config.app_source.clone().unwrap_or_else(|| Source {
        file: "<application>".into(),
        document: 0,
        line: 0,
    });
    let object = ResourceKey::new(
        "argoproj.io",
        "Application",
        "",
        config.settings.app_name.as_str(),
    );
    for option in &config.settings.sync_options {
        let Some(p) = check_option(option) else {
            continue;
        };
        let severity = if p.near_miss {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push_as(
            "HL021",
            severity,
            At {
                source: &source,
                object: object.clone(),
            },
            Text::new(
                p.message,
                "Application sync options are compared as exact strings (section 8): anything else is silently ignored.",
                p.fix,
            ),
        );
    }
}

/// Resource-level options: the annotation, split and trimmed per H-3.
pub(super) fn check_annotation(m: &Manifest, out: &mut Findings) {
    if object::annotation(&m.object, keys::SYNC_OPTIONS).is_none() {
        return;
    }
    for option in classify::sync_options(&m.object) {
        let Some(p) = check_option(&option) else {
            continue;
        };
        let severity = if p.near_miss {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push_as(
            "HL021",
            severity,
            At::manifest(m),
            Text::new(
                format!("{} in `{}`", p.message, keys::SYNC_OPTIONS),
                "Each comma-separated sync option is trimmed and then compared exactly (section 8): anything else is silently ignored.",
                p.fix,
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_options_pass() {
        for o in [
            "Replace=true",
            "CreateNamespace=true",
            "PrunePropagationPolicy=orphan",
            "Prune=confirm",
        ] {
            assert!(check_option(o).is_none(), "{o}");
        }
    }

    #[test]
    fn near_misses_are_corrected() {
        let p = check_option("Replace = true").map(|p| p.fix);
        assert_eq!(
            p.as_deref(),
            Some("write `Replace=true` (exact case, no spaces)")
        );
        let p = check_option("CreateNamespace=True").map(|p| p.fix);
        assert_eq!(
            p.as_deref(),
            Some("write `CreateNamespace=true` (exact case, no spaces)")
        );
        let p = check_option("PruneLst=true").map(|p| p.message);
        assert_eq!(
            p.as_deref(),
            Some("sync option `PruneLst=true` is not `PruneLast=true`")
        );
        assert!(check_option("Totally=unknown").is_some_and(|p| !p.near_miss));
    }
}
