//! The partial-result file a shard writes, `nobat-partial.cbor`: version 1.
//!
//! A CBOR sequence (RFC 8949 items one after another, RFC 8742), chosen because it keeps every
//! `f64` bit for bit (infinities included, which JSON cannot hold), is compact, and is read by
//! common tools (Python's `cbor2`, `cbor-diag`) for inspection:
//!
//! 1. the **header**, a map ([`PartialHeader`]): `format` = `"nobat-partial"`,
//!    `format_version` = 1, `nobat_version`, `digest` (16 hex digits identifying the study),
//!    `study` (the verb, the scenario's name, text and named files, the `--set` arguments, the
//!    `--seed` and `--replications` given: everything the merge needs to rebuild the scenario),
//!    `shard` (`index`, `count`), `total_units` (of the whole study), `units` (in this file) and
//!    `time_series` (whether units carry their office-day recorders: the time series and the
//!    hours of the office day);
//! 2. `units` **unit records**, a map each ([`UnitRecord`]), in increasing unit order:
//!    `unit` (its number in the study's flat list), `point`, `task` (`policy`, `replication`)
//!    and `measured`: the replication's statistics as the engine left them — counts, sums
//!    about a shift (see [`crate::stats::Accumulator`]), histograms as their non-empty buckets
//!    ([`crate::stats::SparseHistogram`]) — and its time series and hours of the office day
//!    (`by_hour`) when recorded.
//!
//! Field names are the Rust field names; a reader checks `format` and `format_version` before
//! anything else, so a file of another version is refused with both versions named. Any change
//! to the statistics' layout (a new field) changes what a unit holds; since partials of
//! different nobat versions are refused anyway, the format version changes only when the
//! header or the framing does.

use super::{Shard, ShardError, Study};
use crate::experiment::{Measured, Task};
use std::io::{Read, Write};

/// The file name of a partial result inside a shard's `--out` folder.
pub const PARTIAL_FILE: &str = "nobat-partial.cbor";
/// The version of the layout described in this module.
pub const FORMAT_VERSION: u32 = 1;
/// The value of the header's `format` field.
pub const FORMAT_NAME: &str = "nobat-partial";
/// The version of nobat writing partials: only partials of the same version merge, since
/// the statistics they hold may change between versions.
pub const NOBAT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The first item of a partial: what it is a part of.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartialHeader {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// [`NOBAT_VERSION`] when written.
    pub nobat_version: String,
    /// [`Study::digest`] of `study`.
    pub digest: String,
    /// What the units are units of.
    pub study: Study,
    /// Which share this is.
    pub shard: Shard,
    /// Units in the whole study.
    pub total_units: u64,
    /// Units in this file.
    pub units: u64,
    /// Whether each unit carries its time series.
    pub time_series: bool,
}

impl PartialHeader {
    /// The header of shard `shard` of `study`, whose plan has `total_units` units.
    pub fn new(study: Study, shard: Shard, total_units: u64, time_series: bool) -> Self {
        PartialHeader {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            nobat_version: NOBAT_VERSION.into(),
            digest: study.digest(),
            study,
            shard,
            total_units,
            units: shard.share(total_units),
            time_series,
        }
    }
}

/// One unit of a partial: one replication of one policy at one point, as measured.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UnitRecord {
    /// Its number in the study's flat list of units.
    pub unit: u64,
    /// The point (0 for a run).
    pub point: u32,
    /// The policy and the replication.
    pub task: Task,
    /// What it measured.
    pub measured: Measured,
}

/// The same fields as [`UnitRecord`], borrowed, so that writing does not copy the statistics.
#[derive(serde::Serialize)]
struct UnitRef<'a> {
    unit: u64,
    point: u32,
    task: Task,
    measured: &'a Measured,
}

/// Writes a partial: the header, then the units in order.
pub struct PartialWriter<W: Write> {
    out: W,
    expected: u64,
    written: u64,
}

impl<W: Write> PartialWriter<W> {
    /// Starts a partial with `header`.
    pub fn new(mut out: W, header: &PartialHeader) -> Result<Self, ShardError> {
        ciborium::into_writer(header, &mut out).map_err(|e| ShardError::Write(e.to_string()))?;
        Ok(PartialWriter {
            out,
            expected: header.units,
            written: 0,
        })
    }

