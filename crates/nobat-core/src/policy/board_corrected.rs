//! `board-corrected`: a central dispatcher that corrects a stale board with what it knows.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Like `travel-plus-wait`, but the clients present at each office are estimated as the board's
/// count, plus the clients this dispatcher has itself sent there since the refresh, minus the
/// departures expected since then (busy counters at the refresh times the board's age over the
/// mean service time), never below zero. This is the known remedy for herding on stale
/// information: the dispatcher does not send everyone to the office that looked empty at the
/// last refresh. Ties are broken uniformly at random.
#[derive(Debug, Clone, Copy)]
pub struct BoardCorrected {
    /// Minutes of wait that one minute of travel is worth.
    pub travel_weight: f64,
}

impl AllocationPolicy for BoardCorrected {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let c = client.candidates;
        let age = s.now - s.board_time;
        let estimate = |i: usize| {
            let departed = f64::from(s.busy[i]) * age / s.mean_service[i];
            let present = (f64::from(s.present[i]) + f64::from(s.sent[i]) - departed).max(0.0);
            s.expected_wait_with(i, present)
        };
        c[argmin_random_tie(
            0..c.len(),
            |k| self.travel_weight * client.travel[k] + estimate(c[k]),
            rng,
        )]
    }
}
