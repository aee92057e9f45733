//! Opening hours and shifts: when an office is open and with how many counters, by weekday.

use super::calendar::{weekday, Calendar, WEEKDAYS};
use super::DAY;
use crate::scenario::{parse_time, Hours, ScenarioError, ShiftEntry};

/// A stretch of a day during which an office is open with a fixed number of counters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenPiece {
    /// Start, minutes after midnight.
    pub start: f64,
    /// End, minutes after midnight (at most 1440).
    pub end: f64,
    /// Counters working.
    pub counters: u32,
}

/// A change of an office's state at a time of day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// Minutes after midnight.
    pub at: f64,
    /// Counters working from then on (0 = closed).
    pub counters: u32,
    /// The office closes and does not reopen that day (the `at_close` rule applies).
    pub last_close: bool,
}

/// An office's week: open pieces and the changes between them, by weekday (0 = Saturday).
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeHours {
    /// Open pieces of each weekday, sorted, not overlapping; adjacent pieces differ in counters.
    pub days: [Vec<OpenPiece>; 7],
    /// The changes of each weekday, in time order (derived from `days`).
    pub changes: [Vec<Change>; 7],
    /// Open at all hours with the same counters: no change ever happens.
    pub always_open: bool,
}

/// Parses `"08:00-12:00, 13:00-16:00"` or `"closed"` into sorted open intervals.
fn intervals(text: &str, path: &str) -> Result<Vec<(f64, f64)>, ScenarioError> {
    let text = text.trim();
    if text == "closed" {
        return Ok(Vec::new());
    }
    let mut out: Vec<(f64, f64)> = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.split_once('-').ok_or_else(|| {
            ScenarioError::at(
                path,
                format!("`{part}` is not an opening interval: write \"08:00-14:00\", several separated by commas, or \"closed\""),
            )
        })?;
        let from = parse_time(a).map_err(|e| ScenarioError::at(path, e))?;
        let to = parse_time(b).map_err(|e| ScenarioError::at(path, e))?;
        if to > DAY || from >= to {
            return Err(ScenarioError::at(
                path,
                format!(
                    "`{}` must open before it closes, within one day (up to 24:00)",
                    part.trim()
                ),
            ));
        }
        if let Some(&(_, prev_end)) = out.last() {
            if from < prev_end {
                return Err(ScenarioError::at(
                    path,
                    format!("intervals must be in clock order without overlap: `{}`", part.trim()),
                ));
            }
        }
        out.push((from, to));
    }
    Ok(out)
}

impl OfficeHours {
    /// Open all the time with `counters`.
    pub fn always(counters: u32) -> Self {
        let piece = vec![OpenPiece {
            start: 0.0,
            end: DAY,
            counters,
        }];
        OfficeHours {
            days: std::array::from_fn(|_| piece.clone()),
            changes: std::array::from_fn(|_| Vec::new()),
            always_open: true,
        }
    }

    /// Validates `hours` and `shifts` of the office at `path` with `counters` counters.
    pub fn from_sections(
        hours: Option<&Hours>,
        shifts: Option<&[ShiftEntry]>,
        counters: u32,
        path: &str,
    ) -> Result<Self, ScenarioError> {
        if hours.is_none() && shifts.is_none() {
            return Ok(Self::always(counters));
        }
        let hours_path = format!("{path}.hours");
        let open: [Vec<(f64, f64)>; 7] = match hours {
            None => std::array::from_fn(|_| vec![(0.0, DAY)]),
            Some(Hours::Daily(text)) => {
                let one = intervals(text, &hours_path)?;
                std::array::from_fn(|_| one.clone())
            }
            Some(Hours::ByDay(table)) => {
                let default = match table.get("default") {
                    Some(t) => intervals(t, &format!("{hours_path}.default"))?,
                    None => vec![(0.0, DAY)],
                };
                let mut days: [Vec<(f64, f64)>; 7] = std::array::from_fn(|_| default.clone());
                for (key, text) in table {
                    if key != "default" {
                        let p = format!("{hours_path}.{key}");
                        days[weekday(key, &p)?] = intervals(text, &p)?;
                    }
                }
                days
            }
        };
        let shifts: Vec<(f64, f64, u32)> = match shifts {
            None => Vec::new(),
            Some(list) => {
                let mut out: Vec<(f64, f64, u32)> = Vec::new();
                for (i, s) in list.iter().enumerate() {
                    let p = format!("{path}.shifts[{i}]");
                    let (from, to) = (s.from.get(), s.to.get());
                    if to > DAY || from >= to {
                        return Err(ScenarioError::at(
                            format!("{p}.to"),
                            "a shift must start before it ends, within one day (up to 24:00)",
                        ));
                    }
                    if s.counters == 0 || s.counters > super::MAX_COUNTERS {
                        return Err(ScenarioError::at(
                            format!("{p}.counters"),
                            format!(
                                "must be between 1 and {} (use `hours` for closed times)",
                                super::MAX_COUNTERS
                            ),
                        ));
                    }
                    if out.last().is_some_and(|&(_, end, _)| from < end) {
                        return Err(ScenarioError::at(
                            format!("{p}.from"),
                            "shifts must be in clock order without overlap",
                        ));
                    }
                    out.push((from, to, s.counters));
                }
                out
            }
        };
        let days: [Vec<OpenPiece>; 7] = std::array::from_fn(|d| Self::pieces(&open[d], &shifts, counters));
        if days.iter().all(|d| d.is_empty()) {
            return Err(ScenarioError::at(
                hours_path,
                "the office is never open; a closed office needs no entry",
            ));
        }
        let changes = std::array::from_fn(|d| Self::changes_of(&days[d]));
        Ok(OfficeHours {
            days,
            changes,
            always_open: false,
        })
    }

