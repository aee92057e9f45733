//! Whole runs of an M/M/10 office at rho 0.9, one replication on one thread, reported as
//! simulated clients per second (criterion's element throughput).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nobat_benches::{run_first_policy, run_once};
use nobat_core::engine::PolicySetup;
use nobat_core::scenario;
use nobat_core::stats::{ReplicationStats, TimeSeriesRecorder};
use std::hint::black_box;

/// M/M/10, lambda = 9/min, E[S] = 1 min: about 9 * horizon clients per run.
fn mmc_source(horizon: u32) -> String {
    format!(
        r#"
        [run]
        horizon = {horizon}
        replications = 1
        [arrivals]
        rate = 9.0
        [[service]]
        name = "s"
        duration = {{ dist = "exponential", mean = 1.0 }}
        [[office]]
        name = "A"
        counters = 10
        [[policy]]
        kind = "random"
        "#
    )
}

fn mmc(c: &mut Criterion) {
    let model = scenario::load(&mmc_source(100_000)).expect("valid scenario");
    // Count the clients of the benchmarked run once, so the throughput is exact.
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let clients = run_once(&model, &setup).arrived;

    let mut group = c.benchmark_group("mmc");
    group.sample_size(20);
    group.throughput(Throughput::Elements(clients));
    group.bench_function("M/M/10 rho 0.9, all statistics", |b| {
        b.iter(|| black_box(run_once(&model, &setup).outcomes.served))
    });
    // What `nobat run --out` pays for timeseries.csv: a second recorder beside the statistics.
    group.bench_function("M/M/10 rho 0.9, all statistics and the time series", |b| {
        b.iter(|| {
            let mut both = (ReplicationStats::new(&model), TimeSeriesRecorder::new(&model));
            run_first_policy(&model, &setup, 1, &mut both);
            black_box(both.0.outcomes.served)
        })
    });
    group.finish();
}

criterion_group!(benches, mmc);
criterion_main!(benches);
