//! The scenario as written in a TOML file: serde structs that mirror the file one to one.
//!
//! Nothing here checks meaning beyond types and known keys; [`crate::model::Model::from_scenario`]
//! turns a [`Scenario`] into a validated model and reports every problem with its key path.
//! Unknown keys are errors (`deny_unknown_fields`), so a typo never passes silently.

mod error;
mod locate;
pub mod overrides;
mod units;

pub use error::{Location, ScenarioError};
pub use overrides::{load_with_overrides, LoadError, Override, OverrideError};
pub(crate) use units::show;
pub use units::{parse_time, Minutes, Warmup, MAX_MINUTES, TIME_FORMS};

use serde::Deserialize;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A human-readable title, used in reports.
    pub name: Option<String>,
    /// Free text describing the scenario.
    pub description: Option<String>,
    /// How long to simulate and how often.
    pub run: RunSection,
    /// How clients arrive (optional when every zone has its own arrivals).
    #[serde(default)]
    pub arrivals: ArrivalsSection,
    /// Distances and travel times.
    pub geography: Option<GeographySection>,
    /// The weekday of the first simulated day.
    #[serde(default)]
    pub calendar: CalendarSection,
    /// Districts where clients start (`[[zone]]`).
    #[serde(rename = "zone", default)]
    pub zones: Vec<ZoneSection>,
    /// The service types (`[[service]]`).
    #[serde(rename = "service", default)]
    pub services: Vec<ServiceSection>,
    /// The offices (`[[office]]`).
    #[serde(rename = "office", default)]
    pub offices: Vec<OfficeSection>,
    /// The allocation policies to compare (`[[policy]]`); the first is the baseline.
    #[serde(rename = "policy", default)]
    pub policies: Vec<PolicySection>,
    /// Appointments: slot calendars and how booked clients are served.
    pub booking: Option<BookingSection>,
    /// Candidate sites for new offices (`[[site]]`), read by `nobat size --add offices`.
    #[serde(rename = "site", default)]
    pub sites: Vec<SiteSection>,
}

/// `[[site]]`: a place where a new office could open; only `nobat size --add offices` reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    /// A unique name, the new office's name (distinct from every office's).
    pub name: String,
    /// Where the office would be, `[x_km, y_km]` (required with `[geography]`).
    pub location: Option<[f64; 2]>,
    /// Its counters (default 1).
    pub counters: Option<u32>,
    /// What opening it costs, in any unit (default 1: then the fewest offices is the cheapest).
    pub cost: Option<f64>,
    /// Its opening hours, as `office.hours` (default: always open).
    pub hours: Option<Hours>,
}

/// `[run]`: horizon, warm-up, replications and seed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Simulated time during which clients arrive.
    pub horizon: Minutes,
    /// Clients arriving before this time are simulated but not counted (default 0); `"auto"`
    /// chooses it per replication (MSER-5).
    pub warmup: Option<Warmup>,
    /// Independent replications per policy (default 10).
    pub replications: Option<u32>,
    /// The base seed every random stream derives from (default 1).
    pub seed: Option<u64>,
    /// The wait target behind `sla_share`, in minutes.
    pub target: Option<Minutes>,
    /// The interval of `timeseries.csv` (default 15 minutes).
    pub sample: Option<Minutes>,
}

/// `[arrivals]`: a constant Poisson rate or a daily piecewise-constant schedule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsSection {
    /// Clients per minute.
    pub rate: Option<f64>,
    /// A daily profile of rates by clock time, repeated every day of the horizon.
    pub schedule: Option<Vec<ScheduleEntry>>,
    /// A factor multiplying every arrival rate (default 1).
    pub scale: Option<f64>,
    /// Factors by weekday multiplying the arrival rate, e.g. `{ sat = 1.2, thu = 0.5, fri = 0 }`.
    pub days: Option<std::collections::BTreeMap<String, f64>>,
    /// `"poisson"` (default) or `"regular"`: clients evenly spaced in expected arrivals, with
    /// no randomness (one every `1/rate` minutes at a constant rate, the first at `1/(2 rate)`;
    /// `n` in a window of `n` expected clients, all inside it).
    pub process: Option<String>,
    /// Recorded clients to replay instead of sampling arrivals: a CSV file, relative to the
    /// scenario's folder (see [`crate::model::Trace`]).
    pub trace: Option<String>,
    /// Clients waiting at every office's door when it opens (each office may set its own).
    pub backlog: Option<BacklogSpec>,
    /// At which openings the backlog is there: `"first"` (default, the run's first opening) or
    /// `"after-closed"` (also the first opening after a day without any).
    pub backlog_days: Option<String>,
}

/// A backlog as written: a whole number of clients, or a distribution of the count
/// (`{ dist = "poisson", mean = 12 }`, or any duration family, rounded).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum BacklogSpec {
    /// Always this many clients.
    Count(u32),
    /// A random count.
    Dist(DistSpec),
}

