//! The hours of the office day (`by_hour.csv`): per office and hour, the clients who arrived,
//! those served, their waits, and how long the office was open with how many counters, folded
//! over days and pooled over replications.
//!
//! A client belongs to the hour in which it arrived at the office (its wait starts then), on
//! whatever day: hour 9 collects 09:00–10:00 of every day. Open time is measured from the
//! warm-up to the horizon, like utilisation, so that `arrivals / open minutes` is the hour's
//! arrival rate while the office is open.
//!
//! Memory is `offices × 24` small cells (about 150 bytes each) whatever the horizon or the
//! number of clients, plus each cell's wait histogram ([`CompactHistogram`]: the buckets between
//! its shortest and longest wait), allocated only for hours in which some client is served: a
//! national scenario of 2,500 offices open 7 hours a day keeps some tens of megabytes per
//! replication in flight.

use super::{Accumulator, CompactHistogram};
use crate::engine::{Client, Recorder};
use crate::model::Model;

/// Hours in the office day.
pub const HOURS: usize = 24;

/// The hour of the day (0 to 23) of minute `t`.
#[inline]
fn hour_of(t: f64) -> usize {
    // Whole hours since time 0, then within the day: integer arithmetic, no `fmod`.
    ((t / 60.0) as u64 % HOURS as u64) as usize
}

/// One office and hour of one replication.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct HourCell {
    /// Counted clients who arrived at the office in this hour.
    pub arrivals: u64,
    /// Of them, those served.
    pub served: u64,
    /// Their waits.
    pub wait: Accumulator,
    /// Total service time of those served (minutes), for the hour's mean service time.
    pub service_minutes: f64,
    /// Minutes of this hour (over all days) during which the office had a counter open.
    pub open_minutes: f64,
    /// Counter-minutes open during this hour (over all days).
    pub counter_minutes: f64,
    /// Waits of those served.
    pub wait_hist: CompactHistogram,
}

/// Records one replication's cells; a [`Recorder`] run beside the statistics.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HourlyRecorder {
    /// `office * HOURS + hour`.
    cells: Vec<HourCell>,
    /// Open counters of each office and since when.
    open: Vec<(u32, f64)>,
    warmup: f64,
    horizon: f64,
}

impl HourlyRecorder {
    /// Empty cells for a replication of `model`.
    pub fn new(model: &Model) -> Self {
        Self::with_warmup(model, model.run.warmup)
    }

    /// Empty cells counting the clients created from `warmup` on (the one chosen for this
    /// replication, as `warmup = "auto"` does).
    pub fn with_warmup(model: &Model, warmup: f64) -> Self {
        let n = model.offices.len();
        HourlyRecorder {
            cells: vec![HourCell::default(); n * HOURS],
            open: vec![(0, warmup); n],
            warmup,
            horizon: model.run.horizon,
        }
    }

    /// The cells, office-major (`office * HOURS + hour`).
    pub fn cells(&self) -> &[HourCell] {
        &self.cells
    }

    /// Adds `office`'s open time from its last change to `t`, within `[warm-up, horizon]`,
    /// hour by hour.
    fn advance(&mut self, office: usize, t: f64) {
        let (open, since) = self.open[office];
        let end = t.min(self.horizon);
        let mut from = since.max(self.warmup);
        if open > 0 {
            while from < end {
                let hour_end = ((from / 60.0).floor() + 1.0) * 60.0;
                let to = hour_end.min(end);
                let cell = &mut self.cells[office * HOURS + hour_of(from)];
                cell.open_minutes += to - from;
                cell.counter_minutes += f64::from(open) * (to - from);
                from = to;
            }
        }
        self.open[office].1 = t.max(since);
    }
}

impl Recorder for HourlyRecorder {
    #[inline]
    fn office_arrival(&mut self, _t: f64, office: usize, client: &Client) {
        // Its arrival, not `t`: a client of the pooled queue is told to an office only when a
        // counter there calls it.
        if client.created >= self.warmup {
            self.cells[office * HOURS + hour_of(client.arrived)].arrivals += 1;
        }
    }

    fn counters_changed(&mut self, t: f64, office: usize, open: u32) {
        self.advance(office, t);
        self.open[office].0 = open;
    }

