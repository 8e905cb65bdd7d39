//! Any bytes, read as a scenario file, give a scenario or a `ScenarioError` — never a panic
//! (architecture principle 6; the playground parses whatever the user types).
#![no_main]

use hookline_core::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = Scenario::parse(&text, "fuzz.yaml", None, "fuzz") {
        let _ = s.to_yaml();
    }
});
