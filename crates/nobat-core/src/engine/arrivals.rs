//! [`ArrivalClock`]: exact sampling of a non-homogeneous Poisson process with a piecewise
//! constant rate, by inverting the cumulative intensity (no thinning, no approximation); or,
//! for a regular process, one arrival per unit of cumulative intensity, at its middle.
//!
//! The regular process puts arrival `k` (from 0) where the cumulative intensity Λ reaches
//! `k + 1/2`. So the number of arrivals by any time is the expected number rounded to the
//! nearest whole (never half a client off), a window `[from, to)` whose expected arrivals are
//! a whole number `n` gets exactly `n`, `1/rate` apart with half an interval at each end (none
//! on an edge, where rounding could push it into the next window), and a fraction left over
//! carries to the next window. Arrivals at whole units instead (the first at `1/rate`) put
//! each window's last arrival on its end `to`, outside it: a day's last client then came at
//! the next day's opening, and the run's last fell past the horizon.

use crate::model::{ArrivalProfile, DAY};
use crate::SimRng;
use rand::Rng;

/// Of a regular process: arrivals this close to a piece's end, in units of intensity, are
/// taken as at the end, hence in the next piece. The remaining intensity of a piece is a
/// product and a difference of floats: a window holding exactly one more arrival can compute
/// as holding a hair more, and would put that arrival on `to` instead of the next window.
const SAME_INSTANT: f64 = 1e-9;

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
    /// reaches `e`. A regular process spends exactly 1 from the previous arrival, and 1/2 from
    /// `t = 0`, the start of the run: call it with 0, then with each arrival it returned.
    pub fn next_after(&self, t: f64, horizon: f64, rng: &mut SimRng) -> Option<f64> {
        if !self.any {
            return None;
        }
        let regular = self.profile.regular;
        let mut e: f64 = match regular {
            // The first arrival is at half a unit of intensity, so never at 0 itself: a call at
            // 0 is the start.
            true if t <= 0.0 => 0.5,
            true => 1.0,
            // The ziggurat: no logarithm for almost every draw.
            false => rng.sample(rand_distr::Exp1),
        };
        // A Poisson draw keeps the exact comparison: its arrivals are where they fall.
        let snap = if regular { SAME_INSTANT } else { 0.0 };
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
            if e < mass - snap {
                let next = day * DAY + start + e / rate;
                return (next < horizon).then_some(next);
            }
            e = (e - mass).max(0.0);
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
        // (k - 1/2) / 0.7 for k = 1 .. 3024: the 0.7 × 4320 = 3024 clients of the horizon.
        assert_eq!(n, 3024);
    }

    /// The instants of a regular process of `pieces` (start, end, clients per hour) until
    /// `horizon`.
    fn regular(pieces: &[(f64, f64, f64)], horizon: f64) -> Vec<f64> {
        let profile = ArrivalProfile {
            pieces: pieces
                .iter()
                .map(|&(start, end, per_hour)| RatePiece {
                    start,
                    end,
                    rate: per_hour / 60.0,
                })
                .collect(),
            regular: true,
            ..ArrivalProfile::constant(1.0)
        };
        let clock = ArrivalClock::new(&profile);
        let mut rng = stream(1, 0, StreamKind::Arrivals);
        let mut times = Vec::new();
        let mut t = 0.0;
        while let Some(next) = clock.next_after(t, horizon, &mut rng) {
            times.push(next);
            t = next;
        }
        times
    }

    /// Regression: a window of 07:00-08:00 at 4 an hour over 3 days gave 11 clients, not 12: each
    /// day's 4th, due at 08:00 (the end of the window), came at 07:00 the next day, and the last
    /// one fell past the horizon. Each day now has its 4 clients, a quarter of an hour apart and
    /// half an interval from either end of the window.
    #[test]
    fn a_regular_window_gives_its_whole_count_every_day() {
        let times = regular(&[(420.0, 480.0, 4.0)], 3.0 * DAY);
        let want: Vec<f64> = (0..3)
            .flat_map(|day| [427.5, 442.5, 457.5, 472.5].map(|m| f64::from(day) * DAY + m))
            .collect();
        assert_eq!(times, want);
        // The same through a scenario and the engine.
        let model = crate::scenario::load(
            r#"
            [run]
            horizon = "3d"
            [arrivals]
            process = "regular"
            schedule = [{ from = "07:00", to = "08:00", per_hour = 4 }]
            [[service]]
            name = "s"
            duration = { dist = "deterministic", value = 1 }
            [[office]]
            name = "A"
            [[policy]]
            kind = "random"
            "#,
        )
        .unwrap();
        let created = created(&model);
        assert_eq!(created, want);
    }

    /// The times clients are created in replication 0 of `model`'s first policy.
    fn created(model: &crate::model::Model) -> Vec<f64> {
        struct Created(Vec<f64>);
        impl crate::engine::Recorder for Created {
            fn client_created(&mut self, t: f64, _: &crate::engine::Client) {
                self.0.push(t);
            }
        }
        let setup = crate::engine::PolicySetup::from_spec(model, &model.policies[0]);
        let mut policy = model.policies[0].kind.build(model);
        let mut seen = Created(Vec::new());
        crate::engine::run_replication(model, 0, 1, &setup, &mut policy, &mut seen).unwrap();
        seen.0
    }

    /// A window whose expected clients are not a whole number: the fraction carries over to the
    /// next day, so days have the whole number below or above it, evenly spaced inside the
    /// window, and the run has the expected number of clients rounded. 07:00-08:00 at 2.5 an
    /// hour: 2, 3, 2, 3 clients (the 3rd is due at 08:00 of day 0, the window's end, so it is the
    /// first of day 1, at 07:00). At 2.4 an hour over 5 days, 12 clients.
    #[test]
    fn a_fractional_window_carries_the_rest_to_the_next_day() {
        let times = regular(&[(420.0, 480.0, 2.5)], 4.0 * DAY);
        let want: Vec<f64> = [(0, 432.0), (0, 456.0), (1, 420.0), (1, 444.0), (1, 468.0)]
            .iter()
            .chain(&[(2, 432.0), (2, 456.0), (3, 420.0), (3, 444.0), (3, 468.0)])
            .map(|&(day, m)| f64::from(day) * DAY + m)
            .collect();
        assert_eq!(times.len(), want.len(), "{times:?}");
        for (got, want) in times.iter().zip(&want) {
            assert!((got - want).abs() < 1e-9, "{times:?}");
        }
        for (pieces, days) in [
            (vec![(420.0, 480.0, 2.4)], 5.0),
            (vec![(480.0, 515.0, 6.0)], 7.0),
            (vec![(450.0, 600.0, 7.0), (660.0, 700.0, 13.0)], 8.0),
            (vec![(0.0, DAY, 0.37)], 11.0),
        ] {
            let times = regular(&pieces, days * DAY);
            let per_day: f64 = pieces.iter().map(|&(a, b, r)| (b - a) / 60.0 * r).sum();
            assert_eq!(times.len() as f64, (per_day * days - 0.5).ceil(), "{pieces:?}");
            for &t in &times {
                let tod = t % DAY;
                let piece = pieces.iter().find(|p| p.0 <= tod && tod < p.1);
                assert!(piece.is_some(), "{t} outside every window of {pieces:?}");
            }
            // Two clients in the same window of the same day are 60 / per_hour minutes apart.
            for pair in times.windows(2) {
                let same_day = (pair[0] / DAY).floor() == (pair[1] / DAY).floor();
                let (a, b) = (pair[0] % DAY, pair[1] % DAY);
                if let Some(p) = pieces.iter().find(|p| same_day && p.0 <= a && b < p.1) {
                    assert!((b - a - 60.0 / p.2).abs() < 1e-6, "{pair:?} in {pieces:?}");
                }
            }
        }
    }

    /// A constant rate is one window of the whole horizon: at 0.05 a minute for 100 minutes, 5
    /// clients at 10, 30, ..., 90 (the last was lost: k / rate for k = 1 .. 4 and 100 excluded).
    #[test]
    fn a_constant_regular_rate_gives_the_horizon_its_whole_count() {
        assert_eq!(regular(&[(0.0, DAY, 3.0)], 100.0), [10.0, 30.0, 50.0, 70.0, 90.0]);
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
