//! Maximum-likelihood fits of service times to the built-in continuous families (exponential,
//! gamma, lognormal, Weibull), each with its log-likelihood, AIC and Kolmogorov–Smirnov test.
//!
//! Closed forms where they exist (exponential, lognormal); gamma and Weibull by Newton's method
//! on the one-dimensional profile likelihood of the shape (the scale has a closed form given
//! the shape). The family with the smallest AIC (`2·params − 2·log-likelihood`) is chosen: it
//! rewards fit and penalises the extra parameter of the two-parameter families over the
//! exponential.
//!
//! The KS p-value is that of the Kolmogorov distribution, by its asymptotic series
//! `Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²)` with Stephens' small-sample correction
//! `λ = (√n + 0.12 + 0.11/√n) · D` (statrs has no Kolmogorov distribution). With parameters
//! estimated from the same data the true p-value is smaller than this (Lilliefors): read it as
//! a guide to gross misfit, and compare families by AIC.

use statrs::distribution::{ContinuousCDF, Gamma, LogNormal, Weibull};
use statrs::function::gamma::{digamma, ln_gamma};

/// A fitted family: its parameters in the scenario's terms, how well it fits, and the
/// standard errors of its natural parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedDist {
    /// `exponential`, `gamma`, `lognormal` or `weibull`.
    pub family: &'static str,
    /// The parameters as a scenario writes them: `mean` (exponential), `mean` and `cv`
    /// (gamma, lognormal), `shape` and `scale` (Weibull).
    pub params: Vec<(&'static str, f64)>,
    /// The family's natural parameters with their asymptotic standard errors (from the
    /// inverse Fisher information over `n`): `mean` (exponential), `mu` and `sigma` of the
    /// logarithm (lognormal), `shape` and `scale` (gamma), `shape` and `scale` (Weibull).
    pub natural: Vec<(&'static str, f64, f64)>,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's criterion: `2·k − 2·log-likelihood`; smaller is better.
    pub aic: f64,
    /// Kolmogorov–Smirnov statistic: the largest distance between the empirical and fitted CDFs.
    pub ks_statistic: f64,
    /// Its asymptotic p-value (see the module documentation).
    pub ks_p_value: f64,
}

impl FittedDist {
    /// The distribution as a scenario's inline table, e.g.
    /// `{ dist = "lognormal", mean = 12.5, cv = 0.6 }`.
    pub fn to_toml(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| format!("{k} = {}", round(*v)))
            .collect();
        format!("{{ dist = \"{}\", {} }}", self.family, params.join(", "))
    }
}

/// Six significant digits: enough for any service time, short to read.
pub fn round(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Why a sample cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer than two positive observations.
    #[error("needs at least 2 service times above 0, got {0}")]
    TooFew(usize),
    /// Every observation is the same: no spread to fit.
    #[error("all {0} service times are equal ({1} min): a `deterministic` duration, nothing to fit")]
    Constant(usize, f64),
    /// No family has a finite likelihood (values at the edge of what a float holds).
    #[error("no family fits these {0} service times: their likelihood is not finite under any")]
    NoFamily(usize),
}

/// Sorted positive observations with the sums every estimator needs.
struct Sample<'a> {
    x: &'a [f64],
    n: f64,
    mean: f64,
    mean_ln: f64,
}

/// Fits every family to `times` (minutes; zeros and negatives are left out, as none of these
/// families has them), best AIC first.
pub fn fit_all(times: &[f64]) -> Result<Vec<FittedDist>, FitError> {
    let mut x: Vec<f64> = times.iter().copied().filter(|t| *t > 0.0 && t.is_finite()).collect();
    if x.len() < 2 {
        return Err(FitError::TooFew(x.len()));
    }
    x.sort_by(f64::total_cmp);
    if x[0] == x[x.len() - 1] {
        return Err(FitError::Constant(x.len(), x[0]));
    }
    let n = x.len() as f64;
    let s = Sample {
        x: &x,
        n,
        mean: x.iter().sum::<f64>() / n,
        mean_ln: x.iter().map(|v| v.ln()).sum::<f64>() / n,
    };
    let mut fits = vec![exponential(&s), lognormal(&s), gamma(&s), weibull(&s)];
    fits.retain(|f| f.log_likelihood.is_finite());
    if fits.is_empty() {
        return Err(FitError::NoFamily(x.len()));
    }
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    Ok(fits)
}

