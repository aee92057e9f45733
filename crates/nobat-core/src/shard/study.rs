//! [`Study`]: what a sharded run computes — the scenario text, the files it names, the `--set`
//! arguments, the seed and replications — stored in every partial so that the merge needs
//! nothing else and can tell partials of different studies apart.

use super::ShardError;
use crate::experiment::RunOptions;
use crate::scenario::{load_with_overrides, Override};
use crate::sweep::{point_models, split_args, PointModel};

/// Which verb the study is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StudyKind {
    /// `nobat run`: one point, every policy and replication; the merge writes the run's reports.
    Run,
    /// `nobat sweep`: every point of a grid; the merge writes `sweep.csv` and its report.
    Sweep,
}

impl StudyKind {
    /// The verb, as typed.
    pub fn verb(self) -> &'static str {
        match self {
            StudyKind::Run => "run",
            StudyKind::Sweep => "sweep",
        }
    }
}

/// Everything that decides a study's results: two partials merge only if their studies are
/// equal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Study {
    /// `run` or `sweep`.
    pub kind: StudyKind,
    /// The scenario file as named on the command line; reports show it.
    pub scenario: String,
    /// The scenario's text as read (before `--set`).
    pub source: String,
    /// The files the scenario names (an origins CSV), by name as written in it, with their
    /// text, sorted by name.
    pub files: Vec<(String, String)>,
    /// The `--set` arguments in order (for a sweep, the swept and the fixed ones).
    pub set: Vec<String>,
    /// `--seed`, when given.
    pub seed: Option<u64>,
    /// `--replications`, when given.
    pub replications: Option<u32>,
}

impl Study {
    /// The run options the study was run with (`threads` does not change results).
    pub fn options(&self, threads: Option<usize>) -> RunOptions {
        RunOptions {
            replications: self.replications,
            seed: self.seed,
            threads,
            // Shards run a fixed plan of units: a precision request decides replications from
            // results as they come, which a shard cannot see (the CLI refuses the two together).
            precision: None,
        }
    }

    /// The text of a file the scenario names, from those stored.
    pub fn read(&self, name: &str) -> Result<String, String> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.clone())
            .ok_or_else(|| format!("`{name}` is not among the files stored with the partial results"))
    }

    /// Every point of the study with its validated model, in order (one point, with no
    /// override, for a run).
    pub fn points(&self) -> Result<Vec<PointModel>, ShardError> {
        let read = |name: &str| self.read(name);
        match self.kind {
            StudyKind::Run => {
                let overrides = (self.set.iter())
                    .map(|a| Override::parse(a))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ShardError::Study(e.to_string()))?;
                let model = load_with_overrides(&self.source, &read, &overrides)
                    .map_err(|e| ShardError::Study(e.to_string()))?;
                Ok(vec![PointModel {
                    point: Vec::new(),
                    model,
                }])
            }
            StudyKind::Sweep => {
                let (fixed, axes) = split_args(&self.set).map_err(|e| ShardError::Study(e.to_string()))?;
                point_models(&self.source, &read, &fixed, &axes).map_err(|e| ShardError::Study(e.to_string()))
            }
        }
    }

    /// A fingerprint of the study (FNV-1a, 64 bits, of its CBOR encoding), shown as 16 hex
    /// digits in headers and messages. Equal studies have equal digests; the merge compares
    /// the studies themselves, so a collision cannot merge different ones.
    pub fn digest(&self) -> String {
        let mut bytes = Vec::new();
        // Writing into memory cannot fail; an empty encoding would only weaken the fingerprint.
        let _ = ciborium::into_writer(self, &mut bytes);
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}")
    }

    /// The first way `other` differs from this study, in words with both values; `None` when
    /// they are the same study.
    pub fn difference(&self, other: &Study) -> Option<String> {
        let show = |x: Option<String>| x.unwrap_or_else(|| "the scenario's".into());
        if self.kind != other.kind {
            return Some(format!(
                "it is a partial of `nobat {}`, not of `nobat {}`",
                other.kind.verb(),
                self.kind.verb()
            ));
        }
        if self.source != other.source {
            return Some(format!(
                "a different scenario (digest {} vs {}): its scenario text differs",
                other.digest(),
                self.digest()
            ));
        }
        if self.files != other.files {
            return Some("a different scenario: the files it names differ".into());
        }
        if self.set != other.set {
            return Some(format!(
                "different --set arguments: [{}] vs [{}]",
                other.set.join(" "),
                self.set.join(" ")
            ));
        }
        if self.seed != other.seed {
            return Some(format!(
                "a different seed: {} vs {}",
                show(other.seed.map(|s| s.to_string())),
                show(self.seed.map(|s| s.to_string()))
            ));
        }
        if self.replications != other.replications {
            return Some(format!(
                "different replications: {} vs {}",
                show(other.replications.map(|s| s.to_string())),
                show(self.replications.map(|s| s.to_string()))
            ));
        }
        if self.scenario != other.scenario {
            return Some(format!(
                "the scenario was named `{}`, not `{}` (reports show the name)",
                other.scenario, self.scenario
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> Study {
        Study {
            kind: StudyKind::Run,
            scenario: "s.toml".into(),
            source: "[run]\nhorizon = 10\n[arrivals]\nrate = 1\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1 }\n[[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n".into(),
            files: Vec::new(),
            set: vec!["arrivals.scale=0.5".into()],
            seed: None,
            replications: Some(3),
        }
    }

    #[test]
    fn differences_are_named_and_digests_differ() {
        let a = study();
        assert_eq!(a.difference(&a.clone()), None);
        assert_eq!(a.digest(), a.clone().digest());
        assert_eq!(a.digest().len(), 16);
        let b = Study {
            seed: Some(8),
            ..study()
        };
        assert_ne!(a.digest(), b.digest());
        assert_eq!(a.difference(&b).unwrap(), "a different seed: 8 vs the scenario's");
        let c = Study {
            source: a.source.replace("rate = 1", "rate = 2"),
            ..study()
        };
        assert!(a.difference(&c).unwrap().contains("scenario text differs"));
        let d = Study {
            kind: StudyKind::Sweep,
            ..study()
        };
        assert!(a.difference(&d).unwrap().contains("nobat sweep"));
    }

    #[test]
    fn a_run_study_rebuilds_its_model_with_the_overrides() {
        let points = study().points().unwrap();
        assert_eq!(points.len(), 1);
        assert!((points[0].model.offices.len()) == 1);
    }
}
