//! [`ReplicationStats`]: everything measured in one replication, recorded as events happen.

use super::{Accumulator, BookingStats, WaitHistogram};
use crate::engine::{Client, Recorder};
use crate::model::Model;

/// How the counted clients of one replication (or of one office) ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcomes {
    /// Served.
    pub served: u64,
    /// Left the queue when their patience ran out.
    pub abandoned: u64,
    /// Left at once on finding a long queue.
    pub balked: u64,
    /// Found the office full and were lost.
    pub blocked: u64,
    /// Sent home: at closing, on arriving after closing, or with no open office to go to.
    pub turned_away: u64,
    /// Booked a slot and did not come (counted overall and by service; by office in
    /// [`BookingStats`], since they never arrive there).
    pub no_show: u64,
}

impl Outcomes {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Outcomes) {
        self.served += other.served;
        self.abandoned += other.abandoned;
        self.balked += other.balked;
        self.blocked += other.blocked;
        self.turned_away += other.turned_away;
        self.no_show += other.no_show;
    }

    /// All clients who ended one way or another.
    pub fn total(&self) -> u64 {
        self.served + self.abandoned + self.balked + self.blocked + self.turned_away + self.no_show
    }
}

/// What one office measured in one replication.
///
/// Laid out for a city of hundreds of offices, where an office's statistics are rarely still
/// in cache when its next event comes: the first cache line holds what arrivals and counter
/// changes update, and a departure's fields (outcomes, wait, histogram header) follow at once,
/// so that with the busy-counter update every departure makes it touches three lines, an
/// arrival one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[repr(C, align(64))]
pub struct OfficeStats {
    /// Counted clients who arrived here (and stayed until served or left from here).
    pub arrived: u64,
    /// The most clients waiting (not in service) at once, from the warm-up on.
    pub max_queue: usize,
    /// Integral of busy counters over `[warm-up, horizon]` (counter-minutes).
    busy_area: f64,
    /// Integral of available counters: open counters, or those still serving after closing.
    available_area: f64,
    last_change: f64,
    busy: u32,
    open: u32,
    /// How they ended.
    pub outcomes: Outcomes,
    /// Waits of counted served clients.
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
}

impl OfficeStats {
    /// Brings the areas up to `t`, within the measured window `[warm-up, horizon]`: the same
    /// for every policy, so utilisations compare.
    fn advance(&mut self, t: f64, horizon: f64) {
        let t = t.min(horizon);
        if t > self.last_change {
            let dt = t - self.last_change;
            self.busy_area += f64::from(self.busy) * dt;
            self.available_area += f64::from(self.open.max(self.busy)) * dt;
            self.last_change = t;
        }
    }
}

/// What one service type measured in one replication.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ServiceStats {
    /// Counted clients of this type created.
    pub arrived: u64,
    /// How they ended.
    pub outcomes: Outcomes,
    /// Waits of those served.
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
}

/// What one zone measured in one replication.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ZoneStats {
    /// Counted clients who started from this zone.
    pub clients: u64,
    /// Waits of those served.
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
    /// Their travel times.
    pub travel: Accumulator,
}

/// Statistics of one replication. Clients created before the warm-up are simulated but not
/// counted; memory does not grow with the number of clients.
///
/// A wait is recorded once, at its office; the overall wait statistics are the offices'
/// merged when the run finishes (histograms merge exactly), and with a single service type
/// or a single zone its statistics are the overall ones, copied then. Without a geography
/// every travel time is zero, so travel is counted rather than recorded. Recording each wait in
/// four accumulators and four histograms was a fifth of a whole run's instructions. So the
/// overall, service and zone waits and travel are complete only after
/// [`Recorder::finished`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReplicationStats {
    /// Counted clients created.
    pub arrived: u64,
    /// How they ended.
    pub outcomes: Outcomes,
    /// Waits of counted served clients (arrival at the office to start of service).
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
    /// Wait plus service.
    pub sojourn: Accumulator,
    /// Decision to arrival at the office.
    pub travel: Accumulator,
    /// Its distribution.
    pub travel_hist: WaitHistogram,
    /// Counted served clients whose wait was within the target (when one is set).
    pub within_target: u64,
    /// Per office, by id.
    pub offices: Vec<OfficeStats>,
    /// Per service type, by id.
    pub services: Vec<ServiceStats>,
    /// Per zone, by id.
    pub zones: Vec<ZoneStats>,
    /// Appointments: lead times, no-shows, waits of booked clients and walk-ins.
    pub booking: BookingStats,
    /// The last service completion of any client, counted or not (minutes).
    pub last_departure: f64,
    /// When the run ended (the last event).
    pub end: f64,
    warmup: f64,
    horizon: f64,
    target: f64,
    /// Travel times can be positive (the model has a geography).
    travels: bool,
}

