//! This example demonstrates in particular:
//! - writing your own allocation policy against the narrow `AllocationPolicy` trait;
//! - running it beside built-in policies on the same clients (common random numbers);
//! - reading the paired comparison against the first policy.
//!
//! ```text
//!   arrivals ──> [policy] ──> office A (3 counters)
//!                        └──> office B (1 counter, fast)
//! ```
//!
//! Run with `cargo run -p nobat-examples --example custom_policy`.

use nobat_core::experiment::{run_experiment, NamedPolicy, RunOptions};
use nobat_core::policy::{AllocationPolicy, ClientView, PolicyKind, SystemView};
use nobat_core::report::Report;
use nobat_core::{scenario, SimRng};

/// Sends a client to the biggest office unless its queue is longer than `threshold` per
/// counter, then to the least loaded office. A "home office with spill-over" rule.
struct SpillOver {
    threshold: u32,
}

impl AllocationPolicy for SpillOver {
    fn choose(&mut self, client: &ClientView<'_>, s: &SystemView<'_>, _rng: &mut SimRng) -> usize {
        let home = *client
            .candidates
            .iter()
            .max_by_key(|&&i| s.counters[i])
            .expect("candidates are never empty");
        if s.present[home] <= self.threshold * s.counters[home] {
            return home;
        }
        *client
            .candidates
            .iter()
            .min_by(|&&a, &&b| s.expected_wait(a).total_cmp(&s.expected_wait(b)))
            .expect("candidates are never empty")
    }
}

const SCENARIO: &str = r#"
name = "Spill-over example"
[run]
horizon = 20000
warmup = 500
replications = 8
seed = 3
[arrivals]
rate = 2.6
[[service]]
name = "petition"
duration = { dist = "lognormal", mean = 1.0, cv = 0.8 }
[[office]]
name = "A"
counters = 3
[[office]]
name = "B"
counters = 1
speed = 1.5
[[policy]]
kind = "random"
"#;

fn main() {
    let model = scenario::load(SCENARIO).expect("the example scenario is valid");
    let mut policies = NamedPolicy::from_model(&model);
    policies.push(NamedPolicy::new("shortest-queue", |m| {
        PolicyKind::ShortestQueue.build(m)
    }));
    policies.push(NamedPolicy::new("spill-over", |_| Box::new(SpillOver { threshold: 2 })));
    let result = run_experiment(&model, &policies, &RunOptions::default()).expect("the run succeeds");
    let report = Report::new(&model, &result);
    for row in &report.summary {
        println!(
            "{:<15} mean wait {:>8} min ± {}",
            row.policy,
            row.wait_mean.text(),
            row.wait_mean_ci95.text()
        );
    }
    for row in &report.comparison {
        println!(
            "{} vs {}: {} min (95% CI ± {})",
            row.policy,
            row.baseline,
            row.wait_mean_diff.text(),
            row.wait_mean_diff_ci95.text()
        );
    }
}
