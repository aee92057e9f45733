//! `power-of-d`: sample a few offices at random and join the least loaded of them.

use super::{argmin_random_tie, AllocationPolicy, ClientView, LoadPerCounter, SystemView};
use crate::SimRng;
use rand::Rng;

/// Samples `d` distinct candidate offices uniformly (Floyd's algorithm, no allocation per
/// decision) and joins the one with the fewest clients present per counter; ties among the
/// sampled are broken uniformly at random. With stale information this avoids the herding of
/// full shortest-queue, and with d = 2 it already captures most of its gain.
#[derive(Debug, Clone)]
pub struct PowerOfD {
    d: usize,
    sampled: Vec<usize>,
}

impl PowerOfD {
    /// A policy sampling `d` offices (at least 1).
    pub fn new(d: usize) -> Self {
        let d = d.max(1);
        PowerOfD {
            d,
            sampled: Vec::with_capacity(d),
        }
    }
}

impl AllocationPolicy for PowerOfD {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, rng: &mut SimRng) -> usize {
        let n = client.candidates.len();
        let d = self.d.min(n);
        self.sampled.clear();
        for j in n - d..n {
            let t = rng.random_range(0..=j);
            let pick = if self.sampled.contains(&t) { j } else { t };
            self.sampled.push(pick);
        }
        argmin_random_tie(
            self.sampled.iter().map(|&k| client.candidates[k]),
            |i| LoadPerCounter {
                present: s.present[i],
                counters: s.counters[i],
            },
            rng,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::BoardShows;
    use crate::random::{stream, StreamKind};

    #[test]
    fn samples_distinct_offices_uniformly() {
        let mut rng = stream(3, 0, StreamKind::Choice);
        let candidates: Vec<usize> = (0..6).collect();
        let mut p = PowerOfD::new(3);
        let mut seen = [0u32; 6];
        for _ in 0..60_000 {
            p.choose(
                &ClientView {
                    service: 0,
                    zone: 0,
                    candidates: &candidates,
                    travel: &[0.0; 6],
                },
                &SystemView {
                    now: 0.0,
                    counters: &[1; 6],
                    present: &[0; 6],
                    busy: &[0; 6],
                    sent: &[0; 6],
                    en_route: &[0; 6],
                    speed: &[1.0; 6],
                    board_time: 0.0,
                    shows: BoardShows::ExpectedWait,
                    mean_service: &[1.0; 6],
                },
                &mut rng,
            );
            let mut sorted = p.sampled.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 3);
            for &k in &p.sampled {
                seen[k] += 1;
            }
        }
        // Each office is sampled with probability 1/2: 30000 expected, sd about 122.
        assert!(seen.iter().all(|&c| (c as i32 - 30_000).abs() < 600), "{seen:?}");
    }
}
