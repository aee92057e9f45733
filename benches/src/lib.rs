//! Scenarios shared by the benchmarks and the measuring tools (`probe`, `compare`), and
//! the bare event loop nobat is measured against.

pub mod bare_loop;
pub mod counting_alloc;

use nobat_core::engine::{run_replication, PolicySetup, Recorder};
use nobat_core::model::Model;
use nobat_core::scenario;
use nobat_core::stats::ReplicationStats;

/// One whole run as the benches and tools time it: replication 0 with base `seed` of `model`'s
/// first policy (prepared as `setup`), into `recorder`.
pub fn run_first_policy<R: Recorder>(model: &Model, setup: &PolicySetup, seed: u64, recorder: &mut R) {
    let mut policy = model.policies[0].kind.build(model);
    run_replication(model, 0, seed, setup, &mut policy, recorder).expect("runs");
}

/// The statistics of [`run_first_policy`] with seed 1.
pub fn run_once(model: &Model, setup: &PolicySetup) -> ReplicationStats {
    let mut stats = ReplicationStats::new(model);
    run_first_policy(model, setup, 1, &mut stats);
    stats
}

/// Clients per run of [`city`], whatever the number of offices.
pub const CITY_CLIENTS: f64 = 200_000.0;

/// `offices` offices of 2 counters on a square grid of 1 km spacing, 100 zones covering it,
/// `travel-plus-wait` over the 10 nearest candidates, demand at rho 0.9 per counter, about
/// [`CITY_CLIENTS`] clients: only the number of offices (and so the city's size) differs.
pub fn city(offices: usize) -> Model {
    let side = (offices as f64).sqrt().ceil() as usize;
    let rate = 0.9 * 2.0 * offices as f64;
    let mut src = source(
        CITY_CLIENTS / rate,
        rate,
        "[geography]\nspeed_kmh = 20\noverhead = 5",
        "kind = \"travel-plus-wait\"\ncandidates = 10\ntravel_weight = 0.2",
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

/// The two models of the performance targets, as nobat scenarios with every statistic on:
/// one office of 10 counters at rho 0.9 (M/M/10), or 20 offices of 5 counters with
/// `shortest-queue` at rho 0.9; exponential service of mean 1 minute, `horizon` minutes.
pub fn target_model(offices: usize, horizon: f64) -> Model {
    let (counters, policy) = if offices == 1 {
        (10, "random")
    } else {
        (5, "shortest-queue")
    };
    let rate = 0.9 * (offices * counters) as f64;
    let mut src = source(horizon, rate, "", &format!("kind = \"{policy}\""));
    for i in 0..offices {
        src.push_str(&format!("[[office]]\nname = \"O{i}\"\ncounters = {counters}\n"));
    }
    scenario::load(&src).expect("valid scenario")
}

/// A one-replication scenario of Poisson arrivals at `rate` per minute until `horizon`,
/// exponential service of mean 1 minute, `extra` sections, and one policy given by its keys;
/// the offices (and zones) are appended by the caller.
fn source(horizon: f64, rate: f64, extra: &str, policy: &str) -> String {
    format!(
        "[run]\nhorizon = {horizon}\nreplications = 1\n[arrivals]\nrate = {rate}\n{extra}\n\
         [[service]]\nname = \"s\"\nduration = {{ dist = \"exponential\", mean = 1.0 }}\n\
         [[policy]]\n{policy}\n"
    )
}

/// The national scenario (`scenarios/national.toml`: 2,500 offices, 420 zones, `travel-plus-wait`
/// over the 10 nearest) cut to its first `days` days: about 400,000 clients a full working day.
pub fn national(days: u32) -> Model {
    let source = include_str!("../../scenarios/national.toml");
    let horizon = scenario::overrides::Override::parse(&format!("run.horizon=\"{days}d\"")).expect("a valid override");
    scenario::overrides::load_with_overrides(source, &|_| Err("no files".into()), &[horizon]).expect("valid scenario")
}
