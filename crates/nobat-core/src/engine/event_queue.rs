//! [`EventQueue`]: the future event list, ordered by (time, phase, sequence number).
//!
//! A discrete-event simulation only ever asks for the earliest event, and never schedules an
//! event before the one it is processing (a duration is never negative). That makes the keys
//! *monotone*, and a radix heap fits: events sit in buckets by the highest hexadecimal digit in
//! which their key differs from the last key popped, and by that digit's value, so pushing is
//! an append and popping touches one bucket. An event moves to a lower bucket only when its
//! bucket is the smallest, and then always to a lower digit: at most once per digit between its
//! delay and the spacing of events. With one bit per level (a binary radix heap) that was about
//! log2 of the pending events per event, which made a large city (thousands of clients
//! travelling and counters busy) spend some 250 more instructions per client on its queue than
//! a small one; sixteen values per level divide those moves by four. A binary heap costs
//! log2(pending) comparisons and swaps per event as well.
//!
//! With few pending events (one office of ten counters has about a dozen) a sorted list is
//! cheaper than any bucket structure or heap: popping takes its last entry, pushing shifts the
//! few entries after its place (one `memmove`), where a binary heap's pop sifted through
//! log2(pending) levels with two comparisons each (about 90 instructions an event). So the
//! queue is a sorted list while it holds fewer than [`SMALL_UP`] events and becomes a radix
//! heap above; it turns back below [`SMALL_DOWN`]. The gap between the two keeps switches rare,
//! and a switch reuses the storage it empties.
//!
//! A bucket's events are stored in fixed blocks of [`BLOCK`] entries from one pool, chained: an
//! append fills the bucket's last block or takes a free one, and a bucket that empties gives
//! its blocks back. So the queue allocates only while more events are pending than ever
//! before, whatever the run's length, and holds at most one partly filled block per bucket
//! beyond its events. (Growable buffers per bucket either kept the largest size each had ever
//! reached, which grew without end in a national run as the busy buckets shift with time, or
//! were freed and grown again, one allocation for every two clients at national scale.)
//!
//! The key is 128 bits: the time's IEEE-754 bits (which order like the numbers for times of 0 or
//! more), then the phase, then the sequence number. Every key is unique, so the order is total
//! and the same on every run.

/// Which events go first among those at the same instant: an office closing, starting a break
/// or ending a shift at `t` does so before the services ending at `t` call their next client,
/// so no service starts at the closing minute (and one opening at `t` receives the clients
/// arriving at `t`); a counter freed at `t` can serve a client who arrives at `t`, because
/// departures come before arrivals; a client whose service could start at `t` is served rather
/// than counted as reneging at `t`; a board refreshed at `t` is what a client deciding at `t`
/// sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// An office opens, closes, or changes its counters.
    OfficeChange = 0,
    /// Service completions.
    Departure = 1,
    /// A waiting client's patience runs out.
    Renege = 2,
    /// Clients reaching their office after travelling.
    OfficeArrival = 3,
    /// Crowding-board refreshes.
    Refresh = 4,
    /// New clients deciding where to go.
    Arrival = 5,
}

/// Bits of the key's low word below the phase: room for 2^60 events per run.
const SEQ_BITS: u32 = 60;
/// Bits per digit of the radix: each level of buckets splits keys 16 ways.
const DIGIT_BITS: u32 = 4;
/// Values of a digit.
const RADIX: usize = 1 << DIGIT_BITS;
/// Bucket `p * RADIX + v` holds keys whose highest digit differing from `last` is digit `p`
/// (from the least significant), of value `v` (never 0: `last`'s digit there is smaller). Keys
/// in a lower bucket are all smaller, so bucket order is key order.
const BUCKETS: usize = (128 / DIGIT_BITS as usize) * RADIX;
/// Words of the bitmap of non-empty buckets.
const WORDS: usize = BUCKETS / 64;
/// Entries per storage block (768 bytes with an 8-byte event).
const BLOCK: usize = 32;
/// No block: the end of a chain, or an empty bucket's.
const NONE: u32 = u32::MAX;
/// Above this many pending events the queue becomes a radix heap.
const SMALL_UP: usize = 64;
/// Below this many pending events it becomes a sorted list again.
const SMALL_DOWN: usize = 16;

/// A scheduled event with its key, split in two words so that an entry is aligned to 8 bytes,
/// not 16: with an 8-byte event, 24 bytes an entry.
#[derive(Clone, Copy)]
struct Entry<E> {
    hi: u64,
    lo: u64,
    event: E,
}

