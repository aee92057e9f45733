//! [`Mser`]: the MSER-5 truncation rule behind `warmup = "auto"`, in bounded memory.
//!
//! MSER (White, 1997; MSER-5 with batches of 5, White, Cobb and Spratt, 2000) chooses the
//! number of initial observations `d` to discard from an output sequence `Z_1..Z_k` (here the
//! means of consecutive batches of waits) as the `d` that minimises the squared standard error
//! of the remaining mean,
//!
//! ```text
//! MSER(d) = 1 / (k - d)^2 · Σ_{j > d} (Z_j - mean(Z_{d+1..k}))^2,
//! ```
//!
//! searched over the first half of the sequence only (a minimum in the second half means the
//! run is too short to tell, and the rule then keeps everything from the middle on, its
//! customary reading). The first observations of a queue that starts empty wait too little:
//! cutting them lowers the bias more than it raises the variance, until the cut reaches the
//! steady state.
//!
//! Memory stays bounded: at most `MAX_BATCHES` batch means are kept; when they are full,
//! adjacent pairs are merged and the batch size doubles (5, 10, 20, ...), so the rule is
//! MSER-5 until 5 · `MAX_BATCHES` observations and MSER-`b` with a larger `b` beyond, which
//! changes the resolution of the cut, not its meaning.

use crate::engine::{Client, Recorder};

/// The most batch means kept; beyond, pairs merge and batches double.
pub const MAX_BATCHES: usize = 2048;

/// Observations per batch at the start: MSER-**5**.
pub const FIRST_BATCH: u64 = 5;

/// Fewer full batches than this give no truncation: too little to judge a trend.
pub const MIN_BATCHES: usize = 10;

/// A streaming MSER-5: the waits of served clients in the order they leave, batched.
#[derive(Debug, Clone)]
pub struct Mser {
    /// Observations per full batch.
    batch: u64,
    /// Sum of each full batch's waits.
    sums: Vec<f64>,
    /// Earliest creation time of a client in each full batch.
    starts: Vec<f64>,
    partial_sum: f64,
    partial_n: u64,
    partial_start: f64,
}

impl Default for Mser {
    fn default() -> Self {
        Self::new()
    }
}

impl Mser {
    /// No observation yet; room for `MAX_BATCHES` (2 048) batch means, reserved up front.
    pub fn new() -> Self {
        Mser {
            batch: FIRST_BATCH,
            sums: Vec::with_capacity(MAX_BATCHES),
            starts: Vec::with_capacity(MAX_BATCHES),
            partial_sum: 0.0,
            partial_n: 0,
            partial_start: f64::INFINITY,
        }
    }

    /// Adds the wait of a client created at `created`.
    pub fn record(&mut self, created: f64, wait: f64) {
        self.partial_sum += wait;
        self.partial_n += 1;
        self.partial_start = self.partial_start.min(created);
        if self.partial_n < self.batch {
            return;
        }
        self.sums.push(self.partial_sum);
        self.starts.push(self.partial_start);
        self.partial_sum = 0.0;
        self.partial_n = 0;
        self.partial_start = f64::INFINITY;
        if self.sums.len() == MAX_BATCHES {
            for j in 0..MAX_BATCHES / 2 {
                self.sums[j] = self.sums[2 * j] + self.sums[2 * j + 1];
                self.starts[j] = self.starts[2 * j].min(self.starts[2 * j + 1]);
            }
            self.sums.truncate(MAX_BATCHES / 2);
            self.starts.truncate(MAX_BATCHES / 2);
            self.batch *= 2;
        }
    }

    /// Observations per batch now (5 · 2^merges).
    pub fn batch_size(&self) -> u64 {
        self.batch
    }

    /// The number of full batches to discard: the `d` in `0..=k/2` minimising `MSER(d)`, the
    /// first one on ties; 0 with fewer than `MIN_BATCHES` (10) batches. A partial last batch is
    /// left out, as MSER-5 does.
    pub fn truncation(&self) -> usize {
        let k = self.sums.len();
        if k < MIN_BATCHES {
            return 0;
        }
        let b = self.batch as f64;
        // Suffix sums of Z and Z², so every MSER(d) costs O(1).
        let (mut s1, mut s2) = (0.0, 0.0);
        let mut best = (f64::INFINITY, 0);
        let mut suffix = vec![(0.0, 0.0); k + 1];
        for j in (0..k).rev() {
            let z = self.sums[j] / b;
            s1 += z;
            s2 += z * z;
            suffix[j] = (s1, s2);
        }
        for (d, &(s1, s2)) in suffix.iter().enumerate().take(k / 2 + 1) {
            let n = (k - d) as f64;
            let sse = (s2 - s1 * s1 / n).max(0.0);
            let mser = sse / (n * n);
            if mser < best.0 {
                best = (mser, d);
            }
        }
        best.1
    }

    /// The warm-up time the rule chooses: the earliest creation time among the clients of the
    /// first batch kept (so that every client of the kept batches is counted), or 0 when
    /// nothing is discarded.
    pub fn warmup(&self) -> f64 {
        match self.truncation() {
            0 => 0.0,
            d => self.starts[d],
        }
    }

    /// Observations discarded by the rule.
    pub fn discarded(&self) -> u64 {
        self.truncation() as u64 * self.batch
    }
}

impl Recorder for Mser {
    #[inline]
    fn departure(&mut self, _t: f64, _office: usize, client: &Client) {
        self.record(client.created, client.wait());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sequence that starts low and then is flat: the rule cuts the ramp, and the warm-up is
    /// the creation time of the first client kept.
    #[test]
    fn cuts_an_initial_ramp() {
        let mut m = Mser::new();
        for i in 0..1000 {
            let wait = if i < 100 {
                i as f64 / 10.0
            } else {
                10.0 + ((i * 7919) % 13) as f64 / 13.0
            };
            m.record(i as f64, wait);
        }
        let d = m.truncation();
        assert!((18..=21).contains(&d), "cut {d} batches");
        assert_eq!(m.warmup(), (d * 5) as f64);
        assert_eq!(m.discarded(), d as u64 * 5);
    }

    /// A stationary sequence (here constant) needs no cut.
    #[test]
    fn keeps_a_flat_sequence() {
        let mut m = Mser::new();
        for i in 0..500 {
            m.record(i as f64, 3.0);
        }
        assert_eq!(m.truncation(), 0);
        assert_eq!(m.warmup(), 0.0);
    }

    /// Too few observations: no cut.
    #[test]
    fn too_short_to_judge() {
        let mut m = Mser::new();
        for i in 0..40 {
            m.record(i as f64, i as f64);
        }
        assert_eq!(m.warmup(), 0.0);
    }

    /// Memory stays bounded: the batches double instead of growing in number, and the batch
    /// sums still add up to every full batch's observations.
    #[test]
    fn memory_is_bounded() {
        let mut m = Mser::new();
        let n = 5 * MAX_BATCHES as u64 * 8 + 3;
        for i in 0..n {
            m.record(i as f64, 1.0);
        }
        assert!(m.sums.len() < MAX_BATCHES);
        assert_eq!(m.sums.capacity(), MAX_BATCHES);
        // Merged at 10 240, 20 480, 40 960 and 81 920 observations.
        assert_eq!(m.batch_size(), 5 * 16);
        let full: f64 = m.sums.iter().sum();
        assert_eq!(full as u64 + m.partial_n, n);
        assert_eq!(m.starts[1], 80.0);
    }
}
