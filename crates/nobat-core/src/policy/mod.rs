//! Allocation policies: the rule that sends an arriving client to an office.
//!
//! A policy is an [`AllocationPolicy`]: it sees the client ([`ClientView`]) and a read-only
//! [`SystemView`] of the offices, and returns an office id. It cannot change the system, so a
//! new policy needs no engine change. The view is whatever the engine chooses to show: today the
//! live state, later a crowding board refreshed periodically, without changing any policy.
//!
//! Built-in policies break ties uniformly at random with the policy's own `Choice` stream, so
//! symmetric offices are treated symmetrically and the draws never disturb the clients' streams.

mod least_expected_wait;
mod power_of_d;
mod random;
mod round_robin;
mod shortest_queue;

pub use least_expected_wait::LeastExpectedWait;
pub use power_of_d::PowerOfD;
pub use random::RandomPolicy;
pub use round_robin::RoundRobin;
pub use shortest_queue::ShortestQueue;

use crate::model::Model;
use crate::scenario::{PolicySection, ScenarioError};
use crate::SimRng;
use rand::Rng;
use std::cmp::Ordering;

/// The client being allocated, as a policy may see it.
#[derive(Debug, Clone, Copy)]
pub struct ClientView<'a> {
    /// The client's service type (index into the model's services).
    pub service: usize,
    /// The offices this client may be sent to; never empty.
    pub candidates: &'a [usize],
}

/// What a policy may know of the offices at decision time, indexed by office id.
#[derive(Debug, Clone, Copy)]
pub struct SystemView<'a> {
    /// The current simulated time (minutes).
    pub now: f64,
    /// Counters per office.
    pub counters: &'a [u32],
    /// Clients present per office (waiting plus in service).
    pub present: &'a [u32],
    /// Busy counters per office.
    pub busy: &'a [u32],
    /// Mean service duration per office over the demand mix, its speed applied (minutes).
    pub mean_service: &'a [f64],
}

impl SystemView<'_> {
    /// Number of offices.
    pub fn offices(&self) -> usize {
        self.counters.len()
    }

    /// Expected wait of a newcomer at office `i`: `max(Q - c + 1, 0) * E[S] / c`, the clients
    /// ahead of it beyond the free counters, served `c` at a time.
    pub fn expected_wait(&self, i: usize) -> f64 {
        let c = self.counters[i];
        let ahead = (self.present[i] + 1).saturating_sub(c);
        f64::from(ahead) * self.mean_service[i] / f64::from(c)
    }
}

/// A rule that sends each arriving client to an office.
pub trait AllocationPolicy: Send {
    /// Returns the id of the office for `client`: one of `client.candidates`.
    fn choose(&mut self, client: &ClientView<'_>, system: &SystemView<'_>, rng: &mut SimRng) -> usize;
}

impl<P: AllocationPolicy + ?Sized> AllocationPolicy for Box<P> {
    fn choose(&mut self, client: &ClientView<'_>, system: &SystemView<'_>, rng: &mut SimRng) -> usize {
        (**self).choose(client, system, rng)
    }
}

/// The built-in policy kinds a scenario may name.
pub const POLICY_KINDS: &str = "random, round-robin, shortest-queue, least-expected-wait, power-of-d (with d)";

/// A built-in policy with its parameters, as validated from `[[policy]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// [`RandomPolicy`].
    Random,
    /// [`RoundRobin`].
    RoundRobin,
    /// [`ShortestQueue`].
    ShortestQueue,
    /// [`LeastExpectedWait`].
    LeastExpectedWait,
    /// [`PowerOfD`] with `d` sampled offices.
    PowerOfD {
        /// Offices sampled per decision.
        d: usize,
    },
}

