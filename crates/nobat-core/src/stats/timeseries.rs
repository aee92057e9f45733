//! Time series of the office day: clients waiting and counters busy per office, as the
//! time-average over each sampling interval (`[run] sample`, default 15 minutes), folded by
//! time of day and averaged over days and replications.
//!
//! "Averaged" means the exact time-average of the piecewise-constant level over the interval,
//! not a point sample at its start: a queue that builds for five minutes and clears shows in
//! its interval even if it is empty at every sampling instant. For a multi-day run, interval
//! `b` of the day collects `[b·sample, (b+1)·sample)` of every day (the office day is the time
//! axis), so the value is the mean level at that time of day over days and replications.
//!
//! The window is `[warm-up, end]` for every replication and policy, where `end` is the latest
//! end of any replication (the last departure, at least the horizon): after a replication's own
//! end nobody is waiting or served, so it contributes zeros there rather than dropping out.
//!
//! Memory is `offices × intervals per day` whatever the horizon and the number of clients, and
//! recording allocates nothing per event: a level change adds the area since the previous change
//! to a running sum, flushed into its interval only when an interval boundary is crossed.

use crate::engine::Recorder;
use crate::model::Model;

/// Minutes in the office day the series is folded over.
pub const DAY: f64 = 1440.0;

/// The levels of one office and the area accumulated in the current interval.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Track {
    /// Time the running areas reach.
    last: f64,
    /// End of the current interval (absolute minutes).
    boundary: f64,
    /// Start of the current day (absolute minutes).
    day_start: f64,
    /// The current interval's index within the day.
    bin: u32,
    waiting: u32,
    busy: u32,
    /// Area of waiting clients and of busy counters since the interval's start.
    area: [f64; 2],
}

/// The intervals of the office day for a sampling interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DayBins {
    /// The sampling interval (minutes).
    pub sample: f64,
    /// Intervals per day; the last is shorter when `sample` does not divide a day.
    pub count: usize,
}

impl DayBins {
    /// The intervals for `sample` minutes (0 < sample <= a day).
    pub fn new(sample: f64) -> Self {
        DayBins {
            sample,
            count: (DAY / sample).ceil() as usize,
        }
    }

    /// Start and end of interval `b` within the day (minutes after 00:00).
    pub fn span(&self, b: usize) -> (f64, f64) {
        (b as f64 * self.sample, ((b + 1) as f64 * self.sample).min(DAY))
    }

    /// Where `t` falls: the day's start and the interval's index.
    fn locate(&self, t: f64) -> (f64, u32) {
        let day_start = (t / DAY).floor() * DAY;
        let bin = (((t - day_start) / self.sample) as usize).min(self.count - 1);
        (day_start, bin as u32)
    }

    /// Minutes of `[from, to]` that fall in interval `b` of any day.
    pub fn exposure(&self, b: usize, from: f64, to: f64) -> f64 {
        let (lo, hi) = self.span(b);
        let mut total = 0.0;
        let mut day = (from / DAY).floor();
        while day * DAY < to {
            let start = (day * DAY + lo).max(from);
            let end = (day * DAY + hi).min(to);
            if end > start {
                total += end - start;
            }
            day += 1.0;
        }
        total
    }
}

/// Records one replication's areas per office and interval; a [`Recorder`] run beside the
/// statistics.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TimeSeriesRecorder {
    bins: DayBins,
    tracks: Vec<Track>,
    /// `[waiting, busy]` areas (level × minutes), office-major: `office * bins.count + b`.
    areas: Vec<[f64; 2]>,
    horizon: f64,
    /// Where its window starts: the replication's warm-up.
    start: f64,
    end: f64,
}

impl TimeSeriesRecorder {
    /// An empty recorder for a replication of `model`, measuring from its warm-up.
    pub fn new(model: &Model) -> Self {
        Self::with_warmup(model, model.run.warmup)
    }

    /// An empty recorder measuring from `warmup` (the one chosen for this replication, as
    /// `warmup = "auto"` does).
    pub fn with_warmup(model: &Model, warmup: f64) -> Self {
        let bins = DayBins::new(model.run.sample);
        let start = warmup;
        let (day_start, bin) = bins.locate(start);
        let track = Track {
            last: start,
            boundary: day_start + bins.span(bin as usize).1,
            day_start,
            bin,
            waiting: 0,
            busy: 0,
            area: [0.0; 2],
        };
        TimeSeriesRecorder {
            bins,
            tracks: vec![track; model.offices.len()],
            areas: vec![[0.0; 2]; model.offices.len() * bins.count],
            horizon: model.run.horizon,
            start,
            end: start,
        }
    }

