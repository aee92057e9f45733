//! What the statistical test files share: closed-form queueing results ([`theory`]), the
//! confidence intervals and the pass/fail rule ([`check`]), and the [`Setup`] of a run of
//! identical offices fed by one Poisson stream.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use nobat_core::experiment::{run_experiment, NamedPolicy, PolicyResult, ReplicationSummary, RunOptions};
use nobat_core::scenario;

/// Closed-form and numerical results the simulator is checked against. Times in minutes, rates
/// per minute.
pub mod theory {
    /// M/M/1 mean wait in queue: `Wq = rho / (mu - lambda)`.
    pub fn mm1_wait(lambda: f64, mu: f64) -> f64 {
        (lambda / mu) / (mu - lambda)
    }

    /// M/M/1 wait tail: `P(W > t) = rho * exp(-(mu - lambda) t)`.
    pub fn mm1_tail(lambda: f64, mu: f64, t: f64) -> f64 {
        (lambda / mu) * (-(mu - lambda) * t).exp()
    }

    /// Erlang B: the blocking probability of an M/M/c/c loss system with offered load
    /// `a = lambda / mu`, by the recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, which
    /// never overflows.
    pub fn erlang_b(c: u32, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (f64::from(k) + a * b);
        }
        b
    }

    /// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load
    /// `a = lambda / mu` (needs `a < c`): `C = B / (1 - rho (1 - B))` with `B` Erlang B and
    /// `rho = a / c`.
    pub fn erlang_c(c: u32, a: f64) -> f64 {
        assert!(a < f64::from(c), "Erlang C needs a stable queue: a = {a} >= c = {c}");
        let b = erlang_b(c, a);
        let rho = a / f64::from(c);
        b / (1.0 - rho * (1.0 - b))
    }

    /// M/M/c mean wait in queue: `C(c, a) / (c mu - lambda)`.
    pub fn mmc_wait(c: u32, lambda: f64, mu: f64) -> f64 {
        erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
    }

    /// M/M/c wait tail: `P(W > t) = C exp(-(c mu - lambda) t)` for `t >= 0`.
    pub fn mmc_tail(c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
        erlang_c(c, lambda / mu) * (-(f64::from(c) * mu - lambda) * t).exp()
    }

    /// The `q`-quantile of the M/M/c wait, minding its atom at zero: 0 when
    /// `P(W > 0) = C <= 1 - q`, else the `t` with `C exp(-(c mu - lambda) t) = 1 - q`.
    pub fn mmc_wait_quantile(c: u32, lambda: f64, mu: f64, q: f64) -> f64 {
        let big_c = erlang_c(c, lambda / mu);
        if big_c <= 1.0 - q {
            0.0
        } else {
            (big_c / (1.0 - q)).ln() / (f64::from(c) * mu - lambda)
        }
    }

    /// Pollaczek–Khinchine mean wait of an M/G/1 queue whose service has mean `mean` and
    /// coefficient of variation `cv`: `Wq = lambda E[S^2] / (2 (1 - rho))`, with
    /// `E[S^2] = Var + mean^2 = mean^2 (1 + cv^2)` and `rho = lambda mean`.
    pub fn pk_wait(lambda: f64, mean: f64, cv: f64) -> f64 {
        let rho = lambda * mean;
        assert!(rho < 1.0, "Pollaczek–Khinchine needs rho < 1, got {rho}");
        lambda * mean * mean * (1.0 + cv * cv) / (2.0 * (1.0 - rho))
    }

    /// The stationary distribution of a birth–death chain on `0, 1, 2, ...` (clients present)
    /// with birth rate `birth(n)` out of state `n` and death rate `death(n) > 0` out of state
    /// `n >= 1`: `p(n) = p(n-1) birth(n-1) / death(n)`, normalised.
    ///
    /// The chain is cut at `max` (a finite chain has `birth(max) = 0` there), or earlier, once
    /// the terms are decreasing (`birth(n) < death(n+1)`, so geometrically at least from there
    /// on when the ratio keeps decreasing, as in every chain used here) and below `1e-18` of
    /// the running total: the neglected tail is then below about `1e-16`.
    pub fn birth_death(birth: impl Fn(usize) -> f64, death: impl Fn(usize) -> f64, max: usize) -> Vec<f64> {
        let mut p = vec![1.0];
        let mut total = 1.0;
        for n in 1..=max {
            let next = p[n - 1] * birth(n - 1) / death(n);
            p.push(next);
            total += next;
            if next < 1e-18 * total && birth(n) < death(n + 1) {
                break;
            }
        }
        p.iter_mut().for_each(|x| *x /= total);
        p
    }

    /// The Erlang-A model (M/M/c+M): `c` counters, Poisson arrivals at `lambda`, exponential
    /// service at rate `mu`, and each waiting client abandons at rate `theta` (exponential
    /// patience of mean `1/theta`, running only while it waits).
    #[derive(Debug, Clone, Copy)]
    pub struct ErlangA {
        /// P(an arrival abandons), by flow balance: `theta E[Nq] / lambda`.
        pub p_abandon: f64,
        /// The same probability from the position argument: `1 - sum_n p(n) P(served | n)`.
        pub p_abandon_by_position: f64,
        /// Mean wait of the clients who are served: `E[W 1{served}] / P(served)`.
        pub served_wait: f64,
        /// Mean wait of all arrivals (served or abandoning), by Little: `E[Nq] / lambda`.
        pub wait_all: f64,
        /// The same from the position argument.
        pub wait_all_by_position: f64,
        /// P(an arrival has to wait): `P(N >= c)`.
        pub p_wait: f64,
        /// The busy share of the counters: `E[min(N, c)] / c`.
        pub utilization: f64,
    }

    /// Erlang-A by its birth–death chain: birth `lambda`, death `min(n, c) mu + max(n - c, 0)
    /// theta` (the waiting clients' patience clocks run in parallel).
    ///
    /// By PASTA an arrival sees the stationary `p(n)`. If `n >= c` it joins the queue at
    /// position `j = n - c + 1`. At position `i` three clocks race: a service completion
    /// (rate `c mu`) or an abandonment by one of the `i - 1` ahead (rate `(i - 1) theta`) moves
    /// it to position `i - 1` (from position 1, into service), and its own patience (rate
    /// `theta`) makes it abandon. So it moves up with probability
    /// `r_i = (c mu + (i-1) theta) / (c mu + i theta)`, and the time spent at position `i` is
    /// exponential with rate `c mu + i theta`, independent of which clock wins. Hence
    /// - `P(served | j) = prod_{i=1..j} r_i`;
    /// - `E[W 1{served} | j] = P(served | j) sum_{i=1..j} 1 / (c mu + i theta)` (a served client
    ///   visits every position from `j` down to 1);
    /// - `E[W | j] = A_j` with `A_0 = 0`, `A_j = 1 / (c mu + j theta) + r_j A_{j-1}` (the time
    ///   at position `j`, then, if it moves up, the rest from `j - 1`), whatever the outcome.
    ///
    /// The two derivations of P(abandon) and of the mean wait of all arrivals must agree; the
    /// tests check that they do, which validates the position argument behind `served_wait`.
    pub fn erlang_a(c: u32, lambda: f64, mu: f64, theta: f64) -> ErlangA {
        let cu = c as usize;
        let cmu = f64::from(c) * mu;
        let p = birth_death(
            |_| lambda,
            |n| n.min(cu) as f64 * mu + n.saturating_sub(cu) as f64 * theta,
            1_000_000,
        );
        let (mut nq, mut busy, mut p_wait, mut p_served, mut served_wait, mut wait_all) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        // Position j's P(served | j), sum of 1 / (c mu + i theta) up to j, and A_j.
        let (mut served_j, mut holding_j, mut wait_j) = (1.0, 0.0, 0.0);
        for (n, &pn) in p.iter().enumerate() {
            busy += pn * n.min(cu) as f64;
            if n < cu {
                p_served += pn;
                continue;
            }
            let j = (n - cu + 1) as f64;
            let rate = cmu + j * theta;
            let up = (cmu + (j - 1.0) * theta) / rate;
            served_j *= up;
            holding_j += 1.0 / rate;
            wait_j = 1.0 / rate + up * wait_j;
            nq += pn * (n - cu) as f64;
            p_wait += pn;
            p_served += pn * served_j;
            served_wait += pn * served_j * holding_j;
            wait_all += pn * wait_j;
        }
        ErlangA {
            p_abandon: theta * nq / lambda,
            p_abandon_by_position: 1.0 - p_served,
            served_wait: served_wait / p_served,
            wait_all: nq / lambda,
            wait_all_by_position: wait_all,
            p_wait,
            utilization: busy / f64::from(c),
        }
    }

    /// Blocking and waits of a finite-room M/M/c system.
    #[derive(Debug, Clone, Copy)]
    pub struct Finite {
        /// P(an arrival is blocked, or balks): by PASTA, the stationary probability of the
        /// states where it would, times the probability that it does.
        pub p_lost: f64,
        /// Mean wait of the clients who join: `E[Nq] / (lambda (1 - p_lost))` (Little's law
        /// on the queue, whose input rate is that of the clients who join).
        pub wait: f64,
        /// The busy share of the counters: `E[min(N, c)] / c`, also `lambda (1 - p_lost) /
        /// (c mu)`.
        pub utilization: f64,
    }

    /// M/M/c/K: `c` counters and room for `k >= c` clients in all (waiting plus in service);
    /// an arrival finding `k` present is blocked. Birth `lambda` below `k`, death
    /// `min(n, c) mu`. With `k = c` it is Erlang's loss system, whose blocking is [`erlang_b`].
    pub fn mmck(c: u32, k: u32, lambda: f64, mu: f64) -> Finite {
        let (cu, ku) = (c as usize, k as usize);
        let p = birth_death(|n| if n < ku { lambda } else { 0.0 }, |n| n.min(cu) as f64 * mu, ku);
        finite(c, lambda, &p, |n| if n >= ku { 1.0 } else { 0.0 })
    }

    /// M/M/c with balking: an arrival finding more than `above` clients waiting (`n - c >
    /// above` present) leaves at once with probability `probability`, so the birth rate is
    /// `lambda (1 - probability)` in those states and `lambda` below. With `probability = 1`
    /// it is M/M/c/K with `K = c + above + 1`.
    pub fn mmc_balking(c: u32, lambda: f64, mu: f64, above: u32, probability: f64) -> Finite {
        let cu = c as usize;
        let balks = move |n: usize| n.saturating_sub(cu) > above as usize;
        let p = birth_death(
            |n| if balks(n) { lambda * (1.0 - probability) } else { lambda },
            |n| n.min(cu) as f64 * mu,
            1_000_000,
        );
        finite(c, lambda, &p, |n| if balks(n) { probability } else { 0.0 })
    }

    fn finite(c: u32, lambda: f64, p: &[f64], lost: impl Fn(usize) -> f64) -> Finite {
        let cu = c as usize;
        let p_lost: f64 = p.iter().enumerate().map(|(n, pn)| pn * lost(n)).sum();
        let nq: f64 = p
            .iter()
            .enumerate()
            .map(|(n, pn)| pn * n.saturating_sub(cu) as f64)
            .sum();
        let busy: f64 = p.iter().enumerate().map(|(n, pn)| pn * n.min(cu) as f64).sum();
        Finite {
            p_lost,
            wait: nq / (lambda * (1.0 - p_lost)),
            utilization: busy / f64::from(c),
        }
    }

    /// The stationary distribution of a finite continuous-time Markov chain on `0..n`, whose
    /// state `s` moves to state `to` at rate `r` for every `(to, r)` in `moves(s)`: the solution
    /// of `pi Q = 0` with `sum pi = 1`, by Gaussian elimination with partial pivoting (the
    /// balance equation of state 0 replaced by the normalisation).
    #[allow(clippy::needless_range_loop)] // Matrix indices read as in the textbook.
    pub fn stationary(n: usize, moves: impl Fn(usize) -> Vec<(usize, f64)>) -> Vec<f64> {
        // a[row][col]: row = equation (one per state), col = unknown pi_col; last col = rhs.
        let mut a = vec![vec![0.0; n + 1]; n];
        for s in 0..n {
            for (to, r) in moves(s) {
                if to != s {
                    // Flow out of s, into `to`: equation of state j is sum_i pi_i Q_ij = 0.
                    a[s][s] -= r;
                    a[to][s] += r;
                }
            }
        }
        a[0] = vec![1.0; n + 1];
        for col in 0..n {
            let pivot = (col..n)
                .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
                .expect("rows left");
            a.swap(col, pivot);
            let p = a[col][col];
            assert!(p.abs() > 1e-300, "the chain is reducible");
            for row in 0..n {
                if row != col {
                    let f = a[row][col] / p;
                    if f != 0.0 {
                        for k in col..=n {
                            a[row][k] -= f * a[col][k];
                        }
                    }
                }
            }
        }
        (0..n).map(|i| a[i][n] / a[i][i]).collect()
    }

    /// Two identical offices of `c` counters and room for `k` clients each, fed by a Poisson
    /// stream at `lambda` split at random (`random` policy), exponential service at `mu`; with
    /// `on_full = "next"` and no travel a client finding its office full goes at once to the
    /// other if it has room, else it is blocked. A chain on `(n1, n2)`: an arrival joins office 1
    /// at rate `lambda / 2` if it has room, else office 2 if that has room (and symmetrically);
    /// departures at `min(n, c) mu`. Blocking is `P(n1 = n2 = k)` (PASTA); the wait of the
    /// admitted is `E[Lq] / (lambda (1 - p_lost))`.
    pub fn overflow_pair(c: u32, k: u32, lambda: f64, mu: f64) -> Finite {
        let (cu, side) = (c as usize, k as usize + 1);
        let state = |i: usize, j: usize| i * side + j;
        let p = stationary(side * side, |s| {
            let (i, j) = (s / side, s % side);
            let mut out = Vec::new();
            let half = lambda / 2.0;
            // Arrivals choosing office 1, then those choosing office 2.
            for choose_1 in [true, false] {
                let (a, b) = if choose_1 { (i, j) } else { (j, i) };
                if a < k as usize {
                    out.push((if choose_1 { state(i + 1, j) } else { state(i, j + 1) }, half));
                } else if b < k as usize {
                    out.push((if choose_1 { state(i, j + 1) } else { state(i + 1, j) }, half));
                }
            }
            if i > 0 {
                out.push((state(i - 1, j), i.min(cu) as f64 * mu));
            }
            if j > 0 {
                out.push((state(i, j - 1), j.min(cu) as f64 * mu));
            }
            out
        });
        let ku = k as usize;
        let p_lost = p[state(ku, ku)];
        let (mut nq, mut busy) = (0.0, 0.0);
        for (s, ps) in p.iter().enumerate() {
            let (i, j) = (s / side, s % side);
            nq += ps * (i.saturating_sub(cu) + j.saturating_sub(cu)) as f64;
            busy += ps * (i.min(cu) + j.min(cu)) as f64;
        }
        Finite {
            p_lost,
            wait: nq / (lambda * (1.0 - p_lost)),
            utilization: busy / (2.0 * f64::from(c)),
        }
    }

    /// One class of an M/G/1 queue with priorities: its arrival rate and the first two moments
    /// of its service time.
    #[derive(Debug, Clone, Copy)]
    pub struct Class {
        /// Arrival rate (clients per minute).
        pub lambda: f64,
        /// `E[S]`.
        pub mean: f64,
        /// `E[S^2]`.
        pub second_moment: f64,
    }

    /// Cobham's formula for the mean waits of an M/G/1 queue with non-preemptive priorities,
    /// `classes` listed from the most urgent:
    /// `W_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k))`, where `W0 = sum_i lambda_i E[S_i^2] / 2`
    /// is the mean residual work in service seen by an arrival and `sigma_k = sum_{i <= k}
    /// rho_i` (`sigma_0 = 0`).
    pub fn cobham(classes: &[Class]) -> Vec<f64> {
        let w0: f64 = classes.iter().map(|k| k.lambda * k.second_moment / 2.0).sum();
        let mut sigma = 0.0;
        classes
            .iter()
            .map(|k| {
                let before = sigma;
                sigma += k.lambda * k.mean;
                assert!(sigma < 1.0, "Cobham needs a stable queue, sigma = {sigma}");
                w0 / ((1.0 - before) * (1.0 - sigma))
            })
            .collect()
    }
}