fn finish(
    s: &Sample,
    family: &'static str,
    params: Vec<(&'static str, f64)>,
    natural: Vec<(&'static str, f64, f64)>,
    log_likelihood: f64,
    cdf: impl Fn(f64) -> f64,
) -> FittedDist {
    let k = natural.len() as f64;
    let d = ks_statistic(s.x, cdf);
    FittedDist {
        family,
        params,
        natural,
        log_likelihood,
        aic: 2.0 * k - 2.0 * log_likelihood,
        ks_statistic: d,
        ks_p_value: ks_p_value(d, s.x.len()),
    }
}

/// Exponential: the mean is the sample mean; `se = mean / √n`.
fn exponential(s: &Sample) -> FittedDist {
    let m = s.mean;
    let ll = -s.n * (m.ln() + 1.0);
    finish(
        s,
        "exponential",
        vec![("mean", m)],
        vec![("mean", m, m / s.n.sqrt())],
        ll,
        |t| 1.0 - (-t / m).exp(),
    )
}

/// Lognormal: `mu` and `sigma` are the mean and (n-divided) standard deviation of `ln x`;
/// `se(mu) = sigma/√n`, `se(sigma) = sigma/√(2n)`.
fn lognormal(s: &Sample) -> FittedDist {
    let mu = s.mean_ln;
    let var = s.x.iter().map(|v| (v.ln() - mu).powi(2)).sum::<f64>() / s.n;
    let sigma = var.sqrt();
    let ll = -s.n * (mu + 0.5 * (2.0 * std::f64::consts::PI * var).ln() + 0.5);
    let mean = (mu + var / 2.0).exp();
    let cv = (var.exp() - 1.0).sqrt();
    let cdf = LogNormal::new(mu, sigma).ok();
    finish(
        s,
        "lognormal",
        vec![("mean", mean), ("cv", cv)],
        vec![
            ("mu", mu, sigma / s.n.sqrt()),
            ("sigma", sigma, sigma / (2.0 * s.n).sqrt()),
        ],
        if cdf.is_some() { ll } else { f64::NAN },
        |t| cdf.as_ref().map_or(f64::NAN, |d| d.cdf(t)),
    )
}

/// Trigamma ψ'(x) for x > 0: the recurrence up to x ≥ 10, then the asymptotic series.
pub fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + 1.0 / x + x2 / 2.0 + (1.0 / x) * x2 * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)))
}

/// Gamma: the shape `k` solves `ln k − ψ(k) = ln(mean) − mean(ln x)` (Newton from Minka's
/// starting point, in the logarithm of `k` so it stays positive), the scale is `mean / k`.
/// Standard errors from the Fisher information `[[ψ'(k), 1/θ], [1/θ, k/θ²]]` per observation.
fn gamma(s: &Sample) -> FittedDist {
    let c = (s.mean.ln() - s.mean_ln).max(1e-12);
    let mut k = (3.0 - c + ((c - 3.0).powi(2) + 24.0 * c).sqrt()) / (12.0 * c);
    for _ in 0..100 {
        let f = k.ln() - digamma(k) - c;
        let df = 1.0 / k - trigamma(k);
        // Newton on ln k: d f / d ln k = k f'(k).
        let step = f / (k * df);
        k *= (-step).exp().clamp(0.5, 2.0);
        if step.abs() < 1e-12 {
            break;
        }
    }
    let theta = s.mean / k;
    let ll = s.n * ((k - 1.0) * s.mean_ln - s.mean / theta - k * theta.ln() - ln_gamma(k));
    let det = k * trigamma(k) - 1.0;
    let (se_k, se_theta) = ((k / det / s.n).sqrt(), (theta * theta * trigamma(k) / det / s.n).sqrt());
    let cdf = Gamma::new(k, 1.0 / theta).ok();
    finish(
        s,
        "gamma",
        vec![("mean", s.mean), ("cv", 1.0 / k.sqrt())],
        vec![("shape", k, se_k), ("scale", theta, se_theta)],
        if cdf.is_some() { ll } else { f64::NAN },
        |t| cdf.as_ref().map_or(f64::NAN, |d| d.cdf(t)),
    )
}

