//! Parameter sweeps: a scenario run at every point of a grid of `--set` values, one
//! `sweep.csv` for all points.
//!
//! An [`Axis`] is one key with several values, written `KEY=FROM:TO:STEP` (both ends included
//! when the steps reach `TO`; integers when all three are) or `KEY=a,b,c`. Several axes make a
//! grid, the first axis varying slowest. Every point is validated before any is simulated, and
//! every point runs with the scenario's seed, so the points share their random numbers (common
//! random numbers: differences between points are not noise of different seeds).
//!
//! `sweep.csv` has one row per point and policy: the point's values (one column per axis, named
//! by its key), then the columns of `summary.csv`, built by [`Report`] itself.

use crate::engine::{RunControl, SimulationError};
use crate::experiment::{run_experiment_with, ExperimentResult, NamedPolicy, Observers, RunOptions};
use crate::model::Model;
use crate::report::{HeaderOf, Report, SummaryRow};
use crate::scenario::overrides::{split_arg, Form, KeyPath};
use crate::scenario::{load_with_overrides, LoadError, Override, OverrideError};
use std::io;
use toml_edit::Value;

/// The most points one axis may have: beyond it a range is surely a typo (a step too small).
pub const MAX_POINTS: usize = 10_000;

/// One swept key and its values.
#[derive(Debug, Clone)]
pub struct Axis {
    /// The argument as given.
    pub arg: String,
    /// The key.
    pub key: KeyPath,
    /// Its values, in order.
    pub values: Vec<Value>,
}

impl Axis {
    /// Reads `KEY=FROM:TO:STEP` or `KEY=a,b,c`; `None` for a single value (a fixed override).
    pub fn parse(arg: &str) -> Result<Option<Axis>, OverrideError> {
        let (key_text, value_text) = split_arg(arg)?;
        let fail = |message: String| OverrideError {
            arg: arg.to_string(),
            path: String::new(),
            message,
        };
        let key = KeyPath::parse(key_text).map_err(fail)?;
        let values = match Form::parse(value_text) {
            Form::Single(_) => return Ok(None),
            Form::List(values) => values,
            Form::Range {
                from,
                to,
                step,
                integers,
            } => range(from, to, step, integers).map_err(fail)?,
        };
        Ok(Some(Axis {
            arg: arg.to_string(),
            key,
            values,
        }))
    }
}

/// The values of `FROM:TO:STEP`: integers if all three were, else numbers rounded to 12
/// decimals (so `0.1` steps give `0.3`, not `0.30000000000000004`).
fn range(from: f64, to: f64, step: f64, integers: bool) -> Result<Vec<Value>, String> {
    if !(from.is_finite() && to.is_finite()) {
        return Err("FROM and TO of FROM:TO:STEP must be finite numbers".into());
    }
    if step == 0.0 || !step.is_finite() {
        return Err("the STEP of FROM:TO:STEP must be a finite number other than 0".into());
    }
    let n = ((to - from) / step + 1e-9).floor();
    if n < 0.0 {
        return Err(format!(
            "a STEP of {step} never leads from {from} to {to}: give it the sign of TO - FROM"
        ));
    }
    if n >= MAX_POINTS as f64 {
        return Err(format!(
            "{} points: an axis may have at most {MAX_POINTS}; use a larger STEP",
            n + 1.0
        ));
    }
    Ok((0..=n as i64)
        .map(|i| {
            let x = from + i as f64 * step;
            if integers {
                Value::from(x.round() as i64)
            } else {
                Value::from((x * 1e12).round() / 1e12)
            }
        })
        .collect())
}

/// Every point of the grid of `axes` (the first axis varying slowest), as the overrides that
/// make it. No axis gives one point with no override.
pub fn grid(axes: &[Axis]) -> Vec<Vec<Override>> {
    axes.iter().fold(vec![Vec::new()], |points, axis| {
        points
            .iter()
            .flat_map(|point| {
                axis.values.iter().map(move |v| {
                    let mut p = point.clone();
                    p.push(Override::new(axis.key.clone(), v.clone()));
                    p
                })
            })
            .collect()
    })
}

/// The text of a value in a CSV cell: strings without quotes, numbers as Rust writes them
/// (`1`, not `1.0`).
pub fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        Value::Float(x) => format!("{}", x.value()),
        other => other.to_string().trim().to_string(),
    }
}

/// Why a sweep failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// A point's scenario is not valid (a file error, or an error of one of its values).
    #[error("at the point {point}: {error}")]
    Load {
        /// The point's values, `key=value` joined by spaces.
        point: String,
        /// What is wrong.
        error: LoadError,
    },
    /// A simulation failed.
    #[error("at the point {point}: {error}")]
    Simulation {
        /// The point's values, `key=value` joined by spaces.
        point: String,
        /// What failed (boxed: it is large, and rare).
        error: Box<SimulationError>,
    },
}

