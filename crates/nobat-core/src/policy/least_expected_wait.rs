//! `least-expected-wait`: join the office where a newcomer's expected wait is shortest.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Sends each client to the candidate with the least expected wait,
/// `max(Q - c + 1, 0) * E[S] / c` ([`SystemView::expected_wait`]), so that offices of different
/// sizes and speeds compare fairly; ties (e.g. several offices with a free counter, all at 0)
/// are broken uniformly at random.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeastExpectedWait;

impl AllocationPolicy for LeastExpectedWait {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        argmin_random_tie(client.candidates.iter().copied(), |i| s.expected_wait(i), rng)
    }
}