/// A bucket: the first and last blocks of its chain, and how many events it holds. Events are
/// only appended, so every block but the last is full: event `i` of the bucket is entry
/// `i % BLOCK` of its `i / BLOCK`-th block.
#[derive(Debug, Clone, Copy)]
struct Chain {
    head: u32,
    tail: u32,
    len: u32,
}

const EMPTY: Chain = Chain {
    head: NONE,
    tail: NONE,
    len: 0,
};

impl<E> Entry<E> {
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.hi) << 64) | u128::from(self.lo)
    }
}

/// The key of an event: time bits, then phase, then sequence number.
#[inline]
fn key(time: f64, phase: Phase, seq: u64) -> u128 {
    // `+ 0.0` turns -0.0 into +0.0, whose bits order correctly.
    let bits = (time + 0.0).to_bits();
    (u128::from(bits) << 64) | (u128::from(phase as u64) << SEQ_BITS) | u128::from(seq)
}

const PHASES: [Phase; 6] = [
    Phase::OfficeChange,
    Phase::Departure,
    Phase::Renege,
    Phase::OfficeArrival,
    Phase::Refresh,
    Phase::Arrival,
];

impl<E> Entry<E> {
    #[inline]
    fn open(self) -> (f64, Phase, E) {
        (
            f64::from_bits(self.hi),
            PHASES[(self.lo >> SEQ_BITS) as usize],
            self.event,
        )
    }
}

/// A priority queue of events keyed by (time, phase, insertion sequence), for monotone use.
///
/// Two events at the same time and phase pop in the order they were pushed, so a run is the
/// same every time. An event pushed with a key below the last one popped (a zero-length service
/// starting during an arrival at the same instant: a departure, phase 1, while phase 3 is being
/// processed) is still the smallest pending key, and waits in a small sorted side list that pops
/// first.
///
/// Pushing allocates only while more events are pending than ever before.
pub struct EventQueue<E> {
    /// The radix heap's buckets.
    chains: Vec<Chain>,
    /// The blocks' entries: block `b` is `store[b * BLOCK..(b + 1) * BLOCK]`.
    store: Vec<Entry<E>>,
    /// Each block's successor in its chain.
    next: Vec<u32>,
    /// Blocks in no chain, the most recently freed last (its lines are likely still cached).
    free: Vec<u32>,
    /// The events of a block being moved down (room for a block).
    moving: Vec<Entry<E>>,
    /// Bit `b % 64` of word `b / 64` is set when bucket `b` is not empty.
    occupied: [u64; WORDS],
    /// The key of the last event popped.
    last: u128,
    /// Keys below `last` (rare; see the type's documentation); while `small`, every event.
    /// Sorted by decreasing key: the earliest event is the last entry.
    early: Vec<Entry<E>>,
    /// The queue is the sorted list `early` alone (few events pending).
    small: bool,
    len: usize,
    seq: u64,
}

