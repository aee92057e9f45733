//! Allocation policies: the rule that sends an arriving client to an office.
//!
//! A policy is an [`AllocationPolicy`]: it sees the client ([`ClientView`]) and a read-only
//! [`SystemView`] of the offices, and returns an office id. It cannot change the system, so a
//! new policy needs no engine change. The view is whatever the engine chooses to show: today the
//! live state, later a crowding board refreshed periodically, without changing any policy.
//!
//! Built-in policies break ties uniformly at random with the policy's own `Choice` stream, so
//! symmetric offices are treated symmetrically and the draws never disturb the clients' streams.

mod board_corrected;
mod booking;
mod candidates;
mod join_idle;
mod least_expected_wait;
mod logit_choice;
mod nearest;
mod power_of_d;
mod random;
mod round_robin;
mod shortest_queue;
mod spec;
mod travel_plus_wait;
mod weighted_random;

pub use board_corrected::BoardCorrected;
pub use booking::{BookingRule, SlotOffer, BOOKING_RULES};
pub use candidates::{CandidateTable, RankedCandidates};
pub use join_idle::JoinIdle;
pub use least_expected_wait::LeastExpectedWait;
pub use logit_choice::LogitChoice;
pub use nearest::Nearest;
pub use power_of_d::PowerOfD;
pub use random::RandomPolicy;
pub use round_robin::RoundRobin;
pub use shortest_queue::ShortestQueue;
pub use spec::{BoardShows, Information, PolicyKind, PolicySpec, Reach, POLICY_KINDS};
pub use travel_plus_wait::TravelPlusWait;
pub use weighted_random::WeightedRandom;

use crate::SimRng;
use rand::Rng;
use std::cmp::Ordering;

/// The client being allocated, as a policy may see it.
#[derive(Debug, Clone, Copy)]
pub struct ClientView<'a> {
    /// The client's service type (index into the model's services).
    pub service: usize,
    /// The client's zone (index into the model's zones).
    pub zone: usize,
    /// The offices this client may be sent to; never empty. Without a candidate limit, every
    /// office in order. With one, the offices nearest to where the client starts, roughly
    /// nearest first: from a point origin exactly; in an area, those sure to be among the
    /// nearest anywhere in the client's part of it come first, by distance from the part's
    /// centre, then the others by distance from the client ([`CandidateTable::rank_from`]).
    /// Use `travel` to compare distances.
    pub candidates: &'a [usize],
    /// Travel time in minutes from the client's starting point to each candidate, in the same
    /// order as `candidates` (all zero without geography).
    pub travel: &'a [f64],
}

/// What a policy may know of the offices at decision time, indexed by office id.
///
/// `present` and `busy` are the crowding board: the live state when the policy's board
/// refreshes continuously (`refresh = 0`), else the state at the last refresh, `board_time`.
#[derive(Debug, Clone, Copy)]
pub struct SystemView<'a> {
    /// The current simulated time (minutes).
    pub now: f64,
    /// Counters per office.
    pub counters: &'a [u32],
    /// Clients present per office (waiting plus in service), as the board shows it.
    pub present: &'a [u32],
    /// Busy counters per office, as the board shows it.
    pub busy: &'a [u32],
    /// Clients this policy has sent to each office since the board's last refresh (all zero
    /// with a live board).
    pub sent: &'a [u32],
    /// Clients on their way to each office (sent, not yet arrived), as of the board's time: the
    /// dispatcher knows them, the office's count does not show them yet.
    pub en_route: &'a [u32],
    /// Speed of each office (service durations are divided by it).
    pub speed: &'a [f64],
    /// When the board was last refreshed (equal to `now` for a live board).
    pub board_time: f64,
    /// What the board announces, for policies that read an announced wait.
    pub shows: BoardShows,
    /// Mean service duration per office over the demand mix, its speed applied (minutes).
    pub mean_service: &'a [f64],
}

impl SystemView<'_> {
    /// Number of offices.
    pub fn offices(&self) -> usize {
        self.counters.len()
    }

    /// Expected wait of a newcomer at office `i`: `max(Q - c + 1, 0) * E[S] / c`, the clients
    /// ahead of it beyond the free counters, served `c` at a time.
    pub fn expected_wait(&self, i: usize) -> f64 {
        self.expected_wait_with(i, f64::from(self.present[i]))
    }

    /// The expected wait at office `i` if `present` clients were there.
    pub fn expected_wait_with(&self, i: usize, present: f64) -> f64 {
        let c = f64::from(self.counters[i]);
        (present + 1.0 - c).max(0.0) * self.mean_service[i] / c
    }

    /// The wait the board announces for office `i`: the expected wait, or, when the board
    /// shows the number waiting, that number times the mean service time per counter.
    pub fn announced_wait(&self, i: usize) -> f64 {
        match self.shows {
            BoardShows::ExpectedWait => self.expected_wait(i),
            BoardShows::Waiting => {
                let waiting = self.present[i].saturating_sub(self.busy[i]);
                f64::from(waiting) * self.mean_service[i] / f64::from(self.counters[i])
            }
        }
    }
}

/// A rule that sends each arriving client to an office.
pub trait AllocationPolicy: Send {
    /// Returns the id of the office for `client`: one of `client.candidates`.
    fn choose(&mut self, client: &ClientView<'_>, system: &SystemView<'_>, rng: &mut SimRng) -> usize;
}

