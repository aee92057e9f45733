//! Scenarios shared by the benchmarks and the measuring tools (`probe`, `compare`), and
//! the bare event loop nobat is measured against.

pub mod bare_city;
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

/// The cities of issue 3's "a city of 300 offices must run as fast per client as one of 10":
/// offices on a square grid, 100 zones of equal demand covering it, `travel-plus-wait` (travel
/// weight 0.2) over the 10 offices nearest each zone, travel at `speed_kmh` plus 5 minutes,
/// exponential service of mean 1 minute, rho 0.9 at every counter, [`CITY_CLIENTS`] clients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct City {
    /// Offices.
    pub offices: usize,
    /// Counters per office.
    pub counters: u32,
    /// Side of the square the offices and zones cover (km).
    pub width_km: f64,
    /// Travel speed (km/h); travel also takes a fixed 5 minutes.
    pub speed_kmh: f64,
}

impl City {
    /// A city that grows with its offices: 2 counters each, 1 km apart, 20 km/h. The city of
    /// 300 offices has 30 times the demand, area and clients on the move of the city of 10.
    pub fn grown(offices: usize) -> City {
        City {
            offices,
            counters: 2,
            width_km: (offices as f64).sqrt().ceil(),
            speed_kmh: 20.0,
        }
    }

    /// One city, served by `offices` offices sharing [`SAME_DEMAND_COUNTERS`] counters: the
    /// same demand (540 clients a minute), area (18 km square) and clients on the move whatever
    /// the number of offices, since travel is the 5 minutes alone (at 10^6 km/h distance takes
    /// no time; the nearest candidates are still looked up and the distances computed). Only
    /// the number of offices differs. `offices` must divide 600.
    pub fn same_demand(offices: usize) -> City {
        assert!(
            SAME_DEMAND_COUNTERS.is_multiple_of(offices),
            "{offices} offices cannot share {SAME_DEMAND_COUNTERS} counters evenly"
        );
        City {
            offices,
            counters: (SAME_DEMAND_COUNTERS / offices) as u32,
            width_km: 18.0,
            speed_kmh: 1e6,
        }
    }

    /// Clients per minute: rho 0.9 at every counter.
    pub fn rate(&self) -> f64 {
        0.9 * f64::from(self.counters) * self.offices as f64
    }

    /// Where office `i` is: on a square grid spanning the city.
    pub fn office_at(&self, i: usize) -> [f64; 2] {
        let side = (self.offices as f64).sqrt().ceil() as usize;
        let spacing = self.width_km / side as f64;
        [(i % side) as f64 * spacing, (i / side) as f64 * spacing]
    }

    /// Zone `z`'s rectangle `[x0, y0, x1, y1]`, of a 10 by 10 grid covering the city.
    pub fn zone_area(&self, z: usize) -> [f64; 4] {
        let cell = self.width_km / 10.0;
        let (x, y) = ((z % 10) as f64 * cell, (z / 10) as f64 * cell);
        [x, y, x + cell, y + cell]
    }
}

/// Counters in all of a [`City::same_demand`] city.
pub const SAME_DEMAND_COUNTERS: usize = 600;

/// Zones of a [`City`].
pub const CITY_ZONES: usize = 100;

/// The nobat scenario of `shape`.
pub fn city(shape: City) -> Model {
    let rate = shape.rate();
    let mut src = source(
        CITY_CLIENTS / rate,
        rate,
        &format!("[geography]\nspeed_kmh = {}\noverhead = 5", shape.speed_kmh),
        "kind = \"travel-plus-wait\"\ncandidates = 10\ntravel_weight = 0.2",
    );
    for i in 0..shape.offices {
        let [x, y] = shape.office_at(i);
        src.push_str(&format!(
            "[[office]]\nname = \"O{i}\"\ncounters = {}\nlocation = [{x}, {y}]\n",
            shape.counters
        ));
    }
    for z in 0..CITY_ZONES {
        let [x0, y0, x1, y1] = shape.zone_area(z);
        src.push_str(&format!(
            "[[zone]]\nname = \"Z{z}\"\narea = [{x0}, {y0}, {x1}, {y1}]\nweight = 1\n"
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
