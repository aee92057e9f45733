//! Erlang's formulas for a single M/M/c queue: the probability of waiting (Erlang C), the tail
//! of the wait, and the fewest counters that bring a wait quantile under a target. They size a
//! stretch of the day as if it were a steady M/M/c queue at that stretch's arrival rate: the
//! staffing hint of `by_hour.csv`, a rule of thumb beside what the simulation measured.

/// The most counters [`counters_for_wait_quantile`] tries: more than any office has.
const MAX_COUNTERS: u32 = 100_000;

/// Erlang B, the blocking probability of an M/M/c/c loss system with offered load `a` (Erlangs),
/// by the recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, which never overflows.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// Erlang C, the probability that an arrival waits in an M/M/c queue with offered load `a`:
/// `C = B / (1 - rho (1 - B))` with `B` Erlang B and `rho = a / c`. `None` when the queue is
/// not stable (`a >= c`): then every arrival eventually waits, without bound.
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    // NaN fails this test too.
    if a.is_nan() || a >= f64::from(c) {
        return None;
    }
    let b = erlang_b(c, a);
    let rho = a / f64::from(c);
    Some(b / (1.0 - rho * (1.0 - b)))
}

/// `P(W > t)` in an M/M/c queue with arrival rate `lambda` and service rate `mu` per counter:
/// `C(c, a) exp(-(c mu - lambda) t)`; `None` when unstable.
pub fn wait_tail(c: u32, lambda: f64, mu: f64, t: f64) -> Option<f64> {
    let c_prob = erlang_c(c, lambda / mu)?;
    Some(c_prob * (-(f64::from(c) * mu - lambda) * t).exp())
}

/// The fewest counters whose M/M/c wait has `P(W > target) <= 1 - q` (e.g. `q = 0.9`: the 90th
/// percentile of the wait is at most `target`), at arrival rate `lambda` and mean service
/// `mean_service` (minutes). 0 when nobody arrives; `None` for a rate or service that is not a
/// positive finite number, or past an implausible number of counters.
pub fn counters_for_wait_quantile(lambda: f64, mean_service: f64, target: f64, q: f64) -> Option<u32> {
    if lambda == 0.0 {
        return Some(0);
    }
    if !(lambda > 0.0 && lambda.is_finite() && mean_service > 0.0 && mean_service.is_finite() && target >= 0.0) {
        return None;
    }
    let mu = 1.0 / mean_service;
    // The least stable number of counters, then up one at a time: the tail falls with each.
    let first = ((lambda / mu).floor() as u32).saturating_add(1).max(1);
    (first..=MAX_COUNTERS).find(|&c| wait_tail(c, lambda, mu, target).is_some_and(|p| p <= 1.0 - q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_tables() {
        assert!((erlang_c(1, 0.8).unwrap() - 0.8).abs() < 1e-12);
        assert!((erlang_c(2, 1.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((erlang_c(5, 4.5).unwrap() - 0.7625).abs() < 5e-5);
        assert!((erlang_c(10, 8.0).unwrap() - 0.4092).abs() < 5e-5);
        assert_eq!(erlang_c(3, 3.0), None);
    }

    /// By hand: 1 client a minute, 4-minute services (a = 4 Erlangs), target 5 minutes at the
    /// 90th percentile. c = 5: C = 0.5541, tail = 0.5541 e^{-(1.25 - 1) 5} = 0.1588 > 0.1;
    /// c = 6: C = 0.2848, tail = 0.2848 e^{-(1.5 - 1) 5} = 0.0234 <= 0.1. So 6.
    #[test]
    fn staffing_by_hand() {
        assert!((erlang_c(5, 4.0).unwrap() - 0.5541).abs() < 5e-4);
        assert!((erlang_c(6, 4.0).unwrap() - 0.2848).abs() < 5e-4);
        assert_eq!(counters_for_wait_quantile(1.0, 4.0, 5.0, 0.9), Some(6));
        assert_eq!(counters_for_wait_quantile(0.0, 4.0, 5.0, 0.9), Some(0));
        // A target of 0 at the 90th percentile: at most 10% may wait at all.
        let c = counters_for_wait_quantile(1.0, 4.0, 0.0, 0.9).unwrap();
        assert!(erlang_c(c, 4.0).unwrap() <= 0.1 && erlang_c(c - 1, 4.0).unwrap() > 0.1);
    }
}
