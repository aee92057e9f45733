//! [`PolicySetup`]: everything about a policy that the engine applies around it: its candidate
//! table, its board and compliance, whether counters are pooled, and its booking rule.

use crate::model::Model;
use crate::policy::{BookingRule, CandidateTable, Information, PolicyKind, PolicySpec, Reach};
use std::sync::Arc;

/// How the engine runs one policy; built once per policy and shared by its replications.
#[derive(Debug, Clone)]
pub struct PolicySetup {
    /// The policy's name, for error messages.
    pub name: String,
    /// Offices each origin may consider: shared by the policies of an experiment with the same
    /// limit (a table for wide areas can take tens of megabytes).
    pub candidates: Arc<CandidateTable>,
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
            candidates: Arc::new(CandidateTable::new(model, &spec.reach)),
            information: spec.information,
            pooled: spec.kind == PolicyKind::Pooled,
            booking: spec.booking,
        }
    }

    /// A setup for a custom policy object: given reach and information, not pooled.
    pub fn new(model: &Model, name: impl Into<String>, reach: Reach, information: Information) -> Self {
        Self::with_candidates(name, Arc::new(CandidateTable::new(model, &reach)), information)
    }

    /// A setup for a custom policy object with a candidate table already built for its reach
    /// (one shared with other policies): not pooled.
    pub fn with_candidates(name: impl Into<String>, candidates: Arc<CandidateTable>, information: Information) -> Self {
        PolicySetup {
            name: name.into(),
            candidates,
            information,
            pooled: false,
            booking: BookingRule::default(),
        }
    }
}
