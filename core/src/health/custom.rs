//! User-supplied health rules for custom kinds (spec HL-2.2). Placeholder: the rule format
//! comes next; until then no rule ever matches and only built-in checks apply.

use super::Health;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// User-supplied health rules; empty = built-in checks only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthRules {}

impl HealthRules {
    /// The health the first matching rule gives; `None` if no rule matches.
    pub fn assess(&self, _obj: &Value) -> Option<Health> {
        None
    }
}
