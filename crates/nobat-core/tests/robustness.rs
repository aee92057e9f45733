//! Robustness: no scenario text, however mangled, panics the parser, the validator or (when it
//! validates) a short simulation. Every refusal is a [`ScenarioError`] with a message.
//!
//! Two property tests, bounded so that CI spends seconds on them (`PROPTEST_CASES` raises the
//! count for a longer local hunt; `fuzz/` in the repository root holds a cargo-fuzz target for
//! runs of hours):
//!
//! - `mutated_scenarios`: the scenario files of `scenarios/`, with values replaced by nasty ones
//!   (negative, zero, NaN, infinite, huge, wrong types, bad times), lines deleted or duplicated,
//!   and keys misspelt;
//! - `random_toml`: random text and random TOML made of the reference's keys and nasty values.

use nobat_core::engine::{RunControl, SimulationError};
use nobat_core::experiment::{run_experiment_with, NamedPolicy, RunOptions};
use nobat_core::scenario::{self, ScenarioError};
use proptest::prelude::*;

const SCENARIOS: [&str; 11] = [
    include_str!("../../../scenarios/appointments.toml"),
    include_str!("../../../scenarios/capacity.toml"),
    include_str!("../../../scenarios/city-board.toml"),
    include_str!("../../../scenarios/city-small.toml"),
    include_str!("../../../scenarios/mm1.toml"),
    include_str!("../../../scenarios/mmc.toml"),
    include_str!("../../../scenarios/new-services.toml"),
    include_str!("../../../scenarios/office-week.toml"),
    include_str!("../../../scenarios/patience.toml"),
    include_str!("../../../scenarios/priorities.toml"),
    include_str!("../../../scenarios/virtual-window.toml"),
];

/// Values that have broken parsers and validators elsewhere.
const NASTY: &[&str] = &[
    "-1",
    "0",
    "-0.0",
    "1e-300",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "0.5",
    "2",
    "100000",
    "\"\"",
    "\"x\"",
    "\"-5min\"",
    "\"1e400h\"",
    "\"25:00\"",
    "\"24:00\"",
    "\"00:00\"",
    "\"08:00-08:00\"",
    "\"23:00-01:00\"",
    "\"closed\"",
    "\"nan\"",
    "\"inf d\"",
    "\"9999999999d\"",
    "true",
    "[]",
    "[1]",
    "[nan, nan]",
    "[1e308, -1e308]",
    "[0, 0, 0, 0]",
    "{}",
    "{ dist = \"exponential\" }",
    "{ dist = \"weibull\", shape = 1e-9, scale = 1 }",
    "{ dist = \"empirical\", values = [] }",
    "{ dist = \"erlang\", k = 4294967295, mean = 1 }",
    "{ dist = \"lognormal\", mean = 1e308, cv = 1e308 }",
    "{ dist = \"gamma\", mean = 1, cv = 1e-200 }",
    "{ dist = \"uniform\", min = 0, max = 1e308 }",
    "{ dist = \"triangular\", min = 0, mode = 0, max = 0 }",
    "[{ from = \"08:00\", to = \"08:00\", per_hour = 1 }]",
    "[{ from = 0, to = 1440, per_hour = 1e12 }]",
    "{ sat = nan }",
    "{ default = \"00:00-24:00\", fri = \"closed\" }",
    "\"\\u0000\"",
    "\"é\"",
];

/// Plausible values: most edits with them still validate, so they reach the engine with
/// unusual but legal settings (a zero-length service, one minute of horizon, a huge capacity).
const MILD: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "0.01",
    "0.99",
    "1.0",
    "7",
    "60",
    "\"10min\"",
    "\"08:00\"",
    "\"1d\"",
    "\"90s\"",
    "\"08:00-12:00, 13:00-14:00\"",
    "\"next\"",
    "\"turn-away\"",
    "\"reserved\"",
    "\"central\"",
    "\"earliest-slot\"",
    "\"regular\"",
    "\"manhattan\"",
    "\"waiting\"",
    "false",
    "true",
    "{ dist = \"deterministic\", value = 0 }",
    "{ dist = \"exponential\", mean = 0.001 }",
    "{ dist = \"empirical\", values = [0, 0, 1000] }",
    "{ dist = \"uniform\", min = 0, max = 0 }",
];

/// Keys of the scenario reference, for random TOML and misspellings.
const KEYS: &[&str] = &[
    "name",
    "horizon",
    "warmup",
    "replications",
    "seed",
    "target",
    "rate",
    "schedule",
    "scale",
    "days",
    "process",
    "metric",
    "speed_kmh",
    "overhead",
    "origins",
    "location",
    "area",
    "weight",
    "share",
    "duration",
    "patience",
    "priority",
    "balk_above",
    "balk_probability",
    "online_share",
    "book_share",
    "no_show",
    "lateness",
    "early",
    "counters",
    "speed",
    "capacity",
    "on_full",
    "hours",
    "shifts",
    "at_close",
    "services",
    "virtual",
    "slots",
    "kind",
    "d",
    "candidates",
    "radius_km",
    "refresh",
    "shows",
    "compliance",
    "travel_weight",
    "a",
    "b",
    "fallback",
    "booking",
    "first_day",
    "same_day",
    "max_lead",
    "serve",
    "reserved_counters",
    "length",
    "clients",
    "first",
    "overbook",
    "days_ahead",
    "dist",
    "mean",
    "value",
    "min",
    "max",
    "mode",
    "cv",
    "k",
    "shape",
];

