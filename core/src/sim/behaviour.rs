//! What-if rules: how the simulated cluster reacts to one object (scenario `behaviour:`).

use crate::duration::Duration;
use crate::health::HealthStatus;
use crate::model::ResourceKey;
use crate::reference::Reference;
use serde::{Deserialize, Serialize};

/// `succeed | fail | hang`: shorthand for a health timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Succeed,
    Fail,
    Hang,
}

/// `ok | fail` for an apply or a dry-run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Ok,
    Fail,
}

/// `completes | hang` for a deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeleteBehaviour {
    Completes,
    Hang,
}

/// One entry of a health timeline; the last entry holds forever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthStep {
    pub status: HealthStatus,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none", default)]
    pub duration: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BehaviourRule {
    #[serde(rename = "match")]
    pub matches: Reference,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub outcome: Option<Outcome>,
    /// When the outcome happens after apply; default 1s.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub health: Option<Vec<HealthStep>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub apply: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dry_run: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub delete: Option<DeleteBehaviour>,
}

impl BehaviourRule {
    /// The rule's health timeline, if it sets one (`health:` wins over `outcome:`).
    pub fn timeline(&self) -> Option<Vec<HealthStep>> {
        if let Some(h) = &self.health {
            return Some(h.clone());
        }
        let after = Some(self.after.unwrap_or(Duration::from_secs(1)));
        let message = self.message.clone();
        Some(match self.outcome? {
            Outcome::Succeed => vec![
                HealthStep {
                    status: HealthStatus::Progressing,
                    duration: after,
                    message: None,
                },
                HealthStep {
                    status: HealthStatus::Healthy,
                    duration: None,
                    message,
                },
            ],
            Outcome::Fail => vec![
                HealthStep {
                    status: HealthStatus::Progressing,
                    duration: after,
                    message: None,
                },
                HealthStep {
                    status: HealthStatus::Degraded,
                    duration: None,
                    message,
                },
            ],
            Outcome::Hang => vec![HealthStep {
                status: HealthStatus::Progressing,
                duration: None,
                message,
            }],
        })
    }
}

/// The rules in force, newest first: for each attribute the first matching rule that sets
/// it decides (an operation's rules come before the scenario's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Behaviours {
    rules: Vec<BehaviourRule>,
}

/// What the rules say about one object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolved {
    pub timeline: Option<Vec<HealthStep>>,
    pub apply_fails: Option<String>,
    pub dry_run_fails: Option<String>,
    pub delete_hangs: bool,
}

impl Behaviours {
    pub fn new(rules: Vec<BehaviourRule>) -> Self {
        Behaviours { rules }
    }

    /// Puts `newer` in front of the rules in force (an operation's `behaviour:`).
    pub fn push_front(&mut self, newer: &[BehaviourRule]) {
        let mut rules = newer.to_vec();
        rules.append(&mut self.rules);
        self.rules = rules;
    }

    pub fn rules(&self) -> &[BehaviourRule] {
        &self.rules
    }

    pub fn resolve(&self, key: &ResourceKey) -> Resolved {
        let matching: Vec<&BehaviourRule> = self
            .rules
            .iter()
            .filter(|r| r.matches.matches_key(key))
            .collect();
        let failure = |r: &BehaviourRule, what: &str| {
            r.message.clone().unwrap_or_else(|| {
                format!(
                    "{what} of {key} rejected by the simulated API server (behaviour rule {})",
                    r.matches
                )
            })
        };
        Resolved {
            timeline: matching.iter().find_map(|r| r.timeline()),
            apply_fails: matching
                .iter()
                .find(|r| r.apply.is_some())
                .filter(|r| r.apply == Some(Verdict::Fail))
                .map(|r| failure(r, "apply")),
            dry_run_fails: matching
                .iter()
                .find(|r| r.dry_run.is_some())
                .filter(|r| r.dry_run == Some(Verdict::Fail))
                .map(|r| failure(r, "dry-run")),
            delete_hangs: matching
                .iter()
                .find_map(|r| r.delete)
                .is_some_and(|d| d == DeleteBehaviour::Hang),
        }
    }
}
