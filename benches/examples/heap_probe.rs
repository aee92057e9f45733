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

use nobat_benches::national;
use nobat_core::engine::{run_replication, PolicySetup};
use nobat_core::stats::ReplicationStats;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};

struct Tracking;

static IN_USE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

fn grew(bytes: i64) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

fn main() {
    let days: Vec<u32> = std::env::args()
        .skip(1)
        .map(|d| d.parse().expect("a number of days"))
        .collect();
    for d in if days.is_empty() { vec![1, 7] } else { days } {
        let model = national(d);
        let setup = PolicySetup::from_spec(&model, &model.policies[0]);
        let mut stats = ReplicationStats::new(&model);
        let mut policy = model.policies[0].kind.build(&model);
        let before = IN_USE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        run_replication(&model, 0, 1, &setup, &mut policy, &mut stats).expect("runs");
        let peak = PEAK.load(Ordering::Relaxed);
        println!(
            "{d:>4} days: {:>11} clients, heap {:>6.1} MB with the model and statistics, peak {:>6.1} MB in the run (+{:.1} MB)",
            stats.arrived,
            before as f64 / 1e6,
            peak as f64 / 1e6,
            (peak - before) as f64 / 1e6
        );
    }
}
