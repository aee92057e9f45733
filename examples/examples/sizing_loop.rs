//! This example demonstrates in particular:
//! - changing a validated model from code (here: the counters of one office);
//! - a sizing loop: the fewest counters whose 90th-percentile wait meets a target, judged by the
//!   upper end of a 95% confidence interval across replications, not the point estimate.
//!   (`nobat_core::sizing::size`, behind `nobat size`, is the full search: several offices,
//!   candidate sites, per-office and per-zone targets.)
//!
//! ```text
//!   arrivals (6.5/min) ──> office "Central" (c counters?) ──> p90 wait <= 1 min?
//! ```
//!
//! Run with `cargo run -p nobat-examples --example sizing_loop`.

use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::scenario;
use nobat_core::stats::mean_and_half_width;

const SCENARIO: &str = r#"
[run]
horizon = 10000
warmup = 500
replications = 10
seed = 5
[arrivals]
rate = 6.5
[[service]]
name = "petition"
duration = { dist = "gamma", mean = 1.0, cv = 0.7 }
[[office]]
name = "Central"
counters = 7
[[policy]]
kind = "random"
"#;

fn main() {
    let target = 1.0;
    let mut model = scenario::load(SCENARIO).expect("the example scenario is valid");
    let policies = NamedPolicy::from_model(&model);
    for counters in 7..=20 {
        model.offices[0].counters = counters;
        let result = run_experiment(&model, &policies, &RunOptions::default()).expect("the run succeeds");
        let p90s: Vec<f64> = result.policies[0]
            .replications
            .iter()
            .filter_map(|r| r.wait_p90)
            .collect();
        let (mean, half) = mean_and_half_width(&p90s);
        let (mean, half) = (mean.unwrap_or(f64::INFINITY), half.unwrap_or(0.0));
        println!("{counters:>2} counters: p90 wait {mean:8.3} min ± {half:.3}");
        if mean + half <= target {
            println!("=> {counters} counters meet p90 <= {target} min with 95% confidence");
            return;
        }
    }
    println!("=> no size up to 20 counters meets the target");
}
