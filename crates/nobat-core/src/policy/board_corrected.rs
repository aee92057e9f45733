//! `board-corrected`: a central dispatcher that corrects a stale board with what it knows.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Like `travel-plus-wait`, but the clients present at each office are estimated as the board's
/// count, plus those on their way there at the refresh and those this dispatcher has itself sent
/// there since, minus the departures expected since then (busy counters at the refresh times the
/// board's age over the mean service time), never below zero. It always reads the expected wait,
/// whatever the board shows. This is the known remedy for herding on stale
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
            let known = s.present[i] + s.en_route[i] + s.sent[i];
            let present = (f64::from(known) - departed).max(0.0);
            s.expected_wait_with(i, present)
        };
        c[argmin_random_tie(
            0..c.len(),
            |k| self.travel_weight * client.travel[k] + estimate(c[k]),
            rng,
        )]
    }
}
