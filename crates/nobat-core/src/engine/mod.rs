//! The discrete-event engine: the event list, the arrival clock, offices with counters and
//! FIFO queues, appointment books, and the run loop of one replication under one policy.
//!
//! The loop allocates nothing per event: the event heap and the office queues are reserved up
//! front and reused, events are small `Copy` values, and observers are called through the
//! [`Recorder`] trait, monomorphised into the loop.

mod arrivals;
mod client_slab;
mod control;
mod event_queue;
mod recorder;
mod setup;
mod simulation;
mod slot_book;

pub use arrivals::ArrivalClock;
pub use control::RunControl;
pub use event_queue::{EventQueue, Phase};
pub use recorder::Recorder;
pub use setup::PolicySetup;
pub use simulation::{run_replication, run_replication_with, Client, SimulationError};
