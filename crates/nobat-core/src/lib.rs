//! # nobat-core
//!
//! A discrete-event simulator of networks of service offices: clients arrive (Poisson, at a
//! constant rate or by a daily and weekly profile) from zones of a city, an allocation policy
//! (reading a possibly stale crowding board) sends each to an office or an online window, they
//! travel there, and offices with opening hours, shifts and waiting-room capacities serve them
//! by priority and FIFO at parallel counters while impatient clients renege or balk. Streaming
//! statistics measure waits, travel, sojourns, losses and utilisation. Replications run in parallel with common random numbers so that policies are
//! compared on the same simulated demand.
//!
//! Real data comes in as a recorded log replayed client by client instead of sampled arrivals
//! ([`model::Trace`], `[arrivals] trace`), and as clients already waiting when offices open
//! ([`model::Backlog`]); besides the reports, a run can record the hours of the office day with
//! an Erlang C staffing hint ([`experiment::Observers::by_hour`], [`sizing::erlang`]) and hand
//! every event of every replication to the caller's own recorder
//! ([`experiment::RecorderFactory`]: the CLI's `--trace` writes one row per client with it).
//!
//! The library does no I/O beyond parsing a scenario string (a file a scenario names is read by
//! a function the caller passes to [`scenario::load_with`]).
//!
//! ```
//! use nobat_core::{scenario, experiment::{run_experiment, NamedPolicy, RunOptions}, report::Report};
//!
//! let model = scenario::load(r#"
//!     [run]
//!     horizon = 2000
//!     replications = 4
//!     [arrivals]
//!     rate = 0.8
//!     [[service]]
//!     name = "petition"
//!     duration = { dist = "exponential", mean = 1.0 }
//!     [[office]]
//!     name = "A"
//!     [[policy]]
//!     kind = "random"
//! "#).unwrap();
//! let result = run_experiment(&model, &NamedPolicy::from_model(&model), &RunOptions::default()).unwrap();
//! let report = Report::new(&model, &result);
//! assert_eq!(report.summary.len(), 1);
//! ```
//!
//! ## Layers
//!
//! [`scenario::Scenario`] (serde, as written) → [`model::Model`] (validated, dense ids; every
//! user error is found here) → [`engine::run_replication`] (one run) →
//! [`experiment::run_experiment`] (replications × policies) → [`report::Report`] (CSV rows).
//! Around them: [`scenario::overrides`] (`--set KEY=VALUE`, applied to the TOML text before it
//! is read), [`sweep`] (a scenario over a grid of overrides) and [`sizing`] (the smallest added
//! capacity meeting a wait target with 95% confidence). [`fit`] calibrates a scenario from an
//! office log (arrival rates, service-time distributions by maximum likelihood);
//! [`experiment::Precision`] and `warmup = "auto"` ([`stats::Mser`]) are the output analysis.
//!
//! ## Determinism and event ordering
//!
//! - Events are ordered by (time, phase, sequence number). At equal times: departures, then
//!   patience timers, then office openings and closings, then arrivals at offices, then board
//!   refreshes, then new clients. So a counter freed at `t` serves a client who arrives at `t`,
//!   a client whose service can start at `t` is served rather than counted as reneging, and an
//!   office opening at `t` receives the clients arriving at `t`. Events of the same phase run in
//!   the order they were scheduled.
//! - Every random draw comes from a stream named by purpose ([`random::StreamKind`]) derived
//!   from (seed, replication, purpose). A client's service type and requirement are drawn when
//!   it is created, from the `Service` stream, so every policy of a replication sees the same
//!   clients; a policy's own draws use the `Choice` stream.
//! - Replications are folded into results in replication order, whatever thread ran them, so
//!   the same scenario and seed give byte-identical reports for any number of threads.

#![warn(missing_docs)]
// A panic on user data is a bug: scenario files are checked into a `Model` with errors, and
// nothing after that may fail. Tests may unwrap (see the `cfg_attr` allowances below).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod dist;
pub mod engine;
pub mod experiment;
pub mod fit;
pub mod model;
pub mod policy;
pub mod random;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod sizing;
pub mod stats;
pub mod sweep;

pub use random::SimRng;