/// Confidence intervals across replications and the pass/fail rule.
pub mod check {
    use nobat_core::stats::{mean_and_half_width, student_t_975};
    use statrs::distribution::{ContinuousCDF, StudentsT};

    /// Two-sided error probability of one check.
    ///
    /// Each check accepts when the theoretical value lies within the 99.9% Student-t interval
    /// of the estimate across replications, so it raises a false alarm with probability 0.001
    /// when the simulator is right. The test files (`validation.rs`, `limits.rs`, `appointments.rs`,
    /// `sizing.rs`, `backlog.rs`, `by_hour.rs`, `output_analysis.rs`, `fitting.rs`) make
    /// [`CHECKS`] such checks together; by Bonferroni's inequality the probability that any of
    /// them fails by chance is at most `CHECKS * ALPHA` = 4.7%, whatever their correlation.
    /// (The seeds are fixed, so a given build passes or fails deterministically; this bounds
    /// the chance that a correct simulator was unlucky with these seeds, and the margin stays
    /// meaningful if a seed is changed.)
    pub const ALPHA: f64 = 0.001;

    /// Checks made by each test; [`Verdicts::finish`] fails a test that makes another number.
    pub const MM1: usize = 3;
    /// See [`MM1`].
    pub const MMC: usize = 5;
    /// See [`MM1`].
    pub const MD1: usize = 2;
    /// See [`MM1`].
    pub const MG1_LOGNORMAL: usize = 1;
    /// See [`MM1`].
    pub const MG1_GAMMA: usize = 1;
    /// See [`MM1`]: the mean over all clients and one per office, 4 offices.
    pub const RANDOM_SPLIT: usize = 5;
    /// See [`MM1`]: mean wait and utilisation of pooled offices.
    pub const POOLED: usize = 2;
    /// `limits.rs`, Erlang-A: P(abandon), mean wait of the served, utilisation.
    pub const ERLANG_A: usize = 3;
    /// `limits.rs`, balking: P(balk), mean wait of those who join.
    pub const BALKING: usize = 2;
    /// `limits.rs`, M/M/c/K: P(blocked), mean wait of those admitted, utilisation.
    pub const MMCK: usize = 3;
    /// `limits.rs`, Erlang B: P(blocked), utilisation.
    pub const ERLANG_B: usize = 2;
    /// `limits.rs`, Cobham: mean wait of each of two priority classes.
    pub const COBHAM: usize = 2;
    /// `limits.rs`, two full offices sending clients on to each other: P(blocked), mean wait.
    pub const OVERFLOW: usize = 2;
    /// `appointments.rs`: the share of booked clients who do not come.
    pub const NO_SHOW: usize = 1;
    /// `sizing.rs`: the mean wait at each of the 4 points of an `arrivals.scale` sweep of M/M/1.
    pub const SWEEP_MM1: usize = 4;
    /// `backlog.rs`: the mean wait of a backlog cleared by exponential counters.
    pub const BACKLOG: usize = 1;
    /// `by_hour.rs`: one hour's mean wait in `by_hour.csv` against Erlang C.
    pub const BY_HOUR: usize = 1;
    /// `output_analysis.rs`: the M/M/1 mean wait counted from the warm-up MSER-5 chose.
    pub const WARMUP_MM1: usize = 1;
    /// `fitting.rs`: each fitted parameter of the synthetic log against its true value (two
    /// parameters of the lognormal service, two of the gamma one, and the hourly arrival rate of
    /// two hours).
    pub const FIT_RECOVERY: usize = 6;
    /// How many statistical checks the test files make, in all.
    pub const CHECKS: usize = NO_SHOW
        + WARMUP_MM1
        + FIT_RECOVERY
        + MM1
        + MMC
        + MD1
        + MG1_LOGNORMAL
        + MG1_GAMMA
        + RANDOM_SPLIT
        + POOLED
        + ERLANG_A
        + BALKING
        + MMCK
        + ERLANG_B
        + COBHAM
        + OVERFLOW
        + SWEEP_MM1
        + BACKLOG
        + BY_HOUR;

