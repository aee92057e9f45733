//! Capacity sizing: the smallest addition — counters at existing offices, or new offices at
//! candidate sites — whose result meets a wait target with 95% confidence.
//!
//! - **Target** ([`Target`]): `wait_mean`, `wait_p50/p90/p95/p99` (`<=` minutes) or
//!   `sla_share` (`>=` a share), over all clients or in every office or zone ([`Per`]). A
//!   configuration meets it when the pessimistic end of the 95% Student-t interval across
//!   replications (the upper end for `<=`, the lower for `>=`) does, in every scope; a
//!   percentile's interval is that of the replications' own percentiles. The probability of
//!   waiting is `1 - sla_share` with `run.target = 0` (`P(wait > 0) <= 0.2` is
//!   `sla_share>=0.8` with `--set run.target=0`).
//! - **Search** ([`search`]): greedy — each step simulates every single addition (one more
//!   counter at each office, or each site not yet opened) and keeps the one that most reduces the
//!   worst scope's shortfall per unit of cost, until the target is met; with one office it is
//!   exact (counters are added one at a time). Exact for sites — every set of sites, cheapest
//!   first, the first that meets the target is the answer — when there are at most
//!   [`EXACT_MAX_SITES`] sites (or on request).
//! - **Common random numbers**: every configuration runs the same replications with the same
//!   seed, so candidates face the same clients with the same service requirements.
//!
//! The result is one [`SizingRow`] per step (`sizing.csv`); the last row that meets the target is
//! the answer.

pub mod erlang;
pub mod measure;
pub mod search;
pub mod sites;
pub mod target;

pub use measure::Evaluation;
pub use sites::Site;
pub use target::{Direction, Metric, Per, Target, METRICS};

use crate::engine::{RunControl, SimulationError};
use crate::experiment::RunOptions;
use crate::model::Model;
use crate::report::{write_rows, HeaderOf, Num};
use crate::scenario::overrides::{apply_overrides, KeyPath};
use crate::scenario::{load_with, load_with_overrides, LoadError, Override, Scenario, ScenarioError};
use search::{Config, Judged, Move};
use serde::Serialize;
use std::io;
use toml_edit::{DocumentMut, Item, Value};

/// The most candidate sites for which the automatic search is exact (2^6 - 1 = 63 sets at most).
pub const EXACT_MAX_SITES: usize = 6;

/// Greedy steps allowed when adding counters, unless told otherwise.
pub const DEFAULT_MAX_COUNTERS: u32 = 50;

/// What may be added.
#[derive(Debug, Clone)]
pub enum Add {
    /// Counters at the existing offices (not at those with `shifts`, whose counters vary).
    Counters,
    /// New offices at candidate sites: these, or the scenario's `[[site]]` sections when `None`.
    Offices(Option<Vec<Site>>),
}

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Search {
    /// Exact for at most [`EXACT_MAX_SITES`] sites or a single office, greedy otherwise.
    #[default]
    Auto,
    /// Always greedy.
    Greedy,
    /// Always exact (sites: every set; counters: only with one office that can take them).
    Exact,
}

/// A sizing question.
#[derive(Debug, Clone)]
pub struct Request {
    /// What must hold.
    pub target: Target,
    /// Where it must hold.
    pub per: Per,
    /// The policy to size for (default: the scenario's first).
    pub policy: Option<String>,
    /// What may be added.
    pub add: Add,
    /// How to search.
    pub search: Search,
    /// The most steps (greedy) or sets judged (exact); default [`DEFAULT_MAX_COUNTERS`] for
    /// counters, every site or set for offices.
    pub max_steps: Option<u32>,
    /// Replications, seed and threads (default: the scenario's, all cores).
    pub options: RunOptions,
}

/// Why a sizing could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SizingError {
    /// The scenario or an override is wrong.
    #[error("{0}")]
    Load(LoadError),
    /// The request does not fit the scenario (unknown policy, no sites, ...).
    #[error("{0}")]
    Input(String),
    /// A simulation failed.
    #[error(transparent)]
    Simulation(#[from] SimulationError),
}

/// A row of `sizing.csv`: one per step.
#[derive(Debug, Clone, Serialize)]
pub struct SizingRow {
    /// 0 for the scenario as given, then 1, 2, ...
    pub step: u32,
    /// What this step added: `none`, `counter` or `office` (greedy), `offices` (exact: a set).
    pub added: String,
    /// The office that got the counter, the site opened, or the sites of the set joined by `+`.
    pub office: String,
    /// Counters of all offices after the step.
    pub counters_total: u64,
    /// Offices after the step.
    pub offices_total: usize,
    /// The target's metric in the deciding scope: the mean over replications.
    pub metric: Num,
    /// Half-width of its 95% Student-t interval.
    pub metric_ci95: Num,
    /// Whether the interval's pessimistic end meets the target in every scope.
    pub meets_target: bool,
    /// That end: `metric + metric_ci95` for `<=`, `metric - metric_ci95` for `>=`.
    pub bound: Num,
    /// The deciding scope: `all`, or the office or zone whose bound misses the target most.
    pub worst: String,
    /// The cost of everything added so far (counters count 1 each; sites their `cost`).
    pub cost_total: Num,
}

