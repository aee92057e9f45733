//! [`Recorder`]: what the engine tells observers, so that statistics, traces and time series
//! plug in without touching the event loop. Every method has a no-op default.
//!
//! Every client created ends in exactly one of `departure` (served), `abandoned`, `balked`,
//! `blocked`, `turned_away` or `no_show`; all but a turn-away at the decision (no office) and a
//! no-show are preceded by one `office_arrival` at the office where it happens. A client who
//! books gets `booked` once, before any of these.

use super::Client;

/// An observer of one replication. The engine calls these in event order.
pub trait Recorder {
    /// A new client was created (decided to seek service) at `t`.
    fn client_created(&mut self, _t: f64, _client: &Client) {}
    /// `client` arrived at `office` at `t` and stays there until it leaves one way or another.
    fn office_arrival(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// The number of clients waiting (not in service) at `office` changed to `waiting` at `t`.
    fn queue_changed(&mut self, _t: f64, _office: usize, _waiting: usize) {}
    /// The number of busy counters at `office` changed to `busy` at `t`.
    fn busy_changed(&mut self, _t: f64, _office: usize, _busy: u32) {}
    /// The counters `office` has open changed to `open` at `t` (0 when closed).
    fn counters_changed(&mut self, _t: f64, _office: usize, _open: u32) {}
    /// `client` finished service at `office` at `t` (its `start` and `duration` are set).
    fn departure(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// `client`'s patience ran out while it waited at `office` (`None`: in the pooled queue);
    /// it left unserved at `t`.
    fn abandoned(&mut self, _t: f64, _office: Option<usize>, _client: &Client) {}
    /// `client` found the queue at `office` (`None`: the pooled queue) too long and left at once.
    fn balked(&mut self, _t: f64, _office: Option<usize>, _client: &Client) {}
    /// `client` found `office` full and was lost.
    fn blocked(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// `client` was sent home: by `office` at closing or on arriving after it closed, or, with
    /// no office, because none that could serve it was open when it decided.
    fn turned_away(&mut self, _t: f64, _office: Option<usize>, _client: &Client) {}
    /// `client` asked at `t` and was given a slot at `office` (`client.slot` is its start).
    fn booked(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// `client`, booked at `office`, will not come: it is decided (and told) when it books.
    fn no_show(&mut self, _t: f64, _office: usize, _client: &Client) {}
    /// The run ended at `t`, the later of the last event and the horizon: no event is left.
    fn finished(&mut self, _t: f64) {}
}

/// A recorder that records nothing.
impl Recorder for () {}

/// Two recorders in one, each seeing every event: e.g. the statistics and, beside them, a
/// time series, without the engine knowing there are two.
impl<A: Recorder, B: Recorder> Recorder for (A, B) {
    #[inline]
    fn client_created(&mut self, t: f64, client: &Client) {
        self.0.client_created(t, client);
        self.1.client_created(t, client);
    }
    #[inline]
    fn office_arrival(&mut self, t: f64, office: usize, client: &Client) {
        self.0.office_arrival(t, office, client);
        self.1.office_arrival(t, office, client);
    }
    #[inline]
    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        self.0.queue_changed(t, office, waiting);
        self.1.queue_changed(t, office, waiting);
    }
    #[inline]
    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        self.0.busy_changed(t, office, busy);
        self.1.busy_changed(t, office, busy);
    }
    #[inline]
    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        self.0.counters_changed(t, office, open);
        self.1.counters_changed(t, office, open);
    }
    #[inline]
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.0.departure(t, office, client);
        self.1.departure(t, office, client);
    }
    #[inline]
    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.0.abandoned(t, office, client);
        self.1.abandoned(t, office, client);
    }
    #[inline]
    fn balked(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.0.balked(t, office, client);
        self.1.balked(t, office, client);
    }
    #[inline]
    fn blocked(&mut self, t: f64, office: usize, client: &Client) {
        self.0.blocked(t, office, client);
        self.1.blocked(t, office, client);
    }
    #[inline]
    fn turned_away(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.0.turned_away(t, office, client);
        self.1.turned_away(t, office, client);
    }
    #[inline]
    fn booked(&mut self, t: f64, office: usize, client: &Client) {
        self.0.booked(t, office, client);
        self.1.booked(t, office, client);
    }
    #[inline]
    fn no_show(&mut self, t: f64, office: usize, client: &Client) {
        self.0.no_show(t, office, client);
        self.1.no_show(t, office, client);
    }
    fn finished(&mut self, t: f64) {
        self.0.finished(t);
        self.1.finished(t);
    }
}

