//! Clients already waiting when an office opens: a backlog, as after a closed day. Each office
//! has a count (fixed, or drawn from a distribution at each opening concerned), and the run
//! says at which openings it applies: the first of the run, or also the first of every day that
//! follows a day on which the office did not open at all (after a weekend or a holiday).

use crate::dist::Dist;
use crate::scenario::{BacklogSpec, DistSpec, Scenario, ScenarioError};
use crate::SimRng;
use rand_distr::{Distribution, Poisson};

/// The most clients one opening's backlog may hold: beyond it a scenario is surely a typo.
pub const MAX_BACKLOG: u32 = 1_000_000;

/// How many clients wait at an office's door when a backlog applies.
#[derive(Debug, Clone)]
pub enum BacklogCount {
    /// Always this many.
    Fixed(u32),
    /// A Poisson number with this mean.
    Poisson {
        /// The mean.
        mean: f64,
        /// Its sampler.
        sampler: Poisson<f64>,
    },
    /// A distribution of `dist.rs` (uniform, empirical, ...), rounded to the nearest whole number.
    Rounded(Dist),
}

impl BacklogCount {
    /// One opening's backlog.
    pub fn sample(&self, rng: &mut SimRng) -> u32 {
        let x = match self {
            BacklogCount::Fixed(n) => return *n,
            BacklogCount::Poisson { sampler, .. } => sampler.sample(rng),
            BacklogCount::Rounded(d) => d.sample(rng).round(),
        };
        x.clamp(0.0, f64::from(MAX_BACKLOG)) as u32
    }

    /// The mean count.
    pub fn mean(&self) -> f64 {
        match self {
            BacklogCount::Fixed(n) => f64::from(*n),
            BacklogCount::Poisson { mean, .. } => *mean,
            BacklogCount::Rounded(d) => d.mean(),
        }
    }

    fn from_spec(spec: &BacklogSpec, path: &str) -> Result<BacklogCount, ScenarioError> {
        match spec {
            BacklogSpec::Count(n) if *n <= MAX_BACKLOG => Ok(BacklogCount::Fixed(*n)),
            BacklogSpec::Count(n) => Err(ScenarioError::at(
                path,
                format!("must be at most {MAX_BACKLOG} clients, got {n}"),
            )),
            BacklogSpec::Dist(d) if d.dist == "poisson" => Self::poisson(d, path),
            BacklogSpec::Dist(d) => {
                let dist = Dist::from_spec(d, path)?;
                if dist.mean() > f64::from(MAX_BACKLOG) {
                    return Err(ScenarioError::at(
                        path,
                        format!("its mean must be at most {MAX_BACKLOG} clients, got {}", dist.mean()),
                    ));
                }
                Ok(BacklogCount::Rounded(dist))
            }
        }
    }

    fn poisson(d: &DistSpec, path: &str) -> Result<BacklogCount, ScenarioError> {
        let other = [
            ("value", d.value.is_some()),
            ("min", d.min.is_some()),
            ("max", d.max.is_some()),
            ("mode", d.mode.is_some()),
            ("cv", d.cv.is_some()),
            ("k", d.k.is_some()),
            ("shape", d.shape.is_some()),
            ("scale", d.scale.is_some()),
            ("values", d.values.is_some()),
        ];
        if let Some((key, _)) = other.iter().find(|(_, set)| *set) {
            return Err(ScenarioError::at(
                format!("{path}.{key}"),
                "`poisson` does not take it; it takes: mean",
            ));
        }
        let mean = d
            .mean
            .map(|m| m.get())
            .ok_or_else(|| ScenarioError::at(format!("{path}.mean"), "`poisson` needs `mean` (clients on average)"))?;
        if !(mean > 0.0 && mean <= f64::from(MAX_BACKLOG)) {
            return Err(ScenarioError::at(
                format!("{path}.mean"),
                format!("must be more than 0 and at most {MAX_BACKLOG} clients, got {mean}"),
            ));
        }
        let sampler =
            Poisson::new(mean).map_err(|e| ScenarioError::at(format!("{path}.mean"), format!("invalid mean: {e}")))?;
        Ok(BacklogCount::Poisson { mean, sampler })
    }
}

/// At which openings the backlog is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BacklogDays {
    /// Only the office's first opening of the run.
    First,
    /// The first opening, and the first opening of every day after a day without any.
    AfterClosed,
}

/// The backlogs of the offices.
#[derive(Debug, Clone)]
pub struct Backlog {
    /// Each office's count, by id (`None`: nobody waits at its door).
    pub offices: Vec<Option<BacklogCount>>,
    /// At which openings.
    pub days: BacklogDays,
}

impl Backlog {
    /// Reads `[arrivals] backlog` (every office's default), `backlog_days` and each office's
    /// own `backlog`; `None` when no office has one.
    pub fn from_scenario(s: &Scenario) -> Result<Option<Backlog>, ScenarioError> {
        let default = s
            .arrivals
            .backlog
            .as_ref()
            .map(|b| BacklogCount::from_spec(b, "arrivals.backlog"))
            .transpose()?;
        let mut offices = Vec::with_capacity(s.offices.len());
        for (i, o) in s.offices.iter().enumerate() {
            let own = o
                .backlog
                .as_ref()
                .map(|b| BacklogCount::from_spec(b, &format!("office[{i}].backlog")))
                .transpose()?;
            // A virtual window has no door: the default backlog is for the physical offices.
            let virtual_office = o.is_virtual.unwrap_or(false);
            offices.push(own.or_else(|| default.clone().filter(|_| !virtual_office)));
        }
        let days = match s.arrivals.backlog_days.as_deref() {
            None | Some("first") => BacklogDays::First,
            Some("after-closed") => BacklogDays::AfterClosed,
            Some(other) => {
                return Err(ScenarioError::at(
                    "arrivals.backlog_days",
                    format!("unknown rule `{other}`; allowed: first, after-closed"),
                ))
            }
        };
        let any = offices.iter().flatten().any(|c| c.mean() > 0.0);
        if !any {
            if s.arrivals.backlog_days.is_some() {
                return Err(ScenarioError::at(
                    "arrivals.backlog_days",
                    "says when the backlog is there: it needs a `backlog` (in `[arrivals]` or an office)",
                ));
            }
            return Ok(None);
        }
        Ok(Some(Backlog { offices, days }))
    }
}