    /// A mean across replications with its 95% and 99.9% Student-t half-widths.
    #[derive(Debug, Clone, Copy)]
    pub struct Interval {
        /// Mean of the per-replication values.
        pub mean: f64,
        /// Half-width of the 95% interval (what the reports call `*_ci95`).
        pub hw95: f64,
        /// Half-width of the `1 - ALPHA` interval, the tolerance of a check.
        pub hw: f64,
    }

    impl Interval {
        /// The interval of the mean of `xs`, one value per replication.
        ///
        /// The 95% half-width comes from the library's [`mean_and_half_width`]; the 99.9% one
        /// is the same `s / sqrt(n)` times the `1 - ALPHA/2` quantile of Student's t with
        /// `n - 1` degrees of freedom instead of the 0.975 one.
        pub fn of(xs: &[f64]) -> Interval {
            let n = xs.len();
            assert!(n >= 2, "an interval needs two replications or more, got {n}");
            let (mean, hw95) = mean_and_half_width(xs);
            let (mean, hw95) = (mean.expect("n >= 1"), hw95.expect("n >= 2"));
            let df = (n - 1) as f64;
            let t = StudentsT::new(0.0, 1.0, df)
                .expect("df >= 1")
                .inverse_cdf(1.0 - ALPHA / 2.0);
            Interval {
                mean,
                hw95,
                hw: hw95 * t / student_t_975(n as u64 - 1),
            }
        }
    }

