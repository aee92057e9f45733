//! [`ClientSlab`]: clients in service or travelling, kept in reusable slots so that events carry
//! a slot number instead of a whole client, and the event heap moves small entries.

use super::Client;

/// Slots of clients with a free list: inserting reuses a freed slot before growing, so after
/// the busiest moment of a run no insertion allocates.
pub(crate) struct ClientSlab {
    slots: Vec<Client>,
    free: Vec<u32>,
}

impl ClientSlab {
    /// A slab with room for `capacity` clients.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        ClientSlab {
            slots: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
        }
    }

    /// Stores `client` and returns its slot.
    #[inline]
    pub(crate) fn insert(&mut self, client: Client) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = client;
                slot
            }
            None => {
                self.slots.push(client);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Removes and returns the client in `slot`.
    #[inline]
    pub(crate) fn take(&mut self, slot: u32) -> Client {
        self.free.push(slot);
        self.slots[slot as usize]
    }
}
