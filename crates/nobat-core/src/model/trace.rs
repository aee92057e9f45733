//! Trace replay: recorded clients instead of sampled arrivals (`[arrivals] trace = "file.csv"`).
//!
//! The file (read relative to the scenario's folder) is a CSV with a header naming its columns:
//!
//! | column | required | meaning |
//! | --- | --- | --- |
//! | `time` | yes | when the client came: minutes since 00:00 of day 0 (`485.5`), or a date-time (`2026-03-07 08:05:30`, also with `T`); one form for the whole file |
//! | `service` | yes | a service name |
//! | `zone` | with geography, unless `office` is given | the zone it came from: the policy chooses its office (a row with an office and no zone is reported under the zone nearest to that office) |
//! | `office` | no | the office it went to: it goes straight there, the policy is not asked |
//! | `duration` | no | its recorded service time (minutes, at speed 1); empty or absent: drawn from the service's `duration` |
//!
//! Other columns are ignored (a log may carry more). With date-times, day 0 is the earliest
//! date of the file and its weekday must be `[calendar] first_day` when that is given (it
//! becomes day 0's weekday otherwise). Every client must come before `run.horizon`.
//!
//! The file is read once when the scenario is loaded and held as one 32-byte record per client,
//! sorted by time (file order among equal times), shared by every policy and replication: the
//! same clients meet every policy, and replications differ only in what is drawn (service times
//! without a recorded duration, patience, choices, a point within a zone's area).

use super::csv_lines::{line_at, record_error};
use super::{ArrivalProfile, Calendar, RatePiece, Zone, DAY, WEEKDAYS};
use crate::scenario::{Scenario, ScenarioError};
use crate::SimRng;
use rand::Rng;

/// "No zone" or "no office" in a [`TraceClient`].
pub const NONE: u32 = u32::MAX;

/// The most clients a trace may hold (32 bytes each: 3.2 GB).
pub const MAX_TRACE_CLIENTS: usize = 100_000_000;

/// One recorded client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceClient {
    /// When it came (minutes since 00:00 of day 0).
    pub time: f64,
    /// Its recorded service time at speed 1 (NaN: drawn from the service's distribution).
    pub duration: f64,
    /// The zone it came from ([`NONE`]: none given).
    pub zone: u32,
    /// The office it went to ([`NONE`]: the policy chooses).
    pub office: u32,
    /// Its service type.
    pub service: u16,
}

/// A trace read and checked.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The file's name as the scenario gives it.
    pub file: String,
    /// The clients, by time.
    pub clients: Vec<TraceClient>,
    /// The earliest date of a file of date-times (day 0), e.g. `2026-03-07`.
    pub first_date: Option<String>,
    /// Each zone's origins and their cumulative weights (ending at 1), to place a client of
    /// that zone (empty without geography).
    zone_origins: Vec<(Vec<usize>, Vec<f64>)>,
}

impl Trace {
    /// The origin a client of `zone` starts from (origin 0 without a zone).
    pub fn pick_origin(&self, zone: u32, rng: &mut SimRng) -> usize {
        let Some((origins, cdf)) = self.zone_origins.get(zone as usize) else {
            return 0;
        };
        if origins.len() <= 1 {
            return origins.first().copied().unwrap_or(0);
        }
        let u: f64 = rng.random();
        origins[cdf.partition_point(|&c| c <= u).min(origins.len() - 1)]
    }

    /// The trace's average arrival rate by hour of the day over the horizon's days, as an
    /// arrival profile: what `nobat check` reports the load of (the engine replays the clients
    /// themselves).
    pub fn profile(&self, horizon: f64, calendar: Calendar) -> ArrivalProfile {
        let days = (horizon / DAY).ceil().max(1.0);
        let mut counts = [0u64; 24];
        for c in &self.clients {
            counts[((c.time.rem_euclid(DAY) / 60.0) as usize).min(23)] += 1;
        }
        ArrivalProfile {
            pieces: (0..24)
                .map(|h| RatePiece {
                    start: h as f64 * 60.0,
                    end: (h + 1) as f64 * 60.0,
                    rate: counts[h] as f64 / (days * 60.0),
                })
                .collect(),
            week: [1.0; 7],
            calendar,
            regular: false,
        }
    }
}

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian; Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The weekday index (0 = Saturday) of a day counted from 1970-01-01 (a Thursday).
fn weekday_of(days: i64) -> usize {
    (days + 5).rem_euclid(7) as usize
}

