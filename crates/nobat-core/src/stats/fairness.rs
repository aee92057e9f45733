//! Fairness across offices or zones: the weighted Gini coefficient.

/// The Gini coefficient of `values` weighted by `weights`: the mean absolute difference between
/// two values drawn by weight, over twice the weighted mean. 0 when all are equal; approaching
/// 1 when one carries everything. `None` when the weights sum to zero or the mean is zero.
pub fn weighted_gini(values: &[f64], weights: &[f64]) -> Option<f64> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
    if mean <= 0.0 {
        return (mean == 0.0).then_some(0.0);
    }
    let mut pairs = 0.0;
    for (vi, wi) in values.iter().zip(weights) {
        for (vj, wj) in values.iter().zip(weights) {
            pairs += wi * wj * (vi - vj).abs();
        }
    }
    Some(pairs / (2.0 * total * total * mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(weighted_gini(&[3.0, 3.0, 3.0], &[1.0, 5.0, 2.0]), Some(0.0));
        // Two equal groups, one at 0 and one at 1: mean 0.5, E|X - Y| = 0.5, Gini = 0.5.
        assert!((weighted_gini(&[0.0, 1.0], &[1.0, 1.0]).unwrap() - 0.5).abs() < 1e-12);
        // Weights act as repetitions.
        let a = weighted_gini(&[1.0, 4.0], &[2.0, 1.0]).unwrap();
        let b = weighted_gini(&[1.0, 1.0, 4.0], &[1.0, 1.0, 1.0]).unwrap();
        assert!((a - b).abs() < 1e-12);
        assert_eq!(weighted_gini(&[1.0], &[0.0]), None);
    }
}
