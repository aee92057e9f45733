//! Replications × policies, in parallel, with common random numbers, folded into per-policy
//! aggregates in a fixed order so that results are identical whatever the number of threads.
//!
//! Replication `r` of every policy uses the same seed, so every policy faces the same clients
//! with the same service requirements; differences between policies are paired by replication.
//! Replications run in chunks of a few tasks per thread: memory holds one chunk's full
//! statistics at a time, while each policy keeps per-replication scalars and pooled histograms.

use crate::engine::{run_replication_with, PolicySetup, Recorder, RunControl, SimulationError};
use crate::model::Model;
use crate::policy::{AllocationPolicy, BookingRule, Information, PolicyKind, Reach};
use crate::random::replication_seed;
use crate::stats::{
    Accumulator, HourlyRecorder, HourlyTotals, Outcomes, ReplicationStats, TimeSeries, TimeSeriesRecorder,
    WaitHistogram,
};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Builds a fresh policy instance for one replication.
pub type PolicyFactory = Arc<dyn Fn(&Model) -> Box<dyn AllocationPolicy> + Send + Sync>;

/// A policy to run, by name, with the candidates and information the engine gives it.
#[derive(Clone)]
pub struct NamedPolicy {
    /// Name used in the reports.
    pub name: String,
    /// Makes an instance per replication.
    pub factory: PolicyFactory,
    /// Candidate limits (default: every office).
    pub reach: Reach,
    /// Board refresh and compliance (default: a live board everyone follows).
    pub information: Information,
    /// Pool every counter into one queue instead of asking the policy.
    pub pooled: bool,
    /// How booking clients get a slot (default: at their own office).
    pub booking: BookingRule,
}

impl NamedPolicy {
    /// A policy from a factory function, e.g. a custom [`AllocationPolicy`].
    pub fn new(
        name: impl Into<String>,
        factory: impl Fn(&Model) -> Box<dyn AllocationPolicy> + Send + Sync + 'static,
    ) -> Self {
        NamedPolicy {
            name: name.into(),
            factory: Arc::new(factory),
            reach: Reach::default(),
            information: Information::default(),
            pooled: false,
            booking: BookingRule::default(),
        }
    }

    /// The same policy with candidate limits.
    pub fn with_reach(mut self, reach: Reach) -> Self {
        self.reach = reach;
        self
    }

    /// The same policy reading a board refreshed as `information` says.
    pub fn with_information(mut self, information: Information) -> Self {
        self.information = information;
        self
    }

    /// The same policy giving booking clients slots by `rule`.
    pub fn with_booking(mut self, rule: BookingRule) -> Self {
        self.booking = rule;
        self
    }

    /// The policies listed in the scenario, in order.
    pub fn from_model(model: &Model) -> Vec<NamedPolicy> {
        model
            .policies
            .iter()
            .map(|p| {
                let kind = p.kind.clone();
                let mut named = NamedPolicy::new(p.name.clone(), move |m| kind.build(m))
                    .with_reach(p.reach)
                    .with_information(p.information)
                    .with_booking(p.booking);
                named.pooled = p.kind == PolicyKind::Pooled;
                named
            })
            .collect()
    }
}

/// Overrides of the scenario's run settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Replications per policy (default: the scenario's).
    pub replications: Option<u32>,
    /// Base seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
}

impl RunOptions {
    /// The replications per policy and the base seed these options give `model`: theirs where
    /// set, else the scenario's.
    pub fn resolve(&self, model: &Model) -> (u32, u64) {
        (
            self.replications.unwrap_or(model.run.replications),
            self.seed.unwrap_or(model.run.seed),
        )
    }
}

