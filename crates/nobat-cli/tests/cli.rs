//! The `nobat` binary end to end: real scenario files in, CSV files and exit codes out.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn nobat() -> Command {
    Command::cargo_bin("nobat").expect("the nobat binary is built")
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

fn scenario(name: &str) -> PathBuf {
    scenarios_dir().join(name)
}

fn header_of(path: &Path) -> String {
    fs::read_to_string(path).unwrap().lines().next().unwrap().to_string()
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether an SVG chart shows `text` as a label of its own (plotters writes each `<text>`'s
/// content on a line of its own).
fn svg_shows(svg: &str, text: &str) -> bool {
    svg.lines().any(|l| l.trim() == text)
}

fn write_scenario(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("bad.toml");
    fs::write(&path, text).unwrap();
    path
}

const GOOD: &str = r#"
[run]
horizon = 500
replications = 2
[arrivals]
rate = 0.5
[[service]]
name = "s"
duration = { dist = "exponential", mean = 1.0 }
[[office]]
name = "A"
[[policy]]
kind = "random"
"#;

mod run {
    use super::*;

    #[test]
    fn writes_the_five_reports_with_design_columns() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args(["run", scenario("mmc.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .args(["--replications", "3"])
            .assert()
            .success();
        let expected = [
            ("summary.csv", "policy,replications,arrived,served,abandoned,blocked,wait_mean,wait_mean_ci95,wait_p50,wait_p90,wait_p95,wait_p99,wait_max,sojourn_mean,travel_mean,utilization,sla_share,wait_p90_worst_office,wait_mean_gini,travel_p90,balked,turned_away,lead_time_mean,lead_time_p90,booked,no_shows,wait_mean_booked,wait_mean_walkin,idle_share,warmup,precision_met"),
            ("by_service.csv", "policy,service,served,wait_mean,wait_mean_ci95,wait_p90,abandoned,balked,blocked,turned_away,no_shows,arrived"),
            ("offices.csv", "policy,office,arrived,served,wait_mean,wait_p90,utilization,max_queue,abandoned,balked,blocked,turned_away,booked,no_shows,wait_mean_booked,wait_mean_walkin,idle_share"),
            ("replications.csv", "policy,replication,seed,arrived,served,abandoned,blocked,wait_mean,wait_p90,utilization,last_departure,balked,turned_away,no_shows,warmup"),
            ("comparison.csv", "policy,baseline,wait_mean_diff,wait_mean_diff_ci95"),
            ("by_zone.csv", "policy,zone,clients,wait_mean,wait_p90,travel_mean"),
            ("timeseries.csv", "policy,office,time,clock,waiting,busy"),
            ("by_hour.csv", "policy,office,hour,clock,arrivals,served,wait_mean,wait_mean_ci95,wait_p90,per_hour,counters_open,counters_needed"),
        ];
        for (file, header) in expected {
            assert_eq!(header_of(&out.path().join(file)), header, "{file}");
        }
        let reps = fs::read_to_string(out.path().join("replications.csv")).unwrap();
        assert_eq!(reps.lines().count(), 1 + 3, "one row per replication");
        let leftovers: Vec<_> = fs::read_dir(out.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }

    #[test]
    fn results_are_byte_identical_whatever_the_threads() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        for (dir, threads) in [(&one, "1"), (&two, "2")] {
            nobat()
                .args(["run", scenario("city-small.toml").to_str().unwrap(), "--out"])
                .arg(dir.path())
                .args(["--threads", threads])
                .assert()
                .success();
        }
        let report = [
            "report.html",
            "wait_cdf.svg",
            "office_waits.svg",
            "waiting_over_the_day.svg",
        ];
        for file in nobat_core::report::Report::FILES.into_iter().chain(report) {
            let a = fs::read(one.path().join(file)).unwrap();
            let b = fs::read(two.path().join(file)).unwrap();
            assert_eq!(a, b, "{file} differs between 1 and 2 threads");
        }
    }

    #[test]
    fn seed_changes_results_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        let summary = |seed: &str| {
            let out = dir.path().join(format!("out-{seed}"));
            nobat()
                .arg("run")
                .arg(&path)
                .arg("--out")
                .arg(&out)
                .args(["--seed", seed])
                .assert()
                .success();
            fs::read_to_string(out.join("replications.csv")).unwrap()
        };
        assert_ne!(summary("1"), summary("2"));
        assert_eq!(summary("1"), summary("1"));
    }

    #[test]
    fn comparison_is_paired_against_the_first_policy() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args(["run", scenario("city-small.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .assert()
            .success();
        let text = fs::read_to_string(out.path().join("comparison.csv")).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 4, "every policy but the baseline: {text}");
        assert!(rows.iter().all(|r| r.split(',').nth(1) == Some("random")));
        // shortest-queue beats random on the same clients, with a CI that excludes zero.
        let sq: Vec<&str> = rows
            .iter()
            .find(|r| r.starts_with("shortest-queue,"))
            .unwrap()
            .split(',')
            .collect();
        let (diff, half): (f64, f64) = (sq[2].parse().unwrap(), sq[3].parse().unwrap());
        assert!(diff + half < 0.0, "shortest-queue vs random: {diff} ± {half}");
    }

    #[test]
    fn prints_a_summary_table() {
        nobat()
            .args(["run", scenario("mm1.toml").to_str().unwrap(), "--replications", "2"])
            .assert()
            .success()
            .stdout(predicates::str::contains("wait mean (95% CI)"))
            .stdout(predicates::str::contains("only-office"));
    }
}

mod report {
    use super::*;

    const CHARTS: [&str; 3] = ["wait_cdf.svg", "office_waits.svg", "waiting_over_the_day.svg"];

    fn run_city(extra: &[&str]) -> (tempfile::TempDir, assert_cmd::assert::Assert) {
        let out = tempfile::tempdir().unwrap();
        let assert = nobat()
            .args(["run", scenario("city-board.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .args(["--replications", "3"])
            .args(extra)
            .assert();
        (out, assert)
    }

    #[test]
    fn report_writes_a_self_contained_page_and_its_charts() {
        let (out, assert) = run_city(&["--report"]);
        // Not a terminal: no progress bar, nothing on stderr.
        assert.success().stderr("");
        let html = fs::read_to_string(out.path().join("report.html")).unwrap();
        for chart in CHARTS {
            let svg = fs::read_to_string(out.path().join(chart)).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.matches("<polyline").count() > 5,
                "{chart}"
            );
            // The page carries the chart inline, not a link to it.
            let body = &svg[svg.find("<rect").unwrap()..][..200];
            assert!(html.contains(body), "{chart} is not inline in report.html");
        }
        // Nothing fetched: the only URL is the SVG namespace, a name, not a download.
        let fetched = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!fetched.contains("http://") && !fetched.contains("https://") && !fetched.contains("<script"));
        assert!(html.contains("<h1>City with a crowding board</h1>"));
        // The comparison in words, against the baseline, says what comparison.csv says: with 3
        // replications the corrected board is significantly better (its interval excludes
        // zero), and a policy whose interval covers zero is "no significant difference".
        let comparison = fs::read_to_string(out.path().join("comparison.csv")).unwrap();
        let mut significant = 0;
        for row in comparison.lines().skip(1) {
            let f: Vec<&str> = row.split(',').collect();
            let (diff, half): (f64, f64) = (f[2].parse().unwrap(), f[3].parse().unwrap());
            let sentence = if diff.abs() > half {
                significant += 1;
                let (lo, hi) = (diff.abs() - half, diff.abs() + half);
                let word = if diff < 0.0 { "shorter" } else { "longer" };
                format!(
                    "<b>{}</b>: mean wait {:.1} min {word} than nearest, 95% CI {lo:.1}–{hi:.1}.",
                    f[0],
                    diff.abs()
                )
            } else {
                format!("<b>{}</b>: no significant difference from nearest", f[0])
            };
            assert!(html.contains(&sentence), "{sentence}");
        }
        assert!(comparison.contains("\nboard-corrected-30,nearest,-") && significant > 0);
        assert!(html.contains("<h2>Worst offices</h2>") && html.contains("<h2>Districts</h2>"));
    }

    #[test]
    fn written_by_default_and_not_with_no_report() {
        let (out, assert) = run_city(&[]);
        assert.success();
        assert!(
            out.path().join("report.html").exists(),
            "the report is on by default with --out"
        );
        let (out, assert) = run_city(&["--no-report"]);
        assert.success();
        let mut files: Vec<String> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut csv: Vec<String> = nobat_core::report::Report::FILES
            .iter()
            .map(|f| f.to_string())
            .collect();
        csv.sort();
        assert_eq!(files, csv, "only the CSV files");
    }

    #[test]
    fn report_needs_an_output_folder() {
        nobat()
            .args(["run", scenario("mm1.toml").to_str().unwrap(), "--report"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--report needs --out"));
        nobat()
            .args(["run", scenario("mm1.toml").to_str().unwrap(), "--report", "--no-report"])
            .assert()
            .code(2);
    }

    #[test]
    fn timeseries_is_averaged_over_the_office_day() {
        let (out, assert) = run_city(&["--no-report"]);
        assert.success();
        let mut reader = csv::Reader::from_path(out.path().join("timeseries.csv")).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        // 7 policies × 16 offices, every 15 minutes from 00:00 to past the last departure.
        assert_eq!(rows.len() % (7 * 16), 0);
        let per_office = rows.len() / (7 * 16);
        assert!((62..96).contains(&per_office), "{per_office} intervals");
        let at = |policy: &str, office: &str, clock: &str| {
            rows.iter()
                .find(|r| &r[0] == policy && &r[1] == office && &r[3] == clock)
                .map(|r| (r[4].parse::<f64>().unwrap(), r[5].parse::<f64>().unwrap()))
                .unwrap()
        };
        // Closed before 07:30: nobody there.
        assert_eq!(at("nearest", "Centre-1", "07:00"), (0.0, 0.0));
        // Mid-morning the centre is crowded under nearest: 3 counters nearly all busy.
        let (waiting, busy) = at("nearest", "Centre-1", "11:00");
        assert!(waiting > 1.0 && busy > 2.5 && busy <= 3.0, "{waiting} {busy}");
    }
}

mod geography {
    use super::*;

    const CITY: &str = r#"
[run]
horizon = 600
replications = 2
[arrivals]
rate = 0.5
[geography]
speed_kmh = 30
origins = "origins.csv"
[[service]]
name = "s"
duration = { dist = "exponential", mean = 1.0 }
[[office]]
name = "A"
location = [0.0, 0.0]
[[policy]]
kind = "nearest"
"#;

    #[test]
    fn origins_are_read_next_to_the_scenario_and_zones_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        fs::write(&path, CITY).unwrap();
        fs::write(
            dir.path().join("origins.csv"),
            "x_km,y_km,weight,zone
0,3,1,north
0,-3,1,south
",
        )
        .unwrap();
        let out = dir.path().join("out");
        nobat().arg("run").arg(&path).arg("--out").arg(&out).assert().success();
        let zones = fs::read_to_string(out.join("by_zone.csv")).unwrap();
        assert!(
            zones.contains("nearest,north,") && zones.contains("nearest,south,"),
            "{zones}"
        );
        // 3 km at 30 km/h: every trip takes 6 minutes.
        let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
        let row: Vec<&str> = summary.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(row[14], "6", "travel_mean in {summary}");
    }

    #[test]
    fn a_bad_origin_row_is_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        fs::write(&path, CITY).unwrap();
        fs::write(
            dir.path().join("origins.csv"),
            "x_km,y_km,weight
0,3,1
0,x,1
",
        )
        .unwrap();
        nobat()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("origins.csv, line 3"))
            .stderr(predicates::str::contains("city.toml"));
        fs::remove_file(dir.path().join("origins.csv")).unwrap();
        nobat()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("cannot read"));
    }

    #[test]
    fn geographic_policies_need_geography() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), &GOOD.replace("kind = \"random\"", "kind = \"nearest\""));
        nobat()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("`policy[0].kind`"))
            .stderr(predicates::str::contains("needs `[geography]`"));
    }

    #[test]
    fn a_closed_output_pipe_is_not_a_crash() {
        let out = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("nobat"))
            .args([
                "run",
                scenario("city-board.toml").to_str().unwrap(),
                "--replications",
                "2",
                "--out",
            ])
            .arg(out.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(out.path().join("by_zone.csv").exists());
    }
}

