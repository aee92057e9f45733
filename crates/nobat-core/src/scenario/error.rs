//! The one error type for a scenario that cannot be used: where the problem is and what is allowed.

use std::fmt;

/// A place in a scenario file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

impl Location {
    /// The location of a byte offset in `source`.
    pub fn of_offset(source: &str, offset: usize) -> Location {
        let offset = offset.min(source.len());
        let before = &source[..floor_char_boundary(source, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Why a scenario was refused: a key path (like `service[1].duration.mean`), where it is in the
/// file when known, and a message that says what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The dotted key path of the offending value; empty for a syntax error.
    pub path: String,
    /// Where in the file, when it could be found.
    pub location: Option<Location>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ScenarioError {
    /// An error about the value at `path`.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.into(),
            location: None,
            message: message.into(),
        }
    }

    /// Converts a TOML syntax or type error, keeping its place in the file.
    pub(crate) fn from_toml(error: &toml::de::Error, source: &str) -> Self {
        let location = error.span().map(|s| Location::of_offset(source, s.start));
        // A span over the whole document is the top level (a missing top-level key): the
        // table that happens to start the file is not the place.
        let path = error
            .span()
            .filter(|s| !(s.start == 0 && s.end >= source.trim_end().len()))
            .and_then(|s| super::locate::path_at(source, s.start))
            .unwrap_or_default();
        ScenarioError {
            path,
            location,
            message: plain_types(error.message().trim()),
        }
    }

    /// Finds this error's key path in `source` and records its line and column.
    pub fn locate_in(mut self, source: &str) -> Self {
        if self.location.is_none() {
            self.location = super::locate::locate(source, &self.path);
        }
        self
    }

    /// Adds "did you mean `x`?" when the message refuses an unknown name and lists the allowed
    /// ones, so that a misspelt key or kind is fixed at a glance. Applied once to every error
    /// of [`super::load_with`], so each validation only has to list what is allowed.
    pub fn with_suggestion(mut self) -> Self {
        if let Some(best) = suggestion(&self.message) {
            self.message.push_str(&format!(" (did you mean `{best}`?)"));
        }
        self
    }
}

/// Serde's names for Rust types, in the words of the scenario reference.
fn plain_types(message: &str) -> String {
    const NAMES: [(&str, &str); 10] = [
        ("expected u32", "expected a whole number from 0 to 4294967295"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        (
            "expected struct DistSpec",
            "expected a distribution such as `{ dist = \"exponential\", mean = 5 }`",
        ),
        (
            "expected struct SlotSection",
            "expected a table such as `{ length = 15, clients = 1 }`",
        ),
        (
            "expected struct ScheduleEntry",
            "expected a piece such as `{ from = \"08:00\", to = \"10:00\", per_hour = 60 }`",
        ),
        (
            "expected struct ShiftEntry",
            "expected a shift such as `{ from = \"08:00\", to = \"12:00\", counters = 2 }`",
        ),
        ("expected a sequence", "expected a list `[...]`"),
        ("expected a string", "expected a string in quotes"),
    ];
    let mut out = message.to_string();
    for (serde, plain) in NAMES {
        out = out.replace(serde, plain);
    }
    // Any other section: `expected struct RunSection` is a table to the user.
    if let Some(i) = out.find("expected struct ") {
        out.replace_range(i.., "expected a table");
    }
    out = out.replace("invalid type: map", "invalid type: a table");
    if out.starts_with("data did not match any variant of untagged enum BacklogSpec") {
        out = "expected a whole number of clients or a distribution such as `{ dist = \"poisson\", mean = 12 }`".into();
    }
    if out.starts_with("data did not match any variant of untagged enum Hours") {
        out = "expected opening hours: a string such as \"08:00-14:00\" or a table by weekday such as { default = \"08:00-14:00\", fri = \"closed\" }".into();
    }
    out
}

/// The allowed name nearest to the unknown one in `message`, if it is near enough to be a typo.
///
/// Understands the two shapes of refusal used in nobat: serde's ``unknown field `x`, expected
/// one of `a`, `b` `` and the model's ``unknown <what> `x`; allowed: a, b`` (also `kinds:`).
fn suggestion(message: &str) -> Option<String> {
    let start = message.find("unknown ")?;
    let rest = &message[start..];
    let open = rest.find('`')?;
    let close = open + 1 + rest[open + 1..].find('`')?;
    let word = &rest[open + 1..close];
    let after = &rest[close + 1..];
    let list = ["expected one of ", "allowed: ", "kinds: ", "the services are: "]
        .iter()
        .find_map(|m| after.find(m).map(|i| &after[i + m.len()..]))?;
    let candidates = list.split(',').filter_map(|c| {
        // `a`, "power-of-d (with d)": keep the bare name.
        let c = c.trim().trim_matches('`');
        let c = c.split([' ', '{', '`']).next()?.trim();
        (!c.is_empty()).then_some(c)
    });
    let (best, distance) = candidates
        .map(|c| (c, levenshtein(&word.to_lowercase(), &c.to_lowercase())))
        .min_by_key(|&(_, d)| d)?;
    // A typo changes a few letters; an unrelated word changes most of them.
    let limit = (word.chars().count().max(best.chars().count()) / 3).max(1);
    (distance > 0 && distance <= limit).then(|| best.to_string())
}

/// The edit distance between `a` and `b` (insertions, deletions and substitutions of chars).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location {
            write!(f, "line {}, column {}: ", loc.line, loc.column)?;
        }
        if !self.path.is_empty() {
            write!(f, "`{}`: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_changes() {
        assert_eq!(levenshtein("countrs", "counters"), 1);
        assert_eq!(levenshtein("exponentail", "exponential"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }

    #[test]
    fn suggests_the_nearest_key_or_name() {
        let serde = "unknown field `countrs`, expected one of `name`, `counters`, `speed`";
        assert_eq!(suggestion(serde).as_deref(), Some("counters"));
        let model = "unknown policy kind `shortest-queu`; allowed: random, power-of-d (with d), shortest-queue";
        assert_eq!(suggestion(model).as_deref(), Some("shortest-queue"));
    }

    #[test]
    fn no_suggestion_for_an_unrelated_word() {
        let m = "unknown policy kind `fastest`; allowed: random, round-robin, shortest-queue";
        assert_eq!(suggestion(m), None);
        assert_eq!(suggestion("must be greater than 0"), None);
    }

    #[test]
    fn serde_type_names_become_plain_words() {
        assert_eq!(
            plain_types("invalid value: integer `-2`, expected u32"),
            "invalid value: integer `-2`, expected a whole number from 0 to 4294967295"
        );
    }
}