impl ReplicationStats {
    /// Empty statistics for a replication of `model`.
    pub fn new(model: &Model) -> Self {
        Self::with_warmup(model, model.run.warmup)
    }

    /// Empty statistics counting the clients created from `warmup` on (a warm-up chosen for
    /// this replication, as `warmup = "auto"` does).
    pub fn with_warmup(model: &Model, warmup: f64) -> Self {
        ReplicationStats {
            arrived: 0,
            outcomes: Outcomes::default(),
            wait: Accumulator::new(),
            wait_hist: WaitHistogram::new(),
            sojourn: Accumulator::new(),
            travel: Accumulator::new(),
            travel_hist: WaitHistogram::new(),
            within_target: 0,
            offices: model
                .offices
                .iter()
                .map(|_| OfficeStats {
                    arrived: 0,
                    outcomes: Outcomes::default(),
                    wait: Accumulator::new(),
                    wait_hist: WaitHistogram::new(),
                    max_queue: 0,
                    busy_area: 0.0,
                    available_area: 0.0,
                    busy: 0,
                    open: 0,
                    last_change: warmup,
                })
                .collect(),
            services: model.services.iter().map(|_| ServiceStats::default()).collect(),
            zones: model.zones.iter().map(|_| ZoneStats::default()).collect(),
            booking: BookingStats::new(model),
            last_departure: 0.0,
            end: 0.0,
            warmup,
            horizon: model.run.horizon,
            target: model.run.target.unwrap_or(f64::NAN),
            travels: model.geography.is_some(),
        }
    }

    /// Clients created before this time (minutes) are not counted.
    pub fn warmup(&self) -> f64 {
        self.warmup
    }

    fn counted(&self, client: &Client) -> bool {
        client.created >= self.warmup
    }

    /// Busy counter time over available counter time at office `i`, from the warm-up to the
    /// horizon: available counters are those open, or those still serving after closing.
    pub fn office_utilization(&self, i: usize) -> Option<f64> {
        let o = &self.offices[i];
        (o.available_area > 0.0).then(|| o.busy_area / o.available_area)
    }

    /// Busy counter time over available counter time, all offices together.
    pub fn utilization(&self) -> Option<f64> {
        let busy: f64 = self.offices.iter().map(|o| o.busy_area).sum();
        let available: f64 = self.offices.iter().map(|o| o.available_area).sum();
        (available > 0.0).then(|| busy / available)
    }

    /// Share of counted served clients whose wait was within the target; `None` without a
    /// target or without served clients.
    pub fn sla_share(&self) -> Option<f64> {
        (self.target.is_finite() && self.outcomes.served > 0)
            .then(|| self.within_target as f64 / self.outcomes.served as f64)
    }

    /// Counts an unserved end of a counted client, overall, at its office and for its service.
    fn ended(&mut self, client: &Client, office: Option<usize>, which: fn(&mut Outcomes) -> &mut u64) {
        if !self.counted(client) {
            return;
        }
        *which(&mut self.outcomes) += 1;
        *which(&mut self.services[client.service as usize].outcomes) += 1;
        if let Some(o) = office {
            *which(&mut self.offices[o].outcomes) += 1;
        }
    }
}

impl Recorder for ReplicationStats {
    #[inline]
    fn client_created(&mut self, _t: f64, client: &Client) {
        if self.counted(client) {
            self.arrived += 1;
            self.zones[client.zone as usize].clients += 1;
            self.services[client.service as usize].arrived += 1;
        }
    }

