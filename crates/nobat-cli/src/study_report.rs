//! `report.html` of `nobat sweep` and `nobat size`: the charts of [`crate::charts::sweep`] and
//! [`crate::charts::size`] fed from the library's results, on the page skeleton and style of
//! `run`'s report ([`html_report::page`]), with the table the terminal shows. Every number comes
//! from the rows `sweep.csv` and `sizing.csv` are written from.

use crate::charts::size::{size_chart, SizeSeries};
use crate::charts::sweep::{sweep_charts, SweepPoint, SweepSeries};
use crate::html_report::{self, esc, Chart};
use nobat_core::report::{Num, SummaryRow};
use nobat_core::sizing::{Direction, Metric, Per, Sizing, Target};
use nobat_core::sweep::Sweep;
use std::fmt::Write;

/// A metric a sweep charts: file stem, name with unit, its value in a summary row.
type SweepMetric = (&'static str, &'static str, fn(&SummaryRow) -> Num);

/// The metrics a sweep charts, one chart each (a metric no point measured, such as the share
/// within target without `run.target`, is left out).
const SWEEP_METRICS: [SweepMetric; 4] = [
    ("wait_mean", "mean wait (minutes)", |r| r.wait_mean),
    ("wait_p90", "p90 wait (minutes)", |r| r.wait_p90),
    ("utilization", "utilization (share of counter time)", |r| r.utilization),
    ("sla_share", "share served within the target", |r| r.sla_share),
];

/// The sweep's series: one per value of the axes but the last (a single one without a grid),
/// each with the last axis on the horizontal axis, as (group label, stems of its metrics,
/// series). `None` when the last axis has a value that is not a number: nothing to draw.
fn sweep_series(sweep: &Sweep) -> Option<Vec<(String, Vec<&'static str>, SweepSeries)>> {
    let last = sweep.keys.len().checked_sub(1)?;
    let policies: Vec<String> = sweep.points.first()?.summary.iter().map(|r| r.policy.clone()).collect();
    let mut groups: Vec<(Vec<String>, Vec<&nobat_core::sweep::SweepPoint>)> = Vec::new();
    for p in &sweep.points {
        let key = p.values[..last].to_vec();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, points)) => points.push(p),
            None => groups.push((key, vec![p])),
        }
    }
    let mut out = Vec::new();
    for (key, points) in groups {
        let xs: Vec<f64> = points
            .iter()
            .map(|p| p.values[last].parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect::<Option<_>>()?;
        let mut stems = Vec::new();
        let mut metrics = Vec::new();
        for (stem, name, value) in SWEEP_METRICS {
            let series: Vec<SweepPoint> = xs
                .iter()
                .zip(&points)
                .map(|(&x, p)| {
                    let of = |policy: &String| p.summary.iter().find(|r| &r.policy == policy).and_then(|r| value(r).0);
                    (x, policies.iter().map(of).collect())
                })
                .collect();
            if series.iter().any(|(_, ys)| ys.iter().any(Option::is_some)) {
                stems.push(stem);
                metrics.push((name.to_string(), series));
            }
        }
        let label = sweep.keys[..last]
            .iter()
            .zip(&key)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        out.push((
            label,
            stems,
            SweepSeries {
                x_label: sweep.keys[last].clone(),
                policies: policies.clone(),
                metrics,
            },
        ));
    }
    Some(out)
}

/// The charts of a sweep: each metric against the last swept key, one line per policy, for
/// every value of the other keys.
fn sweep_chart_list(sweep: &Sweep) -> anyhow::Result<Vec<Chart>> {
    let Some(groups) = sweep_series(sweep) else {
        return Ok(Vec::new());
    };
    let several = groups.len() > 1;
    let mut out = Vec::new();
    for (g, (label, stems, series)) in groups.iter().enumerate() {
        for (stem, (metric, svg)) in stems.iter().zip(sweep_charts(series)?) {
            out.push(Chart {
                file: if several {
                    format!("sweep_{stem}_{}.svg", g + 1)
                } else {
                    format!("sweep_{stem}.svg")
                },
                title: if several {
                    format!("{metric} at {label}")
                } else {
                    metric
                },
                note: format!(
                    "One line per policy, a marker at each point of {}; every point is simulated with the same \
                     seed, so the differences between points are not the noise of different random numbers.",
                    series.x_label
                ),
                svg,
            });
        }
    }
    Ok(out)
}

