//! `autoscaling` HorizontalPodAutoscaler (HL-13): v1 (conditions in an annotation), v2, and
//! the legacy v2beta1/v2beta2 (kept: released Argo CD up to v3.4 checks them; dropped from
//! v3.5, PR #27887).
//!
//! Decision order is the released one (Argo CD ≤ v3.4, HL-13): the **first** condition in
//! list order that is degraded or healthy decides, with the four original degraded
//! type/reason pairs. (v3.5 lets any degraded condition win and adds more reasons.)

use super::decode::{Condition, Typed};
use super::{Health, HealthStatus, conversion_error, require_version};
use serde_json::Value;

const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";
const WAITING: &str = "Waiting to Autoscale";

/// Degraded when type and reason match, whatever the status.
const DEGRADED: [(&str, &str); 4] = [
    ("AbleToScale", "FailedGetScale"),
    ("AbleToScale", "FailedUpdateScale"),
    ("ScalingActive", "FailedGetResourceMetric"),
    ("ScalingActive", "InvalidSelector"),
];

/// Healthy when one of these types has status `True`.
const HEALTHY: [&str; 2] = ["AbleToScale", "ScalingLimited"];

pub(super) fn hpa(obj: &Value) -> Result<Health, String> {
    require_version(obj, &["v1", "v2", "v2beta1", "v2beta2"], "HPA")?;
    let t = Typed::root(obj);
    let version = crate::object::group_version(obj).1;
    let conditions = if version == "v1" {
        let annotations = t
            .meta()
            .and_then(|_| t.string_map(&["metadata", "annotations"]))
            .map_err(conversion_error("HPA"))?;
        let Some((_, text)) = annotations
            .iter()
            .find(|(k, _)| *k == CONDITIONS_ANNOTATION)
        else {
            return Ok(Health::new(HealthStatus::Progressing, WAITING));
        };
        let conditions = parse_annotation(text)
            .map_err(|e| format!("failed to convert conditions annotation to typed: {e}"))?;
        if conditions.is_empty() {
            return Ok(Health::new(HealthStatus::Progressing, WAITING));
        }
        conditions
    } else {
        t.meta()
            .and_then(|_| t.conditions(&["status", "conditions"]))
            .map_err(conversion_error("HPA"))?
    };
    Ok(check_conditions(&conditions))
}

/// gitops-engine `checkConditions` (≤ v3.4): first decisive condition wins.
fn check_conditions(conditions: &[Condition]) -> Health {
    for c in conditions {
        if DEGRADED
            .iter()
            .any(|(t, r)| c.type_ == *t && c.reason == *r)
        {
            return Health::new(HealthStatus::Degraded, c.message.clone());
        }
        if HEALTHY.contains(&c.type_.as_ref()) && c.status == "True" {
            return Health::new(HealthStatus::Healthy, c.message.clone());
        }
    }
    Health::new(HealthStatus::Progressing, WAITING)
}

/// Go `json.Unmarshal` into `[]hpaCondition{Type, Reason, Message, Status string}`:
/// `null` is an empty list, `null` elements are zero conditions, keys match case-insensitively,
/// other fields are ignored, any other type mismatch is an error.
fn parse_annotation(text: &str) -> Result<Vec<Condition<'static>>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err("cannot unmarshal non-list into the conditions list".into()),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let map = match item {
                Value::Null => return Ok(Condition::default()),
                Value::Object(m) => m,
                _ => return Err(format!("condition {i}: cannot unmarshal non-object")),
            };
            let field = |name: &str| -> Result<String, String> {
                // Go prefers an exact key match, then a case-insensitive one.
                let v = map.get(name).or_else(|| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v)
                });
                match v {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(_) => Err(format!("condition {i}: field {name:?} is not a string")),
                }
            };
            Ok(Condition {
                type_: field("type")?.into(),
                status: field("status")?.into(),
                reason: field("reason")?.into(),
                message: field("message")?.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{HealthError, HealthRules, assess, evaluate};
    use super::*;
    use serde_json::json;

    fn v1(annotation: Value) -> Value {
        json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "h", "annotations": {CONDITIONS_ANNOTATION: annotation}}})
    }

    #[test]
    fn hl13_v1_bad_json_annotation_is_unknown_with_error() {
        for bad in [
            "{not json",
            "",
            "{\"type\": \"AbleToScale\"}",
            "[{\"status\": true}]",
            "[5]",
        ] {
            let obj = v1(json!(bad));
            let h = assess(&obj, &HealthRules::default());
            assert_eq!(
                h.as_ref().map(|h| h.status),
                Some(HealthStatus::Unknown),
                "{bad}"
            );
            assert!(
                h.is_some_and(|h| h
                    .message
                    .starts_with("failed to convert conditions annotation to typed: ")),
                "{bad}"
            );
            assert!(matches!(
                evaluate(&obj, &HealthRules::default()),
                Err(HealthError { .. })
            ));
        }
        // A non-string annotation fails the typed conversion of the whole object.
        let h = assess(&v1(json!(5)), &HealthRules::default());
        assert!(h.is_some_and(|h| {
            h.status == HealthStatus::Unknown
                && h.message
                    .starts_with("failed to convert unstructured HPA to typed: ")
        }));
    }

    #[test]
    fn hl13_v1_empty_or_null_annotation_waits() {
        for empty in ["[]", "null"] {
            assert_eq!(
                assess(&v1(json!(empty)), &HealthRules::default()),
                Some(Health::new(HealthStatus::Progressing, WAITING))
            );
        }
        // Null elements are zero conditions; keys match case-insensitively.
        let text = r#"[null, {"Type": "AbleToScale", "STATUS": "True", "message": "ok", "x": 1}]"#;
        assert_eq!(
            assess(&v1(json!(text)), &HealthRules::default()),
            Some(Health::new(HealthStatus::Healthy, "ok"))
        );
    }

    #[test]
    fn hl13_first_decisive_condition_wins() {
        let hpa = |api: &str, conditions: Value| {
            json!({"apiVersion": api, "kind": "HorizontalPodAutoscaler",
                   "metadata": {"name": "h"}, "status": {"conditions": conditions}})
        };
        let healthy_first = json!([
            {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale", "message": "fine"},
            {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric", "message": "bad"}]);
        for api in [
            "autoscaling/v2",
            "autoscaling/v2beta1",
            "autoscaling/v2beta2",
        ] {
            assert_eq!(
                assess(&hpa(api, healthy_first.clone()), &HealthRules::default()),
                Some(Health::new(HealthStatus::Healthy, "fine")),
                "{api}"
            );
        }
        let degraded_first = json!([
            {"type": "ScalingActive", "status": "True", "reason": "InvalidSelector", "message": "sel"},
            {"type": "AbleToScale", "status": "True"}]);
        assert_eq!(
            assess(
                &hpa("autoscaling/v2", degraded_first),
                &HealthRules::default()
            ),
            Some(Health::new(HealthStatus::Degraded, "sel"))
        );
        let undecided =
            json!([{"type": "ScalingActive", "status": "False", "reason": "ScalingDisabled"}]);
        assert_eq!(
            assess(&hpa("autoscaling/v2", undecided), &HealthRules::default()),
            Some(Health::new(HealthStatus::Progressing, WAITING))
        );
    }
}
