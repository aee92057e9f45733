//! Judging one configuration: simulate every replication of the chosen policy with the same
//! seed (common random numbers), measure the target's statistic in each replication and in each
//! scope (all clients, each office or each zone), and keep the worst scope's 95% bound.

use super::target::{Metric, Per, Target};
use crate::engine::{run_replication_with, Client, PolicySetup, Recorder, RunControl, SimulationError};
use crate::experiment::NamedPolicy;
use crate::model::Model;
use crate::stats::{mean_and_half_width, Accumulator, WaitHistogram};
use rayon::prelude::*;

/// The waits of one scope in one replication.
#[derive(Debug, Clone, Default)]
struct Waits {
    wait: Accumulator,
    hist: WaitHistogram,
    within: u64,
}

impl Waits {
    fn value(&self, metric: Metric) -> Option<f64> {
        let n = self.wait.count();
        match metric {
            Metric::WaitMean => self.wait.mean(),
            Metric::WaitQuantile(q) => self.hist.quantile(q),
            Metric::SlaShare => (n > 0).then(|| self.within as f64 / n as f64),
        }
    }
}

/// Records the waits of counted served clients by scope, as [`crate::stats::ReplicationStats`]
/// counts them: clients created from the warm-up on, `sla_share` with `wait <= run.target`.
struct ScopeRecorder {
    warmup: f64,
    threshold: f64,
    per: Per,
    scopes: Vec<Waits>,
}

impl Recorder for ScopeRecorder {
    fn departure(&mut self, _t: f64, office: usize, client: &Client) {
        if client.created < self.warmup {
            return;
        }
        let scope = match self.per {
            Per::All => 0,
            Per::Office => office,
            Per::Zone => client.zone as usize,
        };
        let wait = client.wait();
        let w = &mut self.scopes[scope];
        w.wait.record(wait);
        w.hist.record(wait);
        if wait <= self.threshold {
            w.within += 1;
        }
    }
}

/// The names of the scopes of `model` for `per`, by index.
pub fn scope_names(model: &Model, per: Per) -> Vec<String> {
    match per {
        Per::All => vec!["all".into()],
        Per::Office => model.offices.iter().map(|o| o.name.clone()).collect(),
        Per::Zone => model.zones.iter().map(|z| z.name.clone()).collect(),
    }
}

/// How one configuration fares against the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The deciding scope's metric: the mean over replications.
    pub metric: f64,
    /// The half-width of its 95% Student-t interval.
    pub half_width: f64,
    /// The end of the interval that must meet the target.
    pub bound: f64,
    /// How far the bound misses the target (0 or less: met); infinite when no scope has a
    /// value in two replications or more.
    pub shortfall: f64,
    /// The deciding scope: the one whose bound misses most (`all` overall).
    pub worst: String,
}

impl Evaluation {
    /// Whether the 95% bound of every scope meets the target.
    pub fn meets(&self) -> bool {
        self.shortfall <= 0.0
    }
}

/// Simulates `replications` replications of `policy` (index into `model.policies`) with base
/// seed `seed`, in parallel on the current rayon pool (the caller installs its own to bound the
/// threads), and judges the target in every scope. A scope where nobody was served in any
/// replication has no wait to judge and is skipped; one with a value in a single replication
/// has no interval and cannot meet the target. The replications stop early as `control` says
/// (see [`crate::experiment::run_experiment_with`]).
pub fn evaluate(
    model: &Model,
    policy: usize,
    target: &Target,
    per: Per,
    replications: u32,
    seed: u64,
    control: &RunControl,
) -> Result<Evaluation, SimulationError> {
    let named = NamedPolicy::from_model(model).swap_remove(policy);
    let mut setup = PolicySetup::new(model, named.name.clone(), named.reach, named.information);
    setup.pooled = named.pooled;
    let names = scope_names(model, per);
    let runs = (0..replications)
        .into_par_iter()
        .map(|r| {
            // As in run_experiment_with: once interrupted, no replication starts.
            if control.interrupted() {
                return Err(SimulationError::Interrupted);
            }
            let warmup = crate::experiment::replication_warmup(model, r, seed, &setup, control, &named)?;
            let mut recorder = ScopeRecorder {
                warmup,
                threshold: model.run.target.unwrap_or(f64::NAN),
                per,
                scopes: vec![Waits::default(); names.len()],
            };
            let mut instance = (named.factory)(model);
            run_replication_with(model, r, seed, &setup, control, &mut instance, &mut recorder)?;
            Ok(recorder)
        })
        .collect::<Result<Vec<ScopeRecorder>, SimulationError>>()?;
    let mut worst = Evaluation {
        metric: f64::NAN,
        half_width: f64::NAN,
        bound: f64::NAN,
        shortfall: f64::NEG_INFINITY,
        worst: String::new(),
    };
    for (i, name) in names.iter().enumerate() {
        let values: Vec<f64> = runs.iter().filter_map(|r| r.scopes[i].value(target.metric)).collect();
        let (Some(mean), half_width) = mean_and_half_width(&values) else {
            continue;
        };
        let half_width = half_width.unwrap_or(f64::INFINITY);
        let bound = target.bound(mean, half_width);
        let shortfall = target.shortfall(bound);
        if shortfall > worst.shortfall || worst.worst.is_empty() {
            worst = Evaluation {
                metric: mean,
                half_width,
                bound,
                shortfall,
                worst: name.clone(),
            };
        }
    }
    if worst.worst.is_empty() {
        worst.shortfall = f64::INFINITY;
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{run_experiment, RunOptions};
    use crate::report::Report;

    /// The recorder measures as the reports do: same mean, same pooled-free per-replication p90
    /// and same `sla_share`, replication by replication.
    #[test]
    fn agrees_with_the_reports() {
        let model = crate::scenario::load(
            "[run]\nhorizon = 3000\nwarmup = 100\nreplications = 4\ntarget = 2\n[arrivals]\nrate = 1.6\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\ncounters = 2\n[[policy]]\nkind = \"random\"\n",
        )
        .unwrap();
        let result = run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default()).unwrap();
        let summary = &Report::new(&model, &result).summary[0];
        let p90s: Vec<f64> = result.policies[0]
            .replications
            .iter()
            .filter_map(|r| r.wait_p90)
            .collect();
        let (p90, p90_hw) = mean_and_half_width(&p90s);
        let check = |target: &str, mean: f64, hw: f64| {
            let t = Target::parse(target).unwrap();
            let e = evaluate(&model, 0, &t, Per::All, 4, model.run.seed, &RunControl::default()).unwrap();
            assert!(
                (e.metric - mean).abs() < 1e-9 && (e.half_width - hw).abs() < 1e-9,
                "{target}: {e:?}"
            );
            assert_eq!(e.worst, "all");
        };
        check(
            "wait_mean<=1",
            summary.wait_mean.0.unwrap(),
            summary.wait_mean_ci95.0.unwrap(),
        );
        check("wait_p90<=1", p90.unwrap(), p90_hw.unwrap());
        let shares: Vec<f64> = result.policies[0]
            .replications
            .iter()
            .filter_map(|r| r.sla_share)
            .collect();
        let (share, share_hw) = mean_and_half_width(&shares);
        check("sla_share>=0.5", share.unwrap(), share_hw.unwrap());
    }
}