    /// The checks of one test: each is printed (run with `--nocapture` to see them) and the
    /// test fails at the end, after printing all of them, if any failed.
    pub struct Verdicts {
        case: &'static str,
        expected: usize,
        made: usize,
        failures: Vec<String>,
    }

    impl Verdicts {
        /// The `expected` checks of the test case `case`.
        pub fn new(case: &'static str, expected: usize) -> Self {
            Verdicts {
                case,
                expected,
                made: 0,
                failures: Vec::new(),
            }
        }

        /// Checks the mean of `xs` (one value per replication) against `theory`.
        pub fn mean(&mut self, what: &str, xs: &[f64], theory: f64) {
            let ci = Interval::of(xs);
            self.estimate(what, ci.mean, ci, theory, 0.0);
        }

        /// Checks `estimate` against `theory`: accepted when
        /// `|estimate - theory| <= ci.hw + systematic`, where `ci` is the interval of the
        /// per-replication estimates and `systematic` a bound on a known deterministic error
        /// (0 for a mean).
        pub fn estimate(&mut self, what: &str, estimate: f64, ci: Interval, theory: f64, systematic: f64) {
            self.made += 1;
            let tolerance = ci.hw + systematic;
            let error = estimate - theory;
            let ok = error.abs() <= tolerance;
            let line = format!(
                concat!(
                    "{:<7} {:<30} theory {:>9.5}  estimate {:>9.5}  ci95 ±{:.5}  ci99.9 ±{:.5}  tol ±{:.5}  ",
                    "rel.err {:>+6.2}%  |err|/tol {:.2}  {}"
                ),
                self.case,
                what,
                theory,
                estimate,
                ci.hw95,
                ci.hw,
                tolerance,
                100.0 * error / theory,
                error.abs() / tolerance,
                if ok { "ok" } else { "FAIL" }
            );
            println!("{line}");
            if !ok {
                self.failures.push(line);
            }
        }