/// The scalars of one replication that reports need per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationSummary {
    /// Replication index, from 0.
    pub replication: u32,
    /// Its seed.
    pub seed: u64,
    /// Counted clients created.
    pub arrived: u64,
    /// How the counted clients ended.
    pub outcomes: Outcomes,
    /// Mean wait of counted served clients.
    pub wait_mean: Option<f64>,
    /// 90th percentile of their waits.
    pub wait_p90: Option<f64>,
    /// Mean wait plus service.
    pub sojourn_mean: Option<f64>,
    /// Mean travel time.
    pub travel_mean: Option<f64>,
    /// Busy share of all counters.
    pub utilization: Option<f64>,
    /// Share served within the target.
    pub sla_share: Option<f64>,
    /// Last service completion (minutes).
    pub last_departure: f64,
    /// Mean wait per office (by id).
    pub office_wait_mean: Vec<Option<f64>>,
    /// Utilisation per office (by id).
    pub office_utilization: Vec<Option<f64>>,
    /// Mean wait per service type (by id).
    pub service_wait_mean: Vec<Option<f64>>,
    /// Mean wait per zone (by id).
    pub zone_wait_mean: Vec<Option<f64>>,
    /// Mean travel time per zone (by id).
    pub zone_travel_mean: Vec<Option<f64>>,
    /// Counted clients given a slot.
    pub booked: u64,
    /// Mean lead time (asking to slot) of booked clients.
    pub lead_mean: Option<f64>,
    /// Mean wait of served booked clients.
    pub wait_mean_booked: Option<f64>,
    /// Mean wait of served walk-ins (only measured in a scenario with bookings).
    pub wait_mean_walkin: Option<f64>,
    /// Mean wait of served booked clients per office (by id; empty without bookings).
    pub office_wait_booked: Vec<Option<f64>>,
    /// Mean wait of served walk-ins per office (by id; empty without bookings).
    pub office_wait_walkin: Vec<Option<f64>>,
}

/// Pooled counts of one office over all replications.
#[derive(Debug, Clone, Default)]
pub struct OfficeTotals {
    /// Counted clients who arrived.
    pub arrived: u64,
    /// How they ended.
    pub outcomes: Outcomes,
    /// Pooled waits.
    pub wait_hist: WaitHistogram,
    /// Pooled waits (exact mean).
    pub wait: Accumulator,
    /// The longest queue seen in any replication.
    pub max_queue: usize,
    /// Counted clients given a slot here.
    pub booked: u64,
    /// Of them, those who did not come.
    pub no_shows: u64,
}

/// Pooled counts of one zone over all replications.
#[derive(Debug, Clone, Default)]
pub struct ZoneTotals {
    /// Counted clients who started there.
    pub clients: u64,
    /// Pooled waits of those served.
    pub wait_hist: WaitHistogram,
}

/// Pooled counts of one service type over all replications.
#[derive(Debug, Clone, Default)]
pub struct ServiceTotals {
    /// Counted clients of this type created.
    pub arrived: u64,
    /// How its counted clients ended.
    pub outcomes: Outcomes,
    /// Pooled waits.
    pub wait_hist: WaitHistogram,
}

/// Everything measured for one policy over all its replications.
#[derive(Debug, Clone)]
pub struct PolicyResult {
    /// The policy's name.
    pub name: String,
    /// One entry per replication, in replication order.
    pub replications: Vec<ReplicationSummary>,
    /// Waits pooled over all replications.
    pub wait_hist: WaitHistogram,
    /// Waits pooled over all replications (exact mean and max).
    pub wait: Accumulator,
    /// Per office, by id.
    pub offices: Vec<OfficeTotals>,
    /// Per service type, by id.
    pub services: Vec<ServiceTotals>,
    /// Per zone, by id.
    pub zones: Vec<ZoneTotals>,
    /// Travel times pooled over all replications.
    pub travel_hist: WaitHistogram,
    /// Lead times of booked clients pooled over all replications.
    pub lead_hist: WaitHistogram,
    /// Clients waiting and counters busy over the office day, when [`Observers::time_series`]
    /// asked for it.
    pub time_series: Option<TimeSeries>,
    /// The hours of the office day per office, when [`Observers::by_hour`] asked for them.
    pub by_hour: Option<HourlyTotals>,
}

impl PolicyResult {
    fn new(name: String, model: &Model) -> Self {
        PolicyResult {
            name,
            replications: Vec::new(),
            wait_hist: WaitHistogram::new(),
            wait: Accumulator::new(),
            offices: vec![OfficeTotals::default(); model.offices.len()],
            services: vec![ServiceTotals::default(); model.services.len()],
            zones: vec![ZoneTotals::default(); model.zones.len()],
            travel_hist: WaitHistogram::new(),
            lead_hist: WaitHistogram::new(),
            time_series: None,
            by_hour: None,
        }
    }

