//! Service-time (and later patience, travel) distributions: from a written [`DistSpec`] to a
//! validated sampler with its exact mean and variance.
//!
//! Every family is parameterised as a planner thinks of it (a mean and a coefficient of
//! variation where that is natural) and converted once to the sampler's own parameters, so the
//! hot loop only samples.

use crate::scenario::{DistSpec, ScenarioError};
use crate::SimRng;
use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Triangular, Weibull};

/// The distribution families a scenario may name.
pub const DIST_FAMILIES: &str = "exponential{mean}, deterministic{value}, uniform{min,max}, \
lognormal{mean,cv}, gamma{mean,cv}, erlang{k,mean}, weibull{shape,scale}, \
triangular{min,mode,max}, empirical{values}";

/// A validated distribution of non-negative durations in minutes.
#[derive(Debug, Clone)]
pub struct Dist(Family);

/// The families with the parameters their sampler needs.
#[derive(Debug, Clone)]
enum Family {
    /// Exponential with the given mean.
    Exponential { mean: f64, sampler: Exp<f64> },
    /// Always the same value.
    Deterministic { value: f64 },
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Log-normal with the given mean and coefficient of variation.
    LogNormal {
        mean: f64,
        cv: f64,
        sampler: LogNormal<f64>,
    },
    /// Gamma with the given mean and coefficient of variation (Erlang when the shape is whole).
    Gamma { mean: f64, cv: f64, sampler: Gamma<f64> },
    /// Weibull with shape `k` and scale `lambda`.
    Weibull {
        shape: f64,
        scale: f64,
        sampler: Weibull<f64>,
    },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
        sampler: Triangular<f64>,
    },
    /// Resamples the given observations with equal probability.
    Empirical { values: Vec<f64> },
}

/// Reads each parameter a family needs and refuses the ones it does not take.
struct Params<'a> {
    spec: &'a DistSpec,
    path: &'a str,
}

