//! The national scenario (2,500 offices, 420 zones, `travel-plus-wait` over the 10 nearest)
//! cut to its first day for the bench: about 400,000 clients, one replication on one thread.
//! The full year (about 100 M clients) is measured by `nobat run scenarios/national.toml`, see
//! docs/PERFORMANCE.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nobat_benches::{national, run_once};
use nobat_core::engine::PolicySetup;
use std::hint::black_box;

fn national_day(c: &mut Criterion) {
    let model = national(1);
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let mut group = c.benchmark_group("national");
    group.sample_size(10);
    group.throughput(Throughput::Elements(run_once(&model, &setup).arrived));
    group.bench_function("one day, travel-plus-wait over 10 candidates", |b| {
        b.iter(|| black_box(run_once(&model, &setup).outcomes.served))
    });
    group.finish();
}

criterion_group!(benches, national_day);
criterion_main!(benches);
