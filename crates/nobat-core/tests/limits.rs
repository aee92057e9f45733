//! Validation of patience, balking, capacity and priorities against queueing theory.
//!
//! Each test simulates a queue whose answer is known exactly — from a birth–death chain
//! (Erlang-A, M/M/c with balking, M/M/c/K), Erlang's loss formula, a small Markov chain solved
//! numerically (two offices sending their overflow to each other with `on_full = "next"`) or
//! Cobham's formula (non-preemptive priorities) — and applies the rule of `validation.rs`: the
//! theoretical value must lie within the 99.9% Student-t interval of the estimate across 16
//! replications (`support::check`; the family-wise bound counts the checks of both files). The
//! formulas are derived in `support::theory` and checked against closed forms and against each
//! other in [`theory_helpers_match_known_values`]. Run with `-- --nocapture` to see every check.
//!
//! Observed with seed 1 (the file takes about 2.5 s on 2 cores; 16 replications of 100 000
//! minutes each, 2% warm-up, Cobham 200 000):
//!
//! | check                                    | theory  | estimate | 95% ±   | 99.9% ± (tol) | rel. error |
//! |------------------------------------------|---------|----------|---------|---------------|------------|
//! | Erlang-A c=3 λ=3 μ=1 θ=0.5, P(abandon)   | 0.18727 | 0.18764  | 0.00049 | 0.00093       | +0.20%     |
//! | Erlang-A, mean wait of the served        | 0.34497 | 0.34539  | 0.00109 | 0.00208       | +0.12%     |
//! | Erlang-A, utilisation                    | 0.81273 | 0.81293  | 0.00058 | 0.00110       | +0.02%     |
//! | M/M/2 λ=2.4, balk above 2 w.p. 0.5, P    | 0.23631 | 0.23726  | 0.00061 | 0.00117       | +0.40%     |
//! | balking, mean wait of those who join     | 1.40390 | 1.40862  | 0.00546 | 0.01044       | +0.34%     |
//! | M/M/2/5 λ=2 μ=1, P(blocked)              | 0.18182 | 0.18217  | 0.00067 | 0.00128       | +0.20%     |
//! | M/M/2/5, mean wait of the admitted       | 0.66667 | 0.66636  | 0.00132 | 0.00252       | -0.05%     |
//! | M/M/2/5, utilisation                     | 0.81818 | 0.81782  | 0.00042 | 0.00080       | -0.04%     |
//! | Erlang B M/M/4/4 a=3, P(blocked)         | 0.20611 | 0.20651  | 0.00036 | 0.00069       | +0.20%     |
//! | Erlang B, utilisation                    | 0.59542 | 0.59560  | 0.00054 | 0.00104       | +0.03%     |
//! | 2 × M/M/1/3 λ=2.2 `next`, P(blocked)     | 0.21976 | 0.21997  | 0.00068 | 0.00130       | +0.10%     |
//! | `next`, mean wait of the admitted        | 1.24934 | 1.24933  | 0.00227 | 0.00433       | -0.00%     |
//! | Cobham ρ=0.7, urgent (40%, exp.)         | 0.75347 | 0.75250  | 0.00347 | 0.00663       | -0.13%     |
//! | Cobham, routine (60%, gamma cv 0.5)      | 2.51157 | 2.49149  | 0.03006 | 0.05744       | -0.80%     |
//!
//! Largest |error| / tolerance: 0.59. The tests share the seed, so their errors are correlated
//! (the blocking probabilities all come out about 0.2% high with seed 1). Over seeds 1 to 40
//! (`NOBAT_VALIDATION_SEED`), 1 of the 560 checks failed (Cobham's routine class with seed 10,
//! |error| / tolerance 1.0005; about 0.6 expected at level 0.001), and the mean standardised
//! error of every check was between -0.34 and -0.08 with standard errors of 0.14 to 0.22: no
//! detectable bias. An analysis of variance of the Erlang B blocking over 400 seeds of 16
//! replications (F = 1.02 on 399 and 6 000 degrees of freedom) found the replications of a seed
//! independent. With the horizons doubled, seed 1 fails two of these correlated checks (the
//! balking and Erlang B probabilities, both at about 4.4 standard errors, the same +0.0004 as at
//! this horizon) while 40 seeds again show no bias (mean standardised errors -0.30 to +0.05):
//! an unlucky stream, not a bias, and a reminder that one seed's checks are not independent.
//!
//! Tolerances are about 0.5% of a probability and 0.3–2% of a mean wait, far below the effect
//! of a plausible bug: a balking threshold off by one moves P(balk) by 7–9% (0.221 or 0.258), a
//! capacity off by one or counting only those waiting moves P(blocked) by 22% or 27%,
//! priorities taken in file order would give the classes 3.12 (urgent) and 0.94 (routine), and
//! ignored priorities 1.81 both.