    /// Brings `office`'s areas up to `t` at its current levels, flushing every interval
    /// boundary crossed. Times before the warm-up (or already covered) add nothing.
    #[inline]
    fn advance(&mut self, office: usize, t: f64) {
        let tr = &mut self.tracks[office];
        if t <= tr.last {
            return;
        }
        let levels = [f64::from(tr.waiting), f64::from(tr.busy)];
        while t >= tr.boundary {
            let dt = tr.boundary - tr.last;
            let slot = &mut self.areas[office * self.bins.count + tr.bin as usize];
            slot[0] += tr.area[0] + levels[0] * dt;
            slot[1] += tr.area[1] + levels[1] * dt;
            tr.area = [0.0; 2];
            tr.last = tr.boundary;
            tr.bin += 1;
            if tr.bin as usize == self.bins.count {
                tr.bin = 0;
                tr.day_start += DAY;
            }
            tr.boundary = tr.day_start + self.bins.span(tr.bin as usize).1;
        }
        let dt = t - tr.last;
        tr.area[0] += levels[0] * dt;
        tr.area[1] += levels[1] * dt;
        tr.last = t;
    }
}

impl Recorder for TimeSeriesRecorder {
    #[inline]
    fn queue_changed(&mut self, t: f64, office: usize, waiting: usize) {
        self.advance(office, t);
        self.tracks[office].waiting = waiting as u32;
    }

    #[inline]
    fn busy_changed(&mut self, t: f64, office: usize, busy: u32) {
        self.advance(office, t);
        self.tracks[office].busy = busy;
    }

    fn finished(&mut self, _t: f64) {
        // The end is the last change of any level (then nobody is left), at least the horizon;
        // not the last event, which may be an office opening the next morning for nobody.
        let end = self.tracks.iter().map(|t| t.last).fold(self.horizon, f64::max);
        for office in 0..self.tracks.len() {
            self.advance(office, end);
            let tr = self.tracks[office];
            let slot = &mut self.areas[office * self.bins.count + tr.bin as usize];
            slot[0] += tr.area[0];
            slot[1] += tr.area[1];
            self.tracks[office].area = [0.0; 2];
        }
        self.end = self.end.max(end);
    }
}

/// The areas of one policy summed over its replications, folded in replication order so that
/// the sums are the same whatever thread ran which replication.
#[derive(Debug, Clone)]
pub struct TimeSeries {
    bins: DayBins,
    offices: usize,
    areas: Vec<[f64; 2]>,
    replications: u32,
    start: f64,
    end: f64,
    /// Per interval of the day: minutes between `start` and a later warm-up of a replication,
    /// summed over replications (all zero unless `warmup = "auto"` chose a warm-up).
    late: Vec<f64>,
}

/// The time-average levels of one office in one interval of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Start of the interval (minutes after 00:00 of the office day).
    pub time: f64,
    /// Mean clients waiting (not in service).
    pub waiting: f64,
    /// Mean counters busy.
    pub busy: f64,
}

impl TimeSeries {
    /// An empty series for `model`'s offices and sampling interval.
    pub fn new(model: &Model) -> Self {
        let bins = DayBins::new(model.run.sample);
        TimeSeries {
            bins,
            offices: model.offices.len(),
            areas: vec![[0.0; 2]; model.offices.len() * bins.count],
            replications: 0,
            start: model.run.warmup,
            end: model.run.warmup,
            late: vec![0.0; bins.count],
        }
    }

    /// Adds one replication's areas.
    pub fn absorb(&mut self, r: &TimeSeriesRecorder) {
        for (a, b) in self.areas.iter_mut().zip(&r.areas) {
            a[0] += b[0];
            a[1] += b[1];
        }
        self.replications += 1;
        self.end = self.end.max(r.end);
        // A replication whose warm-up ends after the common start (`warmup = "auto"`) was not
        // watched before it: its interval minutes in between are no exposure.
        if r.start > self.start {
            for (b, late) in self.late.iter_mut().enumerate() {
                *late += self.bins.exposure(b, self.start, r.start);
            }
        }
    }

    /// The latest end of any replication absorbed (minutes).
    pub fn end(&self) -> f64 {
        self.end
    }

    /// The intervals of the day.
    pub fn bins(&self) -> DayBins {
        self.bins
    }

