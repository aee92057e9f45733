//! `--set KEY=VALUE`: changes to a scenario's TOML text made before it is read, so that the
//! schema (`deny_unknown_fields`, types) and every check of the model judge them exactly as if
//! they had been written in the file.
//!
//! A key is a dotted path into the file: `arrivals.rate`, `run.target`, `office.3.counters`
//! (the 4th `[[office]]`: indices count from 0 in file order), `office[3].counters` (the same,
//! as error messages write it), or `office[name=Central].counters` (by name). A value is a TOML
//! value (`3`, `1.5`, `true`, `"08:00-14:00"`, `[2.5, 4]`, `{ dist = "exponential", mean = 2 }`);
//! text that is not one is taken as a string, so `policy.0.kind=random` needs no quotes.
//! A missing table on the way is created (`arrivals.scale` works without `[arrivals]`), a missing
//! array entry is an error naming the entries there are.
//!
//! [`Form`] tells a single value from a sweep's range (`FROM:TO:STEP`) or list (`a,b,c`).

use super::{load_with, ScenarioError};
use crate::model::Model;
use std::fmt;
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// Why a `--set` argument cannot be applied: the argument as written, the key path it reached,
/// and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct OverrideError {
    /// The argument as given, `KEY=VALUE`.
    pub arg: String,
    /// The key path (as error messages write it, `office[3].counters`); empty when the key
    /// itself could not be read.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--set {}: ", self.arg)?;
        if !self.path.is_empty() {
            write!(f, "`{}`: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a scenario with overrides cannot be used: a problem of the file itself, or of an override.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// The file is wrong (located in the file as written).
    #[error("{0}")]
    Scenario(ScenarioError),
    /// An override is wrong: its key does not exist, or its value is refused.
    #[error("{0}")]
    Override(OverrideError),
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// An entry of an array, from 0.
    Index(usize),
    /// The entry of an array of tables whose `name` is this.
    Named(String),
}

/// A parsed dotted key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    /// The key as written.
    pub text: String,
    /// Its steps.
    pub steps: Vec<Step>,
}

impl KeyPath {
    /// Parses `arrivals.rate`, `office.3.counters`, `office[3].counters` or
    /// `office[name=A].counters`; the message of an error says what is allowed.
    pub fn parse(text: &str) -> Result<KeyPath, String> {
        let mut steps = Vec::new();
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err("the key is empty; write KEY=VALUE, e.g. `arrivals.rate=2`".into());
        }
        while !rest.is_empty() {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let (part, after) = rest.split_at(end);
            if !part.is_empty() {
                steps.push(match part.parse::<usize>() {
                    Ok(i) if !steps.is_empty() => Step::Index(i),
                    _ => Step::Key(part.to_string()),
                });
            } else if after.starts_with('.') || steps.is_empty() && !after.starts_with('[') {
                return Err(format!("`{text}` has an empty part; keys are separated by single dots"));
            }
            rest = after;
            if let Some(inner) = rest.strip_prefix('[') {
                let close = inner
                    .find(']')
                    .ok_or_else(|| format!("`{text}`: a `[` is not closed by `]`"))?;
                let selector = inner[..close].trim();
                if steps.is_empty() {
                    return Err(format!("`{text}`: `[...]` must follow a key, as in `office[0]`"));
                }
                steps.push(if let Ok(i) = selector.parse::<usize>() {
                    Step::Index(i)
                } else if let Some(name) = selector.strip_prefix("name=") {
                    Step::Named(name.trim().trim_matches('"').to_string())
                } else {
                    return Err(format!(
                        "`{text}`: `[{selector}]` selects nothing; write an index from 0 (`[3]`) or a name (`[name=A]`)"
                    ));
                });
                rest = &inner[close + 1..];
            }
            if let Some(after_dot) = rest.strip_prefix('.') {
                if after_dot.is_empty() {
                    return Err(format!("`{text}` ends with a dot"));
                }
                rest = after_dot;
            } else if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("`{text}`: expected `.` or `[` after `]`"));
            }
        }
        Ok(KeyPath {
            text: text.trim().to_string(),
            steps,
        })
    }
}

/// What the value part of `KEY=VALUE` holds.
#[derive(Debug, Clone)]
pub enum Form {
    /// One value.
    Single(Value),
    /// `FROM:TO:STEP`: three numbers.
    Range {
        /// First value.
        from: f64,
        /// Last value (included when the steps reach it).
        to: f64,
        /// Increment; it must lead from `from` to `to`.
        step: f64,
        /// All three were written as integers, so the values are integers.
        integers: bool,
    },
    /// `a,b,c`: several values (commas inside brackets, braces or quotes do not split).
    List(Vec<Value>),
}