/// One piece of a daily arrival schedule: clients per hour between two clock times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// Start of the piece (clock time within the day).
    pub from: Minutes,
    /// End of the piece (clock time within the day, up to `"24:00"`).
    pub to: Minutes,
    /// Clients per hour during the piece.
    pub per_hour: f64,
}

/// `[geography]`: how distance becomes travel time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeographySection {
    /// `"euclidean"` (default) or `"manhattan"`.
    pub metric: Option<String>,
    /// Average travel speed, km per hour.
    pub speed_kmh: f64,
    /// Fixed time added to every trip (default 0).
    pub overhead: Option<Minutes>,
    /// A CSV file of origin points (`x_km,y_km,weight[,zone]`), instead of `[[zone]]`.
    pub origins: Option<String>,
}

/// `[[zone]]`: a district where clients start, a point or a rectangle.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSection {
    /// A unique name.
    pub name: String,
    /// A point `[x_km, y_km]`.
    pub location: Option<[f64; 2]>,
    /// A rectangle `[x0_km, y0_km, x1_km, y1_km]`; clients start uniformly inside it.
    pub area: Option<[f64; 4]>,
    /// This zone's share of `[arrivals]` (normalised over the zones).
    pub weight: Option<f64>,
    /// This zone's own arrivals, clients per minute (instead of a weight).
    pub rate: Option<f64>,
    /// This zone's own daily schedule (instead of a weight).
    pub schedule: Option<Vec<ScheduleEntry>>,
}

/// `[[service]]`: one type of case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    /// A unique name.
    pub name: String,
    /// This service's share of demand; shares must sum to 1 (default 1 with a single service).
    pub share: Option<f64>,
    /// The service duration distribution at an office of speed 1.
    pub duration: DistSpec,
    /// How long a client waits in the queue before leaving unserved (default: forever).
    pub patience: Option<DistSpec>,
    /// Smaller is served first, without interrupting a service (default 0).
    pub priority: Option<i64>,
    /// A client balks (leaves at once) when it finds more than this many clients waiting.
    pub balk_above: Option<u32>,
    /// The probability that a client who finds the queue too long balks (default 1).
    pub balk_probability: Option<f64>,
    /// The share of clients who use the virtual window instead of an office (default 0).
    pub online_share: Option<f64>,
    /// The share of (non-online) clients who book an appointment rather than walk in (default 0).
    pub book_share: Option<f64>,
    /// The probability that a booked client does not come (default 0).
    pub no_show: Option<f64>,
    /// How late a booked client arrives after `slot time - early` (default 0).
    pub lateness: Option<DistSpec>,
    /// How early before its slot a booked client aims to arrive (default 0).
    pub early: Option<Minutes>,
}

/// `[[office]]`: one office.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeSection {
    /// A unique name.
    pub name: String,
    /// Parallel servers (default 1).
    pub counters: Option<u32>,
    /// A factor dividing service durations at this office (default 1).
    pub speed: Option<f64>,
    /// Where the office is, `[x_km, y_km]` (required with `[geography]`, except virtual).
    pub location: Option<[f64; 2]>,
    /// The most clients present (waiting plus in service); beyond it a client is blocked.
    pub capacity: Option<u32>,
    /// What a blocked client does: `"lost"` (default) or `"next"` (the policy's next choice).
    pub on_full: Option<String>,
    /// Opening hours: `"08:00-14:00"` (breaks: `"08:00-12:00, 13:00-16:00"`), or a table by
    /// weekday (`default`, `sat` ... `fri`, a value `"closed"` for a closed day).
    pub hours: Option<Hours>,
    /// Counters by time of day within the opening hours (default: `counters` all day).
    pub shifts: Option<Vec<ShiftEntry>>,
    /// At the last closing of a day: `"serve"` those inside (default) or `"turn-away"` the queue.
    pub at_close: Option<String>,
    /// The services this office offers (default: all).
    pub services: Option<Vec<String>>,
    /// An online channel: no location, no travel; clients reach it by `online_share`.
    #[serde(rename = "virtual")]
    pub is_virtual: Option<bool>,
    /// This office's slot calendar, overriding `[booking] slots` key by key.
    pub slots: Option<SlotSection>,
    /// Clients already waiting when it opens (overrides `[arrivals] backlog`).
    pub backlog: Option<BacklogSpec>,
}

/// Opening hours: one string for every day, or a table by weekday.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Hours {
    /// The same hours every day.
    Daily(String),
    /// Hours by weekday: keys `default`, `sat`, `sun`, `mon`, `tue`, `wed`, `thu`, `fri`.
    ByDay(std::collections::BTreeMap<String, String>),
}

/// Counters working between two clock times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftEntry {
    /// Start (clock time).
    pub from: Minutes,
    /// End (clock time, up to `"24:00"`).
    pub to: Minutes,
    /// Counters working.
    pub counters: u32,
}

/// `[calendar]`: which weekday the first simulated day is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSection {
    /// The weekday of day 0: `sat` (default), `sun`, `mon`, `tue`, `wed`, `thu`, `fri`.
    pub first_day: Option<String>,
}

