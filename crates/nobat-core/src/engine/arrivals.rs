//! [`ArrivalClock`]: exact sampling of a non-homogeneous Poisson process with a piecewise
//! constant rate, by inverting the cumulative intensity (no thinning, no approximation).

use crate::model::{ArrivalProfile, DAY};
use crate::SimRng;
use rand::Rng;

/// Produces successive arrival instants of the model's arrival process.
pub struct ArrivalClock<'m> {
    profile: &'m ArrivalProfile,
    /// Expected arrivals per day, to stop at once when the profile has none.
    per_day: f64,
}

impl<'m> ArrivalClock<'m> {
    /// A clock for `profile`.
    pub fn new(profile: &'m ArrivalProfile) -> Self {
        let per_day = profile.expected_arrivals(DAY);
        ArrivalClock { profile, per_day }
    }

    /// The first arrival strictly after `t`, or `None` if there is none before `horizon`.
    ///
    /// A unit-rate exponential amount of cumulative intensity `e` is spent piece by piece: the
    /// arrival falls where the integral of λ from `t` reaches `e`.
    pub fn next_after(&self, t: f64, horizon: f64, rng: &mut SimRng) -> Option<f64> {
        if self.per_day <= 0.0 {
            return None;
        }
        let e: f64 = -(1.0 - rng.random::<f64>()).ln();
        let next = match self.profile {
            ArrivalProfile::Constant(rate) => t + e / rate,
            ArrivalProfile::Daily(pieces) => {
                let mut e = e;
                let mut now = t;
                loop {
                    let day = (now / DAY).floor();
                    let tod = now - day * DAY;
                    let Some(p) = pieces.iter().find(|p| p.end > tod) else {
                        now = (day + 1.0) * DAY;
                        continue;
                    };
                    let start = tod.max(p.start);
                    let mass = p.rate * (p.end - start);
                    if e < mass {
                        break day * DAY + start + e / p.rate;
                    }
                    e -= mass;
                    now = day * DAY + p.end;
                    if now >= horizon {
                        return None;
                    }
                }
            }
        };
        (next < horizon).then_some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RatePiece;
    use crate::random::{stream, StreamKind};

    /// Counts per piece over many days against their Poisson means (within 4.5 sd).
    #[test]
    fn daily_profile_counts_match_intensity() {
        let profile = ArrivalProfile::Daily(vec![
            RatePiece {
                start: 480.0,
                end: 600.0,
                rate: 1.0,
            },
            RatePiece {
                start: 600.0,
                end: 660.0,
                rate: 0.0,
            },
            RatePiece {
                start: 660.0,
                end: 840.0,
                rate: 0.25,
            },
        ]);
        let clock = ArrivalClock::new(&profile);
        let mut rng = stream(2, 0, StreamKind::Arrivals);
        let days = 200.0;
        let horizon = days * DAY;
        let mut counts = [0u32; 3];
        let mut t = 0.0;
        while let Some(next) = clock.next_after(t, horizon, &mut rng) {
            let tod = next % DAY;
            assert!(next > t);
            match tod {
                x if (480.0..600.0).contains(&x) => counts[0] += 1,
                x if (660.0..840.0).contains(&x) => counts[2] += 1,
                _ => counts[1] += 1,
            }
            t = next;
        }
        assert_eq!(counts[1], 0, "arrival outside the open pieces");
        for (count, mean) in [(counts[0], 120.0 * days), (counts[2], 45.0 * days)] {
            assert!((f64::from(count) - mean).abs() < 4.5 * mean.sqrt(), "{count} vs {mean}");
        }
    }
}
