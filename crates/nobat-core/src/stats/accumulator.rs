//! [`Accumulator`]: count, mean, variance, min and max in constant memory.

/// Running count, mean and variance with min and max.
///
/// Sums are kept about a shift, the first observation: `Σ(x - K)` and `Σ(x - K)²`. Unlike
/// Welford's update this needs no division per observation (it is recorded several times per
/// client, in the hot loop), and the shift keeps the cancellation in the variance small, since
/// the first wait is of the same order as the others.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Accumulator {
    count: u64,
    shift: f64,
    sum: f64,
    sum_sq: f64,
    min: f64,
    max: f64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Accumulator {
            count: 0,
            shift: 0.0,
            sum: 0.0,
            sum_sq: 0.0,
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
        if self.count == 0 {
            self.shift = x;
        }
        self.count += 1;
        let d = x - self.shift;
        self.sum += d;
        self.sum_sq += d * d;
        // Plain comparisons: `f64::min` handles NaN, which never comes here, at a cost.
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
    }

    /// `n` observations all equal to `x`.
    pub fn repeated(x: f64, n: u64) -> Self {
        if n == 0 {
            return Self::new();
        }
        Accumulator {
            count: n,
            shift: x,
            sum: 0.0,
            sum_sq: 0.0,
            min: x,
            max: x,
        }
    }

    /// Adds all observations of `other`, re-expressed about this accumulator's shift.
    pub fn merge(&mut self, other: &Accumulator) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n = other.count as f64;
        let k = other.shift - self.shift;
        self.sum_sq += other.sum_sq + 2.0 * k * other.sum + n * k * k;
        self.sum += other.sum + n * k;
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
        (self.count > 0).then(|| self.shift + self.sum / self.count as f64)
    }

    /// The sample variance (n - 1 in the denominator), or `None` with fewer than two observations.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| {
            let n = self.count as f64;
            ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0)
        })
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

    #[test]
    fn repeated_equals_recording_each() {
        let mut each = Accumulator::new();
        (0..5).for_each(|_| each.record(2.5));
        assert_eq!(Accumulator::repeated(2.5, 5), each);
        assert_eq!(Accumulator::repeated(2.5, 0), Accumulator::new());
    }

    /// Far from zero, with a small spread: the shifted sums keep the variance accurate.
    #[test]
    fn variance_of_large_values_is_accurate() {
        let mut a = Accumulator::new();
        for k in 0..100_000 {
            a.record(1e6 + (k % 10) as f64);
        }
        // Values 0..9 repeated: variance 8.25 · n / (n - 1).
        let exact = 8.25 * 100_000.0 / 99_999.0;
        assert!(
            (a.variance().expect("n > 1") - exact).abs() < 1e-6,
            "{:?}",
            a.variance()
        );
        assert!((a.mean().expect("n > 0") - 1_000_004.5).abs() < 1e-9);
    }
}
