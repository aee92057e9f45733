//! An office log read into records, and what is fitted from it: arrival rates by hour of the
//! day and weekday (overall, per office, per zone) and service-time distributions per service.
//!
//! Times in a log are minutes since 00:00 of day 0 (the format of nobat's client trace), or
//! date-times `2026-03-07 08:03:12` / `2026-03-07T08:03:12` (seconds optional), read as minutes
//! since 00:00 of the first date in the log, whose weekday then comes from the calendar.
//!
//! **Arrival rates** follow the product model the scenario's keys express: rate(hour, weekday)
//! = `schedule`(hour) × `days`(weekday). Its maximum-likelihood estimate for Poisson counts
//! matches the totals by hour and by weekday: `per_hour`(h) is the arrivals in hour `h` over
//! the days observed divided by the number of those days, and `days`(w) is the mean arrivals
//! of a day of weekday `w` over the mean of all days. The days observed run from the day of the
//! first arrival to that of the last, both included (a weekday without arrivals in between,
//! e.g. a closed Friday, gets the factor 0).
//!
//! **Service times** are `done − called` of the rows that have both (the others count as
//! arrivals only), fitted per service by [`super::fit_all`].

use super::families::{fit_all, FitError, FittedDist};

/// Weekday names in the calendar's order (0 = Saturday), as `[calendar] first_day` writes them.
pub const WEEKDAYS: [&str; 7] = ["sat", "sun", "mon", "tue", "wed", "thu", "fri"];

/// One client of a log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// The office it went to (empty for a client turned away before choosing one).
    pub office: String,
    /// Its service type.
    pub service: String,
    /// Its origin zone, when the log has a zone column.
    pub zone: Option<String>,
    /// When it took a ticket (minutes since 00:00 of day 0).
    pub issued: f64,
    /// When it was called (service start), if it was.
    pub called: Option<f64>,
    /// When its service ended (or it left), if it did.
    pub done: Option<f64>,
}

/// A time of a log as written: minutes, or a date-time as `(days since 1970-01-01, minutes of
/// the day)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogTime {
    /// Minutes since 00:00 of day 0.
    Minutes(f64),
    /// A calendar date-time.
    DateTime {
        /// Days since 1970-01-01 (a Thursday).
        day: i64,
        /// Minutes since 00:00 of that day.
        minute: f64,
    },
}

/// What a log time may be written as, for error messages.
pub const LOG_TIME_FORMS: &str =
    "minutes since 00:00 of day 0 (e.g. 545.25) or a date-time `2026-03-07 08:03:12` (or `2026-03-07T08:03`)";

