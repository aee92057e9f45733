//! Validation of the simulator against queueing theory: plain queues.
//!
//! Each statistical test simulates a queue whose answer is known in closed form (M/M/1; M/M/c
//! through Erlang C; M/D/1 and M/G/1 through Pollaczek–Khinchine; a random split of a Poisson
//! stream into independent M/M/1 queues; pooled offices as one M/M/c) and accepts when the
//! theoretical value lies within the 99.9% Student-t interval of the estimate across 16
//! replications: the tolerances are the runs' own intervals, never tuned (see
//! `support::check::ALPHA` for the family-wise false-alarm bound, which counts these checks and
//! those of `limits.rs`). Run with `-- --nocapture` to see every check.
//!
//! Related files: `limits.rs` validates patience (Erlang-A), balking, capacity (M/M/c/K,
//! Erlang B, `on_full = "next"`) and priorities (Cobham); `accounting.rs` checks exact
//! accounting, FIFO and priority order and the office rules on random networks under every
//! policy; `office_rules.rs` tests hours, shifts, closing, offerings and the virtual window
//! directly; `support/mod.rs` holds the formulas and the pass/fail rule they share.
//!
//! Observed with seed 1 (the whole file takes about 7 s on 2 cores):
//!
//! | check                          | theory  | estimate | 95% ±  | 99.9% ± (tol) | rel. error |
//! |--------------------------------|---------|----------|--------|---------------|------------|
//! | M/M/1 ρ=0.8 mean wait          | 4.0000  | 4.0253   | 0.0413 | 0.0789        | +0.63%     |
//! | M/M/1 P(wait > 5)              | 0.29430 | 0.29550  | 0.0027 | 0.0052        | +0.41%     |
//! | M/M/1 utilisation              | 0.8000  | 0.80057  | 0.0008 | 0.0015        | +0.07%     |
//! | M/M/5 ρ=0.9 mean wait          | 1.5250  | 1.5356   | 0.0200 | 0.0382        | +0.69%     |
//! | M/M/5 utilisation              | 0.9000  | 0.90028  | 0.0005 | 0.0009        | +0.03%     |
//! | M/M/5 P(wait > p90 theory)     | 0.1000  | 0.10095  | 0.0026 | 0.0050        | +0.95%     |
//! | M/M/5 p90, mean of replications| 4.0629  | 4.0825   | 0.0479 | 0.0915 (+1%)  | +0.48%     |
//! | M/M/5 p90, pooled histogram    | 4.0629  | 4.0664   | 0.0479 | 0.0915 (+1%)  | +0.09%     |
//! | M/D/1 ρ=0.8 mean wait          | 2.0000  | 2.0102   | 0.0100 | 0.0190        | +0.51%     |
//! | M/D/1 utilisation              | 0.8000  | 0.80041  | 0.0006 | 0.0012        | +0.05%     |
//! | M/G/1 lognormal cv 1.5, ρ=0.7  | 3.7917  | 3.8030   | 0.0434 | 0.0829        | +0.30%     |
//! | M/G/1 gamma cv 0.5, ρ=0.8      | 2.5000  | 2.5118   | 0.0141 | 0.0270        | +0.47%     |
//! | random over 4 M/M/1, all       | 4.0000  | 4.0220   | 0.0288 | 0.0551        | +0.55%     |
//! | random, office 0               | 4.0000  | 4.0216   | 0.0482 | 0.0921        | +0.54%     |
//! | random, office 1               | 4.0000  | 3.9816   | 0.0522 | 0.0998        | -0.46%     |
//! | random, office 2               | 4.0000  | 4.0377   | 0.0843 | 0.1611        | +0.94%     |
//! | random, office 3               | 4.0000  | 4.0465   | 0.0624 | 0.1193        | +1.16%     |
//! | pooled 5 × M/M/1, mean wait    | 1.5250  | 1.5356   | 0.0200 | 0.0382        | +0.69%     |
//! | pooled, utilisation            | 0.9000  | 0.90028  | 0.0005 | 0.0009        | +0.03%     |
//!
//! Every error is within about half its tolerance (largest |error| / tolerance: 0.53). The tests share
//! the seed, so their arrival and service draws are common and their errors correlated (hence
//! the mostly positive signs); the Bonferroni bound does not need independence. Rerun on other
//! seeds (`NOBAT_VALIDATION_SEED`) — 12 seeds for the whole file and 60 for M/M/1 at these
//! horizons, 20 for the whole file and 60 for M/M/5 with the horizons halved — none of 1 024 checks
//! failed (about 1 expected at level 0.001), the largest |error| / tolerance was 0.91, and over
//! 60 seeds the mean standardised error of each M/M/1 and M/M/5 check was within 1.2 standard
//! errors of 0: no detectable bias. Tolerances are 1–4% of a mean wait and about 0.15% of a
//! utilisation. A mean wait does not depend on the order of service, so the tail and
//! percentile checks here, and the FIFO audit of `accounting.rs`, are what would catch a
//! queue-discipline bug. (`pooled` over 5 offices gives exactly the M/M/5 numbers: with the
//! same seed it serves the same clients in the same order.)