/// An HTML table of text cells (escaped here).
fn text_table(head: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| esc(c)).collect()).collect();
    html_report::table(head, &rows)
}

/// What was swept: the ranges or lists, and the values fixed at every point.
pub struct SweepInput<'a> {
    /// The scenario file, as given.
    pub scenario: &'a str,
    /// The swept `--set` arguments.
    pub swept: Vec<&'a str>,
    /// The fixed `--set` arguments.
    pub fixed: Vec<&'a str>,
}

/// `report.html` and the charts of a sweep, as (file name, contents). `head` and `rows` are the
/// table the terminal shows.
pub fn sweep_files(
    input: &SweepInput,
    sweep: &Sweep,
    head: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<Vec<(String, String)>> {
    let charts = sweep_chart_list(sweep)?;
    let mut h = String::new();
    let first = sweep.points.first().map(|p| &p.result);
    let _ = writeln!(
        h,
        "<p class=\"sub\">Simulated with nobat: {} points, {} replications per policy and point, seed {} at every \
         point (common random numbers). Times are in minutes.</p>",
        sweep.points.len(),
        first.map_or(0, |r| r.replications),
        first.map_or(0, |r| r.seed)
    );
    let _ = write!(h, "<section><h2>What was swept</h2><ul>");
    for arg in &input.swept {
        let _ = write!(h, "<li><code>{}</code></li>", esc(arg));
    }
    for arg in &input.fixed {
        let _ = write!(h, "<li>fixed at every point: <code>{}</code></li>", esc(arg));
    }
    let _ = writeln!(h, "</ul></section>");
    if charts.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\">No charts: the last swept key, {}, has values that are not numbers.</p>",
            esc(sweep.keys.last().map_or("", String::as_str))
        );
    }
    for c in &charts {
        html_report::chart_section(&mut h, c);
    }
    let _ = writeln!(
        h,
        "<section><h2>Every point</h2>{}</section>\n<footer>The numbers behind this page are in sweep.csv beside it, \
         one row per point and policy with every column of summary.csv.</footer>",
        text_table(head, rows)
    );
    let title = format!("{} — sweep of {}", input.scenario, sweep.keys.join(" × "));
    let mut files = vec![("report.html".to_string(), html_report::page(&title, &h))];
    files.extend(charts.into_iter().map(|c| (c.file, c.svg)));
    Ok(files)
}

/// What a sizing asked.
pub struct SizeInput<'a> {
    /// The scenario file, as given.
    pub scenario: &'a str,
    /// The target.
    pub target: &'a Target,
    /// Where it must hold.
    pub per: Per,
    /// Whether offices (at sites, by their cost) rather than counters were added.
    pub offices: bool,
}

/// The sizing's steps as the chart needs them: the metric and its 95% bound against the cost
/// added (counters count 1 each, so it is the counters added; for sites their cost, which the
/// exact search never lowers from one step to the next).
fn size_series(input: &SizeInput, sizing: &Sizing) -> SizeSeries {
    let unit = match input.target.metric {
        Metric::SlaShare => "share",
        _ => "minutes",
    };
    let scope = match input.per {
        Per::All => "",
        Per::Office => ", worst office",
        Per::Zone => ", worst district",
    };
    let finite = |n: Num| n.0.filter(|x| x.is_finite());
    SizeSeries {
        x_label: if input.offices {
            "cost of the offices opened".into()
        } else {
            "counters added".into()
        },
        metric: format!("{}{scope} ({unit})", input.target.metric.name()),
        policy: sizing.policy.clone(),
        steps: sizing
            .rows
            .iter()
            .filter_map(|r| Some((finite(r.cost_total)?, finite(r.metric)?, finite(r.bound))))
            .collect(),
        // The sets of an exact search over sites are separate configurations, not a curve.
        joined: !(input.offices && sizing.search.starts_with("exact")),
        target: input.target.value,
    }
}

