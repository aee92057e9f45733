//! [`PolicySetup`]: everything about a policy that the engine applies around it: its candidate
//! table, its board and compliance, whether counters are pooled, and its booking rule.

use crate::model::Model;
use crate::policy::{BookingRule, CandidateTable, Information, PolicyKind, PolicySpec, Reach};

/// How the engine runs one policy; built once per policy and shared by its replications.
#[derive(Debug, Clone)]
pub struct PolicySetup {
    /// The policy's name, for error messages.
    pub name: String,
    /// Offices each origin may consider.
    pub candidates: CandidateTable,
    /// Board refresh, what it shows, and the share of clients who follow the policy.
    pub information: Information,
    /// All counters serve one shared queue; the policy object is not consulted.
    pub pooled: bool,
    /// How booking clients get a slot (when the model has bookings).
    pub booking: BookingRule,
}

impl PolicySetup {
    /// The setup of a policy from the scenario.
    pub fn from_spec(model: &Model, spec: &PolicySpec) -> Self {
        PolicySetup {
            name: spec.name.clone(),
            candidates: CandidateTable::new(model, &spec.reach),
            information: spec.information,
            pooled: spec.kind == PolicyKind::Pooled,
            booking: spec.booking,
        }
    }

    /// A setup for a custom policy object: given reach and information, not pooled.
    pub fn new(model: &Model, name: impl Into<String>, reach: Reach, information: Information) -> Self {
        PolicySetup {
            name: name.into(),
            candidates: CandidateTable::new(model, &reach),
            information,
            pooled: false,
            booking: BookingRule::default(),
        }
    }
}
