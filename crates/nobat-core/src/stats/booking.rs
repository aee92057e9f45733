//! [`BookingStats`]: what appointments measure in one replication — lead times, no-shows, and
//! the waits of booked clients apart from those of walk-ins. Only counted clients (created
//! after the warm-up) enter.

use super::{Accumulator, WaitHistogram};
use crate::engine::Client;
use crate::model::Model;

/// Appointments at one office in one replication.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OfficeBookingStats {
    /// Clients given a slot here.
    pub booked: u64,
    /// Of them, those who did not come.
    pub no_shows: u64,
    /// Waits of booked clients served here.
    pub wait_booked: Accumulator,
    /// Waits of walk-ins served here.
    pub wait_walkin: Accumulator,
}

/// Appointments in one replication.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BookingStats {
    /// Whether the model has bookings at all: without, nothing is recorded.
    pub enabled: bool,
    /// Clients given a slot.
    pub booked: u64,
    /// Lead times (asking to slot start) of clients given a slot.
    pub lead: Accumulator,
    /// Their distribution.
    pub lead_hist: WaitHistogram,
    /// Waits of served booked clients.
    pub wait_booked: Accumulator,
    /// Waits of served walk-ins (including clients who wanted to book but got no slot).
    pub wait_walkin: Accumulator,
    /// Per office, by id (empty without bookings).
    pub offices: Vec<OfficeBookingStats>,
}

impl BookingStats {
    /// Empty statistics for `model`.
    pub fn new(model: &Model) -> Self {
        let enabled = model.booking.is_some();
        BookingStats {
            enabled,
            booked: 0,
            lead: Accumulator::new(),
            lead_hist: WaitHistogram::new(),
            wait_booked: Accumulator::new(),
            wait_walkin: Accumulator::new(),
            offices: if enabled {
                vec![OfficeBookingStats::default(); model.offices.len()]
            } else {
                Vec::new()
            },
        }
    }

    /// A counted client got a slot at `office`.
    pub(crate) fn booked(&mut self, office: usize, client: &Client) {
        let lead = client.lead_time();
        self.booked += 1;
        self.lead.record(lead);
        self.lead_hist.record(lead);
        self.offices[office].booked += 1;
    }

    /// A counted client was served at `office` after waiting `wait`.
    #[inline]
    pub(crate) fn served(&mut self, office: usize, client: &Client, wait: f64) {
        if !self.enabled {
            return;
        }
        let o = &mut self.offices[office];
        if client.is_booked() {
            self.wait_booked.record(wait);
            o.wait_booked.record(wait);
        } else {
            self.wait_walkin.record(wait);
            o.wait_walkin.record(wait);
        }
    }
}
