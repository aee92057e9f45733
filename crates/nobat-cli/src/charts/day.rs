//! Clients waiting over the office day: one small panel per office (the busiest ones), one line
//! per policy, every panel on the same scale so that panels compare.

use super::{color, draw_error, upper, FONT};
use nobat_core::report::clock;
use plotters::prelude::*;

/// The most panels drawn: the offices with the highest peak.
pub const MAX_PANELS: usize = 12;
const COLUMNS: usize = 3;

/// One policy's name, palette index (its place in the scenario) and series per office, in office
/// order: (start of the interval in minutes after 00:00, mean clients waiting).
pub type PolicySeries<'a> = (&'a str, usize, Vec<Vec<(f64, f64)>>);

/// Draws the panels; `sample` is the interval of the series (minutes).
pub fn waiting_over_the_day(offices: &[String], policies: &[PolicySeries<'_>], sample: f64) -> anyhow::Result<String> {
    let peak = |i: usize| {
        policies
            .iter()
            .flat_map(|(_, _, s)| s[i].iter().map(|p| p.1))
            .fold(0.0, f64::max)
    };
    let mut order: Vec<usize> = (0..offices.len()).collect();
    order.sort_by(|&a, &b| peak(b).total_cmp(&peak(a)).then(a.cmp(&b)));
    order.truncate(MAX_PANELS);
    // The part of the day where anything happens, an interval of margin on each side.
    let busy = || {
        policies
            .iter()
            .flat_map(|(_, _, s)| s.iter().flatten())
            .filter(|p| p.1 > 0.0)
            .map(|p| p.0)
    };
    let first = busy().fold(f64::INFINITY, f64::min);
    let last = busy().fold(f64::NEG_INFINITY, f64::max);
    let (x0, x1) = if first <= last {
        ((first - sample).max(0.0), last + 2.0 * sample)
    } else {
        (0.0, 1440.0)
    };
    let y_max = upper(order.iter().map(|&i| peak(i)).fold(0.0, f64::max));
    let rows = order.len().div_ceil(COLUMNS).max(1);
    let title = if order.len() < offices.len() {
        format!(
            "Clients waiting over the day: the {} offices with the longest queues (of {})",
            order.len(),
            offices.len()
        )
    } else {
        "Clients waiting over the day, per office".to_string()
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 90 + 210 * rows as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let (top, grid) = root.split_vertically(90);
        top.draw(&Text::new(title, (12, 8), (FONT, 24).into_font()))
            .map_err(draw_error)?;
        // One legend for all panels, in a row under the title.
        let mut x = 12;
        for (j, (name, c, _)) in policies.iter().enumerate() {
            let y = 48 + 22 * (j / 6) as i32;
            if j % 6 == 0 {
                x = 12;
            }
            top.draw(&PathElement::new(vec![(x, y), (x + 22, y)], color(*c).stroke_width(3)))
                .map_err(draw_error)?;
            top.draw(&Text::new(name.to_string(), (x + 28, y - 8), (FONT, 16).into_font()))
                .map_err(draw_error)?;
            x += 40 + 8 * name.chars().count() as i32;
        }
        let panels = grid.split_evenly((rows, COLUMNS));
        for (panel, &i) in panels.iter().zip(&order) {
            // Hours on the axis, so that its round ticks fall on round clock times.
            let mut chart = ChartBuilder::on(panel)
                .caption(&offices[i], (FONT, 17))
                .margin(6)
                .x_label_area_size(28)
                .y_label_area_size(36)
                .build_cartesian_2d(x0 / 60.0..x1 / 60.0, 0.0..y_max)
                .map_err(draw_error)?;
            chart
                .configure_mesh()
                .x_labels(8)
                .y_labels(4)
                .x_label_formatter(&|h| clock(h * 60.0))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .label_style((FONT, 14))
                .light_line_style(WHITE)
                .bold_line_style(RGBColor(230, 230, 230))
                .draw()
                .map_err(draw_error)?;
            for (_, c, series) in policies {
                // Each value is the mean over its interval: drawn at the interval's middle.
                let points = series[i]
                    .iter()
                    .filter(|p| p.0 + sample >= x0 && p.0 <= x1)
                    .map(|&(t, w)| ((t + sample / 2.0) / 60.0, w));
                chart
                    .draw_series(LineSeries::new(points, color(*c).stroke_width(2)))
                    .map_err(draw_error)?;
            }
        }
        root.present().map_err(draw_error)?;
    }
    // The axis unit, said once for all panels.
    Ok(svg.replacen(
        "</svg>",
        &format!(
            "<text x=\"12\" y=\"{}\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#555\">y: mean clients waiting (not in service) in each {} interval; x: time of day</text></svg>",
            86,
            interval_name(sample)
        ),
        1,
    ))
}

/// `15` → `15-minute`.
fn interval_name(sample: f64) -> String {
    format!("{}-minute", super::lines::plain(&sample))
}

#[cfg(test)]
mod tests {
    use super::super::tests::shows;
    use super::*;

    #[test]
    fn the_busiest_offices_get_panels_on_one_scale() {
        let offices: Vec<String> = (0..14).map(|i| format!("o{i}")).collect();
        // Office i peaks at i clients at 09:00; the day runs 08:00-10:00.
        let series = |scale: f64| -> Vec<Vec<(f64, f64)>> {
            (0..14)
                .map(|i| {
                    (0..8)
                        .map(|k| {
                            let t = 480.0 + 15.0 * k as f64;
                            (t, scale * i as f64 * if t == 540.0 { 1.0 } else { 0.5 })
                        })
                        .collect()
                })
                .collect()
        };
        let svg = waiting_over_the_day(&offices, &[("a", 0, series(1.0)), ("b", 1, series(0.5))], 15.0).unwrap();
        assert!(svg.contains("the 12 offices with the longest queues (of 14)"));
        assert!(shows(&svg, "o13") && !shows(&svg, "o1"));
        // Policy b (the second colour): a line in each of the 12 panels and its legend sample.
        assert_eq!(svg.matches("stroke=\"#E69F00\"").count(), 12 + 1);
        assert!(shows(&svg, "08:00"), "clock labels");
        assert!(svg.contains("15-minute interval"));
    }
}
