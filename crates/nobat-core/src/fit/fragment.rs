//! What `nobat fit` writes: the scenario fragment (TOML with the scenario's own keys) and the
//! rows of `fits.csv` and `arrivals.csv`.

use super::families::round;
use super::log::{ArrivalTable, LogFit, WEEKDAYS};
use super::FitError;
use crate::report::{HeaderOf, Num};
use serde::Serialize;
use std::fmt::Write;

/// The daily schedule of `table`: one piece per hour with arrivals, `per_hour` the mean over
/// the days observed.
fn schedule(table: &ArrivalTable, fit: &LogFit) -> String {
    let mut out = String::from("schedule = [\n");
    for h in 0..24 {
        let rate = table.per_hour(h, &fit.days);
        if rate > 0.0 {
            let _ = writeln!(
                out,
                "  {{ from = \"{h:02}:00\", to = \"{:02}:00\", per_hour = {} }},",
                h + 1,
                round(rate)
            );
        }
    }
    out.push_str("]\n");
    out
}

/// The scenario fragment: `[arrivals]` (a schedule by hour and weekday factors; with zones in
/// the log, each `[[zone]]` gets its own schedule) and one `[[service]]` per service with its
/// share and its best-AIC duration. Complete it with `[run]`, `[[office]]` and `[[policy]]`.
pub fn fragment(fit: &LogFit, source: &str) -> String {
    let observed: Vec<String> = (0..7)
        .filter(|&w| fit.days[w] > 0)
        .map(|w| format!("{} {}", WEEKDAYS[w], fit.days[w]))
        .collect();
    let mut out = format!(
        "# Fitted by `nobat fit {source}`: {} clients over {} days ({}).\n\
         # Arrivals: rate(hour, weekday) = schedule(hour) x days(weekday), the maximum-likelihood\n\
         # product model; weekdays the log does not cover keep the factor 1.\n",
        fit.rows,
        fit.days.iter().sum::<u64>(),
        observed.join(", ")
    );
    let all = &fit.arrivals[0];
    let factors: Vec<String> = (0..7)
        .filter_map(|w| {
            all.day_factor(w, &fit.days)
                .map(|f| format!("{} = {}", WEEKDAYS[w], round(f)))
        })
        .collect();
    let zones: Vec<&ArrivalTable> = fit.arrivals.iter().filter(|t| t.kind == "zone").collect();
    out.push_str("[arrivals]\n");
    if zones.is_empty() {
        out.push_str(&schedule(all, fit));
    }
    let _ = writeln!(out, "days = {{ {} }}", factors.join(", "));
    for z in zones {
        let _ = write!(
            out,
            "\n[[zone]]\nname = {:?}\n# location = [x_km, y_km]   (or area = [x0, y0, x1, y1]): add it, with [geography]\n{}",
            z.scope,
            schedule(z, fit)
        );
    }
    out.push_str("\n# Service times (done - called): the family with the smallest AIC among exponential, gamma,\n# lognormal and weibull; `nobat fit --out DIR` writes every family's fit to fits.csv.\n");
    let total: u64 = fit.services.iter().map(|s| s.arrivals).sum();
    let mut given = 0.0;
    for (i, s) in fit.services.iter().enumerate() {
        // The last share takes the rounding, so the shares sum to 1 exactly as written.
        let share = if i + 1 == fit.services.len() {
            1.0 - given
        } else {
            let v: f64 = round(s.arrivals as f64 / total as f64).parse().unwrap_or(0.0);
            given += v;
            v
        };
        let _ = write!(
            out,
            "\n[[service]]\nname = {:?}\nshare = {}   # {} of {total} clients\n",
            s.service,
            round(share),
            s.arrivals
        );
        match &s.fits {
            Ok(fits) => {
                let best = &fits[0];
                let _ = writeln!(
                    out,
                    "duration = {}   # {} service times; KS D = {:.4}, p = {:.3}; AIC {:.1}",
                    best.to_toml(),
                    s.observations,
                    best.ks_statistic,
                    best.ks_p_value,
                    best.aic
                );
            }
            Err(FitError::Constant(n, v)) => {
                let _ = writeln!(
                    out,
                    "duration = {{ dist = \"deterministic\", value = {} }}   # all {n} service times equal",
                    round(*v)
                );
            }
            Err(e) => {
                let _ = writeln!(out, "# duration: not fitted ({e}); write one");
            }
        }
    }
    out
}