mod scenarios {
    use super::*;

    /// In every row of the CSV at `path`: arrived = served + abandoned + balked + blocked +
    /// turned_away (+ no_shows, except in offices.csv, where no-shows never arrived).
    fn assert_every_client_accounted(path: &Path) {
        let no_shows_arrived = !path.ends_with("offices.csv");
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        for row in reader.records() {
            let row = row.unwrap();
            let n = |name: &str| row[column(name)].parse::<u64>().unwrap();
            let mut ended = n("served") + n("abandoned") + n("balked") + n("blocked") + n("turned_away");
            if no_shows_arrived {
                ended += n("no_shows");
            }
            assert_eq!(n("arrived"), ended, "{}: {row:?}", path.display());
        }
    }

    /// Every example scenario validates and runs (briefly) through the CLI.
    #[test]
    fn every_example_scenario_checks_and_runs() {
        let mut count = 0;
        for entry in fs::read_dir(scenarios_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                count += 1;
                nobat().arg("check").arg(&path).assert().success();
                let out = tempfile::tempdir().unwrap();
                let mut run = nobat();
                run.arg("run")
                    .arg(&path)
                    .arg("--out")
                    .arg(out.path())
                    .args(["--replications", "2"]);
                // The national benchmark is a year of 100 million clients: one day of it checks
                // it end to end.
                if path.ends_with("national.toml") {
                    run.args(["--set", "run.horizon=1d"]);
                }
                run.assert().success();
                // Every client is accounted for, in the CSVs as written.
                assert_every_client_accounted(&out.path().join("summary.csv"));
                assert_every_client_accounted(&out.path().join("by_service.csv"));
                assert_every_client_accounted(&out.path().join("offices.csv"));
            }
        }
        assert!(count >= 3, "found only {count} scenarios");
    }
}

mod check {
    use super::*;

