//! SVG charts for the report, drawn with plotters' SVG backend: text is written as SVG
//! `<text>`, so no font library is needed to draw and the browser renders the letters.
//!
//! Every chart is a function from plain data to an SVG string: the CLI decides where it goes
//! (a file and inline in `report.html`). All charts share one style: axes labelled with their
//! units, a legend naming each policy, one colour per policy in scenario order (the
//! colour-blind-safe Okabe–Ito palette), the baseline policy in black.

mod cdf;
mod day;
mod lines;
mod offices;
// The charts of `nobat sweep` and `nobat size`, against data types of their own that
// `study_report` fills from the library's results.
pub mod size;
pub mod sweep;

pub use cdf::wait_cdf;
pub use day::{waiting_over_the_day, PolicySeries};
pub use offices::{office_waits, PolicyWaits};

use plotters::style::RGBColor;

/// Black for the baseline, then Okabe–Ito: distinguishable with every common colour-vision
/// deficiency and in grey print.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
];

/// The colour of the `i`-th policy.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The font of every label: the browser's sans-serif.
const FONT: &str = "sans-serif";

/// Turns a plotters error (whose type names the backend) into a message.
fn draw_error<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("cannot draw a chart: {e:?}")
}

/// A round upper bound for an axis: the data's maximum plus a little headroom, never 0.
fn upper(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.08
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the drawn elements of an SVG string, to test that a chart is not empty.
    pub fn count(svg: &str, element: &str) -> usize {
        svg.matches(&format!("<{element}")).count()
    }

    /// The texts of an SVG string, trimmed, in order.
    pub fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
            .collect()
    }

    /// Whether an SVG string shows `text` exactly.
    pub fn shows(svg: &str, text: &str) -> bool {
        texts(svg).iter().any(|t| t == text)
    }

    #[test]
    fn upper_bounds_are_positive() {
        assert_eq!(upper(0.0), 1.0);
        assert_eq!(upper(f64::NAN), 1.0);
        assert!(upper(10.0) > 10.0);
    }
}
