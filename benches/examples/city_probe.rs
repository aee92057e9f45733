//! Runs the `city_scale` benchmark's cities outside criterion, for side-by-side ratios and for
//! hardware counters per client:
//!
//! ```text
//! cargo run --release -p nobat-benches --example city_probe -- 10 300 -n 20
//! perf stat -e instructions,cycles,L1-dcache-load-misses,LLC-load-misses \
//!     target/release/examples/city_probe 300 -n 20
//! ```
//!
//! With several city sizes, runs alternate between them (so load on a shared machine hits
//! both alike) and the median clients per second of each is printed with its ratio to the
//! first. The models are built before the timed runs; `perf stat` of a single size also counts
//! that setup, which is well under 1% of 20 runs.

use nobat_benches::city;
use nobat_core::engine::{run_replication, PolicySetup};
use nobat_core::stats::ReplicationStats;
use std::time::Instant;

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 10;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "-n" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("-n RUNS");
        } else {
            sizes.push(a.parse::<usize>().expect("a number of offices"));
        }
    }
    if sizes.is_empty() {
        sizes = vec![10, 300];
    }
    let cities: Vec<_> = sizes
        .iter()
        .map(|&n| {
            let model = city(n);
            let setup = PolicySetup::from_spec(&model, &model.policies[0]);
            (model, setup)
        })
        .collect();
    let mut rates = vec![Vec::new(); sizes.len()];
    let mut clients = vec![0; sizes.len()];
    for _ in 0..runs {
        for (k, (model, setup)) in cities.iter().enumerate() {
            let start = Instant::now();
            let mut stats = ReplicationStats::new(model);
            let mut policy = model.policies[0].kind.build(model);
            run_replication(model, 0, 1, setup, &mut policy, &mut stats).expect("runs");
            let secs = start.elapsed().as_secs_f64();
            clients[k] = stats.arrived;
            rates[k].push(stats.arrived as f64 / secs);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let first = median(&mut rates[0].clone());
    for (k, &n) in sizes.iter().enumerate() {
        let m = median(&mut rates[k]);
        println!(
            "{n:>5} offices: {clients:>7} clients/run, median {:.3} M clients/s (best {:.3}), ratio {:.3}",
            m / 1e6,
            rates[k].last().unwrap() / 1e6,
            m / first,
            clients = clients[k],
        );
    }
}