    #[test]
    fn prints_offered_load_and_warns_when_unstable() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), &GOOD.replace("rate = 0.5", "rate = 1.2"));
        nobat()
            .arg("check")
            .arg(&path)
            .assert()
            .success()
            .stdout(predicates::str::contains("rho = 1.200"))
            .stdout(predicates::str::contains("warning: the network is unstable"));
        let ok = write_scenario(dir.path(), GOOD);
        nobat()
            .arg("check")
            .arg(&ok)
            .assert()
            .success()
            .stdout(predicates::str::contains("warning").not());
    }

    /// Regression: the even split gave every office 1/N of all clients, with the mix of only
    /// the services it offers, so B (the one office offering `special`) showed rho 0.800 and no
    /// warning while `random` loads it at 1.2. Each service's clients are now split among the
    /// offices offering it.
    #[test]
    fn the_even_split_sends_each_service_to_the_offices_offering_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(
            dir.path(),
            r#"
[run]
horizon = 1000
[arrivals]
rate = 1.0
[[service]]
name = "common"
share = 0.5
duration = { dist = "exponential", mean = 1.0 }
[[service]]
name = "special"
share = 0.5
duration = { dist = "exponential", mean = 1.0 }
[[office]]
name = "A"
services = ["common"]
[[office]]
name = "B"
services = ["common", "special"]
[[policy]]
kind = "random"
"#,
        );
        let assert = nobat()
            .arg("check")
            .arg(&path)
            .args(["--set", "arrivals.rate=1.6"])
            .assert()
            .success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        let row = |name: &str| {
            stdout
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("no row for {name}: {stdout}"))
                .to_string()
        };
        assert!(row("A").contains("0.400") && row("B").contains("1.200"), "{stdout}");
        assert!(stdout.contains("warning: office `B`: rho = 1.200"), "{stdout}");
        assert!(!stdout.contains("office `A`: rho"), "{stdout}");
        // The network as a whole is stable: only B is overloaded.
        assert!(stdout.contains("network as a whole: rho = 0.800"), "{stdout}");
    }

    use predicates::prelude::PredicateBooleanExt;
}

mod bad_input {
    use super::*;

