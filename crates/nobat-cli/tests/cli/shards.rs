//! Shards and their merge: for several numbers of shards, the merged reports are the bytes of a
//! single run's; partials that do not belong together are refused with exit code 2, naming
//! the shards.

use super::*;
use predicates::str::contains;

/// Every file of `dir` with its bytes, by name.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    file_names(dir)
        .into_iter()
        .map(|name| {
            let bytes = fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Runs `args` (a `run` or `sweep` command line without `--out`) whole into `dir/whole`, then
/// as `n` shards merged into `dir/merged-n` for each `n`, and checks that every merged folder
/// holds the very bytes of the whole one. Shards alternate one and two threads, and are given
/// to the merge in reverse order.
fn assert_shards_merge_exactly(dir: &Path, args: &[&str], counts: &[u32]) {
    let whole = dir.join("whole");
    nobat()
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let expected = contents(&whole);
    assert!(
        expected.iter().any(|(n, _)| n == "report.html"),
        "{:?}",
        file_names(&whole)
    );
    for &n in counts {
        let mut partials = Vec::new();
        for k in 0..n {
            let out = dir.join(format!("part-{n}-{k}"));
            nobat()
                .args(args)
                .args([
                    "--quiet",
                    "--shard",
                    &format!("{k}/{n}"),
                    "--threads",
                    &(1 + k % 2).to_string(),
                ])
                .arg("--out")
                .arg(&out)
                .assert()
                .success()
                .stdout(contains(format!("shard {k}/{n}")));
            assert_eq!(file_names(&out), ["nobat-partial.cbor"]);
            partials.push(out);
        }
        partials.reverse();
        let merged = dir.join(format!("merged-{n}"));
        nobat()
            .arg("merge")
            .args(&partials)
            .arg("--out")
            .arg(&merged)
            .assert()
            .success()
            .stdout(contains(format!("merged {n} shards")));
        let got = contents(&merged);
        assert_eq!(
            got.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            expected.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "the same files with {n} shards"
        );
        for ((name, a), (_, b)) in got.iter().zip(&expected) {
            assert!(a == b, "{name} differs with {n} shards");
        }
    }
}

#[test]
fn run_shards_merge_to_the_bytes_of_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let city = scenario("city-small.toml");
    let args = [
        "run",
        city.to_str().unwrap(),
        "--replications",
        "3",
        "--seed",
        "11",
        "--set",
        "arrivals.scale=0.9",
    ];
    assert_shards_merge_exactly(dir.path(), &args, &[1, 2, 3, 7]);
}

#[test]
fn sweep_shards_merge_to_the_bytes_of_a_single_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let sizing = scenario("sizing.toml");
    let args = [
        "sweep",
        sizing.to_str().unwrap(),
        "--set",
        "arrivals.scale=1,1.2",
        "--set",
        "run.horizon=600",
        "--replications",
        "2",
    ];
    assert_shards_merge_exactly(dir.path(), &args, &[1, 2, 3, 7]);
}

/// A partial carries the files its scenario names: the merge needs neither them nor the
/// scenario file.
#[test]
fn merge_needs_only_the_partials() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    fs::create_dir(&study).unwrap();
    let path = write_scenario(
        &study,
        "[run]\nhorizon = 600\nreplications = 3\n[arrivals]\nrate = 0.5\n[geography]\nspeed_kmh = 30\norigins = \"origins.csv\"\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\nlocation = [0.0, 0.0]\n[[office]]\nname = \"B\"\nlocation = [4.0, 0.0]\n[[policy]]\nkind = \"nearest\"\n[[policy]]\nkind = \"shortest-queue\"\n",
    );
    fs::write(
        study.join("origins.csv"),
        "x_km,y_km,weight,zone\n0,3,1,north\n4,-3,2,south\n",
    )
    .unwrap();
    let whole = dir.path().join("whole");
    nobat()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    for k in 0..2 {
        nobat()
            .arg("run")
            .arg(&path)
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(dir.path().join(format!("p{k}")))
            .assert()
            .success();
    }
    fs::remove_dir_all(&study).unwrap();
    let merged = dir.path().join("merged");
    nobat()
        .arg("merge")
        .arg(dir.path().join("p0"))
        .arg(dir.path().join("p1").join("nobat-partial.cbor"))
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(contents(&merged), contents(&whole));
    assert!(fs::read_to_string(merged.join("by_zone.csv"))
        .unwrap()
        .contains("north"));
}