        /// Panics, listing the failed checks, if any failed, or if the number of checks made is
        /// not the one declared (which the family-wise bound counts on).
        pub fn finish(self) {
            assert!(
                self.failures.is_empty(),
                "{} of {} checks of {} failed:\n{}",
                self.failures.len(),
                self.made,
                self.case,
                self.failures.join("\n")
            );
            assert_eq!(
                self.made, self.expected,
                "{} made {} checks but declared {}: update the count behind CHECKS",
                self.case, self.made, self.expected
            );
        }
    }
}

/// A scenario of `offices` identical offices fed by one Poisson stream and the `random`
/// policy (with one office, a single queue).
#[derive(Debug, Clone)]
pub struct Setup {
    /// Total arrival rate (clients per minute).
    pub rate: f64,
    /// Identical offices (1 for a single queue).
    pub offices: u32,
    /// Counters per office.
    pub counters: u32,
    /// The `[[service]]` sections, e.g. from [`one_service`].
    pub services: String,
    /// Extra keys of every `[[office]]`, one per line, e.g. `capacity = 5`.
    pub office_keys: String,
    /// Arrivals stop at this time (minutes); the run goes on until every client has left.
    pub horizon: f64,
    /// Clients arriving before this time are simulated but not counted.
    pub warmup: f64,
    pub replications: u32,
    pub seed: u64,
    /// The wait target behind `sla_share`, if any.
    pub target: Option<f64>,
    /// The policy kind (`random` unless a test says otherwise).
    pub policy: &'static str,
}

