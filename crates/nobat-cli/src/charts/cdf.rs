//! The cumulative distribution of waits, one curve per policy: how many clients wait at most
//! so long. The curve further up and to the left is the better policy.

use super::lines::{line_chart, Line, LinePlot};
use nobat_core::stats::WaitHistogram;
use plotters::prelude::SeriesLabelPosition;

/// Quantiles drawn per curve: every half percent, enough for a smooth line.
const STEPS: usize = 200;

/// The CDF of the waits of each policy's served clients (pooled over replications), up to the
/// largest 99th percentile so that one long tail does not squash the rest.
pub fn wait_cdf(policies: &[(&str, &WaitHistogram)]) -> anyhow::Result<String> {
    let x_max = policies
        .iter()
        .filter_map(|(_, h)| h.quantile(0.99))
        .fold(0.0, f64::max)
        .max(1.0);
    let lines: Vec<Line> = policies
        .iter()
        .enumerate()
        .map(|(i, (name, h))| {
            let mut points: Vec<(f64, f64)> = (0..=STEPS)
                .filter_map(|k| {
                    let q = k as f64 / STEPS as f64;
                    h.quantile(q).map(|w| (w.min(x_max), q))
                })
                .collect();
            // A policy whose waits all fit to the left still reaches the right edge at 100%.
            if let Some(&(_, last)) = points.last() {
                points.push((x_max, last));
            }
            Line {
                name: name.to_string(),
                color: i,
                points,
                markers: false,
                joined: true,
            }
        })
        .collect();
    line_chart(
        &LinePlot {
            title: "How long clients wait: share served within each wait",
            x_label: "wait (minutes)",
            y_label: "share of served clients",
            lines: &lines,
            references: &[],
            x_range: Some((0.0, x_max)),
            y_range: Some((0.0, 1.0)),
            y_format: |y| format!("{:.0}%", y * 100.0),
            legend: SeriesLabelPosition::LowerRight,
        },
        900,
        480,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, shows};
    use super::*;

    #[test]
    fn one_curve_per_policy_with_a_legend() {
        let mut fast = WaitHistogram::new();
        let mut slow = WaitHistogram::new();
        for k in 0..1000 {
            fast.record(k as f64 / 100.0);
            slow.record(k as f64 / 20.0);
        }
        let svg = wait_cdf(&[("fast", &fast), ("slow", &slow)]).unwrap();
        // Two curves and two legend samples.
        assert!(count(&svg, "polyline") >= 4, "{svg}");
        assert!(shows(&svg, "fast") && shows(&svg, "slow"), "{svg}");
        assert!(svg.contains("wait (minutes)"));
    }
}
