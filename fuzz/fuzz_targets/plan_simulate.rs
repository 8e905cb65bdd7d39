//! Plan and simulate whatever parses: as a scenario, or else as a manifest set synced once.
//! Neither may panic, and the simulation must end within its pass bound (property 9).
#![no_main]

use hookline_core::manifest;
use hookline_core::scenario::{AppSpec, Scenario, settings_of};
use hookline_core::sim::{self, SimInput, SimOperation};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

/// Keeps each run short: a fuzzer wants many small executions, not one long simulation.
const MAX_PASSES: usize = 300;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = match Scenario::parse(&text, "fuzz.yaml", None, "fuzz") {
        Ok(s) => s.input,
        Err(_) => {
            let Ok(set) = manifest::parse_str(&text, "fuzz.yaml") else {
                return;
            };
            let settings = settings_of(&AppSpec::default());
            if manifest::validate_set(&set, &settings.namespace).is_err() {
                return;
            }
            SimInput {
                operations: vec![SimOperation {
                    settings,
                    desired: Arc::new(set),
                    behaviour: Vec::new(),
                    wave_delay: hookline_core::duration::Duration::from_secs(2),
                    retry: None,
                    terminate_after: None,
                    sync_timeout: None,
                    started_at_given: true,
                }],
                ..SimInput::default()
            }
        }
    };
    let input = SimInput {
        max_passes: MAX_PASSES,
        ..input
    };
    let report = sim::simulate(&input);
    for op in &report.operations {
        assert!(
            op.passes <= MAX_PASSES,
            "operation {} ran {} passes",
            op.index,
            op.passes
        );
    }
});
