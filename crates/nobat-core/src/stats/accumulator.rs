//! [`Accumulator`]: count, mean, variance, min and max in constant memory.

/// Running count, mean and variance (Welford's update, numerically stable) with min and max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accumulator {
    count: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Accumulator {
            count: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation.
    #[inline]
    pub fn record(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Adds all observations of `other` (Chan et al.'s parallel formula).
    pub fn merge(&mut self, other: &Accumulator) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n = (self.count + other.count) as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * other.count as f64 / n;
        self.m2 += other.m2 + delta * delta * self.count as f64 * other.count as f64 / n;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean, or `None` without observations.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// The sample variance (n - 1 in the denominator), or `None` with fewer than two observations.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2 / (self.count - 1) as f64)
    }

    /// The largest observation, or `None` without observations.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The smallest observation, or `None` without observations.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn merge_equals_recording_everything(xs in prop::collection::vec(-1e3f64..1e3, 0..50), ys in prop::collection::vec(-1e3f64..1e3, 0..50)) {
            let mut a = Accumulator::new();
            xs.iter().for_each(|&x| a.record(x));
            let mut b = Accumulator::new();
            ys.iter().for_each(|&y| b.record(y));
            let mut all = Accumulator::new();
            xs.iter().chain(&ys).for_each(|&x| all.record(x));
            a.merge(&b);
            prop_assert_eq!(a.count(), all.count());
            if let (Some(m1), Some(m2)) = (a.mean(), all.mean()) {
                prop_assert!((m1 - m2).abs() < 1e-9);
            }
            if let (Some(v1), Some(v2)) = (a.variance(), all.variance()) {
                prop_assert!((v1 - v2).abs() < 1e-6 * (1.0 + v2));
            }
            prop_assert_eq!(a.max(), all.max());
        }
    }
}
