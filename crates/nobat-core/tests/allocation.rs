//! The event loop allocates nothing per event: a counting global allocator shows that a run
//! ten times longer makes (almost) no more allocations. The few extra ones come from a queue
//! growing past its largest size so far, which happens a logarithmic number of times.

use nobat_core::engine::{run_replication, PolicySetup};
use nobat_core::scenario;
use nobat_core::stats::{ReplicationStats, TimeSeriesRecorder};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one replication of `horizon` minutes, and the clients it simulated;
/// with `series`, a time series is recorded beside the statistics.
fn allocations_for(policy: &str, horizon: u32, series: bool) -> (u64, u64) {
    let model = scenario::load(&format!(
        r#"
        [run]
        horizon = {horizon}
        [arrivals]
        rate = 3.6
        [[service]]
        name = "a"
        share = 0.5
        duration = {{ dist = "lognormal", mean = 1.0, cv = 0.8 }}
        [[service]]
        name = "b"
        share = 0.5
        duration = {{ dist = "gamma", mean = 1.0, cv = 1.2 }}
        [[office]]
        name = "A"
        counters = 2
        [[office]]
        name = "B"
        counters = 2
        [[policy]]
        kind = "{policy}"
        {extra}
        "#,
        extra = if policy == "power-of-d" { "d = 2" } else { "" }
    ))
    .unwrap();
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let mut policy = model.policies[0].kind.build(&model);
    let mut stats = ReplicationStats::new(&model);
    let mut both = (ReplicationStats::new(&model), TimeSeriesRecorder::new(&model));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    if series {
        run_replication(&model, 0, 9, &setup, &mut policy, &mut both).unwrap();
        stats = both.0;
    } else {
        run_replication(&model, 0, 9, &setup, &mut policy, &mut stats).unwrap();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before, stats.arrived)
}

/// Allocations made by one replication of `horizon` minutes of a city of 300 offices on a 1 km
/// grid, 100 zones, travel at 20 km/h plus 5 minutes, `travel-plus-wait` over the 10 nearest:
/// some 5,000 events pending at once (clients on the road and in service), so the event queue
/// is a radix heap whose buckets hold thousands of events and change as time goes on.
fn city_allocations(horizon: u32) -> (u64, u64) {
    let mut source = format!(
        "[run]\nhorizon = {horizon}\n[arrivals]\nrate = 540\n[geography]\nspeed_kmh = 20\noverhead = 5\n\
         [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1.0 }}\n\
         [[policy]]\nkind = \"travel-plus-wait\"\ncandidates = 10\n"
    );
    for i in 0..300 {
        source.push_str(&format!(
            "[[office]]\nname = \"O{i}\"\ncounters = 2\nlocation = [{}, {}]\n",
            i % 18,
            i / 18
        ));
    }
    for z in 0..100 {
        let (x, y) = (f64::from(z % 10) * 1.8, f64::from(z / 10) * 1.8);
        source.push_str(&format!(
            "[[zone]]\nname = \"Z{z}\"\narea = [{x}, {y}, {}, {}]\n",
            x + 1.8,
            y + 1.8
        ));
    }
    let model = scenario::load(&source).unwrap();
    let setup = PolicySetup::from_spec(&model, &model.policies[0]);
    let mut policy = model.policies[0].kind.build(&model);
    let mut stats = ReplicationStats::new(&model);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    run_replication(&model, 0, 9, &setup, &mut policy, &mut stats).unwrap();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, stats.arrived)
}

#[test]
fn a_ten_times_longer_run_makes_no_more_allocations() {
    for policy in [
        "random",
        "round-robin",
        "shortest-queue",
        "least-expected-wait",
        "power-of-d",
    ] {
        let (short, short_clients) = allocations_for(policy, 20_000, false);
        let (long, long_clients) = allocations_for(policy, 200_000, false);
        assert!(long_clients > 9 * short_clients);
        // Each of the 2 office queues can double its buffer a few more times in a longer run.
        assert!(
            long <= short + 16,
            "{policy}: {short} allocations for {short_clients} clients, {long} for {long_clients}"
        );
    }
    // The time series folds every day onto fixed intervals: a longer run records into the same
    // memory. (In this test, not one of its own: the counter is global, tests run in parallel.)
    let (short, _) = allocations_for("shortest-queue", 20_000, true);
    let (long, _) = allocations_for("shortest-queue", 200_000, true);
    assert!(
        long <= short + 16,
        "with a time series: {short} allocations, then {long}"
    );
    // A large city: thousands of events pending, in buckets that fill and empty as time goes.
    // Its 300 office queues, slab and event store still reach new largest sizes now and then in
    // a longer run (974, 1,278 and 1,514 allocations for 0.1, 1 and 10 million clients: a
    // logarithmic growth), so the bound is per client: fewer than one allocation per thousand
    // more clients, where growable buckets made six (and one per two clients at national scale).
    let (short, short_clients) = city_allocations(200);
    let (long, long_clients) = city_allocations(2_000);
    assert!(long_clients > 9 * short_clients);
    assert!(
        (long - short) * 1000 < long_clients - short_clients,
        "a city of 300 offices: {short} allocations for {short_clients} clients, {long} for {long_clients}"
    );
}
