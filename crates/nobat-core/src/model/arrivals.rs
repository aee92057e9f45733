//! The validated arrival rate over time: a daily piecewise-constant profile (a constant rate is
//! one piece over the whole day), scaled by weekday factors.

use super::calendar::{weekday, Calendar};
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
pub struct ArrivalProfile {
    /// Sorted, non-overlapping pieces of one day; zero outside them.
    pub pieces: Vec<RatePiece>,
    /// Factor of each weekday (0 = Saturday).
    pub week: [f64; 7],
    /// Weekday of day 0.
    pub calendar: Calendar,
    /// Clients are evenly spaced in expected arrivals (one per unit of cumulative intensity, at
    /// its middle: see [`crate::engine::ArrivalClock`]) instead of Poisson.
    pub regular: bool,
}

fn bad(path: impl Into<String>, m: String) -> ScenarioError {
    ScenarioError::at(path, m)
}

impl ArrivalProfile {
    /// A constant rate (clients per minute) at all times, every day alike.
    pub fn constant(rate: f64) -> ArrivalProfile {
        ArrivalProfile {
            pieces: vec![RatePiece {
                start: 0.0,
                end: DAY,
                rate,
            }],
            week: [1.0; 7],
            calendar: Calendar::default(),
            regular: false,
        }
    }

    /// Validates `[arrivals]` (or a zone's own arrivals) for a run starting on `calendar`'s day.
    pub fn from_section(a: &ArrivalsSection, calendar: Calendar) -> Result<ArrivalProfile, ScenarioError> {
        let scale = match a.scale {
            None => 1.0,
            Some(s) if s.is_finite() && s >= 0.0 => s,
            Some(s) => {
                return Err(bad(
                    "arrivals.scale",
                    format!("must be a finite number of 0 or more, got {s}"),
                ))
            }
        };
        let mut week = [1.0; 7];
        for (name, &factor) in a.days.iter().flatten() {
            let path = format!("arrivals.days.{name}");
            let d = weekday(name, &path)?;
            if !(factor.is_finite() && factor >= 0.0) {
                return Err(bad(path, format!("must be a finite factor of 0 or more, got {factor}")));
            }
            week[d] = factor;
        }
        let pieces = match (a.rate, &a.schedule) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "arrivals.schedule",
                    "give either `rate` (clients per minute) or `schedule`, not both".into(),
                ))
            }
            // Only the clients waiting at the doors (an office clearing its backlog), or
            // recorded clients replayed by the engine instead.
            (None, None) if a.backlog.is_some() || a.trace.is_some() => Vec::new(),
            (None, None) => {
                return Err(bad(
                    "arrivals",
                    "needs `rate` (clients per minute) or `schedule = [{ from = \"08:00\", to = \"10:00\", per_hour = 60 }, ...]`"
                        .into(),
                ))
            }
            (Some(rate), None) => {
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(bad(
                        "arrivals.rate",
                        format!("must be a finite number greater than 0 (clients per minute), got {rate}"),
                    ));
                }
                vec![RatePiece { start: 0.0, end: DAY, rate: rate * scale }]
            }
            (None, Some(entries)) => Self::schedule(entries, scale)?,
        };
        if scale > 0.0 && !pieces.is_empty() && (pieces.iter().all(|p| p.rate == 0.0) || week.iter().all(|&f| f == 0.0))
        {
            return Err(bad(
                "arrivals",
                "every rate or every weekday factor is 0: no client would arrive".into(),
            ));
        }
        let regular = match a.process.as_deref() {
            None | Some("poisson") => false,
            Some("regular") => true,
            Some(other) => {
                return Err(bad(
                    "arrivals.process",
                    format!("unknown arrival process `{other}`; allowed: poisson, regular"),
                ))
            }
        };
        Ok(ArrivalProfile {
            pieces,
            week,
            calendar,
            regular,
        })
    }

    fn schedule(entries: &[crate::scenario::ScheduleEntry], scale: f64) -> Result<Vec<RatePiece>, ScenarioError> {
        if entries.is_empty() {
            return Err(bad("arrivals.schedule", "needs at least one piece".into()));
        }
        let mut pieces = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let path = format!("arrivals.schedule[{i}]");
            let (start, end) = (e.from.get(), e.to.get());
            if end > DAY {
                return Err(bad(
                    format!("{path}.to"),
                    format!("is a clock time within one day (at most \"24:00\"), got {end} minutes; the schedule repeats every day"),
                ));
            }
            if start >= end {
                return Err(bad(
                    format!("{path}.to"),
                    format!("must be after `from` ({start} min), got {end} min"),
                ));
            }
            if !(e.per_hour.is_finite() && e.per_hour >= 0.0) {
                return Err(bad(
                    format!("{path}.per_hour"),
                    format!("must be a finite number of 0 or more, got {}", e.per_hour),
                ));
            }
            pieces.push(RatePiece {
                start,
                end,
                rate: e.per_hour / 60.0 * scale,
            });
        }
        for i in 1..pieces.len() {
            if pieces[i].start < pieces[i - 1].end {
                return Err(bad(
                    format!("arrivals.schedule[{i}].from"),
                    format!(
                        "pieces must be in clock order without overlap: starts at {} min, before the previous piece ends ({} min)",
                        pieces[i].start,
                        pieces[i - 1].end
                    ),
                ));
            }
        }
        Ok(pieces)
    }

    /// The factor of the simulated day `day`.
    #[inline]
    pub fn day_factor(&self, day: i64) -> f64 {
        self.week[self.calendar.weekday_of_day(day)]
    }

    /// λ(t), clients per minute at time `t`.
    pub fn rate_at(&self, t: f64) -> f64 {
        let day = (t / DAY).floor();
        let tod = t - day * DAY;
        let base = self
            .pieces
            .iter()
            .find(|p| p.start <= tod && tod < p.end)
            .map_or(0.0, |p| p.rate);
        base * self.day_factor(day as i64)
    }

    /// The highest rate at any time.
    pub fn peak_rate(&self) -> f64 {
        let top = self.week.iter().copied().fold(0.0, f64::max);
        self.pieces.iter().map(|p| p.rate).fold(0.0, f64::max) * top
    }

    /// Expected number of arrivals in `[0, t]`: the integral of λ.
    pub fn expected_arrivals(&self, t: f64) -> f64 {
        self.integrate(t, true)
    }

    /// Minutes of `[0, t]` during which the rate is above zero.
    pub fn active_minutes(&self, t: f64) -> f64 {
        self.integrate(t, false)
    }

    /// Over `[0, t]`: the integral of λ (`rates`), or the time during which λ > 0.
    fn integrate(&self, t: f64, rates: bool) -> f64 {
        let on_day = |day: i64, until: f64| -> f64 {
            let f = self.day_factor(day);
            if f == 0.0 {
                return 0.0;
            }
            let pieces = self.pieces.iter().filter(|p| p.rate > 0.0);
            let covered = |p: &RatePiece| (until.min(p.end) - p.start).max(0.0);
            if rates {
                f * pieces.map(|p| p.rate * covered(p)).sum::<f64>()
            } else {
                pieces.map(covered).sum()
            }
        };
        // Days repeat weekly: one week times the number of whole weeks, then the rest.
        let days = (t / DAY).floor() as i64;
        let weeks = days / 7;
        let week_total: f64 = (0..7).map(|d| on_day(d, DAY)).sum();
        let rest: f64 = (weeks * 7..days).map(|d| on_day(d, DAY)).sum();
        weeks as f64 * week_total + rest + on_day(days, t - days as f64 * DAY)
    }
}
