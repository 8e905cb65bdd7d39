//! The application and operation settings that shape a sync (scenario `app:`, CLI flags).

use crate::classify;
use serde::{Deserialize, Serialize};

/// Which Argo CD behaviour to model where versions differ (architecture principle 4).
/// Only the current engine is implemented; a legacy (≤ 3.3, `[L]`) profile would be a new
/// variant consulted in the engine, without touching callers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Profile {
    /// Argo CD ≥ 3.4 (the spec's `[C]` rules), plus the 3.5 root cause appended to the
    /// "not valid" message (S-1).
    #[default]
    #[serde(rename = "current")]
    Current,
}

/// Settings of one sync operation (scenario `app:`; CLI flags).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSettings {
    pub app_name: String,
    /// Destination namespace.
    pub namespace: String,
    pub revision: String,
    /// Unix seconds when the operation started (N-1, N-2).
    pub started_at: i64,
    pub prune: bool,
    /// Operation dry-run (O-12).
    pub dry_run: bool,
    /// No hook of any phase runs (O-11).
    pub skip_hooks: bool,
    /// App-level sync options, exact strings (section 8).
    pub sync_options: Vec<String>,
    /// `argocd app sync --force` (O-1).
    pub force: bool,
    /// Prune confirmation given (C-8, P-8).
    pub prune_confirmed: bool,
    pub profile: Profile,
}

impl Default for SyncSettings {
    /// The defaults of scenario-format.md (`app:`).
    fn default() -> Self {
        SyncSettings {
            app_name: "app".into(),
            namespace: "default".into(),
            revision: "0123456789abcdef".into(),
            started_at: 1_700_000_000,
            prune: false,
            dry_run: false,
            skip_hooks: false,
            sync_options: Vec::new(),
            force: false,
            prune_confirmed: false,
            profile: Profile::Current,
        }
    }
}

impl SyncSettings {
    pub fn has_option(&self, option: &str) -> bool {
        classify::app_has_option(&self.sync_options, option)
    }

    pub fn option_value(&self, key: &str) -> Option<&str> {
        classify::app_option_value(&self.sync_options, key)
    }
}