    /// Runs `nobat run` on `text` and returns stderr, asserting exit code 2 and no output.
    fn refused(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), text);
        let out = dir.path().join("out");
        let assert = nobat().arg("run").arg(&path).arg("--out").arg(&out).assert().code(2);
        assert!(!out.exists(), "an output folder was created for a bad scenario");
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("bad.toml"), "the message names the file: {stderr}");
        stderr
    }

    #[test]
    fn the_time_series_interval_fits_in_a_day() {
        for bad in ["0", "\"2d\""] {
            let err = refused(&GOOD.replace("horizon = 500", &format!("horizon = 500\nsample = {bad}")));
            assert!(err.contains("run.sample") && err.contains("at most a day"), "{err}");
        }
    }

    /// Regression: `sample = 0.0001` over a horizon of 1000 minutes wrote a 324 MB
    /// `timeseries.csv` of 10 million rows. A series of more than a million values a
    /// replication is refused before anything runs, saying the finest sample allowed.
    #[test]
    fn the_time_series_interval_is_not_too_fine() {
        let fine = GOOD.replace("horizon = 500", "horizon = 1000\nsample = 0.0001");
        let err = refused(&fine);
        for part in ["run.sample", "at most 1000000", "at least 0.00144 min"] {
            assert!(err.contains(part), "lacks `{part}`: {err}");
        }
        // `check` refuses it too, and `--set` reaches the same rule.
        let dir = tempfile::tempdir().unwrap();
        nobat()
            .arg("check")
            .arg(write_scenario(dir.path(), &fine))
            .assert()
            .code(2);
        nobat()
            .arg("check")
            .arg(write_scenario(dir.path(), GOOD))
            .args(["--set", "run.sample=0.001"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("run.sample"));
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = refused(&GOOD.replace("name = \"A\"", "name = \"A\"\ncountrs = 2"));
        assert!(e.contains("bad.toml:12:"), "{e}");
        assert!(e.contains("countrs"), "{e}");
        assert!(e.contains("counters"), "lists what is allowed: {e}");
    }

    #[test]
    fn bad_value_names_key_path_and_what_is_allowed() {
        let e = refused(&GOOD.replace("mean = 1.0", "mean = 0"));
        assert!(e.contains("`service[0].duration.mean`"), "{e}");
        assert!(e.contains("greater than 0"), "{e}");
        assert!(e.contains("bad.toml:9:43:"), "{e}");
    }

    #[test]
    fn unknown_policy_lists_the_kinds() {
        let e = refused(&GOOD.replace("kind = \"random\"", "kind = \"fastest\""));
        assert!(e.contains("policy[0].kind") && e.contains("shortest-queue"), "{e}");
    }

    #[test]
    fn shares_must_sum_to_one() {
        let two = GOOD.replace(
            "[[service]]\nname = \"s\"",
            "[[service]]\nname = \"t\"\nshare = 0.5\nduration = { dist = \"deterministic\", value = 1 }\n[[service]]\nname = \"s\"\nshare = 0.2",
        );
        let e = refused(&two);
        assert!(e.contains("sum to 1"), "{e}");
    }

    #[test]
    fn bad_duration_string() {
        let e = refused(&GOOD.replace("horizon = 500", "horizon = \"5 parsecs\""));
        assert!(e.contains("unknown time unit"), "{e}");
    }

    #[test]
    fn regression_inputs_found_in_review_are_refused() {
        // A huge number of counters once aborted the process while reserving memory.
        let e = refused(&GOOD.replace("name = \"A\"", "name = \"A\"\ncounters = 4000000000"));
        assert!(e.contains("`office[0].counters`") && e.contains("between 1 and"), "{e}");
        // A service time with an infinite mean once ran and wrote meaningless waits.
        let e = refused(&GOOD.replace(
            "{ dist = \"exponential\", mean = 1.0 }",
            "{ dist = \"weibull\", shape = 0.001, scale = 1 }",
        ));
        assert!(e.contains("must be finite"), "{e}");
        // A board setting on a policy that reads no board was silently ignored.
        let e = refused(&GOOD.replace("kind = \"random\"", "kind = \"random\"\nrefresh = 5"));
        assert!(
            e.contains("`policy[0].refresh`") && e.contains("reads the crowding board"),
            "{e}"
        );
        // A horizon before the first arrival gave empty reports.
        let e = refused(
            &GOOD
                .replace(
                    "rate = 0.5",
                    "schedule = [{ from = \"08:00\", to = \"10:00\", per_hour = 30 }]",
                )
                .replace("horizon = 500", "horizon = \"07:00\""),
        );
        assert!(e.contains("no client would arrive"), "{e}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = refused("[run\nhorizon = 3");
        assert!(e.contains("bad.toml:1:"), "{e}");
    }

    #[test]
    fn missing_file_and_folder_and_bad_arguments_exit_2() {
        nobat().args(["run", "/no/such/file.toml"]).assert().code(2);
        let dir = tempfile::tempdir().unwrap();
        nobat()
            .arg("run")
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicates::str::contains("is a folder"));
        nobat().args(["run"]).assert().code(2);
        nobat().args(["frobnicate"]).assert().code(2);
        let path = write_scenario(dir.path(), GOOD);
        nobat()
            .arg("run")
            .arg(&path)
            .args(["--replications", "0"])
            .assert()
            .code(2);
    }

    /// One case of the corpus: the file, the fragment its message must contain, and its key
    /// path when the message has one.
    struct Case {
        path: PathBuf,
        expect: String,
        key: Option<String>,
    }

    /// The corpus in `tests/bad_inputs`: each `.toml` file starts with `# expect: FRAGMENT` and
    /// optionally `# path: KEY.PATH`; the `.csv` files are origins files they name.
    fn corpus() -> Vec<Case> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs");
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let text = fs::read_to_string(&path).unwrap();
                let header = |tag: &str| {
                    text.lines()
                        .find_map(|l| l.strip_prefix(tag))
                        .map(|v| v.trim().to_string())
                };
                let expect =
                    header("# expect:").unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
                Case {
                    key: header("# path:"),
                    expect,
                    path,
                }
            })
            .collect()
    }

    /// What is wrong with nobat's answer to a bad input, if anything: exit code 2, a message
    /// naming the file, the place (line and column, or key path) and the expected fragment, no
    /// panic, and no file written in the output folder.
    fn judge(name: &str, expect: &str, key: Option<&str>, args: &[&std::ffi::OsStr], out: &Path) -> Option<String> {
        let before = listing(out);
        let output = nobat()
            .args(args)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut wrong = Vec::new();
        if output.status.code() != Some(2) {
            wrong.push(format!("exit {:?}, not 2", output.status.code()));
        }
        if stderr.contains("panicked") {
            wrong.push("panicked".into());
        }
        if !stderr.contains(name) {
            wrong.push("does not name the file".into());
        }
        if !stderr.contains(expect) {
            wrong.push(format!("lacks `{expect}`"));
        }
        let located = stderr
            .split(name)
            .nth(1)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.split(':').take(2).all(|n| n.parse::<u32>().is_ok()));
        match key {
            Some(k) if !stderr.contains(&format!("`{k}`")) => wrong.push(format!("does not name `{k}`")),
            None if !located => wrong.push("has neither a line:column nor a key path".into()),
            _ => {}
        }
        if listing(out) != before {
            wrong.push("changed the output folder".into());
        }
        (!wrong.is_empty()).then(|| {
            format!(
                "{}: {} -- stderr: {stderr}",
                args[0].to_string_lossy(),
                wrong.join(", ")
            )
        })
    }

    /// The names in `dir` (empty when it does not exist), sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn corpus_of_bad_inputs_is_refused_cleanly() {
        let cases = corpus();
        assert!(cases.len() >= 60, "the corpus has only {} files", cases.len());
        let tmp = tempfile::tempdir().unwrap();
        // A folder the user already had, with a file of its own: it must stay as it was.
        let existing = tmp.path().join("existing");
        fs::create_dir(&existing).unwrap();
        fs::write(existing.join("notes.txt"), "mine").unwrap();
        let mut failures = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            let name = case.path.file_name().unwrap().to_str().unwrap();
            let fresh = tmp.path().join(format!("out-{i}"));
            let out = if i % 2 == 0 { &fresh } else { &existing };
            let check = [std::ffi::OsStr::new("check"), case.path.as_os_str()];
            let run = [
                std::ffi::OsStr::new("run"),
                case.path.as_os_str(),
                std::ffi::OsStr::new("--out"),
                out.as_os_str(),
            ];
            for args in [&check[..], &run[..]] {
                if let Some(f) = judge(name, &case.expect, case.key.as_deref(), args, out) {
                    failures.push(format!("{name}: {f}"));
                }
            }
            assert!(!fresh.exists(), "{name}: an output folder was created");
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
        assert_eq!(listing(&existing), ["notes.txt"]);
        assert_eq!(fs::read_to_string(existing.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn files_that_are_not_scenarios_are_refused_cleanly() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut cases: Vec<(PathBuf, &str)> = Vec::new();
        let mut file = |name: &str, bytes: &[u8], expect: &'static str| {
            let path = tmp.path().join(name);
            fs::write(&path, bytes).unwrap();
            cases.push((path, expect));
        };
        file(
            "latin1.toml",
            b"name = \"caf\xe9\"\n",
            "is not UTF-8 text (invalid byte at offset 11)",
        );
        file("binary.toml", &[0xff, 0xfe, 0x00, 0x01, 0x80], "is not UTF-8 text");
        file("empty.toml", b"", "the file is empty");
        file("blank.toml", b"  \n\t\n", "the file is empty");
        file("comments.toml", b"# just a comment\n", "missing field `run`");
        file("nul.toml", b"name = \"a\0b\"\n", "invalid");
        let folder = tmp.path().join("folder.toml");
        fs::create_dir(&folder).unwrap();
        cases.push((folder, "is a folder, not a scenario file"));
        cases.push((tmp.path().join("missing.toml"), "cannot read the scenario"));
        let mut failures = Vec::new();
        for (path, expect) in &cases {
            let name = path.file_name().unwrap().to_str().unwrap();
            for verb in ["check", "run"] {
                let mut command = nobat();
                command.arg(verb).arg(path);
                if verb == "run" {
                    command.arg("--out").arg(&out);
                }
                let output = command.output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                if output.status.code() != Some(2)
                    || !stderr.contains(name)
                    || !stderr.contains(expect)
                    || stderr.contains("panicked")
                {
                    failures.push(format!("{verb} {name}: exit {:?}: {stderr}", output.status.code()));
                }
            }
        }
        assert!(!out.exists(), "an output folder was created");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

mod appointments {
    use super::*;

    /// The booking rules of appointments.toml run end to end and fill the booking columns.
    #[test]
    fn booking_columns_are_filled() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .arg("run")
            .arg(scenario("appointments.toml"))
            .arg("--out")
            .arg(out.path())
            .args(["--replications", "2"])
            .assert()
            .success();
        let mut reader = csv::Reader::from_path(out.path().join("summary.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let mut policies = Vec::new();
        for row in reader.records() {
            let row = row.unwrap();
            let number = |name: &str| row[column(name)].parse::<f64>().unwrap();
            policies.push(row[column("policy")].to_string());
            assert!(number("booked") > 0.0 && number("no_shows") > 0.0, "{row:?}");
            assert!(number("no_shows") < number("booked"));
            assert!(number("lead_time_mean") > 0.0 && number("lead_time_p90") >= number("lead_time_mean") * 0.5);
            assert!(
                number("wait_mean_booked") < number("wait_mean_walkin"),
                "booked clients go first: {row:?}"
            );
            let idle = number("idle_share");
            assert!((idle + number("utilization") - 1.0).abs() < 1e-5, "{row:?}");
        }
        assert_eq!(policies, ["own-office", "earliest-slot", "central"]);
        let html = fs::read_to_string(out.path().join("report.html")).unwrap();
        assert!(html.contains("<th>wait booked</th>") && html.contains("<th>no-shows</th>"));
        let check = nobat()
            .arg("check")
            .arg(scenario("appointments.toml"))
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&check.stdout).contains("no same-day booking"));
    }
}

mod overrides {
    use super::*;

    fn stderr_of(args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        let output = nobat().arg(args[0]).arg(&path).args(&args[1..]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?} is bad input");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    #[test]
    fn set_changes_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        let served = |set: &[&str]| {
            let out = dir.path().join(format!("out{}", set.len()));
            let mut cmd = nobat();
            cmd.arg("run").arg(&path).arg("--out").arg(&out);
            for s in set {
                cmd.args(["--set", s]);
            }
            cmd.assert().success();
            let text = fs::read_to_string(out.join("summary.csv")).unwrap();
            let row: Vec<String> = text.lines().nth(1).unwrap().split(',').map(String::from).collect();
            (row[1].clone(), row[3].parse::<u64>().unwrap())
        };
        let (reps, base) = served(&[]);
        assert_eq!(reps, "2");
        let (reps, scaled) = served(&["arrivals.scale=2", "run.replications=3"]);
        assert_eq!(reps, "3");
        assert!(
            scaled as f64 > 1.5 * base as f64 * 1.5,
            "3 replications at twice the rate: {base} -> {scaled}"
        );
    }