mod support;

use nobat_core::stats::WaitHistogram;
use support::check::{self, Interval, Verdicts};
use support::{per_replication, theory, Setup};

/// The theoretical helpers against hand-computed values, so that a wrong formula cannot make
/// a wrong simulator pass.
#[test]
fn theory_helpers_match_known_values() {
    let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() <= tol, "{a} vs {b}");
    // One counter: Erlang C is rho and M/M/c is M/M/1.
    close(theory::erlang_c(1, 0.8), 0.8, 1e-12);
    close(theory::mmc_wait(1, 0.8, 1.0), theory::mm1_wait(0.8, 1.0), 1e-12);
    close(
        theory::mmc_tail(1, 0.8, 1.0, 5.0),
        theory::mm1_tail(0.8, 1.0, 5.0),
        1e-12,
    );
    // M/M/2 with a = 1: P(wait) = (a^2 / 2! / (1 - 1/2)) / (1 + a + 1) = 1/3.
    close(theory::erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
    // Tables: C(5, 4.5) = 0.7625 (scenarios/mmc.toml), C(10, 8) = 0.4092.
    close(theory::erlang_c(5, 4.5), 0.7625, 5e-5);
    close(theory::erlang_c(10, 8.0), 0.4092, 5e-5);
    // The quantile inverts the tail, and is 0 inside the atom at zero.
    let p90 = theory::mmc_wait_quantile(5, 4.5, 1.0, 0.9);
    close(theory::mmc_tail(5, 4.5, 1.0, p90), 0.1, 1e-12);
    assert_eq!(theory::mmc_wait_quantile(5, 2.0, 1.0, 0.9), 0.0);
    // Pollaczek–Khinchine with exponential service (cv 1) is M/M/1; deterministic halves it.
    close(theory::pk_wait(0.8, 1.0, 1.0), theory::mm1_wait(0.8, 1.0), 1e-12);
    close(theory::pk_wait(0.8, 1.0, 0.0), theory::mm1_wait(0.8, 1.0) / 2.0, 1e-12);
}

/// M/M/1 at rho = 0.8 (lambda 0.8, mu 1): mean wait `Wq = 4`, the tail
/// `P(W > 5) = 0.8 e^-1` through the target (`1 - sla_share`, as `sla_share` counts waits
/// `<= target`), and the utilisation `rho`.
///
/// 16 replications of 400 000 minutes (320 000 clients each), 2% warm-up: the relaxation time
/// of this queue is about `1 / (mu (1 - sqrt(rho))^2)` = 90 minutes, far below the 8 000-minute
/// warm-up, so the initial empty state leaves no visible bias.
#[test]
fn mm1_mean_wait_and_tail_match_theory() {
    let (lambda, mu, t) = (0.8, 1.0, 5.0);
    let p = Setup {
        horizon: 400_000.0,
        warmup: 8_000.0,
        target: Some(t),
        ..Setup::single_office(lambda, 1, r#"{ dist = "exponential", mean = 1.0 }"#)
    }
    .run();
    let mut v = Verdicts::new("M/M/1", check::MM1);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::mm1_wait(lambda, mu),
    );
    v.mean(
        "P(wait > 5)",
        &per_replication(&p, |r| r.sla_share.map(|s| 1.0 - s)),
        theory::mm1_tail(lambda, mu, t),
    );
    v.mean("utilization", &per_replication(&p, |r| r.utilization), lambda / mu);
    v.finish();
}