mod support;

use support::check::{self, Verdicts};
use support::theory::{self, Class};
use support::{one_service, per_replication, share_of, Setup};

const EXPONENTIAL_1: &str = r#"{ dist = "exponential", mean = 1.0 }"#;

/// The theoretical helpers against closed forms and against each other, so that a wrong formula
/// cannot make a wrong simulator pass.
#[test]
fn theory_helpers_match_known_values() {
    let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() <= tol, "{a} vs {b}");

    // Erlang B by hand: B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; tables:
    // B(4, 3) = 0.2061, B(10, 5) = 0.01838.
    close(theory::erlang_b(1, 0.5), 0.5 / 1.5, 1e-15);
    close(theory::erlang_b(2, 1.0), 0.2, 1e-15);
    close(theory::erlang_b(4, 3.0), 0.2061, 5e-5);
    close(theory::erlang_b(10, 5.0), 0.01838, 5e-6);

    // M/M/c/K: with K = c it is Erlang B (and nobody waits); with c = 1 the closed form
    // pi_K = (1 - rho) rho^K / (1 - rho^(K+1)) and Lq = sum (n - 1) pi_n; with K large, M/M/c.
    let loss = theory::mmck(4, 4, 3.0, 1.0);
    close(loss.p_lost, theory::erlang_b(4, 3.0), 1e-14);
    close(loss.wait, 0.0, 1e-15);
    close(loss.utilization, 3.0 * (1.0 - loss.p_lost) / 4.0, 1e-14);
    let (rho, k) = (0.9f64, 4);
    let pi = |n: i32| (1.0 - rho) * rho.powi(n) / (1.0 - rho.powi(k + 1));
    let mm1k = theory::mmck(1, k as u32, rho, 1.0);
    close(mm1k.p_lost, pi(k), 1e-14);
    let lq: f64 = (2..=k).map(|n| f64::from(n - 1) * pi(n)).sum();
    close(mm1k.wait, lq / (rho * (1.0 - pi(k))), 1e-14);
    let big = theory::mmck(5, 400, 4.5, 1.0);
    close(big.wait, theory::mmc_wait(5, 4.5, 1.0), 1e-12);
    // M/M/2/5 at rho 1: every state 2..5 has the same probability p2 = p1 / 2 = p0 / 2, so
    // 1 = p0 (1 + 2 + 4 / 2) = 5.5 p0: pi_5 = 1 / 5.5 and Lq = (1 + 2 + 3) / 5.5, over lambda
    // (1 - pi_5) = 2 * 4.5 / 5.5.
    let m = theory::mmck(2, 5, 2.0, 1.0);
    close(m.p_lost, 2.0 / 11.0, 1e-14);
    close(m.wait, 6.0 / 9.0, 1e-14);

    // Balking with probability 1 above N waiting is M/M/c/K with K = c + N + 1; with
    // probability 0 it is M/M/c.
    let b = theory::mmc_balking(2, 2.4, 1.0, 2, 1.0);
    let k = theory::mmck(2, 5, 2.4, 1.0);
    close(b.p_lost, k.p_lost, 1e-14);
    close(b.wait, k.wait, 1e-14);
    let b0 = theory::mmc_balking(5, 4.5, 1.0, 3, 0.0);
    close(b0.p_lost, 0.0, 0.0);
    close(b0.wait, theory::mmc_wait(5, 4.5, 1.0), 1e-12);

    // Erlang-A: without patience (theta = 0) it is Erlang C.
    let a0 = theory::erlang_a(5, 4.5, 1.0, 0.0);
    close(a0.p_abandon, 0.0, 0.0);
    close(a0.p_abandon_by_position, 0.0, 1e-12);
    close(a0.served_wait, theory::mmc_wait(5, 4.5, 1.0), 1e-12);
    close(a0.p_wait, theory::erlang_c(5, 4.5), 1e-12);
    // With theta = mu every client present leaves at rate mu, as in M/M/inf: N is Poisson(a).
    // With c = 1, P(abandon) = theta E[(N - 1)+] / lambda = (a - 1 + e^-a) / a.
    let a = 1.7f64;
    let a1 = theory::erlang_a(1, a, 1.0, 1.0);
    close(a1.p_abandon, (a - 1.0 + (-a).exp()) / a, 1e-12);
    close(a1.utilization, 1.0 - (-a).exp(), 1e-12);
    // The two derivations agree (flow balance and Little against the position argument), for
    // the tested case and others.
    for (c, lambda, theta) in [(3, 3.0, 0.5), (1, 0.7, 2.0), (10, 14.0, 0.1), (2, 1.0, 3.0)] {
        let e = theory::erlang_a(c, lambda, 1.0, theta);
        close(e.p_abandon_by_position, e.p_abandon, 1e-12);
        close(e.wait_all_by_position, e.wait_all, 1e-12);
        // Served clients are carried load: lambda (1 - P(ab)) / (c mu).
        close(e.utilization, lambda * (1.0 - e.p_abandon) / f64::from(c), 1e-12);
        // The served wait is a conditional mean of the waits: between 0 and the largest.
        assert!(e.served_wait > 0.0 && e.served_wait < e.wait_all / (1.0 - e.p_abandon));
    }

    // The general chain solver agrees with the birth–death recursion (M/M/2/5 at rho 1.1).
    let k = theory::mmck(2, 5, 2.2, 1.0);
    let p = theory::stationary(6, |n| {
        let mut out = Vec::new();
        if n < 5 {
            out.push((n + 1, 2.2));
        }
        if n > 0 {
            out.push((n - 1, n.min(2) as f64));
        }
        out
    });
    close(p[5], k.p_lost, 1e-14);
    close(p.iter().sum::<f64>(), 1.0, 1e-14);
    // Two offices with room for one client each that send a full office's clients to the other
    // are one loss system with two counters: Erlang B(2, a).
    let pair = theory::overflow_pair(1, 1, 1.3, 1.0);
    close(pair.p_lost, theory::erlang_b(2, 1.3), 1e-14);
    close(pair.wait, 0.0, 1e-15);
    // Sending clients on helps: fewer are blocked than at two separate M/M/1/3 (P = 0.2868 at
    // rho 1.1), but more than at one M/M/2/6 with a shared queue (the best use of the room).
    let pair = theory::overflow_pair(1, 3, 2.2, 1.0);
    let alone = theory::mmck(1, 3, 1.1, 1.0);
    close(alone.p_lost, 1.331 * 0.1 / (1.4641 - 1.0), 1e-12);
    assert!(pair.p_lost < alone.p_lost && pair.p_lost > theory::mmck(2, 6, 2.2, 1.0).p_lost);
    close(pair.utilization, 2.2 * (1.0 - pair.p_lost) / 2.0, 1e-12);

    // Cobham: one class is Pollaczek–Khinchine; two classes conserve work (Kleinrock):
    // sum rho_k W_k = rho W_FIFO, with W_FIFO the P-K wait of the mix.
    let one = theory::cobham(&[Class {
        lambda: 0.8,
        mean: 1.0,
        second_moment: 2.0,
    }]);
    close(one[0], theory::pk_wait(0.8, 1.0, 1.0), 1e-14);
    let classes = [
        Class {
            lambda: 0.28,
            mean: 1.0,
            second_moment: 2.0,
        },
        Class {
            lambda: 0.42,
            mean: 1.0,
            second_moment: 1.25,
        },
    ];
    let w = theory::cobham(&classes);
    let fifo = 0.7 * (0.4 * 2.0 + 0.6 * 1.25) / (2.0 * 0.3);
    close(0.28 * w[0] + 0.42 * w[1], 0.7 * fifo, 1e-12);
    close(w[0], 0.5425 / 0.72, 1e-12);
    close(w[1], 0.5425 / (0.72 * 0.3), 1e-12);
}