    #[test]
    fn check_takes_set_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        nobat()
            .arg("check")
            .arg(&path)
            .args(["--set", "office[name=A].counters=4"])
            .assert()
            .success()
            .stdout(predicates::str::contains("1 offices, 4 counters"));
    }

    #[test]
    fn bad_overrides_exit_2_naming_the_argument_key_and_what_is_allowed() {
        let e = stderr_of(&["run", "--set", "office.3.counters=2"]);
        assert!(
            e.contains("--set office.3.counters=2")
                && e.contains("office index 3 out of range: the scenario has 1 office (0..0"),
            "{e}"
        );
        let e = stderr_of(&["check", "--set", "office.0.countrs=2"]);
        assert!(
            e.contains("`office[0].countrs`") && e.contains("expected one of") && e.contains("`counters`"),
            "{e}"
        );
        let e = stderr_of(&["run", "--set", "arrivals.rate=-1"]);
        assert!(
            e.contains("--set arrivals.rate=-1") && e.contains("greater than 0"),
            "{e}"
        );
        let e = stderr_of(&["run", "--set", "arrivals.rate"]);
        assert!(e.contains("KEY=VALUE"), "{e}");
        let e = stderr_of(&["run", "--set", "arrivals.rate=1:2:0.5"]);
        assert!(e.contains("nobat sweep"), "{e}");
    }
}

mod sweep {
    use super::*;

