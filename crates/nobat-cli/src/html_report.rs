//! `report.html`: one self-contained page a planner can open, read in a minute and forward.
//! Inline CSS and inline SVG charts, no script and no network: it opens from a mail attachment.
//!
//! Sections: the scenario and its key parameters; the findings in plain words (each policy
//! against the baseline, from `comparison.csv`); the summary table with confidence intervals
//! (and the booking columns when clients book); the charts; the worst offices and districts.
//! Every number comes from the report rows the CSV files are written from, so the page and the
//! files always agree.

use crate::charts;
use nobat_core::experiment::ExperimentResult;
use nobat_core::model::Model;
use nobat_core::policy::PolicyKind;
use nobat_core::report::{ComparisonRow, Num, Report, SummaryRow};
use std::fmt::Write;

/// A chart of the report: its file name, its heading and how to read it.
pub struct Chart {
    /// File name of the SVG beside the report.
    pub file: String,
    /// Heading above it.
    pub title: String,
    /// One or two sentences on how to read it.
    pub note: String,
    /// The SVG itself.
    pub svg: String,
}

/// The charts of a run: the distribution of waits, waits per office and clients waiting over
/// the day (when the run recorded its time series).
pub fn run_charts(model: &Model, result: &ExperimentResult, report: &Report) -> anyhow::Result<Vec<Chart>> {
    let mut out = Vec::new();
    let hists: Vec<(&str, &nobat_core::stats::WaitHistogram)> = result
        .policies
        .iter()
        .map(|p| (p.name.as_str(), &p.wait_hist))
        .collect();
    out.push(Chart {
        file: "wait_cdf.svg".into(),
        title: "How long clients wait".into(),
        note: "For each wait on the horizontal axis, the share of served clients who waited at most that long. \
               A curve higher and further left is better; where it reaches 90% is the p90 wait."
            .into(),
        svg: charts::wait_cdf(&hists)?,
    });
    let offices: Vec<String> = model.offices.iter().map(|o| o.name.clone()).collect();
    let waits: Vec<charts::PolicyWaits<'_>> = result
        .policies
        .iter()
        .map(|p| {
            let rows = report.offices.iter().filter(|r| r.policy == p.name);
            (p.name.as_str(), rows.map(|r| (r.wait_mean.0, r.wait_p90.0)).collect())
        })
        .collect();
    out.push(Chart {
        file: "office_waits.svg".into(),
        title: "Where clients wait".into(),
        note: "One row per office, worst first; per policy a dot at the mean wait and a bar to the tick at the 90th \
               percentile (one client in ten waits longer)."
            .into(),
        svg: charts::office_waits(&offices, &waits)?,
    });
    if !report.timeseries.is_empty() {
        // A pooled policy's clients wait in one shared queue, at no office: no line of its own.
        let pooled = |name: &str| {
            model
                .policies
                .iter()
                .any(|p| p.name == name && p.kind == PolicyKind::Pooled)
        };
        let series: Vec<charts::PolicySeries<'_>> = result
            .policies
            .iter()
            .enumerate()
            .filter(|(_, p)| !pooled(&p.name))
            .map(|(j, p)| {
                // One pass over the rows: a national scenario has thousands of offices.
                let index: std::collections::HashMap<&str, usize> = model
                    .offices
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (o.name.as_str(), i))
                    .collect();
                let mut per_office = vec![Vec::new(); model.offices.len()];
                for r in report.timeseries.iter().filter(|r| r.policy == p.name) {
                    if let (Some(&i), Some(t), Some(w)) = (index.get(r.office.as_str()), r.time.0, r.waiting.0) {
                        per_office[i].push((t, w));
                    }
                }
                (p.name.as_str(), j, per_office)
            })
            .collect();
        out.push(Chart {
            file: "waiting_over_the_day.svg".into(),
            title: "When queues build up".into(),
            note: format!(
                "Mean number of clients waiting at each office over the office day, averaged over each {} min \
                 interval{} and over the replications (timeseries.csv). All panels share one scale.{}",
                Num(Some(model.run.sample)).text(),
                if model.run.horizon > 1440.0 {
                    ", over the days"
                } else {
                    ""
                },
                if result.policies.iter().any(|p| pooled(&p.name)) {
                    " Pooled policies are left out: their clients wait in one shared queue, not at an office."
                } else {
                    ""
                }
            ),
            svg: charts::waiting_over_the_day(&offices, &series, model.run.sample)?,
        });
    }
    Ok(out)
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Minutes with one decimal, or a dash.
fn min(n: Num) -> String {
    n.0.map_or("–".into(), |x| format!("{x:.1}"))
}