impl Params<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(format!("{}.{key}", self.path), message)
    }

    fn time(&self, key: &str, value: Option<crate::scenario::Minutes>) -> Result<f64, ScenarioError> {
        value
            .map(|m| m.get())
            .ok_or_else(|| self.err(key, format!("`{}` needs `{key}`", self.spec.dist)))
    }

    fn positive_time(&self, key: &str, value: Option<crate::scenario::Minutes>) -> Result<f64, ScenarioError> {
        let v = self.time(key, value)?;
        if v > 0.0 {
            Ok(v)
        } else {
            Err(self.err(key, format!("must be greater than 0, got {v}")))
        }
    }

    fn cv(&self) -> Result<f64, ScenarioError> {
        match self.spec.cv {
            None => Err(self.err(
                "cv",
                format!("`{}` needs `cv` (coefficient of variation)", self.spec.dist),
            )),
            Some(cv) if cv.is_finite() && cv > 0.0 => Ok(cv),
            Some(cv) => Err(self.err("cv", format!("must be a finite number greater than 0, got {cv}"))),
        }
    }

    /// Refuses parameters that are set but not in `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), ScenarioError> {
        let s = self.spec;
        let present = [
            ("mean", s.mean.is_some()),
            ("value", s.value.is_some()),
            ("min", s.min.is_some()),
            ("max", s.max.is_some()),
            ("mode", s.mode.is_some()),
            ("cv", s.cv.is_some()),
            ("k", s.k.is_some()),
            ("shape", s.shape.is_some()),
            ("scale", s.scale.is_some()),
            ("values", s.values.is_some()),
        ];
        match present.iter().find(|(k, set)| *set && !allowed.contains(k)) {
            Some((k, _)) => Err(self.err(
                k,
                format!("`{}` does not take `{k}`; it takes: {}", s.dist, allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }
}

impl Dist {
    /// Validates a written distribution; `path` is its key path, for error messages.
    pub fn from_spec(spec: &DistSpec, path: &str) -> Result<Dist, ScenarioError> {
        let dist = Self::build(spec, path)?;
        let (mean, variance) = (dist.mean(), dist.variance());
        if !(mean.is_finite() && variance.is_finite()) {
            return Err(ScenarioError::at(
                path,
                format!("these parameters give a mean of {mean} and a variance of {variance}; both must be finite"),
            ));
        }
        Ok(dist)
    }

    fn build(spec: &DistSpec, path: &str) -> Result<Dist, ScenarioError> {
        let p = Params { spec, path };
        let internal = |e: &dyn std::fmt::Display| ScenarioError::at(path, format!("invalid parameters: {e}"));
        match spec.dist.as_str() {
            "exponential" => {
                p.only(&["mean"])?;
                let mean = p.positive_time("mean", spec.mean)?;
                let sampler = Exp::new(1.0 / mean).map_err(|e| internal(&e))?;
                Ok(Dist(Family::Exponential { mean, sampler }))
            }
            "deterministic" => {
                p.only(&["value"])?;
                Ok(Dist(Family::Deterministic {
                    value: p.time("value", spec.value)?,
                }))
            }
            "uniform" => {
                p.only(&["min", "max"])?;
                let (min, max) = (p.time("min", spec.min)?, p.time("max", spec.max)?);
                if max < min {
                    return Err(p.err("max", format!("must be at least min ({min}), got {max}")));
                }
                Ok(Dist(Family::Uniform { min, max }))
            }
            "lognormal" => {
                p.only(&["mean", "cv"])?;
                let (mean, cv) = (p.positive_time("mean", spec.mean)?, p.cv()?);
                let sigma2 = (1.0 + cv * cv).ln();
                let sampler = LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).map_err(|e| internal(&e))?;
                Ok(Dist(Family::LogNormal { mean, cv, sampler }))
            }
            "gamma" => {
                p.only(&["mean", "cv"])?;
                let (mean, cv) = (p.positive_time("mean", spec.mean)?, p.cv()?);
                Self::gamma(mean, cv).map_err(|e| internal(&e))
            }
            "erlang" => {
                p.only(&["k", "mean"])?;
                let mean = p.positive_time("mean", spec.mean)?;
                let k = match spec.k {
                    Some(k) if k >= 1 => k,
                    Some(k) => return Err(p.err("k", format!("must be a whole number of 1 or more, got {k}"))),
                    None => return Err(p.err("k", "`erlang` needs `k` (the number of phases)")),
                };
                Self::gamma(mean, 1.0 / f64::from(k).sqrt()).map_err(|e| internal(&e))
            }
            "weibull" => {
                p.only(&["shape", "scale"])?;
                let shape = match spec.shape {
                    Some(s) if s.is_finite() && s > 0.0 => s,
                    Some(s) => return Err(p.err("shape", format!("must be a finite number greater than 0, got {s}"))),
                    None => return Err(p.err("shape", "`weibull` needs `shape`")),
                };
                let scale = p.positive_time("scale", spec.scale)?;
                let sampler = Weibull::new(scale, shape).map_err(|e| internal(&e))?;
                Ok(Dist(Family::Weibull { shape, scale, sampler }))
            }
            "triangular" => {
                p.only(&["min", "mode", "max"])?;
                let (min, mode, max) = (
                    p.time("min", spec.min)?,
                    p.time("mode", spec.mode)?,
                    p.time("max", spec.max)?,
                );
                if !(min <= mode && mode <= max && min < max) {
                    return Err(p.err(
                        "mode",
                        format!("needs min <= mode <= max with min < max, got {min}, {mode}, {max}"),
                    ));
                }
                let sampler = Triangular::new(min, max, mode).map_err(|e| internal(&e))?;
                Ok(Dist(Family::Triangular {
                    min,
                    mode,
                    max,
                    sampler,
                }))
            }
            "empirical" => {
                p.only(&["values"])?;
                let values: Vec<f64> = spec
                    .values
                    .as_ref()
                    .ok_or_else(|| p.err("values", "`empirical` needs `values`, a list of observed durations"))?
                    .iter()
                    .map(|m| m.get())
                    .collect();
                if values.is_empty() {
                    return Err(p.err("values", "needs at least one value"));
                }
                Ok(Dist(Family::Empirical { values }))
            }
            other => Err(ScenarioError::at(
                format!("{path}.dist"),
                format!("unknown distribution `{other}`; allowed: {DIST_FAMILIES}"),
            )),
        }
    }

    fn gamma(mean: f64, cv: f64) -> Result<Dist, rand_distr::GammaError> {
        let shape = 1.0 / (cv * cv);
        let sampler = Gamma::new(shape, mean / shape)?;
        Ok(Dist(Family::Gamma { mean, cv, sampler }))
    }

    /// An exponential distribution with the given mean (which must be positive and finite).
    ///
    /// # Panics
    ///
    /// If `mean` is not positive and finite: this constructor is for code, not for user data
    /// (scenario files go through [`Dist::from_spec`], which returns an error instead).
    #[allow(clippy::expect_used)] // a programmer's constant, documented above
    pub fn exponential(mean: f64) -> Dist {
        Dist(Family::Exponential {
            mean,
            sampler: Exp::new(1.0 / mean).expect("positive finite mean"),
        })
    }

    /// Draws one value (never negative).
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match &self.0 {
            Family::Exponential { sampler, .. } => sampler.sample(rng),
            Family::Deterministic { value } => *value,
            Family::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Family::LogNormal { sampler, .. } => sampler.sample(rng),
            Family::Gamma { sampler, .. } => sampler.sample(rng),
            Family::Weibull { sampler, .. } => sampler.sample(rng),
            Family::Triangular { sampler, .. } => sampler.sample(rng),
            Family::Empirical { values } => values[rng.random_range(0..values.len())],
        }
    }

    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match &self.0 {
            Family::Exponential { mean, .. } | Family::LogNormal { mean, .. } | Family::Gamma { mean, .. } => *mean,
            Family::Deterministic { value } => *value,
            Family::Uniform { min, max } => (min + max) / 2.0,
            Family::Weibull { shape, scale, .. } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
            Family::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
            Family::Empirical { values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The exact variance.
    pub fn variance(&self) -> f64 {
        match &self.0 {
            Family::Exponential { mean, .. } => mean * mean,
            Family::Deterministic { .. } => 0.0,
            Family::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Family::LogNormal { mean, cv, .. } | Family::Gamma { mean, cv, .. } => (mean * cv).powi(2),
            Family::Weibull { shape, scale, .. } => {
                let g = statrs::function::gamma::gamma;
                scale * scale * (g(1.0 + 2.0 / shape) - g(1.0 + 1.0 / shape).powi(2))
            }
            Family::Triangular {
                min: a,
                mode: c,
                max: b,
                ..
            } => (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            Family::Empirical { values } => {
                let m = self.mean();
                values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64
            }
        }
    }

    /// The squared coefficient of variation, `Var / mean^2` (0 for a zero mean).
    pub fn scv(&self) -> f64 {
        let m = self.mean();
        if m > 0.0 {
            self.variance() / (m * m)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{stream, StreamKind};
    use crate::scenario::Minutes;

    fn spec(dist: &str) -> DistSpec {
        DistSpec {
            dist: dist.into(),
            ..Default::default()
        }
    }

    fn all_families() -> Vec<Dist> {
        let m = |v| Some(Minutes(v));
        vec![
            Dist::from_spec(
                &DistSpec {
                    mean: m(2.0),
                    ..spec("exponential")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    value: m(2.0),
                    ..spec("deterministic")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    min: m(1.0),
                    max: m(3.0),
                    ..spec("uniform")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    mean: m(2.0),
                    cv: Some(0.6),
                    ..spec("lognormal")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    mean: m(2.0),
                    cv: Some(1.5),
                    ..spec("gamma")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    mean: m(2.0),
                    k: Some(3),
                    ..spec("erlang")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    shape: Some(1.7),
                    scale: m(2.0),
                    ..spec("weibull")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    min: m(1.0),
                    mode: m(1.5),
                    max: m(4.0),
                    ..spec("triangular")
                },
                "d",
            )
            .unwrap(),
            Dist::from_spec(
                &DistSpec {
                    values: Some(vec![Minutes(1.0), Minutes(2.0), Minutes(6.0)]),
                    ..spec("empirical")
                },
                "d",
            )
            .unwrap(),
        ]
    }

    /// Sample mean and variance against the exact moments, within 4.5 standard errors
    /// (the variance's standard error estimated from the sample's fourth central moment).
    #[test]
    fn sample_moments_match_exact_moments() {
        let n = 200_000;
        for (i, d) in all_families().into_iter().enumerate() {
            let mut rng = stream(11, i as u32, StreamKind::Service);
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            assert!(xs.iter().all(|&x| x >= 0.0), "{d:?} drew a negative value");
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n as f64;
            let se_mean = (d.variance() / n as f64).sqrt();
            let se_var = ((m4 - var * var) / n as f64).sqrt();
            assert!(
                (mean - d.mean()).abs() <= 4.5 * se_mean + 1e-12,
                "{d:?}: mean {mean} vs {}",
                d.mean()
            );
            assert!(
                (var - d.variance()).abs() <= 4.5 * se_var + 1e-12,
                "{d:?}: var {var} vs {}",
                d.variance()
            );
        }
    }

    #[test]
    fn infinite_moments_are_refused() {
        let e = Dist::from_spec(
            &DistSpec {
                shape: Some(0.001),
                scale: Some(Minutes(1.0)),
                ..spec("weibull")
            },
            "d",
        )
        .unwrap_err();
        assert!(e.message.contains("finite"), "{e}");
        let e = Dist::from_spec(
            &DistSpec {
                min: Some(Minutes(1e308)),
                max: Some(Minutes(1.7e308)),
                ..spec("uniform")
            },
            "d",
        )
        .unwrap_err();
        assert!(e.message.contains("finite"), "{e}");
    }

    #[test]
    fn bad_parameters_name_the_key() {
        let e = Dist::from_spec(
            &DistSpec {
                mean: Some(Minutes(0.0)),
                ..spec("exponential")
            },
            "service[0].duration",
        )
        .unwrap_err();
        assert_eq!(e.path, "service[0].duration.mean");
        let e = Dist::from_spec(
            &DistSpec {
                mean: Some(Minutes(1.0)),
                cv: Some(1.0),
                ..spec("exponential")
            },
            "x",
        )
        .unwrap_err();
        assert!(e.message.contains("does not take `cv`"), "{e}");
        let e = Dist::from_spec(&spec("pareto"), "x").unwrap_err();
        assert!(e.message.contains("unknown distribution"), "{e}");
        let e = Dist::from_spec(
            &DistSpec {
                min: Some(Minutes(3.0)),
                max: Some(Minutes(1.0)),
                ..spec("uniform")
            },
            "x",
        )
        .unwrap_err();
        assert_eq!(e.path, "x.max");
    }
}