/// M/M/5 at rho = 0.9 (lambda 4.5, mu 1) through Erlang C: `C(5, 4.5)` = 0.7625, mean wait
/// `C / (c mu - lambda)` = 1.525, utilisation 0.9, and the 90th percentile of the wait,
/// `ln(C / 0.1) / (c mu - lambda)` = 4.063 (the wait has an atom at zero of mass `1 - C`,
/// below the 0.9 level, so the percentile is in the exponential part).
///
/// The percentile is checked three ways:
/// - `P(W > p90_theory) = 0.1`, with the target set to the theoretical p90 (`1 - sla_share`
///   per replication): an exact count, no histogram involved, so a clean test of the quantile;
/// - the mean of the per-replication p90 (`wait_p90`, from each replication's histogram)
///   within its own 99.9% interval plus the histogram's bounded relative error
///   ([`WaitHistogram::RELATIVE_ERROR`], < 1%, a deterministic error that averaging does not
///   remove). The sample quantile's own O(1/n) bias is negligible with 880 000 clients
///   per replication;
/// - the p90 of the pooled histogram within the same tolerance: to first order, the sample
///   quantile of all `n m` clients and the average of `n` sample quantiles of `m` clients each
///   have the same variance (`sigma_q^2 / (n m)`), so the interval of the latter stands in for
///   the former's.
#[test]
fn mmc_matches_erlang_c() {
    let (c, lambda, mu) = (5, 4.5, 1.0);
    let p90 = theory::mmc_wait_quantile(c, lambda, mu, 0.9);
    let p = Setup {
        target: Some(p90),
        ..Setup::single_office(lambda, c, r#"{ dist = "exponential", mean = 1.0 }"#)
    }
    .run();
    let mut v = Verdicts::new("M/M/5", check::MMC);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::mmc_wait(c, lambda, mu),
    );
    v.mean(
        "utilization",
        &per_replication(&p, |r| r.utilization),
        lambda / (f64::from(c) * mu),
    );
    v.mean(
        "P(wait > p90 theory)",
        &per_replication(&p, |r| r.sla_share.map(|s| 1.0 - s)),
        theory::mmc_tail(c, lambda, mu, p90),
    );
    let p90s = Interval::of(&per_replication(&p, |r| r.wait_p90));
    let histogram_error = WaitHistogram::RELATIVE_ERROR * (p90 + p90s.hw);
    v.estimate("p90, mean of replications", p90s.mean, p90s, p90, histogram_error);
    let pooled = p.wait_hist.quantile(0.9).expect("served clients");
    v.estimate("p90, pooled histogram", pooled, p90s, p90, histogram_error);
    v.finish();
}

/// M/D/1 at rho = 0.8 (lambda 0.8, service always 1 minute): Pollaczek–Khinchine with
/// `E[S^2] = 1` gives `Wq = lambda / (2 (1 - rho))` = 2, half the M/M/1 wait; utilisation 0.8.
#[test]
fn md1_matches_pollaczek_khinchine() {
    let lambda = 0.8;
    let p = Setup {
        horizon: 400_000.0,
        warmup: 8_000.0,
        ..Setup::single_office(lambda, 1, r#"{ dist = "deterministic", value = 1.0 }"#)
    }
    .run();
    let mut v = Verdicts::new("M/D/1", check::MD1);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::pk_wait(lambda, 1.0, 0.0),
    );
    v.mean("utilization", &per_replication(&p, |r| r.utilization), lambda);
    v.finish();
}

