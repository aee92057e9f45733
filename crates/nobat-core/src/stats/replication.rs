//! [`ReplicationStats`]: everything measured in one replication, recorded as events happen.

use super::{Accumulator, WaitHistogram};
use crate::engine::{Client, Recorder};
use crate::model::Model;

/// What one office measured in one replication.
#[derive(Debug, Clone)]
pub struct OfficeStats {
    /// Counted clients who arrived here.
    pub arrived: u64,
    /// Counted clients served here.
    pub served: u64,
    /// Waits of counted served clients.
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
    /// The most clients waiting (not in service) at once, from the warm-up on.
    pub max_queue: usize,
    /// Integral of busy counters over time from the warm-up on (counter-minutes).
    busy_area: f64,
    busy: u32,
    last_change: f64,
    counters: u32,
}

/// What one service type measured in one replication.
#[derive(Debug, Clone, Default)]
pub struct ServiceStats {
    /// Counted clients of this type served.
    pub served: u64,
    /// Their waits.
    pub wait: Accumulator,
    /// Their distribution.
    pub wait_hist: WaitHistogram,
}

/// What one zone measured in one replication.
#[derive(Debug, Clone, Default)]
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
#[derive(Debug, Clone)]
pub struct ReplicationStats {
    /// Counted clients created.
    pub arrived: u64,
    /// Counted clients served.
    pub served: u64,
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
    /// The last service completion of any client, counted or not (minutes).
    pub last_departure: f64,
    /// When the run ended (the last event).
    pub end: f64,
    warmup: f64,
    target: f64,
}

impl ReplicationStats {
    /// Empty statistics for a replication of `model`.
    pub fn new(model: &Model) -> Self {
        ReplicationStats {
            arrived: 0,
            served: 0,
            wait: Accumulator::new(),
            wait_hist: WaitHistogram::new(),
            sojourn: Accumulator::new(),
            travel: Accumulator::new(),
            travel_hist: WaitHistogram::new(),
            within_target: 0,
            offices: model
                .offices
                .iter()
                .map(|o| OfficeStats {
                    arrived: 0,
                    served: 0,
                    wait: Accumulator::new(),
                    wait_hist: WaitHistogram::new(),
                    max_queue: 0,
                    busy_area: 0.0,
                    busy: 0,
                    last_change: model.run.warmup,
                    counters: o.counters,
                })
                .collect(),
            services: model.services.iter().map(|_| ServiceStats::default()).collect(),
            zones: model.zones.iter().map(|_| ZoneStats::default()).collect(),
            last_departure: 0.0,
            end: 0.0,
            warmup: model.run.warmup,
            target: model.run.target.unwrap_or(f64::NAN),
        }
    }

    fn counted(&self, client: &Client) -> bool {
        client.created >= self.warmup
    }

    /// The observed window for utilisation: from the warm-up to the end of the run.
    fn window(&self) -> f64 {
        self.end - self.warmup
    }

    /// Busy counter time over available counter time at office `i`, from the warm-up to the end.
    pub fn office_utilization(&self, i: usize) -> Option<f64> {
        let o = &self.offices[i];
        let w = self.window();
        (w > 0.0).then(|| o.busy_area / (f64::from(o.counters) * w))
    }

    /// Busy counter time over available counter time, all offices together.
    pub fn utilization(&self) -> Option<f64> {
        let w = self.window();
        let busy: f64 = self.offices.iter().map(|o| o.busy_area).sum();
        let counters: f64 = self.offices.iter().map(|o| f64::from(o.counters)).sum();
        (w > 0.0).then(|| busy / (counters * w))
    }

    /// Share of counted served clients whose wait was within the target; `None` without a
    /// target or without served clients.
    pub fn sla_share(&self) -> Option<f64> {
        (self.target.is_finite() && self.served > 0).then(|| self.within_target as f64 / self.served as f64)
    }
}

impl Recorder for ReplicationStats {
    #[inline]
    fn client_created(&mut self, _t: f64, client: &Client) {
        if self.counted(client) {
            self.arrived += 1;
            self.zones[client.zone as usize].clients += 1;
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
        if t > o.last_change {
            o.busy_area += f64::from(o.busy) * (t - o.last_change);
            o.last_change = t;
        }
        o.busy = busy;
    }

    #[inline]
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.last_departure = self.last_departure.max(t);
        if !self.counted(client) {
            return;
        }
        let wait = client.wait();
        let bucket = WaitHistogram::bucket_of(wait);
        self.served += 1;
        self.wait.record(wait);
        self.wait_hist.record_in(bucket, wait);
        let travel = client.travel();
        self.sojourn.record(wait + client.duration);
        self.travel.record(travel);
        self.travel_hist.record(travel);
        if wait <= self.target {
            self.within_target += 1;
        }
        let o = &mut self.offices[office];
        o.served += 1;
        o.wait.record(wait);
        o.wait_hist.record_in(bucket, wait);
        let s = &mut self.services[client.service as usize];
        s.served += 1;
        s.wait.record(wait);
        s.wait_hist.record_in(bucket, wait);
        let z = &mut self.zones[client.zone as usize];
        z.wait.record(wait);
        z.wait_hist.record_in(bucket, wait);
        z.travel.record(travel);
    }

    fn finished(&mut self, t: f64) {
        self.end = t.max(self.warmup);
        for o in &mut self.offices {
            if self.end > o.last_change {
                o.busy_area += f64::from(o.busy) * (self.end - o.last_change);
                o.last_change = self.end;
            }
        }
    }
}