    #[inline]
    fn office_arrival(&mut self, _t: f64, office: usize, client: &Client) {
        if self.counted(client) {
            self.offices[office].arrived += 1;
        }
    }

    #[inline]
    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        if t >= self.warmup {
            let o = &mut self.offices[office];
            o.max_queue = o.max_queue.max(waiting);
        }
    }

    #[inline]
    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        let o = &mut self.offices[office];
        o.advance(t, self.horizon);
        o.busy = busy;
    }

    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        let o = &mut self.offices[office];
        o.advance(t, self.horizon);
        o.open = open;
    }

    #[inline]
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.last_departure = self.last_departure.max(t);
        if !self.counted(client) {
            return;
        }
        let wait = client.wait();
        let bucket = WaitHistogram::bucket_of(wait);
        self.outcomes.served += 1;
        self.sojourn.record(wait + client.duration);
        if wait <= self.target {
            self.within_target += 1;
        }
        let o = &mut self.offices[office];
        o.outcomes.served += 1;
        o.wait.record(wait);
        o.wait_hist.record_in(bucket, wait);
        let several = self.services.len() > 1;
        let s = &mut self.services[client.service as usize];
        s.outcomes.served += 1;
        if several {
            s.wait.record(wait);
            s.wait_hist.record_in(bucket, wait);
        }
        let travel = client.travel();
        debug_assert!(self.travels || travel == 0.0, "travel without a geography");
        if self.travels {
            self.travel.record(travel);
            self.travel_hist.record(travel);
        }
        if self.zones.len() > 1 {
            let z = &mut self.zones[client.zone as usize];
            z.wait.record(wait);
            z.wait_hist.record_in(bucket, wait);
            z.travel.record(travel);
        }
        self.booking.served(office, client, wait);
    }

    fn booked(&mut self, _t: f64, office: usize, client: &Client) {
        if self.counted(client) {
            self.booking.booked(office, client);
        }
    }

    fn no_show(&mut self, _t: f64, office: usize, client: &Client) {
        if self.counted(client) {
            self.booking.offices[office].no_shows += 1;
        }
        self.ended(client, None, |o| &mut o.no_show);
    }

    fn abandoned(&mut self, _t: f64, office: Option<usize>, client: &Client) {
        self.ended(client, office, |o| &mut o.abandoned);
    }

    fn balked(&mut self, _t: f64, office: Option<usize>, client: &Client) {
        self.ended(client, office, |o| &mut o.balked);
    }

    fn blocked(&mut self, _t: f64, office: usize, client: &Client) {
        self.ended(client, Some(office), |o| &mut o.blocked);
    }

    fn turned_away(&mut self, _t: f64, office: Option<usize>, client: &Client) {
        self.ended(client, office, |o| &mut o.turned_away);
    }

    fn finished(&mut self, t: f64) {
        self.end = t.max(self.warmup);
        for o in &mut self.offices {
            o.advance(self.end, self.horizon);
        }
        // What `departure` recorded once, completed (see the type's documentation). Every
        // statistic is rebuilt, not added to, so finishing twice changes nothing.
        self.wait = Accumulator::new();
        self.wait_hist = WaitHistogram::new();
        for o in &self.offices {
            self.wait.merge(&o.wait);
            self.wait_hist.merge(&o.wait_hist);
        }
        if !self.travels {
            self.travel = Accumulator::repeated(0.0, self.outcomes.served);
            self.travel_hist = WaitHistogram::new();
            self.travel_hist.record_repeated(0.0, self.outcomes.served);
        }
        if let [s] = &mut self.services[..] {
            s.wait = self.wait;
            s.wait_hist.clone_from(&self.wait_hist);
        }
        if let [z] = &mut self.zones[..] {
            z.wait = self.wait;
            z.wait_hist.clone_from(&self.wait_hist);
            z.travel = self.travel;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the type's documentation promises: arrivals and counter changes in the
    /// first line, a departure's fields right after, three lines in all.
    #[test]
    fn office_stats_lines() {
        assert_eq!(std::mem::align_of::<OfficeStats>(), 64);
        assert_eq!(std::mem::size_of::<OfficeStats>(), 192);
        assert_eq!(std::mem::offset_of!(OfficeStats, outcomes), 48);
    }
}
