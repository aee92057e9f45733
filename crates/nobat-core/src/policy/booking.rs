//! Booking rules: which slot a client who books an appointment gets. The engine offers, for
//! each candidate office, its earliest free slot (and how full that slot's day is); the rule
//! picks one offer. Like an [`super::AllocationPolicy`], a rule only reads what it is shown.

use super::argmin_random_tie;
use crate::SimRng;

/// The booking rules a scenario may name.
pub const BOOKING_RULES: &str = "own-office, earliest-slot, central";

/// One candidate office's earliest free slot, as the booking system shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotOffer {
    /// The office id.
    pub office: usize,
    /// Start of its earliest free slot the client accepts (absolute minutes); infinite when it
    /// has none within the booking window and the client's longest accepted lead.
    pub time: f64,
    /// Travel time from the client to the office (minutes).
    pub travel: f64,
    /// Clients already booked on that slot's day.
    pub day_booked: u32,
    /// Clients that day's slots take in all.
    pub day_clients: u32,
}

impl SlotOffer {
    /// Whether the office has a slot to give.
    pub fn available(&self) -> bool {
        self.time.is_finite()
    }
}

/// How a booking client gets its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookingRule {
    /// The earliest slot at the client's nearest office (today's habit); if that office has
    /// none, the client walks in. Without geography every office is as near, and one is drawn
    /// at random.
    #[default]
    OwnOffice,
    /// The slot that minimises lead time plus travel time among the candidate offices.
    EarliestSlot,
    /// The system balances load: on the earliest day any candidate has a free slot, the office
    /// whose day is least booked (as a share of its slots), its earliest free slot that day.
    Central,
}

impl BookingRule {
    /// The rule of a scenario name.
    pub fn from_name(name: &str) -> Option<BookingRule> {
        match name {
            "own-office" => Some(BookingRule::OwnOffice),
            "earliest-slot" => Some(BookingRule::EarliestSlot),
            "central" => Some(BookingRule::Central),
            _ => None,
        }
    }

    /// The index of the offer to take, or `None` when the client gets no slot (it then walks
    /// in). `now` is when the client asks. Ties are broken at random.
    pub fn choose(&self, now: f64, offers: &[SlotOffer], rng: &mut SimRng) -> Option<usize> {
        if offers.is_empty() {
            return None;
        }
        let all = 0..offers.len();
        let k = match self {
            BookingRule::OwnOffice => argmin_random_tie(all, |k| offers[k].travel, rng),
            BookingRule::EarliestSlot => argmin_random_tie(all, |k| (offers[k].time - now) + offers[k].travel, rng),
            BookingRule::Central => {
                let day = offers
                    .iter()
                    .filter(|o| o.available())
                    .map(|o| (o.time / crate::model::DAY).floor())
                    .fold(f64::INFINITY, f64::min);
                let on_day = (0..offers.len()).filter(|&k| (offers[k].time / crate::model::DAY).floor() == day);
                let share = |k: usize| {
                    let o = &offers[k];
                    (f64::from(o.day_booked) / f64::from(o.day_clients.max(1)), o.time)
                };
                argmin_random_tie(on_day, share, rng)
            }
        };
        offers[k].available().then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{stream, StreamKind};

    fn offer(office: usize, time: f64, travel: f64, booked: u32) -> SlotOffer {
        SlotOffer {
            office,
            time,
            travel,
            day_booked: booked,
            day_clients: 10,
        }
    }

    #[test]
    fn own_office_takes_the_nearest_or_nothing() {
        let mut rng = stream(1, 0, StreamKind::Choice);
        let offers = [offer(0, 600.0, 5.0, 0), offer(1, 500.0, 2.0, 0)];
        assert_eq!(BookingRule::OwnOffice.choose(0.0, &offers, &mut rng), Some(1));
        let full = [offer(0, 600.0, 5.0, 0), offer(1, f64::INFINITY, 2.0, 0)];
        assert_eq!(BookingRule::OwnOffice.choose(0.0, &full, &mut rng), None);
    }

    #[test]
    fn earliest_slot_counts_travel() {
        let mut rng = stream(1, 0, StreamKind::Choice);
        // 600 + 5 beats 500 + 120.
        let offers = [
            offer(0, 600.0, 5.0, 0),
            offer(1, 500.0, 120.0, 0),
            offer(2, f64::INFINITY, 0.0, 0),
        ];
        assert_eq!(BookingRule::EarliestSlot.choose(0.0, &offers, &mut rng), Some(0));
        let none = [offer(0, f64::INFINITY, 1.0, 0)];
        assert_eq!(BookingRule::EarliestSlot.choose(0.0, &none, &mut rng), None);
    }

    #[test]
    fn central_balances_the_earliest_day() {
        let mut rng = stream(1, 0, StreamKind::Choice);
        // Offices 0 and 1 have slots on day 0, office 2 only on day 1; office 1's day is emptier.
        let offers = [
            offer(0, 500.0, 0.0, 8),
            offer(1, 700.0, 0.0, 3),
            offer(2, 1500.0, 0.0, 0),
        ];
        assert_eq!(BookingRule::Central.choose(0.0, &offers, &mut rng), Some(1));
    }
}
