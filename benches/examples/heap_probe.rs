//! Peak heap bytes of one replication of the national scenario cut to each given number of days,
//! counted by a tracking allocator (a resident-set reading also counts freed memory the
//! allocator keeps):
//!
//! ```text
//! cargo run --release -p nobat-benches --example heap_probe -- 1 7 30
//! ```
//!
//! Prints, for each length, the clients, the heap in use once the model is built and the peak
//! during the run, so that growth with the number of clients shows at once.

use nobat_benches::counting_alloc::{self, CountingAllocator};
use nobat_benches::national;
use nobat_benches::run_first_policy;
use nobat_core::engine::PolicySetup;
use nobat_core::stats::ReplicationStats;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn main() {
    let days: Vec<u32> = std::env::args()
        .skip(1)
        .map(|d| d.parse().expect("a number of days"))
        .collect();
    for d in if days.is_empty() { vec![1, 7] } else { days } {
        let model = national(d);
        let setup = PolicySetup::from_spec(&model, &model.policies[0]);
        let mut stats = ReplicationStats::new(&model);
        let before = counting_alloc::in_use();
        counting_alloc::reset_peak();
        run_first_policy(&model, &setup, 1, &mut stats);
        let peak = counting_alloc::peak();
        println!(
            "{d:>4} days: {:>11} clients, heap {:>6.1} MB with the model and statistics, peak {:>6.1} MB in the run (+{:.1} MB)",
            stats.arrived,
            before as f64 / 1e6,
            peak as f64 / 1e6,
            (peak - before) as f64 / 1e6
        );
    }
}
