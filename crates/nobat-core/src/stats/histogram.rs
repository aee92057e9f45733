//! [`WaitHistogram`]: quantiles of waits with at most 1% relative error, in fixed memory.

/// Waits below this many minutes (well under a millisecond) count as exactly zero.
pub const ZERO_BELOW: f64 = 1e-6;
/// Ratio of a bucket's upper to lower bound.
const GAMMA: f64 = 1.02;
/// Buckets above zero: they cover `[ZERO_BELOW, ZERO_BELOW * GAMMA^BUCKETS)`, about 1e8 minutes.
const BUCKETS: usize = 1630;

/// `BOUNDS[i]` is the lower end of bucket `i` above zero, `ZERO_BELOW·GAMMA^i` by repeated
/// multiplication: these bounds *define* the buckets, for recording and for quantiles alike.
static BOUNDS: [f64; BUCKETS + 1] = bounds();

/// Finding a bucket without a logarithm: a value's binary exponent and the top
/// [`CELL_BITS`] bits of its mantissa name a cell of ratio at most 2^(1/32) ≈ 1.022 between its
/// ends, which meets at most three buckets; [`CELL_START`] holds the bucket of each cell's lower
/// end, and at most two comparisons with [`BOUNDS`] finish the search. A `ln` per observation
/// was 4% of a whole run's instructions.
const CELL_BITS: u32 = 5;
/// The smallest binary exponent with a cell: 2^-20 < `ZERO_BELOW`.
const EXP_MIN: i32 = -20;
/// The largest: 2^27 > the top bound (about 1.05e8 minutes).
const EXP_MAX: i32 = 27;
/// Cells per binary exponent.
const CELLS_PER_EXP: usize = 1 << CELL_BITS;
/// All cells.
const CELLS: usize = (EXP_MAX - EXP_MIN + 1) as usize * CELLS_PER_EXP;
static CELL_START: [u16; CELLS] = cell_starts();

const fn bounds() -> [f64; BUCKETS + 1] {
    let mut b = [0.0; BUCKETS + 1];
    b[0] = ZERO_BELOW;
    let mut i = 1;
    while i <= BUCKETS {
        b[i] = b[i - 1] * GAMMA;
        i += 1;
    }
    b
}

const fn cell_starts() -> [u16; CELLS] {
    let b = bounds();
    let mut starts = [0u16; CELLS];
    let mut bucket = 0;
    let mut cell = 0;
    while cell < CELLS {
        let exp = EXP_MIN + (cell / CELLS_PER_EXP) as i32;
        let frac = (cell % CELLS_PER_EXP) as f64 / CELLS_PER_EXP as f64;
        // 2^exp exactly, by halving or doubling 1.0 (every step is exact).
        let mut scale = 1.0;
        let mut e = exp;
        while e < 0 {
            scale /= 2.0;
            e += 1;
        }
        while e > 0 {
            scale *= 2.0;
            e -= 1;
        }
        let low = scale * (1.0 + frac);
        while bucket + 1 < BUCKETS && b[bucket + 1] <= low {
            bucket += 1;
        }
        starts[cell] = bucket as u16;
        cell += 1;
    }
    starts
}

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
        if x >= BOUNDS[BUCKETS - 1] {
            return Bucket(BUCKETS as u16);
        }
        // x is in [1e-6, 1.03e8): a normal float whose exponent is within the cells' range.
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
        let cell =
            (exp - EXP_MIN) as usize * CELLS_PER_EXP + ((bits >> (52 - CELL_BITS)) as usize & (CELLS_PER_EXP - 1));
        let mut i = CELL_START[cell] as usize;
        while x >= BOUNDS[i + 1] {
            i += 1;
        }
        Bucket(i as u16 + 1)
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

    /// Adds `n` observations equal to `x`.
    pub fn record_repeated(&mut self, x: f64, n: u64) {
        if n == 0 {
            return;
        }
        match Self::bucket_of(x) {
            Bucket(0) => self.zero += n,
            Bucket(b) => {
                self.counts[b as usize - 1] += n;
                self.min_positive = self.min_positive.min(x);
            }
        }
        self.total += n;
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
        quantile_of(q, self.total, self.zero, 0, &self.counts, self.min_positive, self.max)
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

/// The `q`-quantile of `total` observations, `zero` of them at zero and `counts` in the positive
/// buckets from `lowest` on: the value of rank `ceil(q·n)`, reported as its bucket's point clamped
/// to the exact extremes, or `None` when empty. One rule for [`WaitHistogram`] and
/// [`CompactHistogram`], so that both report the same quantiles.
fn quantile_of(
    q: f64,
    total: u64,
    zero: u64,
    lowest: usize,
    counts: &[u64],
    min_positive: f64,
    max: f64,
) -> Option<f64> {
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
    if rank <= zero {
        return Some(0.0);
    }
    let mut seen = zero;
    for (k, &c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(bucket_point(lowest + k).clamp(min_positive, max));
        }
    }
    Some(max)
}

