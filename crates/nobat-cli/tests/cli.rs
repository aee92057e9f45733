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
            ("summary.csv", "policy,replications,arrived,served,abandoned,blocked,wait_mean,wait_mean_ci95,wait_p50,wait_p90,wait_p95,wait_p99,wait_max,sojourn_mean,travel_mean,utilization,sla_share,wait_p90_worst_office,wait_mean_gini,travel_p90,balked,turned_away,lead_time_mean,lead_time_p90,booked,no_shows,wait_mean_booked,wait_mean_walkin,idle_share"),
            ("by_service.csv", "policy,service,served,wait_mean,wait_mean_ci95,wait_p90,abandoned,balked,blocked,turned_away,no_shows,arrived"),
            ("offices.csv", "policy,office,arrived,served,wait_mean,wait_p90,utilization,max_queue,abandoned,balked,blocked,turned_away,booked,no_shows,wait_mean_booked,wait_mean_walkin,idle_share"),
            ("replications.csv", "policy,replication,seed,arrived,served,abandoned,blocked,wait_mean,wait_p90,utilization,last_departure,balked,turned_away,no_shows"),
            ("comparison.csv", "policy,baseline,wait_mean_diff,wait_mean_diff_ci95"),
            ("by_zone.csv", "policy,zone,clients,wait_mean,wait_p90,travel_mean"),
            ("timeseries.csv", "policy,office,time,clock,waiting,busy"),
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
        // The comparison in words, against the baseline: with 3 replications the corrected board
        // is significantly better, the stale one indistinguishable.
        assert!(html.contains("<b>board-corrected-30</b>: mean wait 22.6 min shorter than nearest, 95% CI 11.1–34.2."));
        assert!(html.contains("<b>board-30min</b>: no significant difference from nearest"));
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
                nobat()
                    .arg("run")
                    .arg(&path)
                    .arg("--out")
                    .arg(out.path())
                    .args(["--replications", "2"])
                    .assert()
                    .success();
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
