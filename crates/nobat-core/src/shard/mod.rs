//! Shards: a run or a sweep split over machines (a Slurm job array, a Kubernetes Indexed Job),
//! each running its share of the work and writing a partial result, then merged into the very
//! reports a single run writes, byte for byte.
//!
//! ## The work and who does it
//!
//! A study (a `run`, or a `sweep` over a grid of points) is a flat list of **units**, one per
//! (point, policy, replication), numbered point-major, then policy, then replication: unit
//! `u = offset(point) + policy × replications + replication`. Shard `K/N` (`0 <= K < N`) runs
//! the units with `u mod N = K`: round-robin, so every shard gets `floor(T/N)` or `ceil(T/N)` of
//! the `T` units and the same mix of points and policies (the cost of a point grows with its
//! load; round-robin spreads the heavy points over every shard instead of giving them to the
//! last ones). A unit's random numbers come from (seed, replication, purpose) exactly as in a
//! whole run, so which shard runs it changes nothing ([`plan::Plan`]).
//!
//! ## Exact merge
//!
//! A partial keeps, per unit, the statistics the replication measured — counts, shifted sums,
//! histograms ([`crate::experiment::Measured`]) — not summaries of them. The merge reads the
//! units back in whole-run order and folds them with the same code as a whole run
//! ([`crate::experiment::ExperimentFold`]); since floating-point sums are folded in the same
//! order from the same bits, every report is byte-identical to a single run's
//! ([`merge::merge`]). New statistics travel in partials by deriving `Serialize` and
//! `Deserialize`, nothing more.
//!
//! ## The file
//!
//! See [`format`](mod@format): a CBOR sequence (RFC 8949, RFC 8742) of a header naming the study, the
//! format version, the nobat version and the shard, then the shard's units in increasing unit
//! order. The merge refuses partials of different studies, versions or shard counts, and names
//! the shards missing or given twice ([`merge::check`]).

pub mod format;
pub mod merge;
pub mod plan;
pub mod run;
pub mod study;

pub use format::{PartialHeader, PartialReader, PartialWriter, UnitRecord, FORMAT_VERSION, PARTIAL_FILE};
pub use merge::{check, merge, Merged};
pub use plan::Plan;
pub use run::run_shard;
pub use study::{Study, StudyKind};

use std::fmt;

/// Shard `index` of `count`, written `K/N` (`0 <= K < N`, counted from 0 as Slurm's
/// `SLURM_ARRAY_TASK_ID` and Kubernetes' `JOB_COMPLETION_INDEX` are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// K: which share, from 0.
    pub index: u32,
    /// N: how many shares the work is split into.
    pub count: u32,
}

impl Shard {
    /// The whole work as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Reads `K/N`.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let bad = |why: &str| ShardError::Syntax {
            text: text.to_string(),
            why: why.to_string(),
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(|| bad("no `/`"))?;
        let index: u32 = k.trim().parse().map_err(|_| bad("K is not a whole number"))?;
        let count: u32 = n.trim().parse().map_err(|_| bad("N is not a whole number"))?;
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index >= count {
            return Err(bad("K must be less than N (shards count from 0)"));
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `unit` (of the flat list, see the module docs) is this shard's.
    pub fn owns(&self, unit: u64) -> bool {
        unit % u64::from(self.count) == u64::from(self.index)
    }

    /// How many of `total` units are this shard's.
    pub fn share(&self, total: u64) -> u64 {
        let (n, k) = (u64::from(self.count), u64::from(self.index));
        total / n + u64::from(k < total % n)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a shard cannot run or partials cannot be merged. Every variant is bad input (the
/// command line's exit code 2) except [`ShardError::Write`].
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `K/N` with `0 <= K < N`.
    #[error("--shard {text}: {why}; write K/N with 0 <= K < N, e.g. --shard 0/4 (K counts from 0, like SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX)")]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong.
        why: String,
    },
    /// A file is not a partial result, or is damaged or cut short.
    #[error("{name}: {detail}")]
    Unreadable {
        /// The partial, as the caller names it (its path).
        name: String,
        /// What is wrong.
        detail: String,
    },
    /// Partials that do not belong together (different studies, versions or shard counts).
    #[error("{name} cannot be merged with {first}: {what}")]
    Mismatch {
        /// The partial refused.
        name: String,
        /// The first partial given, the reference.
        first: String,
        /// What differs, with both values.
        what: String,
    },
    /// Shards given twice.
    #[error("shard {shard} is given more than once: {}", names.join(", "))]
    Duplicate {
        /// The shard.
        shard: Shard,
        /// The partials holding it.
        names: Vec<String>,
    },
    /// Shards missing.
    #[error("{} of {count} shards missing: {}; given: {}", missing.len(), list(missing, *count), list(given, *count))]
    Missing {
        /// N.
        count: u32,
        /// The indices of the shards not given.
        missing: Vec<u32>,
        /// The indices given.
        given: Vec<u32>,
    },
    /// No partial given.
    #[error("no partial result given: name the --out folders of every `--shard K/N` run")]
    Nothing,
    /// The study in the partials cannot be read back (a scenario or override error).
    #[error("the scenario stored in the partials: {0}")]
    Study(String),
    /// Writing a unit failed (the sink's I/O).
    #[error("cannot write the partial result: {0}")]
    Write(String),
}

/// `K/N, ...` for the shard indices `shards`, shortened when there are many.
fn list(shards: &[u32], count: u32) -> String {
    if shards.is_empty() {
        return "none".into();
    }
    const SHOWN: usize = 20;
    let mut text: Vec<String> = shards.iter().take(SHOWN).map(|k| format!("{k}/{count}")).collect();
    if shards.len() > SHOWN {
        text.push(format!("and {} more", shards.len() - SHOWN));
    }
    text.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_k_of_n() {
        assert_eq!(Shard::parse("0/1").unwrap(), Shard::WHOLE);
        assert_eq!(Shard::parse(" 6/7 ").unwrap(), Shard { index: 6, count: 7 });
        for bad in ["7/7", "1/0", "3", "a/2", "-1/2", "1/2/3", ""] {
            let e = Shard::parse(bad).unwrap_err().to_string();
            assert!(e.contains("K/N"), "{bad}: {e}");
        }
        assert!(Shard::parse("7/7").unwrap_err().to_string().contains("less than N"));
    }

    /// Round-robin: every unit has exactly one owner, and shares differ by at most one.
    #[test]
    fn shares_cover_every_unit_once_and_balance() {
        for count in 1..12 {
            for total in [0u64, 1, 5, 36, 37, 100] {
                let shards: Vec<Shard> = (0..count).map(|index| Shard { index, count }).collect();
                for u in 0..total {
                    assert_eq!(shards.iter().filter(|s| s.owns(u)).count(), 1);
                }
                let shares: Vec<u64> = shards.iter().map(|s| s.share(total)).collect();
                assert_eq!(shares.iter().sum::<u64>(), total);
                for s in &shards {
                    assert_eq!(s.share(total), (0..total).filter(|&u| s.owns(u)).count() as u64);
                }
                assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
            }
        }
    }

    #[test]
    fn missing_shards_are_listed() {
        let e = ShardError::Missing {
            count: 7,
            missing: vec![2, 5],
            given: vec![0, 1, 3, 4, 6],
        };
        assert_eq!(
            e.to_string(),
            "2 of 7 shards missing: 2/7, 5/7; given: 0/7, 1/7, 3/7, 4/7, 6/7"
        );
    }
}
