//! Random streams named by purpose, derived from (seed, replication, purpose).
//!
//! The generator is xoshiro256++: fast (a few cycles a draw), 256 bits of state, excellent
//! statistical quality for simulation, and seedable from one `u64` through SplitMix64. It is
//! not cryptographic, which a simulation does not need. Each replication gets its own seed
//! and each purpose its own stream, so that every policy of a replication sees the same
//! clients with the same service requirements (common random numbers), whatever the policy
//! does with its own `Choice` stream.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The random number generator used everywhere in nobat.
pub type SimRng = Xoshiro256PlusPlus;

/// What a stream is used for. Adding a purpose never changes the draws of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum StreamKind {
    /// Arrival instants.
    Arrivals = 1,
    /// Each client's service type and service requirement.
    Service = 2,
    /// The allocation policy's own choices (random tie-breaks, sampling).
    Choice = 3,
    /// Each client's origin (zone, origin point, position within an area).
    Origin = 4,
    /// Whether each client follows the policy (compliance), so that the same clients comply
    /// under every policy with the same compliance.
    Compliance = 5,
    /// Each client's patience, drawn at creation whether or not it ever waits.
    Patience = 6,
    /// Whether each client uses the virtual window.
    Channel = 7,
    /// Whether a client who finds a long queue balks.
    Balk = 8,
    /// Whether a client books, whether it then comes, and how late.
    Booking = 9,
    /// The booking rule's own choices (random tie-breaks), apart from the walk-in policy's so
    /// that policies differing only in their booking rule send the same walk-ins alike.
    BookingChoice = 10,
    /// The clients waiting at an office's door when it opens (how many, their services,
    /// requirements and patience): one stream per office ([`office_stream`]), so that the same
    /// backlog meets every policy whatever order offices opening at the same time are handled in.
    Backlog = 11,
}

/// SplitMix64's finaliser: a bijective mix of 64 bits, so distinct inputs give distinct seeds.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replication `replication` of a run with base seed `seed` (reported in
/// replications.csv).
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    mix(mix(seed) ^ u64::from(replication))
}

/// The base seed of the pilot runs that choose `warmup = "auto"`: derived from `seed` but
/// distinct from it, so a pilot replication draws other clients than the replication it
/// decides for (see [`crate::experiment::replication_warmup`]).
pub fn pilot_seed(seed: u64) -> u64 {
    // "PILOT" in ASCII, so the pilot seeds differ from every run's own.
    mix(seed ^ 0x0050_494C_4F54_0000)
}

/// The generator for one purpose within one replication.
pub fn stream(seed: u64, replication: u32, kind: StreamKind) -> SimRng {
    SimRng::seed_from_u64(mix(
        replication_seed(seed, replication) ^ (kind as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
    ))
}

/// The generator for one purpose of one office within one replication: for draws made at
/// times when several offices act at once, in an order that may differ between policies.
pub fn office_stream(seed: u64, replication: u32, kind: StreamKind, office: usize) -> SimRng {
    SimRng::seed_from_u64(mix(replication_seed(seed, replication)
        ^ (kind as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
        ^ mix(office as u64 + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_purpose_and_replication_and_repeat_by_seed() {
        let draw = |s: u64, r: u32, k: StreamKind| stream(s, r, k).random::<u64>();
        assert_eq!(draw(7, 0, StreamKind::Arrivals), draw(7, 0, StreamKind::Arrivals));
        assert_ne!(draw(7, 0, StreamKind::Arrivals), draw(7, 0, StreamKind::Service));
        assert_ne!(draw(7, 0, StreamKind::Arrivals), draw(7, 1, StreamKind::Arrivals));
        assert_ne!(draw(7, 0, StreamKind::Arrivals), draw(8, 0, StreamKind::Arrivals));
    }
}