/// Erlang-A (M/M/3+M): 3 counters, lambda 3, mu 1, exponential patience of mean 2 (theta 0.5).
/// Offered load 3 = c: without patience the queue would be null-recurrent; with it, about 19%
/// abandon. Checked: P(abandon) per replication (`abandoned / arrived`), the mean wait of
/// served clients (`wait_mean`: the simulator reports the waits of served clients only) and
/// the utilisation `lambda (1 - P(ab)) / (c mu)`.
#[test]
fn erlang_a_abandonment_and_wait() {
    let (c, lambda, mu, theta) = (3, 3.0, 1.0, 0.5);
    let e = theory::erlang_a(c, lambda, mu, theta);
    let p = Setup {
        services: one_service(EXPONENTIAL_1, r#"patience = { dist = "exponential", mean = 2.0 }"#),
        horizon: 100_000.0,
        warmup: 2_000.0,
        ..Setup::single_office(lambda, c, EXPONENTIAL_1)
    }
    .run();
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.served + r.outcomes.abandoned, "{r:?}");
    }
    let mut v = Verdicts::new("Erlang-A", check::ERLANG_A);
    v.mean(
        "P(abandon)",
        &per_replication(&p, |r| share_of(r, r.outcomes.abandoned)),
        e.p_abandon,
    );
    v.mean(
        "mean wait of served",
        &per_replication(&p, |r| r.wait_mean),
        e.served_wait,
    );
    v.mean("utilization", &per_replication(&p, |r| r.utilization), e.utilization);
    v.finish();
}