/// Three shards of mm1.toml in `dir/p0..p2`, with `extra` arguments.
fn three_shards(dir: &Path, extra: &[&str]) -> Vec<PathBuf> {
    (0..3)
        .map(|k| {
            let out = dir.join(format!("p{k}"));
            nobat()
                .arg("run")
                .arg(scenario("mm1.toml"))
                .args(["--replications", "3", "--shard", &format!("{k}/3")])
                .args(extra)
                .arg("--out")
                .arg(&out)
                .assert()
                .success();
            out
        })
        .collect()
}

fn merge_fails(partials: &[PathBuf], out: &Path, message: &str) {
    nobat()
        .arg("merge")
        .args(partials)
        .arg("--out")
        .arg(out)
        .assert()
        .code(2)
        .stderr(contains(message));
    assert!(!out.exists(), "nothing written when the merge is refused");
}

#[test]
fn missing_duplicated_and_foreign_shards_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = three_shards(d, &[]);
    let out = d.join("merged");
    merge_fails(
        &[p[0].clone(), p[2].clone()],
        &out,
        "1 of 3 shards missing: 1/3; given: 0/3, 2/3",
    );
    merge_fails(
        &[p[0].clone(), p[1].clone(), p[0].clone(), p[2].clone()],
        &out,
        &format!("shard 0/3 is given more than once: {0}, {0}", p[0].display()),
    );

    let seeded = three_shards(&d.join("seeded"), &["--seed", "99"]);
    merge_fails(
        &[p[0].clone(), seeded[1].clone(), p[2].clone()],
        &out,
        "a different seed: 99 vs the scenario's",
    );
    let faster = three_shards(&d.join("faster"), &["--set", "arrivals.rate=0.5"]);
    merge_fails(
        &[p[0].clone(), p[1].clone(), faster[2].clone()],
        &out,
        "different --set arguments",
    );
    let other = d.join("other");
    nobat()
        .arg("run")
        .arg(scenario("mmc.toml"))
        .args(["--replications", "3", "--shard", "1/3", "--out"])
        .arg(&other)
        .assert()
        .success();
    merge_fails(
        &[p[0].clone(), other.clone(), p[2].clone()],
        &out,
        "a different scenario (digest",
    );
    let halves = d.join("halves");
    nobat()
        .arg("run")
        .arg(scenario("mm1.toml"))
        .args(["--replications", "3", "--shard", "1/2", "--out"])
        .arg(&halves)
        .assert()
        .success();
    merge_fails(&[p[0].clone(), halves, p[2].clone()], &out, "split into 2");

    // All three fit: the merge succeeds.
    nobat().arg("merge").args(&p).arg("--out").arg(&out).assert().success();
}

#[test]
fn damaged_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = three_shards(d, &[]);
    let out = d.join("merged");
    let empty = d.join("empty");
    fs::create_dir(&empty).unwrap();
    merge_fails(&[empty], &out, "no partial result in this folder");
    let csv = d.join("summary.csv");
    fs::write(&csv, "policy,replications\n").unwrap();
    merge_fails(&[csv], &out, "not a nobat partial result");
    // Cut short: the header is intact, a unit is not.
    let file = p[1].join("nobat-partial.cbor");
    let bytes = fs::read(&file).unwrap();
    fs::write(&file, &bytes[..bytes.len() - 100]).unwrap();
    merge_fails(&p, &out, "cut short or damaged");
    fs::write(&file, [bytes.as_slice(), b"x"].concat()).unwrap();
    merge_fails(&p, &out, "data follows its last unit");
}

#[test]
fn bad_shard_arguments_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    for (shard, message) in [
        ("3/3", "K must be less than N"),
        ("1/0", "N must be at least 1"),
        ("x/3", "K is not a whole number"),
        ("2", "no `/`"),
    ] {
        nobat()
            .arg("run")
            .arg(scenario("mm1.toml"))
            .args(["--shard", shard, "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(contains(message))
            .stderr(contains("K/N"));
    }
    nobat()
        .arg("run")
        .arg(scenario("mm1.toml"))
        .args(["--shard", "0/2"])
        .assert()
        .code(2)
        .stderr(contains("--shard needs --out DIR"));
    nobat()
        .arg("sweep")
        .arg(scenario("mm1.toml"))
        .args([
            "--set",
            "arrivals.rate=0.5,0.6",
            "--shard",
            "0/2",
            "--no-report",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("belong to `nobat merge`"));
    nobat().args(["merge", "--out"]).arg(&out).assert().code(2);
    assert!(!out.exists());
}

/// A shard that fails (here a runaway queue) leaves no partial behind.
#[test]
fn a_failed_shard_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    nobat()
        .arg("run")
        .arg(scenario("mm1.toml"))
        .args(["--shard", "1/2", "--max-in-system", "2", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("--max-in-system"));
    assert!(!out.exists());
}
