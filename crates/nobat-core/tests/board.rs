//! The crowding board: stale information, herding and its remedies, compliance, and the
//! equivalences that pin the board policies to the live ones.
//!
//! Comparisons use `comparison.csv`'s paired differences: every policy sees the same clients
//! (common random numbers), so a difference whose 95% interval excludes zero is a real one.

use nobat_core::experiment::{run_experiment, ExperimentResult, NamedPolicy, RunOptions};
use nobat_core::model::Model;
use nobat_core::report::Report;
use nobat_core::scenario;

fn run(source: &str) -> (Model, ExperimentResult) {
    let model = scenario::load(source).expect("valid scenario");
    let result = run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default()).expect("runs");
    (model, result)
}

/// Mean wait and its 95% half-width for policy `name`, from the summary.
fn mean_wait(report: &Report, name: &str) -> (f64, f64) {
    let row = report
        .summary
        .iter()
        .find(|r| r.policy == name)
        .expect("policy in the summary");
    (row.wait_mean.0.unwrap(), row.wait_mean_ci95.0.unwrap())
}

/// Paired difference `name - baseline` of the mean wait with its 95% half-width.
fn diff_to_baseline(report: &Report, name: &str) -> (f64, f64) {
    let row = report
        .comparison
        .iter()
        .find(|r| r.policy == name)
        .expect("policy in the comparison");
    (row.wait_mean_diff.0.unwrap(), row.wait_mean_diff_ci95.0.unwrap())
}

/// 20 single-counter offices at rho 0.9, no geography, the board refreshed every 5 mean
/// service times for the stale policies.
fn herding_scenario() -> String {
    let offices: String = (0..20).map(|i| format!("[[office]]\nname = \"O{i}\"\n")).collect();
    format!(
        r#"
        [run]
        horizon = 6000
        warmup = 500
        replications = 10
        seed = 3
        [arrivals]
        rate = 18
        [[service]]
        name = "s"
        duration = {{ dist = "exponential", mean = 1.0 }}
        {offices}
        [[policy]]
        kind = "random"
        [[policy]]
        name = "shortest-queue-stale"
        kind = "shortest-queue"
        refresh = 5
        [[policy]]
        name = "board-corrected-stale"
        kind = "board-corrected"
        refresh = 5
        [[policy]]
        name = "power-of-2-stale"
        kind = "power-of-d"
        d = 2
        refresh = 5
        [[policy]]
        name = "shortest-queue-live"
        kind = "shortest-queue"
        "#
    )
}

/// Mitzenmacher's herding: with a board 5 service times old, everyone joins the offices that
/// looked emptiest, and full shortest-queue does worse than blind random allocation, while
/// correcting the board with the dispatcher's own assignments, or sampling only 2 offices, stays
/// far better than random on the same stale board.
#[test]
fn a_stale_board_makes_shortest_queue_herd_and_the_remedies_work() {
    let (model, result) = run(&herding_scenario());
    let report = Report::new(&model, &result);
    let (random, _) = mean_wait(&report, "random");
    for (name, _) in report.summary.iter().map(|r| (r.policy.clone(), ())) {
        let (m, h) = mean_wait(&report, &name);
        println!("{name:<24} mean wait {m:.3} ± {h:.3}");
    }
    let (d, h) = diff_to_baseline(&report, "shortest-queue-stale");
    assert!(
        d - h > 0.0,
        "stale shortest-queue should be worse than random: diff {d} ± {h}"
    );
    for remedy in ["board-corrected-stale", "power-of-2-stale"] {
        let (m, h) = mean_wait(&report, remedy);
        // "Far better": less than half of random's mean wait, with the interval included.
        assert!(m + h < 0.5 * random, "{remedy}: {m} ± {h} vs random {random}");
    }
    let (live, _) = mean_wait(&report, "shortest-queue-live");
    let (corrected, _) = mean_wait(&report, "board-corrected-stale");
    assert!(
        live < corrected,
        "a live board beats a corrected stale one: {live} vs {corrected}"
    );
}