/// Parses one log time (see [`LOG_TIME_FORMS`]).
pub fn parse_log_time(text: &str) -> Result<LogTime, String> {
    let t = text.trim();
    if let Ok(m) = t.parse::<f64>() {
        let max = crate::scenario::MAX_MINUTES;
        return if m.is_finite() && (0.0..=max).contains(&m) {
            Ok(LogTime::Minutes(m))
        } else {
            Err(format!(
                "`{t}` is not a time: minutes must be a number from 0 to {max:e}"
            ))
        };
    }
    let bad = || format!("`{t}` is not a time: expected {LOG_TIME_FORMS}");
    let (date, clock) = t.split_once(['T', ' ']).ok_or_else(bad)?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().map_err(|_| bad()));
    let (y, mo, da) = (
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
    );
    if d.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&da) || !(1..=9999).contains(&y) {
        return Err(bad());
    }
    let mut c = clock.trim().split(':');
    let h: f64 = c.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let mi: f64 = c.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let s: f64 = c.next().map_or(Some(0.0), |p| p.parse().ok()).ok_or_else(bad)?;
    if c.next().is_some() || !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&mi) || !(0.0..61.0).contains(&s) {
        return Err(bad());
    }
    Ok(LogTime::DateTime {
        day: days_from_civil(y, mo, da),
        minute: h * 60.0 + mi + s / 60.0,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The weekday (0 = Saturday, as [`WEEKDAYS`]) of a day counted from 1970-01-01, a Thursday.
pub fn weekday_of(day: i64) -> usize {
    (day + 5).rem_euclid(7) as usize
}

/// Arrival counts of one scope (all clients, an office or a zone) by weekday and hour.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalTable {
    /// `all`, or the office's or zone's name.
    pub scope: String,
    /// `all`, `office` or `zone`.
    pub kind: &'static str,
    /// Arrivals by weekday (0 = Saturday) and hour of the day.
    pub counts: [[u64; 24]; 7],
}

impl ArrivalTable {
    fn new(kind: &'static str, scope: &str) -> Self {
        ArrivalTable {
            scope: scope.to_string(),
            kind,
            counts: [[0; 24]; 7],
        }
    }

    /// Mean arrivals per hour in hour `h` over all the days observed: the scenario's
    /// `per_hour` of a schedule piece.
    pub fn per_hour(&self, h: usize, days: &[u64; 7]) -> f64 {
        let total_days: u64 = days.iter().sum();
        let n: u64 = (0..7).map(|w| self.counts[w][h]).sum();
        n as f64 / total_days.max(1) as f64
    }

    /// Mean arrivals of a day of weekday `w` over the mean of all days: the scenario's
    /// `arrivals.days` factor (`None` when the weekday was never observed).
    pub fn day_factor(&self, w: usize, days: &[u64; 7]) -> Option<f64> {
        let total_days: u64 = days.iter().sum();
        let all: u64 = self.counts.iter().flatten().sum();
        let of_w: u64 = self.counts[w].iter().sum();
        (days[w] > 0 && all > 0).then(|| (of_w as f64 / days[w] as f64) / (all as f64 / total_days as f64))
    }
}

/// The fits of one service type.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFit {
    /// The service's name.
    pub service: String,
    /// Clients of this service in the log (served or not).
    pub arrivals: u64,
    /// Service times used (rows with both `called` and `done`, `done > called`).
    pub observations: usize,
    /// Every family, best AIC first; or why none could be fitted.
    pub fits: Result<Vec<FittedDist>, FitError>,
}

/// Everything fitted from a log.
///
/// With no record the days observed are one (day 0) and there are no services.
#[derive(Debug, Clone, PartialEq)]
pub struct LogFit {
    /// Rows read.
    pub rows: u64,
    /// Days observed of each weekday (0 = Saturday).
    pub days: [u64; 7],
    /// The weekday of day 0.
    pub first_day: usize,
    /// All clients first, then each office, then each zone (in order of first appearance).
    pub arrivals: Vec<ArrivalTable>,
    /// Per service type, in order of first appearance.
    pub services: Vec<ServiceFit>,
}

