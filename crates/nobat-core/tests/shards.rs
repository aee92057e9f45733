//! Shards merge exactly: for random studies (example scenarios, numbers of shards,
//! replications and threads), the reports merged from in-memory partials are the bytes of a
//! whole run's; and the partial format refuses what it cannot merge.

use nobat_core::engine::RunControl;
use nobat_core::experiment::{run_experiment_with, NamedPolicy, Observers};
use nobat_core::report::Report;
use nobat_core::shard::format::{FORMAT_NAME, NOBAT_VERSION};
use nobat_core::shard::run::plan_of;
use nobat_core::shard::{
    check, merge, run_shard, PartialHeader, PartialReader, PartialWriter, Shard, Study, StudyKind, FORMAT_VERSION,
};
use nobat_core::sweep::{run_sweep, split_args, Sweep};
use proptest::prelude::*;

/// Example scenarios with an override that keeps each replication to a few thousand clients.
const STUDIES: [(&str, &str); 7] = [
    (include_str!("../../../scenarios/mm1.toml"), "run.horizon=3000"),
    (include_str!("../../../scenarios/city-small.toml"), "arrivals.scale=0.5"),
    (include_str!("../../../scenarios/patience.toml"), "run.horizon=3000"),
    (include_str!("../../../scenarios/capacity.toml"), "run.horizon=3000"),
    (include_str!("../../../scenarios/appointments.toml"), "run.horizon=5d"),
    (include_str!("../../../scenarios/virtual-window.toml"), "run.horizon=1d"),
    (include_str!("../../../scenarios/office-week.toml"), "run.horizon=2d"),
];

fn study(kind: StudyKind, which: usize, set: Vec<String>, replications: u32) -> Study {
    Study {
        kind,
        scenario: format!("scenario-{which}.toml"),
        source: STUDIES[which].0.to_string(),
        files: Vec::new(),
        set,
        seed: Some(17 + which as u64),
        replications: Some(replications),
    }
}

/// Every CSV of `report`, in order, as bytes.
fn csvs(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    for name in Report::FILES {
        report.write_csv(name, &mut out).unwrap();
    }
    out
}

fn sweep_csv(sweep: &Sweep) -> Vec<u8> {
    let mut out = Vec::new();
    sweep.write_csv(&mut out).unwrap();
    out
}

/// The partials of `study` split into `count` shards, each run on `threads` threads, in memory.
fn partials(study: &Study, count: u32, threads: usize, time_series: bool) -> Vec<Vec<u8>> {
    let points = study.points().unwrap();
    let options = study.options(Some(threads));
    let total = plan_of(&points, &options).total();
    (0..count)
        .map(|index| {
            let shard = Shard { index, count };
            let header = PartialHeader::new(study.clone(), shard, total, time_series);
            let mut writer = PartialWriter::new(Vec::new(), &header).unwrap();
            let observers = Observers {
                time_series,
                by_hour: time_series,
                ..Observers::default()
            };
            run_shard(
                &points,
                shard,
                &options,
                &RunControl::default(),
                &observers,
                &mut writer,
            )
            .unwrap();
            writer.finish().unwrap()
        })
        .collect()
}

fn readers(files: &[Vec<u8>]) -> Vec<PartialReader<&[u8]>> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| PartialReader::open(&format!("part-{i}"), f.as_slice()).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// A run's seven CSVs (the time series included) merged from any number of shards, given
    /// in any order and run on any number of threads, are the whole run's, byte for byte.
    #[test]
    fn merged_runs_are_the_whole_run(which in 0..STUDIES.len(), count in 1u32..9, replications in 1u32..5,
                                     threads in 1usize..3, rotate in 0usize..9) {
        let s = study(StudyKind::Run, which, vec![STUDIES[which].1.to_string()], replications);
        let model = &s.points().unwrap()[0].model;
        let observers = Observers {
            time_series: true,
            by_hour: true,
            ..Observers::default()
        };
        let whole = run_experiment_with(model, &NamedPolicy::from_model(model), &s.options(Some(2)),
                                        &RunControl::default(), &observers).unwrap();
        let mut files = partials(&s, count, threads, true);
        let n = files.len();
        files.rotate_left(rotate % n);
        let merged = merge(readers(&files)).unwrap();
        prop_assert_eq!(merged.results.len(), 1);
        let expected = csvs(&Report::new(model, &whole));
        let got = csvs(&Report::new(&merged.points[0].model, &merged.results[0]));
        prop_assert!(got == expected, "{} shards of study {}", count, which);
    }
}