/// Parses `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T`) into (days since 1970-01-01, minute of
/// the day).
fn parse_date_time(text: &str) -> Option<(i64, f64)> {
    let (date, clock) = text.split_once([' ', 'T'])?;
    let mut d = date.split('-');
    let (y, m, day) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || y.len() != 4 || m.len() != 2 || day.len() != 2 {
        return None;
    }
    let (y, m, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || day == 0 || day > month_days[(m - 1) as usize] {
        return None;
    }
    let mut c = clock.trim().split(':');
    let (h, min) = (c.next()?, c.next()?);
    let s = c.next().unwrap_or("0");
    if c.next().is_some() || h.len() != 2 || min.len() != 2 {
        return None;
    }
    let (h, min, s): (u32, u32, f64) = (h.parse().ok()?, min.parse().ok()?, s.parse().ok()?);
    if h > 23 || min > 59 || !(0.0..60.0).contains(&s) {
        return None;
    }
    Some((days_from_civil(y, m, day), f64::from(h * 60 + min) + s / 60.0))
}

/// A time cell as read, before day 0 of a date-time file is known.
enum Time {
    Minutes(f64),
    DateTime(i64, f64),
}

impl Trace {
    /// Reads the trace `file` (its text `text`) of scenario `s`, whose zones are `zones`.
    /// Returns it with the weekday of its day 0 when its times are date-times. With date-times
    /// and `[calendar] first_day` given, the two must agree.
    pub(crate) fn read(
        s: &Scenario,
        file: &str,
        text: &str,
        zones: &[Zone],
        geography: bool,
        origins: &[super::Origin],
        origin_weights: &[(usize, f64)],
    ) -> Result<(Trace, Option<usize>), ScenarioError> {
        let err = |line: u64, m: String| ScenarioError::at("arrivals.trace", format!("{file}, line {line}: {m}"));
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(time_col), Some(service_col)) = (column("time"), column("service")) else {
            return Err(err(
                1,
                format!(
                    "the header must name the columns `time` and `service` (and optionally `zone`, `office`, `duration`); found: {}",
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let (zone_col, office_col, duration_col) = (column("zone"), column("office"), column("duration"));
        if geography && zone_col.is_none() && office_col.is_none() {
            return Err(err(
                1,
                "with `[geography]` the header needs a `zone` column (where clients come from) or an `office` column (where they went)".into(),
            ));
        }
        let service_names: Vec<&str> = s.services.iter().map(|v| v.name.as_str()).collect();
        let office_names: Vec<&str> = s.offices.iter().map(|o| o.name.as_str()).collect();
        let offers = |office: usize, service: &str| {
            s.offices[office]
                .services
                .as_ref()
                .is_none_or(|list| list.iter().any(|n| n == service))
        };
        let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| line_at(text, p.byte()));
        // Each office's nearest zone (by its origins' centres), for rows with an office only.
        let nearest_zone: Vec<u32> = if geography {
            s.offices
                .iter()
                .map(|o| {
                    super::nearest_origin(origins, o.location.unwrap_or_default())
                        .map_or(NONE, |i| origins[i].zone as u32)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut rows: Vec<(Time, u64, TraceClient)> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let (line, message) = record_error(text, &e);
                err(line, message)
            })?;
            let line = line_of(record.position());
            if rows.len() >= MAX_TRACE_CLIENTS {
                return Err(err(
                    line,
                    format!("a trace may hold at most {MAX_TRACE_CLIENTS} clients"),
                ));
            }
            let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
            let at = |col: &str, m: String| err(line, format!("column `{col}`: {m}"));
            let raw = cell(Some(time_col));
            let time = match raw.parse::<f64>() {
                Ok(x) if x.is_finite() && (0.0..=crate::scenario::MAX_MINUTES).contains(&x) => Time::Minutes(x),
                Ok(_) => return Err(at("time", format!("minutes must be a finite number of 0 or more, got `{raw}`"))),
                Err(_) => match parse_date_time(raw) {
                    Some((day, minute)) => Time::DateTime(day, minute),
                    None => {
                        return Err(at(
                            "time",
                            format!("`{raw}` is neither minutes since 00:00 of day 0 (e.g. `485.5`) nor a date-time (e.g. `2026-03-07 08:05:30`)"),
                        ))
                    }
                },
            };
            if let Some((first, _, _)) = rows.first() {
                if matches!(first, Time::Minutes(_)) != matches!(time, Time::Minutes(_)) {
                    return Err(at(
                        "time",
                        format!("`{raw}` mixes minutes and date-times: a trace uses one form throughout"),
                    ));
                }
            }
            let name = cell(Some(service_col));
            let Some(service) = service_names.iter().position(|n| *n == name) else {
                return Err(at(
                    "service",
                    format!(
                        "unknown service `{name}`; the services are: {}",
                        service_names.join(", ")
                    ),
                ));
            };
            let office_name = cell(office_col);
            let office = if office_name.is_empty() {
                NONE
            } else {
                let Some(o) = office_names.iter().position(|n| *n == office_name) else {
                    return Err(at(
                        "office",
                        format!(
                            "unknown office `{office_name}`; the offices are: {}",
                            office_names.join(", ")
                        ),
                    ));
                };
                if !offers(o, name) {
                    return Err(at("office", format!("office `{office_name}` does not offer `{name}`")));
                }
                o as u32
            };
            let zone_name = cell(zone_col);
            let zone = if zone_name.is_empty() {
                if geography && office == NONE {
                    return Err(at(
                        "zone",
                        "is empty and so is `office`: a client comes from a zone or goes to an office".into(),
                    ));
                }
                // Reported under the district of its office: most people use a nearby one.
                nearest_zone.get(office as usize).copied().unwrap_or(NONE)
            } else if !geography {
                return Err(at(
                    "zone",
                    format!("`{zone_name}`: zones need `[geography]`; leave the column empty or drop it"),
                ));
            } else {
                let Some(z) = zones.iter().position(|z| z.name == zone_name) else {
                    let names: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
                    return Err(at(
                        "zone",
                        format!("unknown zone `{zone_name}`; the zones are: {}", names.join(", ")),
                    ));
                };
                z as u32
            };
            let raw = cell(duration_col);
            let duration = if raw.is_empty() {
                f64::NAN
            } else {
                match raw.parse::<f64>() {
                    Ok(x) if x.is_finite() && (0.0..=crate::scenario::MAX_MINUTES).contains(&x) => x,
                    _ => {
                        return Err(at(
                            "duration",
                            format!("must be minutes, a finite number of 0 or more (or empty: drawn), got `{raw}`"),
                        ))
                    }
                }
            };
            rows.push((
                time,
                line,
                TraceClient {
                    time: 0.0,
                    duration,
                    zone,
                    office,
                    service: service as u16,
                },
            ));
        }
        if rows.is_empty() {
            return Err(err(1, "has no client rows".into()));
        }
        let first_day = rows
            .iter()
            .filter_map(|(t, _, _)| match t {
                Time::DateTime(d, _) => Some(*d),
                Time::Minutes(_) => None,
            })
            .min();
        let horizon = s.run.horizon.get();
        let mut clients = Vec::with_capacity(rows.len());
        for (time, line, mut c) in rows {
            c.time = match time {
                Time::Minutes(x) => x,
                Time::DateTime(d, m) => (d - first_day.unwrap_or(d)) as f64 * DAY + m,
            };
            if c.time >= horizon {
                return Err(err(
                    line,
                    format!(
                        "column `time`: the client comes at minute {} (day {}), at or after `run.horizon` ({horizon} min): raise the horizon or cut the trace",
                        c.time,
                        (c.time / DAY).floor()
                    ),
                ));
            }
            clients.push(c);
        }
        // Stable: clients at the same time keep their file order.
        clients.sort_by(|a: &TraceClient, b: &TraceClient| a.time.total_cmp(&b.time));
        let weekday = first_day.map(weekday_of);
        let first_date = first_day.map(|d| {
            // Back from days to a civil date, for messages and the docs' "day 0 is ...".
            let z = d + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let day = doy - (153 * mp + 2) / 5 + 1;
            let month = if mp < 10 { mp + 3 } else { mp - 9 };
            let year = yoe + era * 400 + i64::from(month <= 2);
            format!("{year:04}-{month:02}-{day:02}")
        });
        if let (Some(w), Some(given)) = (weekday, s.calendar.first_day.as_deref()) {
            if WEEKDAYS[w] != given {
                return Err(ScenarioError::at(
                    "calendar.first_day",
                    format!(
                        "is `{given}`, but day 0 of the trace {file} is {}, a `{}`: make them agree (or drop `first_day`: the trace's dates set it)",
                        first_date.clone().unwrap_or_default(),
                        WEEKDAYS[w]
                    ),
                ));
            }
        }
        let zone_origins = if geography {
            (0..zones.len())
                .map(|z| {
                    let mine: Vec<(usize, f64)> = origin_weights
                        .iter()
                        .copied()
                        .filter(|&(o, _)| origins[o].zone == z)
                        .collect();
                    let total: f64 = mine.iter().map(|(_, w)| w).sum();
                    let mut acc = 0.0;
                    let cdf = mine
                        .iter()
                        .map(|(_, w)| {
                            acc += if total > 0.0 {
                                w / total
                            } else {
                                1.0 / mine.len() as f64
                            };
                            acc
                        })
                        .collect();
                    (mine.iter().map(|(o, _)| *o).collect(), cdf)
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok((
            Trace {
                file: file.to_string(),
                clients,
                first_date,
                zone_origins,
            },
            weekday,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented memory per recorded client.
    #[test]
    fn a_recorded_client_takes_32_bytes() {
        assert_eq!(std::mem::size_of::<TraceClient>(), 32);
    }

    #[test]
    fn civil_dates_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2026-03-07 is a Saturday; 2024-02-29 a Thursday.
        assert_eq!(WEEKDAYS[weekday_of(days_from_civil(2026, 3, 7))], "sat");
        assert_eq!(WEEKDAYS[weekday_of(days_from_civil(2024, 2, 29))], "thu");
        assert_eq!(
            parse_date_time("2026-03-07 08:03:12"),
            Some((days_from_civil(2026, 3, 7), 483.2))
        );
        assert_eq!(
            parse_date_time("2026-03-07T08:03"),
            Some((days_from_civil(2026, 3, 7), 483.0))
        );
        assert_eq!(parse_date_time("2026-02-30 08:00"), None);
        assert_eq!(parse_date_time("2026-03-07 25:00"), None);
        assert_eq!(parse_date_time("08:00"), None);
    }
}