impl PolicyKind {
    /// Validates a `[[policy]]` section; `path` is its key path, `offices` the number of offices.
    pub fn from_section(p: &PolicySection, path: &str, offices: usize) -> Result<PolicyKind, ScenarioError> {
        let kind = match p.kind.as_str() {
            "random" => PolicyKind::Random,
            "round-robin" => PolicyKind::RoundRobin,
            "shortest-queue" => PolicyKind::ShortestQueue,
            "least-expected-wait" => PolicyKind::LeastExpectedWait,
            "power-of-d" => {
                let d = p.d.ok_or_else(|| {
                    ScenarioError::at(
                        format!("{path}.d"),
                        "`power-of-d` needs `d`, the number of offices sampled",
                    )
                })?;
                if d == 0 || d as usize > offices {
                    return Err(ScenarioError::at(
                        format!("{path}.d"),
                        format!("must be between 1 and the number of offices ({offices}), got {d}"),
                    ));
                }
                return Ok(PolicyKind::PowerOfD { d: d as usize });
            }
            other => {
                return Err(ScenarioError::at(
                    format!("{path}.kind"),
                    format!("unknown policy kind `{other}`; allowed: {POLICY_KINDS}"),
                ))
            }
        };
        if p.d.is_some() {
            return Err(ScenarioError::at(
                format!("{path}.d"),
                format!("`d` is a parameter of `power-of-d` only, not of `{}`", p.kind),
            ));
        }
        Ok(kind)
    }

    /// A fresh instance of this policy for one replication of `model`.
    pub fn build(&self, _model: &Model) -> Box<dyn AllocationPolicy> {
        match *self {
            PolicyKind::Random => Box::new(RandomPolicy),
            PolicyKind::RoundRobin => Box::new(RoundRobin::default()),
            PolicyKind::ShortestQueue => Box::new(ShortestQueue),
            PolicyKind::LeastExpectedWait => Box::new(LeastExpectedWait),
            PolicyKind::PowerOfD { d } => Box::new(PowerOfD::new(d)),
        }
    }
}

/// Clients present per counter, compared exactly (cross-multiplied, no rounding) so that equal
/// loads tie exactly.
#[derive(Debug, Clone, Copy)]
pub struct LoadPerCounter {
    /// Clients present.
    pub present: u32,
    /// Counters.
    pub counters: u32,
}

impl PartialEq for LoadPerCounter {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for LoadPerCounter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let a = u64::from(self.present) * u64::from(other.counters);
        let b = u64::from(other.present) * u64::from(self.counters);
        Some(a.cmp(&b))
    }
}

/// The office with the smallest key among `offices`, ties broken uniformly at random
/// (reservoir sampling: one pass, no allocation).
pub fn argmin_random_tie<K: PartialOrd>(
    offices: impl IntoIterator<Item = usize>,
    key: impl Fn(usize) -> K,
    rng: &mut SimRng,
) -> usize {
    let mut best: Option<(usize, K)> = None;
    let mut ties = 0u32;
    for i in offices {
        let k = key(i);
        match &best {
            Some((_, b)) if k > *b => {}
            Some((_, b)) if k == *b => {
                ties += 1;
                if rng.random_range(0..ties) == 0 {
                    best = Some((i, k));
                }
            }
            _ => {
                best = Some((i, k));
                ties = 1;
            }
        }
    }
    best.expect("candidates are never empty").0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{stream, StreamKind};

    #[test]
    fn ties_are_broken_uniformly() {
        let mut rng = stream(1, 0, StreamKind::Choice);
        let keys = [3, 1, 1, 5, 1];
        let mut hits = [0u32; 5];
        for _ in 0..30_000 {
            hits[argmin_random_tie(0..5, |i| keys[i], &mut rng)] += 1;
        }
        assert_eq!(hits[0] + hits[3], 0);
        // Each of the three tied offices gets 1/3: 10000 expected, sd about 82.
        for i in [1, 2, 4] {
            assert!((hits[i] as i32 - 10_000).abs() < 400, "{hits:?}");
        }
    }

    #[test]
    fn load_per_counter_compares_exactly() {
        let l = |p, c| LoadPerCounter {
            present: p,
            counters: c,
        };
        assert!(l(1, 3) == l(2, 6));
        assert!(l(1, 2) < l(2, 3));
        assert!(l(5, 1) > l(9, 2));
    }
}
