//! The validated arrival rate over time: constant, or a daily piecewise-constant profile.

use crate::scenario::{ArrivalsSection, ScenarioError};

/// Minutes in a day: a schedule repeats with this period.
pub const DAY: f64 = 1440.0;

/// One piece of the daily profile: `rate` clients per minute on `[start, end)` (minutes of the day).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePiece {
    /// Start, minutes after midnight.
    pub start: f64,
    /// End, minutes after midnight (at most 1440).
    pub end: f64,
    /// Clients per minute.
    pub rate: f64,
}

/// The arrival intensity λ(t) of a non-homogeneous Poisson process.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalProfile {
    /// The same rate (clients per minute) at all times.
    Constant(f64),
    /// A daily profile: sorted, non-overlapping pieces; zero outside them; repeats every day.
    Daily(Vec<RatePiece>),
}

impl ArrivalProfile {
    /// Validates `[arrivals]`.
    pub fn from_section(a: &ArrivalsSection) -> Result<ArrivalProfile, ScenarioError> {
        let scale = match a.scale {
            None => 1.0,
            Some(s) if s.is_finite() && s >= 0.0 => s,
            Some(s) => {
                return Err(ScenarioError::at(
                    "arrivals.scale",
                    format!("must be a finite number of 0 or more, got {s}"),
                ))
            }
        };
        match (a.rate, &a.schedule) {
            (Some(_), Some(_)) => Err(ScenarioError::at(
                "arrivals.schedule",
                "give either `rate` (clients per minute) or `schedule`, not both",
            )),
            (None, None) => Err(ScenarioError::at(
                "arrivals",
                "needs `rate` (clients per minute) or `schedule = [{ from = \"08:00\", to = \"10:00\", per_hour = 60 }, ...]`",
            )),
            (Some(rate), None) => {
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(ScenarioError::at("arrivals.rate", format!("must be a finite number greater than 0 (clients per minute), got {rate}")));
                }
                Ok(ArrivalProfile::Constant(rate * scale))
            }
            (None, Some(entries)) => {
                if entries.is_empty() {
                    return Err(ScenarioError::at("arrivals.schedule", "needs at least one piece"));
                }
                let mut pieces = Vec::with_capacity(entries.len());
                for (i, e) in entries.iter().enumerate() {
                    let path = format!("arrivals.schedule[{i}]");
                    let (start, end) = (e.from.get(), e.to.get());
                    if end > DAY {
                        return Err(ScenarioError::at(format!("{path}.to"), format!("is a clock time within one day (at most \"24:00\"), got {end} minutes; the schedule repeats every day")));
                    }
                    if start >= end {
                        return Err(ScenarioError::at(format!("{path}.to"), format!("must be after `from` ({start} min), got {end} min")));
                    }
                    if !(e.per_hour.is_finite() && e.per_hour >= 0.0) {
                        return Err(ScenarioError::at(format!("{path}.per_hour"), format!("must be a finite number of 0 or more, got {}", e.per_hour)));
                    }
                    pieces.push(RatePiece { start, end, rate: e.per_hour / 60.0 * scale });
                }
                for i in 1..pieces.len() {
                    if pieces[i].start < pieces[i - 1].end {
                        return Err(ScenarioError::at(
                            format!("arrivals.schedule[{i}].from"),
                            format!("pieces must be in clock order without overlap: starts at {} min, before the previous piece ends ({} min)", pieces[i].start, pieces[i - 1].end),
                        ));
                    }
                }
                if pieces.iter().all(|p| p.rate == 0.0) && scale > 0.0 {
                    return Err(ScenarioError::at("arrivals.schedule", "every piece has a rate of 0: no client would arrive"));
                }
                Ok(ArrivalProfile::Daily(pieces))
            }
        }
    }

    /// λ(t), clients per minute at time `t`.
    pub fn rate_at(&self, t: f64) -> f64 {
        match self {
            ArrivalProfile::Constant(r) => *r,
            ArrivalProfile::Daily(pieces) => {
                let tod = t.rem_euclid(DAY);
                pieces
                    .iter()
                    .find(|p| p.start <= tod && tod < p.end)
                    .map_or(0.0, |p| p.rate)
            }
        }
    }

    /// The highest rate at any time.
    pub fn peak_rate(&self) -> f64 {
        match self {
            ArrivalProfile::Constant(r) => *r,
            ArrivalProfile::Daily(pieces) => pieces.iter().map(|p| p.rate).fold(0.0, f64::max),
        }
    }

    /// Minutes of `[0, t]` during which the rate is above zero.
    pub fn active_minutes(&self, t: f64) -> f64 {
        match self {
            ArrivalProfile::Constant(r) if *r > 0.0 => t,
            ArrivalProfile::Constant(_) => 0.0,
            ArrivalProfile::Daily(pieces) => {
                let on: Vec<&RatePiece> = pieces.iter().filter(|p| p.rate > 0.0).collect();
                let per_day: f64 = on.iter().map(|p| p.end - p.start).sum();
                let days = (t / DAY).floor();
                let tod = t - days * DAY;
                let partial: f64 = on.iter().map(|p| (tod.min(p.end) - p.start).max(0.0)).sum();
                days * per_day + partial
            }
        }
    }

    /// Expected number of arrivals in `[0, t]`: the integral of λ.
    pub fn expected_arrivals(&self, t: f64) -> f64 {
        match self {
            ArrivalProfile::Constant(r) => r * t,
            ArrivalProfile::Daily(pieces) => {
                let per_day: f64 = pieces.iter().map(|p| p.rate * (p.end - p.start)).sum();
                let days = (t / DAY).floor();
                let tod = t - days * DAY;
                let partial: f64 = pieces
                    .iter()
                    .map(|p| p.rate * (tod.min(p.end) - p.start).max(0.0))
                    .sum();
                days * per_day + partial
            }
        }
    }
}
