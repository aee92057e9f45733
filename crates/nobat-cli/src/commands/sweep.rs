//! `nobat sweep`: run a scenario at every point of a range or grid of `--set` values, print a
//! table, write `sweep.csv` (or, with `--shard K/N`, one shard's partial result).

use super::run::{summary_cells, SUMMARY_HEADER};
use super::shard;
use crate::args::SweepArgs;
use crate::error::CliError;
use crate::input::ScenarioFile;
use crate::progress::Progress;
use crate::study_report::{self, SweepInput};
use crate::{output, table};
use anyhow::Context;
use nobat_core::scenario::Override;
use nobat_core::shard::{Shard, Study, StudyKind};
use nobat_core::sweep::{point_models, run_sweep, split_args, Axis, Sweep, SweepError};
use std::io::Write;
use std::path::Path;

/// Runs the sweep of `args`, writes `sweep.csv`, and returns the text to print. With
/// `--shard K/N` it runs only that shard's share and writes a partial result instead.
pub fn sweep(args: &SweepArgs) -> Result<String, CliError> {
    let file = ScenarioFile::read(&args.scenario)?;
    let (fixed, axes) = split_args(&args.set).map_err(|e| CliError::Input(e.to_string()))?;
    if axes.is_empty() {
        return Err(CliError::Input(
            "nothing to sweep: give a range `--set KEY=FROM:TO:STEP` or a list `--set KEY=a,b,c` (a single value only fixes a key at every point)".into(),
        ));
    }
    if let Some(shard) = args.shard {
        args.precision.refuse_with_shard()?;
        return sweep_shard(args, &file, &fixed, &axes, shard);
    }
    let with_report = args.report.wanted(args.out.as_deref())?;
    let options = args.precision.apply(args.sim.options())?;
    let read = |name: &str| file.read_named(name);
    let bar = Progress::new(args.report.quiet, "points");
    // Without a bar (stderr not a terminal) a line per point still shows a long sweep moving.
    let mut progress = |done: usize, total: usize| {
        if bar.shown() {
            bar.update(done as u64, total as u64);
        } else if !args.report.quiet {
            eprintln!("point {done}/{total} done");
        }
    };
    let control = args.sim.control();
    let result = run_sweep(&file.source, &read, &fixed, &axes, &options, &control, &mut progress);
    bar.finish();
    let result = result.map_err(|e| sweep_error(&file, &fixed, e))?;
    let scenario = args.scenario.display().to_string();
    write_sweep(&scenario, &args.set, &result, args.out.as_deref(), with_report)
}

/// `sweep --shard K/N`: the shard's share of every point, into `--out`'s partial result.
fn sweep_shard(
    args: &SweepArgs,
    file: &ScenarioFile,
    fixed: &[Override],
    axes: &[Axis],
    shard: Shard,
) -> Result<String, CliError> {
    let out = shard::out_folder(args.out.as_deref(), &args.report)?;
    let read = |name: &str| file.read_named(name);
    let points = point_models(&file.source, &read, fixed, axes).map_err(|e| sweep_error(file, fixed, e))?;
    let study = Study {
        kind: StudyKind::Sweep,
        scenario: args.scenario.display().to_string(),
        source: file.source.clone(),
        files: file.named_files(),
        set: args.set.clone(),
        seed: args.sim.seed,
        replications: args.sim.replications,
    };
    // A sweep writes no time series.
    shard::write_partial(
        &args.scenario,
        study,
        &points,
        shard,
        out,
        &args.sim,
        args.report.quiet,
        false,
    )
}

/// The error of a sweep at one of its points, with the point named.
fn sweep_error(file: &ScenarioFile, fixed: &[Override], e: SweepError) -> CliError {
    let (point, error) = match e {
        SweepError::Load { point, error } => (point, file.load_error(error, fixed)),
        SweepError::Simulation { point, error } => (point, CliError::from_simulation(&file.path, *error)),
    };
    match error {
        CliError::Input(m) => CliError::Input(format!("at the point {point}: {m}")),
        CliError::Failure(e) => CliError::Failure(e.context(format!("at the point {point}"))),
        CliError::Interrupted => CliError::Interrupted,
    }
}

/// Writes `sweep.csv` of `result` into `out` (with report.html and its charts when
/// `with_report`), and returns the text `sweep` prints. `scenario` is the scenario as named on
/// the command line and `set` the `--set` arguments, for the report. `merge` calls it too, so
/// that a merged sweep writes what a whole one does.
pub fn write_sweep(
    scenario: &str,
    set: &[String],
    result: &Sweep,
    out: Option<&Path>,
    with_report: bool,
) -> Result<String, CliError> {
    let (fixed, axes) = split_args(set).map_err(|e| CliError::Input(e.to_string()))?;
    let header: Vec<&str> = result.keys.iter().map(String::as_str).chain(SUMMARY_HEADER).collect();
    let rows: Vec<Vec<String>> = result
        .points
        .iter()
        .flat_map(|p| {
            p.summary.iter().map(|r| {
                let mut row = p.values.clone();
                row.extend(summary_cells(r));
                row
            })
        })
        .collect();
    let written = match out {
        Some(dir) => {
            let extra = if with_report {
                let input = SweepInput {
                    scenario,
                    swept: axes.iter().map(|a| a.arg.as_str()).collect(),
                    fixed: fixed.iter().map(|o| o.arg.as_str()).collect(),
                };
                study_report::sweep_files(&input, result, &header, &rows)?
            } else {
                Vec::new()
            };
            let write = |out: &mut dyn Write| -> anyhow::Result<()> { Ok(result.write_csv(out)?) };
            let files = output::write_files_and(dir, &[("sweep.csv", &write)], &extra)
                .with_context(|| format!("writing sweep.csv to {}", dir.display()))
                .map_err(CliError::from_output)?;
            format!(
                "wrote {} files to {}{}",
                files.len(),
                dir.display(),
                output::open_hint(dir, with_report)
            )
        }
        None => "(no --out DIR given: no CSV written)".to_string(),
    };
    let seed = result.points.first().map_or(0, |p| p.result.seed);
    let request = result.points.iter().find_map(|p| p.result.precision.map(|o| o.request));
    let replications = match request {
        // Each point runs until its own intervals are tight enough.
        Some(p) => {
            let unmet = result
                .points
                .iter()
                .filter(|pt| pt.result.precision.is_some_and(|o| !o.met))
                .count();
            format!(
                "replications per point until the mean wait's 95% CI is within {}% (the replications and precision_met columns of sweep.csv; {unmet} points reached the cap of {})",
                p.relative * 100.0,
                p.max_replications
            )
        }
        None => format!(
            "{} replications per policy and point",
            result.points.first().map_or(0, |p| p.result.replications)
        ),
    };
    Ok(format!(
        "{} points, {replications}, seed {seed} at every point (common random numbers)\n{}{written}\n",
        result.points.len(),
        table::render(&header, &rows)
    ))
}
