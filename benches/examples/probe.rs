//! Runs the benchmarks' models outside criterion, for side-by-side ratios and for instruction
//! and cache counts per client:
//!
//! ```text
//! cargo run --release -p nobat-benches --example probe -- city10 city300 -n 20
//! valgrind --tool=callgrind target/release/examples/probe mm10 -n 1
//! ```
//!
//! Models: `mm10` (M/M/10 at rho 0.9), `jsq` (20 offices of 5 counters, shortest-queue),
//! `cityN` and `sameN` (the `city_scale` bench's cities of N offices: [`City::grown`] and
//! [`City::same_demand`]), `national` (the national scenario cut to `--days` days, default 1);
//! `bare-mm10`, `bare-jsq`, `bare-cityN` and `bare-sameN` are the bare event loops of the same
//! models, for their speed and instructions per client. `--clients N` sets the clients of `mm10` and `jsq` (default
//! 200,000). With several models, runs alternate between them (so load on a shared machine hits
//! all alike) and the median clients per second of each is printed with its ratio to the first.
//! The models are built before the timed runs; a profile of one model also counts that setup.

use nobat_benches::{bare_city, bare_loop, city, national, run_once, target_model, City, CITY_CLIENTS};
use nobat_core::engine::PolicySetup;
use nobat_core::model::Model;
use std::time::Instant;

fn model(name: &str, clients: f64, days: u32) -> Model {
    match name {
        "mm10" => target_model(1, clients / 9.0),
        "jsq" => target_model(20, clients / 90.0),
        "national" => national(days),
        // The bare loop builds its own queues; the model only keeps the table's shape.
        "bare-mm10" | "bare-jsq" => target_model(1, 1.0),
        other => match city_shape(other) {
            // The bare city loop builds its own city: the model is not used.
            Some(_) if other.starts_with("bare-") => target_model(1, 1.0),
            Some(shape) => city(shape),
            None => panic!("unknown model {other}: use mm10, jsq, cityN, sameN, national or their bare-"),
        },
    }
}

/// The city of a model name: `cityN` ([`City::grown`]) or `sameN` ([`City::same_demand`]),
/// with or without `bare-`.
fn city_shape(name: &str) -> Option<City> {
    let name = name.strip_prefix("bare-").unwrap_or(name);
    if let Some(n) = name.strip_prefix("city").and_then(|n| n.parse().ok()) {
        return Some(City::grown(n));
    }
    name.strip_prefix("same")
        .and_then(|n| n.parse().ok())
        .map(City::same_demand)
}

fn main() {
    let mut names = Vec::new();
    let (mut runs, mut clients, mut days) = (10, 200_000.0, 1);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().and_then(|n| n.parse::<f64>().ok()).expect(flag);
        match a.as_str() {
            "-n" => runs = value("-n RUNS") as usize,
            "--clients" => clients = value("--clients N"),
            "--days" => days = value("--days N") as u32,
            _ => names.push(a),
        }
    }
    if names.is_empty() {
        names = vec!["city10".into(), "city300".into()];
    }
    let models: Vec<_> = names
        .iter()
        .map(|n| {
            let model = model(n, clients, days);
            let setup = PolicySetup::from_spec(&model, &model.policies[0]);
            (model, setup)
        })
        .collect();
    let mut rates = vec![Vec::new(); names.len()];
    let mut counts = vec![0; names.len()];
    for _ in 0..runs {
        for (k, (model, setup)) in models.iter().enumerate() {
            let start = Instant::now();
            let clients = match names[k].as_str() {
                "bare-mm10" => bare_loop::run(1, 10, 9.0, clients / 9.0, 1).clients,
                "bare-jsq" => bare_loop::run(20, 5, 90.0, clients / 90.0, 1).clients,
                other => match city_shape(other).filter(|_| other.starts_with("bare-")) {
                    Some(shape) => bare_city::run(shape, CITY_CLIENTS, 1).clients,
                    None => run_once(model, setup).arrived,
                },
            };
            let secs = start.elapsed().as_secs_f64();
            counts[k] = clients;
            rates[k].push(clients as f64 / secs);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let first = median(&mut rates[0].clone());
    for (k, name) in names.iter().enumerate() {
        let m = median(&mut rates[k]);
        println!(
            "{name:>9}: {clients:>9} clients/run, median {:.3} M clients/s (best {:.3}), ratio {:.3}",
            m / 1e6,
            rates[k].last().copied().unwrap_or(0.0) / 1e6,
            m / first,
            clients = counts[k],
        );
    }
}
