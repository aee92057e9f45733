//! The two searches over additions: greedy (one addition per step, the best of all candidates
//! for that step) and exact (every set of candidate sites, cheapest first).
//!
//! Both judge a configuration only through `judge`, which simulates it with the same seed and
//! replications as every other (common random numbers), so two candidates differ by their
//! capacity, not by their luck.

use super::measure::Evaluation;
use super::SizingError;
use std::cmp::Ordering;

/// What is added to the scenario as given: counters per office (by id) and sites opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Counters added to each existing office.
    pub counters: Vec<u32>,
    /// Whether each candidate site is opened.
    pub sites: Vec<bool>,
}

/// One candidate addition of a greedy step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One more counter at this office.
    Counter(usize),
    /// Open this site.
    Site(usize),
}

impl Config {
    /// This configuration with `m` made.
    pub fn with(&self, m: Move) -> Config {
        let mut next = self.clone();
        match m {
            Move::Counter(i) => next.counters[i] += 1,
            Move::Site(k) => next.sites[k] = true,
        }
        next
    }
}

/// A configuration that was judged.
#[derive(Debug, Clone)]
pub struct Judged {
    /// What was added.
    pub config: Config,
    /// How it fares.
    pub evaluation: Evaluation,
}

/// Greedy's choice between two candidates: the larger improvement of the worst shortfall per
/// unit of cost; ties, and an infinite shortfall before, go to the smaller shortfall after, then
/// the lower cost, then the first listed (the caller's order, i.e. file order).
fn better(before: f64, a: (&Evaluation, f64), b: (&Evaluation, f64)) -> bool {
    let gain = |e: &Evaluation, cost: f64| {
        if !e.shortfall.is_finite() {
            f64::NEG_INFINITY
        } else if !before.is_finite() {
            f64::INFINITY
        } else {
            (before - e.shortfall) / cost
        }
    };
    let order = gain(a.0, a.1)
        .total_cmp(&gain(b.0, b.1))
        .then(b.0.shortfall.total_cmp(&a.0.shortfall))
        .then(b.1.total_cmp(&a.1));
    order == Ordering::Greater
}

/// Greedy: from `start`, at each step judge every move `moves` offers (with its cost), keep the
/// best (the largest improvement of the worst shortfall per unit of cost), and stop at the first step that meets the target, when no move is left,
/// or after `max_steps` steps. `judge` returns `None` for a configuration the scenario refuses
/// (e.g. more counters than an office's capacity); that move is skipped. `step` is told each kept
/// configuration with the move that made it (`None` for `start`).
pub fn greedy(
    start: Config,
    max_steps: u32,
    moves: &dyn Fn(&Config) -> Vec<(Move, f64)>,
    judge: &mut dyn FnMut(&Config) -> Result<Option<Evaluation>, SizingError>,
    step: &mut dyn FnMut(Option<Move>, &Judged),
) -> Result<(), SizingError> {
    let evaluation = judge(&start)?
        .ok_or_else(|| SizingError::Input("the scenario as given cannot be simulated for sizing".into()))?;
    let mut current = Judged {
        config: start,
        evaluation,
    };
    step(None, &current);
    for _ in 0..max_steps {
        if current.evaluation.meets() {
            break;
        }
        let mut best: Option<(Move, f64, Judged)> = None;
        for (m, cost) in moves(&current.config) {
            let config = current.config.with(m);
            let Some(evaluation) = judge(&config)? else {
                continue;
            };
            let candidate = Judged { config, evaluation };
            let keep = match &best {
                None => true,
                Some((_, best_cost, b)) => better(
                    current.evaluation.shortfall,
                    (&candidate.evaluation, cost),
                    (&b.evaluation, *best_cost),
                ),
            };
            if keep {
                best = Some((m, cost, candidate));
            }
        }
        let Some((m, _, next)) = best else {
            break;
        };
        step(Some(m), &next);
        current = next;
    }
    Ok(())
}