impl<E: Copy + Default> EventQueue<E> {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut queue = EventQueue {
            chains: vec![EMPTY; BUCKETS],
            store: Vec::new(),
            next: Vec::new(),
            free: Vec::new(),
            moving: Vec::with_capacity(BLOCK),
            occupied: [0; WORDS],
            last: 0,
            early: Vec::with_capacity(SMALL_UP + 1),
            small: true,
            len: 0,
            seq: 0,
        };
        // Blocks for `capacity` events spread over a few buckets.
        for _ in 0..capacity.div_ceil(BLOCK) + 8 {
            let b = queue.grow();
            queue.free.push(b);
        }
        queue
    }

    /// A new block at the end of the store.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) -> u32 {
        let filler = Entry {
            hi: 0,
            lo: 0,
            event: E::default(),
        };
        self.store.resize(self.store.len() + BLOCK, filler);
        self.next.push(NONE);
        (self.next.len() - 1) as u32
    }

    /// An empty block at the end of a chain: a free one, else a new one.
    #[inline]
    fn take_block(&mut self) -> u32 {
        let b = match self.free.pop() {
            Some(b) => b,
            None => self.grow(),
        };
        self.next[b as usize] = NONE;
        b
    }

    /// The bucket of `key`, which is above `last`.
    #[inline]
    fn bucket_of(&self, key: u128) -> usize {
        let highest = 127 - (key ^ self.last).leading_zeros();
        let digit = highest / DIGIT_BITS;
        let value = (key >> (digit * DIGIT_BITS)) as usize & (RADIX - 1);
        digit as usize * RADIX + value
    }

    /// Appends `entry` to its bucket.
    #[inline(always)]
    fn place(&mut self, entry: Entry<E>) {
        let b = self.bucket_of(entry.key());
        let mut chain = self.chains[b];
        let at = chain.len as usize % BLOCK;
        if at == 0 {
            // The last block is full, or there is none.
            let block = self.take_block();
            if chain.len == 0 {
                chain.head = block;
            } else {
                self.next[chain.tail as usize] = block;
            }
            chain.tail = block;
        }
        self.store[chain.tail as usize * BLOCK + at] = entry;
        chain.len += 1;
        self.chains[b] = chain;
        self.occupied[b / 64] |= 1 << (b % 64);
    }

    /// Empties bucket `b` and returns its chain.
    #[inline]
    fn detach(&mut self, b: usize) -> Chain {
        self.occupied[b / 64] &= !(1 << (b % 64));
        std::mem::replace(&mut self.chains[b], EMPTY)
    }

    /// The store's range of the entries of `block`, which holds `left` or more of its chain's
    /// events not yet read (all of its `BLOCK` entries if that many), and the block after it.
    #[inline]
    fn entries(&self, block: u32, left: usize) -> (std::ops::Range<usize>, u32) {
        let start = block as usize * BLOCK;
        (start..start + left.min(BLOCK), self.next[block as usize])
    }

    /// The smallest non-empty bucket, if any.
    #[inline]
    fn first_bucket(&self) -> Option<usize> {
        let w = self.occupied.iter().position(|&w| w != 0)?;
        Some(w * 64 + self.occupied[w].trailing_zeros() as usize)
    }

    /// Schedules `event` at `time` (finite, not negative).
    #[inline]
    pub fn push(&mut self, time: f64, phase: Phase, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        self.seq += 1;
        let k = key(time, phase, self.seq);
        let entry = Entry {
            hi: (k >> 64) as u64,
            lo: k as u64,
            event,
        };
        self.len += 1;
        if self.small || k < self.last {
            self.insert_early(entry);
            if self.small && self.len > SMALL_UP {
                self.become_radix();
            }
        } else {
            self.place(entry);
        }
    }

    /// From sorted list to radix heap: every event at or after `last` moves to its bucket; the
    /// list keeps its storage (and any event before `last`).
    fn become_radix(&mut self) {
        self.small = false;
        // Decreasing keys: those at or after `last` come first, and leave in one drain.
        let mut early = std::mem::take(&mut self.early);
        let after = early.partition_point(|e| e.key() >= self.last);
        for entry in early.drain(..after) {
            self.place(entry);
        }
        self.early = early;
    }

    /// From radix heap to sorted list: every bucket empties into the list and frees its blocks.
    fn become_small(&mut self) {
        self.small = true;
        while let Some(b) = self.first_bucket() {
            let chain = self.detach(b);
            let (mut block, mut left) = (chain.head, chain.len as usize);
            while left > 0 {
                let (entries, next) = self.entries(block, left);
                left -= entries.len();
                self.early.extend_from_slice(&self.store[entries]);
                self.free.push(block);
                block = next;
            }
        }
        // Keys are unique, so an unstable sort gives the one order.
        self.early.sort_unstable_by_key(|e| std::cmp::Reverse(e.key()));
    }

    /// Puts `entry` in its place in the sorted side list: after every larger key.
    #[inline]
    fn insert_early(&mut self, entry: Entry<E>) {
        let k = entry.key();
        let at = self.early.partition_point(|e| e.key() > k);
        self.early.insert(at, entry);
    }

    /// Removes and returns the earliest event with its time and phase.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Phase, E)> {
        if let Some(e) = self.early.pop() {
            self.len -= 1;
            if self.small {
                // Kept so that a later switch to the radix heap knows where it starts.
                self.last = self.last.max(e.key());
            }
            return Some(e.open());
        }
        if !self.small && self.len <= SMALL_DOWN {
            self.become_small();
            return self.pop();
        }
        let b = self.first_bucket()?;
        self.len -= 1;
        let chain = self.detach(b);
        let head = chain.head as usize * BLOCK;
        if chain.len == 1 {
            // The common case once events are spread out: nothing moves.
            let first = self.store[head];
            self.free.push(chain.head);
            self.last = first.key();
            return Some(first.open());
        }
        let (mut at, mut min) = (head, self.store[head].key());
        let (mut block, mut left) = (chain.head, chain.len as usize);
        while left > 0 {
            let (entries, next) = self.entries(block, left);
            left -= entries.len();
            let start = entries.start;
            for (j, e) in self.store[entries].iter().enumerate() {
                let k = e.key();
                if k < min {
                    (at, min) = (start + j, k);
                }
            }
            block = next;
        }
        let first = self.store[at];
        self.last = min;
        // Every other key differs from the new `last` in a lower digit: each moves down, to
        // another bucket. A block is copied out and freed before its events move, so the next
        // block they need is likely this one, still in cache.
        let (mut block, mut left) = (chain.head, chain.len as usize);
        while left > 0 {
            let (entries, next) = self.entries(block, left);
            let (start, n) = (entries.start, entries.len());
            left -= n;
            self.moving.clear();
            self.moving.extend_from_slice(&self.store[entries]);
            self.free.push(block);
            for j in 0..n {
                if start + j != at {
                    let e = self.moving[j];
                    self.place(e);
                }
            }
            block = next;
        }
        Some(first.open())
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A step of a simulation-like use: pop the earliest event, or push one `delay` half-minutes
    /// after the current time (0 = at the current instant, possibly in an earlier phase).
    #[derive(Debug, Clone)]
    enum Op {
        Pop,
        Push { delay: u8, phase: u8 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => Just(Op::Pop),
            2 => (0u8..12, 0u8..6).prop_map(|(delay, phase)| Op::Push { delay, phase }),
        ]
    }

    /// Many events far apart, pushed more often than popped: buckets of hundreds of events,
    /// chained over many blocks, emptied and refilled.
    fn crowded_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => Just(Op::Pop),
            3 => (0u8..=255, 0u8..6).prop_map(|(delay, phase)| Op::Push { delay, phase }),
        ]
    }

    /// Runs `ops` on a queue and on a list kept sorted by (time, phase, insertion order), used
    /// the way the engine uses the queue (never pushing before the current time), and checks
    /// that they pop the same events.
    fn matches_reference(ops: &[Op]) -> Result<(), TestCaseError> {
        let mut q = EventQueue::with_capacity(4);
        let mut reference: Vec<(f64, Phase, usize)> = Vec::new();
        let mut now = 0.0;
        for (i, op) in ops.iter().enumerate() {
            match *op {
                Op::Push { delay, phase } => {
                    let t = now + f64::from(delay) * 0.5;
                    q.push(t, PHASES[phase as usize], i);
                    let at =
                        reference.partition_point(|r| r.0.total_cmp(&t).then(r.1.cmp(&PHASES[phase as usize])).is_le());
                    reference.insert(at, (t, PHASES[phase as usize], i));
                }
                Op::Pop => {
                    let expected = (!reference.is_empty()).then(|| reference.remove(0));
                    let got = q.pop();
                    prop_assert_eq!(got, expected);
                    if let Some((t, _, _)) = got {
                        now = t;
                    }
                }
            }
            prop_assert_eq!(q.len(), reference.len());
        }
        while let Some(got) = q.pop() {
            prop_assert_eq!(got, reference.remove(0));
        }
        prop_assert!(reference.is_empty());
        Ok(())
    }

    proptest! {
        /// Few events, close together: the sorted list, the switches to and from the radix
        /// heap, and events pushed at the current instant in an earlier phase.
        #[test]
        fn pops_in_time_phase_then_insertion_order(ops in prop::collection::vec(op(), 0..400)) {
            matches_reference(&ops)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Thousands of events: buckets chained over many blocks.
        #[test]
        fn pops_in_order_with_thousands_pending(ops in prop::collection::vec(crowded_op(), 0..6000)) {
            matches_reference(&ops)?;
        }
    }

    #[test]
    fn keys_order_like_times() {
        let times = [0.0, 1e-300, 0.5, 1.0, 1.5, 1e6, 3.2e9];
        for w in times.windows(2) {
            assert!(key(w[0], Phase::Arrival, 9) < key(w[1], Phase::Departure, 1));
        }
        assert_eq!(key(-0.0, Phase::Arrival, 1), key(0.0, Phase::Arrival, 1));
        assert!(key(2.0, Phase::Departure, 5) < key(2.0, Phase::Arrival, 1));
    }
}
