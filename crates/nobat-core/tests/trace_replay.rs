//! Trace replay: recorded clients instead of sampled arrivals (`[arrivals] trace`).
//!
//! - `recorded_durations_give_hand_computed_waits`: four clients at one counter with their
//!   service times recorded: the waits are known exactly (0, 4, 8, 0), in every replication.
//! - `every_policy_sees_every_recorded_client`: a log of zone and office rows in a city: every
//!   policy, every replication, has exactly the log's clients, and those recorded at an office
//!   arrive there whatever the policy.
//! - `drawn_service_times_differ_between_replications`: without a `duration` column, service
//!   times are drawn, so replications differ; the arrivals do not.
//! - `date_times_set_day_zero_and_its_weekday`: day 0 is the log's first date and its weekday
//!   becomes `[calendar] first_day`; the warm-up applies to recorded clients too.

use nobat_core::experiment::{run_experiment, ExperimentResult, NamedPolicy, RunOptions};
use nobat_core::model::Model;
use nobat_core::scenario;

/// Loads `source`, whose `trace` file has the text `csv`.
fn load(source: &str, csv: &str) -> Model {
    let csv = csv.to_string();
    scenario::load_with(source, &move |_: &str| Ok(csv.clone())).expect("valid scenario")
}

fn run(model: &Model) -> ExperimentResult {
    run_experiment(model, &NamedPolicy::from_model(model), &RunOptions::default()).expect("runs")
}

const ONE_COUNTER: &str = "[run]\nhorizon = 100\nreplications = 3\n[arrivals]\ntrace = \"log.csv\"\n\
    [[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1 }\n\
    [[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n[[policy]]\nkind = \"shortest-queue\"\n";

#[test]
fn recorded_durations_give_hand_computed_waits() {
    // Out of order on purpose: the trace is sorted by time.
    let model = load(ONE_COUNTER, "time,service,duration\n1,s,5\n0,s,5\n2,s,1\n20,s,3\n");
    for p in &run(&model).policies {
        for r in &p.replications {
            assert_eq!(r.arrived, 4);
            // Starts at 0, 5, 10, 20: waits 0, 4, 8, 0.
            assert_eq!(r.wait_mean, Some(3.0));
            assert_eq!(r.last_departure, 23.0);
        }
    }
}

#[test]
fn drawn_service_times_differ_between_replications() {
    let csv: String = std::iter::once("time,service\n".to_string())
        .chain((0..60).map(|i| format!("{},s\n", i as f64 * 0.9)))
        .collect();
    let result = run(&load(ONE_COUNTER, &csv));
    let p = &result.policies[0];
    assert!(p.replications.iter().all(|r| r.arrived == 60));
    let waits: Vec<f64> = p.replications.iter().map(|r| r.wait_mean.unwrap()).collect();
    assert!(waits.windows(2).any(|w| w[0] != w[1]), "{waits:?}");
    // Common random numbers: both policies see the same replications (one office: the same waits).
    let q = &result.policies[1];
    assert_eq!(
        waits,
        q.replications.iter().map(|r| r.wait_mean.unwrap()).collect::<Vec<_>>()
    );
}

#[test]
fn every_policy_sees_every_recorded_client() {
    let source = "[run]\nhorizon = 600\nreplications = 4\n[arrivals]\ntrace = \"log.csv\"\n\
        [geography]\nspeed_kmh = 20\n[[zone]]\nname = \"west\"\narea = [0, 0, 2, 2]\n[[zone]]\nname = \"east\"\nlocation = [9, 1]\n\
        [[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 4 }\n\
        [[office]]\nname = \"W\"\nlocation = [1, 1]\n[[office]]\nname = \"E\"\nlocation = [9, 1]\ncounters = 2\n\
        [[policy]]\nkind = \"nearest\"\n[[policy]]\nkind = \"shortest-queue\"\n[[policy]]\nkind = \"random\"\n";
    let mut csv = String::from("time,service,zone,office\n");
    for i in 0..200 {
        let t = f64::from(i) * 2.5;
        match i % 4 {
            0 => csv.push_str(&format!("{t},s,,E\n")),
            1 | 2 => csv.push_str(&format!("{t},s,west,\n")),
            _ => csv.push_str(&format!("{t},s,east,\n")),
        }
    }
    let result = run(&load(source, &csv));
    for p in &result.policies {
        assert!(p.replications.iter().all(|r| r.arrived == 200), "{}", p.name);
        // The rows recorded at E without a zone count in E's district, the east.
        assert_eq!(
            (p.zones[0].clients, p.zones[1].clients),
            (4 * 100, 4 * 100),
            "{}",
            p.name
        );
    }
    let nearest = &result.policies[0];
    // West clients go to W, east ones and those recorded at E to E.
    assert_eq!(nearest.offices[0].arrived, 4 * 100);
    assert_eq!(nearest.offices[1].arrived, 4 * 100);
}

#[test]
fn date_times_set_day_zero_and_its_weekday() {
    let source = "[run]\nhorizon = \"2d\"\nwarmup = \"1d\"\nreplications = 2\n[arrivals]\ntrace = \"log.csv\"\n\
        [[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1 }\n\
        [[office]]\nname = \"A\"\nhours = { default = \"08:00-14:00\", tue = \"closed\" }\n[[policy]]\nkind = \"random\"\n";
    // 2026-03-09 is a Monday; the Tuesday clients find the office closed all day.
    let csv = "time,service\n2026-03-10 09:00:30,s\n2026-03-09 08:00,s\n2026-03-09T08:30:00,s\n";
    let model = load(source, csv);
    assert_eq!(nobat_core::model::WEEKDAYS[model.calendar.first_day], "mon");
    let trace = model.trace.as_deref().unwrap();
    assert_eq!(trace.first_date.as_deref(), Some("2026-03-09"));
    let times: Vec<f64> = trace.clients.iter().map(|c| c.time).collect();
    assert_eq!(times, vec![480.0, 510.0, 1440.0 + 540.5]);
    let result = run(&model);
    for r in &result.policies[0].replications {
        // Only the Tuesday client is after the warm-up, and it is turned away.
        assert_eq!(r.arrived, 1);
        assert_eq!(r.outcomes.turned_away, 1);
    }
}
