//! [`Recorder`]: what the engine tells observers, so that statistics, traces and time series
//! plug in without touching the event loop. Every method has a no-op default.

use super::Client;

/// An observer of one replication. The engine calls these in event order.
pub trait Recorder {
    /// A new client was created (decided to seek service) at `t`.
    fn client_created(&mut self, _t: f64, _client: &Client) {}
    /// `client` arrived at `office` at `t`.
    fn office_arrival(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// The number of clients waiting (not in service) at `office` changed to `waiting` at `t`.
    fn queue_changed(&mut self, _t: f64, _office: usize, _waiting: usize) {}
    /// The number of busy counters at `office` changed to `busy` at `t`.
    fn busy_changed(&mut self, _t: f64, _office: usize, _busy: u32) {}
    /// `client` finished service at `office` at `t` (its `start` and `duration` are set).
    fn departure(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// The run ended at `t`, the later of the last event and the horizon: no event is left.
    fn finished(&mut self, _t: f64) {}
}

/// A recorder that records nothing.
impl Recorder for () {}