    fn absorb(&mut self, replication: u32, seed: u64, s: &ReplicationStats) {
        self.replications.push(ReplicationSummary {
            replication,
            seed,
            arrived: s.arrived,
            outcomes: s.outcomes,
            wait_mean: s.wait.mean(),
            wait_p90: s.wait_hist.quantile(0.9),
            sojourn_mean: s.sojourn.mean(),
            travel_mean: s.travel.mean(),
            utilization: s.utilization(),
            sla_share: s.sla_share(),
            last_departure: s.last_departure,
            office_wait_mean: s.offices.iter().map(|o| o.wait.mean()).collect(),
            office_utilization: (0..s.offices.len()).map(|i| s.office_utilization(i)).collect(),
            service_wait_mean: s.services.iter().map(|v| v.wait.mean()).collect(),
            zone_wait_mean: s.zones.iter().map(|z| z.wait.mean()).collect(),
            zone_travel_mean: s.zones.iter().map(|z| z.travel.mean()).collect(),
            booked: s.booking.booked,
            lead_mean: s.booking.lead.mean(),
            wait_mean_booked: s.booking.wait_booked.mean(),
            wait_mean_walkin: s.booking.wait_walkin.mean(),
            office_wait_booked: s.booking.offices.iter().map(|o| o.wait_booked.mean()).collect(),
            office_wait_walkin: s.booking.offices.iter().map(|o| o.wait_walkin.mean()).collect(),
        });
        self.lead_hist.merge(&s.booking.lead_hist);
        for (t, o) in self.offices.iter_mut().zip(&s.booking.offices) {
            t.booked += o.booked;
            t.no_shows += o.no_shows;
        }
        self.travel_hist.merge(&s.travel_hist);
        for (t, z) in self.zones.iter_mut().zip(&s.zones) {
            t.clients += z.clients;
            t.wait_hist.merge(&z.wait_hist);
        }
        self.wait_hist.merge(&s.wait_hist);
        self.wait.merge(&s.wait);
        for (t, o) in self.offices.iter_mut().zip(&s.offices) {
            t.arrived += o.arrived;
            t.outcomes.add(&o.outcomes);
            t.wait_hist.merge(&o.wait_hist);
            t.wait.merge(&o.wait);
            t.max_queue = t.max_queue.max(o.max_queue);
        }
        for (t, v) in self.services.iter_mut().zip(&s.services) {
            t.arrived += v.arrived;
            t.outcomes.add(&v.outcomes);
            t.wait_hist.merge(&v.wait_hist);
        }
    }
}

/// The results of every policy, in the order given.
#[derive(Debug, Clone)]
pub struct ExperimentResult {
    /// Base seed used.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u32,
    /// Per policy; the first is the baseline.
    pub policies: Vec<PolicyResult>,
}

/// Full statistics in memory at once, per worker thread: enough to keep every thread busy
/// while a chunk is folded, few enough that a city of thousands of offices fits.
const TASKS_PER_THREAD: usize = 4;

/// What a caller observes of a run besides its statistics. Kept apart from [`RunOptions`]
/// (plain data that is copied around) because it borrows a callback.
#[derive(Clone, Copy, Default)]
pub struct Observers<'a> {
    /// Record the time series of the office day into [`PolicyResult::time_series`]. Off by
    /// default: it costs a little per queue and counter change.
    pub time_series: bool,
    /// Record the hours of the office day per office into [`PolicyResult::by_hour`]
    /// (`by_hour.csv`). Off by default.
    pub by_hour: bool,
    /// Called with (replications done, total) over all policies after each replication, from
    /// whichever worker thread ran it: e.g. a progress bar.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// The caller's own recorder for every replication, e.g. a trace of every client written
    /// to a file: the library stays free of I/O.
    pub recorders: Option<&'a dyn RecorderFactory>,
}