/// A sweep over two axes (a grid of four points) merged from 1, 2, 3 and 7 shards is the whole
/// sweep's `sweep.csv`.
#[test]
fn merged_sweeps_are_the_whole_sweep() {
    let set: Vec<String> = ["run.horizon=3000", "arrivals.rate=0.5,0.8", "office.0.counters=1,2"]
        .map(String::from)
        .to_vec();
    let s = study(StudyKind::Sweep, 0, set.clone(), 3);
    let (fixed, axes) = split_args(&set).unwrap();
    let whole = run_sweep(
        &s.source,
        &|_| Err("no files".into()),
        &fixed,
        &axes,
        &s.options(None),
        &RunControl::default(),
        &mut |_, _| {},
    )
    .unwrap();
    for count in [1, 2, 3, 7] {
        let merged = merge(readers(&partials(&s, count, 2, false))).unwrap();
        let sweep = Sweep {
            keys: whole.keys.clone(),
            points: merged
                .points
                .iter()
                .zip(merged.results)
                .map(|(p, r)| p.finish(r))
                .collect(),
        };
        assert_eq!(sweep.points.len(), 4);
        assert!(sweep_csv(&sweep) == sweep_csv(&whole), "{count} shards");
    }
}

/// More shards than units: the empty shards hold only their header, and still merge.
#[test]
fn more_shards_than_units() {
    let s = study(StudyKind::Run, 0, vec!["run.horizon=3000".into()], 2);
    let files = partials(&s, 5, 1, false);
    let units: Vec<u64> = readers(&files).iter().map(|r| r.header().units).collect();
    assert_eq!(units, [1, 1, 0, 0, 0]);
    assert_eq!(merge(readers(&files)).unwrap().results[0].replications, 2);
}

/// A header rewritten with other values, re-encoded before the units of `file`.
fn with_header(file: &[u8], edit: impl Fn(&mut ciborium::Value)) -> Vec<u8> {
    let mut input = file;
    let mut header: ciborium::Value = ciborium::from_reader(&mut input).unwrap();
    edit(&mut header);
    let mut out = Vec::new();
    ciborium::into_writer(&header, &mut out).unwrap();
    out.extend_from_slice(input);
    out
}

fn set_field(value: &mut ciborium::Value, key: &str, to: ciborium::Value) {
    let map = value.as_map_mut().unwrap();
    let slot = map.iter_mut().find(|(k, _)| k.as_text() == Some(key)).unwrap();
    slot.1 = to;
}

#[test]
fn other_versions_and_formats_are_refused() {
    let s = study(StudyKind::Run, 0, vec!["run.horizon=3000".into()], 2);
    let files = partials(&s, 2, 1, false);
    let newer = with_header(&files[1], |h| {
        set_field(h, "format_version", (FORMAT_VERSION + 1).into())
    });
    let e = PartialReader::open("p1", newer.as_slice()).err().unwrap().to_string();
    assert!(
        e.contains(&format!("partial format version {}", FORMAT_VERSION + 1)) && e.contains(NOBAT_VERSION),
        "{e}"
    );
    let foreign = with_header(&files[1], |h| set_field(h, "format", "something-else".into()));
    let e = PartialReader::open("p1", foreign.as_slice()).err().unwrap().to_string();
    assert!(e.contains(&format!("format = \"{FORMAT_NAME}\"")), "{e}");
    let other_nobat = with_header(&files[1], |h| set_field(h, "nobat_version", "0.0.1".into()));
    let parts = vec![
        PartialReader::open("p0", files[0].as_slice()).unwrap(),
        PartialReader::open("p1", other_nobat.as_slice()).unwrap(),
    ];
    let e = check(&parts).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("p1 cannot be merged with p0: it was written by nobat 0.0.1, the other by nobat {NOBAT_VERSION}")
    );
}

/// The statistics travel bit for bit: decoding a partial and encoding it again gives the same
/// bytes (an `f64` that lost a bit, or an infinity of an empty accumulator that did not come
/// back, would not).
#[test]
fn units_keep_every_bit() {
    let s = study(StudyKind::Run, 1, vec!["arrivals.scale=0.2".into()], 2);
    let files = partials(&s, 1, 1, true);
    let mut reader = PartialReader::open("p", files[0].as_slice()).unwrap();
    let mut again = Vec::new();
    ciborium::into_writer(reader.header(), &mut again).unwrap();
    let model = &s.points().unwrap()[0].model;
    for _ in 0..reader.header().units {
        let record = reader.next_unit().unwrap();
        assert_eq!(record.measured.stats.offices.len(), model.offices.len());
        assert!(record.measured.series.is_some());
        ciborium::into_writer(&record, &mut again).unwrap();
    }
    reader.finish().unwrap();
    assert!(again == files[0]);
}
