//! Calibration from data: service-time distributions fitted by maximum likelihood
//! ([`families`]), arrival rates by hour and weekday from an office log ([`log`]), and the
//! scenario fragment and tables `nobat fit` writes ([`fragment`]).
//!
//! The library reads no files: the CLI parses the log's CSV into [`LogRecord`]s (times through
//! [`parse_log_time`]) and hands them to [`fit_log`].

pub mod families;
pub mod fragment;
pub mod log;

pub use families::{fit_all, FitError, FittedDist};
pub use fragment::{arrival_rows, fit_rows, fragment, ArrivalRow, FitRow};
pub use log::{fit_log, parse_log_time, weekday_of, LogFit, LogRecord, LogTime, ServiceFit, WEEKDAYS};