    #[inline]
    fn departure(&mut self, _t: f64, office: usize, client: &Client) {
        if client.created < self.warmup {
            return;
        }
        let cell = &mut self.cells[office * HOURS + hour_of(client.arrived)];
        let wait = client.wait();
        cell.served += 1;
        cell.wait.record(wait);
        cell.wait_hist.record(wait);
        cell.service_minutes += client.duration;
    }

    fn finished(&mut self, t: f64) {
        for office in 0..self.open.len() {
            self.advance(office, t.max(self.horizon));
        }
    }
}

/// One office and hour, pooled over a policy's replications.
#[derive(Debug, Clone, Default)]
pub struct HourTotals {
    /// Counted clients who arrived at the office in this hour, over all replications.
    pub arrivals: u64,
    /// Of them, those served.
    pub served: u64,
    /// One value per replication that served someone in this hour: its mean wait.
    pub wait_means: Accumulator,
    /// Total service time of those served (minutes).
    pub service_minutes: f64,
    /// Minutes open in this hour, over all days and replications.
    pub open_minutes: f64,
    /// Counter-minutes open in this hour, over all days and replications.
    pub counter_minutes: f64,
    /// Waits of the served, pooled.
    pub wait_hist: CompactHistogram,
}

impl HourTotals {
    /// Clients per minute arriving while the office is open in this hour; `None` if it never
    /// was.
    pub fn rate(&self) -> Option<f64> {
        (self.open_minutes > 0.0).then(|| self.arrivals as f64 / self.open_minutes)
    }

    /// Mean service time of those served in this hour (minutes).
    pub fn mean_service(&self) -> Option<f64> {
        (self.served > 0).then(|| self.service_minutes / self.served as f64)
    }

    /// Time-average counters open while the office is open in this hour.
    pub fn counters_open(&self) -> Option<f64> {
        (self.open_minutes > 0.0).then(|| self.counter_minutes / self.open_minutes)
    }
}

/// The hours of every office of one policy, folded in replication order.
#[derive(Debug, Clone)]
pub struct HourlyTotals {
    /// `office * HOURS + hour`.
    pub cells: Vec<HourTotals>,
}

impl HourlyTotals {
    /// Empty totals for `model`'s offices.
    pub fn new(model: &Model) -> Self {
        HourlyTotals {
            cells: vec![HourTotals::default(); model.offices.len() * HOURS],
        }
    }

    /// Adds one replication.
    pub fn absorb(&mut self, r: &HourlyRecorder) {
        for (t, c) in self.cells.iter_mut().zip(&r.cells) {
            t.arrivals += c.arrivals;
            t.served += c.served;
            if let Some(m) = c.wait.mean() {
                t.wait_means.record(m);
            }
            t.service_minutes += c.service_minutes;
            t.open_minutes += c.open_minutes;
            t.counter_minutes += c.counter_minutes;
            t.wait_hist.merge(&c.wait_hist);
        }
    }

    /// The cell of `office` and `hour`.
    pub fn cell(&self, office: usize, hour: usize) -> &HourTotals {
        &self.cells[office * HOURS + hour]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DAY;

    #[test]
    fn hours_of_the_day() {
        assert_eq!(hour_of(0.0), 0);
        assert_eq!(hour_of(59.999), 0);
        assert_eq!(hour_of(60.0), 1);
        assert_eq!(hour_of(DAY + 8.5 * 60.0), 8);
        assert_eq!(hour_of(DAY - 1e-9), 23);
    }

    /// Open time is split at hour boundaries and cut at the warm-up and the horizon.
    #[test]
    fn open_time_by_hour() {
        let model = crate::scenario::load(
            "[run]\nhorizon = 600\nwarmup = 30\n[arrivals]\nrate = 1\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1 }\n[[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n",
        )
        .unwrap();
        let mut r = HourlyRecorder::new(&model);
        r.counters_changed(0.0, 0, 2);
        r.counters_changed(90.0, 0, 0);
        r.counters_changed(500.0, 0, 1);
        r.finished(700.0);
        let cells = r.cells();
        assert_eq!(cells[0].open_minutes, 30.0);
        assert_eq!(cells[0].counter_minutes, 60.0);
        assert_eq!(cells[1].open_minutes, 30.0);
        assert_eq!(cells[8].open_minutes, 40.0);
        assert_eq!(cells[9].open_minutes, 60.0);
        assert_eq!(cells[10].open_minutes, 0.0);
    }
}
