//! This example demonstrates in particular:
//! - splitting a study into shards that could run on different machines, each writing a
//!   partial result (here into memory; `nobat run --shard K/N --out DIR` writes it to a file);
//! - merging the partials into the results of a single run, bit for bit.
//!
//! ```text
//!   scenario ──> units (policy × replication) ──round-robin──> shard 0 ─┐
//!                                                            ──> shard 1 ─┼─> merge ──> report
//!                                                            ──> shard 2 ─┘
//! ```
//!
//! Run with `cargo run -p nobat-examples --example shards`.

use nobat_core::engine::RunControl;
use nobat_core::experiment::{run_experiment, NamedPolicy, Observers};
use nobat_core::report::Report;
use nobat_core::shard::run::plan_of;
use nobat_core::shard::{merge, run_shard, PartialHeader, PartialReader, PartialWriter, Shard, Study, StudyKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Everything that decides the results travels with every partial: the merge needs nothing else.
    let study = Study {
        kind: StudyKind::Run,
        scenario: "scenarios/mmc.toml".into(),
        source: include_str!("../../scenarios/mmc.toml").into(),
        files: Vec::new(),
        set: vec!["run.horizon=5000".into()],
        seed: None,
        replications: Some(6),
    };
    let points = study.points()?;
    let options = study.options(None);
    let total = plan_of(&points, &options).total();

    // Three shards, as three machines would run them.
    let count = 3;
    let mut partials = Vec::new();
    for index in 0..count {
        let shard = Shard { index, count };
        let header = PartialHeader::new(study.clone(), shard, total, false);
        let mut writer = PartialWriter::new(Vec::new(), &header)?;
        run_shard(
            &points,
            shard,
            &options,
            &RunControl::default(),
            &Observers::default(),
            &mut writer,
        )?;
        let bytes = writer.finish()?;
        println!(
            "shard {shard}: {} of {total} units, {} bytes",
            header.units,
            bytes.len()
        );
        partials.push(bytes);
    }

    // The merge, in any order of the partials.
    let readers = partials
        .iter()
        .rev()
        .enumerate()
        .map(|(i, bytes)| PartialReader::open(&format!("partial {i}"), bytes.as_slice()))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge(readers)?;
    let model = &merged.points[0].model;
    let from_shards = Report::new(model, &merged.results[0]);

    // A single run of the same study gives the same numbers.
    let whole = run_experiment(model, &NamedPolicy::from_model(model), &options)?;
    let single = Report::new(model, &whole);
    let row = &from_shards.summary[0];
    println!(
        "merged: mean wait {} ± {}; single run: {} ± {}",
        row.wait_mean.text(),
        row.wait_mean_ci95.text(),
        single.summary[0].wait_mean.text(),
        single.summary[0].wait_mean_ci95.text()
    );
    let csv = |report: &Report| -> Result<Vec<u8>, csv::Error> {
        let mut out = Vec::new();
        for name in Report::FILES {
            report.write_csv(name, &mut out)?;
        }
        Ok(out)
    };
    assert!(
        csv(&from_shards)? == csv(&single)?,
        "the merged reports are the single run's"
    );
    println!("every CSV is byte-identical");
    Ok(())
}