/// Balking: M/M/2 at lambda 2.4 (rho 1.2, stable only thanks to balking), where a client who
/// finds more than 2 clients waiting balks with probability 0.5: the birth rate halves from 5
/// present on. Checked: P(balk) and the mean wait of those who join.
#[test]
fn balking_probability_and_wait() {
    let (c, lambda, mu, above, prob) = (2, 2.4, 1.0, 2, 0.5);
    let b = theory::mmc_balking(c, lambda, mu, above, prob);
    let p = Setup {
        services: one_service(EXPONENTIAL_1, "balk_above = 2\nbalk_probability = 0.5"),
        horizon: 100_000.0,
        warmup: 2_000.0,
        ..Setup::single_office(lambda, c, EXPONENTIAL_1)
    }
    .run();
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.served + r.outcomes.balked, "{r:?}");
    }
    let mut v = Verdicts::new("balking", check::BALKING);
    v.mean(
        "P(balk)",
        &per_replication(&p, |r| share_of(r, r.outcomes.balked)),
        b.p_lost,
    );
    v.mean("mean wait of joiners", &per_replication(&p, |r| r.wait_mean), b.wait);
    v.finish();
}

/// M/M/2/5 at lambda 2, mu 1 (rho 1): pi_5 = 2/11 of arrivals are blocked, the admitted wait
/// `E[Lq] / (lambda (1 - pi_5))` = 2/3 on average, and the counters are busy
/// `lambda (1 - pi_5) / (c mu)` = 9/11 of the time.
#[test]
fn mmck_blocking_and_wait() {
    let (c, k, lambda, mu) = (2, 5, 2.0, 1.0);
    let m = theory::mmck(c, k, lambda, mu);
    let p = Setup {
        office_keys: "capacity = 5".into(),
        horizon: 100_000.0,
        warmup: 2_000.0,
        ..Setup::single_office(lambda, c, EXPONENTIAL_1)
    }
    .run();
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.served + r.outcomes.blocked, "{r:?}");
    }
    let mut v = Verdicts::new("M/M/2/5", check::MMCK);
    v.mean(
        "P(blocked)",
        &per_replication(&p, |r| share_of(r, r.outcomes.blocked)),
        m.p_lost,
    );
    v.mean("mean wait of admitted", &per_replication(&p, |r| r.wait_mean), m.wait);
    v.mean("utilization", &per_replication(&p, |r| r.utilization), m.utilization);
    v.finish();
}

