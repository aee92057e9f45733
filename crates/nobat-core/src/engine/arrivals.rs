//! [`ArrivalClock`]: exact sampling of a non-homogeneous Poisson process with a piecewise
//! constant rate, by inverting the cumulative intensity (no thinning, no approximation); or,
//! for a regular process, one arrival per unit of cumulative intensity.

use crate::model::{ArrivalProfile, DAY};
use crate::SimRng;
use rand::Rng;

/// Produces successive arrival instants of the model's arrival process.
pub struct ArrivalClock<'m> {
    profile: &'m ArrivalProfile,
    /// Whether any day has arrivals, to stop at once when none has.
    any: bool,
    /// The rate, when it is the same at every time of every day: the next arrival is then
    /// `t + e / rate`, without walking the day's pieces (which cost a fifth of a whole M/M/c
    /// run).
    constant: Option<f64>,
}

impl<'m> ArrivalClock<'m> {
    /// A clock for `profile`.
    pub fn new(profile: &'m ArrivalProfile) -> Self {
        let any = profile.expected_arrivals(7.0 * DAY) > 0.0;
        let constant = match profile.pieces[..] {
            [p] if any && p.start <= 0.0 && p.end >= DAY && profile.week.iter().all(|&f| f == profile.week[0]) => {
                Some(p.rate * profile.week[0])
            }
            _ => None,
        };
        ArrivalClock { profile, any, constant }
    }

    /// The first arrival strictly after `t`, or `None` if there is none before `horizon`.
    ///
    /// A unit-rate exponential amount of cumulative intensity `e` is spent piece by piece (each
    /// piece's rate times its day's factor): the arrival falls where the integral of λ from `t`
    /// reaches `e`.
    pub fn next_after(&self, t: f64, horizon: f64, rng: &mut SimRng) -> Option<f64> {
        if !self.any {
            return None;
        }
        let mut e: f64 = if self.profile.regular {
            1.0
        } else {
            // The ziggurat: no logarithm for almost every draw.
            rng.sample(rand_distr::Exp1)
        };
        if let Some(rate) = self.constant {
            let next = t + e / rate;
            return (next < horizon).then_some(next);
        }
        // Walk (day, piece) by index: recomputing the time of day from an absolute time can
        // round just below a piece's end and find the same piece again forever.
        let pieces = &self.profile.pieces;
        let mut day = (t / DAY).floor();
        let tod = t - day * DAY;
        let mut index = pieces.iter().position(|p| p.end > tod).unwrap_or(pieces.len());
        let mut from = tod;
        loop {
            if index == pieces.len() {
                day += 1.0;
                index = 0;
                from = 0.0;
                if day * DAY >= horizon {
                    return None;
                }
                continue;
            }
            let factor = self.profile.day_factor(day as i64);
            if factor == 0.0 {
                index = pieces.len();
                continue;
            }
            let p = &pieces[index];
            let start = from.max(p.start);
            let rate = p.rate * factor;
            let mass = rate * (p.end - start);
            if e < mass {
                let next = day * DAY + start + e / rate;
                return (next < horizon).then_some(next);
            }
            e -= mass;
            index += 1;
            from = p.end;
            if day * DAY + p.end >= horizon {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RatePiece;
    use crate::random::{stream, StreamKind};

    /// Counts per piece over many days against their Poisson means (within 4.5 sd).
    /// Weekday factors scale each day: a day with factor 0 has no arrival, a day with factor 2
    /// twice the arrivals.
    #[test]
    fn weekday_factors_scale_days() {
        let mut week = [1.0; 7];
        week[1] = 0.0;
        week[2] = 2.0;
        let profile = ArrivalProfile {
            week,
            ..ArrivalProfile::constant(0.5)
        };
        let clock = ArrivalClock::new(&profile);
        let mut rng = stream(4, 0, StreamKind::Arrivals);
        let mut per_day = [0u32; 7];
        let horizon = 70.0 * DAY;
        let mut t = 0.0;
        while let Some(next) = clock.next_after(t, horizon, &mut rng) {
            per_day[((next / DAY) as usize) % 7] += 1;
            t = next;
        }
        assert_eq!(per_day[1], 0);
        let (one, two) = (f64::from(per_day[0]), f64::from(per_day[2]));
        // 10 days of 720 expected each (sd 27), and 10 of 1440 (sd 38).
        assert!((one - 7200.0).abs() < 4.5 * 7200f64.sqrt(), "{per_day:?}");
        assert!((two - 14_400.0).abs() < 4.5 * 14_400f64.sqrt(), "{per_day:?}");
        assert!((profile.expected_arrivals(horizon) - 0.5 * DAY * 10.0 * 7.0).abs() < 1e-6);
    }

    /// The constant-rate shortcut gives the instants the walk over pieces gives: a regular
    /// process (one arrival per unit of intensity, no randomness) at 0.7 a minute, once as a
    /// single all-day piece (the shortcut) and once as two half-day pieces (the walk).
    #[test]
    fn constant_rate_shortcut_agrees_with_the_walk() {
        let whole = ArrivalProfile {
            regular: true,
            ..ArrivalProfile::constant(0.7)
        };
        let halves = ArrivalProfile {
            pieces: vec![
                RatePiece {
                    start: 0.0,
                    end: 720.0,
                    rate: 0.7,
                },
                RatePiece {
                    start: 720.0,
                    end: DAY,
                    rate: 0.7,
                },
            ],
            ..whole.clone()
        };
        let (fast, walk) = (ArrivalClock::new(&whole), ArrivalClock::new(&halves));
        assert!(fast.constant.is_some() && walk.constant.is_none());
        let mut rng = stream(1, 0, StreamKind::Arrivals);
        let (mut a, mut b, mut n) = (0.0, 0.0, 0);
        while let Some(next) = fast.next_after(a, 3.0 * DAY, &mut rng) {
            b = walk.next_after(b, 3.0 * DAY, &mut rng).expect("the walk has it too");
            assert!((next - b).abs() < 1e-6, "arrival {n}: {next} against {b}");
            a = next;
            n += 1;
        }
        assert_eq!(walk.next_after(b, 3.0 * DAY, &mut rng), None);
        // k / 0.7 for k = 1 .. 3023: the 3024th falls on the horizon, which is excluded.
        assert_eq!(n, 3023);
    }

    /// Regression: a piece ending at a time that is not a whole number of minutes (10:00:20)
    /// made the clock find the same piece again forever from the second day on.
    #[test]
    fn fractional_piece_ends_do_not_hang() {
        let profile = ArrivalProfile {
            pieces: vec![RatePiece {
                start: 480.0,
                end: 600.0 + 1.0 / 3.0,
                rate: 0.5,
            }],
            week: [1.0; 7],
            calendar: Default::default(),
            regular: false,
        };
        let clock = ArrivalClock::new(&profile);
        let mut rng = stream(9, 0, StreamKind::Arrivals);
        let (mut t, mut n) = (0.0, 0);
        while let Some(next) = clock.next_after(t, 5.0 * DAY, &mut rng) {
            t = next;
            n += 1;
        }
        assert!(n > 200, "{n} arrivals in 5 days of 2 hours at 30/h");
    }

    #[test]
    fn daily_profile_counts_match_intensity() {
        let profile = ArrivalProfile {
            pieces: vec![
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
            ],
            week: [1.0; 7],
            calendar: Default::default(),
            regular: false,
        };
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
