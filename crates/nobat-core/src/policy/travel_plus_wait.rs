//! `travel-plus-wait`: read the board and go where travel plus the announced wait is least.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Sends each client to the candidate minimising `travel_weight * travel + announced wait`
/// ([`SystemView::announced_wait`], as of the board's last refresh); ties are broken uniformly
/// at random. With zero travel and a live board showing the expected wait, it is
/// `least-expected-wait` exactly, draw for draw.
#[derive(Debug, Clone, Copy)]
pub struct TravelPlusWait {
    /// Minutes of wait that one minute of travel is worth.
    pub travel_weight: f64,
}

impl AllocationPolicy for TravelPlusWait {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let c = client.candidates;
        c[argmin_random_tie(
            0..c.len(),
            |k| self.travel_weight * client.travel[k] + s.announced_wait(c[k]),
            rng,
        )]
    }
}