/// Weibull: the shape `k` solves `Σ x^k ln x / Σ x^k − 1/k − mean(ln x) = 0` (Newton in
/// `ln k`), the scale is `(Σ x^k / n)^(1/k)`. Observations are divided by their mean first, so
/// `x^k` cannot overflow.
fn weibull(s: &Sample) -> FittedDist {
    let unit = s.mean;
    let ln_u: Vec<f64> = s.x.iter().map(|v| (v / unit).ln()).collect();
    let mean_ln_u = ln_u.iter().sum::<f64>() / s.n;
    let sums = |k: f64| {
        let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
        for &l in &ln_u {
            let p = (k * l).exp();
            a += p;
            b += p * l;
            c += p * l * l;
        }
        (a, b, c)
    };
    let sd_ln = (ln_u.iter().map(|l| (l - mean_ln_u).powi(2)).sum::<f64>() / s.n).sqrt();
    let mut k = (1.2825 / sd_ln.max(1e-9)).clamp(0.05, 50.0);
    for _ in 0..200 {
        let (a, b, c) = sums(k);
        let f = b / a - 1.0 / k - mean_ln_u;
        let df = (c * a - b * b) / (a * a) + 1.0 / (k * k);
        let step = f / (k * df);
        k *= (-step).exp().clamp(0.5, 2.0);
        if step.abs() < 1e-12 {
            break;
        }
    }
    let (a, _, _) = sums(k);
    let scale = unit * (a / s.n).powf(1.0 / k);
    let ll = s.n * (k.ln() - k * scale.ln()) + (k - 1.0) * s.n * s.mean_ln - s.n;
    // Fisher information of (shape k, scale λ) per observation, with Euler's γ:
    // I_kk = ((1 − γ)² + π²/6) / k², |I_kλ| = (1 − γ) / λ, I_λλ = k² / λ².
    let g = 0.577_215_664_901_532_9_f64;
    let (ikk, ikl, ill) = (
        ((1.0 - g).powi(2) + std::f64::consts::PI.powi(2) / 6.0) / (k * k),
        (1.0 - g) / scale,
        k * k / (scale * scale),
    );
    let det = ikk * ill - ikl * ikl;
    let cdf = Weibull::new(k, scale).ok();
    finish(
        s,
        "weibull",
        vec![("shape", k), ("scale", scale)],
        vec![
            ("shape", k, (ill / det / s.n).sqrt()),
            ("scale", scale, (ikk / det / s.n).sqrt()),
        ],
        if cdf.is_some() { ll } else { f64::NAN },
        |t| cdf.as_ref().map_or(f64::NAN, |d| d.cdf(t)),
    )
}

/// `sup |F_n − F|` over a sorted sample: at each point, both sides of the empirical step.
pub fn ks_statistic(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    sorted.iter().enumerate().fold(0.0, |d, (i, &x)| {
        let f = cdf(x);
        d.max(f - i as f64 / n).max((i + 1) as f64 / n - f)
    })
}

