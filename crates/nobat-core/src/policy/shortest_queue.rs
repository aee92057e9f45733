//! `shortest-queue`: join the office with the fewest clients per counter.

use super::{argmin_random_tie, AllocationPolicy, ClientView, LoadPerCounter, SystemView};
use crate::SimRng;

/// Sends each client to the candidate with the fewest clients present (waiting plus in service)
/// per counter, compared exactly; ties are broken uniformly at random.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShortestQueue;

impl AllocationPolicy for ShortestQueue {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        argmin_random_tie(
            client.candidates.iter().copied(),
            |i| LoadPerCounter {
                present: s.present[i],
                counters: s.counters[i],
            },
            rng,
        )
    }
}