impl Form {
    /// Reads the value text of a `--set` argument.
    pub fn parse(text: &str) -> Form {
        let items = split_top_level(text);
        if items.len() > 1 {
            return Form::List(items.iter().map(|s| value_of(s)).collect());
        }
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() == 3 {
            let numbers: Vec<Value> = parts.iter().map(|s| value_of(s)).collect();
            let number = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            if let [Some(from), Some(to), Some(step)] = [0, 1, 2].map(|i| number(&numbers[i])) {
                return Form::Range {
                    from,
                    to,
                    step,
                    integers: numbers.iter().all(Value::is_integer),
                };
            }
        }
        Form::Single(value_of(text))
    }
}

/// A TOML value, or the text as a string when it is not one.
pub(crate) fn value_of(text: &str) -> Value {
    let text = text.trim();
    text.parse::<Value>()
        .map(|mut v| {
            v.decor_mut().clear();
            v
        })
        .unwrap_or_else(|_| Value::from(text))
}

/// Splits at commas that are not inside brackets, braces or quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// One `--set KEY=VALUE`: a key path and a single value.
#[derive(Debug, Clone)]
pub struct Override {
    /// The argument as given (or as a sweep point writes it).
    pub arg: String,
    /// Where the value goes.
    pub key: KeyPath,
    /// The value.
    pub value: Value,
}

/// Splits `KEY=VALUE` at the first `=` that is not inside a `[...]` selector.
pub fn split_arg(arg: &str) -> Result<(&str, &str), OverrideError> {
    let mut depth = 0;
    for (i, c) in arg.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '=' if depth == 0 => return Ok((&arg[..i], &arg[i + 1..])),
            _ => {}
        }
    }
    Err(OverrideError {
        arg: arg.to_string(),
        path: String::new(),
        message: "expected KEY=VALUE, e.g. `arrivals.scale=1.2` or `office[name=A].counters=3`".into(),
    })
}

impl Override {
    /// Parses `KEY=VALUE` with a single value; a range or a list is refused (only
    /// `nobat sweep` takes those).
    pub fn parse(arg: &str) -> Result<Override, OverrideError> {
        let (key, value) = split_arg(arg)?;
        let fail = |message: String| OverrideError {
            arg: arg.to_string(),
            path: String::new(),
            message,
        };
        let key = KeyPath::parse(key).map_err(fail)?;
        match Form::parse(value) {
            Form::Single(value) => Ok(Override {
                arg: arg.to_string(),
                key,
                value,
            }),
            Form::Range { .. } | Form::List(_) => Err(fail(
                "a range (FROM:TO:STEP) or a list (a,b,c) of values is for `nobat sweep`; give one value here (quote a string with commas)".into(),
            )),
        }
    }

    /// The override of `key` with `value`, written as `key=value`.
    pub fn new(key: KeyPath, value: Value) -> Override {
        Override {
            arg: format!("{}={}", key.text, value.to_string().trim()),
            key,
            value,
        }
    }

    /// Writes the value into `doc`; returns the key path as error messages write it
    /// (`office[3].counters`).
    pub fn apply(&self, doc: &mut DocumentMut) -> Result<String, OverrideError> {
        let mut at = String::new();
        set_in_table(doc.as_table_mut(), false, &self.key.steps, &self.value, &mut at).map_err(|message| {
            OverrideError {
                arg: self.arg.clone(),
                path: at.clone(),
                message,
            }
        })?;
        Ok(at)
    }
}

fn push_key(at: &mut String, k: &str) {
    if !at.is_empty() {
        at.push('.');
    }
    at.push_str(k);
}

/// The noun used in "the scenario has 5 offices" (or "1 office").
fn entries_of(key: &str, n: usize) -> String {
    let one = matches!(key, "office" | "service" | "zone" | "site" | "policy");
    match (key, n, one) {
        (_, 1, true) => key.into(),
        (_, 1, false) => "entry".into(),
        ("policy", _, _) => "policies".into(),
        (_, _, true) => format!("{key}s"),
        _ => "entries".into(),
    }
}