/// Exact: judge `start`, then `start` with every non-empty set of sites, cheapest first (see
/// [`subsets_by_cost`]), stopping at the first that meets the target or after `max_sets` sets.
/// The first set that meets it is a cheapest one. `judge` returns `None` for a configuration the
/// scenario refuses (that set is skipped); `step` is told each judged configuration with its set
/// (`None` for `start`).
pub fn exact(
    start: Config,
    costs: &[f64],
    max_sets: u32,
    judge: &mut dyn FnMut(&Config) -> Result<Option<Evaluation>, SizingError>,
    step: &mut dyn FnMut(Option<&[usize]>, &Judged),
) -> Result<(), SizingError> {
    let evaluation = judge(&start)?
        .ok_or_else(|| SizingError::Input("the scenario as given cannot be simulated for sizing".into()))?;
    let baseline = Judged {
        config: start,
        evaluation,
    };
    step(None, &baseline);
    if baseline.evaluation.meets() {
        return Ok(());
    }
    for set in subsets_by_cost(costs).into_iter().take(max_sets as usize) {
        let config = set.iter().fold(baseline.config.clone(), |c, &k| c.with(Move::Site(k)));
        let Some(evaluation) = judge(&config)? else {
            continue;
        };
        let judged = Judged { config, evaluation };
        step(Some(&set), &judged);
        if judged.evaluation.meets() {
            break;
        }
    }
    Ok(())
}

/// Every non-empty set of `costs.len()` sites, cheapest first (then fewer sites, then in file
/// order), as the indices of the sites in it.
pub fn subsets_by_cost(costs: &[f64]) -> Vec<Vec<usize>> {
    let n = costs.len();
    let mut sets: Vec<Vec<usize>> = (1u64..(1 << n))
        .map(|mask| (0..n).filter(|&k| mask >> k & 1 == 1).collect())
        .collect();
    let cost = |s: &Vec<usize>| s.iter().map(|&k| costs[k]).sum::<f64>();
    sets.sort_by(|a, b| cost(a).total_cmp(&cost(b)).then(a.len().cmp(&b.len())).then(a.cmp(b)));
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(shortfall: f64) -> Evaluation {
        Evaluation {
            metric: 0.0,
            half_width: 0.0,
            bound: 0.0,
            shortfall,
            worst: "all".into(),
        }
    }

    #[test]
    fn subsets_come_cheapest_first() {
        let sets = subsets_by_cost(&[2.0, 1.0, 1.0]);
        assert_eq!(sets.len(), 7);
        assert_eq!(sets[0], vec![1]);
        assert_eq!(sets[1], vec![2]);
        assert_eq!(sets[2], vec![0]);
        assert_eq!(sets[3], vec![1, 2]);
        assert_eq!(sets.last().unwrap(), &vec![0, 1, 2]);
    }

    #[test]
    fn greedy_prefers_gain_per_cost() {
        // From a shortfall of 10: 2 for cost 4 and 8 for cost 1 both gain 2 per unit of cost;
        // the tie goes to the smaller shortfall after.
        assert!(better(10.0, (&eval(2.0), 4.0), (&eval(8.0), 1.0)));
        // 6 for cost 1 (gain 4) beats 2 for cost 4 (gain 2).
        assert!(better(10.0, (&eval(6.0), 1.0), (&eval(2.0), 4.0)));
        // An infinite shortfall before: the smaller after wins.
        assert!(better(f64::INFINITY, (&eval(1.0), 3.0), (&eval(2.0), 1.0)));
        assert!(!better(10.0, (&eval(f64::INFINITY), 1.0), (&eval(9.0), 1.0)));
    }

    #[test]
    fn exact_stops_at_the_cheapest_set_that_meets() {
        // Sites 0 (cost 2) and 1, 2 (cost 1): only sets with site 0 meet the target.
        let mut seen = Vec::new();
        exact(
            Config {
                counters: vec![],
                sites: vec![false; 3],
            },
            &[2.0, 1.0, 1.0],
            100,
            &mut |c| Ok(Some(eval(if c.sites[0] { -1.0 } else { 1.0 }))),
            &mut |set, j| seen.push((set.map(<[usize]>::to_vec), j.evaluation.meets())),
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (None, false),
                (Some(vec![1]), false),
                (Some(vec![2]), false),
                (Some(vec![0]), true)
            ]
        );
    }

    #[test]
    fn greedy_stops_at_the_first_step_that_meets() {
        // One office whose shortfall falls by 1 per counter from 2.5.
        let mut judged = 0;
        let mut steps = Vec::new();
        greedy(
            Config {
                counters: vec![0],
                sites: vec![],
            },
            10,
            &|_| vec![(Move::Counter(0), 1.0)],
            &mut |c| {
                judged += 1;
                Ok(Some(eval(2.5 - f64::from(c.counters[0]))))
            },
            &mut |m, j| steps.push((m, j.evaluation.meets())),
        )
        .unwrap();
        assert_eq!(
            steps,
            vec![
                (None, false),
                (Some(Move::Counter(0)), false),
                (Some(Move::Counter(0)), false),
                (Some(Move::Counter(0)), true)
            ]
        );
        assert_eq!(judged, 4);
    }
}
