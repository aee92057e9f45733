//! A city of 10 and one of 300 offices under `travel-plus-wait` limited to the 10 nearest
//! candidates, demand from 100 zones, at rho 0.9: with candidates limited, a decision costs
//! O(candidates), so clients per second should not fall with the number of offices.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_core::engine::{run_replication, PolicySetup};
use nobat_core::model::Model;
use nobat_core::scenario;
use nobat_core::stats::ReplicationStats;
use std::hint::black_box;

/// `offices` offices of 2 counters on a square grid of 1 km spacing, 100 zones covering it,
/// demand at rho 0.9, about 200,000 clients.
fn city(offices: usize) -> Model {
    let side = (offices as f64).sqrt().ceil() as usize;
    let rate = 0.9 * 2.0 * offices as f64;
    let mut src = format!(
        r#"
        [run]
        horizon = {horizon}
        replications = 1
        [arrivals]
        rate = {rate}
        [geography]
        speed_kmh = 20
        overhead = 5
        [[service]]
        name = "s"
        duration = {{ dist = "exponential", mean = 1.0 }}
        [[policy]]
        kind = "travel-plus-wait"
        candidates = 10
        travel_weight = 0.2
        "#,
        horizon = 200_000.0 / rate,
    );
    for i in 0..offices {
        src.push_str(&format!(
            "[[office]]\nname = \"O{i}\"\ncounters = 2\nlocation = [{}, {}]\n",
            (i % side) as f64,
            (i / side) as f64
        ));
    }
    let cell = side as f64 / 10.0;
    for z in 0..100 {
        let (x, y) = ((z % 10) as f64 * cell, (z / 10) as f64 * cell);
        src.push_str(&format!(
            "[[zone]]\nname = \"Z{z}\"\narea = [{x}, {y}, {}, {}]\nweight = 1\n",
            x + cell,
            y + cell
        ));
    }
    scenario::load(&src).expect("valid scenario")
}

fn city_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("city");
    group.sample_size(10);
    for offices in [10, 300] {
        let model = city(offices);
        let setup = PolicySetup::from_spec(&model, &model.policies[0]);
        let run = || {
            let mut stats = ReplicationStats::new(&model);
            let mut policy = model.policies[0].kind.build(&model);
            run_replication(&model, 0, 1, &setup, &mut policy, &mut stats).expect("runs");
            stats
        };
        group.throughput(Throughput::Elements(run().arrived));
        group.bench_function(BenchmarkId::new("travel-plus-wait, 10 candidates", offices), |b| {
            b.iter(|| black_box(run().outcomes.served))
        });
    }
    group.finish();
}

criterion_group!(benches, city_scale);
criterion_main!(benches);