/// Makes the caller's own [`Recorder`] for each replication of each policy. Replications run
/// on several threads at once, each with its own recorder; a caller that writes files keeps
/// one per replication and puts them together in (policy, replication) order afterwards, so
/// that its output does not depend on the number of threads.
pub trait RecorderFactory: Sync {
    /// The recorder of replication `replication` of policy `policy` (its index in the list
    /// run, named `name`). It sees every event of that replication, then `finished`, and is
    /// then dropped.
    fn open(&self, policy: usize, name: &str, replication: u32) -> Box<dyn Recorder + Send + '_>;
}

/// Runs every policy for every replication and folds the results.
pub fn run_experiment(
    model: &Model,
    policies: &[NamedPolicy],
    options: &RunOptions,
) -> Result<ExperimentResult, SimulationError> {
    run_experiment_with(model, policies, options, &RunControl::default(), &Observers::default())
}

/// Like [`run_experiment`], stopped early as `control` says: when its interruption flag is set
/// (no further replication starts, and those running stop within a few thousand events) or
/// when a replication holds more clients than its limit. The first error in replication order
/// is returned; nothing is returned of a stopped run. It records what `observers` asks for and
/// reports progress to it.
pub fn run_experiment_with(
    model: &Model,
    policies: &[NamedPolicy],
    options: &RunOptions,
    control: &RunControl,
    observers: &Observers<'_>,
) -> Result<ExperimentResult, SimulationError> {
    let (replications, seed) = options.resolve(model);
    // Replication-major, so that the first error in task order is the first in replication
    // order, as documented; each policy absorbs its replications in order.
    let tasks: Vec<Task> = (0..replications)
        .flat_map(|r| {
            (0..policies.len()).map(move |p| Task {
                policy: p,
                replication: r,
            })
        })
        .collect();
    let mut fold = ExperimentFold::new(
        model,
        policies.iter().map(|p| p.name.clone()),
        seed,
        replications,
        observers.time_series,
        observers.by_hour,
    );
    run_tasks(
        model,
        policies,
        &tasks,
        options,
        control,
        observers,
        &mut |task, measured| {
            fold.absorb(task, &measured);
            Ok::<(), SimulationError>(())
        },
    )?;
    Ok(fold.finish())
}

/// One replication of one policy: the unit of work that runs on a thread, and that a shard of
/// a distributed run holds (see [`crate::shard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    /// The policy's index in the list given.
    pub policy: usize,
    /// The replication, from 0; its seed is derived from it and the base seed.
    pub replication: u32,
}

/// What one [`Task`] measured: the statistics of the replication, and its time series when
/// [`Observers::time_series`] asked for it. This is exactly what [`ExperimentFold`] absorbs,
/// so a fold of measurements read back from a shard's file equals the fold of a whole run. A
/// new per-replication measurement belongs here (deriving `Serialize` and `Deserialize`), and
/// nowhere else, so that shards carry it to the merge.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Measured {
    /// The replication's statistics.
    pub stats: ReplicationStats,
    /// Its time series of the office day, when recorded.
    pub series: Option<TimeSeriesRecorder>,
    /// Its hours of the office day per office, when recorded.
    pub by_hour: Option<HourlyRecorder>,
}