    /// Adds the next unit.
    pub fn write(&mut self, unit: u64, point: u32, task: Task, measured: &Measured) -> Result<(), ShardError> {
        let record = UnitRef {
            unit,
            point,
            task,
            measured,
        };
        ciborium::into_writer(&record, &mut self.out).map_err(|e| ShardError::Write(e.to_string()))?;
        self.written += 1;
        Ok(())
    }

    /// Ends the partial, checking that it holds as many units as its header says.
    pub fn finish(self) -> Result<W, ShardError> {
        if self.written != self.expected {
            return Err(ShardError::Write(format!(
                "{} units written, the header announces {}",
                self.written, self.expected
            )));
        }
        Ok(self.out)
    }
}

/// Reads a partial: its header first, then its units one at a time, so that a merge holds one
/// unit in memory, not a shard's.
pub struct PartialReader<R: Read> {
    name: String,
    input: R,
    header: PartialHeader,
    read: u64,
}

impl<R: Read> PartialReader<R> {
    /// Reads the header of the partial `name` (its path, for messages) from `input`, refusing
    /// anything but a partial of this format version.
    pub fn open(name: &str, mut input: R) -> Result<Self, ShardError> {
        let unreadable = |detail: String| ShardError::Unreadable {
            name: name.to_string(),
            detail,
        };
        let value: ciborium::Value = ciborium::from_reader(&mut input)
            .map_err(|e| unreadable(format!("not a nobat partial result (no CBOR header: {e})")))?;
        let field = |key: &str| {
            value
                .as_map()
                .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some(key)))
                .map(|(_, v)| v.clone())
        };
        if field("format").and_then(|v| v.as_text().map(str::to_string)).as_deref() != Some(FORMAT_NAME) {
            return Err(unreadable(format!(
                "not a nobat partial result (its header has no `format = \"{FORMAT_NAME}\"`)"
            )));
        }
        let version = field("format_version")
            .and_then(|v| v.as_integer())
            .and_then(|i| u32::try_from(i).ok());
        if version != Some(FORMAT_VERSION) {
            let found = version.map_or("unknown".to_string(), |v| v.to_string());
            return Err(unreadable(format!(
                "partial format version {found}; this nobat ({NOBAT_VERSION}) reads version {FORMAT_VERSION}: merge with the nobat that wrote it"
            )));
        }
        let header: PartialHeader = value
            .deserialized()
            .map_err(|e| unreadable(format!("damaged header: {e}")))?;
        Ok(PartialReader {
            name: name.to_string(),
            input,
            header,
            read: 0,
        })
    }

    /// The header.
    pub fn header(&self) -> &PartialHeader {
        &self.header
    }

    /// The partial's name, as given to [`Self::open`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next unit; an error past the last one the header announces, or if the file ends
    /// early or is damaged.
    pub fn next_unit(&mut self) -> Result<UnitRecord, ShardError> {
        if self.read == self.header.units {
            return Err(self.unreadable(format!("holds {} units, more were expected", self.header.units)));
        }
        let record: UnitRecord = ciborium::from_reader(&mut self.input).map_err(|e| {
            self.unreadable(format!(
                "unit {} of {} cannot be read (cut short or damaged: {e})",
                self.read + 1,
                self.header.units
            ))
        })?;
        self.read += 1;
        Ok(record)
    }

    /// Checks that every unit was read and nothing follows them.
    pub fn finish(mut self) -> Result<(), ShardError> {
        let mut byte = [0u8; 1];
        match self.input.read(&mut byte) {
            Ok(0) if self.read == self.header.units => Ok(()),
            Ok(0) => Err(self.unreadable(format!(
                "only {} of its {} units were read",
                self.read, self.header.units
            ))),
            Ok(_) => Err(self.unreadable("data follows its last unit".into())),
            Err(e) => Err(self.unreadable(e.to_string())),
        }
    }

    fn unreadable(&self, detail: String) -> ShardError {
        ShardError::Unreadable {
            name: self.name.clone(),
            detail,
        }
    }
}
