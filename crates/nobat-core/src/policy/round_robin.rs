//! `round-robin`: a central dispatcher cycling through the offices in order.

use super::{AllocationPolicy, ClientView, SystemView};
use crate::SimRng;

/// Sends the n-th client to the n-th of its candidate offices, cyclically: in office order
/// without a candidate limit; with one, in the order of that client's candidates (no ties; no
/// randomness).
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundRobin {
    next: usize,
}

impl AllocationPolicy for RoundRobin {
    fn choose(&mut self, client: &ClientView<'_>, _: &SystemView<'_>, _: &mut SimRng) -> usize {
        let office = client.candidates[self.next % client.candidates.len()];
        self.next = self.next.wrapping_add(1);
        office
    }
}
