//! The CSV reports of design.md: one `Serialize` row type per file, built from an
//! [`ExperimentResult`], written to any `io::Write` (only the CLI opens files).
//!
//! Conventions: times are minutes; counts are totals over all replications; every mean is the
//! mean over replications of each replication's value, with `*_ci95` the half-width of its 95%
//! Student-t interval; quantiles and maxima pool the clients of all replications. A value that
//! does not exist (no served client, a single replication for an interval, no target) is an
//! empty cell. Numbers are written with at most 6 decimals, so files are byte-identical for the
//! same scenario and seed.

use crate::experiment::{ExperimentResult, PolicyResult, ReplicationSummary};
use crate::model::Model;
use crate::sizing::erlang::counters_for_wait_quantile;
use crate::stats::{mean_and_half_width, student_t_975, weighted_gini, HOURS};
use serde::{Serialize, Serializer};
use std::io;

/// A number cell: at most 6 decimals, trailing zeros trimmed, empty when absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub Option<f64>);

impl Num {
    /// The cell's text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }

    /// Appends the cell's text to `out`: a writer of many rows reuses one buffer instead of
    /// allocating a string per cell.
    pub fn write_to(&self, out: &mut String) {
        use std::fmt::Write;
        let Some(x) = self.0.filter(|x| x.is_finite()) else {
            return;
        };
        let start = out.len();
        // Writing to a String cannot fail.
        let _ = write!(out, "{x:.6}");
        let kept = out[start..].trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(start + kept);
        if &out[start..] == "-0" {
            out.truncate(start);
            out.push('0');
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// A row of `summary.csv`: one per policy.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    /// The policy's name.
    pub policy: String,
    /// Replications run.
    pub replications: u32,
    /// Counted clients who arrived (after the warm-up), over all replications.
    pub arrived: u64,
    /// Counted clients served, over all replications.
    pub served: u64,
    /// Clients who gave up waiting.
    pub abandoned: u64,
    /// Clients refused by a full office.
    pub blocked: u64,
    /// Mean wait (minutes).
    pub wait_mean: Num,
    /// Half-width of the 95% Student-t interval of the mean wait across replications.
    pub wait_mean_ci95: Num,
    /// Median wait, pooled over replications.
    pub wait_p50: Num,
    /// 90th percentile of the wait, pooled over replications.
    pub wait_p90: Num,
    /// 95th percentile of the wait, pooled over replications.
    pub wait_p95: Num,
    /// 99th percentile of the wait, pooled over replications.
    pub wait_p99: Num,
    /// Longest wait.
    pub wait_max: Num,
    /// Mean wait plus service.
    pub sojourn_mean: Num,
    /// Mean travel time.
    pub travel_mean: Num,
    /// Busy counter time over available counter time, from the warm-up to the horizon.
    pub utilization: Num,
    /// Share of served clients whose wait is within the scenario's target.
    pub sla_share: Num,
    /// The highest 90th percentile of the wait of any office.
    pub wait_p90_worst_office: Num,
    /// Gini coefficient of the offices' mean waits, weighted by clients served.
    pub wait_mean_gini: Num,
    /// 90th percentile of the travel time, pooled over replications.
    pub travel_p90: Num,
    /// Counted clients who left at once on finding a long queue.
    pub balked: u64,
    /// Counted clients sent home (at closing, after closing, or with no open office).
    pub turned_away: u64,
    /// Mean lead time of booked clients: from asking to the start of the slot (minutes).
    pub lead_time_mean: Num,
    /// 90th percentile of the lead time, pooled over replications.
    pub lead_time_p90: Num,
    /// Counted clients given a slot.
    pub booked: u64,
    /// Counted booked clients who did not come.
    pub no_shows: u64,
    /// Mean wait of served booked clients.
    pub wait_mean_booked: Num,
    /// Mean wait of served walk-ins (empty in a scenario without bookings).
    pub wait_mean_walkin: Num,
    /// Counter time idle while available (open, or serving after closing), from the warm-up
    /// to the horizon: one minus `utilization`.
    pub idle_share: Num,
    /// The warm-up (minutes): the scenario's, or with `warmup = "auto"` the mean over
    /// replications of the one MSER-5 chose for each (`replications.csv` has each).
    pub warmup: Num,
    /// With `--precision`: `true` when this policy's `wait_mean_ci95 / wait_mean` met the
    /// request, `false` when the replication cap was reached first; empty without a request.
    pub precision_met: String,
}

/// A row of `by_zone.csv`: one per policy and zone.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneRow {
    /// The policy's name.
    pub policy: String,
    /// The zone's name.
    pub zone: String,
    /// Counted clients who started from the zone, over all replications.
    pub clients: u64,
    /// Mean wait (minutes).
    pub wait_mean: Num,
    /// 90th percentile of the wait, pooled over replications.
    pub wait_p90: Num,
    /// Mean travel time (minutes).
    pub travel_mean: Num,
}

/// A row of `by_service.csv`: one per policy and service type.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    /// The policy's name.
    pub policy: String,
    /// The service type's name.
    pub service: String,
    /// Counted clients served, over all replications.
    pub served: u64,
    /// Mean wait (minutes).
    pub wait_mean: Num,
    /// Half-width of the 95% Student-t interval of the mean wait across replications.
    pub wait_mean_ci95: Num,
    /// 90th percentile of the wait, pooled over replications.
    pub wait_p90: Num,
    /// Counted clients of this service who reneged.
    pub abandoned: u64,
    /// Counted clients of this service who balked.
    pub balked: u64,
    /// Counted clients of this service who were blocked.
    pub blocked: u64,
    /// Counted clients of this service who were turned away.
    pub turned_away: u64,
    /// Counted clients of this service who booked and did not come.
    pub no_shows: u64,
    /// Counted clients of this service who arrived (the sum of the six outcomes).
    pub arrived: u64,
}