    #[test]
    fn a_range_writes_one_row_per_point_and_policy_with_the_summary_columns() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args(["sweep", scenario("mm1.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .args(["--set", "arrivals.scale=0.5:0.7:0.1", "--set", "run.horizon=5000"])
            .args(["--replications", "2"])
            .assert()
            .success()
            .stdout(predicates::str::contains("3 points"));
        let text = fs::read_to_string(out.path().join("sweep.csv")).unwrap();
        let summary_header = "policy,replications,arrived,served,abandoned,blocked,wait_mean,wait_mean_ci95";
        assert!(text.starts_with(&format!("arrivals.scale,{summary_header}")), "{text}");
        let scales: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(scales, ["0.5", "0.6", "0.7"]);
        let names = file_names(out.path());
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "no temporary file: {names:?}"
        );
    }

    #[test]
    fn out_writes_the_report_with_a_chart_per_metric_against_the_swept_key() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args(["sweep", scenario("mm1.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .args(["--set", "arrivals.scale=0.5:0.7:0.1", "--set", "run.horizon=5000"])
            .args(["--replications", "2"])
            .assert()
            .success()
            .stdout(predicates::str::contains("report.html in a browser"));
        let html = fs::read_to_string(out.path().join("report.html")).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("sweep of arrivals.scale"));
        assert!(
            html.contains("<code>arrivals.scale=0.5:0.7:0.1</code>"),
            "what was swept"
        );
        let svg = fs::read_to_string(out.path().join("sweep_wait_mean.svg")).unwrap();
        assert!(
            svg.contains("<svg") && svg_shows(&svg, "arrivals.scale"),
            "the swept key labels the axis"
        );
        assert!(
            html.contains(&svg[svg.find("<svg").unwrap()..]),
            "the chart is inline too"
        );
    }

    #[test]
    fn no_report_writes_only_the_csv_and_report_needs_out() {
        let out = tempfile::tempdir().unwrap();
        let mm1 = scenario("mm1.toml");
        nobat()
            .arg("sweep")
            .arg(&mm1)
            .args([
                "--set",
                "arrivals.scale=0.5,0.6",
                "--replications",
                "2",
                "--no-report",
                "--out",
            ])
            .arg(out.path())
            .assert()
            .success();
        assert_eq!(file_names(out.path()), ["sweep.csv"]);
        nobat()
            .arg("sweep")
            .arg(&mm1)
            .args(["--set", "arrivals.scale=0.5,0.6", "--report"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--report needs --out"));
    }

    #[test]
    fn two_ranges_make_a_grid_and_lists_work() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args(["sweep", scenario("city-small.toml").to_str().unwrap(), "--out"])
            .arg(out.path())
            .args([
                "--set",
                "office[name=Central].counters=4,6",
                "--set",
                "arrivals.scale=1:1.2:0.2",
            ])
            .args(["--replications", "2"])
            .assert()
            .success();
        let text = fs::read_to_string(out.path().join("sweep.csv")).unwrap();
        assert!(
            text.starts_with("office[name=Central].counters,arrivals.scale,policy,"),
            "{text}"
        );
        // 2 x 2 points, 5 policies each.
        assert_eq!(text.lines().count(), 1 + 4 * 5);
        let points: Vec<String> = text
            .lines()
            .skip(1)
            .step_by(5)
            .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(points, ["4 1", "4 1.2", "6 1", "6 1.2"]);
    }

    #[test]
    fn nothing_to_sweep_or_a_bad_point_is_bad_input() {
        let mm1 = scenario("mm1.toml");
        let output = nobat()
            .arg("sweep")
            .arg(&mm1)
            .args(["--set", "arrivals.scale=2"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("FROM:TO:STEP"));
        let output = nobat()
            .arg("sweep")
            .arg(&mm1)
            .args(["--set", "office.0.counters=1:0:-1"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let e = String::from_utf8_lossy(&output.stderr);
        assert!(e.contains("office.0.counters=0") && e.contains("between 1"), "{e}");
    }
}

mod size {
    use super::*;

    const SIZING_HEADER: &str =
        "step,added,office,counters_total,offices_total,metric,metric_ci95,meets_target,bound,worst,cost_total";

    fn rows(path: &Path) -> Vec<Vec<String>> {
        let text = fs::read_to_string(path).unwrap();
        assert_eq!(text.lines().next().unwrap(), SIZING_HEADER);
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(String::from).collect())
            .collect()
    }

    #[test]
    fn counters_at_one_office_until_the_bound_meets_the_target() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args([
                "size",
                scenario("mmc.toml").to_str().unwrap(),
                "--target",
                "wait_p90<=0.5",
            ])
            .args(["--replications", "4", "--set", "run.horizon=20000", "--out"])
            .arg(out.path())
            .assert()
            .success()
            .stdout(predicates::str::contains("answer: add 2 counters (Central +2)"));
        let rows = rows(&out.path().join("sizing.csv"));
        let meets: Vec<&str> = rows.iter().map(|r| r[7].as_str()).collect();
        assert_eq!(meets, ["false", "false", "true"]);
        assert_eq!(rows[2][1..4], ["counter", "Central", "7"]);
        let (metric, half, bound): (f64, f64, f64) = (
            rows[2][5].parse().unwrap(),
            rows[2][6].parse().unwrap(),
            rows[2][8].parse().unwrap(),
        );
        assert!((metric + half - bound).abs() < 1e-5 && bound <= 0.5);
    }

    #[test]
    fn out_writes_the_report_with_the_answer_and_the_chart() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args([
                "size",
                scenario("mmc.toml").to_str().unwrap(),
                "--target",
                "wait_p90<=0.5",
            ])
            .args(["--replications", "4", "--set", "run.horizon=20000", "--quiet", "--out"])
            .arg(out.path())
            .assert()
            .success()
            .stderr("");
        let html = fs::read_to_string(out.path().join("report.html")).unwrap();
        assert!(html.contains("Answer: add 2 counters (Central +2)"), "{html}");
        let svg = fs::read_to_string(out.path().join("sizing.svg")).unwrap();
        assert!(svg.contains("<svg") && svg_shows(&svg, "counters added") && svg_shows(&svg, "target 0.5"));
        assert_eq!(file_names(out.path()), ["report.html", "sizing.csv", "sizing.svg"]);
        let plain = tempfile::tempdir().unwrap();
        nobat()
            .args([
                "size",
                scenario("mmc.toml").to_str().unwrap(),
                "--target",
                "wait_p90<=0.5",
            ])
            .args([
                "--replications",
                "2",
                "--set",
                "run.horizon=2000",
                "--no-report",
                "--out",
            ])
            .arg(plain.path())
            .assert()
            .success();
        assert_eq!(file_names(plain.path()), ["sizing.csv"]);
    }

    #[test]
    fn the_growing_city_opens_offices_in_the_east() {
        let out = tempfile::tempdir().unwrap();
        let output = nobat()
            .args(["size", scenario("sizing.toml").to_str().unwrap()])
            .args(["--add", "offices", "--per", "zone", "--target", "wait_p90<=30", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("search: exact"), "{stdout}");
        let rows = rows(&out.path().join("sizing.csv"));
        let last = rows.last().unwrap();
        assert_eq!(last[7], "true", "the last row is the answer");
        assert!(rows[..rows.len() - 1].iter().all(|r| r[7] == "false"));
        // The east has no office: every answer opens East-Market.
        assert!(last[2].contains("East-Market"), "{last:?}");
        assert!(
            stdout.contains(&format!("answer: open {}", last[2].replace('+', ", "))),
            "{stdout}"
        );
    }

    #[test]
    fn sites_from_a_csv_file() {
        let dir = tempfile::tempdir().unwrap();
        let sites = dir.path().join("sites.csv");
        fs::write(
            &sites,
            "name,x_km,y_km,counters,cost,hours\nBig-East,11,7,4,5,07:30-14:30\n",
        )
        .unwrap();
        nobat()
            .args(["size", scenario("sizing.toml").to_str().unwrap()])
            .args([
                "--add",
                "offices",
                "--per",
                "zone",
                "--target",
                "wait_p90<=60",
                "--sites",
            ])
            .arg(&sites)
            .args(["--replications", "5"])
            .assert()
            .success()
            .stdout(predicates::str::contains("answer: open Big-East (cost 5)"));
    }

    #[test]
    fn bad_requests_exit_2_and_say_what_is_allowed() {
        let mmc = scenario("mmc.toml");
        let cases: [(&[&str], &str); 6] = [
            (&["--target", "wait_p80<=1"], "wait_p90"),
            (&["--target", "wait_mean>=1"], "wait_mean<=VALUE"),
            (&["--target", "sla_share>=0.9", "--set", "run.target=-1"], "run.target"),
            (&["--target", "wait_mean<=1", "--policy", "nope"], "the policies are"),
            (&["--target", "wait_mean<=1", "--add", "offices"], "[[site]]"),
            (&["--target", "wait_mean<=1", "--replications", "1"], "2 replications"),
        ];
        for (args, expected) in cases {
            let output = nobat().arg("size").arg(&mmc).args(args).output().unwrap();
            let e = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {e}");
            assert!(e.contains(expected), "{args:?}: {e}");
        }
    }

    #[test]
    fn no_answer_within_the_limits_is_a_failure_after_writing_the_steps() {
        let out = tempfile::tempdir().unwrap();
        let output = nobat()
            .args([
                "size",
                scenario("mmc.toml").to_str().unwrap(),
                "--target",
                "wait_p90<=0.5",
            ])
            .args([
                "--replications",
                "3",
                "--set",
                "run.horizon=5000",
                "--max-steps",
                "1",
                "--out",
            ])
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("--max-steps"));
        assert_eq!(rows(&out.path().join("sizing.csv")).len(), 2);
    }
}

mod reliability {
    use super::*;
    use std::time::{Duration, Instant};

    /// A stable scenario that would take hours: a billion minutes of arrivals.
    const LONG: &str = r#"
[run]
horizon = 1e9
replications = 8
[arrivals]
rate = 0.9
[[service]]
name = "s"
duration = { dist = "exponential", mean = 1.0 }
[[office]]
name = "A"
[[policy]]
kind = "random"
"#;

    /// Two offices receiving three clients a minute for two of service capacity, nobody gives up.
    const UNSTABLE: &str = r#"
[run]
horizon = 100000
replications = 2
[arrivals]
rate = 3
[[service]]
name = "s"
duration = { dist = "exponential", mean = 1.0 }
[[office]]
name = "A"
[[office]]
name = "B"
[[policy]]
kind = "shortest-queue"
"#;

    /// A folder holding a file of the user's, to check that nobat leaves it as it was.
    fn users_folder(root: &Path) -> PathBuf {
        let out = root.join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        out
    }

    fn assert_untouched(out: &Path) {
        let names: Vec<String> = fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["notes.txt"], "the folder changed");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn ctrl_c_stops_within_a_second_with_130_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), LONG);
        let out = users_folder(dir.path());
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("nobat"))
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Let it load the scenario, install its handler and start simulating.
        std::thread::sleep(Duration::from_millis(1500));
        assert!(child.try_wait().unwrap().is_none(), "the long run ended by itself");
        let sent = Instant::now();
        let kill = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if sent.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("still running 10 s after Ctrl-C");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let took = sent.elapsed();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        // A second is the promise; the slack is for a loaded test machine.
        assert!(took < Duration::from_secs(3), "stopped after {took:?}");
        assert_untouched(&out);
    }

    /// `run`, `sweep` and `size` stop a runaway scenario (or point, or configuration) with
    /// exit 2, naming the office and the time, and write nothing.
    #[test]
    fn a_runaway_scenario_stops_every_verb_with_exit_2_naming_office_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), UNSTABLE);
        let out = users_folder(dir.path());
        let verbs: [&[&str]; 3] = [
            &["run"],
            &["sweep", "--set", "arrivals.scale=1,2"],
            &["size", "--target", "wait_mean<=10"],
        ];
        for verb in verbs {
            let assert = nobat()
                .arg(verb[0])
                .arg(&path)
                .args(&verb[1..])
                .arg("--out")
                .arg(&out)
                .args(["--max-in-system", "2000"])
                .timeout(Duration::from_secs(60))
                .assert()
                .code(2);
            let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
            assert!(stderr.contains("bad.toml"), "{verb:?}: {stderr}");
            assert!(
                stderr.contains("more than the limit of 2000 (--max-in-system)"),
                "{verb:?}: {stderr}"
            );
            assert!(
                stderr.contains("office `A`") || stderr.contains("office `B`"),
                "{verb:?}: {stderr}"
            );
            assert!(
                stderr.contains("at minute ") && stderr.contains("(day "),
                "{verb:?}: {stderr}"
            );
            assert_untouched(&out);
        }
    }

    #[test]
    fn check_warns_about_queues_that_grow_without_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), UNSTABLE);
        let assert = nobat().arg("check").arg(&path).assert().success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(stdout.contains("warning: the network is unstable"), "{stdout}");
        assert!(
            stdout.contains("never give up") && stdout.contains("--max-in-system"),
            "{stdout}"
        );
        // With patience the queues are bounded: no such warning.
        let patient = UNSTABLE.replace(
            "mean = 1.0 }",
            "mean = 1.0 }\npatience = { dist = \"exponential\", mean = 10 }",
        );
        let path = write_scenario(dir.path(), &patient);
        let assert = nobat().arg("check").arg(&path).assert().success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(!stdout.contains("never give up"), "{stdout}");
    }

    #[test]
    fn a_failing_write_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        let out = users_folder(dir.path());
        // A folder in the way of the last report: all the others are written first, yet none
        // may be put in place.
        let last = nobat_core::report::Report::FILES[nobat_core::report::Report::FILES.len() - 1];
        fs::create_dir(out.join(last)).unwrap();
        let assert = nobat().arg("run").arg(&path).arg("--out").arg(&out).assert().code(1);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("in the way"), "{stderr}");
        fs::remove_dir(out.join(last)).unwrap();
        assert_untouched(&out);
        // An output "folder" that is a file: nothing is created, the file is kept.
        let file = dir.path().join("a-file");
        fs::write(&file, "data").unwrap();
        nobat().arg("run").arg(&path).arg("--out").arg(&file).assert().code(1);
        assert_eq!(fs::read_to_string(&file).unwrap(), "data");
    }

    #[test]
    fn a_successful_run_replaces_reports_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), GOOD);
        let out = users_folder(dir.path());
        fs::write(out.join("summary.csv"), "old").unwrap();
        nobat().arg("run").arg(&path).arg("--out").arg(&out).assert().success();
        assert!(fs::read_to_string(out.join("summary.csv"))
            .unwrap()
            .starts_with("policy,"));
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("nobat-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

mod reproducibility {
    use super::*;

    /// Runs `scenario` with `extra` arguments and returns every report's bytes.
    fn reports(scenario: &Path, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .arg("run")
            .arg(scenario)
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .assert()
            .success();
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// The scenarios exercising the most features: appointments, geography, board, patience.
    const RICH: [&str; 3] = ["appointments.toml", "city-board.toml", "patience.toml"];

    #[test]
    fn same_seed_gives_byte_identical_reports_across_runs_and_threads() {
        for name in RICH {
            let base = ["--replications", "3", "--seed", "11"];
            let one = reports(&scenario(name), &[&base[..], &["--threads", "1"]].concat());
            let again = reports(&scenario(name), &[&base[..], &["--threads", "1"]].concat());
            let two = reports(&scenario(name), &[&base[..], &["--threads", "2"]].concat());
            assert!(one.len() >= 5, "{name}: {} files", one.len());
            for ((file, a), ((_, b), (_, c))) in one.iter().zip(again.iter().zip(&two)) {
                assert!(a == b, "{name}: {file} differs between two runs");
                assert!(a == c, "{name}: {file} differs between 1 and 2 threads");
            }
        }
    }

    #[test]
    fn a_different_seed_gives_different_results() {
        for name in RICH {
            let a = reports(&scenario(name), &["--replications", "2", "--seed", "11"]);
            let b = reports(&scenario(name), &["--replications", "2", "--seed", "12"]);
            let summary = |r: &[(String, Vec<u8>)]| r.iter().find(|(f, _)| f == "summary.csv").unwrap().1.clone();
            assert_ne!(
                summary(&a),
                summary(&b),
                "{name}: seeds 11 and 12 give the same summary"
            );
        }
    }
}

/// `run --shard`, `sweep --shard` and `merge`.
#[path = "cli/shards.rs"]
mod shards;

/// `--trace FILE` (one row per client), trace replay and `by_hour.csv` through the CLI.
mod observation {
    use super::*;

    /// Sums a column of a CSV file.
    fn column_sum(path: &Path, name: &str) -> u64 {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let i = reader.headers().unwrap().iter().position(|h| h == name).unwrap();
        reader.records().map(|r| r.unwrap()[i].parse::<u64>().unwrap()).sum()
    }

    #[test]
    fn client_trace_has_a_row_per_client_and_ignores_threads() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for threads in ["1", "2"] {
            let out = dir.path().join(format!("out-{threads}"));
            let trace = dir.path().join(format!("trace-{threads}/clients.csv"));
            nobat()
                .args([
                    "run",
                    scenario("patience.toml").to_str().unwrap(),
                    "--replications",
                    "3",
                ])
                .args(["--threads", threads, "--no-report", "--out"])
                .arg(&out)
                .arg("--trace")
                .arg(&trace)
                .assert()
                .success()
                .stdout(predicates::str::contains("wrote the client trace"));
            assert_eq!(
                header_of(&trace),
                "policy,replication,client,service,zone,office,issued,called,done,outcome,travel"
            );
            let mut reader = csv::Reader::from_path(&trace).unwrap();
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len() as u64, column_sum(&out.join("summary.csv"), "arrived"));
            let served = rows.iter().filter(|r| &r[9] == "served").count() as u64;
            assert_eq!(served, column_sum(&out.join("summary.csv"), "served"));
            let abandoned = rows.iter().filter(|r| &r[9] == "abandoned").count() as u64;
            assert_eq!(abandoned, column_sum(&out.join("summary.csv"), "abandoned"));
            // Served rows: called is the start of service, done its end, issued <= called <= done.
            for r in rows.iter().filter(|r| &r[9] == "served") {
                let (i, c, d): (f64, f64, f64) = (r[6].parse().unwrap(), r[7].parse().unwrap(), r[8].parse().unwrap());
                assert!(i <= c && c <= d, "{r:?}");
            }
            let parts: Vec<_> = fs::read_dir(trace.parent().unwrap()).unwrap().collect();
            assert_eq!(parts.len(), 1, "part files left beside the trace");
            files.push(fs::read(&trace).unwrap());
        }
        assert_eq!(files[0], files[1], "the trace differs between 1 and 2 threads");
    }

    #[test]
    fn a_failed_run_leaves_no_trace_and_no_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_scenario(dir.path(), &GOOD.replace("rate = 0.5", "rate = 3"));
        let traces = dir.path().join("traces");
        fs::create_dir(&traces).unwrap();
        nobat()
            .arg("run")
            .arg(&path)
            .args(["--max-in-system", "40", "--trace"])
            .arg(traces.join("clients.csv"))
            .assert()
            .code(2);
        assert_eq!(
            fs::read_dir(&traces).unwrap().count(),
            0,
            "a trace or its parts were left"
        );
    }

    #[test]
    fn a_trace_that_is_a_folder_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        nobat()
            .args([
                "run",
                scenario("mm1.toml").to_str().unwrap(),
                "--replications",
                "2",
                "--trace",
            ])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicates::str::contains("is a folder"));
    }

    #[test]
    fn replayed_log_gives_the_same_clients_to_every_policy() {
        let out = tempfile::tempdir().unwrap();
        nobat()
            .args([
                "run",
                scenario("trace-replay.toml").to_str().unwrap(),
                "--replications",
                "3",
                "--no-report",
            ])
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        let log_rows = fs::read_to_string(scenarios_dir().join("data/trace-replay.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        let mut reader = csv::Reader::from_path(out.path().join("replications.csv")).unwrap();
        let arrived: Vec<u64> = reader.records().map(|r| r.unwrap()[3].parse().unwrap()).collect();
        assert_eq!(arrived.len(), 6);
        // The log's clients plus the Poisson backlog of the first morning, the same per replication
        // under both policies.
        for r in 0..3 {
            assert_eq!(arrived[r], arrived[r + 3]);
            assert!(arrived[r] as usize >= log_rows);
        }
        let hours = fs::read_to_string(out.path().join("by_hour.csv")).unwrap();
        assert!(
            hours.lines().any(|l| l.starts_with("nearest,Central,9,09:00,")),
            "{hours}"
        );
    }

    #[test]
    fn a_bad_log_row_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("log.csv"), "time,service\n10,s\n11,s\nsoon,s\n").unwrap();
        let path = write_scenario(dir.path(), &GOOD.replace("rate = 0.5", "trace = \"log.csv\""));
        nobat()
            .arg("run")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "log.csv, line 4: column `time`: `soon` is neither minutes",
            ));
    }
}

