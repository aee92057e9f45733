//! [`WaitHistogram`]: quantiles of waits with at most 1% relative error, in fixed memory.

/// Waits below this many minutes (well under a millisecond) count as exactly zero.
pub const ZERO_BELOW: f64 = 1e-6;
/// Ratio of a bucket's upper to lower bound.
const GAMMA: f64 = 1.02;
/// Buckets above zero: they cover `[ZERO_BELOW, ZERO_BELOW * GAMMA^BUCKETS)`, about 1e8 minutes.
const BUCKETS: usize = 1630;

/// A bucket index, computed once per observation and recorded in several histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket(u16);

/// A log-bucket histogram of non-negative values (minutes).
///
/// Bucket `i` holds values in `[z·γ^i, z·γ^(i+1))` with `z` = 1e-6 min and `γ` = 1.02, plus
/// one bucket for zero (waits shorter than `z`, reported as 0, which keeps the atom at zero of a
/// multi-counter office exact). A quantile is reported as its bucket's point `2γ/(1+γ)·z·γ^i`,
/// whose relative error is at most `(γ-1)/(γ+1)` < 0.99% for any value in the bucket, then
/// clamped to the exact minimum and maximum. Memory is fixed (about 13 KB) whatever the number
/// of observations, and histograms merge exactly by adding counts.
///
/// Serialised sparsely (the non-empty buckets only, see [`SparseHistogram`]): a replication's
/// waits fill a few hundred of the 1,630 buckets, and partial results of shards hold thousands
/// of histograms.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(into = "SparseHistogram", try_from = "SparseHistogram")]
pub struct WaitHistogram {
    zero: u64,
    counts: Box<[u64]>,
    total: u64,
    min_positive: f64,
    max: f64,
}

impl Default for WaitHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitHistogram {
    /// The largest relative error of a reported quantile for values above 1e-6 minutes.
    pub const RELATIVE_ERROR: f64 = (GAMMA - 1.0) / (GAMMA + 1.0);

    /// An empty histogram.
    pub fn new() -> Self {
        WaitHistogram {
            zero: 0,
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
            min_positive: f64::INFINITY,
            max: 0.0,
        }
    }

    /// The bucket of `x` (minutes, not negative).
    #[inline]
    pub fn bucket_of(x: f64) -> Bucket {
        if x < ZERO_BELOW {
            return Bucket(0);
        }
        let i = ((x / ZERO_BELOW).ln() / GAMMA.ln()) as usize;
        Bucket(i.min(BUCKETS - 1) as u16 + 1)
    }

    /// Adds `x`, whose bucket is `b` (from [`Self::bucket_of`]).
    #[inline]
    pub fn record_in(&mut self, b: Bucket, x: f64) {
        self.total += 1;
        if b.0 == 0 {
            self.zero += 1;
        } else {
            self.counts[b.0 as usize - 1] += 1;
            self.min_positive = self.min_positive.min(x);
        }
        self.max = self.max.max(x);
    }

    /// Adds `x`.
    pub fn record(&mut self, x: f64) {
        self.record_in(Self::bucket_of(x), x);
    }

    /// Adds every observation of `other`.
    pub fn merge(&mut self, other: &WaitHistogram) {
        self.zero += other.zero;
        self.total += other.total;
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.min_positive = self.min_positive.min(other.min_positive);
        self.max = self.max.max(other.max);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 < q <= 1): the value of rank `ceil(q·n)`, or `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        if rank <= self.zero {
            return Some(0.0);
        }
        let mut seen = self.zero;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let lower = ZERO_BELOW * GAMMA.powi(i as i32);
                let point = lower * 2.0 * GAMMA / (1.0 + GAMMA);
                return Some(point.clamp(self.min_positive, self.max));
            }
        }
        Some(self.max)
    }

    /// The largest observation, or `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.total > 0).then_some(self.max)
    }
}

/// The serialised form of a [`WaitHistogram`]: the count at zero, the non-empty buckets as
/// `(index, count)` pairs in increasing index order, the exact minimum above zero and maximum.
/// Reading it back checks the indices and that the counts add up, so a damaged file is an
/// error, not a wrong histogram.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SparseHistogram {
    zero: u64,
    buckets: Vec<(u16, u64)>,
    min_positive: f64,
    max: f64,
}

impl From<WaitHistogram> for SparseHistogram {
    fn from(h: WaitHistogram) -> Self {
        SparseHistogram {
            zero: h.zero,
            buckets: (h.counts.iter().enumerate())
                .filter(|(_, &c)| c > 0)
                .map(|(i, &c)| (i as u16, c))
                .collect(),
            min_positive: h.min_positive,
            max: h.max,
        }
    }
}

impl TryFrom<SparseHistogram> for WaitHistogram {
    type Error = String;

    fn try_from(s: SparseHistogram) -> Result<Self, String> {
        let mut h = WaitHistogram::new();
        h.zero = s.zero;
        h.total = s.zero;
        for (i, c) in s.buckets {
            let slot = h
                .counts
                .get_mut(usize::from(i))
                .ok_or_else(|| format!("histogram bucket {i} out of range (0..{BUCKETS})"))?;
            *slot += c;
            h.total = h.total.checked_add(c).ok_or("histogram counts overflow")?;
        }
        h.min_positive = s.min_positive;
        h.max = s.max;
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{stream, StreamKind};
    use rand::Rng;

    /// Against exact order statistics of a wide sample (with an atom at zero), every reported
    /// quantile is within the documented relative error.
    #[test]
    fn quantiles_within_one_percent_of_exact() {
        let mut rng = stream(5, 0, StreamKind::Service);
        let mut xs: Vec<f64> = (0..100_000)
            .map(|_| {
                if rng.random::<f64>() < 0.3 {
                    0.0
                } else {
                    (rng.random::<f64>() * 20.0 - 8.0).exp()
                }
            })
            .collect();
        let mut h = WaitHistogram::new();
        xs.iter().for_each(|&x| h.record(x));
        xs.sort_by(f64::total_cmp);
        for q in [0.1, 0.29, 0.31, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let exact = xs[((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1];
            let got = h.quantile(q).unwrap();
            if exact == 0.0 {
                assert_eq!(got, 0.0, "q={q}");
            } else {
                assert!(
                    (got - exact).abs() <= WaitHistogram::RELATIVE_ERROR * exact * (1.0 + 1e-12),
                    "q={q}: {got} vs {exact}"
                );
            }
        }
        const { assert!(WaitHistogram::RELATIVE_ERROR < 0.01) };
    }

    #[test]
    fn merging_equals_recording_everything() {
        let mut a = WaitHistogram::new();
        let mut b = WaitHistogram::new();
        let mut all = WaitHistogram::new();
        for i in 0..1000 {
            let x = i as f64 * 0.37;
            if i % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        assert_eq!(a, all);
    }

    #[test]
    fn empty_and_huge_values() {
        assert_eq!(WaitHistogram::new().quantile(0.5), None);
        let mut h = WaitHistogram::new();
        h.record(1e12);
        assert_eq!(h.quantile(0.5), Some(1e12));
    }
}
