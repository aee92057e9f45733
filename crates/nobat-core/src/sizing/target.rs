//! What a sizing must achieve: `wait_p90<=30`, `sla_share>=0.9`, `wait_mean<=10`, overall or in
//! every office or zone.

use std::fmt;

/// A wait statistic a target can name: the columns of `summary.csv` about the waits of served
/// clients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// `wait_mean`: the mean wait.
    WaitMean,
    /// `wait_p50`, `wait_p90`, `wait_p95`, `wait_p99`: a percentile of the wait (the value is
    /// the quantile's level, e.g. 0.9).
    WaitQuantile(f64),
    /// `sla_share`: the share of served clients whose wait is at most `run.target`.
    SlaShare,
}

/// The metrics a target may name, as written.
pub const METRICS: &str = "wait_mean, wait_p50, wait_p90, wait_p95, wait_p99 (with <=), sla_share (with >=)";

impl Metric {
    /// The metric's column name.
    pub fn name(&self) -> String {
        match self {
            Metric::WaitMean => "wait_mean".into(),
            Metric::WaitQuantile(q) => format!("wait_p{}", (q * 100.0).round()),
            Metric::SlaShare => "sla_share".into(),
        }
    }

    fn parse(name: &str) -> Result<Metric, String> {
        Ok(match name {
            "wait_mean" => Metric::WaitMean,
            "wait_p50" => Metric::WaitQuantile(0.5),
            "wait_p90" => Metric::WaitQuantile(0.9),
            "wait_p95" => Metric::WaitQuantile(0.95),
            "wait_p99" => Metric::WaitQuantile(0.99),
            "sla_share" => Metric::SlaShare,
            "wait_max" | "utilization" | "sojourn_mean" | "travel_mean" | "travel_p90" | "wait_p90_worst_office"
            | "wait_mean_gini" | "wait_mean_ci95" => {
                return Err(format!(
                    "`{name}` is a summary column but not a wait target that added capacity can meet with confidence; targets: {METRICS} (for the worst office, use --per office)"
                ))
            }
            other => return Err(format!("unknown metric `{other}`; targets: {METRICS}")),
        })
    }
}

/// Which way the target bounds the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `<=`: the upper end of the 95% interval must be at most the value.
    AtMost,
    /// `>=`: the lower end of the 95% interval must be at least the value.
    AtLeast,
}

/// A target such as `wait_p90<=30`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The statistic.
    pub metric: Metric,
    /// `<=` or `>=`.
    pub direction: Direction,
    /// The bound (minutes for waits, a share for `sla_share`).
    pub value: f64,
}

impl Target {
    /// Parses `METRIC<=VALUE` or `METRIC>=VALUE` (spaces allowed).
    pub fn parse(text: &str) -> Result<Target, String> {
        let (metric, direction, value) = if let Some((m, v)) = text.split_once("<=") {
            (m, Direction::AtMost, v)
        } else if let Some((m, v)) = text.split_once(">=") {
            (m, Direction::AtLeast, v)
        } else {
            return Err(format!(
                "`{text}` is not a target; write METRIC<=VALUE or METRIC>=VALUE, e.g. `wait_p90<=30`, `sla_share>=0.9`; targets: {METRICS}"
            ));
        };
        let metric = Metric::parse(metric.trim())?;
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("`{}` is not a number of 0 or more", value.trim()))?;
        match (metric, direction) {
            (Metric::SlaShare, Direction::AtMost) => {
                return Err("adding capacity raises `sla_share`: write `sla_share>=VALUE`".into())
            }
            (Metric::SlaShare, Direction::AtLeast) if value > 1.0 => {
                return Err(format!(
                    "`sla_share` is a share: the target must be at most 1, got {value}"
                ))
            }
            (Metric::WaitMean | Metric::WaitQuantile(_), Direction::AtLeast) => {
                return Err(format!(
                    "adding capacity lowers waits: write `{}<=VALUE`",
                    metric.name()
                ))
            }
            _ => {}
        }
        Ok(Target {
            metric,
            direction,
            value,
        })
    }

    /// How far a confidence bound misses the target: positive when it misses, 0 or negative
    /// when it meets it (bound minus target for `<=`, target minus bound for `>=`).
    pub fn shortfall(&self, bound: f64) -> f64 {
        match self.direction {
            Direction::AtMost => bound - self.value,
            Direction::AtLeast => self.value - bound,
        }
    }

    /// The end of the interval `mean ± half_width` that must meet the target.
    pub fn bound(&self, mean: f64, half_width: f64) -> f64 {
        match self.direction {
            Direction::AtMost => mean + half_width,
            Direction::AtLeast => mean - half_width,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.direction {
            Direction::AtMost => "<=",
            Direction::AtLeast => ">=",
        };
        write!(f, "{}{op}{}", self.metric.name(), self.value)
    }
}

/// Where the target must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Per {
    /// Over all served clients together.
    #[default]
    All,
    /// In every office (of the clients it served).
    Office,
    /// In every zone (of the clients who started there).
    Zone,
}

impl Per {
    /// Parses `all`, `office` or `zone`.
    pub fn parse(text: &str) -> Result<Per, String> {
        match text {
            "all" => Ok(Per::All),
            "office" => Ok(Per::Office),
            "zone" => Ok(Per::Zone),
            other => Err(format!("unknown scope `{other}`; allowed: all, office, zone")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_check_their_direction() {
        let t = Target::parse("wait_p90 <= 30").unwrap();
        assert_eq!(
            (t.metric, t.direction, t.value),
            (Metric::WaitQuantile(0.9), Direction::AtMost, 30.0)
        );
        assert_eq!(t.to_string(), "wait_p90<=30");
        assert_eq!(Target::parse("sla_share>=0.9").unwrap().metric, Metric::SlaShare);
        assert!(Target::parse("wait_mean>=3").unwrap_err().contains("wait_mean<=VALUE"));
        assert!(Target::parse("sla_share<=0.9").is_err());
        assert!(Target::parse("sla_share>=1.5").is_err());
        assert!(Target::parse("wait_p80<=3").unwrap_err().contains("wait_p90"));
        assert!(Target::parse("utilization<=0.8")
            .unwrap_err()
            .contains("not a wait target"));
        assert!(Target::parse("wait_mean=3").is_err());
        assert!(Target::parse("wait_mean<=soon").is_err());
    }

    #[test]
    fn the_bound_that_counts_is_the_pessimistic_end() {
        let le = Target::parse("wait_mean<=10").unwrap();
        assert_eq!(le.bound(9.0, 2.0), 11.0);
        assert!(le.shortfall(11.0) > 0.0);
        let ge = Target::parse("sla_share>=0.9").unwrap();
        assert!((ge.bound(0.93, 0.02) - 0.91).abs() < 1e-12);
        assert!(ge.shortfall(0.91) < 0.0);
    }
}
