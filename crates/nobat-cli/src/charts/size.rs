//! For `nobat size`: the metric against the capacity added, with the target as a line, so a
//! planner sees where the curve crosses it.

use super::lines::{line_chart, plain, Line, LinePlot};
use plotters::prelude::SeriesLabelPosition;

/// The steps of a sizing search, as the chart needs them.
pub struct SizeSeries {
    /// What is added, with its unit: `counters added` or `offices added`.
    pub x_label: String,
    /// The metric with its unit, e.g. `p90 wait, worst district (minutes)`.
    pub metric: String,
    /// The policy the sizing is for.
    pub policy: String,
    /// Per step: capacity added, the metric's estimate and its 95% bound (`None` if unknown).
    pub steps: Vec<(f64, f64, Option<f64>)>,
    /// The target the metric must meet.
    pub target: f64,
    /// Each step builds on the previous one (a greedy search): the steps are one curve.
    /// Otherwise (an exact search) they are separate sets, drawn as points.
    pub joined: bool,
}

/// The metric and its bound against the capacity added, with the target line.
pub fn size_chart(size: &SizeSeries) -> anyhow::Result<String> {
    let mut lines = vec![Line {
        name: format!("{} ({})", size.metric, size.policy),
        color: 0,
        points: size.steps.iter().map(|s| (s.0, s.1)).collect(),
        markers: true,
        joined: size.joined,
    }];
    let bound: Vec<(f64, f64)> = size.steps.iter().filter_map(|s| Some((s.0, s.2?))).collect();
    if !bound.is_empty() {
        lines.push(Line {
            name: "its 95% bound".into(),
            color: 5,
            points: bound,
            markers: true,
            joined: size.joined,
        });
    }
    let title = format!("{} against {}", size.metric, size.x_label);
    line_chart(
        &LinePlot {
            title: &title,
            x_label: &size.x_label,
            y_label: &size.metric,
            lines: &lines,
            references: &[(size.target, format!("target {}", plain(&size.target)))],
            x_range: None,
            y_range: None,
            y_format: plain,
            legend: SeriesLabelPosition::UpperRight,
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
    fn steps_bound_and_target_line() {
        let svg = size_chart(&SizeSeries {
            x_label: "counters added".into(),
            metric: "p90 wait (minutes)".into(),
            policy: "nearest".into(),
            steps: vec![
                (0.0, 80.0, Some(90.0)),
                (1.0, 45.0, Some(52.0)),
                (2.0, 25.0, Some(29.0)),
            ],
            target: 30.0,
            joined: true,
        })
        .unwrap();
        assert_eq!(count(&svg, "circle"), 6, "three steps, estimate and bound");
        assert!(shows(&svg, "target 30"));
        assert!(shows(&svg, "counters added"));
    }
}
