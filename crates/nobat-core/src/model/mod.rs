//! The validated model: every check on a scenario happens here, once, and nothing after it can
//! fail on user input. Offices, services and policies get dense integer ids (their index).

mod arrivals;
mod backlog;
mod booking;
mod calendar;
mod csv_lines;
mod geography;
mod hours;
mod trace;

pub use arrivals::{ArrivalProfile, RatePiece, DAY};
pub use backlog::{Backlog, BacklogCount, BacklogDays, MAX_BACKLOG};
pub use booking::{Booking, ServeBooked, Slot, SlotCalendar};
pub use calendar::{Calendar, WEEKDAYS};
pub(crate) use geography::nearest_origin;
pub use geography::{ArrivalSource, Geography, Metric, Origin, Place, Zone};
pub use hours::{Change, OfficeHours, OpenPiece};
pub use trace::{Trace, TraceClient, MAX_TRACE_CLIENTS, NONE};

use crate::dist::Dist;
use crate::policy::PolicySpec;
use crate::scenario::{Scenario, ScenarioError};
use geography::Demand;
use std::collections::HashSet;

/// How long to run and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// No client arrives after this time (minutes).
    pub horizon: f64,
    /// Clients arriving before this time are not counted (minutes); 0 with `auto_warmup`, whose
    /// warm-up is chosen per replication.
    pub warmup: f64,
    /// `warmup = "auto"`: each replication's warm-up is chosen by MSER-5 on a pilot run of the
    /// same replication (see [`crate::stats::Mser`]). Only in a steady-state run.
    pub auto_warmup: bool,
    /// Replications per policy.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Wait target behind `sla_share` (minutes).
    pub target: Option<f64>,
    /// Interval of the time series (minutes, at most a day; default 15).
    pub sample: f64,
}

/// A type of case.
#[derive(Debug, Clone)]
pub struct Service {
    /// Unique name.
    pub name: String,
    /// Share of demand (the shares sum to 1).
    pub share: f64,
    /// Service duration at an office of speed 1.
    pub duration: Dist,
    /// How long a client waits before leaving unserved; `None` = forever.
    pub patience: Option<Dist>,
    /// Smaller is served first (non-preemptive).
    pub priority: i64,
    /// Dense rank of `priority` among the services' priorities (0 = served first).
    pub level: usize,
    /// Balking on arrival at a long queue.
    pub balk: Option<Balk>,
    /// Share of these clients who use the virtual window.
    pub online_share: f64,
    /// Share of the others who book an appointment rather than walk in.
    pub book_share: f64,
    /// Probability that a booked client does not come.
    pub no_show: f64,
    /// How late a booked client arrives after `slot - early`; `None` = on time.
    pub lateness: Option<Dist>,
    /// How early before its slot a booked client aims to arrive (minutes).
    pub early: f64,
}

/// A client balks with `probability` when it finds more than `above` clients waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Balk {
    /// The queue length beyond which clients may balk.
    pub above: u32,
    /// The probability of balking then.
    pub probability: f64,
}

/// What a client does when its office is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFull {
    /// It is lost (counted `blocked`).
    Lost,
    /// The policy sends it on to another office with room (once); if none, it is lost.
    Next,
}

/// What happens to the queue when an office closes for the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtClose {
    /// Everyone inside is served, after hours if need be.
    Serve,
    /// Those waiting are sent home (counted `turned_away`); those in service finish.
    TurnAway,
}

/// An office.
#[derive(Debug, Clone, PartialEq)]
pub struct Office {
    /// Unique name.
    pub name: String,
    /// Parallel counters.
    pub counters: u32,
    /// Service durations here are divided by this factor.
    pub speed: f64,
    /// Where it is (set for every physical office when the model has a geography).
    pub location: Option<[f64; 2]>,
    /// The most clients present (waiting plus in service); `None` = no limit.
    pub capacity: Option<u32>,
    /// What a client finding it full does.
    pub on_full: OnFull,
    /// When it is open and with how many counters.
    pub hours: OfficeHours,
    /// What happens at the last closing of a day.
    pub at_close: AtClose,
    /// Which services it offers, by service id.
    pub offers: Vec<bool>,
    /// An online channel: no location, no travel, reached through `online_share`.
    pub is_virtual: bool,
}