/// A row of `offices.csv`: one per policy and office.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeRow {
    /// The policy's name.
    pub policy: String,
    /// The office's name.
    pub office: String,
    /// Counted clients who arrived (after the warm-up), over all replications.
    pub arrived: u64,
    /// Counted clients served, over all replications.
    pub served: u64,
    /// Mean wait (minutes).
    pub wait_mean: Num,
    /// 90th percentile of the wait, pooled over replications.
    pub wait_p90: Num,
    /// Busy counter time over available counter time, from the warm-up to the horizon.
    pub utilization: Num,
    /// The most clients waiting at once in any replication.
    pub max_queue: usize,
    /// Counted clients who reneged here.
    pub abandoned: u64,
    /// Counted clients who balked here.
    pub balked: u64,
    /// Counted clients blocked here (office full).
    pub blocked: u64,
    /// Counted clients turned away here (at or after closing).
    pub turned_away: u64,
    /// Counted clients given a slot here.
    pub booked: u64,
    /// Of them, those who did not come (not in `arrived`: they never came).
    pub no_shows: u64,
    /// Mean wait of booked clients served here.
    pub wait_mean_booked: Num,
    /// Mean wait of walk-ins served here (empty without bookings).
    pub wait_mean_walkin: Num,
    /// Counter time idle while available, from the warm-up to the horizon.
    pub idle_share: Num,
}

/// A row of `replications.csv`: one per policy and replication.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicationRow {
    /// The policy's name.
    pub policy: String,
    /// Replication index, from 0.
    pub replication: u32,
    /// The replication's seed.
    pub seed: u64,
    /// Counted clients who arrived (after the warm-up) in this replication.
    pub arrived: u64,
    /// Counted clients served in this replication.
    pub served: u64,
    /// Clients who gave up waiting.
    pub abandoned: u64,
    /// Clients refused by a full office.
    pub blocked: u64,
    /// Mean wait in this replication (minutes).
    pub wait_mean: Num,
    /// 90th percentile of the wait in this replication.
    pub wait_p90: Num,
    /// Busy counter time over counter time in this replication.
    pub utilization: Num,
    /// The last service completion (minutes).
    pub last_departure: Num,
    /// Counted clients who balked in this replication.
    pub balked: u64,
    /// Counted clients turned away in this replication.
    pub turned_away: u64,
    /// Counted booked clients who did not come in this replication.
    pub no_shows: u64,
    /// Clients created before this time were not counted: the scenario's warm-up, or the one
    /// `warmup = "auto"` chose for this replication (minutes).
    pub warmup: Num,
}

/// A row of `comparison.csv`: each policy against the first, paired by replication.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonRow {
    /// The policy's name.
    pub policy: String,
    /// The first policy of the scenario.
    pub baseline: String,
    /// Mean over replications of (this mean wait - baseline mean wait).
    pub wait_mean_diff: Num,
    /// Half-width of its 95% Student-t interval.
    pub wait_mean_diff_ci95: Num,
}

