//! `join-idle`: go to an office with a free counter if the board shows one.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Sends each client to the nearest candidate whose board shows an idle counter (ties, e.g.
/// without geography, broken uniformly at random); when none does, asks the fallback policy.
pub struct JoinIdle {
    fallback: Box<dyn AllocationPolicy>,
    idle: Vec<usize>,
}

impl JoinIdle {
    /// A join-idle rule falling back on `fallback`, for up to `offices` candidates.
    pub fn new(fallback: Box<dyn AllocationPolicy>, offices: usize) -> Self {
        JoinIdle {
            fallback,
            idle: Vec::with_capacity(offices),
        }
    }
}

impl AllocationPolicy for JoinIdle {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let c = client.candidates;
        self.idle.clear();
        self.idle
            .extend((0..c.len()).filter(|&k| s.busy[c[k]] < s.counters[c[k]]));
        if self.idle.is_empty() {
            return self.fallback.choose(client, s, rng);
        }
        c[argmin_random_tie(self.idle.iter().copied(), |k| client.travel[k], rng)]
    }
}