/// One point of a sweep with its results.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The point's value of each axis, as CSV cells.
    pub values: Vec<String>,
    /// Its results, every policy.
    pub result: ExperimentResult,
    /// Its `summary.csv` rows, one per policy.
    pub summary: Vec<SummaryRow>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The axes' keys, as written: the first columns of `sweep.csv`.
    pub keys: Vec<String>,
    /// Every point, in grid order.
    pub points: Vec<SweepPoint>,
}

/// The arguments of `sweep --set`, split into the fixed overrides (`KEY=VALUE`) and the swept
/// axes (`KEY=FROM:TO:STEP`, `KEY=a,b,c`), each in the order given.
pub fn split_args(args: &[String]) -> Result<(Vec<Override>, Vec<Axis>), OverrideError> {
    let mut axes = Vec::new();
    let mut fixed = Vec::new();
    for arg in args {
        match Axis::parse(arg)? {
            Some(axis) => axes.push(axis),
            None => fixed.push(Override::parse(arg)?),
        }
    }
    Ok((fixed, axes))
}

/// One point of a grid, validated: the overrides that make it and its model.
#[derive(Debug, Clone)]
pub struct PointModel {
    /// The point's overrides, one per axis.
    pub point: Vec<Override>,
    /// The scenario at this point (with the fixed overrides too).
    pub model: Model,
}

impl PointModel {
    /// The point's values, `key=value` joined by spaces, as messages name it.
    pub fn describe(&self) -> String {
        describe(&self.point)
    }

    /// The finished point: its values as CSV cells, `result` and its summary rows.
    pub fn finish(&self, result: ExperimentResult) -> SweepPoint {
        let summary = Report::new(&self.model, &result).summary;
        SweepPoint {
            values: self.point.iter().map(|o| cell(&o.value)).collect(),
            result,
            summary,
        }
    }
}

fn describe(point: &[Override]) -> String {
    point.iter().map(|o| o.arg.as_str()).collect::<Vec<_>>().join(" ")
}

/// Every point of the grid of `axes` over `source` (with `read` for the files it names, and
/// the `fixed` overrides), validated, in grid order: the first bad point is an error.
pub fn point_models(
    source: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    fixed: &[Override],
    axes: &[Axis],
) -> Result<Vec<PointModel>, SweepError> {
    grid(axes)
        .into_iter()
        .map(|point| {
            let all: Vec<Override> = fixed.iter().chain(&point).cloned().collect();
            match load_with_overrides(source, read, &all) {
                Ok(model) => Ok(PointModel { point, model }),
                Err(error) => Err(SweepError::Load {
                    point: describe(&point),
                    error,
                }),
            }
        })
        .collect()
}

/// The keys of `axes` as written: the first columns of `sweep.csv`.
pub fn keys(axes: &[Axis]) -> Vec<String> {
    axes.iter().map(|a| a.key.text.clone()).collect()
}

