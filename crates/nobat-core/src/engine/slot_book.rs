//! [`SlotBook`]: the offices' appointment books during a replication — which slots of the
//! bookable days are taken — in fixed memory: each office keeps a ring of its bookable days
//! (`days_ahead + 1`), reused as days pass, so memory depends on how far ahead one can book,
//! not on the length of the run.

use crate::model::{Booking, Calendar, Slot, DAY};

/// One bookable day of one office.
#[derive(Debug, Clone, Copy)]
struct DayBook {
    /// The simulated day this entry holds (`i64::MIN` before first use).
    day: i64,
    /// Clients booked that day.
    booked: u32,
    /// Clients the day's slots take.
    clients: u32,
    /// No slot before this index has room.
    first_free: u32,
}

/// A free slot: where it is in the book and when it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FreeSlot {
    /// The simulated day.
    pub day: i64,
    /// The slot's index within the day.
    pub index: u32,
    /// Its start (absolute minutes).
    pub time: f64,
    /// Clients booked on that day so far.
    pub day_booked: u32,
    /// Clients the day's slots take.
    pub day_clients: u32,
}

/// The booking state of every office.
pub(crate) struct SlotBook<'m> {
    booking: &'m Booking,
    calendar: Calendar,
    /// Per office: ring length (its days ahead + 1), slots per day (its busiest weekday), and
    /// where its days and counts start.
    ring: Vec<u32>,
    width: Vec<u32>,
    day_base: Vec<usize>,
    count_base: Vec<usize>,
    days: Vec<DayBook>,
    /// Clients booked per slot: `counts[count_base[o] + (day % ring) * width + index]`.
    counts: Vec<u32>,
}

