//! `nobat run`: simulate every policy, print a summary table, write the CSV reports (or, with
//! `--shard K/N`, one shard's partial result).

use super::shard;
use crate::args::RunArgs;
use crate::client_trace::ClientTrace;
use crate::error::CliError;
use crate::input::ScenarioFile;
use crate::progress::Progress;
use crate::{html_report, input, output, table};
use nobat_core::experiment::{run_experiment_with, ExperimentResult, NamedPolicy, Observers, RecorderFactory};
use nobat_core::model::Model;
use nobat_core::report::{Num, Report, SummaryRow};
use nobat_core::shard::{Shard, Study, StudyKind};
use nobat_core::sweep::PointModel;
use std::path::Path;

/// Runs the scenario of `args`, writes the reports, and returns the text to print. With
/// `--shard K/N` it runs only that shard's share and writes a partial result instead.
pub fn run(args: &RunArgs) -> Result<String, CliError> {
    if let Some(shard) = args.shard {
        if args.trace.is_some() {
            return Err(CliError::Input(
                "--trace is not available with --shard: run the study whole to trace every client".into(),
            ));
        }
        args.precision.refuse_with_shard()?;
        return run_shard(args, shard);
    }
    let model = input::load_model(&args.scenario, &args.set.set)?;
    let options = args.precision.apply(args.sim.options())?;
    let with_report = args.report.wanted(args.out.as_deref())?;
    let control = args.sim.control();
    let progress = Progress::new(args.report.quiet, "replications");
    let update = |done, total| progress.update(done, total);
    let trace = args.trace.as_deref().map(|t| ClientTrace::new(&model, t)).transpose()?;
    let observers = Observers {
        // timeseries.csv is one of the files --out writes.
        time_series: args.out.is_some(),
        by_hour: args.out.is_some(),
        progress: progress.shown().then_some(&update as &(dyn Fn(u64, u64) + Sync)),
        recorders: trace.as_ref().map(|t| t as &dyn RecorderFactory),
    };
    let result = run_experiment_with(&model, &NamedPolicy::from_model(&model), &options, &control, &observers);
    progress.finish();
    let result = result.map_err(|e| CliError::from_simulation(&args.scenario, e))?;
    // The trace first, then the reports; if the reports cannot be written the trace goes
    // too, so that a failed run leaves neither.
    let traced = trace
        .as_ref()
        .map(|t| t.finish().map_err(CliError::from_output))
        .transpose()?;
    let text = write_run(&model, &result, args.out.as_deref(), with_report).inspect_err(|_| {
        if let Some(file) = &traced {
            let _ = std::fs::remove_file(file);
        }
    })?;
    Ok(match traced {
        Some(file) => format!("{text}wrote the client trace to {}\n", file.display()),
        None => text,
    })
}

/// `run --shard K/N`: the shard's replications, into `--out`'s partial result.
fn run_shard(args: &RunArgs, shard: Shard) -> Result<String, CliError> {
    let out = shard::out_folder(args.out.as_deref(), &args.report)?;
    let file = ScenarioFile::read(&args.scenario)?;
    let overrides = input::overrides(&args.set.set)?;
    let model = file.model(&overrides)?;
    let study = Study {
        kind: StudyKind::Run,
        scenario: args.scenario.display().to_string(),
        source: file.source.clone(),
        files: file.named_files(),
        set: args.set.set.clone(),
        seed: args.sim.seed,
        replications: args.sim.replications,
    };
    let points = vec![PointModel {
        point: Vec::new(),
        model,
    }];
    // The merge writes timeseries.csv, as `run --out` does: every unit carries its series.
    shard::write_partial(
        &args.scenario,
        study,
        &points,
        shard,
        out,
        &args.sim,
        args.report.quiet,
        true,
    )
}

/// Writes the reports of `result` into `out` (with report.html and its charts when
/// `with_report`), and returns the text `run` prints: the title line, the summary table and
/// what was written. `merge` calls it too, so that a merged run writes what a whole one does.
pub fn write_run(
    model: &Model,
    result: &ExperimentResult,
    out: Option<&Path>,
    with_report: bool,
) -> Result<String, CliError> {
    let report = Report::new(model, result);
    let written = match out {
        Some(dir) => {
            let mut extra = Vec::new();
            if with_report {
                let charts = html_report::run_charts(model, result, &report)?;
                extra.push((
                    "report.html".to_string(),
                    html_report::render(model, result, &report, &charts),
                ));
                extra.extend(charts.into_iter().map(|c| (c.file, c.svg)));
            }
            let files = output::write_reports(dir, &report, &extra).map_err(CliError::from_output)?;
            format!(
                "wrote {} files to {}{}",
                files.len(),
                dir.display(),
                output::open_hint(dir, with_report)
            )
        }
        None => "(no --out DIR given: no CSV written)".to_string(),
    };
    Ok(format!(
        "{} — {} replications per policy, seed {}{}\n{}{written}\n",
        model.name,
        result.replications,
        result.seed,
        run_notes(model, result),
        summary_table(&report)
    ))
}

/// What became of a `--precision` request, for the line above the table; and, with
/// `warmup = "auto"`, the warm-ups chosen.
fn run_notes(model: &nobat_core::model::Model, result: &nobat_core::experiment::ExperimentResult) -> String {
    let mut note = String::new();
    if model.run.auto_warmup {
        let (sum, n) = result
            .policies
            .iter()
            .flat_map(|p| &p.replications)
            .fold((0.0, 0), |(s, n), r| (s + r.warmup, n + 1));
        note.push_str(&format!(
            "; warm-up by MSER-5, {:.1} min on average (per replication in replications.csv)",
            sum / f64::from(n.max(1))
        ));
    }
    if let Some(p) = result.precision {
        note.push_str(&if p.met {
            format!(
                "; precision {} met (95% CI of the mean wait within {}% of it for every policy)",
                p.request.relative,
                p.request.relative * 100.0
            )
        } else {
            format!(
                "; precision {} NOT met within --max-replications {} (see precision_met in summary.csv)",
                p.request.relative, p.request.max_replications
            )
        });
    }
    note
}

fn summary_table(report: &Report) -> String {
    let rows: Vec<Vec<String>> = report.summary.iter().map(summary_cells).collect();
    table::render(&SUMMARY_HEADER, &rows)
}

/// The columns of the terminal's summary table.
pub const SUMMARY_HEADER: [&str; 8] = [
    "policy",
    "served",
    "not served",
    "wait mean (95% CI)",
    "wait p90",
    "wait p99",
    "utilization",
    "sla share",
];

/// The cells of one policy's row of the terminal's summary table.
pub fn summary_cells(r: &SummaryRow) -> Vec<String> {
    vec![
        r.policy.clone(),
        r.served.to_string(),
        (r.abandoned + r.balked + r.blocked + r.turned_away + r.no_shows).to_string(),
        with_ci(short(r.wait_mean), short(r.wait_mean_ci95)),
        short(r.wait_p90).text(),
        short(r.wait_p99).text(),
        short(r.utilization).text(),
        short(r.sla_share).text(),
    ]
}

/// `mean ± half-width`, or the mean alone without an interval.
pub fn with_ci(m: Num, h: Num) -> String {
    match (m.text(), h.text()) {
        (m, h) if h.is_empty() => m,
        (m, h) => format!("{m} ± {h}"),
    }
}

/// Rounds a cell to 3 decimals for the terminal (the CSVs keep 6).
pub fn short(n: Num) -> Num {
    Num(n.0.map(|x| (x * 1000.0).round() / 1000.0))
}
