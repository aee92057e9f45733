//! Issue 3's "a city of 300 offices must run as fast per client as one of 10", in clients per
//! second, two ways, each against the bare event loop of the same cities
//! (`nobat_benches::bare_city`), which shows what the larger city costs any simulator:
//!
//! - `same demand`: one city (540 clients a minute, 18 km square, 100 zones, 600 counters,
//!   travel the 5-minute overhead alone) served by 10 offices of 60 counters or 300 of 2. The
//!   clients on the move are the same; only the number of offices differs.
//! - `grown`: offices of 2 counters 1 km apart, so the city of 300 has 30 times the demand,
//!   area and clients on the move (thousands of pending events) of the city of 10.
//!
//! Both use `travel-plus-wait` over the 10 nearest candidates, rho 0.9, 200,000 clients. With
//! candidates limited a decision costs O(candidates); what remains is the larger state falling
//! out of the processor's nearest cache. `docs/PERFORMANCE.md` has the figures;
//! `examples/probe` runs the same cities interleaved, for ratios and counters.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_benches::{bare_city, city, run_once, City, CITY_CLIENTS};
use nobat_core::engine::PolicySetup;
use std::hint::black_box;

fn city_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("city");
    group.sample_size(10);
    for name in ["same demand", "grown"] {
        for offices in [10, 300] {
            let shape = if name == "grown" {
                City::grown(offices)
            } else {
                City::same_demand(offices)
            };
            let model = city(shape);
            let setup = PolicySetup::from_spec(&model, &model.policies[0]);
            group.throughput(Throughput::Elements(run_once(&model, &setup).arrived));
            group.bench_function(BenchmarkId::new(format!("nobat, {name}"), offices), |b| {
                b.iter(|| black_box(run_once(&model, &setup).outcomes.served))
            });
            group.throughput(Throughput::Elements(bare_city::run(shape, CITY_CLIENTS, 1).clients));
            group.bench_function(BenchmarkId::new(format!("bare loop, {name}"), offices), |b| {
                b.iter(|| black_box(bare_city::run(shape, CITY_CLIENTS, 1).clients))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, city_scale);
criterion_main!(benches);
