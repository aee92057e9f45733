//! Calibration from data: service-time distributions fitted by maximum likelihood
//! ([`families`]), arrival rates by hour and weekday from an office log ([`log`]), and the
//! scenario fragment and tables `nobat fit` writes ([`fragment`](mod@fragment)).
//!
//! The library reads no files: the CLI reads the log's text, [`read_log`] parses it into
//! [`LogRecord`]s and [`fit_log`] fits them.

pub mod families;
pub mod fragment;
pub mod log;
pub mod read;

pub use families::{fit_all, FitError, FittedDist};
pub use fragment::{arrival_rows, fit_rows, fragment, ArrivalRow, FitRow};
pub use log::{fit_log, parse_log_time, weekday_of, LogFit, LogRecord, LogTime, ServiceFit, WEEKDAYS};
pub use read::{read_log, LogColumns, ReadLog};