impl HeaderOf for SizingRow {
    fn header() -> &'static [&'static str] {
        &[
            "step",
            "added",
            "office",
            "counters_total",
            "offices_total",
            "metric",
            "metric_ci95",
            "meets_target",
            "bound",
            "worst",
            "cost_total",
        ]
    }
}

/// The smallest addition found.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The row of `sizing.csv` that is the answer.
    pub row: usize,
    /// Counters added, by office name (only offices that got some).
    pub counters: Vec<(String, u32)>,
    /// Sites opened, by name.
    pub sites: Vec<String>,
    /// Total cost of the addition.
    pub cost: f64,
}

/// The outcome of a sizing.
#[derive(Debug, Clone)]
pub struct Sizing {
    /// The policy sized for.
    pub policy: String,
    /// Replications per configuration.
    pub replications: u32,
    /// The base seed shared by every configuration.
    pub seed: u64,
    /// How the search went, in words.
    pub search: String,
    /// One row per step.
    pub rows: Vec<SizingRow>,
    /// `None` when no addition within the limits meets the target.
    pub answer: Option<Answer>,
    /// Configurations simulated.
    pub evaluations: usize,
}

impl Sizing {
    /// Writes `sizing.csv`.
    pub fn write_csv<W: io::Write>(&self, out: W) -> Result<(), csv::Error> {
        write_rows(out, &self.rows)
    }
}

/// Everything fixed while the search varies what is added.
struct Space<'a> {
    base: DocumentMut,
    read: &'a dyn Fn(&str) -> Result<String, String>,
    offices: Vec<(String, u32)>,
    sites: Vec<Site>,
}

impl Space<'_> {
    /// The model of `config`, or the scenario's objection to it.
    fn model(&self, config: &Config) -> Result<Model, ScenarioError> {
        let mut doc = self.base.clone();
        for (i, &added) in config.counters.iter().enumerate().filter(|(_, &a)| a > 0) {
            let key = KeyPath::parse(&format!("office.{i}.counters"))
                .map_err(|e| ScenarioError::at(format!("office[{i}].counters"), e.to_string()))?;
            Override::new(key, Value::from(i64::from(self.offices[i].1 + added)))
                .apply(&mut doc)
                .map_err(|e| ScenarioError::at(e.path, e.message))?;
        }
        if let Some(tables) = doc.get_mut("office").and_then(Item::as_array_of_tables_mut) {
            for (site, _) in self.sites.iter().zip(&config.sites).filter(|(_, &open)| open) {
                tables.push(site.office.clone());
            }
        }
        load_with(&doc.to_string(), self.read)
    }
}

