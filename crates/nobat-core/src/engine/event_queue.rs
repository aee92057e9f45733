//! [`EventQueue`]: the future event list, ordered by (time, phase, sequence number).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Which events go first among those at the same instant: a counter freed at `t` can serve a
/// client who arrives at `t`, because departures come before arrivals; a board refreshed at `t`
/// is what a client deciding at `t` sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Service completions.
    Departure = 0,
    /// Clients reaching their office after travelling.
    OfficeArrival = 1,
    /// Crowding-board refreshes.
    Refresh = 2,
    /// New clients deciding where to go.
    Arrival = 3,
}

/// Bits of `order` below the phase: room for 2^60 events per run.
const SEQ_BITS: u32 = 60;

/// A scheduled event. The phase and the sequence number share one `u64` (phase in the top
/// bits), so an entry stays small and cheap to move while the heap sifts.
struct Entry<E> {
    time: f64,
    order: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so that the max-heap pops the earliest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time).then(other.order.cmp(&self.order))
    }
}

/// A priority queue of events keyed by (time, phase, insertion sequence).
///
/// Two events at the same time and phase pop in the order they were pushed, so a run is the
/// same every time. The heap's storage is reused: pushing allocates only when the queue grows
/// beyond its largest size so far.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
}

impl<E> EventQueue<E> {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: f64, phase: Phase, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        self.seq += 1;
        let order = ((phase as u64) << SEQ_BITS) | self.seq;
        self.heap.push(Entry { time, order, event });
    }

    /// Removes and returns the earliest event with its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.heap.pop().map(|e| (e.time, e.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Against a reference: a stable sort by (time, phase) of the pushed events.
        #[test]
        fn pops_in_time_phase_then_insertion_order(events in prop::collection::vec((0u8..20, any::<bool>()), 0..200)) {
            let mut q = EventQueue::with_capacity(4);
            for (i, &(t, dep)) in events.iter().enumerate() {
                q.push(f64::from(t) * 0.5, if dep { Phase::Departure } else { Phase::Arrival }, i);
            }
            let mut reference: Vec<(usize, &(u8, bool))> = events.iter().enumerate().collect();
            reference.sort_by_key(|&(_, &(t, dep))| (t, !dep));
            let popped: Vec<usize> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
            let expected: Vec<usize> = reference.iter().map(|&(i, _)| i).collect();
            prop_assert_eq!(popped, expected);
        }
    }
}