/// The value reported for positive bucket `i` (from 0): the point of least relative error.
fn bucket_point(i: usize) -> f64 {
    BOUNDS[i] * 2.0 * GAMMA / (1.0 + GAMMA)
}

/// The buckets of [`WaitHistogram`] (same bounds, same 1% error) from the lowest to the highest
/// that was used, for the many small histograms of `by_hour.csv` (offices × hours of the day):
/// an empty one takes no heap memory, and one whose waits span a few decades a few kilobytes,
/// instead of 13 KB each. Recording is a direct index, like the dense histogram's; the range
/// grows when a value falls outside it (at most 1,630 buckets, so growth is bounded).
///
/// Read back (from a shard's partial result) it is checked like [`SparseHistogram`]: buckets
/// within range and counts that add up, so a damaged file is an error, not a panic.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "CompactParts")]
pub struct CompactHistogram {
    zero: u64,
    /// The positive bucket (`Bucket` minus one) of `counts[0]`.
    lowest: usize,
    /// Counts of the positive buckets `lowest..lowest + counts.len()`.
    counts: Vec<u64>,
    total: u64,
    min_positive: f64,
    max: f64,
}

/// A [`CompactHistogram`] as read, before its checks.
#[derive(serde::Deserialize)]
struct CompactParts {
    zero: u64,
    lowest: usize,
    counts: Vec<u64>,
    total: u64,
    min_positive: f64,
    max: f64,
}

impl TryFrom<CompactParts> for CompactHistogram {
    type Error = String;