/// A single `[[service]]` named `s` with the given duration, as written in a scenario (e.g.
/// `{ dist = "exponential", mean = 1.0 }`), and `extra` keys, one per line.
pub fn one_service(duration: &str, extra: &str) -> String {
    format!("[[service]]\nname = \"s\"\nduration = {duration}\n{extra}\n")
}

impl Setup {
    /// A single office with `counters` counters and a single service.
    pub fn single_office(rate: f64, counters: u32, duration: &str) -> Setup {
        Setup {
            rate,
            offices: 1,
            counters,
            services: one_service(duration, ""),
            office_keys: String::new(),
            horizon: 200_000.0,
            warmup: 4_000.0,
            replications: 16,
            seed: base_seed(),
            target: None,
            policy: "random",
        }
    }

    /// The scenario text.
    pub fn toml(&self) -> String {
        let target = self.target.map_or(String::new(), |t| format!("target = {t:?}"));
        let mut src = format!(
            "name = \"validation\"\n[run]\nhorizon = {horizon:?}\nwarmup = {warmup:?}\nreplications = {replications}\n\
             seed = {seed}\n{target}\n[arrivals]\nrate = {rate:?}\n{services}\n[[policy]]\nkind = \"{policy}\"\n",
            policy = self.policy,
            horizon = self.horizon,
            warmup = self.warmup,
            replications = self.replications,
            seed = self.seed,
            rate = self.rate,
            services = self.services,
        );
        for i in 0..self.offices {
            src.push_str(&format!(
                "[[office]]\nname = \"office-{i}\"\ncounters = {}\n{}\n",
                self.counters, self.office_keys
            ));
        }
        src
    }