mod fit {
    use super::*;

    fn example_log() -> PathBuf {
        scenarios_dir().join("data/office-log.csv")
    }

    /// The example log fits, the files are written, and the fragment completed with a few
    /// lines is a valid scenario.
    #[test]
    fn fits_the_example_log_into_a_fragment_that_loads() {
        let out = tempfile::tempdir().unwrap();
        let assert = nobat()
            .arg("fit")
            .arg(example_log())
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(stdout.contains("lognormal *") && stdout.contains("gamma *"), "{stdout}");
        assert_eq!(file_names(out.path()), ["arrivals.csv", "fits.csv", "fitted.toml"]);
        assert_eq!(
            header_of(&out.path().join("fits.csv")),
            "service,arrivals,observations,family,chosen,params,log_likelihood,aic,ks_statistic,ks_p_value"
        );
        assert_eq!(
            header_of(&out.path().join("arrivals.csv")),
            "kind,scope,weekday,hour,days,arrivals,per_hour"
        );
        let fragment = fs::read_to_string(out.path().join("fitted.toml")).unwrap();
        let scenario = out.path().join("completed.toml");
        fs::write(
            &scenario,
            format!("{fragment}\n[run]\nhorizon = \"7d\"\n[[office]]\nname = \"A\"\ncounters = 5\n[[policy]]\nkind = \"random\"\n"),
        )
        .unwrap();
        nobat().arg("check").arg(&scenario).assert().success();
    }