    fn try_from(p: CompactParts) -> Result<Self, String> {
        if p.lowest.checked_add(p.counts.len()).is_none_or(|end| end > BUCKETS) {
            return Err(format!(
                "histogram buckets {}..{}+{} out of range (0..{BUCKETS})",
                p.lowest,
                p.lowest,
                p.counts.len()
            ));
        }
        let sum = p.counts.iter().try_fold(p.zero, |a, &c| a.checked_add(c));
        if sum != Some(p.total) {
            return Err(format!("histogram counts do not add up to its total {}", p.total));
        }
        Ok(CompactHistogram {
            zero: p.zero,
            lowest: p.lowest,
            counts: p.counts,
            total: p.total,
            min_positive: p.min_positive,
            max: p.max,
        })
    }
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

impl Default for CompactHistogram {
    fn default() -> Self {
        CompactHistogram {
            zero: 0,
            lowest: 0,
            counts: Vec::new(),
            total: 0,
            min_positive: f64::INFINITY,
            max: 0.0,
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

impl CompactHistogram {
    /// An empty histogram (no allocation until a positive value is recorded).
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for positive bucket `i` and returns its slot.
    fn slot(&mut self, i: usize) -> &mut u64 {
        if self.counts.is_empty() {
            self.lowest = i;
            self.counts.push(0);
        } else if i < self.lowest {
            let grow = self.lowest - i;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.lowest = i;
        } else if i >= self.lowest + self.counts.len() {
            self.counts.resize(i - self.lowest + 1, 0);
        }
        &mut self.counts[i - self.lowest]
    }

    /// Adds `x` (minutes, not negative).
    #[inline]
    pub fn record(&mut self, x: f64) {
        let Bucket(b) = WaitHistogram::bucket_of(x);
        self.total += 1;
        if x > self.max {
            self.max = x;
        }
        if b == 0 {
            self.zero += 1;
            return;
        }
        if x < self.min_positive {
            self.min_positive = x;
        }
        *self.slot(usize::from(b) - 1) += 1;
    }

    /// Adds every observation of `other`.
    pub fn merge(&mut self, other: &CompactHistogram) {
        if !other.counts.is_empty() {
            // Widen to both ends of `other`'s range first, then add.
            self.slot(other.lowest);
            self.slot(other.lowest + other.counts.len() - 1);
            let at = other.lowest - self.lowest;
            for (a, b) in self.counts[at..].iter_mut().zip(&other.counts) {
                *a += b;
            }
        }
        self.zero += other.zero;
        self.total += other.total;
        self.min_positive = self.min_positive.min(other.min_positive);
        self.max = self.max.max(other.max);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 < q <= 1) as [`WaitHistogram::quantile`] reports it, or `None` when
    /// empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile_of(
            q,
            self.total,
            self.zero,
            self.lowest,
            &self.counts,
            self.min_positive,
            self.max,
        )
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
    fn recording_repeated_equals_recording_each() {
        for x in [0.0, 3.5] {
            let (mut once, mut each) = (WaitHistogram::new(), WaitHistogram::new());
            once.record(1.0);
            each.record(1.0);
            once.record_repeated(x, 4);
            (0..4).for_each(|_| each.record(x));
            assert_eq!(once, each);
        }
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

    /// The bucket found through the cells is the one the bounds define, at and around every
    /// bound and for values spread over the whole range.
    #[test]
    fn cells_find_the_bucket_the_bounds_define() {
        let by_search = |x: f64| -> u16 {
            if x < ZERO_BELOW {
                return 0;
            }
            let above = BOUNDS[..BUCKETS].partition_point(|&b| b <= x);
            above as u16
        };
        let mut probes = vec![0.0, 1e-7, ZERO_BELOW, 1.0, 60.0, 1e8, 1e9, 1e300];
        for &b in BOUNDS.iter() {
            probes.extend([
                b,
                f64::from_bits(b.to_bits() - 1),
                f64::from_bits(b.to_bits() + 1),
                b * 1.01,
            ]);
        }
        for x in probes {
            assert_eq!(WaitHistogram::bucket_of(x).0, by_search(x), "x = {x:e}");
        }
    }

    /// A compact histogram read back is checked: out-of-range buckets or counts that do not add
    /// up are refused; a sound one reads back equal.
    #[test]
    fn compact_read_back_is_checked() {
        let mut h = CompactHistogram::new();
        [0.0, 2.0, 3.0].iter().for_each(|&x| h.record(x));
        let parts = |lowest: usize, counts: Vec<u64>, total: u64| CompactParts {
            zero: 1,
            lowest,
            counts,
            total,
            min_positive: 2.0,
            max: 3.0,
        };
        let good = CompactHistogram::try_from(parts(h.lowest, h.counts.clone(), 3));
        assert_eq!(good, Ok(h.clone()));
        assert!(CompactHistogram::try_from(parts(BUCKETS, vec![1, 1], 3)).is_err());
        assert!(CompactHistogram::try_from(parts(usize::MAX, vec![1], 2)).is_err());
        assert!(CompactHistogram::try_from(parts(h.lowest, h.counts.clone(), 9)).is_err());
    }

    /// The compact histogram reports exactly what the dense one does, also after merging.
    #[test]
    fn compact_equals_dense() {
        let mut rng = stream(6, 0, StreamKind::Service);
        let (mut dense, mut a, mut b) = (WaitHistogram::new(), CompactHistogram::new(), CompactHistogram::new());
        for i in 0..20_000 {
            let x = if rng.random::<f64>() < 0.2 {
                0.0
            } else {
                (rng.random::<f64>() * 12.0 - 4.0).exp()
            };
            dense.record(x);
            if i % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
        }
        a.merge(&b);
        assert_eq!(a.count(), dense.count());
        for q in [0.1, 0.2, 0.21, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(a.quantile(q), dense.quantile(q), "q={q}");
        }
        assert_eq!(CompactHistogram::new().quantile(0.9), None);
    }

    proptest::proptest! {
        /// Whatever the values and however they are split between two compact histograms, the
        /// merged one reports the dense histogram's quantiles and count.
        #[test]
        fn compact_merges_like_dense(
            xs in proptest::collection::vec((0.0f64..1e4, 0u8..3), 0..300),
            q in 0.01f64..=1.0,
        ) {
            let (mut dense, mut a, mut b) = (WaitHistogram::new(), CompactHistogram::new(), CompactHistogram::new());
            for &(x, side) in &xs {
                // A third of the values at zero, the atom of multi-counter offices.
                let x = if side == 0 { 0.0 } else { x };
                dense.record(x);
                if side == 1 { a.record(x) } else { b.record(x) }
            }
            a.merge(&b);
            proptest::prop_assert_eq!(a.count(), dense.count());
            proptest::prop_assert_eq!(a.quantile(q), dense.quantile(q));
            proptest::prop_assert_eq!(a.quantile(1.0), dense.quantile(1.0));
        }
    }

    #[test]
    fn empty_and_huge_values() {
        assert_eq!(WaitHistogram::new().quantile(0.5), None);
        let mut h = WaitHistogram::new();
        h.record(1e12);
        assert_eq!(h.quantile(0.5), Some(1e12));
    }
}
