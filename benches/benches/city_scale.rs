//! A city of 10 and one of 300 offices under `travel-plus-wait` limited to the 10 nearest
//! candidates, demand from 100 zones: like with like (same policy, 10 candidates, rho 0.9 per
//! counter, same 200,469 clients), only the number of offices differs. With candidates limited
//! a decision costs O(candidates), so clients per second should not fall with the number of
//! offices; what remains is the larger city's working set (more offices' statistics, more
//! clients in transit), about 0.84 in clients per second on the 2-core development machine,
//! with 3,960 instructions and 36.6 L1d misses per client against 3,750 and 17.4 (cachegrind).
//! `examples/probe` runs the same cities interleaved, for ratios and counters.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_benches::{city, run_once};
use nobat_core::engine::PolicySetup;
use std::hint::black_box;

fn city_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("city");
    group.sample_size(10);
    for offices in [10, 300] {
        let model = city(offices);
        let setup = PolicySetup::from_spec(&model, &model.policies[0]);
        group.throughput(Throughput::Elements(run_once(&model, &setup).arrived));
        group.bench_function(BenchmarkId::new("travel-plus-wait, 10 candidates", offices), |b| {
            b.iter(|| black_box(run_once(&model, &setup).outcomes.served))
        });
    }
    group.finish();
}

criterion_group!(benches, city_scale);
criterion_main!(benches);
