//! Time values as a planner writes them: plain minutes, duration strings (`"90s"`, `"12min"`,
//! `"1.5h"`, `"2d"`) and clock times (`"08:30"`), all read into minutes.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// A time value in minutes, read from a number, a duration string or a clock time.
///
/// Simulated time 0 is 00:00 of the first day, so the clock time `"08:30"` is minute 510.
/// Negative, NaN and infinite values are rejected while parsing, with the place in the file.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Minutes(pub f64);

impl Minutes {
    /// The number of minutes.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// What a time value may be written as, for error messages.
pub const TIME_FORMS: &str =
    "minutes as a number (90), a duration (\"90s\", \"12min\", \"1.5h\", \"2d\") or a clock time (\"08:30\")";

/// Parses a duration string or a clock time into minutes.
///
/// Accepted: `"<number><unit>"` with unit `s`/`sec`, `m`/`min`, `h`, `d` (spaces allowed
/// between), a bare number (minutes), and `"HH:MM"` or `"HH:MM:SS"` with `HH` up to 24.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.contains(':') {
        return parse_clock(t);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a time: expected {TIME_FORMS}"))?;
    let factor = match unit.trim() {
        "" | "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0 / 60.0,
        "h" | "hr" | "hour" | "hours" => 60.0,
        "d" | "day" | "days" => 1440.0,
        other => return Err(format!("unknown time unit `{other}` in `{text}`: use s, min, h or d")),
    };
    check_minutes(value * factor, text)
}

fn parse_clock(t: &str) -> Result<f64, String> {
    let parts: Vec<&str> = t.split(':').collect();
    let bad = || format!("`{t}` is not a clock time: expected \"HH:MM\" (00:00 to 24:00)");
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let field = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let hours = field(parts[0])?;
    let minutes = field(parts[1])?;
    let seconds = if parts.len() == 3 { field(parts[2])? } else { 0 };
    if minutes >= 60 || seconds >= 60 || hours > 24 || (hours == 24 && (minutes > 0 || seconds > 0)) {
        return Err(bad());
    }
    Ok(f64::from(hours) * 60.0 + f64::from(minutes) + f64::from(seconds) / 60.0)
}

fn check_minutes(value: f64, text: &str) -> Result<f64, String> {
    if !value.is_finite() {
        return Err(format!("`{text}` is not a finite time"));
    }
    if value < 0.0 {
        return Err(format!("`{text}` is negative: times must be 0 or more"));
    }
    if value > MAX_MINUTES {
        return Err(format!(
            "`{text}` is more than {MAX_MINUTES:e} minutes (about 2 million years): too large to be meant"
        ));
    }
    Ok(value)
}

/// `x` as a message shows it: in scientific notation when very large or small, where `{}` would
/// write hundreds of digits.
pub(crate) fn show(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The largest time a scenario may write. Sums of such times (a trip, a wait, a service) stay
/// far from overflowing to infinity, which the engine's event list cannot order.
pub const MAX_MINUTES: f64 = 1e12;

/// Reads a [`Minutes`] from a number or a string.
struct MinutesVisitor;

impl Visitor<'_> for MinutesVisitor {
    type Value = Minutes;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(TIME_FORMS)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Minutes, E> {
        check_minutes(v as f64, &v.to_string()).map(Minutes).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Minutes, E> {
        check_minutes(v as f64, &v.to_string()).map(Minutes).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Minutes, E> {
        check_minutes(v, &show(v)).map(Minutes).map_err(E::custom)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Minutes, E> {
        parse_time(v).map(Minutes).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MinutesVisitor)
    }
}

/// `run.warmup` as written: a time, or `"auto"` (chosen per replication by MSER-5; see
/// [`crate::stats::Mser`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Warmup {
    /// Clients created before this time are not counted.
    Time(Minutes),
    /// Chosen per replication from a pilot run of the same replication.
    Auto,
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WarmupVisitor;
        impl Visitor<'_> for WarmupVisitor {
            type Value = Warmup;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "\"auto\" or {TIME_FORMS}")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Warmup, E> {
                MinutesVisitor.visit_i64(v).map(Warmup::Time)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Warmup, E> {
                MinutesVisitor.visit_u64(v).map(Warmup::Time)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Warmup, E> {
                MinutesVisitor.visit_f64(v).map(Warmup::Time)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Warmup, E> {
                if v.trim() == "auto" {
                    Ok(Warmup::Auto)
                } else {
                    parse_time(v)
                        .map(|m| Warmup::Time(Minutes(m)))
                        .map_err(|e| E::custom(format!("{e}; or \"auto\" (MSER-5, chosen per replication)")))
                }
            }
        }
        deserializer.deserialize_any(WarmupVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_clock_times() {
        assert_eq!(parse_time("90s").unwrap(), 1.5);
        assert_eq!(parse_time("12min").unwrap(), 12.0);
        assert_eq!(parse_time("1.5h").unwrap(), 90.0);
        assert_eq!(parse_time("2d").unwrap(), 2880.0);
        assert_eq!(parse_time("08:30").unwrap(), 510.0);
        assert_eq!(parse_time("24:00").unwrap(), 1440.0);
        assert_eq!(parse_time("45").unwrap(), 45.0);
    }

    #[test]
    fn bad_times_are_refused() {
        for bad in [
            "",
            "abc",
            "5 parsecs",
            "25:00",
            "08:60",
            "-3min",
            "inf",
            "8:",
            "1:2:3:4",
        ] {
            assert!(parse_time(bad).is_err(), "{bad} accepted");
        }
    }
}