/// A share as a percentage, or a dash.
fn pct(n: Num) -> String {
    n.0.map_or("–".into(), |x| format!("{:.0}%", x * 100.0))
}

/// A duration for the scenario's parameters: `"14:30"` style for times of day is the
/// scenario's business; here minutes, hours or days, whichever reads best.
fn duration(m: f64) -> String {
    if m >= 2880.0 {
        format!("{} days", Num(Some((m / 1440.0 * 10.0).round() / 10.0)).text())
    } else if m >= 120.0 {
        format!("{} h", Num(Some((m / 60.0 * 10.0).round() / 10.0)).text())
    } else {
        format!("{} min", Num(Some(m)).text())
    }
}

/// The comparison of one policy with the baseline in plain words, e.g. "mean wait 4.1 min
/// shorter than nearest (95% CI 3.6–4.6)"; "no significant difference" when the interval
/// covers 0.
pub fn in_words(row: &ComparisonRow) -> String {
    let Some(d) = row.wait_mean_diff.0 else {
        return format!("no mean wait to compare with {}", row.baseline);
    };
    let side = if d < 0.0 { "shorter" } else { "longer" };
    match row.wait_mean_diff_ci95.0 {
        None => format!(
            "mean wait {:.1} min {side} than {} (a single replication: no interval)",
            d.abs(),
            row.baseline
        ),
        Some(h) if h >= d.abs() => format!(
            "no significant difference from {} (mean wait {:.1} min {side}, 95% CI {:.1} shorter to {:.1} longer)",
            row.baseline,
            d.abs(),
            (h - d).max(0.0),
            (d + h).max(0.0)
        ),
        Some(h) => format!(
            "mean wait {:.1} min {side} than {}, 95% CI {:.1}–{:.1}",
            d.abs(),
            row.baseline,
            d.abs() - h,
            d.abs() + h
        ),
    }
}

/// A self-contained page titled `title` around `body` (HTML): the head with the shared CSS, the
/// heading, and `body` inside `<main>`. Every verb's `report.html` is built on it, so all of
/// them look alike and the style lives in one place.
pub fn page(title: &str, body: &str) -> String {
    let title = esc(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — nobat report</title><style>{CSS}</style></head><body><main>\n<h1>{title}</h1>\n\
         {body}</main></body></html>\n"
    )
}

/// A chart's section: its heading, how to read it, the SVG inline and its file name.
pub fn chart_section(h: &mut String, c: &Chart) {
    let _ = writeln!(
        h,
        "<section><h2>{}</h2><p>{}</p><figure>{}</figure><p class=\"file\">{}</p></section>",
        esc(&c.title),
        esc(&c.note),
        strip_xml_header(&c.svg),
        esc(&c.file)
    );
}

/// The whole page.
pub fn render(model: &Model, result: &ExperimentResult, report: &Report, charts: &[Chart]) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<p class=\"sub\">Simulated with nobat: {} replications per policy (seed {}), every policy facing the \
         same simulated clients (common random numbers). Times are in minutes.</p>",
        result.replications, result.seed
    );
    scenario_section(&mut h, model, result);
    findings(&mut h, model, report);
    summary_table(&mut h, model, report);
    for c in charts {
        chart_section(&mut h, c);
    }
    worst_offices(&mut h, model, report);
    worst_zones(&mut h, model, report);
    let _ = writeln!(
        h,
        "<footer>The numbers behind this page are in the CSV files beside it: summary.csv, comparison.csv, \
         offices.csv, by_zone.csv, by_service.csv, replications.csv, timeseries.csv, by_hour.csv. Means are means over \
         replications with 95% Student-t intervals; percentiles pool the clients of all replications.</footer>"
    );
    page(&model.name, &h)
}