/// The asymptotic Kolmogorov p-value of `d` for `n` observations (see the module docs).
pub fn ks_p_value(d: f64, n: usize) -> f64 {
    let sn = (n as f64).sqrt();
    let lambda = (sn + 0.12 + 0.11 / sn) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let k = f64::from(k);
        let term = (-2.0 * k * k * lambda * lambda).exp();
        sum += if k as u32 % 2 == 1 { term } else { -term };
        if term < 1e-16 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Service times at the edge of what a float holds: no family has a finite likelihood, and
    /// the fit says so instead of choosing among nothing.
    #[test]
    fn no_finite_likelihood_is_an_error() {
        assert!(matches!(
            fit_all(&[1.7e308, 1.7000000000000001e308]),
            Err(FitError::NoFamily(2))
        ));
    }
    use crate::random::{stream, StreamKind};
    use rand_distr::{Distribution, Exp, Gamma as G, LogNormal as L, Weibull as W};

    fn draws(d: impl Distribution<f64>, n: usize) -> Vec<f64> {
        let mut rng = stream(3, 0, StreamKind::Service);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    fn natural(f: &FittedDist, name: &str) -> (f64, f64) {
        let (_, v, se) = f.natural.iter().find(|p| p.0 == name).copied().unwrap();
        (v, se)
    }

    /// Each family is recovered from 20 000 of its own draws within 4 standard errors, and
    /// chosen by AIC over the others.
    #[test]
    fn recovers_each_family() {
        let n = 20_000;
        // (family, draws, true natural parameters)
        type Case = (&'static str, Vec<f64>, Vec<(&'static str, f64)>);
        let cases: Vec<Case> = vec![
            ("exponential", draws(Exp::new(0.2).unwrap(), n), vec![("mean", 5.0)]),
            (
                "gamma",
                draws(G::new(3.0, 2.0).unwrap(), n),
                vec![("shape", 3.0), ("scale", 2.0)],
            ),
            (
                "lognormal",
                draws(L::new(2.0, 0.5).unwrap(), n),
                vec![("mu", 2.0), ("sigma", 0.5)],
            ),
            (
                "weibull",
                draws(W::new(10.0, 1.7).unwrap(), n),
                vec![("shape", 1.7), ("scale", 10.0)],
            ),
        ];
        for (family, x, truth) in cases {
            let fits = fit_all(&x).unwrap();
            assert_eq!(fits[0].family, family, "{fits:#?}");
            for (name, value) in truth {
                let (v, se) = natural(&fits[0], name);
                assert!((v - value).abs() < 4.0 * se, "{family} {name}: {v} ± {se} vs {value}");
            }
            assert!(fits[0].ks_p_value > 0.001, "{family}: {:?}", fits[0]);
        }
    }

    /// The two-parameter families reduce to the exponential at shape 1, and the KS test
    /// rejects an exponential fitted to clearly non-exponential data.
    #[test]
    fn gamma_and_weibull_of_exponential_data_and_ks_rejects_misfit() {
        let x = draws(Exp::new(1.0).unwrap(), 20_000);
        let fits = fit_all(&x).unwrap();
        for f in ["gamma", "weibull"] {
            let (k, se) = natural(fits.iter().find(|g| g.family == f).unwrap(), "shape");
            assert!((k - 1.0).abs() < 4.0 * se, "{f} shape {k}");
        }
        let x = draws(L::new(0.0, 1.5).unwrap(), 5_000);
        let fits = fit_all(&x).unwrap();
        let exp = fits.iter().find(|f| f.family == "exponential").unwrap();
        assert!(exp.ks_p_value < 1e-6, "{exp:?}");
    }

    /// Known values: trigamma(1) = π²/6; the Kolmogorov p-value at λ = 1.36 is about 0.049.
    #[test]
    fn special_functions() {
        assert!((trigamma(1.0) - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-10);
        assert!((trigamma(0.5) - std::f64::consts::PI.powi(2) / 2.0).abs() < 1e-10);
        let p = ks_p_value(1.36 / 1e3, 1_000_000);
        assert!((p - 0.0494).abs() < 0.001, "{p}");
        assert_eq!(round(12.3456789), "12.3457");
        assert_eq!(round(1234567.0), "1234567");
    }

    #[test]
    fn refuses_what_cannot_be_fitted() {
        assert_eq!(fit_all(&[1.0]), Err(FitError::TooFew(1)));
        assert_eq!(fit_all(&[2.0, 2.0, 0.0]), Err(FitError::Constant(2, 2.0)));
    }
}
