//! The bare minimum of a general event-list simulator, the yardstick of issue 7: a binary heap
//! of events, two events per client (arrival, departure), FIFO queues, one running mean of the
//! wait, nothing else. Written plainly, as a competent programmer would without nobat: it is
//! what nobat's engine, with all its statistics and rules, is measured against.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// One event of a bare loop: its time and what happens then (here the office, `usize::MAX`
/// for an arrival), ordered by time alone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timed<K> {
    pub(crate) time: f64,
    pub(crate) kind: K,
}

impl<K> PartialEq for Timed<K> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time
    }
}
impl<K> Eq for Timed<K> {}
impl<K> PartialOrd for Timed<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Timed<K> {
    /// The earliest event is the greatest, for `BinaryHeap`'s max-heap.
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time)
    }
}

/// What a bare run measured.
#[derive(Debug, Clone, Copy)]
pub struct BareResult {
    /// Clients who arrived before the horizon.
    pub clients: u64,
    /// Their mean wait (all are served: the loop runs until the queues drain).
    pub wait_mean: f64,
}

/// An exponential draw of mean `mean`, by inversion (what a plain loop writes).
pub(crate) fn exponential(rng: &mut Xoshiro256PlusPlus, mean: f64) -> f64 {
    -mean * (1.0 - rng.random::<f64>()).ln()
}

/// Poisson arrivals at `rate` per minute until `horizon`, exponential service of mean 1, into
/// `offices` offices of `counters` counters each; with several offices a client joins the one
/// with the fewest clients present (join-shortest-queue, first such office on ties).
pub fn run(offices: usize, counters: u32, rate: f64, horizon: f64, seed: u64) -> BareResult {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut events = BinaryHeap::with_capacity(offices * counters as usize + 16);
    let mut queues: Vec<VecDeque<f64>> = (0..offices).map(|_| VecDeque::new()).collect();
    let mut busy = vec![0u32; offices];
    let mut present = vec![0u32; offices];
    let (mut clients, mut served, mut wait_sum) = (0u64, 0u64, 0.0f64);
    events.push(Timed {
        time: exponential(&mut rng, 1.0 / rate),
        kind: usize::MAX,
    });
    while let Some(Timed { time, kind: office }) = events.pop() {
        if office == usize::MAX {
            clients += 1;
            let o = if offices == 1 {
                0
            } else {
                (0..offices).min_by_key(|&i| present[i]).unwrap_or(0)
            };
            present[o] += 1;
            if busy[o] < counters {
                busy[o] += 1;
                served += 1;
                events.push(Timed {
                    time: time + exponential(&mut rng, 1.0),
                    kind: o,
                });
            } else {
                queues[o].push_back(time);
            }
            let next = time + exponential(&mut rng, 1.0 / rate);
            if next < horizon {
                events.push(Timed {
                    time: next,
                    kind: usize::MAX,
                });
            }
        } else {
            present[office] -= 1;
            match queues[office].pop_front() {
                Some(arrived) => {
                    served += 1;
                    wait_sum += time - arrived;
                    events.push(Timed {
                        time: time + exponential(&mut rng, 1.0),
                        kind: office,
                    });
                }
                None => busy[office] -= 1,
            }
        }
    }
    BareResult {
        clients,
        wait_mean: wait_sum / served.max(1) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bare loop is a correct simulator: M/M/1 at rho 0.5 has a mean wait of 1 (loosely,
    /// one run of 200 000 clients: the standard error is about 0.02).
    #[test]
    fn bare_loop_is_an_mm1() {
        let r = run(1, 1, 0.5, 400_000.0, 3);
        assert!((r.wait_mean - 1.0).abs() < 0.1, "{r:?}");
        assert!((r.clients as f64 - 200_000.0).abs() < 2_000.0);
    }
}