/// An SVG string as an inline element (no XML declaration inside HTML).
fn strip_xml_header(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

/// How the warm-up was chosen with `warmup = "auto"`, and what became of a precision request:
/// part of the scenario section, since they decide what the numbers below cover.
fn output_analysis_items(model: &Model, result: &ExperimentResult) -> Vec<String> {
    let mut items = Vec::new();
    if model.run.auto_warmup {
        let per_policy: Vec<String> = result
            .policies
            .iter()
            .map(|p| {
                let n = p.replications.len().max(1) as f64;
                let mean = p.replications.iter().map(|r| r.warmup).sum::<f64>() / n;
                format!("{} {}", esc(&p.name), duration(mean))
            })
            .collect();
        items.push(format!(
            "<b>Warm-up</b> chosen per replication by MSER-5 on an independent pilot run (the <code>warmup</code> column of replications.csv); on average: {}",
            per_policy.join(", ")
        ));
    }
    if let Some(p) = result.precision {
        items.push(format!(
            "<b>Replications</b> added until the 95% interval of the mean wait was within {}% of it for every policy: {} ({} replications per policy, cap {})",
            p.request.relative * 100.0,
            if p.met { "met" } else { "<b>not met</b> within the cap" },
            result.replications,
            p.request.max_replications
        ));
    }
    items
}

fn scenario_section(h: &mut String, model: &Model, result: &ExperimentResult) {
    let run = &model.run;
    let counters: u32 = model.offices.iter().map(|o| o.counters).sum();
    let mut items = vec![
        format!(
            "<b>Arrivals</b> until {} (simulated time from 00:00 of the first day){}",
            nobat_core::report::clock(run.horizon % 1440.0).to_string()
                + &if run.horizon > 1440.0 {
                    format!(" of day {}", (run.horizon / 1440.0).ceil() as u64)
                } else {
                    String::new()
                },
            if run.warmup > 0.0 {
                format!("; the first {} are a warm-up, not counted", duration(run.warmup))
            } else {
                String::new()
            }
        ),
        format!(
            "<b>{}</b> offices with <b>{counters}</b> counters in all",
            model.offices.len()
        ),
        format!(
            "<b>Services</b>: {}",
            model
                .services
                .iter()
                .map(|s| format!("{} ({:.0}%)", esc(&s.name), s.share * 100.0))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    if model.geography.is_some() {
        items.push(format!(
            "<b>Districts</b>: {}",
            model.zones.iter().map(|z| esc(&z.name)).collect::<Vec<_>>().join(", ")
        ));
    }
    items.push(format!(
        "<b>Policies</b>: {} (the first is the baseline)",
        model
            .policies
            .iter()
            .map(|p| esc(&p.name))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if let Some(t) = run.target {
        items.push(format!("<b>Target</b>: wait at most {} min", Num(Some(t)).text()));
    }
    items.extend(output_analysis_items(model, result));
    let _ = writeln!(
        h,
        "<section><h2>The scenario</h2><ul>{}</ul></section>",
        items.iter().map(|i| format!("<li>{i}</li>")).collect::<String>()
    );
}

fn findings(h: &mut String, model: &Model, report: &Report) {
    let mut items = Vec::new();
    if let Some(best) = report
        .summary
        .iter()
        .filter(|r| r.wait_mean.0.is_some())
        .min_by(|a, b| a.wait_mean.0.unwrap().total_cmp(&b.wait_mean.0.unwrap()))
    {
        items.push(format!(
            "Shortest mean wait: <b>{}</b>, {} min{}.",
            esc(&best.policy),
            min(best.wait_mean),
            best.wait_mean_ci95
                .0
                .map_or(String::new(), |h| format!(" (95% CI ± {h:.1})"))
        ));
    }
    for row in &report.comparison {
        items.push(format!("<b>{}</b>: {}.", esc(&row.policy), esc(&in_words(row))));
    }
    if let Some(t) = model.run.target {
        let shares: Vec<String> = report
            .summary
            .iter()
            .map(|r| format!("{} {}", esc(&r.policy), pct(r.sla_share)))
            .collect();
        items.push(format!(
            "Served within the {} min target: {}.",
            Num(Some(t)).text(),
            shares.join(", ")
        ));
    }
    let _ = writeln!(
        h,
        "<section><h2>In short</h2><ul class=\"findings\">{}</ul></section>",
        items.iter().map(|i| format!("<li>{i}</li>")).collect::<String>()
    );
}

fn summary_table(h: &mut String, model: &Model, report: &Report) {
    let booking = report.summary.iter().any(|r| r.booked > 0);
    let travel = model.geography.is_some();
    let mut head = vec![
        "policy",
        "served",
        "not served",
        "mean wait (95% CI)",
        "median",
        "p90",
        "p99",
        "utilisation",
    ];
    if model.run.target.is_some() {
        head.push("within target");
    }
    if travel {
        head.push("mean travel");
    }
    if booking {
        head.extend([
            "booked",
            "no-shows",
            "mean lead time (days)",
            "wait booked",
            "wait walk-in",
            "idle counters",
        ]);
    }
    let row = |r: &SummaryRow| {
        let mut cells = vec![
            esc(&r.policy),
            r.served.to_string(),
            (r.abandoned + r.balked + r.blocked + r.turned_away).to_string(),
            match r.wait_mean_ci95.0 {
                Some(ci) => format!("{} ± {ci:.1}", min(r.wait_mean)),
                None => min(r.wait_mean),
            },
            min(r.wait_p50),
            min(r.wait_p90),
            min(r.wait_p99),
            pct(r.utilization),
        ];
        if model.run.target.is_some() {
            cells.push(pct(r.sla_share));
        }
        if travel {
            cells.push(min(r.travel_mean));
        }
        if booking {
            cells.extend([
                r.booked.to_string(),
                r.no_shows.to_string(),
                r.lead_time_mean.0.map_or("–".into(), |m| format!("{:.1}", m / 1440.0)),
                min(r.wait_mean_booked),
                min(r.wait_mean_walkin),
                pct(r.idle_share),
            ]);
        }
        cells
    };
    let _ = writeln!(
        h,
        "<section><h2>Summary</h2>{}<p class=\"note\">Waits in minutes, of served clients. \"Not served\": gave up, \
         found a long queue, found the office full or were sent home at closing. Utilisation: busy counter time \
         over available counter time.</p></section>",
        table(&head, &report.summary.iter().map(row).collect::<Vec<_>>())
    );
}

/// The offices with the longest p90 under any policy: their p90 and mean under each policy.
fn worst_offices(h: &mut String, model: &Model, report: &Report) {
    let policies: Vec<&str> = report.summary.iter().map(|r| r.policy.as_str()).collect();
    // Looked up once each: a national scenario has thousands of offices.
    let rows: std::collections::HashMap<(&str, &str), &nobat_core::report::OfficeRow> = report
        .offices
        .iter()
        .map(|r| ((r.policy.as_str(), r.office.as_str()), r))
        .collect();
    let cell = |policy: &str, office: &str| rows.get(&(policy, office)).copied();
    let worst = |office: &str| {
        policies
            .iter()
            .filter_map(|p| cell(p, office)?.wait_p90.0)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let mut offices: Vec<(&str, f64)> = model
        .offices
        .iter()
        .map(|o| (o.name.as_str(), worst(&o.name)))
        .collect();
    offices.sort_by(|a, b| b.1.total_cmp(&a.1));
    let offices: Vec<&str> = offices.into_iter().take(8).map(|(o, _)| o).collect();
    let mut head = vec!["office"];
    head.extend(policies.iter().copied());
    let rows: Vec<Vec<String>> = offices
        .iter()
        .map(|o| {
            let mut cells = vec![esc(o)];
            cells.extend(policies.iter().map(|p| {
                cell(p, o).map_or("–".into(), |r| {
                    format!(
                        "{} <span class=\"dim\">({}, {})</span>",
                        min(r.wait_p90),
                        min(r.wait_mean),
                        pct(r.utilization)
                    )
                })
            }));
            cells
        })
        .collect();
    let _ = writeln!(
        h,
        "<section><h2>Worst offices</h2>{}<p class=\"note\">The {} offices with the longest 90th-percentile wait under \
         any policy. Each cell: p90 wait (mean wait, utilisation).</p></section>",
        table(&head, &rows),
        offices.len()
    );
}

/// Every district's mean wait and travel under each policy, the longest waits first.
fn worst_zones(h: &mut String, model: &Model, report: &Report) {
    if model.geography.is_none() {
        return;
    }
    let policies: Vec<&str> = report.summary.iter().map(|r| r.policy.as_str()).collect();
    let rows: std::collections::HashMap<(&str, &str), &nobat_core::report::ZoneRow> = report
        .by_zone
        .iter()
        .map(|r| ((r.policy.as_str(), r.zone.as_str()), r))
        .collect();
    let cell = |policy: &str, zone: &str| rows.get(&(policy, zone)).copied();
    let worst = |zone: &str| {
        policies
            .iter()
            .filter_map(|p| cell(p, zone)?.wait_mean.0)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let mut zones: Vec<(&str, f64)> = model.zones.iter().map(|z| (z.name.as_str(), worst(&z.name))).collect();
    zones.sort_by(|a, b| b.1.total_cmp(&a.1));
    let zones: Vec<&str> = zones.into_iter().take(12).map(|(z, _)| z).collect();
    let mut head = vec!["district"];
    head.extend(policies.iter().copied());
    let rows: Vec<Vec<String>> = zones
        .iter()
        .map(|z| {
            let mut cells = vec![esc(z)];
            cells.extend(policies.iter().map(|p| {
                cell(p, z).map_or("–".into(), |r| {
                    format!(
                        // Stacked, so that seven policies fit across the page.
                        "{}<br><span class=\"dim\">p90 {} · travel {}</span>",
                        min(r.wait_mean),
                        min(r.wait_p90),
                        min(r.travel_mean)
                    )
                })
            }));
            cells
        })
        .collect();
    let _ = writeln!(
        h,
        "<section><h2>Districts</h2>{}<p class=\"note\">Clients by the district they start from, the longest mean \
         wait under any policy first. Each cell: mean wait, and below it the p90 wait and the mean travel, minutes.</p></section>",
        table(&head, &rows)
    );
}

/// An HTML table; cells are HTML already, headers are escaped.
pub fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = String::from("<div class=\"scroll\"><table><thead><tr>");
    for c in head {
        let _ = write!(t, "<th>{}</th>", esc(c));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for c in r {
            let _ = write!(t, "<td>{c}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table></div>");
    t
}

const CSS: &str =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;background:#fff;margin:0}\
main{max-width:1160px;margin:0 auto;padding:20px}\
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}\
.sub,.note,.file,footer{color:#555;font-size:14px}.file{font-family:monospace;margin-top:0}\
ul{padding-left:20px}li{margin:4px 0}.findings li{font-size:16px}\
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:14px;width:100%}\
th,td{padding:5px 6px;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}\
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}tbody tr:nth-child(even){background:#fafafa}\
.dim{color:#777;font-size:12px}figure{margin:0}figure svg{max-width:100%;height:auto}\
footer{margin-top:32px;border-top:1px solid #ddd;padding-top:8px}\
@media print{main{max-width:none}section{break-inside:avoid}}";

#[cfg(test)]
mod tests {
    use super::*;

    fn row(diff: Option<f64>, ci: Option<f64>) -> ComparisonRow {
        ComparisonRow {
            policy: "board".into(),
            baseline: "nearest".into(),
            wait_mean_diff: Num(diff),
            wait_mean_diff_ci95: Num(ci),
        }
    }

    #[test]
    fn comparisons_in_plain_words() {
        assert_eq!(
            in_words(&row(Some(-4.1), Some(0.5))),
            "mean wait 4.1 min shorter than nearest, 95% CI 3.6–4.6"
        );
        assert_eq!(
            in_words(&row(Some(2.0), Some(0.5))),
            "mean wait 2.0 min longer than nearest, 95% CI 1.5–2.5"
        );
        assert_eq!(
            in_words(&row(Some(0.3), Some(3.2))),
            "no significant difference from nearest (mean wait 0.3 min longer, 95% CI 2.9 shorter to 3.5 longer)"
        );
        assert_eq!(
            in_words(&row(Some(-1.0), None)),
            "mean wait 1.0 min shorter than nearest (a single replication: no interval)"
        );
        assert_eq!(in_words(&row(None, None)), "no mean wait to compare with nearest");
    }

    #[test]
    fn names_are_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