/// Same seeds, zero travel, live board: `travel-plus-wait` is `least-expected-wait` draw for
/// draw, so every replication's results are identical; and a board refreshed with every
/// arrival's own instant (refresh tiny) changes nothing either.
#[test]
fn travel_plus_wait_with_zero_travel_and_a_live_board_is_least_expected_wait() {
    let base = r#"
        [run]
        horizon = 3000
        warmup = 100
        replications = 4
        seed = 5
        [arrivals]
        rate = 5.4
        [[service]]
        name = "s"
        duration = { dist = "lognormal", mean = 1.0, cv = 0.9 }
        [[office]]
        name = "A"
        counters = 3
        [[office]]
        name = "B"
        counters = 2
        speed = 1.3
        [[office]]
        name = "C"
        counters = 1
    "#;
    let geo = r#"
        [geography]
        speed_kmh = 30
        [[zone]]
        name = "Z"
        location = [1.0, 1.0]
    "#;
    let located = base
        .replace("name = \"A\"", "name = \"A\"\nlocation = [1.0, 1.0]")
        .replace("name = \"B\"", "name = \"B\"\nlocation = [1.0, 1.0]")
        .replace("name = \"C\"", "name = \"C\"\nlocation = [1.0, 1.0]");
    for source in [base.to_string(), format!("{located}{geo}")] {
        let policies = "[[policy]]\nkind = \"least-expected-wait\"\n[[policy]]\nkind = \"travel-plus-wait\"\n";
        let (_, result) = run(&format!("{source}{policies}"));
        let (a, b) = (&result.policies[0], &result.policies[1]);
        assert!(a.replications.iter().any(|r| r.wait_mean.unwrap() > 0.0));
        for (x, y) in a.replications.iter().zip(&b.replications) {
            assert_eq!(x.wait_mean, y.wait_mean);
            assert_eq!(x.office_wait_mean, y.office_wait_mean);
            assert_eq!(x.travel_mean, Some(0.0));
        }
    }
}

/// Clients who do not comply go to their nearest office: compliance 0 is `nearest` exactly,
/// and the same clients comply under every policy with the same compliance.
#[test]
fn compliance_zero_is_nearest_and_half_compliance_lies_between() {
    let source = r#"
        [run]
        horizon = 4000
        warmup = 200
        replications = 6
        seed = 8
        [arrivals]
        rate = 2.4
        [geography]
        speed_kmh = 20
        overhead = "5min"
        [[zone]]
        name = "West"
        location = [0.0, 0.0]
        weight = 7
        [[zone]]
        name = "East"
        location = [3.0, 0.0]
        weight = 1
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "W"
        location = [0.0, 0.0]
        counters = 2
        [[office]]
        name = "E"
        location = [3.0, 0.0]
        counters = 2
        [[policy]]
        kind = "nearest"
        [[policy]]
        name = "board-nobody-follows"
        kind = "travel-plus-wait"
        compliance = 0.0
        [[policy]]
        name = "board-half-follow"
        kind = "travel-plus-wait"
        compliance = 0.5
        [[policy]]
        name = "board-all-follow"
        kind = "travel-plus-wait"
    "#;
    let (model, result) = run(source);
    let nearest = &result.policies[0];
    let nobody = &result.policies[1];
    for (x, y) in nearest.replications.iter().zip(&nobody.replications) {
        assert_eq!(x.wait_mean, y.wait_mean);
        assert_eq!(x.travel_mean, y.travel_mean);
    }
    let report = Report::new(&model, &result);
    // West is overloaded under `nearest` (2.1/min on 2 counters, 9 minutes' drive from East):
    // following the board helps, more so the more clients follow it.
    let (all, _) = mean_wait(&report, "board-all-follow");
    let (half, _) = mean_wait(&report, "board-half-follow");
    let (near, _) = mean_wait(&report, "nearest");
    assert!(all < half && half < near, "all {all}, half {half}, nearest {near}");
    // Travel: nearest travels 5 minutes (overhead only); the board sends some West clients east.
    let travel = |name: &str| {
        report
            .summary
            .iter()
            .find(|r| r.policy == name)
            .unwrap()
            .travel_mean
            .0
            .unwrap()
    };
    assert!((travel("nearest") - 5.0).abs() < 1e-9);
    assert!(travel("board-all-follow") > travel("board-half-follow"));
    assert!(travel("board-half-follow") > 5.0);
}

