//! Replications × policies, in parallel, with common random numbers, folded into per-policy
//! aggregates in a fixed order so that results are identical whatever the number of threads.
//!
//! Replication `r` of every policy uses the same seed, so every policy faces the same clients
//! with the same service requirements; differences between policies are paired by replication.
//! Replications run in chunks of a few tasks per thread: memory holds one chunk's full
//! statistics at a time, while each policy keeps per-replication scalars and pooled histograms.

use crate::engine::{run_replication_with, PolicySetup, Recorder, RunControl, SimulationError};
use crate::model::Model;
use crate::policy::{AllocationPolicy, BookingRule, CandidateTable, Information, PolicyKind, Reach};
use crate::random::{pilot_seed, replication_seed};
use crate::stats::{
    mean_and_half_width, Accumulator, HourlyRecorder, HourlyTotals, Mser, Outcomes, ReplicationStats, TimeSeries,
    TimeSeriesRecorder, WaitHistogram,
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
    /// Add replications until the mean wait is this precise (default: run exactly
    /// `replications`).
    pub precision: Option<Precision>,
}

/// "Run until the confidence interval is this tight": replications are added in batches until
/// the half-width of the 95% Student-t interval of the mean wait is at most `relative` times
/// the mean, for every policy, or `max_replications` are reached.
///
/// The run starts with the requested replications, at least [`Precision::MIN_REPLICATIONS`]
/// (and at most the cap). After each batch, the replications each policy still needs are
/// estimated as `n · (h / (relative · mean))²` (the half-width shrinks as `1/√n`), and the next
/// batch brings the count to the largest such estimate, but at least 20% (and 2) more and at
/// most twice as many, within the cap. Replication `r` always has the same seeds, and the
/// batches depend only on the results of the replications before them, so the outcome depends
/// only on the seed and the request, never on the number of threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// The largest acceptable `wait_mean_ci95 / wait_mean`, e.g. 0.02.
    pub relative: f64,
    /// The most replications per policy.
    pub max_replications: u32,
}

impl Precision {
    /// Fewer replications give an interval too unreliable to stop on.
    pub const MIN_REPLICATIONS: u32 = 5;

    /// The default cap of replications per policy.
    pub const DEFAULT_MAX_REPLICATIONS: u32 = 200;

    /// The replications to run first, given those requested.
    pub fn first_batch(&self, requested: u32) -> u32 {
        // Never fewer than asked for: the cap limits the replications added, not those requested.
        requested.max(Self::MIN_REPLICATIONS.min(self.max_replications.max(1)))
    }

    /// Whether one policy's mean wait over its replications is as precise as asked: its 95%
    /// half-width is at most `relative` times its mean. A policy whose every client was served
    /// at once (every mean 0) is exact; one without a mean in two replications is not yet.
    pub fn met_by(&self, replication_means: &[f64]) -> bool {
        match mean_and_half_width(replication_means) {
            (Some(mean), Some(h)) => h <= self.relative * mean.abs(),
            _ => false,
        }
    }

    /// After `n` replications whose per-policy mean waits are `means`: `None` when every
    /// policy meets the request, else the replications to reach next (more than `n` unless
    /// the cap is reached: then `n`).
    pub fn next(&self, n: u32, means: &[Vec<f64>]) -> Option<u32> {
        if means.iter().all(|m| self.met_by(m)) {
            return None;
        }
        let needed = means
            .iter()
            .map(|m| match mean_and_half_width(m) {
                (Some(mean), Some(h)) if mean.abs() > 0.0 => {
                    let ratio = h / (self.relative * mean.abs());
                    (f64::from(n) * ratio * ratio).ceil().min(f64::from(u32::MAX)) as u32
                }
                _ => n.saturating_mul(2),
            })
            .max()
            .unwrap_or(n);
        let least = n.saturating_add((n / 5).max(2));
        let most = n.saturating_mul(2).max(least);
        Some(needed.clamp(least, most).min(self.max_replications).max(n))
    }
}

/// How a run with a [`Precision`] request ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionOutcome {
    /// What was asked.
    pub request: Precision,
    /// Whether every policy met it (`false`: the cap was reached first).
    pub met: bool,
}