/// A scenario that passed every check.
#[derive(Debug, Clone)]
pub struct Model {
    /// Title for reports.
    pub name: String,
    /// Horizon, warm-up, replications, seed, target.
    pub run: RunSettings,
    /// The arrival processes (one, or one per zone with its own arrivals).
    pub sources: Vec<ArrivalSource>,
    /// Distances and travel times; `None` means travel is zero.
    pub geography: Option<Geography>,
    /// Districts, by id (a single zone `all` without geography).
    pub zones: Vec<Zone>,
    /// Where clients start, by id.
    pub origins: Vec<Origin>,
    /// Service types, by id.
    pub services: Vec<Service>,
    /// Offices, by id.
    pub offices: Vec<Office>,
    /// Policies to compare; the first is the baseline of comparison.csv.
    pub policies: Vec<PolicySpec>,
    /// The weekday of day 0.
    pub calendar: Calendar,
    /// Number of distinct service priorities.
    pub priority_levels: usize,
    /// The booking system, when some clients book appointments.
    pub booking: Option<Booking>,
    /// Clients waiting at the offices' doors when they open, when some office has a backlog.
    pub backlog: Option<Backlog>,
    /// Recorded clients replayed instead of sampled arrivals (`[arrivals] trace`), shared by
    /// every copy of the model.
    pub trace: Option<std::sync::Arc<Trace>>,
}

/// The most clients one replication may be expected to create (rate times horizon). Beyond it a
/// run would take days (nobat simulates some millions of clients a second) and a huge horizon or
/// rate is almost surely a typo; refusing it up front beats a run that never ends.
pub const MAX_EXPECTED_CLIENTS: f64 = 1e10;

/// The most values the time series of one replication may hold: offices × intervals of the day
/// (`1440 / run.sample`). Each is a waiting and a busy level (16 bytes) in every replication
/// running and in every policy's sum, and a row of `timeseries.csv` per policy (about 35
/// bytes): a million is 16 MB a copy and some 35 MB of CSV per policy. The default quarter of
/// an hour (96 intervals) leaves room for over ten thousand offices, a one-minute series for
/// 694 and one second (86 400 intervals) for 11; finer is below anything a queue shows and
/// surely a slip (`sample = 0.0001` wrote 10 million rows, 324 MB, for one office).
pub const MAX_SERIES_VALUES: usize = 1_000_000;

/// The most counters an office may have: beyond it a scenario is surely a typo, and memory is
/// reserved per counter.
pub const MAX_COUNTERS: u32 = 100_000;

/// Tolerance on the sum of service shares (written shares are often rounded decimals).
const SHARE_TOLERANCE: f64 = 1e-6;

pub(crate) fn unique_name(
    seen: &mut HashSet<String>,
    name: &str,
    path: String,
    what: &str,
) -> Result<(), ScenarioError> {
    if name.trim().is_empty() {
        return Err(ScenarioError::at(path, format!("{what} names must not be empty")));
    }
    if !seen.insert(name.to_string()) {
        return Err(ScenarioError::at(
            path,
            format!("duplicate {what} name `{name}`: names must be unique"),
        ));
    }
    Ok(())
}

impl Model {
    /// Checks a scenario that names no other file and builds the model. The error names the
    /// key path of the first problem.
    pub fn from_scenario(s: &Scenario) -> Result<Model, ScenarioError> {
        Self::from_scenario_with(s, &|name: &str| {
            Err(format!("cannot read `{name}`: no files are available"))
        })
    }

