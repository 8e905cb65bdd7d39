//! SARIF 2.1.0 output (OASIS Static Analysis Results Interchange Format).

use super::{Finding, RULES, Severity};
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF `level` for a severity: `error`, `warning`, `note`.
pub fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log with one run: the full rule catalogue as `tool.driver.rules` and one
/// result per finding. Findings without a file line (app-level options) carry a logical
/// location instead of a region; sources that are labels (`<application>`, `<stdin>`) carry
/// no physical location.
pub fn to_sarif(findings: &[Finding], tool_version: &str) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.description},
                "help": {
                    "text": format!("{} Fix: {} (spec {}; docs/lints.md#{})", r.description, r.fix, r.spec, r.code.to_lowercase()),
                },
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {"tags": [r.spec]},
            })
        })
        .collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hookline",
                "version": tool_version,
                "semanticVersion": tool_version,
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn result(f: &Finding) -> Value {
    let mut location = serde_json::Map::new();
    if !f.source.file.is_empty() && !f.source.file.starts_with('<') {
        let mut physical = json!({"artifactLocation": {"uri": uri(&f.source.file)}});
        if f.source.line > 0 {
            physical["region"] = json!({"startLine": f.source.line});
        }
        location.insert("physicalLocation".into(), physical);
    }
    location.insert(
        "logicalLocations".into(),
        json!([{"fullyQualifiedName": f.object.to_string(), "kind": "object"}]),
    );
    let mut r = json!({
        "ruleId": f.code,
        "level": sarif_level(f.severity),
        "message": {"text": f.message},
        "locations": [Value::Object(location)],
        "properties": {
            "name": f.name,
            "spec": f.rule,
            "explanation": f.explanation,
            "fix": f.fix,
        },
    });
    if let Some(i) = RULES.iter().position(|r| r.code == f.code) {
        r["ruleIndex"] = json!(i);
    }
    r
}

/// A relative URI reference for a file path: forward slashes, reserved bytes percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
