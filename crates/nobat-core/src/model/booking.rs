//! Appointments validated: each office's slot calendar (slots cut from its opening hours) and
//! the rules of the booking system (same-day booking, the longest lead a client accepts, how
//! booked clients are served at the counters).

use super::{Office, Service, DAY};
use crate::scenario::{Scenario, ScenarioError, SlotSection};

/// One bookable slot of a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Start, minutes after midnight.
    pub start: f64,
    /// Clients it takes (after overbooking).
    pub clients: u32,
}

/// An office's published slots, by weekday, and how far ahead they can be booked.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotCalendar {
    /// The slots of each weekday (0 = Saturday), in time order.
    pub days: [Vec<Slot>; 7],
    /// Slots can be booked on this many days after today (today is day 0).
    pub days_ahead: u32,
    /// Slot length (minutes).
    pub length: f64,
}

impl SlotCalendar {
    /// Clients the slots of weekday `weekday` take in all.
    pub fn day_clients(&self, weekday: usize) -> u32 {
        self.days[weekday].iter().map(|s| s.clients).sum()
    }
}

/// How booked clients share the counters with walk-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeBooked {
    /// Booked clients waiting go before every walk-in (then by service priority, then FIFO).
    BookedFirst,
    /// This many counters of each office that takes bookings serve booked clients only (every
    /// office keeps at least one other open); the others serve everyone by service priority and
    /// order of arrival.
    Reserved(u32),
}

/// The booking system of a scenario in which some clients book.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    /// Slot calendars by office id; `None` for an office that takes no bookings (virtual, or
    /// with `clients = 0`).
    pub calendars: Vec<Option<SlotCalendar>>,
    /// A client may book a slot on the day it asks.
    pub same_day: bool,
    /// The longest lead (minutes from asking to the slot) a client accepts; beyond it, it
    /// walks in.
    pub max_lead: f64,
    /// How booked clients are served.
    pub serve: ServeBooked,
}

/// Days ahead a slot can be booked when a scenario does not say.
const DEFAULT_DAYS_AHEAD: u32 = 14;
/// The most days ahead: the engine keeps each office's bookings for this many days.
const MAX_DAYS_AHEAD: u32 = 366;

