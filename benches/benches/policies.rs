//! One decision of each built-in policy: 20 offices of 1 to 4 counters on a grid, a client
//! choosing among its 10 nearest (the national scenario's limit) with their travel times, and
//! offices' loads drawn at random from rho about 0.9. The loads cycle through 256 states so
//! that branch prediction does not learn one answer.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nobat_core::policy::{BoardShows, ClientView, SystemView};
use nobat_core::random::{stream, StreamKind};
use nobat_core::scenario;
use rand::Rng;
use std::hint::black_box;

const OFFICES: usize = 20;
const STATES: usize = 256;

/// Every policy kind that makes a decision (`pooled` has none: one shared queue).
const KINDS: &[&str] = &[
    "kind = \"random\"",
    "kind = \"round-robin\"",
    "kind = \"shortest-queue\"",
    "kind = \"least-expected-wait\"",
    "kind = \"power-of-d\"\nd = 2",
    "kind = \"nearest\"",
    "kind = \"travel-plus-wait\"",
    "kind = \"board-corrected\"\nrefresh = \"30min\"",
    "kind = \"logit-choice\"\na = 0.1\nb = 0.05",
    "kind = \"join-idle\"",
    "kind = \"weighted-random\"",
];

fn policies(c: &mut Criterion) {
    let mut src = String::from(
        "[run]\nhorizon = 60\n[arrivals]\nrate = 10\n[geography]\nspeed_kmh = 20\n\
         [[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 5 }\n\
         [[zone]]\nname = \"z\"\nlocation = [2, 2]\n",
    );
    for k in KINDS {
        src.push_str(&format!("[[policy]]\n{k}\ncandidates = 10\n"));
    }
    for i in 0..OFFICES {
        src.push_str(&format!(
            "[[office]]\nname = \"O{i}\"\ncounters = {}\nlocation = [{}, {}]\n",
            1 + i % 4,
            i % 5,
            i / 5
        ));
    }
    let model = scenario::load(&src).expect("valid scenario");
    let counters: Vec<u32> = model.offices.iter().map(|o| o.counters).collect();
    let mut rng = stream(7, 0, StreamKind::Choice);
    // Loads around rho 0.9: present ~ counters + a geometric-ish queue, busy = min(present, c).
    let states: Vec<(Vec<u32>, Vec<u32>)> = (0..STATES)
        .map(|_| {
            let present: Vec<u32> = counters.iter().map(|&c| rng.random_range(0..=2 * c + 6)).collect();
            let busy = present.iter().zip(&counters).map(|(&p, &c)| p.min(c)).collect();
            (present, busy)
        })
        .collect();
    let zeros = vec![0u32; OFFICES];
    let speed = vec![1.0; OFFICES];
    let mean_service = vec![5.0; OFFICES];
    let candidates: Vec<usize> = (0..10).collect();
    let travel: Vec<f64> = (0..10).map(|k| 5.0 + 2.0 * k as f64).collect();

    let mut group = c.benchmark_group("policy decision");
    group.throughput(Throughput::Elements(STATES as u64));
    for spec in &model.policies {
        let mut policy = spec.kind.build(&model);
        let mut choice = stream(7, 1, StreamKind::Choice);
        group.bench_function(BenchmarkId::new(spec.name.as_str(), "10 of 20 offices"), |b| {
            b.iter(|| {
                let mut sum = 0;
                for (present, busy) in &states {
                    let who = ClientView {
                        service: 0,
                        zone: 0,
                        candidates: &candidates,
                        travel: &travel,
                    };
                    let view = SystemView {
                        now: 0.0,
                        counters: &counters,
                        present,
                        busy,
                        sent: &zeros,
                        en_route: &zeros,
                        speed: &speed,
                        board_time: 0.0,
                        shows: BoardShows::ExpectedWait,
                        mean_service: &mean_service,
                    };
                    sum += policy.choose(&who, &view, &mut choice);
                }
                black_box(sum)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, policies);
criterion_main!(benches);