/// A row of `timeseries.csv`: one per policy, office and interval of the office day.
#[derive(Debug, Clone, Serialize)]
pub struct TimeSeriesRow {
    /// The policy's name.
    pub policy: String,
    /// The office's name.
    pub office: String,
    /// Start of the interval, minutes after 00:00 of the office day.
    pub time: Num,
    /// The same as a clock time, `"08:15"`.
    pub clock: String,
    /// Time-average number of clients waiting (not in service) over the interval, averaged over
    /// days and replications.
    pub waiting: Num,
    /// Time-average number of busy counters over the interval, likewise.
    pub busy: Num,
}

/// A row of `by_hour.csv`: one per policy, office and hour of the office day in which the
/// office was open or someone arrived.
#[derive(Debug, Clone, Serialize)]
pub struct HourRow {
    /// The policy's name.
    pub policy: String,
    /// The office's name.
    pub office: String,
    /// The hour of the day, 0 to 23 (hour 9 is 09:00–10:00 of every day).
    pub hour: u32,
    /// The hour's start as a clock, `"09:00"`.
    pub clock: String,
    /// Counted clients who arrived at the office in this hour, over all days and replications.
    pub arrivals: u64,
    /// Of them, those served.
    pub served: u64,
    /// Mean wait of those served (the mean over replications of each replication's mean).
    pub wait_mean: Num,
    /// Half-width of its 95% Student-t interval across replications.
    pub wait_mean_ci95: Num,
    /// 90th percentile of their waits, pooled over replications.
    pub wait_p90: Num,
    /// Clients per hour arriving while the office is open in this hour.
    pub per_hour: Num,
    /// Time-average counters open while the office is open in this hour.
    pub counters_open: Num,
    /// The fewest counters an M/M/c queue at this hour's arrival rate and mean service time
    /// needs for its 90th-percentile wait to be within `run.target` (Erlang C); empty without a
    /// target or without a served client to measure the service time.
    pub counters_needed: Option<u32>,
}