    /// Splits open intervals by shifts: inside a shift its counters, elsewhere `base`.
    fn pieces(open: &[(f64, f64)], shifts: &[(f64, f64, u32)], base: u32) -> Vec<OpenPiece> {
        let mut out: Vec<OpenPiece> = Vec::new();
        for &(start, end) in open {
            let mut cuts: Vec<f64> = vec![start, end];
            for &(a, b, _) in shifts {
                cuts.extend([a, b].into_iter().filter(|&x| x > start && x < end));
            }
            cuts.sort_by(f64::total_cmp);
            cuts.dedup();
            for w in cuts.windows(2) {
                let mid = (w[0] + w[1]) / 2.0;
                let counters = shifts
                    .iter()
                    .find(|&&(a, b, _)| a <= mid && mid < b)
                    .map_or(base, |s| s.2);
                match out.last_mut() {
                    Some(last) if last.end == w[0] && last.counters == counters => last.end = w[1],
                    _ => out.push(OpenPiece {
                        start: w[0],
                        end: w[1],
                        counters,
                    }),
                }
            }
        }
        out
    }

    fn changes_of(pieces: &[OpenPiece]) -> Vec<Change> {
        let mut out = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            if out.last().is_none_or(|c: &Change| c.at < p.start) {
                out.push(Change {
                    at: p.start,
                    counters: p.counters,
                    last_close: false,
                });
            } else if let Some(last) = out.last_mut() {
                *last = Change {
                    at: p.start,
                    counters: p.counters,
                    last_close: false,
                };
            }
            let next_starts_now = pieces.get(i + 1).is_some_and(|n| n.start == p.end);
            if !next_starts_now {
                out.push(Change {
                    at: p.end,
                    counters: 0,
                    last_close: i + 1 == pieces.len(),
                });
            }
        }
        out
    }

    /// Counters open at time `t` (0 when closed).
    pub fn counters_at(&self, calendar: &Calendar, t: f64) -> u32 {
        let day = (t / DAY).floor();
        let tod = t - day * DAY;
        self.days[calendar.weekday_of_day(day as i64)]
            .iter()
            .find(|p| p.start <= tod && tod < p.end)
            .map_or(0, |p| p.counters)
    }

    /// Whether the office, closed at `t`, opens again later the same day (a break).
    pub fn reopens_today(&self, calendar: &Calendar, t: f64) -> bool {
        let day = (t / DAY).floor();
        let tod = t - day * DAY;
        self.days[calendar.weekday_of_day(day as i64)]
            .iter()
            .any(|p| p.start > tod)
    }

    /// The first change strictly after `t`, with its absolute time. `None` for an office that is
    /// always open.
    pub fn next_change(&self, calendar: &Calendar, t: f64) -> Option<(f64, Change)> {
        if self.always_open {
            return None;
        }
        let first_day = (t / DAY).floor();
        // Every office opens at least once a week, so eight days always hold a change.
        for k in 0..8 {
            let day = first_day + f64::from(k);
            let changes = &self.changes[calendar.weekday_of_day(day as i64)];
            if let Some(c) = changes.iter().find(|c| day * DAY + c.at > t) {
                return Some((day * DAY + c.at, *c));
            }
        }
        None
    }

    /// The largest number of counters at any time.
    pub fn max_counters(&self) -> u32 {
        self.days.iter().flatten().map(|p| p.counters).max().unwrap_or(0)
    }

    /// A short description for `nobat check`, e.g. `sat-wed 07:30-14:30; thu 07:30-12:30; fri closed`.
    pub fn describe(&self) -> String {
        if self.always_open {
            return "always open".into();
        }
        let text = |d: usize| -> String {
            let p = &self.days[d];
            if p.is_empty() {
                return "closed".into();
            }
            let clock = |m: f64| format!("{:02}:{:02}", (m / 60.0).floor() as u32, (m % 60.0).round() as u32);
            p.iter()
                .map(|p| format!("{}-{} ({})", clock(p.start), clock(p.end), p.counters))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut groups: Vec<(usize, usize, String)> = Vec::new();
        for d in 0..7 {
            let t = text(d);
            match groups.last_mut() {
                Some((_, end, last)) if *last == t => *end = d,
                _ => groups.push((d, d, t)),
            }
        }
        groups
            .iter()
            .map(|(a, b, t)| {
                let days = if a == b {
                    WEEKDAYS[*a].to_string()
                } else {
                    format!("{}-{}", WEEKDAYS[*a], WEEKDAYS[*b])
                };
                format!("{days} {t}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Minutes;

    #[test]
    fn breaks_shifts_and_changes() {
        let hours = Hours::Daily("08:00-12:00, 13:00-16:00".into());
        let shifts = [ShiftEntry {
            from: Minutes(600.0),
            to: Minutes(720.0),
            counters: 4,
        }];
        let h = OfficeHours::from_sections(Some(&hours), Some(&shifts), 2, "office[0]").unwrap();
        assert_eq!(
            h.days[0],
            vec![
                OpenPiece {
                    start: 480.0,
                    end: 600.0,
                    counters: 2
                },
                OpenPiece {
                    start: 600.0,
                    end: 720.0,
                    counters: 4
                },
                OpenPiece {
                    start: 780.0,
                    end: 960.0,
                    counters: 2
                },
            ]
        );
        let c: Vec<(f64, u32, bool)> = h.changes[0].iter().map(|c| (c.at, c.counters, c.last_close)).collect();
        assert_eq!(
            c,
            vec![
                (480.0, 2, false),
                (600.0, 4, false),
                (720.0, 0, false),
                (780.0, 2, false),
                (960.0, 0, true)
            ]
        );
        let cal = Calendar::default();
        assert_eq!(h.counters_at(&cal, 700.0), 4);
        assert_eq!(h.counters_at(&cal, 750.0), 0);
        assert!(h.reopens_today(&cal, 750.0));
        assert!(!h.reopens_today(&cal, 1000.0));
        assert_eq!(h.next_change(&cal, 960.0).unwrap().0, DAY + 480.0);
    }

    #[test]
    fn hours_by_weekday() {
        let mut table = std::collections::BTreeMap::new();
        table.insert("default".to_string(), "07:30-14:30".to_string());
        table.insert("thu".to_string(), "07:30-12:30".to_string());
        table.insert("fri".to_string(), "closed".to_string());
        let h = OfficeHours::from_sections(Some(&Hours::ByDay(table)), None, 3, "o").unwrap();
        assert_eq!(h.describe(), "sat-wed 07:30-14:30 (3); thu 07:30-12:30 (3); fri closed");
        // Day 6 (a Friday when day 0 is a Saturday) is closed: the next change is Saturday 07:30.
        let cal = Calendar::default();
        assert_eq!(h.next_change(&cal, 5.0 * DAY + 800.0).unwrap().0, 7.0 * DAY + 450.0);
    }

    #[test]
    fn bad_hours_are_refused() {
        for bad in ["14:00-08:00", "08:00-12:00, 11:00-13:00", "08:00", "25:00-26:00"] {
            assert!(
                OfficeHours::from_sections(Some(&Hours::Daily(bad.into())), None, 1, "o").is_err(),
                "{bad}"
            );
        }
        assert!(OfficeHours::from_sections(Some(&Hours::Daily("closed".into())), None, 1, "o").is_err());
    }
}
