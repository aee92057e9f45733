//! `nobat merge`: the partial results of every shard of a run or sweep, combined into the very
//! files a single run writes.

use super::{run, sweep};
use crate::args::MergeArgs;
use crate::error::CliError;
use crate::partial_files::{PartialFile, PartialFiles, OPEN_AT_ONCE};
use nobat_core::shard::{merge as merge_partials, PartialReader, ShardError, StudyKind, PARTIAL_FILE};
use nobat_core::sweep::{keys, split_args, Sweep};
use std::path::Path;

/// Merges the partials of `args` into `--out`, and returns the text to print: what `run` or
/// `sweep` would print, after a line saying what was merged.
pub fn merge(args: &MergeArgs) -> Result<String, CliError> {
    let with_report = args.report.wanted(Some(&args.out))?;
    // Read side by side through a bounded number of open files: a job array may have a
    // thousand tasks.
    let files = PartialFiles::new(OPEN_AT_ONCE);
    let readers = (args.partials.iter())
        .map(|p| open(&files, p))
        .collect::<Result<Vec<_>, _>>()?;
    let count = readers.len();
    let merged = merge_partials(readers).map_err(from_shard)?;
    let study = &merged.study;
    let title = format!(
        "merged {count} shards of `nobat {} {}` (study {})\n",
        study.kind.verb(),
        study.scenario,
        study.digest()
    );
    let text = match study.kind {
        StudyKind::Run => {
            let (Some(point), Some(result)) = (merged.points.first(), merged.results.first()) else {
                return Err(CliError::Input("the partials hold no point".into()));
            };
            run::write_run(&point.model, result, Some(&args.out), with_report)?
        }
        StudyKind::Sweep => {
            let (_, axes) = split_args(&study.set).map_err(|e| CliError::Input(e.to_string()))?;
            let result = Sweep {
                keys: keys(&axes),
                points: (merged.points.iter())
                    .zip(merged.results)
                    .map(|(p, r)| p.finish(r))
                    .collect(),
            };
            sweep::write_sweep(&study.scenario, &study.set, &result, Some(&args.out), with_report)?
        }
    };
    Ok(title + &text)
}

/// Opens the partial at `path` (a shard's `--out` folder, or the file itself) among `files`.
fn open(files: &PartialFiles, path: &Path) -> Result<PartialReader<PartialFile>, CliError> {
    let file = if path.is_dir() {
        path.join(PARTIAL_FILE)
    } else {
        path.to_path_buf()
    };
    let name = path.display().to_string();
    let handle = files.open(file).map_err(|e| {
        CliError::Input(if path.is_dir() {
            format!("{name}: no partial result in this folder ({PARTIAL_FILE}: {e}); is it the --out of a `--shard K/N` run?")
        } else {
            format!("{name}: cannot read the partial result: {e}")
        })
    })?;
    PartialReader::open(&name, handle).map_err(from_shard)
}

/// Partials that do not fit together, or are damaged, are bad input.
fn from_shard(e: ShardError) -> CliError {
    match e {
        ShardError::Write(_) => CliError::Failure(e.into()),
        e => CliError::Input(e.to_string()),
    }
}