/// Sizes `source` (with `read` for the files it names and `overrides` applied first) as
/// `request` asks. `progress` is told each row as it is made. Every configuration is
/// simulated under `control`: an interruption or a runaway configuration ends the search with
/// [`SizingError::Simulation`] (kept apart from [`Request`], plain data, as
/// [`crate::experiment::run_experiment_with`] keeps it apart from its options).
pub fn size(
    source: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    overrides: &[Override],
    request: &Request,
    control: &RunControl,
    progress: &mut dyn FnMut(&SizingRow),
) -> Result<Sizing, SizingError> {
    let model = load_with_overrides(source, read, overrides).map_err(SizingError::Load)?;
    let text = if overrides.is_empty() {
        source.to_string()
    } else {
        apply_overrides(source, overrides).map_err(SizingError::Load)?.0
    };
    let input = |m: String| SizingError::Input(m);
    let policy = match &request.policy {
        None => 0,
        Some(name) => model.policies.iter().position(|p| &p.name == name).ok_or_else(|| {
            let names: Vec<&str> = model.policies.iter().map(|p| p.name.as_str()).collect();
            input(format!(
                "no policy is named `{name}`; the policies are: {}",
                names.join(", ")
            ))
        })?,
    };
    let replications = request.options.replications.unwrap_or(model.run.replications);
    if replications < 2 {
        return Err(input(format!(
            "a 95% confidence interval needs 2 replications or more, the run has {replications}: set run.replications or --replications"
        )));
    }
    let seed = request.options.seed.unwrap_or(model.run.seed);
    if request.target.metric == Metric::SlaShare && model.run.target.is_none() {
        return Err(input(
            "`sla_share` is the share of clients served within `run.target`, which the scenario does not set: add it, or --set run.target=MINUTES".into(),
        ));
    }
    let scenario = Scenario::from_toml(&text).map_err(|e| SizingError::Load(LoadError::Scenario(e)))?;
    let base: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| input(e.to_string()))?;
    let sites = match &request.add {
        Add::Counters => Vec::new(),
        Add::Offices(Some(sites)) => sites.clone(),
        Add::Offices(None) => sites::from_scenario(&base, &scenario).map_err(input)?,
    };
    let space = Space {
        base,
        read,
        offices: model.offices.iter().map(|o| (o.name.clone(), o.counters)).collect(),
        sites,
    };
    let start = Config {
        counters: vec![0; model.offices.len()],
        sites: vec![false; space.sites.len()],
    };
    let eligible: Vec<usize> = (0..model.offices.len())
        .filter(|&i| scenario.offices[i].shifts.is_none())
        .collect();
    let (exact, max_steps) = match &request.add {
        Add::Counters => {
            if eligible.is_empty() {
                return Err(input(
                    "no office can take more counters: every office has `shifts` (add counters to its shifts instead)"
                        .into(),
                ));
            }
            if request.search == Search::Exact && eligible.len() > 1 {
                return Err(input(format!(
                    "an exact search over counters is offered for one office only ({} can take counters); use the greedy search",
                    eligible.len()
                )));
            }
            (false, request.max_steps.unwrap_or(DEFAULT_MAX_COUNTERS))
        }
        Add::Offices(_) => {
            check_sites(&space, &start)?;
            let exact = match request.search {
                Search::Exact => true,
                Search::Greedy => false,
                Search::Auto => space.sites.len() <= EXACT_MAX_SITES,
            };
            if exact && space.sites.len() > 20 {
                return Err(input(format!(
                    "an exact search over {} sites would judge 2^{} sets; use the greedy search",
                    space.sites.len(),
                    space.sites.len()
                )));
            }
            let all = if exact {
                (1u32 << space.sites.len()) - 1
            } else {
                space.sites.len() as u32
            };
            (exact, request.max_steps.map_or(all, |m| m.min(all)))
        }
    };
    let search = describe(request, exact, &space, &eligible, replications, seed);
    let pool = match request.options.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| SimulationError::ThreadPool(e.to_string()))?,
        ),
        None => None,
    };
    let mut evaluations = 0;
    let mut judge = |config: &Config| -> Result<Option<Evaluation>, SizingError> {
        let Ok(model) = space.model(config) else {
            return Ok(None);
        };
        evaluations += 1;
        let evaluate = || {
            measure::evaluate(
                &model,
                policy,
                &request.target,
                request.per,
                replications,
                seed,
                control,
            )
        };
        Ok(Some(match &pool {
            Some(pool) => pool.install(evaluate)?,
            None => evaluate()?,
        }))
    };
    let mut rows: Vec<(SizingRow, Config)> = Vec::new();
    let mut record = |added: &str, office: String, judged: &Judged| {
        let (counters, offices) = totals(&space, &judged.config);
        let e = &judged.evaluation;
        let row = SizingRow {
            step: rows.len() as u32,
            added: added.into(),
            office,
            counters_total: counters,
            offices_total: offices,
            metric: Num(Some(e.metric)),
            metric_ci95: Num(Some(e.half_width)),
            meets_target: e.meets(),
            bound: Num(Some(e.bound)),
            worst: e.worst.clone(),
            cost_total: Num(Some(cost(&space, &judged.config))),
        };
        progress(&row);
        rows.push((row, judged.config.clone()));
    };
    if exact {
        let costs: Vec<f64> = space.sites.iter().map(|s| s.cost).collect();
        search::exact(start, &costs, max_steps, &mut judge, &mut |set, judged| match set {
            None => record("none", String::new(), judged),
            Some(set) => {
                let names: Vec<&str> = set.iter().map(|&k| space.sites[k].name.as_str()).collect();
                record("offices", names.join("+"), judged)
            }
        })?;
    } else {
        let moves = |c: &Config| -> Vec<(Move, f64)> {
            match &request.add {
                Add::Counters => eligible.iter().map(|&i| (Move::Counter(i), 1.0)).collect(),
                Add::Offices(_) => (0..space.sites.len())
                    .filter(|&k| !c.sites[k])
                    .map(|k| (Move::Site(k), space.sites[k].cost))
                    .collect(),
            }
        };
        search::greedy(start, max_steps, &moves, &mut judge, &mut |m, judged| match m {
            None => record("none", String::new(), judged),
            Some(Move::Counter(i)) => record("counter", space.offices[i].0.clone(), judged),
            Some(Move::Site(k)) => record("office", space.sites[k].name.clone(), judged),
        })?;
    }
    let answer = rows.iter().rposition(|(r, _)| r.meets_target).map(|row| {
        let config = &rows[row].1;
        Answer {
            row,
            counters: config
                .counters
                .iter()
                .enumerate()
                .filter(|(_, &a)| a > 0)
                .map(|(i, &a)| (space.offices[i].0.clone(), a))
                .collect(),
            sites: (0..space.sites.len())
                .filter(|&k| config.sites[k])
                .map(|k| space.sites[k].name.clone())
                .collect(),
            cost: cost(&space, config),
        }
    });
    Ok(Sizing {
        policy: model.policies[policy].name.clone(),
        replications,
        seed,
        search,
        rows: rows.into_iter().map(|(r, _)| r).collect(),
        answer,
        evaluations,
    })
}

