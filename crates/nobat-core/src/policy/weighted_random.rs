//! `weighted-random`: blind allocation in proportion to each office's capacity.

use super::{AllocationPolicy, ClientView, SystemView};
use crate::SimRng;
use rand::Rng;

/// Sends each client to a random candidate with probability proportional to its counters
/// (times its speed, when offices differ in speed), so that every office gets the same load.
/// No ties to break.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeightedRandom;

impl AllocationPolicy for WeightedRandom {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let c = client.candidates;
        let capacity = |i: usize| f64::from(s.counters[i]) * s.speed[i];
        let total: f64 = c.iter().map(|&i| capacity(i)).sum();
        let mut u = rng.random::<f64>() * total;
        for &i in c {
            let w = capacity(i);
            if u < w {
                return i;
            }
            u -= w;
        }
        c[c.len() - 1]
    }
}