/// `weighted-random` loads every office alike (utilisation equal within sampling error) when
/// offices differ in size; `random` does not.
#[test]
fn weighted_random_balances_offices_of_different_sizes() {
    let source = r#"
        [run]
        horizon = 20000
        warmup = 500
        replications = 6
        seed = 2
        [arrivals]
        rate = 3.0
        [[service]]
        name = "s"
        duration = { dist = "exponential", mean = 1.0 }
        [[office]]
        name = "big"
        counters = 4
        [[office]]
        name = "small"
        counters = 1
        [[policy]]
        kind = "weighted-random"
        [[policy]]
        kind = "random"
    "#;
    let (model, result) = run(source);
    let report = Report::new(&model, &result);
    let util = |policy: &str, office: &str| {
        report
            .offices
            .iter()
            .find(|r| r.policy == policy && r.office == office)
            .unwrap()
            .utilization
            .0
            .unwrap()
    };
    assert!((util("weighted-random", "big") - 0.6).abs() < 0.02);
    assert!((util("weighted-random", "small") - 0.6).abs() < 0.03);
    assert!(
        (util("random", "small") - 1.0).abs() < 0.05,
        "random overloads the small office"
    );
}

/// `join-idle` with a live board finds a free counter whenever one exists, so at moderate load
/// it waits far less than its random fallback; `logit-choice` with no sensitivity is random.
#[test]
fn join_idle_beats_its_fallback_and_an_indifferent_logit_is_random() {
    let offices: String = (0..6).map(|i| format!("[[office]]\nname = \"O{i}\"\n")).collect();
    let source = format!(
        r#"
        [run]
        horizon = 10000
        warmup = 500
        replications = 6
        seed = 4
        [arrivals]
        rate = 4.2
        [[service]]
        name = "s"
        duration = {{ dist = "exponential", mean = 1.0 }}
        {offices}
        [[policy]]
        kind = "random"
        [[policy]]
        kind = "join-idle"
        [[policy]]
        name = "indifferent-logit"
        kind = "logit-choice"
        a = 0
        b = 0
        [[policy]]
        name = "wait-averse-logit"
        kind = "logit-choice"
        b = 5
        "#
    );
    let (model, result) = run(&source);
    let report = Report::new(&model, &result);
    let (random, random_h) = mean_wait(&report, "random");
    let (join_idle, _) = mean_wait(&report, "join-idle");
    assert!(join_idle < 0.25 * random, "join-idle {join_idle} vs random {random}");
    // An indifferent logit draws offices uniformly: the same process as random, with other draws.
    let (logit, logit_h) = mean_wait(&report, "indifferent-logit");
    assert!(
        (logit - random).abs() < 2.0 * (random_h.hypot(logit_h)),
        "logit {logit} vs random {random}"
    );
    let (averse, _) = mean_wait(&report, "wait-averse-logit");
    assert!(
        averse < 0.5 * random,
        "a wait-averse logit avoids queues: {averse} vs {random}"
    );
}

/// Records the earliest arrival at each office.
struct FirstArrival(Vec<f64>);

impl nobat_core::engine::Recorder for FirstArrival {
    fn office_arrival(&mut self, t: f64, office: usize, _: &nobat_core::engine::Client) {
        self.0[office] = self.0[office].min(t);
    }
}

/// Closed offices are never chosen, by any policy: an office that opens at noon receives its
/// first client at noon, and one closed for the day receives nobody.
#[test]
fn closed_offices_are_never_chosen() {
    let kinds = [
        "random",
        "round-robin",
        "shortest-queue",
        "least-expected-wait",
        "weighted-random",
        "join-idle",
    ];
    for kind in kinds {
        let source = format!(
            r#"
            [run]
            horizon = "14:00"
            replications = 1
            [arrivals]
            rate = 2.0
            [[service]]
            name = "s"
            duration = {{ dist = "exponential", mean = 1.0 }}
            [[office]]
            name = "always"
            counters = 2
            [[office]]
            name = "afternoon"
            counters = 2
            hours = "12:00-18:00"
            [[office]]
            name = "evening"
            hours = "20:00-22:00"
            [[policy]]
            kind = "{kind}"
            "#
        );
        let model = scenario::load(&source).unwrap();
        let setup = nobat_core::engine::PolicySetup::from_spec(&model, &model.policies[0]);
        let mut policy = model.policies[0].kind.build(&model);
        let mut first = FirstArrival(vec![f64::INFINITY; 3]);
        nobat_core::engine::run_replication(&model, 0, 1, &setup, &mut policy, &mut first).unwrap();
        assert!(first.0[0] < 60.0, "{kind}: {:?}", first.0);
        assert!(first.0[1] >= 720.0 && first.0[1] < 730.0, "{kind}: {:?}", first.0);
        assert_eq!(
            first.0[2],
            f64::INFINITY,
            "{kind}: nobody goes to an office closed all day"
        );
    }
}