/// A row of `fits.csv`: one per service and family, the chosen one first.
#[derive(Debug, Clone, Serialize)]
pub struct FitRow {
    /// The service's name.
    pub service: String,
    /// Its clients in the log.
    pub arrivals: u64,
    /// Service times fitted.
    pub observations: usize,
    /// The family.
    pub family: String,
    /// Whether it is the one written to the fragment (smallest AIC).
    pub chosen: bool,
    /// The parameters as the scenario writes them, e.g. `mean=12.5 cv=0.6`.
    pub params: String,
    /// Maximised log-likelihood.
    pub log_likelihood: Num,
    /// Akaike's criterion.
    pub aic: Num,
    /// Kolmogorov–Smirnov statistic.
    pub ks_statistic: Num,
    /// Its asymptotic p-value.
    pub ks_p_value: Num,
}

/// A row of `arrivals.csv`: one per scope, weekday and hour with arrivals.
#[derive(Debug, Clone, Serialize)]
pub struct ArrivalRow {
    /// `all`, `office` or `zone`.
    pub kind: String,
    /// `all`, or the office's or zone's name.
    pub scope: String,
    /// The weekday.
    pub weekday: String,
    /// The hour of the day, 0 to 23.
    pub hour: usize,
    /// Days of this weekday observed.
    pub days: u64,
    /// Arrivals in this hour on those days.
    pub arrivals: u64,
    /// Arrivals per hour on such a day: `arrivals / days`.
    pub per_hour: Num,
}

impl HeaderOf for FitRow {
    fn header() -> &'static [&'static str] {
        &[
            "service",
            "arrivals",
            "observations",
            "family",
            "chosen",
            "params",
            "log_likelihood",
            "aic",
            "ks_statistic",
            "ks_p_value",
        ]
    }
}

impl HeaderOf for ArrivalRow {
    fn header() -> &'static [&'static str] {
        &["kind", "scope", "weekday", "hour", "days", "arrivals", "per_hour"]
    }
}

/// The rows of `fits.csv`.
pub fn fit_rows(fit: &LogFit) -> Vec<FitRow> {
    let mut rows = Vec::new();
    for s in &fit.services {
        let Ok(fits) = &s.fits else { continue };
        for (i, f) in fits.iter().enumerate() {
            rows.push(FitRow {
                service: s.service.clone(),
                arrivals: s.arrivals,
                observations: s.observations,
                family: f.family.to_string(),
                chosen: i == 0,
                params: f
                    .params
                    .iter()
                    .map(|(k, v)| format!("{k}={}", round(*v)))
                    .collect::<Vec<_>>()
                    .join(" "),
                log_likelihood: Num(Some(f.log_likelihood)),
                aic: Num(Some(f.aic)),
                ks_statistic: Num(Some(f.ks_statistic)),
                ks_p_value: Num(Some(f.ks_p_value)),
            });
        }
    }
    rows
}

/// The rows of `arrivals.csv`.
pub fn arrival_rows(fit: &LogFit) -> Vec<ArrivalRow> {
    let mut rows = Vec::new();
    for t in &fit.arrivals {
        for (w, (day, counts)) in WEEKDAYS.iter().zip(&t.counts).enumerate() {
            for (h, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
                rows.push(ArrivalRow {
                    kind: t.kind.to_string(),
                    scope: t.scope.clone(),
                    weekday: day.to_string(),
                    hour: h,
                    days: fit.days[w],
                    arrivals: n,
                    per_hour: Num(Some(n as f64 / fit.days[w].max(1) as f64)),
                });
            }
        }
    }
    rows
}