fn set_in_table(
    table: &mut dyn TableLike,
    inline: bool,
    steps: &[Step],
    value: &Value,
    at: &mut String,
) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        return Err("is a table, not a value: set one of its keys, e.g. `office.0.counters=2`".into());
    };
    let Step::Key(k) = step else {
        return Err(format!("`{at}` is a table: select a key of it, not an entry"));
    };
    push_key(at, k);
    if rest.is_empty() {
        let mut v = value.clone();
        if let Some(old) = table.get(k).and_then(Item::as_value) {
            *v.decor_mut() = old.decor().clone();
        }
        table.insert(k, Item::Value(v));
        return Ok(());
    }
    if !table.contains_key(k) {
        if !matches!(rest[0], Step::Key(_)) {
            return Err(format!(
                "there is no `{k}` in the scenario, so no entry of it to select"
            ));
        }
        let new = if inline {
            Item::Value(Value::InlineTable(InlineTable::new()))
        } else {
            Item::Table(Table::new())
        };
        table.insert(k, new);
    }
    match table.get_mut(k) {
        Some(item) => set_in_item(item, k, rest, value, at),
        None => Err(format!("`{at}` cannot be set here")),
    }
}

fn set_in_item(item: &mut Item, key: &str, steps: &[Step], value: &Value, at: &mut String) -> Result<(), String> {
    match item {
        Item::Table(t) => set_in_table(t, false, steps, value, at),
        Item::ArrayOfTables(tables) => {
            let names: Vec<String> = tables
                .iter()
                .map(|t| t.get("name").and_then(Item::as_str).unwrap_or("").to_string())
                .collect();
            let i = select(key, &steps[0], &names, at)?;
            match tables.get_mut(i) {
                Some(t) => set_in_table(t, false, &steps[1..], value, at),
                None => Err(format!("`{at}`: no entry {i}")),
            }
        }
        Item::Value(v) => set_in_value(v, key, steps, value, at),
        Item::None => Err(format!("`{at}` is empty")),
    }
}

