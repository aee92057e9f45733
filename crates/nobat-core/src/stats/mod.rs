//! Streaming statistics: accumulators and a quantile histogram whose memory does not grow with
//! the number of clients, and confidence intervals across replications.
//!
//! Every structure here merges exactly, so per-replication results combine into pooled ones.

mod accumulator;
mod booking;
mod fairness;
mod histogram;
mod hourly;
mod interval;
mod mser;
mod timeseries;

pub use accumulator::Accumulator;
pub use booking::{BookingStats, OfficeBookingStats};
pub use fairness::weighted_gini;
pub use histogram::{CompactHistogram, SparseHistogram, WaitHistogram};
pub use hourly::{HourCell, HourTotals, HourlyRecorder, HourlyTotals, HOURS};
pub use interval::{mean_and_half_width, student_t_975};
pub use mser::Mser;
pub use timeseries::{DayBins, Sample, TimeSeries, TimeSeriesRecorder};

mod replication;
pub use replication::{OfficeStats, Outcomes, ReplicationStats, ServiceStats, ZoneStats};