/// Fits a log whose day 0 is weekday `first_day` (0 = Saturday), holding `copies` independent
/// observations of its days (the replications of a trace; 1 for an office's own log).
pub fn fit_log(records: &[LogRecord], first_day: usize, copies: u64) -> LogFit {
    let (lo, hi) = records.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), r| {
        (lo.min(r.issued), hi.max(r.issued))
    });
    let lo = if lo.is_finite() { lo } else { 0.0 };
    let (first, last) = ((lo / 1440.0).floor() as i64, (hi / 1440.0).floor() as i64);
    // Each weekday's days in [first, last], counted rather than walked (a log may span years).
    let mut days = [0u64; 7];
    let n = (last.max(first) - first + 1) as u64;
    for k in 0..7u64 {
        let weekday = (first + first_day as i64 + k as i64).rem_euclid(7) as usize;
        days[weekday] += (n / 7 + u64::from(k < n % 7)) * copies.max(1);
    }
    let mut all = ArrivalTable::new("all", "all");
    let mut offices: Vec<ArrivalTable> = Vec::new();
    let mut zones: Vec<ArrivalTable> = Vec::new();
    let mut services: Vec<(String, u64, Vec<f64>)> = Vec::new();
    for r in records {
        let day = (r.issued / 1440.0).floor() as i64;
        let w = (day + first_day as i64).rem_euclid(7) as usize;
        let h = ((r.issued - day as f64 * 1440.0) / 60.0).floor().clamp(0.0, 23.0) as usize;
        all.counts[w][h] += 1;
        let bump = |tables: &mut Vec<ArrivalTable>, kind, name: &str| {
            let i = match tables.iter().position(|t| t.scope == name) {
                Some(i) => i,
                None => {
                    tables.push(ArrivalTable::new(kind, name));
                    tables.len() - 1
                }
            };
            tables[i].counts[w][h] += 1;
        };
        if !r.office.is_empty() {
            bump(&mut offices, "office", &r.office);
        }
        if let Some(z) = &r.zone {
            bump(&mut zones, "zone", z);
        }
        let i = match services.iter().position(|s| s.0 == r.service) {
            Some(i) => i,
            None => {
                services.push((r.service.clone(), 0, Vec::new()));
                services.len() - 1
            }
        };
        services[i].1 += 1;
        if let (Some(c), Some(d)) = (r.called, r.done) {
            if d > c {
                services[i].2.push(d - c);
            }
        }
    }
    let mut arrivals = vec![all];
    arrivals.extend(offices);
    arrivals.extend(zones);
    LogFit {
        rows: records.len() as u64,
        days,
        first_day,
        arrivals,
        services: services
            .into_iter()
            .map(|(service, arrivals, times)| ServiceFit {
                service,
                arrivals,
                observations: times.len(),
                fits: fit_all(&times),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_calendar() {
        assert_eq!(parse_log_time("545.25"), Ok(LogTime::Minutes(545.25)));
        // 2026-03-07 is a Saturday.
        let Ok(LogTime::DateTime { day, minute }) = parse_log_time("2026-03-07 08:03:12") else {
            panic!()
        };
        assert_eq!(weekday_of(day), 0);
        assert!((minute - (483.0 + 0.2)).abs() < 1e-9);
        assert_eq!(parse_log_time("2026-03-07T08:03").map(|_| ()), Ok(()));
        assert_eq!(weekday_of(days_from_civil(1970, 1, 1)), 5); // a Thursday
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for bad in [
            "",
            "soon",
            "-3",
            "2026-13-01 08:00",
            "2026-03-07 25:00",
            "2026-03-07",
            "NaN",
            "1e15",
        ] {
            assert!(parse_log_time(bad).is_err(), "{bad}");
        }
    }

    /// Days per weekday are counted, not walked: right for short and long spans, and a log over
    /// a million years (the largest times allowed) is read at once.
    #[test]
    fn days_per_weekday_for_any_span() {
        let rec = |t: f64| LogRecord {
            office: "A".into(),
            service: "s".into(),
            zone: None,
            issued: t,
            called: None,
            done: None,
        };
        // Days 0 to 9 with day 0 a Monday (2): Mon..Wed twice, the other days once.
        let fit = fit_log(&[rec(10.0), rec(9.0 * 1440.0 + 10.0)], 2, 1);
        assert_eq!(fit.days, [1, 1, 2, 2, 2, 1, 1]);
        let fit = fit_log(&[rec(0.0), rec(crate::scenario::MAX_MINUTES)], 0, 2);
        let total: u64 = fit.days.iter().sum();
        assert_eq!(total, 2 * ((crate::scenario::MAX_MINUTES / 1440.0).floor() as u64 + 1));
    }

    /// Counts by hour and weekday give the product model's estimates: 2 days (sat, sun), 3
    /// arrivals at 08:xx on Saturday and 1 on Sunday.
    #[test]
    fn rates_by_hour_and_weekday() {
        let rec = |t: f64, office: &str| LogRecord {
            office: office.into(),
            service: "s".into(),
            zone: None,
            issued: t,
            called: Some(t + 1.0),
            done: Some(t + 3.0 + t / 1000.0),
        };
        let log = [
            rec(480.0, "A"),
            rec(490.0, "A"),
            rec(530.0, "B"),
            rec(1440.0 + 500.0, "B"),
        ];
        let fit = fit_log(&log, 0, 1);
        assert_eq!(fit.days, [1, 1, 0, 0, 0, 0, 0]);
        let all = &fit.arrivals[0];
        assert_eq!(all.per_hour(8, &fit.days), 2.0);
        assert_eq!(all.day_factor(0, &fit.days), Some(1.5));
        assert_eq!(all.day_factor(1, &fit.days), Some(0.5));
        assert_eq!(all.day_factor(2, &fit.days), None);
        assert_eq!(fit.arrivals.len(), 3);
        assert_eq!(fit.arrivals[2].scope, "B");
        assert_eq!(fit.services[0].observations, 4);
    }
}