/// Runs `tasks` on `options.threads` threads (all cores by default), a few per thread at a
/// time, and hands each one's measurements to `sink` in the order of `tasks`, whatever thread
/// ran it. Stops at the first error, in task order (the sink's own errors included).
pub fn run_tasks<E: From<SimulationError>>(
    model: &Model,
    policies: &[NamedPolicy],
    tasks: &[Task],
    options: &RunOptions,
    control: &RunControl,
    observers: &Observers<'_>,
    sink: &mut dyn FnMut(Task, Measured) -> Result<(), E>,
) -> Result<(), E> {
    let (_, seed) = options.resolve(model);
    let pool = match options.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| E::from(SimulationError::ThreadPool(e.to_string())))?,
        ),
        None => None,
    };
    let setups: Vec<PolicySetup> = policies
        .iter()
        .map(|p| {
            let mut setup = PolicySetup::new(model, p.name.clone(), p.reach, p.information);
            setup.pooled = p.pooled;
            setup.booking = p.booking;
            setup
        })
        .collect();
    let total = tasks.len() as u64;
    let done = AtomicU64::new(0);
    let run_one = |task: &Task| -> Result<Measured, SimulationError> {
        let (p, r) = (task.policy, task.replication);
        if control.interrupted() {
            return Err(SimulationError::Interrupted);
        }
        let mut policy = (policies[p].factory)(model);
        let stats = ReplicationStats::new(model);
        // Two monomorphised loops: without observers the engine runs the statistics alone,
        // with nothing extra per event.
        let extras = observers.time_series || observers.by_hour || observers.recorders.is_some();
        let measured = if extras {
            let series = observers.time_series.then(|| TimeSeriesRecorder::new(model));
            let hourly = observers.by_hour.then(|| HourlyRecorder::new(model));
            let own = observers.recorders.map(|f| f.open(p, &policies[p].name, r));
            let mut all = (stats, (series, (hourly, own)));
            run_replication_with(model, r, seed, &setups[p], control, &mut policy, &mut all)?;
            let (stats, (series, (by_hour, _))) = all;
            Measured { stats, series, by_hour }
        } else {
            let mut stats = stats;
            run_replication_with(model, r, seed, &setups[p], control, &mut policy, &mut stats)?;
            Measured {
                stats,
                series: None,
                by_hour: None,
            }
        };
        if let Some(progress) = observers.progress {
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        }
        Ok(measured)
    };
    // Only the chunk's replications run on the pool; the sink runs here, on the caller's
    // thread, so it may hold anything (a file being written).
    let run_chunk = |chunk: &[Task]| -> Vec<Result<Measured, SimulationError>> {
        match &pool {
            Some(pool) => pool.install(|| chunk.par_iter().map(run_one).collect()),
            None => chunk.par_iter().map(run_one).collect(),
        }
    };
    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    for chunk in tasks.chunks((TASKS_PER_THREAD * threads).max(1)) {
        for (&task, one) in chunk.iter().zip(run_chunk(chunk)) {
            sink(task, one?)?;
        }
    }
    Ok(())
}

/// Folds measurements into an [`ExperimentResult`]: the one place where per-replication
/// statistics become per-policy results, used by a whole run and by the merge of shards alike,
/// so that both give the same bits.
///
/// Each policy's replications must come in replication order (floating-point sums depend on
/// the order); policies may interleave freely.
#[derive(Debug)]
pub struct ExperimentFold {
    seed: u64,
    replications: u32,
    results: Vec<PolicyResult>,
}

impl ExperimentFold {
    /// An empty fold for `policies` (names, in order) of `model`, run with base `seed` and
    /// `replications` per policy; `time_series` and `by_hour` when the measurements carry
    /// them.
    pub fn new(
        model: &Model,
        policies: impl IntoIterator<Item = String>,
        seed: u64,
        replications: u32,
        time_series: bool,
        by_hour: bool,
    ) -> Self {
        let results = policies
            .into_iter()
            .map(|name| {
                let mut result = PolicyResult::new(name, model);
                result.time_series = time_series.then(|| TimeSeries::new(model));
                result.by_hour = by_hour.then(|| HourlyTotals::new(model));
                result
            })
            .collect();
        ExperimentFold {
            seed,
            replications,
            results,
        }
    }

    /// Adds the measurements of `task`: the next replication of its policy.
    pub fn absorb(&mut self, task: Task, measured: &Measured) {
        let Some(result) = self.results.get_mut(task.policy) else {
            return;
        };
        result.absorb(
            task.replication,
            replication_seed(self.seed, task.replication),
            &measured.stats,
        );
        if let (Some(total), Some(one)) = (result.time_series.as_mut(), measured.series.as_ref()) {
            total.absorb(one);
        }
        if let (Some(total), Some(one)) = (result.by_hour.as_mut(), measured.by_hour.as_ref()) {
            total.absorb(one);
        }
    }

    /// The results of every policy.
    pub fn finish(self) -> ExperimentResult {
        ExperimentResult {
            seed: self.seed,
            replications: self.replications,
            policies: self.results,
        }
    }
}
