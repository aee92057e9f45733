//! `by_hour.csv` on an M/M/5 office open around the clock (lambda 4, mu 1, rho 0.8): every
//! hour of the day is the same steady queue.
//!
//! - The hours add up: their arrivals and served are the summary's.
//! - Hour 12's mean wait (the mean over replications of each replication's mean wait of the
//!   clients who arrived between 12:00 and 13:00) agrees with Erlang C,
//!   `C(5, 4) / (5 mu - lambda)` = 0.5541, by the 99.9% t rule (one check, counted in
//!   `support::check::CHECKS`) — the hourly interval is that of `wait_mean_ci95`.
//! - The staffing hint of every hour is the fewest counters whose Erlang C tail at the target
//!   (2 minutes) is at most 10%, at that hour's measured rate and mean service, computed here
//!   with the test support's own Erlang C; at the true rates it is 5: C(5, 4) e^{-(5 - 4) 2}
//!   = 0.075 <= 0.1, and 4 counters are unstable.

mod support;

use nobat_core::experiment::{run_experiment_with, NamedPolicy, Observers, RunOptions};
use nobat_core::report::Report;
use nobat_core::scenario;
use nobat_core::stats::student_t_975;
use statrs::distribution::{ContinuousCDF, StudentsT};
use support::check::{self, Interval, Verdicts};
use support::theory;

#[test]
fn hours_add_up_and_match_erlang_c() {
    let (c, lambda, mu, target) = (5u32, 4.0, 1.0, 2.0);
    let source = format!(
        "[run]\nhorizon = \"20d\"\nwarmup = 1000\nreplications = 16\nseed = {}\ntarget = {target:?}\n\
         [arrivals]\nrate = {lambda:?}\n[[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1.0 }}\n\
         [[office]]\nname = \"A\"\ncounters = {c}\n[[policy]]\nkind = \"random\"\n",
        support::base_seed()
    );
    let model = scenario::load(&source).expect("valid scenario");
    let observers = Observers {
        by_hour: true,
        ..Observers::default()
    };
    let result = run_experiment_with(
        &model,
        &NamedPolicy::from_model(&model),
        &RunOptions::default(),
        &Default::default(),
        &observers,
    )
    .expect("runs");
    let report = Report::new(&model, &result);
    let rows = &report.by_hour;
    assert_eq!(rows.len(), 24, "one row per hour of an office open around the clock");
    let summary = &report.summary[0];
    assert_eq!(rows.iter().map(|r| r.arrivals).sum::<u64>(), summary.arrived);
    assert_eq!(rows.iter().map(|r| r.served).sum::<u64>(), summary.served);

    let noon = &rows[12];
    assert_eq!((noon.hour, noon.clock.as_str()), (12, "12:00"));
    let (mean, hw95) = (
        noon.wait_mean.0.expect("a mean"),
        noon.wait_mean_ci95.0.expect("an interval"),
    );
    let df = 15.0;
    let t = StudentsT::new(0.0, 1.0, df)
        .unwrap()
        .inverse_cdf(1.0 - check::ALPHA / 2.0);
    let ci = Interval {
        mean,
        hw95,
        hw: hw95 * t / student_t_975(15),
    };
    let mut v = Verdicts::new("by_hour", check::BY_HOUR);
    v.estimate("mean wait 12:00-13:00", mean, ci, theory::mmc_wait(c, lambda, mu), 0.0);
    v.finish();

    let hours = result.policies[0].by_hour.as_ref().expect("recorded");
    for row in rows {
        let cell = hours.cell(0, row.hour as usize);
        let rate = cell.rate().expect("open");
        let service = cell.mean_service().expect("served");
        assert!((row.per_hour.0.unwrap() - rate * 60.0).abs() < 1e-6);
        assert!((rate - lambda).abs() < 0.05 * lambda, "hour {}: rate {rate}", row.hour);
        assert_eq!(row.counters_open.0, Some(f64::from(c)));
        let by_hand = (1..100)
            .find(|&k| f64::from(k) > rate * service && theory::mmc_tail(k, rate, 1.0 / service, target) <= 0.1)
            .unwrap();
        assert_eq!(row.counters_needed, Some(by_hand), "hour {}", row.hour);
        assert_eq!(by_hand, 5);
    }
}