impl<'m> SlotBook<'m> {
    /// Empty books for every office of `booking`.
    pub fn new(booking: &'m Booking, calendar: Calendar) -> Self {
        let n = booking.calendars.len();
        let (mut ring, mut width, mut day_base, mut count_base) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut days, mut counts) = (0usize, 0usize);
        for c in &booking.calendars {
            let (r, w) = c.as_ref().map_or((0, 0), |c| {
                (c.days_ahead + 1, c.days.iter().map(Vec::len).max().unwrap_or(0) as u32)
            });
            ring.push(r);
            width.push(w);
            day_base.push(days);
            count_base.push(counts);
            days += r as usize;
            counts += (r * w) as usize;
        }
        SlotBook {
            booking,
            calendar,
            ring,
            width,
            day_base,
            count_base,
            days: vec![
                DayBook {
                    day: i64::MIN,
                    booked: 0,
                    clients: 0,
                    first_free: 0,
                };
                days
            ],
            counts: vec![0; counts],
        }
    }

    /// The slots of `office` on simulated day `day`.
    fn slots(&self, office: usize, day: i64) -> &'m [Slot] {
        match &self.booking.calendars[office] {
            Some(c) => &c.days[self.calendar.weekday_of_day(day)],
            None => &[],
        }
    }

    /// The entry of `office`'s day `day`, emptied first if it held an earlier day.
    fn day_entry(&mut self, office: usize, day: i64) -> usize {
        let ring = i64::from(self.ring[office]);
        let slot = day.rem_euclid(ring) as usize;
        let at = self.day_base[office] + slot;
        if self.days[at].day != day {
            let slots = self.slots(office, day);
            let width = self.width[office] as usize;
            let counts = self.count_base[office] + slot * width;
            self.counts[counts..counts + width].fill(0);
            self.days[at] = DayBook {
                day,
                booked: 0,
                clients: slots.iter().map(|s| s.clients).sum(),
                first_free: slots.iter().position(|s| s.clients > 0).unwrap_or(slots.len()) as u32,
            };
        }
        at
    }

    /// Whether `office` publishes slots.
    pub fn takes_bookings(&self, office: usize) -> bool {
        self.booking.calendars[office].is_some()
    }

    /// The earliest slot of `office` with room that starts at or after `from` (when the client
    /// can be there) and no later than `latest`, within the office's booking window as seen on
    /// the day of `now`, when the client asks (today, unless same-day booking is off, up to its
    /// days ahead).
    pub fn earliest_free(&mut self, office: usize, now: f64, from: f64, latest: f64) -> Option<FreeSlot> {
        let ahead = match &self.booking.calendars[office] {
            Some(c) => i64::from(c.days_ahead),
            None => return None,
        };
        let today = (now / DAY).floor() as i64;
        let first = if self.booking.same_day { today } else { today + 1 };
        for day in first..=today + ahead {
            let day_start = day as f64 * DAY;
            if day_start > latest {
                return None;
            }
            let slots = self.slots(office, day);
            if slots.is_empty() {
                continue;
            }
            let at = self.day_entry(office, day);
            let entry = self.days[at];
            if entry.booked >= entry.clients {
                continue;
            }
            // Slots that have started, or start before the client can be there, are out.
            let first = (entry.first_free as usize).max(slots.partition_point(|s| day_start + s.start < from));
            let counts = self.count_base[office]
                + (day.rem_euclid(i64::from(self.ring[office])) as usize) * self.width[office] as usize;
            for (index, slot) in slots.iter().enumerate().skip(first) {
                let time = day_start + slot.start;
                if time > latest {
                    return None;
                }
                if self.counts[counts + index] < slot.clients {
                    return Some(FreeSlot {
                        day,
                        index: index as u32,
                        time,
                        day_booked: entry.booked,
                        day_clients: entry.clients,
                    });
                }
            }
        }
        None
    }

    /// Books one client into `slot` of `office` (as returned by [`SlotBook::earliest_free`]).
    pub fn book(&mut self, office: usize, slot: &FreeSlot) {
        let at = self.day_entry(office, slot.day);
        let width = self.width[office] as usize;
        let counts = self.count_base[office] + (slot.day.rem_euclid(i64::from(self.ring[office])) as usize) * width;
        let slots = self.slots(office, slot.day);
        self.counts[counts + slot.index as usize] += 1;
        let entry = &mut self.days[at];
        entry.booked += 1;
        let mut first = entry.first_free as usize;
        while first < slots.len() && self.counts[counts + first] >= slots[first].clients {
            first += 1;
        }
        entry.first_free = first as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ServeBooked, SlotCalendar};

    /// One office open every day 08:00-09:00 with four 15-minute slots of one client, bookable
    /// `ahead` days ahead.
    fn booking(ahead: u32, same_day: bool) -> Booking {
        let day: Vec<Slot> = (0..4)
            .map(|k| Slot {
                start: 480.0 + 15.0 * f64::from(k),
                clients: 1,
            })
            .collect();
        Booking {
            calendars: vec![Some(SlotCalendar {
                days: std::array::from_fn(|_| day.clone()),
                days_ahead: ahead,
                length: 15.0,
            })],
            same_day,
            max_lead: f64::INFINITY,
            serve: ServeBooked::BookedFirst,
        }
    }

    #[test]
    fn books_fill_in_order_and_roll_over_days() {
        let b = booking(1, true);
        let mut book = SlotBook::new(&b, Calendar::default());
        let mut times = Vec::new();
        while let Some(free) = book.earliest_free(0, 490.0, 490.0, f64::INFINITY) {
            times.push(free.time);
            book.book(0, &free);
        }
        // 08:00 has started at 08:10: today 08:15, 08:30, 08:45, then tomorrow's four.
        assert_eq!(times, vec![495.0, 510.0, 525.0, 1920.0, 1935.0, 1950.0, 1965.0]);
        // Two days later, the ring entry of day 0 is reused for day 2, empty again.
        let free = book
            .earliest_free(0, 2.0 * DAY, 2.0 * DAY, f64::INFINITY)
            .expect("day 2 is free");
        assert_eq!(free.time, 2.0 * DAY + 480.0);
        assert_eq!((free.day_booked, free.day_clients), (0, 4));
    }

    /// Regression: a client asking late in the day whose trip ends after midnight was offered
    /// today's first slot, long gone.
    #[test]
    fn a_trip_past_midnight_skips_today() {
        let b = booking(1, true);
        let mut book = SlotBook::new(&b, Calendar::default());
        let free = book.earliest_free(0, 1430.0, 1450.0, f64::INFINITY).expect("tomorrow");
        assert_eq!(free.time, DAY + 480.0);
        // Asked at 08:05 with a 20-minute trip: 08:30 is the first slot it can reach.
        let free = book.earliest_free(0, 485.0, 505.0, f64::INFINITY).expect("today");
        assert_eq!(free.time, 510.0);
    }

    #[test]
    fn no_same_day_and_latest() {
        let b = booking(3, false);
        let mut book = SlotBook::new(&b, Calendar::default());
        let free = book.earliest_free(0, 400.0, 400.0, f64::INFINITY).expect("tomorrow");
        assert_eq!(free.time, DAY + 480.0);
        assert!(book.earliest_free(0, 400.0, 400.0, DAY + 479.0).is_none());
    }
}
