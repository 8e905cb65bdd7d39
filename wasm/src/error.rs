//! Errors thrown to JavaScript: a real `Error` (so `instanceof Error`, a stack and the
//! message work as usual) carrying core's structured details as properties.

use hookline_core::manifest::ManifestError;
use hookline_core::scenario::ScenarioError;
use serde::Serialize;
use wasm_bindgen::JsValue;

pub type JsResult = Result<JsValue, JsValue>;

/// Core's answer as a plain JS object (json-compatible: maps are objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| thrown(&format!("cannot hand the result to JavaScript: {e}"), &[]))
}

/// A JS `Error` with `message` and the given properties (absent ones are left out).
pub fn thrown(message: &str, fields: &[(&str, Option<JsValue>)]) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("HooklineError");
    for (name, value) in fields {
        if let Some(v) = value {
            // Setting a property on a fresh Error cannot fail; if it ever did, the message
            // still carries every detail.
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str(name), v);
        }
    }
    err.into()
}

fn num(n: Option<usize>) -> Option<JsValue> {
    n.map(|n| JsValue::from_f64(n as f64))
}

fn text(s: Option<&str>) -> Option<JsValue> {
    s.map(JsValue::from_str)
}

pub fn manifest(e: ManifestError) -> JsValue {
    thrown(
        &e.to_string(),
        &[
            ("file", text(Some(&e.file))),
            ("document", num(e.document)),
            ("line", num(e.line)),
            ("column", num(e.column)),
            ("detail", text(Some(&e.message))),
            ("hint", text(e.hint.as_deref())),
        ],
    )
}

pub fn scenario(e: ScenarioError) -> JsValue {
    thrown(
        &e.to_string(),
        &[
            ("file", text(Some(&e.file))),
            ("line", num(e.line)),
            ("column", num(e.column)),
            ("path", text(e.path.as_deref())),
            ("detail", text(Some(&e.message))),
            ("hint", text(e.hint.as_deref())),
        ],
    )
}