const TABLES: &[&str] = &[
    "[run]",
    "[arrivals]",
    "[geography]",
    "[calendar]",
    "[booking]",
    "[booking.slots]",
    "[[zone]]",
    "[[service]]",
    "[[office]]",
    "[[policy]]",
    "[office.slots]",
    "[nonsense]",
];

/// The scenario files an origins file may be asked for: a small valid one.
fn read(name: &str) -> Result<String, String> {
    match name {
        "origins.csv" => Ok("x_km,y_km,weight,zone\n0,0,1,a\n1,1,2,b\n".into()),
        other => Err(format!("no file `{other}` in this test")),
    }
}

/// How many inputs reached the simulation (shown with `--nocapture`).
static SIMULATED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Loads `text`; when it validates and is small, simulates one replication of every policy.
/// Panics (failing the property) only on a panic inside nobat or an unclean error.
fn exercise(text: &str) {
    match scenario::load_with(text, &read) {
        Err(ScenarioError { message, .. }) => {
            assert!(!message.trim().is_empty(), "an error without a message for:\n{text}");
        }
        Ok(mut model) => {
            // Only small runs: the point is the engine's reaction to odd values, not volume. A
            // shorter horizon (still after the warm-up) is a valid model too.
            let rate = model.mean_rate();
            let short = model.run.warmup + 3_000.0 / rate;
            if rate > 0.0 && short < model.run.horizon {
                model.run.horizon = short;
            }
            let clients = rate * model.run.horizon;
            if clients.is_finite() && clients <= 10_000.0 && model.offices.len() <= 64 {
                let n = SIMULATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n % 250 == 0 {
                    println!("{n} mutated or random scenarios simulated so far");
                }
                let control = RunControl {
                    max_in_system: 5_000,
                    interrupt: None,
                };
                let options = RunOptions {
                    replications: Some(1),
                    threads: Some(1),
                    ..RunOptions::default()
                };
                match run_experiment_with(
                    &model,
                    &NamedPolicy::from_model(&model),
                    &options,
                    &control,
                    &Default::default(),
                ) {
                    Ok(_) | Err(SimulationError::TooManyClients { .. }) => {}
                    Err(e) => panic!("simulation failed: {e}\n{text}"),
                }
            }
        }
    }
}

/// One edit of a scenario's text.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace the value of the `n`-th `key = value` line.
    Value(usize, &'static str),
    /// Delete the `n`-th line.
    Delete(usize),
    /// Repeat the `n`-th line.
    Duplicate(usize),
    /// Change one character of the key of the `n`-th `key = value` line.
    Misspell(usize, char),
    /// Insert a table header before the `n`-th line.
    Header(usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), proptest::sample::select(NASTY)).prop_map(|(n, v)| Edit::Value(n, v)),
        3 => (any::<usize>(), proptest::sample::select(MILD)).prop_map(|(n, v)| Edit::Value(n, v)),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => any::<usize>().prop_map(Edit::Duplicate),
        1 => (any::<usize>(), proptest::char::range('a', 'z')).prop_map(|(n, c)| Edit::Misspell(n, c)),
        1 => (any::<usize>(), proptest::sample::select(TABLES)).prop_map(|(n, t)| Edit::Header(n, t)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        let assignments: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                let l = lines[i].trim_start();
                !l.starts_with('#') && !l.starts_with('[') && l.contains(" = ")
            })
            .collect();
        let pick = |n: usize, of: &[usize]| (!of.is_empty()).then(|| of[n % of.len()]);
        match *e {
            Edit::Value(n, v) => {
                if let Some(i) = pick(n, &assignments) {
                    let key = lines[i].split(" = ").next().unwrap_or("").to_string();
                    lines[i] = format!("{key} = {v}");
                }
            }
            Edit::Delete(n) if !lines.is_empty() => {
                lines.remove(n % lines.len());
            }
            Edit::Duplicate(n) if !lines.is_empty() => {
                let i = n % lines.len();
                lines.insert(i, lines[i].clone());
            }
            Edit::Misspell(n, c) => {
                if let Some(i) = pick(n, &assignments) {
                    let line = &lines[i];
                    let eq = line.find(" = ").unwrap_or(0);
                    let mut chars: Vec<char> = line.chars().collect();
                    let start = line.len() - line.trim_start().len();
                    if eq > start {
                        chars[start + n % (eq - start)] = c;
                        lines[i] = chars.into_iter().collect();
                    }
                }
            }
            Edit::Header(n, t) => {
                let i = n % (lines.len() + 1);
                lines.insert(i, t.to_string());
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// Random TOML made of the reference's tables, keys and nasty values.
fn toml_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        1 => proptest::sample::select(TABLES).prop_map(str::to_string),
        4 => (proptest::sample::select(KEYS), proptest::sample::select(NASTY)).prop_map(|(k, v)| format!("{k} = {v}")),
    ];
    proptest::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios(which in 0..SCENARIOS.len(), edits in proptest::collection::vec(edit(), 1..4)) {
        exercise(&apply(SCENARIOS[which], &edits));
    }

    #[test]
    fn random_toml(text in toml_like()) {
        exercise(&text);
    }

    #[test]
    fn random_text(text in "\\PC{0,200}") {
        exercise(&text);
    }
}

/// The engine meets only odd values it was built for: every scenario file still validates,
/// so the mutations above start from inputs that reach the simulation.
#[test]
fn every_scenario_file_validates() {
    for text in SCENARIOS {
        let origins = scenario::load_with(text, &read);
        assert!(origins.is_ok(), "{:?}", origins.err());
    }
}
