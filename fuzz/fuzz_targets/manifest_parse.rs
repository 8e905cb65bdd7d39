//! Any bytes, read as a manifest set, give manifests or a `ManifestError` — never a panic
//! (architecture principle 6). Then the set check and the planner must not panic either.
#![no_main]

use hookline_core::manifest;
use hookline_core::plan::{self, LiveSet, SyncSettings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(set) = manifest::parse_str(&text, "fuzz.yaml") {
        let settings = SyncSettings::default();
        if manifest::validate_set(&set, &settings.namespace).is_ok() {
            let _ = plan::plan(&set, &LiveSet::default(), &settings);
        }
    }
});
