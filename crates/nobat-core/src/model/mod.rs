//! The validated model: every check on a scenario happens here, once, and nothing after it can
//! fail on user input. Offices, services and policies get dense integer ids (their index).

mod arrivals;
mod geography;

pub use arrivals::{ArrivalProfile, RatePiece, DAY};
pub use geography::{ArrivalSource, Geography, Metric, Origin, Place, Zone};

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
    /// Clients arriving before this time are not counted (minutes).
    pub warmup: f64,
    /// Replications per policy.
    pub replications: u32,
    /// Base seed.
    pub seed: u64,
    /// Wait target behind `sla_share` (minutes).
    pub target: Option<f64>,
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
    /// Where it is (always set when the model has a geography).
    pub location: Option<[f64; 2]>,
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
}

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
        let demand = Demand::from_scenario(s, read)?;
        let services = Self::services(s)?;
        let offices = Self::offices(s, demand.geography.is_some())?;
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
        Ok(Model {
            name: s.name.clone().unwrap_or_else(|| "unnamed scenario".into()),
            run,
            sources: demand.sources,
            geography: demand.geography,
            zones: demand.zones,
            origins: demand.origins,
            services,
            offices,
            policies,
        })
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
        let warmup = r.warmup.map_or(0.0, |w| w.get());
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
        Ok(RunSettings {
            horizon,
            warmup,
            replications,
            seed: r.seed.unwrap_or(1),
            target,
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
            unique_name(&mut names, &sv.name, format!("{path}.name"), "service")?;
            let share = match sv.share {
                None if single => 1.0,
                None => {
                    return Err(ScenarioError::at(
                        format!("{path}.share"),
                        "is required when there are several services (shares sum to 1)",
                    ))
                }
                Some(x) if x.is_finite() && (0.0..=1.0).contains(&x) => x,
                Some(x) => {
                    return Err(ScenarioError::at(
                        format!("{path}.share"),
                        format!("must be between 0 and 1, got {x}"),
                    ))
                }
            };
            let duration = Dist::from_spec(&sv.duration, &format!("{path}.duration"))?;
            services.push(Service {
                name: sv.name.clone(),
                share,
                duration,
            });
        }
        let total: f64 = services.iter().map(|s| s.share).sum();
        if (total - 1.0).abs() > SHARE_TOLERANCE {
            return Err(ScenarioError::at(
                "service[0].share",
                format!("service shares must sum to 1, they sum to {total}"),
            ));
        }
        Ok(services)
    }

    fn offices(s: &Scenario, geography: bool) -> Result<Vec<Office>, ScenarioError> {
        if s.offices.is_empty() {
            return Err(ScenarioError::at(
                "office",
                "needs at least one `[[office]]` with a `name`",
            ));
        }
        let mut names = HashSet::new();
        s.offices
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let path = format!("office[{i}]");
                unique_name(&mut names, &o.name, format!("{path}.name"), "office")?;
                let counters = o.counters.unwrap_or(1);
                if counters == 0 {
                    return Err(ScenarioError::at(format!("{path}.counters"), "must be 1 or more"));
                }
                let speed = o.speed.unwrap_or(1.0);
                if !(speed.is_finite() && speed > 0.0) {
                    return Err(ScenarioError::at(
                        format!("{path}.speed"),
                        format!("must be a finite number greater than 0, got {speed}"),
                    ));
                }
                let location = match (o.location, geography) {
                    (Some(p), true) if p.iter().all(|v| v.is_finite()) => Some(p),
                    (Some(p), true) => {
                        return Err(ScenarioError::at(
                            format!("{path}.location"),
                            format!("coordinates must be finite numbers (km), got {p:?}"),
                        ))
                    }
                    (None, true) => {
                        return Err(ScenarioError::at(
                            format!("{path}.location"),
                            "with `[geography]` every office needs `location = [x_km, y_km]`",
                        ))
                    }
                    (Some(_), false) => {
                        return Err(ScenarioError::at(
                            format!("{path}.location"),
                            "office locations need a `[geography]` section (metric, speed_kmh, overhead) and zones",
                        ))
                    }
                    (None, false) => None,
                };
                Ok(Office {
                    name: o.name.clone(),
                    counters,
                    speed,
                    location,
                })
            })
            .collect()
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

    /// Offered load of office `i` if demand at `rate` were split evenly among the offices.
    pub fn office_load_even_split(&self, i: usize, rate: f64) -> f64 {
        let o = &self.offices[i];
        rate / self.offices.len() as f64 * self.mean_service() / (f64::from(o.counters) * o.speed)
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

    /// The highest total arrival rate at any time of the day, clients per minute.
    pub fn peak_rate(&self) -> f64 {
        let mut instants: Vec<f64> = vec![0.0];
        for s in &self.sources {
            if let ArrivalProfile::Daily(pieces) = &s.profile {
                instants.extend(pieces.iter().map(|p| p.start));
            }
        }
        instants
            .iter()
            .map(|&t| self.sources.iter().map(|s| s.profile.rate_at(t)).sum::<f64>())
            .fold(0.0, f64::max)
    }
}
