//! `run --shard K/N` and `sweep --shard K/N`: one shard's share of the work, written as a
//! partial result (`nobat-partial.cbor`) into `--out`, all or nothing, for `nobat merge`.

use crate::args::{ReportArgs, SimArgs};
use crate::error::CliError;
use crate::output;
use crate::progress::Progress;
use nobat_core::experiment::Observers;
use nobat_core::shard::run::{plan_of, ShardRunError};
use nobat_core::shard::{run_shard, PartialHeader, PartialWriter, Shard, Study, PARTIAL_FILE};
use nobat_core::sweep::PointModel;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// The `--out` folder a shard writes into; a shard without one, or asked for a report (the
/// merge writes it), is bad input.
pub fn out_folder<'a>(out: Option<&'a Path>, report: &ReportArgs) -> Result<&'a Path, CliError> {
    if report.report || report.no_report {
        return Err(CliError::Input(
            "--report and --no-report belong to `nobat merge`, which writes the reports; a --shard run writes only its partial result".into(),
        ));
    }
    out.ok_or_else(|| {
        CliError::Input(
            "--shard needs --out DIR: the folder its partial result (nobat-partial.cbor) is written to, for `nobat merge`".into(),
        )
    })
}

/// Runs `shard` of `study` (whose validated points are `points`) and writes its partial result
/// into `out`; returns the text to print. `time_series` when the merged reports need one.
#[allow(clippy::too_many_arguments)]
pub fn write_partial(
    scenario: &Path,
    study: Study,
    points: &[PointModel],
    shard: Shard,
    out: &Path,
    sim: &SimArgs,
    quiet: bool,
    time_series: bool,
) -> Result<String, CliError> {
    let options = sim.options();
    let control = sim.control();
    let total = plan_of(points, &options).total();
    let header = PartialHeader::new(study, shard, total, time_series);
    let progress = Progress::new(quiet, "units");
    let update = |done, total| progress.update(done, total);
    let observers = Observers {
        time_series,
        by_hour: time_series,
        progress: progress.shown().then_some(&update as &(dyn Fn(u64, u64) + Sync)),
        recorders: None,
    };
    // The simulation runs inside the writer of the file, so that units stream to disk; its
    // error is kept here to give it its own exit code.
    let failed: Mutex<Option<ShardRunError>> = Mutex::new(None);
    let write = |w: &mut dyn Write| -> anyhow::Result<()> {
        let mut partial = PartialWriter::new(w, &header)?;
        match run_shard(points, shard, &options, &control, &observers, &mut partial) {
            Ok(()) => {
                partial.finish()?;
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                if let Ok(mut slot) = failed.lock() {
                    *slot = Some(e);
                }
                Err(anyhow::anyhow!(message))
            }
        }
    };
    let written = output::write_files(out, &[(PARTIAL_FILE, &write)]);
    progress.finish();
    if let Err(e) = written {
        return Err(match failed.lock().ok().and_then(|mut f| f.take()) {
            Some(ShardRunError::Simulation { point, error }) => {
                let e = CliError::from_simulation(scenario, *error);
                match e {
                    CliError::Input(m) if !point.is_empty() => CliError::Input(format!("at the point {point}: {m}")),
                    e => e,
                }
            }
            _ => CliError::from_output(e),
        });
    }
    Ok(format!(
        "shard {shard} of {}: {} of the {} units (policy × replication{}), seed and replications as in a whole run\nwrote {}; merge every shard with `nobat merge DIR... --out DIR`\n",
        scenario.display(),
        header.units,
        total,
        if points.len() > 1 { " × point" } else { "" },
        out.join(PARTIAL_FILE).display()
    ))
}
