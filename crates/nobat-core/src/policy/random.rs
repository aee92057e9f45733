//! `random`: blind uniform allocation, the bound every informed policy must beat.

use super::{AllocationPolicy, ClientView, SystemView};
use crate::SimRng;
use rand::Rng;

/// Sends each client to a candidate office chosen uniformly at random (no ties to break).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomPolicy;

impl AllocationPolicy for RandomPolicy {
    fn choose(&mut self, client: &ClientView<'_>, _: &SystemView<'_>, rng: &mut SimRng) -> usize {
        client.candidates[rng.random_range(0..client.candidates.len())]
    }
}
