//! The national scenario (2,500 offices, 420 zones, `travel-plus-wait` over the 10 nearest)
//! cut to its first day for the bench: about 400,000 clients, one replication on one thread.
//! The full year (about 100 M clients) is measured by `nobat run scenarios/national.toml`, see
//! docs/PERFORMANCE.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nobat_benches::national;
use nobat_core::engine::{run_replication, PolicySetup};
use nobat_core::stats::ReplicationStats;
use std::hint::black_box;

fn national_day(c: &mut Criterion) {
    let model = national(1);
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let run = || {
        let mut stats = ReplicationStats::new(&model);
        let mut policy = model.policies[0].kind.build(&model);
        run_replication(&model, 0, 1, &setup, &mut policy, &mut stats).expect("runs");
        stats
    };
    let mut group = c.benchmark_group("national");
    group.sample_size(10);
    group.throughput(Throughput::Elements(run().arrived));
    group.bench_function("one day, travel-plus-wait over 10 candidates", |b| {
        b.iter(|| black_box(run().outcomes.served))
    });
    group.finish();
}

criterion_group!(benches, national_day);
criterion_main!(benches);
