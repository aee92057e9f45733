//! The one line chart the others are made of: named series of (x, y) points, optional
//! horizontal reference lines (a target), labelled axes and a legend.

use super::{color, draw_error, upper, FONT};
use plotters::prelude::*;

/// One series: a policy's points, drawn as a line with a marker at each point when asked.
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// Palette index (the policy's position in the scenario).
    pub color: usize,
    /// The points, in x order.
    pub points: Vec<(f64, f64)>,
    /// Mark each point (few points, like a sweep); a dense curve has none.
    pub markers: bool,
    /// Join the points by a line: they are one curve. Unjoined points (marked) are separate
    /// configurations, like the sets of an exact search, that a line would wrongly connect.
    pub joined: bool,
}

/// A line chart to draw.
pub struct LinePlot<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// X axis label, with its unit.
    pub x_label: &'a str,
    /// Y axis label, with its unit.
    pub y_label: &'a str,
    /// The series.
    pub lines: &'a [Line],
    /// Horizontal reference lines: (y, legend text), drawn dashed in red.
    pub references: &'a [(f64, String)],
    /// The x range; default from the data.
    pub x_range: Option<(f64, f64)>,
    /// The y range; default from 0 to the data's maximum.
    pub y_range: Option<(f64, f64)>,
    /// Formats y labels (e.g. as percentages).
    pub y_format: fn(&f64) -> String,
    /// Where the legend goes: where the lines are not.
    pub legend: SeriesLabelPosition,
}

/// A y label with as few decimals as needed.
pub fn plain(y: &f64) -> String {
    let s = format!("{y:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Draws `plot` as an SVG of `width` × `height` pixels.
pub fn line_chart(plot: &LinePlot<'_>, width: u32, height: u32) -> anyhow::Result<String> {
    let all = || plot.lines.iter().flat_map(|l| l.points.iter());
    let (x0, x1) = plot.x_range.unwrap_or_else(|| {
        let lo = all().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let hi = all().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else if lo.is_finite() {
            (lo - 1.0, lo + 1.0)
        } else {
            (0.0, 1.0)
        }
    });
    let (y0, y1) = plot.y_range.unwrap_or_else(|| {
        let hi = all()
            .map(|p| p.1)
            .chain(plot.references.iter().map(|r| r.0))
            .fold(0.0, f64::max);
        (0.0, upper(hi))
    });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(plot.title, (FONT, 24))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_desc(plot.x_label)
            .y_desc(plot.y_label)
            .y_label_formatter(&plot.y_format)
            .x_label_formatter(&plain)
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .light_line_style(RGBColor(238, 238, 238))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_error)?;
        for (y, name) in plot.references {
            let style = ShapeStyle::from(&RGBColor(200, 0, 0)).stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(vec![(x0, *y), (x1, *y)], 8, 5, style))
                .map_err(draw_error)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
        }
        for line in plot.lines {
            let c = color(line.color);
            let style = ShapeStyle::from(&c).stroke_width(2);
            if line.joined {
                chart
                    .draw_series(LineSeries::new(line.points.iter().copied(), style))
                    .map_err(draw_error)?
                    .label(line.name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            } else {
                chart
                    .draw_series(line.points.iter().map(|&p| Circle::new(p, 4, c.filled())))
                    .map_err(draw_error)?
                    .label(line.name.as_str())
                    .legend(move |(x, y)| Circle::new((x + 9, y), 4, c.filled()));
                continue;
            }
            if line.markers {
                chart
                    .draw_series(line.points.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .map_err(draw_error)?;
            }
        }
        chart
            .configure_series_labels()
            .position(plot.legend.clone())
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FONT, 16))
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}