/// A recorder that may be absent: the optional observers of a run (a time series, the hourly
/// report, a caller's own trace) ride beside the statistics in one monomorphised loop.
impl<R: Recorder> Recorder for Option<R> {
    #[inline]
    fn client_created(&mut self, t: f64, client: &Client) {
        if let Some(r) = self {
            r.client_created(t, client);
        }
    }
    #[inline]
    fn office_arrival(&mut self, t: f64, office: usize, client: &Client) {
        if let Some(r) = self {
            r.office_arrival(t, office, client);
        }
    }
    #[inline]
    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        if let Some(r) = self {
            r.queue_changed(t, office, waiting);
        }
    }
    #[inline]
    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        if let Some(r) = self {
            r.busy_changed(t, office, busy);
        }
    }
    #[inline]
    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        if let Some(r) = self {
            r.counters_changed(t, office, open);
        }
    }
    #[inline]
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        if let Some(r) = self {
            r.departure(t, office, client);
        }
    }
    #[inline]
    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        if let Some(r) = self {
            r.abandoned(t, office, client);
        }
    }
    #[inline]
    fn balked(&mut self, t: f64, office: Option<usize>, client: &Client) {
        if let Some(r) = self {
            r.balked(t, office, client);
        }
    }
    #[inline]
    fn blocked(&mut self, t: f64, office: usize, client: &Client) {
        if let Some(r) = self {
            r.blocked(t, office, client);
        }
    }
    #[inline]
    fn turned_away(&mut self, t: f64, office: Option<usize>, client: &Client) {
        if let Some(r) = self {
            r.turned_away(t, office, client);
        }
    }
    #[inline]
    fn booked(&mut self, t: f64, office: usize, client: &Client) {
        if let Some(r) = self {
            r.booked(t, office, client);
        }
    }
    #[inline]
    fn no_show(&mut self, t: f64, office: usize, client: &Client) {
        if let Some(r) = self {
            r.no_show(t, office, client);
        }
    }
    fn finished(&mut self, t: f64) {
        if let Some(r) = self {
            r.finished(t);
        }
    }
}

/// A recorder chosen at run time (a caller's own, e.g. a client trace written to a file).
impl<R: Recorder + ?Sized> Recorder for Box<R> {
    #[inline]
    fn client_created(&mut self, t: f64, client: &Client) {
        (**self).client_created(t, client);
    }
    #[inline]
    fn office_arrival(&mut self, t: f64, office: usize, client: &Client) {
        (**self).office_arrival(t, office, client);
    }
    #[inline]
    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        (**self).queue_changed(t, office, waiting);
    }
    #[inline]
    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        (**self).busy_changed(t, office, busy);
    }
    #[inline]
    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        (**self).counters_changed(t, office, open);
    }
    #[inline]
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        (**self).departure(t, office, client);
    }
    #[inline]
    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        (**self).abandoned(t, office, client);
    }
    #[inline]
    fn balked(&mut self, t: f64, office: Option<usize>, client: &Client) {
        (**self).balked(t, office, client);
    }
    #[inline]
    fn blocked(&mut self, t: f64, office: usize, client: &Client) {
        (**self).blocked(t, office, client);
    }
    #[inline]
    fn turned_away(&mut self, t: f64, office: Option<usize>, client: &Client) {
        (**self).turned_away(t, office, client);
    }
    #[inline]
    fn booked(&mut self, t: f64, office: usize, client: &Client) {
        (**self).booked(t, office, client);
    }
    #[inline]
    fn no_show(&mut self, t: f64, office: usize, client: &Client) {
        (**self).no_show(t, office, client);
    }
    fn finished(&mut self, t: f64) {
        (**self).finished(t);
    }
}