    /// `office`'s time-average levels per interval of the day over `[warm-up, end]` of every
    /// replication (pass the latest [`end`](Self::end) of all policies so that they share one
    /// window); intervals the window never reaches are left out.
    ///
    /// The window's end is rounded up to the end of its interval: nothing happens after the
    /// end, so the last interval's average is over the whole interval, like the others.
    pub fn samples(&self, office: usize, end: f64) -> Vec<Sample> {
        assert!(office < self.offices, "office {office} out of range");
        let (day_start, bin) = self.bins.locate(end);
        let (lo, hi) = self.bins.span(bin as usize);
        let end = if end > day_start + lo { day_start + hi } else { end };
        (0..self.bins.count)
            .filter_map(|b| {
                let exposure = self.bins.exposure(b, self.start, end) * f64::from(self.replications) - self.late[b];
                (exposure > 0.0).then(|| {
                    let [w, s] = self.areas[office * self.bins.count + b];
                    Sample {
                        time: self.bins.span(b).0,
                        waiting: w / exposure,
                        busy: s / exposure,
                    }
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{run_replication, PolicySetup};
    use crate::scenario;

    /// One counter, a client every 10 minutes from 08:10 to 08:30 on day one (regular arrivals,
    /// 3.5 expected in 08:05-08:40), 15 minutes of service each: the levels are known exactly.
    fn deterministic(horizon: &str, warmup: &str) -> Model {
        scenario::load(&format!(
            r#"
            [run]
            horizon = "{horizon}"
            warmup = "{warmup}"
            sample = "10min"
            [arrivals]
            process = "regular"
            schedule = [ {{ from = "08:05", to = "08:40", per_hour = 6 }} ]
            [[service]]
            name = "s"
            duration = {{ dist = "deterministic", value = 15 }}
            [[office]]
            name = "A"
            [[policy]]
            kind = "random"
            "#
        ))
        .unwrap()
    }

    fn series(model: &Model, replications: u32) -> TimeSeries {
        let mut total = TimeSeries::new(model);
        for r in 0..replications {
            let setup = PolicySetup::from_spec(model, &model.policies[0]);
            let mut policy = model.policies[0].kind.build(model);
            let mut recorder = TimeSeriesRecorder::new(model);
            run_replication(model, r, 1, &setup, &mut policy, &mut recorder).unwrap();
            total.absorb(&recorder);
        }
        total
    }

    /// (start, waiting, busy) of the intervals from 08:00 to 09:00.
    fn morning(t: &TimeSeries, end: f64) -> Vec<(f64, f64, f64)> {
        t.samples(0, end)
            .into_iter()
            .filter(|s| (480.0..540.0).contains(&s.time))
            .map(|s| (s.time, s.waiting, s.busy))
            .collect()
    }

    /// Clients arrive at 08:10, 08:20 and 08:30; served 08:10-08:25, 08:25-08:40, 08:40-08:55.
    /// Waiting: 08:20-08:25 and 08:30-08:40. The window ends at the horizon, 09:00.
    const EXPECTED: [(f64, f64, f64); 6] = [
        (480.0, 0.0, 0.0),
        (490.0, 0.0, 1.0),
        (500.0, 0.5, 1.0),
        (510.0, 1.0, 1.0),
        (520.0, 0.0, 1.0),
        (530.0, 0.0, 0.5),
    ];

    #[test]
    fn time_averages_are_exact() {
        let model = deterministic("09:00", "0");
        let t = series(&model, 3);
        assert_eq!(t.end(), 540.0);
        let got = morning(&t, t.end());
        assert_eq!(got, EXPECTED.to_vec());
        assert_eq!(t.samples(0, t.end()).len(), 54, "00:00 to 09:00");
    }

    #[test]
    fn days_fold_onto_the_office_day() {
        // Day two's clients come at 08:05, 08:15, 08:25 and 08:35 (the regular process
        // continues from 3.5 expected arrivals: the one due at 08:40, the window's end, is day
        // two's first): served 08:05-08:20, 08:20-08:35, 08:35-08:50, 08:50-09:05, waiting
        // 08:15-08:20, 08:25-08:35 and 08:35-08:50. Measured from 04:00 of day one, each
        // morning interval is the mean of the two days.
        let day_two = [
            (480.0, 0.0, 0.5),
            (490.0, 0.5, 1.0),
            (500.0, 0.5, 1.0),
            (510.0, 1.0, 1.0),
            (520.0, 1.0, 1.0),
            (530.0, 0.0, 1.0),
        ];
        let model = deterministic("33h", "04:00");
        let t = series(&model, 2);
        let want: Vec<_> = EXPECTED
            .iter()
            .zip(day_two)
            .map(|(a, b)| (a.0, (a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0))
            .collect();
        assert_eq!(morning(&t, t.end()), want);
        // Intervals before the warm-up on day one are measured on day two only, still there.
        assert_eq!(t.samples(0, t.end()).len(), DayBins::new(10.0).count);
    }

    #[test]
    fn the_last_interval_is_averaged_whole() {
        // With the horizon at 08:35, the run ends with the last departure, at 08:55.
        let model = deterministic("08:35", "0");
        let t = series(&model, 1);
        assert_eq!(t.end(), 535.0);
        // 08:50-09:00 is busy 5 of its 10 minutes, though the run ended at 08:55.
        assert_eq!(morning(&t, t.end()), EXPECTED.to_vec());
    }

    #[test]
    fn exposure_counts_each_day() {
        let bins = DayBins::new(15.0);
        assert_eq!(bins.count, 96);
        assert_eq!(bins.exposure(0, 0.0, 2.0 * DAY), 30.0);
        assert_eq!(bins.exposure(0, 5.0, DAY + 10.0), 20.0);
        assert_eq!(bins.exposure(95, 0.0, DAY), 15.0);
        // A sample that does not divide the day: the last interval is short.
        let odd = DayBins::new(700.0);
        assert_eq!(odd.count, 3);
        assert_eq!(odd.span(2), (1400.0, DAY));
    }
}