    /// Checks a scenario and builds the model; `read` returns the text of files it names.
    pub fn from_scenario_with(
        s: &Scenario,
        read: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Model, ScenarioError> {
        let run = Self::run_settings(s)?;
        let mut calendar = Calendar {
            first_day: match &s.calendar.first_day {
                None => 0,
                Some(d) => calendar::weekday(d, "calendar.first_day")?,
            },
        };
        let mut demand = Demand::from_scenario(s, calendar, read)?;
        let backlog = Backlog::from_scenario(s)?;
        let trace = match &s.arrivals.trace {
            None => None,
            Some(file) => {
                let trace = Self::trace(s, file, read, &demand)?;
                if let Some(w) = trace.1 {
                    calendar.first_day = w;
                }
                // `nobat check` reports the load of the trace's average day.
                if let Some(source) = demand.sources.first_mut() {
                    source.profile = trace.0.profile(run.horizon, calendar);
                }
                Some(std::sync::Arc::new(trace.0))
            }
        };
        let counted: f64 = demand
            .sources
            .iter()
            .map(|src| src.profile.expected_arrivals(run.horizon) - src.profile.expected_arrivals(run.warmup))
            .sum();
        // A backlog alone (arrivals scaled to 0) is a run of its own: an office clearing its queue.
        if counted <= 0.0 && backlog.is_none() {
            return Err(ScenarioError::at(
                "run.horizon",
                format!(
                    "no client would arrive between the warm-up ({} min) and the horizon ({} min): the arrival rates are 0 then",
                    run.warmup, run.horizon
                ),
            ));
        }
        let expected: f64 = demand
            .sources
            .iter()
            .map(|src| src.profile.expected_arrivals(run.horizon))
            .sum();
        if expected.is_nan() || expected > MAX_EXPECTED_CLIENTS {
            return Err(ScenarioError::at(
                "run.horizon",
                format!(
                    "with these arrival rates a replication would create {}, more than the {MAX_EXPECTED_CLIENTS:.0e} a run can simulate in reasonable time: shorten the horizon or lower the rates",
                    if expected.is_finite() {
                        format!("about {expected:.3e} clients")
                    } else {
                        "more clients than a number can hold".to_string()
                    }
                ),
            ));
        }
        let services = Self::services(s)?;
        let offices = Self::offices(s, demand.geography.is_some(), &services)?;
        let mut policies = Vec::with_capacity(s.policies.len());
        let mut names = HashSet::new();
        if s.policies.is_empty() {
            return Err(ScenarioError::at(
                "policy",
                format!(
                    "needs at least one `[[policy]]` with a `kind`; kinds: {}",
                    crate::policy::POLICY_KINDS
                ),
            ));
        }
        for (i, p) in s.policies.iter().enumerate() {
            let spec = PolicySpec::from_section(p, &format!("policy[{i}]"), offices.len(), demand.geography.is_some())?;
            unique_name(&mut names, &spec.name, format!("policy[{i}].name"), "policy")?;
            policies.push(spec);
        }
        let services_levels = services.iter().map(|s| s.level).max().unwrap_or(0) + 1;
        let mut model = Model {
            name: s.name.clone().unwrap_or_else(|| "unnamed scenario".into()),
            run,
            sources: demand.sources,
            geography: demand.geography,
            zones: demand.zones,
            origins: demand.origins,
            services,
            offices,
            policies,
            calendar,
            priority_levels: services_levels,
            booking: None,
            backlog,
            trace,
        };
        let mean_service: Vec<f64> = (0..model.offices.len())
            .map(|i| model.office_mean_service(i) / model.offices[i].speed)
            .collect();
        model.booking = Booking::from_scenario(s, &model.services, &model.offices, &mean_service)?;
        model.check_auto_warmup()?;
        model.check_pooled()
    }

    /// Reads `[arrivals] trace`: refuses the keys that describe sampled arrivals beside it.
    fn trace(
        s: &Scenario,
        file: &str,
        read: &dyn Fn(&str) -> Result<String, String>,
        demand: &Demand,
    ) -> Result<(Trace, Option<usize>), ScenarioError> {
        let a = &s.arrivals;
        let sampled = [
            ("rate", a.rate.is_some()),
            ("schedule", a.schedule.is_some()),
            ("scale", a.scale.is_some()),
            ("days", a.days.is_some()),
            ("process", a.process.is_some()),
        ];
        if let Some((key, _)) = sampled.iter().find(|(_, set)| *set) {
            return Err(ScenarioError::at(
                format!("arrivals.{key}"),
                "describes sampled arrivals; with `trace` the recorded clients arrive instead: drop one of them",
            ));
        }
        if let Some(i) = s.zones.iter().position(|z| z.rate.is_some() || z.schedule.is_some()) {
            return Err(ScenarioError::at(
                format!("zone[{i}].rate"),
                "a zone's own arrivals are sampled; with `[arrivals] trace` the recorded clients arrive instead",
            ));
        }
        let text = read(file).map_err(|e| ScenarioError::at("arrivals.trace", e))?;
        let weights: Vec<(usize, f64)> = demand
            .sources
            .first()
            .map(|src| {
                let mut before = 0.0;
                src.origins
                    .iter()
                    .zip(&src.origin_cdf)
                    .map(|(&o, &c)| {
                        let w = c - before;
                        before = c;
                        (o, w)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Trace::read(
            s,
            file,
            &text,
            &demand.zones,
            demand.geography.is_some(),
            &demand.origins,
            &weights,
        )
    }

    /// `warmup = "auto"` looks for the end of the initial transient of a process that settles
    /// into a steady state: refuse it where the system restarts every day or its demand changes
    /// over time, since there the "transient" is the whole point of the run and a truncation
    /// rule would only cut away a part of the day.
    fn check_auto_warmup(&self) -> Result<(), ScenarioError> {
        if !self.run.auto_warmup {
            return Ok(());
        }
        let refuse = |why: String| {
            Err(ScenarioError::at(
                "run.warmup",
                format!(
                    "`auto` needs a steady-state run (a constant arrival rate, no weekday factors, offices open all the time with fixed counters), but {why}: give the warm-up as a time instead, e.g. warmup = \"2h\""
                ),
            ))
        };
        if self.trace.is_some() {
            return refuse("the arrivals replay a recorded trace, which ends".into());
        }
        for src in &self.sources {
            let p = &src.profile;
            let constant = matches!(p.pieces.as_slice(), [one] if one.start <= 0.0 && one.end >= arrivals::DAY);
            if !constant {
                return refuse("the arrivals follow a daily schedule".into());
            }
            if p.week.iter().any(|&f| f != p.week[0]) {
                return refuse("`arrivals.days` makes demand change by weekday".into());
            }
        }
        if let Some(o) = self.offices.iter().find(|o| !o.hours.always_open) {
            return refuse(format!("office `{}` has opening hours or shifts", o.name));
        }
        Ok(())
    }

    /// `pooled` pools always-open counters that offer every service: refuse it elsewhere.
    fn check_pooled(self) -> Result<Model, ScenarioError> {
        if let Some(i) = self
            .policies
            .iter()
            .position(|p| p.kind == crate::policy::PolicyKind::Pooled)
        {
            if !self.poolable() {
                return Err(ScenarioError::at(
                    format!("policy[{i}].kind"),
                    "`pooled` (all counters as one queue) needs offices that offer every service, have no capacity limit and are not virtual",
                ));
            }
        }
        Ok(self)
    }

    fn run_settings(s: &Scenario) -> Result<RunSettings, ScenarioError> {
        let r = &s.run;
        let horizon = r.horizon.get();
        if horizon <= 0.0 {
            return Err(ScenarioError::at(
                "run.horizon",
                "must be greater than 0 (minutes during which clients arrive)",
            ));
        }
        let (warmup, auto_warmup) = match r.warmup {
            None => (0.0, false),
            Some(crate::scenario::Warmup::Time(w)) => (w.get(), false),
            Some(crate::scenario::Warmup::Auto) => (0.0, true),
        };
        if warmup >= horizon {
            return Err(ScenarioError::at(
                "run.warmup",
                format!("must be less than the horizon ({horizon} min), got {warmup} min"),
            ));
        }
        let replications = r.replications.unwrap_or(10);
        if replications == 0 {
            return Err(ScenarioError::at("run.replications", "must be 1 or more"));
        }
        let target = r.target.map(|t| t.get());
        let sample = r.sample.map_or(15.0, |m| m.get());
        if !(sample > 0.0 && sample <= 1440.0) {
            return Err(ScenarioError::at(
                "run.sample",
                format!("must be more than 0 and at most a day (1440 min), got {sample} min"),
            ));
        }
        // The series folds days onto one office day: each office holds a value per interval of
        // the day whatever the horizon, and `timeseries.csv` gets a row per value and policy.
        let offices = s.offices.len().max(1) as f64;
        let finest = arrivals::DAY * offices / MAX_SERIES_VALUES as f64;
        if sample < finest {
            let intervals = (arrivals::DAY / sample).ceil();
            return Err(ScenarioError::at(
                "run.sample",
                format!(
                    "{sample} min makes {intervals} intervals a day at each of {offices} office(s), {} values of the time series per replication; at most {MAX_SERIES_VALUES} are allowed (offices × 1440 / sample): use a sample of at least {finest} min",
                    intervals * offices
                ),
            ));
        }
        Ok(RunSettings {
            horizon,
            warmup,
            auto_warmup,
            replications,
            seed: r.seed.unwrap_or(1),
            target,
            sample,
        })
    }

    fn services(s: &Scenario) -> Result<Vec<Service>, ScenarioError> {
        if s.services.is_empty() {
            return Err(ScenarioError::at(
                "service",
                "needs at least one `[[service]]` with a `name` and a `duration`",
            ));
        }
        let single = s.services.len() == 1;
        let mut names = HashSet::new();
        let mut services = Vec::with_capacity(s.services.len());
        for (i, sv) in s.services.iter().enumerate() {
            let path = format!("service[{i}]");
            let at = |key: &str, m: String| ScenarioError::at(format!("{path}.{key}"), m);
            unique_name(&mut names, &sv.name, format!("{path}.name"), "service")?;
            let share = match sv.share {
                None if single => 1.0,
                None => {
                    return Err(at(
                        "share",
                        "is required when there are several services (shares sum to 1)".into(),
                    ))
                }
                Some(x) if x.is_finite() && (0.0..=1.0).contains(&x) => x,
                Some(x) => return Err(at("share", format!("must be between 0 and 1, got {x}"))),
            };
            let duration = Dist::from_spec(&sv.duration, &format!("{path}.duration"))?;
            let patience = sv
                .patience
                .as_ref()
                .map(|p| Dist::from_spec(p, &format!("{path}.patience")))
                .transpose()?;
            let probability = match sv.balk_probability {
                None => 1.0,
                Some(p) if (0.0..=1.0).contains(&p) => p,
                Some(p) => {
                    return Err(at(
                        "balk_probability",
                        format!("must be a probability between 0 and 1, got {p}"),
                    ))
                }
            };
            let balk = match (sv.balk_above, sv.balk_probability) {
                (Some(above), _) => Some(Balk { above, probability }),
                (None, Some(_)) => {
                    return Err(at(
                        "balk_probability",
                        "goes with `balk_above`, the queue length beyond which clients balk".into(),
                    ))
                }
                (None, None) => None,
            };
            let share_of = |key: &str, value: Option<f64>| match value {
                None => Ok(0.0),
                Some(x) if (0.0..=1.0).contains(&x) => Ok(x),
                Some(x) => Err(at(key, format!("must be a share between 0 and 1, got {x}"))),
            };
            let online_share = share_of("online_share", sv.online_share)?;
            let book_share = share_of("book_share", sv.book_share)?;
            let no_show = share_of("no_show", sv.no_show)?;
            // Without `book_share` these keys are surely a mistake; with `book_share = 0` (a sweep's
            // point, say) they simply have no effect.
            if sv.book_share.is_none() {
                let given = [
                    ("no_show", sv.no_show.is_some()),
                    ("lateness", sv.lateness.is_some()),
                    ("early", sv.early.is_some()),
                ];
                if let Some((key, _)) = given.iter().find(|(_, set)| *set) {
                    return Err(at(
                        key,
                        "describes booked clients: it needs `book_share`, the share of clients who book".into(),
                    ));
                }
            }
            let lateness = sv
                .lateness
                .as_ref()
                .map(|d| Dist::from_spec(d, &format!("{path}.lateness")))
                .transpose()?;
            services.push(Service {
                name: sv.name.clone(),
                share,
                duration,
                patience,
                priority: sv.priority.unwrap_or(0),
                level: 0,
                balk,
                online_share,
                book_share,
                no_show,
                lateness,
                early: sv.early.map_or(0.0, |e| e.get()),
            });
        }
        let total: f64 = services.iter().map(|s| s.share).sum();
        if (total - 1.0).abs() > SHARE_TOLERANCE {
            return Err(ScenarioError::at(
                "service[0].share",
                format!("service shares must sum to 1, they sum to {total}"),
            ));
        }
        let mut priorities: Vec<i64> = services.iter().map(|s| s.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        for sv in &mut services {
            // Every priority is in the list it was collected from: `Err` cannot happen, and
            // its insertion point would be the same index anyway.
            sv.level = priorities.binary_search(&sv.priority).unwrap_or_else(|i| i);
        }
        Ok(services)
    }

    fn offices(s: &Scenario, geography: bool, services: &[Service]) -> Result<Vec<Office>, ScenarioError> {
        if s.offices.is_empty() {
            return Err(ScenarioError::at(
                "office",
                "needs at least one `[[office]]` with a `name`",
            ));
        }
        let mut names = HashSet::new();
        let offices = s
            .offices
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let path = format!("office[{i}]");
                let at = |key: &str, m: String| ScenarioError::at(format!("{path}.{key}"), m);
                unique_name(&mut names, &o.name, format!("{path}.name"), "office")?;
                let counters = o.counters.unwrap_or(1);
                if !(1..=MAX_COUNTERS).contains(&counters) {
                    return Err(at(
                        "counters",
                        format!("must be between 1 and {MAX_COUNTERS}, got {counters}"),
                    ));
                }
                let speed = o.speed.unwrap_or(1.0);
                // A speed near 0 makes service durations infinite: a thousandth is slow enough.
                if !(speed.is_finite() && speed >= 1e-3) {
                    return Err(at(
                        "speed",
                        format!(
                            "must be a finite number of at least 0.001, got {}",
                            crate::scenario::show(speed)
                        ),
                    ));
                }
                let is_virtual = o.is_virtual.unwrap_or(false);
                let location = match (o.location, geography, is_virtual) {
                    (Some(_), _, true) => {
                        return Err(at(
                            "location",
                            "a virtual office has no location: its clients do not travel".into(),
                        ))
                    }
                    (None, _, true) | (None, false, false) => None,
                    (Some(p), true, false) => {
                        geography::finite_point(&p, format!("{path}.location"))?;
                        Some(p)
                    }
                    (None, true, false) => {
                        return Err(at(
                            "location",
                            "with `[geography]` every office needs `location = [x_km, y_km]`".into(),
                        ))
                    }
                    (Some(_), false, false) => {
                        return Err(at(
                            "location",
                            "office locations need a `[geography]` section (metric, speed_kmh, overhead) and zones"
                                .into(),
                        ))
                    }
                };
                let hours = OfficeHours::from_sections(o.hours.as_ref(), o.shifts.as_deref(), counters, &path)?;
                let capacity = match o.capacity {
                    None => None,
                    Some(k) if k >= hours.max_counters() => Some(k),
                    Some(k) => {
                        return Err(at(
                            "capacity",
                            format!(
                                "must be at least the counters ({}): it counts those in service too, got {k}",
                                hours.max_counters()
                            ),
                        ))
                    }
                };
                let on_full = match o.on_full.as_deref() {
                    None | Some("lost") => OnFull::Lost,
                    Some("next") => OnFull::Next,
                    Some(other) => return Err(at("on_full", format!("unknown rule `{other}`; allowed: lost, next"))),
                };
                if o.on_full.is_some() && capacity.is_none() {
                    return Err(at("on_full", "applies to a full office: it needs `capacity`".into()));
                }
                if on_full == OnFull::Next && is_virtual {
                    return Err(at(
                        "on_full",
                        "online clients stay online: a full virtual office blocks (`lost`), it sends no one on".into(),
                    ));
                }
                let at_close = match o.at_close.as_deref() {
                    None | Some("serve") => AtClose::Serve,
                    Some("turn-away") => AtClose::TurnAway,
                    Some(other) => {
                        return Err(at(
                            "at_close",
                            format!("unknown rule `{other}`; allowed: serve, turn-away"),
                        ))
                    }
                };
                let offers = match &o.services {
                    None => vec![true; services.len()],
                    Some(list) => {
                        if list.is_empty() {
                            return Err(at("services", "lists no service; leave it out to offer all".into()));
                        }
                        let mut offers = vec![false; services.len()];
                        for (k, name) in list.iter().enumerate() {
                            let Some(id) = services.iter().position(|s| &s.name == name) else {
                                let known: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
                                return Err(ScenarioError::at(
                                    format!("{path}.services[{k}]"),
                                    format!("unknown service `{name}`; the services are: {}", known.join(", ")),
                                ));
                            };
                            offers[id] = true;
                        }
                        offers
                    }
                };
                Ok(Office {
                    name: o.name.clone(),
                    counters,
                    speed,
                    location,
                    capacity,
                    on_full,
                    hours,
                    at_close,
                    offers,
                    is_virtual,
                })
            })
            .collect::<Result<Vec<Office>, ScenarioError>>()?;
        for (k, sv) in services.iter().enumerate() {
            let reach = |virt: bool| offices.iter().any(|o| o.is_virtual == virt && o.offers[k]);
            if sv.online_share > 0.0 && !reach(true) {
                return Err(ScenarioError::at(
                    format!("service[{k}].online_share"),
                    format!("no virtual office (`virtual = true`) offers `{}`", sv.name),
                ));
            }
            if sv.online_share < 1.0 && sv.share > 0.0 && !reach(false) {
                return Err(ScenarioError::at(
                    format!("service[{k}].name"),
                    format!("no office offers `{}`: list it in some office's `services`", sv.name),
                ));
            }
        }
        if offices.iter().all(|o| o.is_virtual) {
            return Err(ScenarioError::at(
                "office",
                "needs at least one office that is not virtual",
            ));
        }
        Ok(offices)
    }

    /// Whether `pooled` is defined here: every office offers every service, has no capacity
    /// limit, and no client goes online (opening hours are fine: closed counters do not serve).
    pub fn poolable(&self) -> bool {
        self.offices
            .iter()
            .all(|o| o.capacity.is_none() && !o.is_virtual && o.offers.iter().all(|&x| x))
            && self.services.iter().all(|s| s.online_share == 0.0)
    }

    /// The mean service duration at office `i` (speed 1) over the services it offers, weighted
    /// by their shares; the whole mix's mean if it offers none with a positive share.
    pub fn office_mean_service(&self, i: usize) -> f64 {
        let offers = &self.offices[i].offers;
        let (weight, sum) = self
            .services
            .iter()
            .zip(offers)
            .filter(|(_, &offered)| offered)
            .fold((0.0, 0.0), |(w, m), (s, _)| {
                (w + s.share, m + s.share * s.duration.mean())
            });
        if weight > 0.0 {
            sum / weight
        } else {
            self.mean_service()
        }
    }

    /// The mean service duration over the demand mix at speed 1.
    pub fn mean_service(&self) -> f64 {
        self.services.iter().map(|s| s.share * s.duration.mean()).sum()
    }

    /// Total counters, weighted by speed: the network's service capacity in counter units.
    pub fn capacity(&self) -> f64 {
        self.offices.iter().map(|o| f64::from(o.counters) * o.speed).sum()
    }

    /// Offered load of the whole network at arrival rate `rate`: `rate * E[S] / capacity`.
    pub fn load_at(&self, rate: f64) -> f64 {
        rate * self.mean_service() / self.capacity()
    }

    /// Offered load of office `i` at arrival rate `rate` if each service's clients were split
    /// evenly among the offices that offer it: its walk-in clients among the physical offices
    /// offering it, its online clients among the virtual ones.
    ///
    /// That is what `random` does: it draws uniformly among the candidates that offer the
    /// client's service (and online clients never reach a physical office). Splitting all
    /// clients by the number of offices instead would give an office that alone offers a
    /// service too little of that service's load, and miss its overload. Ignored here, as in
    /// an even split: a `reach` limit, opening hours and full offices, which narrow the
    /// candidates of some clients.
    pub fn office_load_even_split(&self, i: usize, rate: f64) -> f64 {
        let o = &self.offices[i];
        let work: f64 = self
            .services
            .iter()
            .enumerate()
            .filter(|&(k, _)| o.offers[k])
            .map(|(k, s)| {
                let channel = if o.is_virtual {
                    s.online_share
                } else {
                    1.0 - s.online_share
                };
                // At least 1: office `i` itself is one of them.
                let peers = self
                    .offices
                    .iter()
                    .filter(|p| p.is_virtual == o.is_virtual && p.offers[k])
                    .count() as f64;
                rate * s.share * channel / peers * s.duration.mean()
            })
            .sum();
        // Durations are at speed 1: the office's speed divides them.
        work / (f64::from(o.counters) * o.speed)
    }

    /// Average arrival rate over the times of the horizon when clients arrive at all (the
    /// opening pieces of a daily schedule), clients per minute, all sources together.
    pub fn mean_rate(&self) -> f64 {
        let h = self.run.horizon;
        let active = self
            .sources
            .iter()
            .map(|s| s.profile.active_minutes(h))
            .fold(0.0, f64::max);
        let expected: f64 = self.sources.iter().map(|s| s.profile.expected_arrivals(h)).sum();
        if active > 0.0 {
            expected / active
        } else {
            0.0
        }
    }

    /// The highest total arrival rate at any time of the week, clients per minute.
    pub fn peak_rate(&self) -> f64 {
        let starts: Vec<f64> = self
            .sources
            .iter()
            .flat_map(|s| s.profile.pieces.iter().map(|p| p.start))
            .collect();
        (0..7)
            .flat_map(|day| starts.iter().map(move |&tod| f64::from(day) * DAY + tod))
            .map(|t| self.sources.iter().map(|s| s.profile.rate_at(t)).sum::<f64>())
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario;

    /// Two one-counter offices, A offering `common` only and B both services, half the clients
    /// each, service mean 1, 1.6 clients a minute. `random` sends the `special` clients (0.8/min)
    /// all to B and splits the `common` ones (0.8/min) evenly: B gets 1.2, A 0.4.
    #[test]
    fn even_split_follows_the_services_each_office_offers() {
        let model = scenario::load(
            r#"
            [run]
            horizon = 1000
            [arrivals]
            rate = 1.6
            [[service]]
            name = "common"
            share = 0.5
            duration = { dist = "exponential", mean = 1 }
            [[service]]
            name = "special"
            share = 0.5
            duration = { dist = "exponential", mean = 1 }
            [[office]]
            name = "A"
            services = ["common"]
            [[office]]
            name = "B"
            [[policy]]
            kind = "random"
            "#,
        )
        .unwrap();
        let (a, b) = (
            model.office_load_even_split(0, 1.6),
            model.office_load_even_split(1, 1.6),
        );
        assert!((a - 0.4).abs() < 1e-12, "A: {a}");
        assert!((b - 1.2).abs() < 1e-12, "B: {b}");
        // Between them the offices carry the network's whole work (one counter each).
        assert!((a + b - model.load_at(1.6) * model.capacity()).abs() < 1e-12);
    }

    /// Per service: durations differ by service and speed divides them; online clients are
    /// split among the virtual offices offering their service, walk-ins among the physical ones.
    #[test]
    fn even_split_weighs_durations_speed_and_channels() {
        let model = scenario::load(
            r#"
            [run]
            horizon = 1000
            [arrivals]
            rate = 1
            [[service]]
            name = "short"
            share = 0.6
            duration = { dist = "deterministic", value = 2 }
            online_share = 0.5
            [[service]]
            name = "long"
            share = 0.4
            duration = { dist = "deterministic", value = 10 }
            [[office]]
            name = "Fast"
            counters = 2
            speed = 2
            [[office]]
            name = "Short-only"
            counters = 3
            services = ["short"]
            [[office]]
            name = "Web"
            virtual = true
            services = ["short"]
            [[policy]]
            kind = "random"
            "#,
        )
        .unwrap();
        let load = |i| model.office_load_even_split(i, 1.0);
        // Walk-in `short`: 0.3/min over two offices; `long`: 0.4/min at Fast alone.
        let fast = (0.15 * 2.0 + 0.4 * 10.0) / (2.0 * 2.0);
        let short_only = 0.15 * 2.0 / 3.0;
        // Online `short`: 0.3/min at the one virtual office.
        let web = 0.3 * 2.0;
        for (i, want) in [fast, short_only, web].into_iter().enumerate() {
            assert!((load(i) - want).abs() < 1e-12, "office {i}: {} against {want}", load(i));
        }
    }

    /// A scenario with `offices` one-counter offices, a one-day horizon and `sample`.
    fn sampled(offices: usize, sample: &str) -> Result<super::Model, crate::scenario::ScenarioError> {
        let offices: String = (0..offices).map(|i| format!("[[office]]\nname = \"O{i}\"\n")).collect();
        scenario::load(&format!(
            "[run]\nhorizon = 1000\nsample = {sample}\n[arrivals]\nrate = 0.5\n\
             [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1 }}\n\
             {offices}[[policy]]\nkind = \"random\"\n"
        ))
    }

    /// Regression: `sample = 0.0001` wrote a 324 MB `timeseries.csv` (14.4 million intervals a
    /// day at the office). The time series is refused beyond a million values a replication
    /// (offices times intervals of the day), naming the key, the bound and the finest sample.
    #[test]
    fn a_time_series_finer_than_the_cap_is_refused() {
        let err = sampled(1, "0.0001").unwrap_err();
        assert_eq!(err.path, "run.sample");
        for part in [
            "14400000 intervals",
            "1 office",
            "at most 1000000",
            "at least 0.00144 min",
        ] {
            assert!(err.message.contains(part), "lacks `{part}`: {}", err.message);
        }
        // The bound itself is allowed; with two offices the finest sample doubles.
        assert_eq!(sampled(1, "0.00144").unwrap().run.sample, 0.00144);
        let err = sampled(2, "0.00144").unwrap_err();
        assert!(err.message.contains("at least 0.00288 min"), "{}", err.message);
        assert!(sampled(2, "0.00288").is_ok());
        // The default quarter of an hour leaves room for ten thousand offices.
        assert!(sampled(300, "\"15min\"").is_ok());
    }
}