/// Each site must make a valid office on its own; an error names the site, not the office it
/// would become.
fn check_sites(space: &Space, start: &Config) -> Result<(), SizingError> {
    if space.sites.is_empty() {
        return Err(SizingError::Input(
            "no candidate sites: add `[[site]]` sections (name, location, counters, cost) to the scenario, or give --sites FILE.csv".into(),
        ));
    }
    let first_new = space.offices.len();
    for (k, site) in space.sites.iter().enumerate() {
        if space.offices.iter().any(|(name, _)| name == &site.name)
            || space.sites[..k].iter().any(|s| s.name == site.name)
        {
            return Err(SizingError::Input(format!(
                "{}: the name `{}` is taken: a site's name must differ from every office's and site's",
                site.origin, site.name
            )));
        }
        let mut config = start.clone();
        config.sites[k] = true;
        space.model(&config).map_err(|e| {
            let prefix = format!("office[{first_new}]");
            let path = e.path.strip_prefix(&prefix).map(str::to_string);
            SizingError::Input(match path {
                Some(rest) => format!("{}{rest}: {}", site.origin, e.message),
                None => format!("with site `{}` ({}) opened: {e}", site.name, site.origin),
            })
        })?;
    }
    Ok(())
}

fn totals(space: &Space, config: &Config) -> (u64, usize) {
    let counters: u64 = space
        .offices
        .iter()
        .zip(&config.counters)
        .map(|((_, c), a)| u64::from(c + a))
        .sum::<u64>()
        + space
            .sites
            .iter()
            .zip(&config.sites)
            .filter(|(_, &open)| open)
            .map(|(s, _)| u64::from(s.counters))
            .sum::<u64>();
    let offices = space.offices.len() + config.sites.iter().filter(|&&open| open).count();
    (counters, offices)
}

fn cost(space: &Space, config: &Config) -> f64 {
    f64::from(config.counters.iter().sum::<u32>())
        + space
            .sites
            .iter()
            .zip(&config.sites)
            .filter(|(_, &open)| open)
            .map(|(s, _)| s.cost)
            .sum::<f64>()
}

/// The search in words, for the terminal.
fn describe(request: &Request, exact: bool, space: &Space, eligible: &[usize], replications: u32, seed: u64) -> String {
    let bound = match request.target.direction {
        Direction::AtMost => "upper",
        Direction::AtLeast => "lower",
    };
    let scope = match request.per {
        Per::All => "over all clients",
        Per::Office => "in every office",
        Per::Zone => "in every zone",
    };
    let crn = format!(
        "every configuration runs the same {replications} replications with seed {seed} (common random numbers)"
    );
    let judged = format!(
        "a configuration meets {} {scope} when the {bound} end of its 95% confidence interval does",
        request.target
    );
    let how = match (&request.add, exact) {
        (Add::Counters, _) if eligible.len() == 1 => {
            "exact: one counter at a time at the only office that can take them, until the target is met".to_string()
        }
        (Add::Counters, _) => format!(
            "greedy: at each step one more counter is tried at each of {} offices and the one that most reduces the worst shortfall is kept (ties: file order); it stops at the first step that meets the target — a good addition, not proven the smallest",
            eligible.len()
        ),
        (Add::Offices(_), true) => format!(
            "exact: every set of the {} sites, cheapest first (then fewer sites, then file order), until one meets the target",
            space.sites.len()
        ),
        (Add::Offices(_), false) => format!(
            "greedy: at each step each of the {} sites not yet opened is tried and the one that most reduces the worst shortfall per unit of cost is kept; it stops at the first step that meets the target — a good choice, not proven the cheapest",
            space.sites.len()
        ),
    };
    format!("{how}; {judged}; {crn}")
}