/// A time of day as a clock, `"08:15"` (with seconds when it has some).
pub fn clock(minutes: f64) -> String {
    let seconds = (minutes * 60.0).round() as u64;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Mean over replications of a per-replication value, skipping replications without one.
fn across(reps: &[ReplicationSummary], value: impl Fn(&ReplicationSummary) -> Option<f64>) -> (Num, Num) {
    let xs: Vec<f64> = reps.iter().filter_map(value).collect();
    let (m, h) = mean_and_half_width(&xs);
    (Num(m), Num(h))
}

/// All the reports of a run, ready to write.
#[derive(Debug, Clone)]
pub struct Report {
    /// `summary.csv`.
    pub summary: Vec<SummaryRow>,
    /// `by_service.csv`.
    pub by_service: Vec<ServiceRow>,
    /// `offices.csv`.
    pub offices: Vec<OfficeRow>,
    /// `replications.csv`.
    pub replications: Vec<ReplicationRow>,
    /// `comparison.csv`.
    pub comparison: Vec<ComparisonRow>,
    /// `by_zone.csv`.
    pub by_zone: Vec<ZoneRow>,
    /// `timeseries.csv` (no rows when the run recorded no time series).
    pub timeseries: Vec<TimeSeriesRow>,
    /// `by_hour.csv` (no rows when the run recorded no hours).
    pub by_hour: Vec<HourRow>,
}

impl Report {
    /// Builds every row from the results of `model`'s run.
    pub fn new(model: &Model, result: &ExperimentResult) -> Report {
        let summary = result.policies.iter().map(|p| Self::summary_row(p, result)).collect();
        let by_service = result
            .policies
            .iter()
            .flat_map(|p| {
                model.services.iter().enumerate().map(move |(k, s)| {
                    let (wait_mean, wait_mean_ci95) = across(&p.replications, |r| r.service_wait_mean[k]);
                    ServiceRow {
                        policy: p.name.clone(),
                        service: s.name.clone(),
                        served: p.services[k].outcomes.served,
                        wait_mean,
                        wait_mean_ci95,
                        wait_p90: Num(p.services[k].wait_hist.quantile(0.9)),
                        abandoned: p.services[k].outcomes.abandoned,
                        balked: p.services[k].outcomes.balked,
                        blocked: p.services[k].outcomes.blocked,
                        turned_away: p.services[k].outcomes.turned_away,
                        no_shows: p.services[k].outcomes.no_show,
                        arrived: p.services[k].arrived,
                    }
                })
            })
            .collect();
        let offices = result
            .policies
            .iter()
            .flat_map(|p| {
                model.offices.iter().enumerate().map(move |(i, o)| OfficeRow {
                    policy: p.name.clone(),
                    office: o.name.clone(),
                    arrived: p.offices[i].arrived,
                    served: p.offices[i].outcomes.served,
                    wait_mean: across(&p.replications, |r| r.office_wait_mean[i]).0,
                    wait_p90: Num(p.offices[i].wait_hist.quantile(0.9)),
                    utilization: across(&p.replications, |r| r.office_utilization[i]).0,
                    max_queue: p.offices[i].max_queue,
                    abandoned: p.offices[i].outcomes.abandoned,
                    balked: p.offices[i].outcomes.balked,
                    blocked: p.offices[i].outcomes.blocked,
                    turned_away: p.offices[i].outcomes.turned_away,
                    booked: p.offices[i].booked,
                    no_shows: p.offices[i].no_shows,
                    wait_mean_booked: across(&p.replications, |r| r.office_wait_booked.get(i).copied().flatten()).0,
                    wait_mean_walkin: across(&p.replications, |r| r.office_wait_walkin.get(i).copied().flatten()).0,
                    idle_share: across(&p.replications, |r| r.office_utilization[i].map(|u| 1.0 - u)).0,
                })
            })
            .collect();
        let replications = result
            .policies
            .iter()
            .flat_map(|p| {
                p.replications.iter().map(move |r| ReplicationRow {
                    policy: p.name.clone(),
                    replication: r.replication,
                    seed: r.seed,
                    arrived: r.arrived,
                    served: r.outcomes.served,
                    abandoned: r.outcomes.abandoned,
                    blocked: r.outcomes.blocked,
                    wait_mean: Num(r.wait_mean),
                    wait_p90: Num(r.wait_p90),
                    utilization: Num(r.utilization),
                    last_departure: Num(Some(r.last_departure)),
                    balked: r.outcomes.balked,
                    turned_away: r.outcomes.turned_away,
                    no_shows: r.outcomes.no_show,
                    warmup: Num(Some(r.warmup)),
                })
            })
            .collect();
        let by_zone = result
            .policies
            .iter()
            .flat_map(|p| {
                model.zones.iter().enumerate().map(move |(z, zone)| ZoneRow {
                    policy: p.name.clone(),
                    zone: zone.name.clone(),
                    clients: p.zones[z].clients,
                    wait_mean: across(&p.replications, |r| r.zone_wait_mean[z]).0,
                    wait_p90: Num(p.zones[z].wait_hist.quantile(0.9)),
                    travel_mean: across(&p.replications, |r| r.zone_travel_mean[z]).0,
                })
            })
            .collect();
        let comparison = match result.policies.split_first() {
            Some((base, others)) => others.iter().map(|p| Self::comparison_row(base, p)).collect(),
            None => Vec::new(),
        };
        Report {
            summary,
            by_service,
            offices,
            replications,
            comparison,
            by_zone,
            timeseries: Self::timeseries_rows(model, result),
            by_hour: Self::hour_rows(model, result),
        }
    }

    /// Every hour of every office that was open or received someone, per policy.
    fn hour_rows(model: &Model, result: &ExperimentResult) -> Vec<HourRow> {
        let mut rows = Vec::new();
        for p in &result.policies {
            let Some(hours) = &p.by_hour else { continue };
            for (i, office) in model.offices.iter().enumerate() {
                for h in 0..HOURS {
                    let c = hours.cell(i, h);
                    if c.open_minutes == 0.0 && c.arrivals == 0 {
                        continue;
                    }
                    let n = c.wait_means.count();
                    let ci = c
                        .wait_means
                        .variance()
                        .map(|v| student_t_975(n - 1) * (v / n as f64).sqrt());
                    let needed = match (model.run.target, c.rate(), c.mean_service()) {
                        // Open, and nobody came: no counter is needed.
                        (Some(_), Some(0.0), _) => Some(0),
                        (Some(target), Some(rate), Some(service)) => {
                            counters_for_wait_quantile(rate, service, target, 0.9)
                        }
                        _ => None,
                    };
                    rows.push(HourRow {
                        policy: p.name.clone(),
                        office: office.name.clone(),
                        hour: h as u32,
                        clock: clock(h as f64 * 60.0),
                        arrivals: c.arrivals,
                        served: c.served,
                        wait_mean: Num(c.wait_means.mean()),
                        wait_mean_ci95: Num(ci),
                        wait_p90: Num(c.wait_hist.quantile(0.9)),
                        per_hour: Num(c.rate().map(|r| r * 60.0)),
                        counters_open: Num(c.counters_open()),
                        counters_needed: needed,
                    });
                }
            }
        }
        rows
    }

    /// Every policy's series over one window, up to the latest end of any replication of any
    /// policy, so that the policies' rows cover the same intervals.
    fn timeseries_rows(model: &Model, result: &ExperimentResult) -> Vec<TimeSeriesRow> {
        let end = result
            .policies
            .iter()
            .filter_map(|p| p.time_series.as_ref().map(|t| t.end()))
            .fold(model.run.horizon, f64::max);
        let mut rows = Vec::new();
        for p in &result.policies {
            let Some(series) = &p.time_series else { continue };
            for (i, office) in model.offices.iter().enumerate() {
                rows.extend(series.samples(i, end).into_iter().map(|s| TimeSeriesRow {
                    policy: p.name.clone(),
                    office: office.name.clone(),
                    time: Num(Some(s.time)),
                    clock: clock(s.time),
                    waiting: Num(Some(s.waiting)),
                    busy: Num(Some(s.busy)),
                }));
            }
        }
        rows
    }

    fn summary_row(p: &PolicyResult, result: &ExperimentResult) -> SummaryRow {
        let replications = result.replications;
        let reps = &p.replications;
        let (wait_mean, wait_mean_ci95) = across(reps, |r| r.wait_mean);
        let q = |x| Num(p.wait_hist.quantile(x));
        let total = |count: fn(&crate::stats::Outcomes) -> u64| reps.iter().map(|r| count(&r.outcomes)).sum();
        SummaryRow {
            policy: p.name.clone(),
            replications,
            arrived: reps.iter().map(|r| r.arrived).sum(),
            served: total(|o| o.served),
            abandoned: total(|o| o.abandoned),
            blocked: total(|o| o.blocked),
            wait_mean,
            wait_mean_ci95,
            wait_p50: q(0.5),
            wait_p90: q(0.9),
            wait_p95: q(0.95),
            wait_p99: q(0.99),
            wait_max: Num(p.wait.max()),
            sojourn_mean: across(reps, |r| r.sojourn_mean).0,
            travel_mean: across(reps, |r| r.travel_mean).0,
            utilization: across(reps, |r| r.utilization).0,
            sla_share: across(reps, |r| r.sla_share).0,
            wait_p90_worst_office: Num(p
                .offices
                .iter()
                .filter_map(|o| o.wait_hist.quantile(0.9))
                .reduce(f64::max)),
            wait_mean_gini: Num(weighted_gini(
                &p.offices
                    .iter()
                    .map(|o| o.wait.mean().unwrap_or(0.0))
                    .collect::<Vec<_>>(),
                &p.offices.iter().map(|o| o.outcomes.served as f64).collect::<Vec<_>>(),
            )),
            travel_p90: Num(p.travel_hist.quantile(0.9)),
            balked: total(|o| o.balked),
            turned_away: total(|o| o.turned_away),
            lead_time_mean: across(reps, |r| r.lead_mean).0,
            lead_time_p90: Num(p.lead_hist.quantile(0.9)),
            booked: reps.iter().map(|r| r.booked).sum(),
            no_shows: total(|o| o.no_show),
            wait_mean_booked: across(reps, |r| r.wait_mean_booked).0,
            wait_mean_walkin: across(reps, |r| r.wait_mean_walkin).0,
            idle_share: across(reps, |r| r.utilization.map(|u| 1.0 - u)).0,
            warmup: across(reps, |r| Some(r.warmup)).0,
            precision_met: match result.precision {
                None => String::new(),
                Some(outcome) => {
                    let means: Vec<f64> = reps.iter().filter_map(|r| r.wait_mean).collect();
                    outcome.request.met_by(&means).to_string()
                }
            },
        }
    }

    /// Paired differences `policy - baseline` of the replications' mean waits: common random
    /// numbers make the pairs positively correlated, so the interval is much narrower than
    /// comparing two independent means.
    fn comparison_row(base: &PolicyResult, p: &PolicyResult) -> ComparisonRow {
        let diffs: Vec<f64> = p
            .replications
            .iter()
            .zip(&base.replications)
            .filter_map(|(a, b)| Some(a.wait_mean? - b.wait_mean?))
            .collect();
        let (m, h) = mean_and_half_width(&diffs);
        ComparisonRow {
            policy: p.name.clone(),
            baseline: base.name.clone(),
            wait_mean_diff: Num(m),
            wait_mean_diff_ci95: Num(h),
        }
    }

    /// The report files by name, each with a function writing it as CSV.
    pub const FILES: [&'static str; 8] = [
        "summary.csv",
        "by_service.csv",
        "offices.csv",
        "replications.csv",
        "comparison.csv",
        "by_zone.csv",
        "timeseries.csv",
        "by_hour.csv",
    ];

    /// Writes the file named `name` (one of [`Self::FILES`]) as CSV to `out`.
    pub fn write_csv<W: io::Write>(&self, name: &str, out: W) -> Result<(), csv::Error> {
        match name {
            "summary.csv" => write_rows(out, &self.summary),
            "by_service.csv" => write_rows(out, &self.by_service),
            "offices.csv" => write_rows(out, &self.offices),
            "replications.csv" => write_rows(out, &self.replications),
            "comparison.csv" => write_rows(out, &self.comparison),
            "by_zone.csv" => write_rows(out, &self.by_zone),
            "timeseries.csv" => write_rows(out, &self.timeseries),
            "by_hour.csv" => write_rows(out, &self.by_hour),
            other => Err(csv::Error::from(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no report named {other}"),
            ))),
        }
    }
}

