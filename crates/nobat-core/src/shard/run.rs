//! [`run_shard`]: runs one shard's units of a study and writes them to a partial.

use super::{PartialWriter, Plan, Shard, ShardError};
use crate::engine::SimulationError;
use crate::experiment::{run_tasks, NamedPolicy, Observers, RunOptions, Task};
use crate::sweep::PointModel;
use std::io::Write;

/// Why a shard's run stopped.
#[derive(Debug, thiserror::Error)]
pub enum ShardRunError {
    /// A replication failed (interrupted, or a runaway queue) at `point`.
    #[error("{error}")]
    Simulation {
        /// The point's values (empty for a run).
        point: String,
        /// What failed (boxed: it is large, and rare).
        error: Box<SimulationError>,
    },
    /// The partial could not be written.
    #[error("{0}")]
    Write(#[from] ShardError),
}

/// The error of a unit, tagged with its point once the point is known.
enum Failed {
    Simulation(SimulationError),
    Write(ShardError),
}

impl From<SimulationError> for Failed {
    fn from(e: SimulationError) -> Self {
        Failed::Simulation(e)
    }
}

/// The plan of `points` run with `options`: every policy and replication of every point.
pub fn plan_of(points: &[PointModel], options: &RunOptions) -> Plan {
    Plan::new(
        points
            .iter()
            .map(|p| (p.model.policies.len(), options.resolve(&p.model).0)),
    )
}

/// Runs the units of `points` that `shard` owns (see [`Plan`]) under `control`, each with the
/// seeds of a whole run, and writes them in unit order to `out`, which must have been started
/// with the header of this shard. `observers.progress` counts this shard's units; with
/// `observers.time_series` every unit carries its time series and its hours of the office day
/// (the merged reports are those of `run --out`, which writes both).
pub fn run_shard<W: Write>(
    points: &[PointModel],
    shard: Shard,
    options: &RunOptions,
    control: &crate::engine::RunControl,
    observers: &Observers<'_>,
    out: &mut PartialWriter<W>,
) -> Result<(), ShardRunError> {
    let plan = plan_of(points, options);
    let total = shard.share(plan.total());
    let mut before = 0u64;
    for (i, point) in points.iter().enumerate() {
        let numbered = plan.tasks(i, shard);
        let tasks: Vec<Task> = numbered.iter().map(|&(_, t)| t).collect();
        let progress = |done: u64, _: u64| {
            if let Some(outer) = observers.progress {
                outer(before + done, total);
            }
        };
        let inner = Observers {
            time_series: observers.time_series,
            by_hour: observers.time_series,
            progress: Some(&progress),
            recorders: None,
        };
        let policies = NamedPolicy::from_model(&point.model);
        let mut next = numbered.iter();
        let ran = run_tasks(
            &point.model,
            &policies,
            &tasks,
            options,
            control,
            &inner,
            &mut |task, measured| {
                let unit = next.next().map_or(0, |&(u, _)| u);
                out.write(unit, i as u32, task, &measured).map_err(Failed::Write)
            },
        );
        match ran {
            Ok(()) => {}
            Err(Failed::Simulation(error)) => {
                return Err(ShardRunError::Simulation {
                    point: point.describe(),
                    error: Box::new(error),
                })
            }
            Err(Failed::Write(e)) => return Err(e.into()),
        }
        before += tasks.len() as u64;
    }
    Ok(())
}