impl Booking {
    /// The booking system of `s`, or `None` when no service books. `mean_service[i]` is office
    /// `i`'s mean service time at its speed (the default slot length).
    pub(crate) fn from_scenario(
        s: &Scenario,
        services: &[Service],
        offices: &[Office],
        mean_service: &[f64],
    ) -> Result<Option<Booking>, ScenarioError> {
        let books = services.iter().any(|sv| sv.book_share > 0.0);
        // A `[booking]` section or office slots are checked even when nobody books (a sweep
        // may start from `book_share = 0`), so a mistake shows at once, not at a later point.
        let written = s.booking.is_some() || s.offices.iter().any(|o| o.slots.is_some());
        if !books && !written {
            return Ok(None);
        }
        let section = s.booking.clone().unwrap_or_default();
        let mut calendars = Vec::with_capacity(offices.len());
        for (i, office) in offices.iter().enumerate() {
            let own = s.offices[i].slots.clone().unwrap_or_default();
            let path = |key: &str| {
                if own_has(&own, key) {
                    format!("office[{i}].slots.{key}")
                } else {
                    format!("booking.slots.{key}")
                }
            };
            let merged = SlotSection {
                length: own.length.or(section.slots.length),
                clients: own.clients.or(section.slots.clients),
                first: own.first.or(section.slots.first),
                overbook: own.overbook.or(section.slots.overbook),
                days_ahead: own.days_ahead.or(section.slots.days_ahead),
            };
            if office.is_virtual {
                if s.offices[i].slots.is_some() {
                    return Err(ScenarioError::at(
                        format!("office[{i}].slots"),
                        "a virtual office takes no appointments: its clients are served online",
                    ));
                }
                calendars.push(None);
                continue;
            }
            calendars.push(SlotCalendar::new(office, &merged, mean_service[i], &path)?);
        }
        let booking_services = services.iter().enumerate().filter(|(_, sv)| sv.book_share > 0.0);
        for (k, sv) in booking_services {
            let served = offices.iter().zip(&calendars).any(|(o, c)| o.offers[k] && c.is_some());
            if !served {
                return Err(ScenarioError::at(
                    format!("service[{k}].book_share"),
                    format!(
                        "clients of `{}` book, but no office that offers it publishes slots (check `[booking] slots` and the offices' `slots`)",
                        sv.name
                    ),
                ));
            }
        }
        let max_lead = match section.max_lead {
            None => f64::INFINITY,
            Some(m) => m.get(),
        };
        let reserved = section.reserved_counters;
        let serve = match (section.serve.as_deref(), reserved) {
            (None | Some("booked-first"), None) => ServeBooked::BookedFirst,
            (None | Some("booked-first"), Some(_)) => {
                return Err(ScenarioError::at(
                    "booking.reserved_counters",
                    "goes with `serve = \"reserved\"`",
                ))
            }
            (Some("reserved"), Some(n)) if n >= 1 => ServeBooked::Reserved(n),
            (Some("reserved"), _) => {
                return Err(ScenarioError::at(
                    "booking.reserved_counters",
                    "`serve = \"reserved\"` needs `reserved_counters`, 1 or more counters per office kept for booked clients",
                ))
            }
            (Some(other), _) => {
                return Err(ScenarioError::at(
                    "booking.serve",
                    format!("unknown rule `{other}`; allowed: booked-first, reserved"),
                ))
            }
        };
        let same_day = section.same_day.unwrap_or(true);
        if !same_day {
            if let Some(i) = calendars
                .iter()
                .position(|c| c.as_ref().is_some_and(|c| c.days_ahead == 0))
            {
                return Err(ScenarioError::at(
                    "booking.same_day",
                    format!(
                        "is false, but office `{}` takes bookings for today only (`days_ahead = 0`): no slot could be booked",
                        offices[i].name
                    ),
                ));
            }
        }
        if let Some(m) = section.max_lead {
            if m.get() <= 0.0 {
                return Err(ScenarioError::at(
                    "booking.max_lead",
                    format!("must be more than 0 minutes, got {}", m.get()),
                ));
            }
        }
        if let ServeBooked::Reserved(r) = serve {
            // Walk-ins need a general counter whenever the office is open.
            for (i, office) in offices.iter().enumerate() {
                let fewest = office.hours.days.iter().flatten().map(|p| p.counters).min();
                if let (Some(fewest), Some(_)) = (fewest, &calendars[i]) {
                    if fewest <= r {
                        return Err(ScenarioError::at(
                            "booking.reserved_counters",
                            format!(
                                "office `{}` has only {fewest} counter(s) open at times: keeping {r} for booked clients would leave walk-ins no counter (reserve fewer, or give it `slots = {{ clients = 0 }}`)",
                                office.name
                            ),
                        ));
                    }
                }
            }
        }
        if !books {
            return Ok(None);
        }
        Ok(Some(Booking {
            calendars,
            same_day,
            max_lead,
            serve,
        }))
    }
}

fn own_has(own: &SlotSection, key: &str) -> bool {
    match key {
        "length" => own.length.is_some(),
        "clients" => own.clients.is_some(),
        "first" => own.first.is_some(),
        "overbook" => own.overbook.is_some(),
        _ => own.days_ahead.is_some(),
    }
}

impl SlotCalendar {
    /// Cuts `office`'s opening hours into slots as `rules` say; `None` when it takes no
    /// bookings (`clients = 0`). `path` gives the key path of a rule for messages.
    fn new(
        office: &Office,
        rules: &SlotSection,
        mean_service: f64,
        path: &dyn Fn(&str) -> String,
    ) -> Result<Option<SlotCalendar>, ScenarioError> {
        let length = match rules.length {
            None => mean_service,
            Some(l) => l.get(),
        };
        if !(length.is_finite() && length > 0.0 && length <= DAY) {
            return Err(ScenarioError::at(
                path("length"),
                format!("must be more than 0 and at most a day, got {length} min"),
            ));
        }
        if rules.clients == Some(0) {
            return Ok(None);
        }
        let overbook = rules.overbook.unwrap_or(1.0);
        if !(overbook.is_finite() && overbook > 0.0 && overbook <= 10.0) {
            return Err(ScenarioError::at(
                path("overbook"),
                format!("must be a factor above 0 and at most 10, got {overbook}"),
            ));
        }
        if rules.first == Some(0) {
            return Err(ScenarioError::at(
                path("first"),
                "must be 1 or more (clients booked into the first slot of an opening)",
            ));
        }
        let days_ahead = rules.days_ahead.unwrap_or(DEFAULT_DAYS_AHEAD);
        if days_ahead > MAX_DAYS_AHEAD {
            return Err(ScenarioError::at(
                path("days_ahead"),
                format!("must be at most {MAX_DAYS_AHEAD} days, got {days_ahead}"),
            ));
        }
        let days: [Vec<Slot>; 7] = std::array::from_fn(|d| Self::cut(&office.hours.days[d], length, rules, overbook));
        // Slots longer than every opening (or overbooking rounded to nothing) leave nothing to
        // book: the office takes no bookings.
        if days.iter().flatten().all(|s| s.clients == 0) {
            return Ok(None);
        }
        Ok(Some(SlotCalendar {
            days,
            days_ahead,
            length,
        }))
    }