impl<P: AllocationPolicy + ?Sized> AllocationPolicy for Box<P> {
    fn choose(&mut self, client: &ClientView<'_>, system: &SystemView<'_>, rng: &mut SimRng) -> usize {
        (**self).choose(client, system, rng)
    }
}

/// Clients present per counter, compared exactly (cross-multiplied, no rounding) so that equal
/// loads tie exactly.
#[derive(Debug, Clone, Copy)]
pub struct LoadPerCounter {
    /// Clients present.
    pub present: u32,
    /// Counters.
    pub counters: u32,
}

impl PartialEq for LoadPerCounter {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for LoadPerCounter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let a = u64::from(self.present) * u64::from(other.counters);
        let b = u64::from(other.present) * u64::from(self.counters);
        Some(a.cmp(&b))
    }
}

/// The office with the smallest key among `offices`, ties broken uniformly at random; a key
/// that does not compare with itself (NaN) ranks last.
///
/// One pass and no allocation: the smallest key and the offices sharing it (the first
/// 32 (`TIED_KEPT`) of them on the stack), then one uniform draw among them. At high load most
/// offices tie, and one draw per tie (reservoir sampling) was most of a shortest-queue decision.
/// Past `TIED_KEPT` ties a second pass finds the drawn one.
///
/// # Panics
///
/// If `offices` is empty. The engine never asks a policy to choose among no candidates (a
/// client with none is turned away before), so a panic here is a bug in the caller.
#[allow(clippy::expect_used)] // see "Panics": not reachable from user data
pub fn argmin_random_tie<I, K>(offices: I, key: impl Fn(usize) -> K, rng: &mut SimRng) -> usize
where
    I: IntoIterator<Item = usize>,
    I::IntoIter: Clone,
    K: PartialOrd,
{
    let offices = offices.into_iter();
    let mut rest = offices.clone();
    // The first key that compares with itself; a NaN (ranked last) only if all are NaN.
    let mut first_unordered = None;
    let (mut best, first) = loop {
        let i = match rest.next() {
            Some(i) => i,
            None => return first_unordered.expect("candidates are never empty"),
        };
        let k = key(i);
        if k.partial_cmp(&k).is_some() {
            break (k, i);
        }
        first_unordered.get_or_insert(i);
    };
    let mut tied = [first; TIED_KEPT];
    let mut ties = 1;
    for i in rest {
        let k = key(i);
        match k.partial_cmp(&best) {
            Some(Ordering::Less) => {
                best = k;
                tied[0] = i;
                ties = 1;
            }
            Some(Ordering::Equal) => {
                if ties < TIED_KEPT {
                    tied[ties] = i;
                }
                ties += 1;
            }
            Some(Ordering::Greater) | None => {}
        }
    }
    if ties == 1 {
        return tied[0];
    }
    let r = rng.random_range(0..ties);
    if r < TIED_KEPT {
        return tied[r];
    }
    offices
        .filter(|&i| key(i).partial_cmp(&best) == Some(Ordering::Equal))
        .nth(r)
        .unwrap_or(tied[0])
}

/// Tied offices [`argmin_random_tie`] keeps on the stack.
const TIED_KEPT: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{stream, StreamKind};

    #[test]
    fn ties_are_broken_uniformly() {
        let mut rng = stream(1, 0, StreamKind::Choice);
        let keys = [3, 1, 1, 5, 1];
        let mut hits = [0u32; 5];
        for _ in 0..30_000 {
            hits[argmin_random_tie(0..5, |i| keys[i], &mut rng)] += 1;
        }
        assert_eq!(hits[0] + hits[3], 0);
        // Each of the three tied offices gets 1/3: 10000 expected, sd about 82.
        for i in [1, 2, 4] {
            assert!((hits[i] as i32 - 10_000).abs() < 400, "{hits:?}");
        }
    }

    #[test]
    fn unordered_keys_rank_last() {
        let mut rng = stream(2, 0, StreamKind::Choice);
        let keys = [f64::NAN, 2.0, f64::NAN, 1.0, 1.5];
        assert_eq!(argmin_random_tie(0..5, |i| keys[i], &mut rng), 3);
        assert_eq!(argmin_random_tie([2, 0], |i| keys[i], &mut rng), 2);
        assert_eq!(argmin_random_tie([0, 1], |i| keys[i], &mut rng), 1);
    }

    /// More ties than kept on the stack: the draw is still uniform over all of them.
    #[test]
    fn many_ties_are_broken_uniformly() {
        let mut rng = stream(3, 0, StreamKind::Choice);
        let n = 3 * TIED_KEPT;
        let mut hits = vec![0u32; n];
        for _ in 0..n * 400 {
            hits[argmin_random_tie(0..n, |_| 1u32, &mut rng)] += 1;
        }
        // 400 expected each (sd 20): the kept and the re-found ties alike.
        let worst = hits.iter().map(|&h| (h as i32 - 400).abs()).max().unwrap_or(0);
        assert!(worst < 100, "{hits:?}");
    }

    #[test]
    fn load_per_counter_compares_exactly() {
        let l = |p, c| LoadPerCounter {
            present: p,
            counters: c,
        };
        assert!(l(1, 3) == l(2, 6));
        assert!(l(1, 2) < l(2, 3));
        assert!(l(5, 1) > l(9, 2));
    }
}
