//! `logit-choice`: informed clients choose at random, favouring short trips and short waits.

use super::{AllocationPolicy, ClientView, SystemView};
use crate::SimRng;
use rand::Rng;

/// Picks candidate `i` with probability proportional to `exp(-a * travel_i - b * W_i)`, `W_i`
/// the announced wait: a multinomial logit, the standard model of discrete choice. Because
/// choices stay random, not everyone rushes to the same office. No ties to break.
#[derive(Debug, Clone)]
pub struct LogitChoice {
    a: f64,
    b: f64,
    weights: Vec<f64>,
}

impl LogitChoice {
    /// A logit rule with sensitivities `a` (travel) and `b` (wait), per minute, for up to
    /// `offices` candidates.
    pub fn new(a: f64, b: f64, offices: usize) -> Self {
        LogitChoice {
            a,
            b,
            weights: Vec::with_capacity(offices),
        }
    }
}

impl AllocationPolicy for LogitChoice {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let c = client.candidates;
        self.weights.clear();
        self.weights
            .extend((0..c.len()).map(|k| -self.a * client.travel[k] - self.b * s.announced_wait(c[k])));
        // Subtracting the largest utility keeps exp() in range without changing the odds.
        let top = self.weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !top.is_finite() {
            // Every utility is -inf (sensitivities too large for the waits): choose uniformly.
            return c[rng.random_range(0..c.len())];
        }
        let mut total = 0.0;
        for w in &mut self.weights {
            *w = (*w - top).exp();
            total += *w;
        }
        let mut u = rng.random::<f64>() * total;
        for (k, w) in self.weights.iter().enumerate() {
            if u < *w {
                return c[k];
            }
            u -= w;
        }
        c[c.len() - 1]
    }
}