    /// The slots of one weekday: each opening (a run of adjacent open pieces) is cut into
    /// whole slots from its start; a slot takes `clients`, or the counters open at its start,
    /// the first of an opening `first`. Overbooking spreads `overbook` times an opening's
    /// clients over its slots: slot `i` takes `floor(f·B(i+1)) - floor(f·B(i))` with `B` the
    /// running total before overbooking, so that no rounding is lost.
    fn cut(pieces: &[super::OpenPiece], length: f64, rules: &SlotSection, overbook: f64) -> Vec<Slot> {
        let mut slots = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let start = pieces[i].start;
            let mut end = pieces[i].end;
            let mut j = i + 1;
            while j < pieces.len() && pieces[j].start == end {
                end = pieces[j].end;
                j += 1;
            }
            let opening = &pieces[i..j];
            let mut before = 0u64;
            let mut k = 0u32;
            loop {
                let at = start + f64::from(k) * length;
                if at + length > end + 1e-9 {
                    break;
                }
                let open = opening
                    .iter()
                    .find(|p| p.start <= at && at < p.end)
                    .map_or(0, |p| p.counters);
                let base = match (k, rules.first) {
                    (0, Some(first)) => first,
                    _ => rules.clients.unwrap_or(open),
                };
                let after = before + u64::from(base);
                let scaled = |b: u64| (overbook * b as f64 + 1e-9).floor() as u64;
                let clients = (scaled(after) - scaled(before)) as u32;
                before = after;
                slots.push(Slot { start: at, clients });
                k += 1;
            }
            i = j;
        }
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OpenPiece;

    fn piece(start: f64, end: f64, counters: u32) -> OpenPiece {
        OpenPiece { start, end, counters }
    }

    fn rules(clients: Option<u32>, first: Option<u32>) -> SlotSection {
        SlotSection {
            clients,
            first,
            ..SlotSection::default()
        }
    }

    #[test]
    fn slots_follow_hours_and_counters() {
        // 08:00-10:00 with 2 counters, then 10:00-11:00 with 1; a break; 12:00-12:50.
        let pieces = [piece(480.0, 600.0, 2), piece(600.0, 660.0, 1), piece(720.0, 770.0, 3)];
        let slots = SlotCalendar::cut(&pieces, 30.0, &rules(None, None), 1.0);
        let got: Vec<(f64, u32)> = slots.iter().map(|s| (s.start, s.clients)).collect();
        // The last opening holds one whole slot of 30 minutes (12:00-12:30), not a partial one.
        assert_eq!(
            got,
            vec![
                (480.0, 2),
                (510.0, 2),
                (540.0, 2),
                (570.0, 2),
                (600.0, 1),
                (630.0, 1),
                (720.0, 3)
            ]
        );
    }

    #[test]
    fn bailey_welch_first_slot_and_fixed_clients() {
        let pieces = [piece(480.0, 600.0, 1)];
        let slots = SlotCalendar::cut(&pieces, 20.0, &rules(Some(1), Some(2)), 1.0);
        let clients: Vec<u32> = slots.iter().map(|s| s.clients).collect();
        assert_eq!(clients, vec![2, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn overbooking_spreads_without_losing_rounding() {
        let pieces = [piece(480.0, 600.0, 1)];
        // 12 slots of one client, overbooked by 1.25: 15 clients in all, spread evenly.
        let slots = SlotCalendar::cut(&pieces, 10.0, &rules(None, None), 1.25);
        let clients: Vec<u32> = slots.iter().map(|s| s.clients).collect();
        assert_eq!(clients.iter().sum::<u32>(), 15);
        assert!(clients.iter().all(|&c| c == 1 || c == 2), "{clients:?}");
        // Holding back half the capacity for walk-ins.
        let half = SlotCalendar::cut(&pieces, 10.0, &rules(None, None), 0.5);
        assert_eq!(half.iter().map(|s| s.clients).sum::<u32>(), 6);
    }
}
