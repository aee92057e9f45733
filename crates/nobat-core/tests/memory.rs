//! Peak memory does not grow with the number of clients: a global allocator that tracks the
//! bytes in use shows that a whole experiment (every statistic, the reports' rows) of ten times
//! more clients peaks at the same memory, within a small constant. Statistics stream into
//! fixed-size accumulators and histograms, clients leave the slab when they leave, and the
//! replications' results are folded chunk by chunk.
//!
//! One test in this file, so that no other test allocates while it measures.

use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::report::Report;
use nobat_core::scenario;
// The benchmarks' counting allocator, included rather than depended on (nobat-benches depends
// on this crate).
#[path = "../../../benches/src/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::CountingAllocator;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Peak bytes in use while running and reporting a 3-office network with appointments, hours,
/// patience and geography for `days` days, and the clients it simulated.
fn peak_for(days: u32) -> (i64, u64) {
    let model = scenario::load(&format!(
        r#"
        [run]
        horizon = "{days}d"
        replications = 4
        [arrivals]
        schedule = [{{ from = "07:30", to = "14:00", per_hour = 60 }}]
        [geography]
        speed_kmh = 20
        [[zone]]
        name = "z"
        area = [0, 0, 4, 4]
        [[service]]
        name = "s"
        duration = {{ dist = "lognormal", mean = 6, cv = 0.8 }}
        patience = {{ dist = "exponential", mean = 60 }}
        book_share = 0.3
        no_show = 0.1
        [[office]]
        name = "A"
        counters = 3
        location = [1, 1]
        hours = "07:30-14:30"
        [[office]]
        name = "B"
        counters = 2
        location = [3, 3]
        hours = "07:30-14:30"
        [[policy]]
        kind = "nearest"
        [[policy]]
        kind = "shortest-queue"
        booking = "central"
        "#
    ))
    .expect("valid scenario");
    let base = counting_alloc::in_use();
    counting_alloc::reset_peak();
    let options = RunOptions {
        threads: Some(1),
        ..RunOptions::default()
    };
    let result = run_experiment(&model, &NamedPolicy::from_model(&model), &options).expect("runs");
    let report = Report::new(&model, &result);
    let clients = report.summary.iter().map(|r| r.arrived).sum();
    drop(report);
    drop(result);
    (counting_alloc::peak() - base, clients)
}

#[test]
fn peak_memory_does_not_grow_with_the_number_of_clients() {
    let (short, short_clients) = peak_for(20);
    let (long, long_clients) = peak_for(200);
    assert!(
        long_clients > 9 * short_clients,
        "{short_clients} then {long_clients} clients"
    );
    // Queues and the slab may reach a few more entries at their longest in a longer run (a
    // busier day, a longer queue): a few kilobytes, against a peak of about a megabyte.
    assert!(
        long <= short + 64 * 1024,
        "peak {short} bytes for {short_clients} clients, {long} bytes for {long_clients}"
    );
    println!("peak {short} bytes for {short_clients} clients, {long} bytes for {long_clients}");
}
