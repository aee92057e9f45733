//! Weekdays: the week of the Iranian office calendar starts on Saturday; day 0 of a run is the
//! weekday `[calendar] first_day` says.

use crate::scenario::ScenarioError;

/// Weekday names, in week order.
pub const WEEKDAYS: [&str; 7] = ["sat", "sun", "mon", "tue", "wed", "thu", "fri"];

/// The weekday index (0 = Saturday) of a name.
pub fn weekday(name: &str, path: &str) -> Result<usize, ScenarioError> {
    WEEKDAYS.iter().position(|d| *d == name).ok_or_else(|| {
        ScenarioError::at(
            path,
            format!("unknown weekday `{name}`; allowed: {}", WEEKDAYS.join(", ")),
        )
    })
}

/// Which weekday each simulated day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Calendar {
    /// Weekday index of day 0.
    pub first_day: usize,
}

impl Calendar {
    /// The weekday index (0 = Saturday) of the simulated day containing minute `t`.
    #[inline]
    pub fn weekday_at(&self, t: f64) -> usize {
        self.weekday_of_day((t / super::DAY).floor() as i64)
    }

    /// The weekday index of simulated day `day` (0 = the first).
    #[inline]
    pub fn weekday_of_day(&self, day: i64) -> usize {
        (self.first_day as i64 + day).rem_euclid(7) as usize
    }
}