/// The warm-up of replication `replication`: the scenario's, or, with `warmup = "auto"`, the
/// one MSER-5 chooses (see [`Mser`]) on a pilot run of `policy` with the same replication index
/// and the base seed [`pilot_seed`]`(seed)`, whose statistics are then thrown away. The
/// replication is run from the start, counting from the chosen time: nothing measured before
/// the warm-up leaks into the results, at the cost of simulating each replication twice. A run
/// passes its baseline (first) policy for every policy, so that all policies of a replication
/// count the same clients and their comparison stays paired (common random numbers).
///
/// Why the pilot draws other clients than the replication it decides for: MSER applied to the
/// very data that is then averaged cuts wherever a chance excursion of long waits happens to
/// lie in the first half, and so biases the mean low — at rho 0.9 M/M/1 we measured the mean
/// wait 5% below theory (8.53 ± 0.13 against 9, 400 replications). With an independent pilot
/// the cut does not depend on the data it is applied to, and only the initial transient is
/// removed.
pub fn replication_warmup(
    model: &Model,
    replication: u32,
    seed: u64,
    setup: &PolicySetup,
    control: &RunControl,
    policy: &NamedPolicy,
) -> Result<f64, SimulationError> {
    if !model.run.auto_warmup {
        return Ok(model.run.warmup);
    }
    let mut pilot = Mser::new();
    let mut instance = (policy.factory)(model);
    run_replication_with(
        model,
        replication,
        pilot_seed(seed),
        setup,
        control,
        &mut instance,
        &mut pilot,
    )?;
    Ok(pilot.warmup())
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
    /// Clients created before this time were not counted: the scenario's warm-up, or the one
    /// chosen for this replication with `warmup = "auto"` (minutes).
    pub warmup: f64,
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
            warmup: s.warmup(),
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
    /// With a precision request: what was asked and whether it was met.
    pub precision: Option<PrecisionOutcome>,
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
    /// run, named `name`), whose clients created before `warmup` are not counted (the
    /// scenario's warm-up, or the one `warmup = "auto"` chose for the replication). It sees
    /// every event of that replication, then `finished`, and is then dropped.
    fn open(&self, policy: usize, name: &str, replication: u32, warmup: f64) -> Box<dyn Recorder + Send + '_>;
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
    let mut fold = ExperimentFold::new(
        model,
        policies.iter().map(|p| p.name.clone()),
        seed,
        replications,
        observers.time_series,
        observers.by_hour,
    );
    // With a precision request the replications come in batches, each decided by the results
    // of those before it (see [`Precision`]); without, in one batch.
    let mut target = options.precision.map_or(replications, |p| p.first_batch(replications));
    let (mut first, mut outcome) = (0, None);
    loop {
        // Progress over the batches so far: done before this batch plus this batch's.
        let before = u64::from(first) * policies.len() as u64;
        let total = u64::from(target) * policies.len() as u64;
        let progress = |done: u64, _: u64| {
            if let Some(outer) = observers.progress {
                outer(before + done, total);
            }
        };
        let batch_observers = Observers {
            progress: Some(&progress),
            ..*observers
        };
        // Replication-major, so that the first error in task order is the first in
        // replication order, as documented; each policy absorbs its replications in order.
        let tasks: Vec<Task> = (first..target)
            .flat_map(|r| {
                (0..policies.len()).map(move |p| Task {
                    policy: p,
                    replication: r,
                })
            })
            .collect();
        run_tasks(
            model,
            policies,
            &tasks,
            options,
            control,
            &batch_observers,
            &mut |task, measured| {
                fold.absorb(task, &measured);
                Ok::<(), SimulationError>(())
            },
        )?;
        first = target;
        let Some(precision) = options.precision else { break };
        match precision.next(target, &fold.replication_means()) {
            Some(next) if next > target => target = next,
            verdict => {
                outcome = Some(PrecisionOutcome {
                    request: precision,
                    met: verdict.is_none(),
                });
                break;
            }
        }
    }
    let mut result = fold.finish();
    result.replications = target;
    result.precision = outcome;
    Ok(result)
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
    // One candidate table per distinct limit, shared by the policies that have it.
    let mut tables: Vec<(Reach, Arc<CandidateTable>)> = Vec::new();
    let setups: Vec<PolicySetup> = policies
        .iter()
        .map(|p| {
            let table = match tables.iter().find(|(reach, _)| *reach == p.reach) {
                Some((_, table)) => Arc::clone(table),
                None => {
                    let table = Arc::new(CandidateTable::new(model, &p.reach));
                    tables.push((p.reach, Arc::clone(&table)));
                    table
                }
            };
            let mut setup = PolicySetup::with_candidates(p.name.clone(), table, p.information);
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
        // One warm-up per replication, chosen on the baseline policy, so that every policy
        // counts the same clients and comparisons stay paired.
        let warmup = replication_warmup(model, r, seed, &setups[0], control, &policies[0])?;
        let mut policy = (policies[p].factory)(model);
        let stats = ReplicationStats::with_warmup(model, warmup);
        // Two monomorphised loops: without observers the engine runs the statistics alone,
        // with nothing extra per event.
        let extras = observers.time_series || observers.by_hour || observers.recorders.is_some();
        let measured = if extras {
            let series = observers
                .time_series
                .then(|| TimeSeriesRecorder::with_warmup(model, warmup));
            let hourly = observers.by_hour.then(|| HourlyRecorder::with_warmup(model, warmup));
            let own = observers.recorders.map(|f| f.open(p, &policies[p].name, r, warmup));
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
            precision: None,
        }
    }

    /// Each policy's mean waits of the replications absorbed so far, in order: what a
    /// [`Precision`] request decides on.
    pub fn replication_means(&self) -> Vec<Vec<f64>> {
        self.results
            .iter()
            .map(|p| p.replications.iter().filter_map(|r| r.wait_mean).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first batch is what was asked for, at least the minimum, and never cut by the cap:
    /// the cap limits the replications added.
    #[test]
    fn first_batch_is_never_fewer_than_asked() {
        let p = |cap| Precision {
            relative: 0.02,
            max_replications: cap,
        };
        assert_eq!(p(200).first_batch(2), Precision::MIN_REPLICATIONS);
        assert_eq!(p(200).first_batch(30), 30);
        assert_eq!(p(200).first_batch(300), 300);
        assert_eq!(p(3).first_batch(1), 3);
        // At the cap already: no batch is added, whatever the interval.
        assert_eq!(p(200).next(300, &[vec![1.0, 9.0, 2.0]]), Some(300));
    }
}