/// `report.html` and the chart of a sizing, as (file name, contents). `answer` is the answer in
/// words (`None`: nothing within the limits met the target); `head` and `rows` are the table
/// the terminal shows.
pub fn size_files(
    input: &SizeInput,
    sizing: &Sizing,
    answer: Option<&str>,
    head: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<Vec<(String, String)>> {
    let target = input.target;
    let chart = Chart {
        file: "sizing.svg".into(),
        title: "How the wait falls as capacity is added".into(),
        note: format!(
            "The estimate at each step of the search and the end of its 95% interval that must {} the target \
             line; the answer is the first step whose bound does.",
            match target.direction {
                Direction::AtMost => "stay below",
                Direction::AtLeast => "stay above",
            }
        ),
        svg: size_chart(&size_series(input, sizing))?,
    };
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<p class=\"sub\">Simulated with nobat: policy <b>{}</b>, {} replications per configuration (seed {}, the same \
         clients for every configuration), {} configurations simulated. Search: {}</p>",
        esc(&sizing.policy),
        sizing.replications,
        sizing.seed,
        sizing.evaluations,
        esc(&sizing.search)
    );
    let answer = match answer {
        Some(a) => format!("Answer: {}.", esc(a)),
        None => format!(
            "No addition within the search's limits meets {}: raise --max-steps, add candidate sites, or relax \
             the target.",
            esc(&target.to_string())
        ),
    };
    let _ = writeln!(
        h,
        "<section><h2>The target</h2><ul class=\"findings\"><li>{} {}, judged by the pessimistic end of its 95% \
         confidence interval.</li><li>{answer}</li></ul></section>",
        esc(&target.to_string()),
        match input.per {
            Per::All => "over all clients",
            Per::Office => "in every office",
            Per::Zone => "in every district",
        }
    );
    html_report::chart_section(&mut h, &chart);
    let _ = writeln!(
        h,
        "<section><h2>Every step</h2>{}</section>\n<footer>The numbers behind this page are in sizing.csv beside \
         it.</footer>",
        text_table(head, rows)
    );
    let title = format!("{} — sizing for {target}", input.scenario);
    Ok(vec![
        ("report.html".to_string(), html_report::page(&title, &h)),
        (chart.file, chart.svg),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobat_core::engine::RunControl;
    use nobat_core::experiment::RunOptions;
    use nobat_core::sweep::{run_sweep, Axis};

    fn sweep(args: &[&str]) -> Sweep {
        let source = "[run]\nhorizon = 300\nreplications = 2\n[arrivals]\nrate = 0.5\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\ncounters = 2\n[[policy]]\nkind = \"random\"\n";
        let axes: Vec<Axis> = args.iter().map(|a| Axis::parse(a).unwrap().unwrap()).collect();
        let (options, control) = (RunOptions::default(), RunControl::default());
        run_sweep(
            source,
            &|_| Err("no files".into()),
            &[],
            &axes,
            &options,
            &control,
            &mut |_, _| {},
        )
        .unwrap()
    }

    #[test]
    fn a_grid_charts_the_last_key_for_each_value_of_the_others() {
        let charts = sweep_chart_list(&sweep(&["office.0.counters=2,3", "arrivals.scale=1,1.5"])).unwrap();
        let files: Vec<&str> = charts.iter().map(|c| c.file.as_str()).collect();
        // No run.target: no share within target.
        assert_eq!(
            files,
            [
                "sweep_wait_mean_1.svg",
                "sweep_wait_p90_1.svg",
                "sweep_utilization_1.svg",
                "sweep_wait_mean_2.svg",
                "sweep_wait_p90_2.svg",
                "sweep_utilization_2.svg"
            ]
        );
        assert_eq!(charts[3].title, "mean wait (minutes) at office.0.counters=3");
    }

    #[test]
    fn a_last_key_that_is_not_a_number_gives_no_chart() {
        let s = sweep(&["arrivals.scale=1,1.5", "office.0.name=X,Y"]);
        assert!(sweep_chart_list(&s).unwrap().is_empty());
        let files = sweep_files(
            &SweepInput {
                scenario: "s.toml",
                swept: vec!["office.0.name=X,Y"],
                fixed: vec![],
            },
            &s,
            &["x"],
            &[vec!["<a>".into()]],
        )
        .unwrap();
        assert_eq!(files.len(), 1);
        assert!(files[0].1.contains("No charts") && files[0].1.contains("&lt;a&gt;"));
    }
}
