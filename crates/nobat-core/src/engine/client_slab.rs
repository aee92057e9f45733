//! [`ClientSlab`]: every client in the system, from its creation to its exit, in reusable slots,
//! so that events and queues carry an 8-byte handle instead of a whole client.
//!
//! A handle is the slot and the slot's generation: a slot is reused after its client leaves,
//! and an event or queue entry that still names the old client (a patience timer of a client
//! already served, a queue entry of a client who reneged) is recognised as stale by its
//! generation and ignored. This is the lazy cancellation that keeps the event list a plain
//! priority queue.

use super::Client;

/// Refers to one client in the slab: `generation << 32 | slot`.
pub(crate) type Handle = u64;

struct Slot {
    client: Client,
    generation: u32,
    /// In a queue (not yet in service): a patience timer may still remove it.
    waiting: bool,
}

/// Slots of clients with a free list: inserting reuses a freed slot before growing, so after
/// the busiest moment of a run no insertion allocates.
pub(crate) struct ClientSlab {
    slots: Vec<Slot>,
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

    /// The clients stored now.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Stores `client` and returns its handle.
    #[inline]
    pub(crate) fn insert(&mut self, client: Client) -> Handle {
        match self.free.pop() {
            Some(slot) => {
                let s = &mut self.slots[slot as usize];
                s.client = client;
                s.generation = s.generation.wrapping_add(1);
                s.waiting = false;
                (u64::from(s.generation) << 32) | u64::from(slot)
            }
            None => {
                self.slots.push(Slot {
                    client,
                    generation: 0,
                    waiting: false,
                });
                (self.slots.len() - 1) as u64
            }
        }
    }

    #[inline]
    fn slot(&self, handle: Handle) -> Option<&Slot> {
        let s = &self.slots[(handle & 0xFFFF_FFFF) as usize];
        (s.generation == (handle >> 32) as u32).then_some(s)
    }

    /// The client of a live handle.
    #[inline]
    pub(crate) fn get(&self, handle: Handle) -> &Client {
        &self.slots[(handle & 0xFFFF_FFFF) as usize].client
    }

    /// The client of a live handle, to update it.
    #[inline]
    pub(crate) fn get_mut(&mut self, handle: Handle) -> &mut Client {
        &mut self.slots[(handle & 0xFFFF_FFFF) as usize].client
    }

    /// Whether `handle` still names a client waiting in a queue.
    #[inline]
    pub(crate) fn is_waiting(&self, handle: Handle) -> bool {
        self.slot(handle).is_some_and(|s| s.waiting)
    }

    /// Marks the client of a live handle as waiting in a queue, or not.
    #[inline]
    pub(crate) fn set_waiting(&mut self, handle: Handle, waiting: bool) {
        self.slots[(handle & 0xFFFF_FFFF) as usize].waiting = waiting;
    }

    /// Removes the client of a live handle and returns it.
    #[inline]
    pub(crate) fn remove(&mut self, handle: Handle) -> Client {
        let slot = (handle & 0xFFFF_FFFF) as u32;
        self.free.push(slot);
        let s = &mut self.slots[slot as usize];
        s.waiting = false;
        s.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: u64) -> Client {
        Client {
            id,
            service: 0,
            zone: 0,
            office: 0,
            origin: 0,
            created: 0.0,
            arrived: 0.0,
            work: 1.0,
            patience: f64::INFINITY,
            start: f64::NAN,
            duration: f64::NAN,
            redirected: false,
            slot: f64::NAN,
            left: 0.0,
            reserved: false,
            from: [0.0, 0.0],
        }
    }

    #[test]
    fn stale_handles_are_recognised_after_reuse() {
        let mut slab = ClientSlab::with_capacity(1);
        let a = slab.insert(client(1));
        slab.set_waiting(a, true);
        assert!(slab.is_waiting(a));
        slab.remove(a);
        let b = slab.insert(client(2));
        assert_eq!(a & 0xFFFF_FFFF, b & 0xFFFF_FFFF, "the slot is reused");
        slab.set_waiting(b, true);
        assert!(!slab.is_waiting(a), "the old handle is stale");
        assert!(slab.is_waiting(b));
        assert_eq!(slab.get(b).id, 2);
    }
}
