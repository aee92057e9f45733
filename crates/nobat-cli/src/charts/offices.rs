//! Mean and 90th-percentile wait per office, per policy: one row per office (the worst at the
//! top), one short bar per policy from its mean (dot) to its p90 (tick), so a planner sees at a
//! glance where each policy leaves clients waiting.

use super::{color, draw_error, upper, FONT};
use plotters::prelude::*;

/// The most offices drawn: a chart of hundreds of rows is not read; the worst ones are.
pub const MAX_OFFICES: usize = 16;

/// One policy's (mean, p90) wait per office, in office order; `None` where nobody was served.
pub type PolicyWaits<'a> = (&'a str, Vec<(Option<f64>, Option<f64>)>);

/// Draws the chart for the offices with the longest p90 under any policy (at most
/// [`MAX_OFFICES`]).
pub fn office_waits(offices: &[String], policies: &[PolicyWaits<'_>]) -> anyhow::Result<String> {
    let worst = |i: usize| {
        policies
            .iter()
            .filter_map(|(_, w)| w[i].1)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let mut order: Vec<usize> = (0..offices.len()).collect();
    order.sort_by(|&a, &b| worst(b).total_cmp(&worst(a)).then(a.cmp(&b)));
    order.truncate(MAX_OFFICES);
    let n = order.len();
    let x_max = upper(order.iter().map(|&i| worst(i)).fold(0.0, f64::max));
    let title = if n < offices.len() {
        format!(
            "Wait per office: the {n} offices with the longest p90 (of {})",
            offices.len()
        )
    } else {
        "Wait per office".to_string()
    };
    // Row r from the top shows office order[r]; y grows upwards, so it sits at n - 1 - r.
    let names: Vec<&str> = order.iter().map(|&i| offices[i].as_str()).collect();
    let label = move |y: &f64| {
        let r = n as f64 - 1.0 - y;
        if (r - r.round()).abs() < 1e-6 && r >= -0.5 && (r.round() as usize) < n {
            names[r.round() as usize].to_string()
        } else {
            String::new()
        }
    };
    let per_row = policies.len().max(1) as f64;
    let height = 110 + (n as u32) * (10 + 5 * policies.len() as u32).max(24);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, (FONT, 24))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(120)
            // Room on the right for the legend, clear of the bars.
            .build_cartesian_2d(0.0..x_max * 1.3, -0.5..(n as f64 - 0.5))
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_desc("wait (minutes): dot = mean, bar to the tick = 90th percentile")
            .y_labels(n.max(1))
            .y_label_formatter(&label)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .map_err(draw_error)?;
        for (j, (name, waits)) in policies.iter().enumerate() {
            let c = color(j);
            // The first policy on top of each row, as in the legend.
            let offset = ((per_row - 1.0) / 2.0 - j as f64) * (0.8 / per_row);
            let rows: Vec<(f64, f64, f64)> = order
                .iter()
                .enumerate()
                .filter_map(|(r, &i)| {
                    let (mean, p90) = waits[i];
                    let y = n as f64 - 1.0 - r as f64 + offset;
                    Some((y, mean?, p90.unwrap_or(mean?)))
                })
                .collect();
            chart
                .draw_series(
                    rows.iter()
                        .map(|&(y, mean, p90)| PathElement::new(vec![(mean, y), (p90, y)], c.stroke_width(2))),
                )
                .map_err(draw_error)?;
            chart
                .draw_series(rows.iter().map(|&(y, _, p90)| {
                    let h = 0.3 / per_row;
                    PathElement::new(vec![(p90, y - h), (p90, y + h)], c.stroke_width(2))
                }))
                .map_err(draw_error)?;
            chart
                .draw_series(rows.iter().map(|&(y, mean, _)| Circle::new((mean, y), 3, c.filled())))
                .map_err(draw_error)?
                .label(*name)
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (18, 0)], c.stroke_width(2))
                        + Circle::new((0, 0), 3, c.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FONT, 16))
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, shows};
    use super::*;

    #[test]
    fn the_worst_offices_are_kept_and_named() {
        let offices: Vec<String> = (0..20).map(|i| format!("office-{i}")).collect();
        // Office i waits i minutes on average, 2i at the 90th percentile; office 0 nobody.
        let waits: Vec<(Option<f64>, Option<f64>)> = (0..20)
            .map(|i| {
                if i == 0 {
                    (None, None)
                } else {
                    (Some(i as f64), Some(2.0 * i as f64))
                }
            })
            .collect();
        let svg = office_waits(&offices, &[("a", waits.clone()), ("b", waits)]).unwrap();
        assert!(svg.contains("the 16 offices with the longest p90 (of 20)"));
        assert!(shows(&svg, "office-19") && shows(&svg, "office-4"));
        assert!(!shows(&svg, "office-3"), "office 3 is not among the 16 worst");
        // Two policies × 16 offices, plus a dot in each legend entry.
        assert_eq!(count(&svg, "circle"), 2 * 16 + 2);
    }
}