/// Erlang's loss system M/M/4/4 at offered load 3: B(4, 3) = 0.2061 of arrivals are blocked,
/// and nobody ever waits.
#[test]
fn erlang_b_loss_system() {
    let (c, lambda, mu) = (4, 3.0, 1.0);
    let m = theory::mmck(c, c, lambda, mu);
    assert!((m.p_lost - theory::erlang_b(c, lambda / mu)).abs() < 1e-14);
    let p = Setup {
        office_keys: "capacity = 4".into(),
        horizon: 100_000.0,
        warmup: 2_000.0,
        ..Setup::single_office(lambda, c, EXPONENTIAL_1)
    }
    .run();
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.served + r.outcomes.blocked, "{r:?}");
        assert_eq!(r.wait_mean, Some(0.0), "nobody waits in a loss system");
    }
    let mut v = Verdicts::new("Erlang B", check::ERLANG_B);
    v.mean(
        "P(blocked)",
        &per_replication(&p, |r| share_of(r, r.outcomes.blocked)),
        theory::erlang_b(c, lambda / mu),
    );
    v.mean("utilization", &per_replication(&p, |r| r.utilization), m.utilization);
    v.finish();
}

/// Two classes on one counter with non-preemptive priority, lambda 0.7 in all: `urgent` (40%,
/// exponential service of mean 1, `E[S^2]` = 2) before `routine` (60%, gamma of mean 1 and cv
/// 0.5, `E[S^2]` = 1.25). Cobham: `W0` = (0.28 * 2 + 0.42 * 1.25) / 2 = 0.5425, `W_urgent` =
/// 0.5425 / 0.72 = 0.7535 and `W_routine` = 0.5425 / (0.72 * 0.3) = 2.5116 (FIFO would give
/// both 1.808). `routine` comes first in the file with the larger priority number, so the
/// order of service must come from the priorities, not from the file order.
#[test]
fn priorities_match_cobham() {
    let lambda = 0.7;
    let classes = [
        Class {
            lambda: 0.4 * lambda,
            mean: 1.0,
            second_moment: 2.0,
        },
        Class {
            lambda: 0.6 * lambda,
            mean: 1.0,
            second_moment: 1.25,
        },
    ];
    let w = theory::cobham(&classes);
    let p = Setup {
        services: [
            r#"[[service]]
            name = "routine"
            share = 0.6
            priority = 7
            duration = { dist = "gamma", mean = 1.0, cv = 0.5 }"#,
            r#"[[service]]
            name = "urgent"
            share = 0.4
            priority = -1
            duration = { dist = "exponential", mean = 1.0 }"#,
        ]
        .join("\n"),
        ..Setup::single_office(lambda, 1, EXPONENTIAL_1)
    }
    .run();
    let mut v = Verdicts::new("Cobham", check::COBHAM);
    v.mean(
        "mean wait, urgent (prio -1)",
        &per_replication(&p, |r| r.service_wait_mean[1]),
        w[0],
    );
    v.mean(
        "mean wait, routine (prio 7)",
        &per_replication(&p, |r| r.service_wait_mean[0]),
        w[1],
    );
    v.finish();
}

/// `on_full = "next"`: two single-counter offices with room for 3 each, `random` over them at
/// lambda 2.2 (rho 1.1 each), no travel. A client finding its office full goes to the other if
/// it has room, else it is blocked: a Markov chain on the two offices' counts
/// ([`theory::overflow_pair`]), whose blocking is 22% (against 29% for two separate M/M/1/3).
/// Checked: P(blocked) and the mean wait of those admitted.
#[test]
fn on_full_next_matches_its_markov_chain() {
    let (c, k, lambda, mu) = (1, 3, 2.2, 1.0);
    let m = theory::overflow_pair(c, k, lambda, mu);
    let p = Setup {
        offices: 2,
        office_keys: "capacity = 3\non_full = \"next\"".into(),
        horizon: 100_000.0,
        warmup: 2_000.0,
        ..Setup::single_office(lambda, c, EXPONENTIAL_1)
    }
    .run();
    for r in &p.replications {
        assert_eq!(r.arrived, r.outcomes.served + r.outcomes.blocked, "{r:?}");
    }
    let mut v = Verdicts::new("next", check::OVERFLOW);
    v.mean(
        "P(blocked)",
        &per_replication(&p, |r| share_of(r, r.outcomes.blocked)),
        m.p_lost,
    );
    v.mean("mean wait of admitted", &per_replication(&p, |r| r.wait_mean), m.wait);
    v.finish();
}
