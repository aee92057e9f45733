//! [`Plan`]: the flat list of units of a study (point, policy, replication) and which shard
//! runs each.

use super::Shard;
use crate::experiment::Task;

/// The units of a study: for every point (one for a run), its policies times its replications,
/// numbered point-major, then policy, then replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Policies and replications of each point.
    shapes: Vec<(usize, u32)>,
    /// The number of the first unit of each point.
    offsets: Vec<u64>,
    total: u64,
}

impl Plan {
    /// The plan of points with these (policies, replications per policy).
    pub fn new(shapes: impl IntoIterator<Item = (usize, u32)>) -> Plan {
        let shapes: Vec<(usize, u32)> = shapes.into_iter().collect();
        let mut offsets = Vec::with_capacity(shapes.len());
        let mut total = 0u64;
        for &(policies, replications) in &shapes {
            offsets.push(total);
            total += policies as u64 * u64::from(replications);
        }
        Plan { shapes, offsets, total }
    }

    /// Units in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Points in the study.
    pub fn points(&self) -> usize {
        self.shapes.len()
    }

    /// The number of `task` of `point` in the flat list.
    pub fn unit(&self, point: usize, task: Task) -> u64 {
        let replications = u64::from(self.shapes[point].1);
        self.offsets[point] + task.policy as u64 * replications + u64::from(task.replication)
    }

    /// The tasks of `point` that `shard` runs, with their unit numbers, in unit order.
    pub fn tasks(&self, point: usize, shard: Shard) -> Vec<(u64, Task)> {
        let (policies, replications) = self.shapes[point];
        (0..policies)
            .flat_map(|policy| (0..replications).map(move |replication| Task { policy, replication }))
            .map(|task| (self.unit(point, task), task))
            .filter(|&(unit, _)| shard.owns(unit))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_numbered_point_then_policy_then_replication() {
        let plan = Plan::new([(2, 3), (1, 4)]);
        assert_eq!(plan.total(), 10);
        let all: Vec<u64> = (0..2)
            .flat_map(|p| plan.tasks(p, Shard::WHOLE))
            .map(|(u, _)| u)
            .collect();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(
            plan.unit(
                0,
                Task {
                    policy: 1,
                    replication: 0
                }
            ),
            3,
            "policy 1 follows the 3 replications of policy 0"
        );
        let third: Vec<u64> = (0..2)
            .flat_map(|p| plan.tasks(p, Shard { index: 1, count: 3 }))
            .map(|(u, _)| u)
            .collect();
        assert_eq!(third, [1, 4, 7]);
    }
}