/// M/G/1 with log-normal service of mean 1 and cv 1.5 at rho = 0.7: `E[S^2] = 3.25`, so
/// `Wq = 0.7 * 3.25 / 0.6` = 3.792.
///
/// The wait's variance grows with the third and fourth moments of the service
/// (`E[S^4] = (1 + cv^2)^6` = 1178 here), so the run is long (800 000 minutes, 5% warm-up) and
/// the load moderate. Replication means of such a queue are right-skewed, which makes the
/// t-interval's nominal level somewhat optimistic; the 99.9% level leaves room for that.
#[test]
fn mg1_lognormal_service_matches_pollaczek_khinchine() {
    let (lambda, mean, cv) = (0.7, 1.0, 1.5);
    let p = Setup {
        horizon: 800_000.0,
        warmup: 40_000.0,
        ..Setup::single_office(lambda, 1, r#"{ dist = "lognormal", mean = 1.0, cv = 1.5 }"#)
    }
    .run();
    let mut v = Verdicts::new("M/LN/1", check::MG1_LOGNORMAL);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::pk_wait(lambda, mean, cv),
    );
    v.finish();
}

/// M/G/1 with gamma service of mean 1 and cv 0.5 (shape 4, an Erlang-4) at rho = 0.8:
/// `E[S^2] = 1.25`, so `Wq = 0.8 * 1.25 / 0.4` = 2.5.
#[test]
fn mg1_gamma_service_matches_pollaczek_khinchine() {
    let (lambda, mean, cv) = (0.8, 1.0, 0.5);
    let p = Setup {
        horizon: 400_000.0,
        warmup: 8_000.0,
        ..Setup::single_office(lambda, 1, r#"{ dist = "gamma", mean = 1.0, cv = 0.5 }"#)
    }
    .run();
    let mut v = Verdicts::new("M/G/1", check::MG1_GAMMA);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::pk_wait(lambda, mean, cv),
    );
    v.finish();
}

/// `random` over 4 identical single-counter offices at a total rate of 4 * 0.8: a Poisson
/// stream split at random is 4 independent Poisson streams of rate 0.8, so each office is an
/// M/M/1 at rho 0.8 with `Wq = 4`, and so is the mean over all clients. A policy that leaked
/// information between offices, or an engine that mixed up office ids, would break this.
#[test]
fn random_split_over_identical_offices_gives_independent_mm1() {
    let (k, lambda_i, mu) = (4, 0.8, 1.0);
    let p = Setup {
        offices: k,
        ..Setup::single_office(lambda_i * f64::from(k), 1, r#"{ dist = "exponential", mean = 1.0 }"#)
    }
    .run();
    let wq = theory::mm1_wait(lambda_i, mu);
    let mut v = Verdicts::new("random", check::RANDOM_SPLIT);
    v.mean("mean wait, all offices", &per_replication(&p, |r| r.wait_mean), wq);
    for i in 0..k as usize {
        v.mean(
            &format!("mean wait, office {i}"),
            &per_replication(&p, |r| r.office_wait_mean[i]),
            wq,
        );
    }
    v.finish();
}

/// `pooled` over 5 single-counter offices is one queue served by 5 counters: an M/M/5, whose
/// mean wait is Erlang C's (1.525 min at rho 0.9) and utilisation rho, whatever the offices.
#[test]
fn pooled_offices_are_one_mmc_queue() {
    let (c, lambda, mu) = (5, 4.5, 1.0);
    let p = Setup {
        offices: c,
        policy: "pooled",
        ..Setup::single_office(lambda, 1, r#"{ dist = "exponential", mean = 1.0 }"#)
    }
    .run();
    let mut v = Verdicts::new("pooled", check::POOLED);
    v.mean(
        "mean wait",
        &per_replication(&p, |r| r.wait_mean),
        theory::mmc_wait(c, lambda, mu),
    );
    v.mean(
        "utilization",
        &per_replication(&p, |r| r.utilization),
        lambda / (f64::from(c) * mu),
    );
    v.finish();
}

/// The Bonferroni bound quoted at [`check::ALPHA`] holds for the number of checks made (each
/// test's count is enforced by [`Verdicts::finish`]).
#[test]
fn family_wise_false_alarm_rate_is_bounded() {
    assert_eq!(check::CHECKS, 47);
    assert!(check::CHECKS as f64 * check::ALPHA < 0.05);
}
