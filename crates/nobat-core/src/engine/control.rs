//! [`RunControl`]: what stops a run early. A run is stopped when the user interrupts it (a flag
//! set from another thread, e.g. by a Ctrl-C handler) or when it runs away: an unstable
//! scenario (arrivals faster than service, clients who never give up) would otherwise grow its
//! queues until memory is exhausted.
//!
//! Both checks are cheap enough for the event loop: the client count is compared with the limit
//! once per new client (one integer comparison), and the interruption flag is read once every
//! [`RunControl::CHECK_EVERY`] events (a relaxed atomic load), which is well under a millisecond
//! of simulation, so an interrupted run stops within a second.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Limits and the interruption flag of a run; [`Default`] has no flag and the default limit.
#[derive(Debug, Clone)]
pub struct RunControl {
    /// The most clients in the system at once in one replication: at offices (waiting or in
    /// service), in the pooled queue, travelling, or waiting for their booked slot. Every one
    /// of them holds memory until it leaves, so this bounds a replication's memory.
    pub max_in_system: usize,
    /// Set to `true` (from any thread) to stop the run as soon as possible.
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl RunControl {
    /// The default of [`RunControl::max_in_system`]: a million clients is about 100 MB per
    /// replication in progress, far beyond any stable office network of a city.
    pub const DEFAULT_MAX_IN_SYSTEM: usize = 1_000_000;

    /// Events between two reads of the interruption flag (a power of two, for a mask).
    pub const CHECK_EVERY: u64 = 1 << 14;

    /// Whether the run was asked to stop.
    #[inline]
    pub fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

impl Default for RunControl {
    fn default() -> Self {
        RunControl {
            max_in_system: Self::DEFAULT_MAX_IN_SYSTEM,
            interrupt: None,
        }
    }
}
