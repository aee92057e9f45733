//! Confidence intervals across replications (Student t, from statrs).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the factor of a two-sided 95%
/// interval).
pub fn student_t_975(df: u64) -> f64 {
    // Only `df = 0` is refused by statrs; it has no interval (NaN, shown as an empty cell).
    StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// The mean of `xs` and the half-width of its 95% Student-t confidence interval; the
/// half-width is `None` with fewer than two values, the mean `None` with none.
pub fn mean_and_half_width(xs: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = xs.len();
    if n == 0 {
        return (None, None);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (Some(mean), None);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (Some(mean), Some(student_t_975(n as u64 - 1) * (var / n as f64).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((student_t_975(1) - 12.706).abs() < 1e-3);
        assert!((student_t_975(9) - 2.262).abs() < 1e-3);
        assert!((student_t_975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn interval_of_known_values() {
        let (m, h) = mean_and_half_width(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, Some(2.5));
        // sd = 1.2910, se = 0.6455, t(3) = 3.1824
        assert!((h.unwrap() - 2.0543).abs() < 1e-3);
        assert_eq!(mean_and_half_width(&[5.0]), (Some(5.0), None));
    }
}
