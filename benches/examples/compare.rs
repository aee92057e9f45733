//! nobat against the bare event loop, side by side in one run, on the two models of the
//! performance targets (issue 7): M/M/10 at rho 0.9, and 20 offices of 5 counters with
//! join-shortest-queue at rho 0.9. Also replications on 1 and 2 threads.
//!
//! ```text
//! cargo run --release -p nobat-benches --example compare -- [-n RUNS] [--clients N] [--csv]
//! ```
//!
//! Runs alternate between nobat and the bare loop (so load on a shared machine hits both
//! alike); the median clients per second of each is printed with nobat's ratio to the loop.
//! With `--csv` the table is printed as CSV (`model,simulator,clients_per_s`), which
//! `benches/python/compare.sh` joins with the SimPy and Ciw figures.

use nobat_benches::{bare_loop, run_first_policy, target_model};
use nobat_core::engine::PolicySetup;
use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::stats::ReplicationStats;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut runs = 7;
    let mut clients = 2_000_000.0;
    let mut csv = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-n" => runs = args.next().and_then(|n| n.parse().ok()).expect("-n RUNS"),
            "--clients" => clients = args.next().and_then(|n| n.parse().ok()).expect("--clients N"),
            "--csv" => csv = true,
            other => panic!("unknown argument {other}; use -n RUNS, --clients N, --csv"),
        }
    }
    let mut rows: Vec<(String, String, f64)> = Vec::new();
    for (name, offices, counters) in [("M/M/10", 1usize, 10u32), ("20x5 JSQ", 20, 5)] {
        let rate = 0.9 * f64::from(counters) * offices as f64;
        let horizon = clients / rate;
        let model = target_model(offices, horizon);
        let setup = PolicySetup::from_spec(&model, &model.policies[0]);
        let (mut ours, mut bare) = (Vec::new(), Vec::new());
        for run in 0..runs {
            let start = Instant::now();
            let mut stats = ReplicationStats::new(&model);
            run_first_policy(&model, &setup, run, &mut stats);
            ours.push(stats.arrived as f64 / start.elapsed().as_secs_f64());
            let start = Instant::now();
            let r = bare_loop::run(offices, counters, rate, horizon, run);
            bare.push(r.clients as f64 / start.elapsed().as_secs_f64());
        }
        rows.push((name.into(), "nobat".into(), median(ours)));
        rows.push((name.into(), "bare loop".into(), median(bare)));
    }
    // Replications in parallel: the same work on 1 and 2 threads.
    let model = target_model(1, clients / 4.0 / 9.0);
    let policies = NamedPolicy::from_model(&model);
    let mut per_threads = Vec::new();
    for threads in [1, 2] {
        let options = RunOptions {
            replications: Some(8),
            threads: Some(threads),
            ..RunOptions::default()
        };
        let mut rates = Vec::new();
        for _ in 0..runs.div_ceil(2) {
            let start = Instant::now();
            let result = run_experiment(&model, &policies, &options).expect("runs");
            let n: u64 = result.policies[0].replications.iter().map(|r| r.arrived).sum();
            rates.push(n as f64 / start.elapsed().as_secs_f64());
        }
        per_threads.push(median(rates));
        rows.push((
            "M/M/10 x 8 replications".into(),
            format!("nobat {threads} thread(s)"),
            *per_threads.last().expect("pushed"),
        ));
    }
    if csv {
        println!("model,simulator,clients_per_s");
        for (model, sim, rate) in &rows {
            println!("{model},{sim},{rate:.0}");
        }
        return;
    }
    println!("{:<26} {:<20} {:>14} {:>8}", "model", "simulator", "clients/s", "ratio");
    for pair in rows[..4].chunks(2) {
        let ratio = pair[0].2 / pair[1].2;
        println!("{:<26} {:<20} {:>14.0} {:>8.3}", pair[0].0, pair[0].1, pair[0].2, ratio);
        println!("{:<26} {:<20} {:>14.0} {:>8}", pair[1].0, pair[1].1, pair[1].2, "");
    }
    println!(
        "{:<26} {:<20} {:>14.0}\n{:<26} {:<20} {:>14.0} {:>8.3}",
        rows[4].0,
        rows[4].1,
        rows[4].2,
        rows[5].0,
        rows[5].1,
        rows[5].2,
        per_threads[1] / per_threads[0]
    );
}
