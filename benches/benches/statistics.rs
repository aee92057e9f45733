//! What the statistics cost per served client: `ReplicationStats::departure` for one office
//! (the M/M/c case: one service, one zone, no geography) and for a city of 20 offices, 3
//! services and 4 zones with travel; and the histogram and accumulator on their own.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_core::engine::{Client, Recorder};
use nobat_core::random::{stream, StreamKind};
use nobat_core::scenario;
use nobat_core::stats::{Accumulator, ReplicationStats, WaitHistogram};
use rand::Rng;
use std::hint::black_box;

const CLIENTS: usize = 4096;

fn model(city: bool) -> nobat_core::model::Model {
    let mut src = String::from("[run]\nhorizon = 600\n[arrivals]\nrate = 1\n");
    if city {
        src.push_str("[geography]\nspeed_kmh = 20\n");
        for z in 0..4 {
            src.push_str(&format!("[[zone]]\nname = \"Z{z}\"\nlocation = [{z}, 1]\nweight = 1\n"));
        }
    }
    let services = if city { 3 } else { 1 };
    for s in 0..services {
        src.push_str(&format!(
            "[[service]]\nname = \"S{s}\"\nshare = {}\nduration = {{ dist = \"exponential\", mean = 5 }}\n",
            1.0 / f64::from(services)
        ));
    }
    for o in 0..if city { 20 } else { 1 } {
        src.push_str(&format!("[[office]]\nname = \"O{o}\"\ncounters = 3\n"));
        if city {
            src.push_str(&format!("location = [{}, {}]\n", o % 5, o / 5));
        }
    }
    src.push_str("[[policy]]\nkind = \"random\"\n");
    scenario::load(&src).expect("valid scenario")
}

/// Served clients with waits and travel drawn like a busy office's.
fn clients(city: bool) -> Vec<Client> {
    let mut rng = stream(3, 0, StreamKind::Service);
    (0..CLIENTS)
        .map(|id| {
            let travel = if city { rng.random_range(5.0..40.0) } else { 0.0 };
            let arrived = 100.0 + id as f64 * 0.1 + travel;
            let wait = if rng.random::<f64>() < 0.3 {
                0.0
            } else {
                rng.sample::<f64, _>(rand_distr::Exp1) * 20.0
            };
            Client {
                id: id as u64,
                service: if city { rng.random_range(0..3) } else { 0 },
                zone: if city { rng.random_range(0..4) } else { 0 },
                office: if city { rng.random_range(0..20) } else { 0 },
                origin: 0,
                created: arrived - travel,
                arrived,
                work: 5.0,
                patience: f64::INFINITY,
                start: arrived + wait,
                duration: 5.0,
                redirected: false,
                slot: f64::NAN,
                left: arrived - travel,
                reserved: false,
                from: [0.0, 0.0],
            }
        })
        .collect()
}

fn statistics(c: &mut Criterion) {
    let mut group = c.benchmark_group("statistics per served client");
    group.throughput(Throughput::Elements(CLIENTS as u64));
    for (name, city) in [("one office", false), ("20 offices, 3 services, 4 zones", true)] {
        let model = model(city);
        let clients = clients(city);
        // One set of statistics for every batch: creating it (its histograms) is not the
        // per-client cost.
        let mut stats = ReplicationStats::new(&model);
        group.bench_function(BenchmarkId::new("ReplicationStats::departure", name), |b| {
            b.iter(|| {
                for c in &clients {
                    stats.departure(c.start + c.duration, c.office as usize, c);
                }
                black_box(stats.offices[0].outcomes.served)
            })
        });
    }
    let waits: Vec<f64> = clients(false).iter().map(|c| c.wait()).collect();
    group.bench_function("WaitHistogram::record", |b| {
        let mut h = WaitHistogram::new();
        b.iter(|| {
            waits.iter().for_each(|&w| h.record(w));
            black_box(h.count())
        })
    });
    group.bench_function("Accumulator::record", |b| {
        let mut a = Accumulator::new();
        b.iter(|| {
            waits.iter().for_each(|&w| a.record(w));
            black_box(a.count())
        })
    });
    group.finish();
}

criterion_group!(benches, statistics);
criterion_main!(benches);