    /// A client trace in minutes with other column names, and a zone column: rates per zone
    /// and `[[zone]]` schedules.
    #[test]
    fn renamed_columns_and_zones() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        let mut text = String::from("branch,kind,district,t0,t1,t2\n");
        for i in 0..200 {
            let t = 480.0 + f64::from(i) * 1.7;
            text.push_str(&format!(
                "A,s,{},{t},{},{}\n",
                ["east", "west"][i as usize % 2],
                t + 1.0,
                t + 2.0 + f64::from(i % 7)
            ));
        }
        fs::write(&log, text).unwrap();
        let assert = nobat()
            .arg("fit")
            .arg(&log)
            .args([
                "--office-col",
                "branch",
                "--service-col",
                "kind",
                "--zone-col",
                "district",
            ])
            .args([
                "--issued-col",
                "t0",
                "--called-col",
                "t1",
                "--done-col",
                "t2",
                "--first-day",
                "mon",
            ])
            .assert()
            .success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(stdout.contains("[[zone]]\nname = \"east\""), "{stdout}");
        assert!(stdout.contains("mon = 1"), "{stdout}");
    }

    /// Bad logs and arguments exit 2 naming the file, line and column.
    #[test]
    fn bad_input_exits_2_with_the_place() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        fs::write(
            &log,
            "office,service,issued,called,done\nA,s,10,11,12\nA,s,10:30,11,12\n",
        )
        .unwrap();
        nobat()
            .arg("fit")
            .arg(&log)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("log.csv line 3, column `issued`"));
        nobat()
            .arg("fit")
            .arg(&log)
            .args(["--done-col", "end"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("no column `end`"));
        nobat()
            .arg("fit")
            .arg(example_log())
            .args(["--first-day", "someday"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--first-day must be one of sat"));
        nobat().arg("fit").arg(dir.path().join("missing.csv")).assert().code(2);
    }
}

mod output_analysis {
    use super::*;

    /// `--precision` meets the request (the written interval is within it), says so in
    /// summary.csv, and the files are byte-identical on 1 and 2 threads.
    #[test]
    fn precision_is_met_and_reproducible() {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        for (dir, threads) in dirs.iter().zip(["1", "2"]) {
            nobat()
                .arg("run")
                .arg(scenario("mm1.toml"))
                .args([
                    "--set",
                    "run.horizon=20000",
                    "--precision",
                    "0.03",
                    "--threads",
                    threads,
                    "--no-report",
                ])
                .arg("--out")
                .arg(dir.path())
                .assert()
                .success()
                .stdout(predicates::str::contains("precision 0.03 met"));
        }
        for name in file_names(dirs[0].path()) {
            assert_eq!(
                fs::read(dirs[0].path().join(&name)).unwrap(),
                fs::read(dirs[1].path().join(&name)).unwrap(),
                "{name} differs between 1 and 2 threads"
            );
        }
        let mut reader = csv::Reader::from_path(dirs[0].path().join("summary.csv")).unwrap();
        let header = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let get = |name: &str| {
            row.get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
                .to_string()
        };
        let (mean, ci): (f64, f64) = (
            get("wait_mean").parse().unwrap(),
            get("wait_mean_ci95").parse().unwrap(),
        );
        assert!(ci <= 0.03 * mean, "{ci} > 3% of {mean}");
        assert_eq!(get("precision_met"), "true");
        assert!(get("replications").parse::<u32>().unwrap() > 10);
    }

    /// A cap too low is reported, not an error; bad values exit 2.
    #[test]
    fn precision_cap_and_bad_values() {
        nobat()
            .arg("run")
            .arg(scenario("mm1.toml"))
            .args([
                "--set",
                "run.horizon=3000",
                "--precision",
                "0.001",
                "--max-replications",
                "12",
            ])
            .assert()
            .success()
            .stdout(predicates::str::contains("12 replications per policy"))
            .stdout(predicates::str::contains("NOT met"));
        for args in [
            ["--precision", "0"],
            ["--precision", "nan"],
            ["--max-replications", "3"],
        ] {
            nobat()
                .arg("run")
                .arg(scenario("mm1.toml"))
                .args(["--replications", "5"])
                .args(if args[0] == "--max-replications" {
                    vec!["--precision", "0.1"]
                } else {
                    vec![]
                })
                .args(args)
                .assert()
                .code(2);
        }
    }

    /// `warmup = "auto"` from the command line: each replication's warm-up in
    /// replications.csv, their mean in summary.csv, and the same files on 1 and 2 threads.
    #[test]
    fn auto_warmup_is_reported_per_replication() {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        for (dir, threads) in dirs.iter().zip(["1", "2"]) {
            nobat()
                .arg("run")
                .arg(scenario("mm1.toml"))
                .args([
                    "--set",
                    "run.warmup=auto",
                    "--set",
                    "run.horizon=20000",
                    "--replications",
                    "8",
                ])
                .args(["--threads", threads])
                .arg("--out")
                .arg(dir.path())
                .assert()
                .success()
                .stdout(predicates::str::contains("warm-up by MSER-5"));
        }
        let replications = fs::read_to_string(dirs[0].path().join("replications.csv")).unwrap();
        assert!(replications.lines().next().unwrap().ends_with(",warmup"));
        assert_eq!(
            replications,
            fs::read_to_string(dirs[1].path().join("replications.csv")).unwrap()
        );
        let report = fs::read_to_string(dirs[0].path().join("report.html")).unwrap();
        assert!(report.contains("chosen per replication by MSER-5"));
    }
}