/// Runs `source` (with `read` for the files it names, and the `fixed` overrides) at every point
/// of the grid of `axes`. Every point is validated first; `progress(done, total)` is called
/// after each point is simulated. Every point runs under `control`, as
/// [`run_experiment_with`] does: an interruption or a runaway point ends the whole sweep with
/// [`SweepError::Simulation`], whose error says which.
pub fn run_sweep(
    source: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    fixed: &[Override],
    axes: &[Axis],
    options: &RunOptions,
    control: &RunControl,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Sweep, SweepError> {
    let models = point_models(source, read, fixed, axes)?;
    let mut done = Vec::with_capacity(models.len());
    for point in &models {
        let policies = NamedPolicy::from_model(&point.model);
        let result =
            run_experiment_with(&point.model, &policies, options, control, &Observers::default()).map_err(|error| {
                SweepError::Simulation {
                    point: point.describe(),
                    error: Box::new(error),
                }
            })?;
        done.push(point.finish(result));
        progress(done.len(), models.len());
    }
    Ok(Sweep {
        keys: keys(axes),
        points: done,
    })
}

impl Sweep {
    /// Writes `sweep.csv`: a header, then one row per point and policy.
    pub fn write_csv<W: io::Write>(&self, out: W) -> Result<(), csv::Error> {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
        let header: Vec<&str> = self
            .keys
            .iter()
            .map(String::as_str)
            .chain(SummaryRow::header().iter().copied())
            .collect();
        w.write_record(&header)?;
        for point in &self.points {
            for row in &point.summary {
                for v in &point.values {
                    w.write_field(v)?;
                }
                w.serialize(row)?;
            }
        }
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: &str) -> Vec<String> {
        Axis::parse(arg).unwrap().unwrap().values.iter().map(cell).collect()
    }

    #[test]
    fn ranges_include_their_end_and_keep_integers() {
        assert_eq!(values("a=0.5:0.9:0.1"), ["0.5", "0.6", "0.7", "0.8", "0.9"]);
        assert_eq!(values("a=1:7:3"), ["1", "4", "7"]);
        assert_eq!(values("a=5:1:-2"), ["5", "3", "1"]);
        assert_eq!(values("a=1:2:0.4"), ["1", "1.4", "1.8"]);
        assert_eq!(values("a=x,\"b,c\",[1, 2]"), ["x", "b,c", "[1, 2]"]);
        assert!(Axis::parse("a=3").unwrap().is_none());
        for bad in ["a=1:5:0", "a=1:5:-1", "a=0:1:0.00001"] {
            assert!(Axis::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn two_axes_make_a_grid_first_axis_slowest() {
        let axes = [
            Axis::parse("x=1,2").unwrap().unwrap(),
            Axis::parse("y=a,b,c").unwrap().unwrap(),
        ];
        let points: Vec<String> = grid(&axes)
            .iter()
            .map(|p| p.iter().map(|o| o.arg.clone()).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            points,
            [
                "x=1 y=\"a\"",
                "x=1 y=\"b\"",
                "x=1 y=\"c\"",
                "x=2 y=\"a\"",
                "x=2 y=\"b\"",
                "x=2 y=\"c\""
            ]
        );
        assert_eq!(grid(&[]).len(), 1);
    }

    #[test]
    fn sweep_csv_has_the_keys_then_the_summary_columns() {
        let source = "[run]\nhorizon = 300\nreplications = 2\n[arrivals]\nrate = 0.5\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n[[policy]]\nkind = \"round-robin\"\n";
        let axes = [Axis::parse("arrivals.scale=1,1.5").unwrap().unwrap()];
        let mut calls = 0;
        let sweep = run_sweep(
            source,
            &|_| Err("no files".into()),
            &[],
            &axes,
            &RunOptions::default(),
            &RunControl::default(),
            &mut |_, _| calls += 1,
        )
        .unwrap();
        assert_eq!(calls, 2);
        let mut out = Vec::new();
        sweep.write_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("arrivals.scale,{}", SummaryRow::header().join(",")));
        assert_eq!(lines.len(), 1 + 2 * 2, "{text}");
        assert!(
            lines[1].starts_with("1,random,2,") && lines[4].starts_with("1.5,round-robin,2,"),
            "{text}"
        );
        let arrived = |l: &str| l.split(',').nth(3).unwrap().parse::<u64>().unwrap();
        assert!(
            arrived(lines[3]) > arrived(lines[1]),
            "scale 1.5 brings more clients: {text}"
        );
    }

    #[test]
    fn an_interrupted_sweep_stops_at_its_first_point() {
        let source = "[run]\nhorizon = 300\n[arrivals]\nrate = 0.5\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n";
        let axes = [Axis::parse("arrivals.scale=1,2").unwrap().unwrap()];
        let control = RunControl {
            interrupt: Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true))),
            ..RunControl::default()
        };
        let mut calls = 0;
        let e = run_sweep(
            source,
            &|_| Err("no files".into()),
            &[],
            &axes,
            &RunOptions::default(),
            &control,
            &mut |_, _| calls += 1,
        )
        .unwrap_err();
        assert_eq!(calls, 0);
        assert!(
            matches!(&e, SweepError::Simulation { point, error } if point == "arrivals.scale=1" && **error == SimulationError::Interrupted),
            "{e:?}"
        );
    }

    #[test]
    fn a_bad_point_is_refused_before_any_simulation() {
        let source = "[run]\nhorizon = 300\n[arrivals]\nrate = 0.5\n[[service]]\nname = \"s\"\nduration = { dist = \"exponential\", mean = 1.0 }\n[[office]]\nname = \"A\"\n[[policy]]\nkind = \"random\"\n";
        let axes = [Axis::parse("office.0.counters=2:0:-1").unwrap().unwrap()];
        let mut calls = 0;
        let e = run_sweep(
            source,
            &|_| Err("no files".into()),
            &[],
            &axes,
            &RunOptions::default(),
            &RunControl::default(),
            &mut |_, _| calls += 1,
        )
        .unwrap_err();
        assert_eq!(calls, 0);
        assert!(
            e.to_string().contains("office.0.counters=0") && e.to_string().contains("must be between 1"),
            "{e}"
        );
    }
}