    /// Runs the scenario and returns the results of its only policy.
    pub fn run(&self) -> PolicyResult {
        let model = scenario::load(&self.toml()).expect("valid scenario");
        let result = run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default())
            .expect("the simulation runs");
        let policy = result.policies.into_iter().next().expect("one policy");
        assert_eq!(policy.replications.len(), self.replications as usize);
        policy
    }
}

/// The base seed of every run: 1, or `NOBAT_VALIDATION_SEED` when set, to rerun the statistical
/// tests on other seeds and see that their tolerances are not tuned to one of them.
pub fn base_seed() -> u64 {
    std::env::var("NOBAT_VALIDATION_SEED").map_or(1, |s| s.parse().expect("NOBAT_VALIDATION_SEED is a u64"))
}

/// One value per replication; every replication of these long runs has a value, so a missing
/// one is a bug.
pub fn per_replication(p: &PolicyResult, value: impl Fn(&ReplicationSummary) -> Option<f64>) -> Vec<f64> {
    p.replications
        .iter()
        .map(|r| value(r).unwrap_or_else(|| panic!("replication {} has no value", r.replication)))
        .collect()
}

/// The share of a replication's counted clients that `count` picks out, e.g. those abandoned.
pub fn share_of(r: &ReplicationSummary, count: u64) -> Option<f64> {
    (r.arrived > 0).then(|| count as f64 / r.arrived as f64)
}
