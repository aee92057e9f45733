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
        let path = error
            .span()
            .and_then(|s| super::locate::path_at(source, s.start))
            .unwrap_or_default();
        ScenarioError {
            path,
            location,
            message: error.message().trim().to_string(),
        }
    }

    /// Finds this error's key path in `source` and records its line and column.
    pub fn locate_in(mut self, source: &str) -> Self {
        if self.location.is_none() {
            self.location = super::locate::locate(source, &self.path);
        }
        self
    }
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
