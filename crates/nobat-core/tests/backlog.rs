//! Backlogs: clients waiting at an office's door when it opens.
//!
//! - `backlog_clears_as_erlang_says`: `n` clients at the door of `c` exponential counters and
//!   nobody else. The first `c` start at once; client `k > c` starts at the `(k - c)`-th
//!   completion, and while all `c` counters are busy completions come at rate `c mu`, so its
//!   wait is a sum of `k - c` exponentials of rate `c mu`. The mean wait over the `n` clients is
//!   `(1/n) sum_{k=c+1..n} (k - c) / (c mu) = (n - c)(n - c + 1) / (2 n c mu)`. One check by the
//!   99.9% t rule, counted in `support::check::CHECKS`.
//! - `deterministic_backlog_waits_exactly`: 3 clients, one counter, 10-minute services: waits
//!   0, 10 and 20 from the opening, whatever the policy.
//! - `after_closed_brings_a_backlog_after_each_closed_day`: two weeks from a Saturday, closed
//!   Fridays, a lunch break: 5 clients on the first morning and on the Saturday after the
//!   Friday (not after the break), only the first with `first`.
//! - `every_policy_meets_the_same_backlog`: a Poisson backlog at two offices: the same counts
//!   under two policies, replication by replication.

mod support;

use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::scenario;
use support::check::{self, Verdicts};
use support::per_replication;

fn run(source: &str) -> nobat_core::experiment::ExperimentResult {
    let model = scenario::load(source).expect("valid scenario");
    run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default()).expect("runs")
}

#[test]
fn backlog_clears_as_erlang_says() {
    let (n, c, mu) = (20.0, 3.0, 1.0);
    let source = format!(
        "[run]\nhorizon = 100\nreplications = 400\nseed = {}\n[arrivals]\nbacklog = 20\n\
         [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1.0 }}\n\
         [[office]]\nname = \"A\"\ncounters = 3\n[[policy]]\nkind = \"random\"\n",
        support::base_seed()
    );
    let result = run(&source);
    let p = &result.policies[0];
    assert!(p
        .replications
        .iter()
        .all(|r| r.arrived == 20 && r.outcomes.served == 20));
    let theory = (n - c) * (n - c + 1.0) / (2.0 * n * c * mu);
    let mut v = Verdicts::new("backlog", check::BACKLOG);
    v.mean(
        "mean wait of 20 at 3 counters",
        &per_replication(p, |r| r.wait_mean),
        theory,
    );
    v.finish();
}

#[test]
fn deterministic_backlog_waits_exactly() {
    let result = run(
        "[run]\nhorizon = 600\nreplications = 2\n[arrivals]\nbacklog = 3\n[[service]]\nname = \"s\"\n\
         duration = { dist = \"deterministic\", value = 10 }\n[[office]]\nname = \"A\"\nhours = \"08:00-12:00\"\n\
         [[office]]\nname = \"B\"\nhours = \"08:00-12:00\"\nbacklog = 0\n\
         [[policy]]\nkind = \"random\"\n[[policy]]\nkind = \"shortest-queue\"\n",
    );
    for p in &result.policies {
        for r in &p.replications {
            assert_eq!(r.arrived, 3);
            assert_eq!(r.wait_mean, Some(10.0));
            assert_eq!(r.last_departure, 480.0 + 30.0);
        }
        assert_eq!(p.offices[1].arrived, 0, "office B has a backlog of 0");
    }
}

#[test]
fn after_closed_brings_a_backlog_after_each_closed_day() {
    let source = |days: &str| {
        format!(
            "[run]\nhorizon = \"14d\"\nreplications = 2\n[calendar]\nfirst_day = \"sat\"\n[arrivals]\nbacklog = 5\n{days}\n\
             [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 3 }}\n\
             [[office]]\nname = \"A\"\nhours = {{ default = \"08:00-12:00, 13:00-14:00\", fri = \"closed\" }}\n\
             [[policy]]\nkind = \"random\"\n"
        )
    };
    let after = run(&source("backlog_days = \"after-closed\""));
    // Day 0 (Saturday) and day 7 (the Saturday after the first Friday); day 14 is the horizon.
    assert!(after.policies[0].replications.iter().all(|r| r.arrived == 10));
    let first = run(&source(""));
    assert!(first.policies[0].replications.iter().all(|r| r.arrived == 5));
}

#[test]
fn every_policy_meets_the_same_backlog() {
    let result = run(
        "[run]\nhorizon = \"3d\"\nreplications = 6\n[arrivals]\nrate = 0.05\nbacklog = { dist = \"poisson\", mean = 12 }\n\
         backlog_days = \"after-closed\"\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 5 }\n\
         [[office]]\nname = \"A\"\ncounters = 2\nhours = { default = \"08:00-14:00\", sun = \"closed\" }\n\
         [[office]]\nname = \"B\"\nhours = \"08:00-14:00\"\nbacklog = { dist = \"uniform\", min = 0, max = 6 }\n\
         [[policy]]\nkind = \"random\"\n[[policy]]\nkind = \"shortest-queue\"\n",
    );
    let (a, b) = (&result.policies[0], &result.policies[1]);
    for (x, y) in a.replications.iter().zip(&b.replications) {
        assert_eq!(x.arrived, y.arrived, "replication {}", x.replication);
    }
    let counts: Vec<u64> = a.replications.iter().map(|r| r.arrived).collect();
    assert!(
        counts.windows(2).any(|w| w[0] != w[1]),
        "random backlogs differ between replications: {counts:?}"
    );
}

/// A backlog arrives all at once at an opening: the limit on clients in the system stops it
/// there as it stops runaway arrivals, instead of letting memory grow.
#[test]
fn a_backlog_above_the_limit_stops_the_run() {
    use nobat_core::engine::{RunControl, SimulationError};
    use nobat_core::experiment::{run_experiment_with, Observers};
    let model = scenario::load(
        "[run]\nhorizon = \"3d\"\n[arrivals]\nbacklog = 500\n[[service]]\nname = \"s\"\n\
         duration = { dist = \"exponential\", mean = 5 }\n[[office]]\nname = \"A\"\nhours = \"08:00-14:00\"\n\
         [[policy]]\nkind = \"random\"\n",
    )
    .expect("valid scenario");
    let control = RunControl {
        max_in_system: 100,
        ..RunControl::default()
    };
    let result = run_experiment_with(
        &model,
        &NamedPolicy::from_model(&model),
        &RunOptions::default(),
        &control,
        &Observers::default(),
    );
    assert!(
        matches!(result, Err(SimulationError::TooManyClients { .. })),
        "{result:?}"
    );
}

/// With a geography, the clients at an office's door count as coming from its nearest zone.
#[test]
fn backlog_clients_come_from_the_nearest_zone() {
    let result = run(
        "[run]\nhorizon = \"1d\"\nreplications = 2\n[arrivals]\nbacklog = 7\n[geography]\nspeed_kmh = 20\n\
         [[zone]]\nname = \"west\"\nlocation = [0, 0]\n[[zone]]\nname = \"east\"\nlocation = [10, 0]\n\
         [[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 5 }\n\
         [[office]]\nname = \"A\"\nlocation = [9, 0]\nhours = \"08:00-14:00\"\n[[policy]]\nkind = \"nearest\"\n",
    );
    let zones = &result.policies[0].zones;
    assert_eq!((zones[0].clients, zones[1].clients), (0, 14), "west, east");
}
