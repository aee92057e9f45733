//! `nearest`: the status quo, everyone goes to the closest office.

use super::{argmin_random_tie, AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Sends each client to the candidate with the shortest travel time from its starting point;
/// ties (equidistant offices) are broken uniformly at random.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nearest;

impl AllocationPolicy for Nearest {
    fn choose(&mut self, client: &ClientView<'_>, _: &SystemView<'_>, rng: &mut SimRng) -> usize {
        client.candidates[argmin_random_tie(0..client.candidates.len(), |k| client.travel[k], rng)]
    }
}
