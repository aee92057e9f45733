//! [`merge`]: partials of every shard of a study back into the results of a whole run, and
//! [`check`]: whether a set of partials is exactly that.

use super::run::plan_of;
use super::{PartialReader, Shard, ShardError, Study};
use crate::experiment::{ExperimentFold, ExperimentResult};
use crate::sweep::PointModel;
use std::collections::BTreeMap;
use std::io::Read;

/// The merged study: what it was, its points and each point's results, as a whole run of it
/// would have computed them.
#[derive(Debug)]
pub struct Merged {
    /// The study, as stored in the partials.
    pub study: Study,
    /// Its points with their models (one for a run).
    pub points: Vec<PointModel>,
    /// The results of each point, in order.
    pub results: Vec<ExperimentResult>,
}

/// Checks that `partials` are every shard of one study, each once: same format and nobat
/// version, same study, same number of shards. The first partial is the reference every
/// other is compared with; a difference, a duplicate or a missing shard is an error naming the
/// partials and shards concerned.
pub fn check<R: Read>(partials: &[PartialReader<R>]) -> Result<(), ShardError> {
    let first = partials.first().ok_or(ShardError::Nothing)?;
    let reference = first.header();
    for p in &partials[1..] {
        let h = p.header();
        let mismatch = |what: String| ShardError::Mismatch {
            name: p.name().to_string(),
            first: first.name().to_string(),
            what,
        };
        if h.nobat_version != reference.nobat_version {
            return Err(mismatch(format!(
                "it was written by nobat {}, the other by nobat {}",
                h.nobat_version, reference.nobat_version
            )));
        }
        if let Some(what) = reference.study.difference(&h.study) {
            return Err(mismatch(what));
        }
        if h.shard.count != reference.shard.count {
            return Err(mismatch(format!(
                "it is shard {} of a split into {}, the other shard {} of a split into {}",
                h.shard, h.shard.count, reference.shard, reference.shard.count
            )));
        }
        if h.total_units != reference.total_units || h.time_series != reference.time_series {
            return Err(mismatch("its header describes the work differently".into()));
        }
    }
    let mut by_index: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for p in partials {
        by_index
            .entry(p.header().shard.index)
            .or_default()
            .push(p.name().to_string());
    }
    if let Some((&index, names)) = by_index.iter().find(|(_, names)| names.len() > 1) {
        return Err(ShardError::Duplicate {
            shard: Shard {
                index,
                count: reference.shard.count,
            },
            names: names.clone(),
        });
    }
    let count = reference.shard.count;
    let missing: Vec<u32> = (0..count).filter(|k| !by_index.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(ShardError::Missing {
            count,
            missing,
            given: by_index.keys().copied().collect(),
        });
    }
    Ok(())
}

/// Merges `partials` (every shard of one study, in any order; see [`check`]) into the results
/// a whole run of the study gives, bit for bit: the study's scenario is rebuilt from the
/// partials, and the units are folded in the whole run's order, read one at a time.
pub fn merge<R: Read>(mut partials: Vec<PartialReader<R>>) -> Result<Merged, ShardError> {
    check(&partials)?;
    partials.sort_by_key(|p| p.header().shard.index);
    let header = partials[0].header().clone();
    let study = header.study.clone();
    let points = study.points()?;
    let options = study.options(None);
    let plan = plan_of(&points, &options);
    if plan.total() != header.total_units {
        return Err(ShardError::Study(format!(
            "the scenario stored gives {} units, the partials announce {}",
            plan.total(),
            header.total_units
        )));
    }
    let count = u64::from(header.shard.count);
    let mut results = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        let (replications, seed) = options.resolve(&point.model);
        let names = point.model.policies.iter().map(|p| p.name.clone());
        let mut fold = ExperimentFold::new(
            &point.model,
            names,
            seed,
            replications,
            header.time_series,
            header.time_series,
        );
        for (unit, task) in plan.tasks(i, Shard::WHOLE) {
            // Round-robin: unit u is the next unit of shard u mod N.
            let reader = &mut partials[(unit % count) as usize];
            let record = reader.next_unit()?;
            if record.unit != unit || record.point != i as u32 || record.task != task {
                return Err(ShardError::Unreadable {
                    name: reader.name().to_string(),
                    detail: format!(
                        "holds unit {} (point {}, policy {}, replication {}) where unit {unit} was expected: damaged",
                        record.unit, record.point, record.task.policy, record.task.replication
                    ),
                });
            }
            fold.absorb(task, &record.measured);
        }
        results.push(fold.finish());
    }
    for p in partials {
        p.finish()?;
    }
    Ok(Merged { study, points, results })
}