fn set_in_value(v: &mut Value, key: &str, steps: &[Step], value: &Value, at: &mut String) -> Result<(), String> {
    match v {
        Value::InlineTable(t) => set_in_table(t, true, steps, value, at),
        Value::Array(a) => {
            let names: Vec<String> = a
                .iter()
                .map(|e| {
                    e.as_inline_table()
                        .and_then(|t| t.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            let i = select(key, &steps[0], &names, at)?;
            let Some(entry) = a.get_mut(i) else {
                return Err(format!("`{at}`: no entry {i}"));
            };
            if steps.len() == 1 {
                let mut new = value.clone();
                *new.decor_mut() = entry.decor().clone();
                *entry = new;
                Ok(())
            } else {
                set_in_value(entry, key, &steps[1..], value, at)
            }
        }
        other => Err(format!(
            "is a value ({}), not a table: nothing is below it",
            other.to_string().trim()
        )),
    }
}

/// The index an `Index` or `Named` step selects among `names.len()` entries of `key`.
fn select(key: &str, step: &Step, names: &[String], at: &mut String) -> Result<usize, String> {
    let n = names.len();
    let range = if n == 0 {
        "none".to_string()
    } else {
        format!("0..{}", n - 1)
    };
    let whose = if matches!(key, "office" | "service" | "zone" | "policy" | "site") {
        "the scenario has"
    } else {
        "it has"
    };
    match step {
        Step::Index(i) if *i < n => {
            at.push_str(&format!("[{i}]"));
            Ok(*i)
        }
        Step::Index(i) => Err(format!(
            "{key} index {i} out of range: {whose} {n} {} ({range}; indices count from 0 in file order)",
            entries_of(key, n)
        )),
        Step::Named(name) => match names.iter().position(|x| x == name) {
            Some(i) => {
                at.push_str(&format!("[{i}]"));
                Ok(i)
            }
            None => Err(format!(
                "no {key} is named `{name}`; the names are: {}",
                names.iter().filter(|x| !x.is_empty()).cloned().collect::<Vec<_>>().join(", ")
            )),
        },
        Step::Key(k) => Err(format!(
            "`{key}` is a list: select an entry by index (`{key}.0`, `{key}[0]`) or by name (`{key}[name=...]`), not `{k}`"
        )),
    }
}

/// The scenario text with `overrides` applied in order, and the key path each one set (as error
/// messages write it). Formatting and comments elsewhere are kept.
pub fn apply_overrides(source: &str, overrides: &[Override]) -> Result<(String, Vec<String>), LoadError> {
    let mut doc: DocumentMut = match source.parse() {
        Ok(doc) => doc,
        // A syntax error: the scenario reader reports it with its place in the file.
        Err(_) => {
            return Err(LoadError::Scenario(
                super::Scenario::from_toml(source)
                    .err()
                    .unwrap_or_else(|| ScenarioError::at("", "the file is not valid TOML")),
            ))
        }
    };
    let paths = overrides
        .iter()
        .map(|o| o.apply(&mut doc))
        .collect::<Result<Vec<_>, _>>()
        .map_err(LoadError::Override)?;
    Ok((doc.to_string(), paths))
}

/// Like [`load_with`], with `overrides` applied first. An error at (or below) an overridden
/// key is blamed on that `--set`; any other is located in `source` as written.
pub fn load_with_overrides(
    source: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    overrides: &[Override],
) -> Result<Model, LoadError> {
    if overrides.is_empty() {
        return load_with(source, read).map_err(LoadError::Scenario);
    }
    let (text, paths) = apply_overrides(source, overrides)?;
    load_with(&text, read).map_err(|e| {
        let blamed = paths.iter().zip(overrides).rev().find(|(p, _)| {
            e.path == **p || e.path.starts_with(&format!("{p}.")) || e.path.starts_with(&format!("{p}["))
        });
        match blamed {
            Some((_, o)) => LoadError::Override(OverrideError {
                arg: o.arg.clone(),
                path: e.path.clone(),
                message: e.message.clone(),
            }),
            None => LoadError::Scenario(ScenarioError { location: None, ..e }.locate_in(source)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    const BASE: &str = r#"
[run]
horizon = 100
[arrivals]
rate = 1.0   # per minute
[[service]]
name = "s"
duration = { dist = "exponential", mean = 0.5 }
[[office]]
name = "A"
counters = 1
[[office]]
name = "B"
[[policy]]
kind = "random"
"#;

    fn load(args: &[&str]) -> Result<Model, LoadError> {
        let overrides: Vec<Override> = args.iter().map(|a| Override::parse(a).unwrap()).collect();
        load_with_overrides(BASE, &|_| Err("no files".into()), &overrides)
    }

    fn message(args: &[&str]) -> String {
        load(args).unwrap_err().to_string()
    }

    #[test]
    fn key_paths_by_dot_index_bracket_and_name() {
        let steps = |t: &str| KeyPath::parse(t).unwrap().steps;
        let k = |s: &str| Step::Key(s.into());
        assert_eq!(steps("arrivals.rate"), vec![k("arrivals"), k("rate")]);
        assert_eq!(
            steps("office.3.counters"),
            vec![k("office"), Step::Index(3), k("counters")]
        );
        assert_eq!(steps("office[3].counters"), steps("office.3.counters"));
        assert_eq!(
            steps("office[name=Central 2].counters"),
            vec![k("office"), Step::Named("Central 2".into()), k("counters")]
        );
        assert!(KeyPath::parse("office..counters").is_err());
        assert!(KeyPath::parse("office[x].counters").is_err());
        assert!(KeyPath::parse("office[0").is_err());
    }

    #[test]
    fn values_ranges_and_lists() {
        assert!(matches!(Form::parse("3"), Form::Single(Value::Integer(v)) if *v.value() == 3));
        assert!(matches!(Form::parse("random"), Form::Single(Value::String(v)) if v.value() == "random"));
        assert!(matches!(Form::parse("08:00-14:00"), Form::Single(Value::String(v)) if v.value() == "08:00-14:00"));
        assert!(matches!(Form::parse("[1.5, 2]"), Form::Single(Value::Array(_))));
        assert!(matches!(Form::parse("0.5:0.9:0.1"), Form::Range { .. }));
        assert!(matches!(Form::parse("1,2,4"), Form::List(v) if v.len() == 3));
        assert!(Override::parse("run.seed=1,2").is_err());
    }

    #[test]
    fn overrides_change_the_model() {
        let m = load(&["office.1.counters=3", "arrivals.scale=2", "office[name=A].speed=1.5"]).unwrap();
        assert_eq!(m.offices[1].counters, 3);
        assert_eq!(m.offices[0].speed, 1.5);
        assert!((m.mean_rate() - 2.0).abs() < 1e-12, "scale multiplies the rate");
        let m = load(&["service.0.duration.mean=2", "run.target=30"]).unwrap();
        assert!((m.mean_service() - 2.0).abs() < 1e-12);
        assert_eq!(m.run.target, Some(30.0));
    }

    #[test]
    fn arrivals_scale_multiplies_every_source_including_zone_rates_and_schedules() {
        let source = r#"
[run]
horizon = "2d"
[geography]
speed_kmh = 30
[[zone]]
name = "a"
location = [0, 0]
rate = 0.5
[[zone]]
name = "b"
location = [1, 0]
schedule = [{ from = "08:00", to = "12:00", per_hour = 30 }]
[[service]]
name = "s"
duration = { dist = "exponential", mean = 0.5 }
[[office]]
name = "A"
location = [0, 0]
[[policy]]
kind = "random"
"#;
        let expected =
            |m: &Model| -> Vec<f64> { m.sources.iter().map(|s| s.profile.expected_arrivals(2880.0)).collect() };
        let read = |_: &str| Err("no files".to_string());
        let base = expected(&load_with_overrides(source, &read, &[]).unwrap());
        let o = Override::parse("arrivals.scale=1.5").unwrap();
        let scaled = expected(&load_with_overrides(source, &read, &[o]).unwrap());
        assert_eq!(base.len(), 2);
        for (b, s) in base.iter().zip(&scaled) {
            assert!((s - 1.5 * b).abs() < 1e-9, "{base:?} -> {scaled:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the key path and value, an override is applied or refused with an error:
        /// never a panic.
        #[test]
        fn any_override_is_applied_or_refused(
            steps in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec!["run", "arrivals", "office", "service", "duration", "counters", "rate", "name", "x", "schedule", "policy", "site"]).prop_map(String::from),
                    (0usize..4).prop_map(|i| i.to_string()),
                    proptest::sample::select(vec!["[0]", "[1]", "[9]", "[name=A]", "[name=Z]", "[x]", "[", "]", ".", ""]).prop_map(String::from),
                ],
                1..6,
            ),
            value in proptest::sample::select(vec!["1", "0", "-1", "2.5", "x", "[1, 2]", "{ a = 1 }", "\"08:00\"", "true", "1:2:1", "a,b", ""]),
        ) {
            let key = steps.join(".");
            if let Ok(o) = Override::parse(&format!("{key}={value}")) {
                let _ = load_with_overrides(BASE, &|_| Err("no files".into()), &[o]);
            }
        }
    }

    #[test]
    fn comments_and_layout_are_kept() {
        let o = Override::parse("arrivals.rate=2").unwrap();
        let (text, paths) = apply_overrides(BASE, &[o]).unwrap();
        assert!(text.contains("rate = 2   # per minute"), "{text}");
        assert_eq!(paths, vec!["arrivals.rate"]);
    }

    #[test]
    fn errors_name_the_argument_the_key_and_what_is_allowed() {
        let e = message(&["office.7.counters=2"]);
        assert!(e.contains("--set office.7.counters=2"), "{e}");
        assert!(
            e.contains("office index 7 out of range: the scenario has 2 offices (0..1"),
            "{e}"
        );
        let e = message(&["office[name=Z].counters=2"]);
        assert!(e.contains("no office is named `Z`; the names are: A, B"), "{e}");
        let e = message(&["office.0.countrs=2"]);
        assert!(e.contains("`office[0].countrs`") && e.contains("counters"), "{e}");
        let e = message(&["office.0.counters=0"]);
        assert!(e.contains("`office[0].counters`: must be between 1"), "{e}");
        let e = message(&["arrivals.rate=fast"]);
        assert!(e.contains("--set arrivals.rate=fast") && e.contains("a number"), "{e}");
        let e = message(&["run.horizon.x=1"]);
        assert!(e.contains("not a table"), "{e}");
        let e = message(&["office.0=3"]);
        assert!(e.contains("`office[0]`: is a table, not a value"), "{e}");
        assert!(matches!(load(&["office.0.counters=0"]), Err(LoadError::Override(_))));
    }

    #[test]
    fn an_error_elsewhere_is_located_in_the_file() {
        let source = BASE.replace("counters = 1", "counters = 1\ncapacity = 2");
        let o = Override::parse("office.0.counters=3").unwrap();
        let e = load_with_overrides(&source, &|_| Err("no files".into()), &[o]).unwrap_err();
        match e {
            LoadError::Scenario(e) => {
                assert_eq!(e.path, "office[0].capacity");
                assert_eq!(e.location.map(|l| l.line), Some(12));
            }
            other => panic!("expected a file error, got {other}"),
        }
    }
}
