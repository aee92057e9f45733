//! For `nobat sweep`: each metric against the swept value, one line per policy.

use super::lines::{line_chart, plain, Line, LinePlot};
use plotters::prelude::SeriesLabelPosition;

/// One point of a sweep: the swept value and each policy's value of a metric (`None`: not
/// measured there).
pub type SweepPoint = (f64, Vec<Option<f64>>);

/// The results of a sweep over one numeric key, as the charts need them.
pub struct SweepSeries {
    /// The swept key with its unit, e.g. `arrivals.scale (factor)`.
    pub x_label: String,
    /// The policies, in scenario order (the colours follow it).
    pub policies: Vec<String>,
    /// Per metric: its name with unit (e.g. `mean wait (minutes)`) and its points in x order.
    pub metrics: Vec<(String, Vec<SweepPoint>)>,
}

/// One chart per metric: (the metric's name, the SVG).
pub fn sweep_charts(sweep: &SweepSeries) -> anyhow::Result<Vec<(String, String)>> {
    sweep
        .metrics
        .iter()
        .map(|(metric, points)| {
            let lines: Vec<Line> = sweep
                .policies
                .iter()
                .enumerate()
                .map(|(j, name)| Line {
                    name: name.clone(),
                    color: j,
                    points: points
                        .iter()
                        .filter_map(|(x, ys)| Some((*x, ys.get(j).copied().flatten()?)))
                        .collect(),
                    markers: true,
                    joined: true,
                })
                .collect();
            let title = format!("{metric} against {}", sweep.x_label);
            let svg = line_chart(
                &LinePlot {
                    title: &title,
                    x_label: &sweep.x_label,
                    y_label: metric,
                    lines: &lines,
                    references: &[],
                    x_range: None,
                    y_range: None,
                    y_format: plain,
                    legend: SeriesLabelPosition::UpperLeft,
                },
                900,
                480,
            )?;
            Ok((metric.clone(), svg))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, shows};
    use super::*;

    #[test]
    fn a_chart_per_metric_a_marked_line_per_policy() {
        let sweep = SweepSeries {
            x_label: "arrivals.scale (factor)".into(),
            policies: vec!["nearest".into(), "board".into()],
            metrics: vec![
                (
                    "mean wait (minutes)".into(),
                    vec![
                        (1.0, vec![Some(10.0), Some(8.0)]),
                        (1.2, vec![Some(20.0), Some(12.0)]),
                        (1.4, vec![Some(45.0), None]),
                    ],
                ),
                ("utilization".into(), vec![(1.0, vec![Some(0.7), Some(0.7)])]),
            ],
        };
        let charts = sweep_charts(&sweep).unwrap();
        assert_eq!(charts.len(), 2);
        let (name, svg) = &charts[0];
        assert_eq!(name, "mean wait (minutes)");
        // Three points for nearest, two for board (its third is missing).
        assert_eq!(count(svg, "circle"), 5);
        assert!(shows(svg, "arrivals.scale (factor)") && shows(svg, "board"));
    }
}