/// `[[policy]]`: one allocation policy to compare.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// A unique name used in the reports (default: the kind).
    pub name: Option<String>,
    /// Which rule: see [`crate::policy::POLICY_KINDS`].
    pub kind: String,
    /// Offices sampled by `power-of-d` (and by a `join-idle` fallback of that kind).
    pub d: Option<u32>,
    /// Only the `k` nearest offices are considered.
    pub candidates: Option<u32>,
    /// Only offices within this many km are considered (the nearest one if none is).
    pub radius_km: Option<f64>,
    /// How often the crowding board is refreshed (0 = live, the default).
    pub refresh: Option<Minutes>,
    /// What the board shows: `"expected-wait"` (default) or `"waiting"`.
    pub shows: Option<String>,
    /// Share of clients who follow the policy; the others go to their nearest office (default 1).
    pub compliance: Option<f64>,
    /// Weight of a minute of travel against a minute of wait (`travel-plus-wait`,
    /// `board-corrected`; default 1).
    pub travel_weight: Option<f64>,
    /// Logit sensitivity to travel, per minute (`logit-choice`).
    pub a: Option<f64>,
    /// Logit sensitivity to the announced wait, per minute (`logit-choice`).
    pub b: Option<f64>,
    /// The policy used by `join-idle` when no candidate has an idle counter (default `random`).
    pub fallback: Option<String>,
    /// How booking clients get a slot: `"own-office"` (default), `"earliest-slot"` or `"central"`.
    pub booking: Option<String>,
}

/// `[booking]`: the offices' slot calendars and how booked clients are served.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingSection {
    /// The slot calendar of every office (each office may override it with its own `slots`).
    #[serde(default)]
    pub slots: SlotSection,
    /// Whether a client may book a slot on the day it asks (default true).
    pub same_day: Option<bool>,
    /// The longest a client accepts to wait for a slot; beyond it, it walks in instead.
    pub max_lead: Option<Minutes>,
    /// `"booked-first"` (default: booked clients go before walk-ins) or `"reserved"` (some
    /// counters serve booked clients only; see `reserved_counters`).
    pub serve: Option<String>,
    /// Counters of each office that serve booked clients only (with `serve = "reserved"`).
    pub reserved_counters: Option<u32>,
}

/// A slot calendar: slots cut from the opening hours, each taking some clients.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotSection {
    /// Length of a slot (default: the office's mean service time).
    pub length: Option<Minutes>,
    /// Clients per slot (default: the counters open at the slot's start; 0 = no bookings).
    pub clients: Option<u32>,
    /// Clients in the first slot of each opening (the Bailey–Welch rule is 2 with one counter).
    pub first: Option<u32>,
    /// A factor on the bookable clients of each opening (default 1; above 1 overbooks, below 1
    /// holds capacity back for walk-ins).
    pub overbook: Option<f64>,
    /// How many days ahead a slot can be booked, counting today as 0 (default 14).
    pub days_ahead: Option<u32>,
}

/// A distribution as written: `{ dist = "lognormal", mean = 10, cv = 0.6 }`.
///
/// Which parameters a family takes is checked by [`crate::dist::Dist::from_spec`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    /// The family's name.
    pub dist: String,
    /// Mean (exponential, lognormal, gamma, erlang).
    pub mean: Option<Minutes>,
    /// The constant (deterministic).
    pub value: Option<Minutes>,
    /// Lower bound (uniform, triangular).
    pub min: Option<Minutes>,
    /// Upper bound (uniform, triangular).
    pub max: Option<Minutes>,
    /// Most likely value (triangular).
    pub mode: Option<Minutes>,
    /// Coefficient of variation (lognormal, gamma).
    pub cv: Option<f64>,
    /// Number of phases (erlang).
    pub k: Option<u32>,
    /// Shape (weibull).
    pub shape: Option<f64>,
    /// Scale (weibull).
    pub scale: Option<Minutes>,
    /// Observed values to resample from (empirical).
    pub values: Option<Vec<Minutes>>,
}

impl Scenario {
    /// Parses a scenario from TOML text. Errors carry the line and column of the problem.
    pub fn from_toml(source: &str) -> Result<Scenario, ScenarioError> {
        toml::from_str(source).map_err(|e| ScenarioError::from_toml(&e, source))
    }
}

/// Parses and validates a scenario in one step, locating validation errors in `source`.
///
/// A scenario that names another file (`geography.origins`) needs [`load_with`].
pub fn load(source: &str) -> Result<crate::model::Model, ScenarioError> {
    load_with(source, &|name: &str| {
        Err(format!(
            "cannot read `{name}`: this scenario was given as text, without files"
        ))
    })
}

/// Like [`load`], with `read` returning the text of a file the scenario names (the caller
/// resolves the name, e.g. relative to the scenario's folder).
pub fn load_with(
    source: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<crate::model::Model, ScenarioError> {
    let scenario = Scenario::from_toml(source).map_err(ScenarioError::with_suggestion)?;
    crate::model::Model::from_scenario_with(&scenario, read).map_err(|e| e.locate_in(source).with_suggestion())
}