/// Writes a header (even for no rows) and one line per row.
pub fn write_rows<W: io::Write, T: Serialize + HeaderOf>(out: W, rows: &[T]) -> Result<(), csv::Error> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
    w.write_record(T::header())?;
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}

/// The column names of a row type, written even when a file has no rows.
pub trait HeaderOf {
    /// Column names in order.
    fn header() -> &'static [&'static str];
}

macro_rules! header {
    ($t:ty: $($c:ident),+) => {
        impl HeaderOf for $t {
            fn header() -> &'static [&'static str] {
                &[$(stringify!($c)),+]
            }
        }
    };
}

header!(SummaryRow: policy, replications, arrived, served, abandoned, blocked, wait_mean, wait_mean_ci95, wait_p50, wait_p90, wait_p95, wait_p99, wait_max, sojourn_mean, travel_mean, utilization, sla_share, wait_p90_worst_office, wait_mean_gini, travel_p90, balked, turned_away, lead_time_mean, lead_time_p90, booked, no_shows, wait_mean_booked, wait_mean_walkin, idle_share, warmup, precision_met);
header!(ServiceRow: policy, service, served, wait_mean, wait_mean_ci95, wait_p90, abandoned, balked, blocked, turned_away, no_shows, arrived);
header!(OfficeRow: policy, office, arrived, served, wait_mean, wait_p90, utilization, max_queue, abandoned, balked, blocked, turned_away, booked, no_shows, wait_mean_booked, wait_mean_walkin, idle_share);
header!(ReplicationRow: policy, replication, seed, arrived, served, abandoned, blocked, wait_mean, wait_p90, utilization, last_departure, balked, turned_away, no_shows, warmup);
header!(ComparisonRow: policy, baseline, wait_mean_diff, wait_mean_diff_ci95);
header!(ZoneRow: policy, zone, clients, wait_mean, wait_p90, travel_mean);
header!(TimeSeriesRow: policy, office, time, clock, waiting, busy);
header!(HourRow: policy, office, hour, clock, arrivals, served, wait_mean, wait_mean_ci95, wait_p90, per_hour, counters_open, counters_needed);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_and_absent_is_empty() {
        assert_eq!(Num(Some(0.9)).text(), "0.9");
        assert_eq!(Num(Some(2.0)).text(), "2");
        assert_eq!(Num(Some(1.0 / 3.0)).text(), "0.333333");
        assert_eq!(Num(Some(-0.0000001)).text(), "0");
        assert_eq!(Num(None).text(), "");
        assert_eq!(Num(Some(f64::NAN)).text(), "");
    }

    #[test]
    fn clock_times() {
        assert_eq!(clock(0.0), "00:00");
        assert_eq!(clock(495.0), "08:15");
        assert_eq!(clock(1.5), "00:01:30");
    }
}
