//! Reading a scenario file into a model, with the file's name in every message, and `--set`
//! overrides applied first.

use crate::error::CliError;
use nobat_core::model::Model;
use nobat_core::scenario::{self, LoadError, Override, ScenarioError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A scenario file read into memory: its text, and how to read the files it names.
pub struct ScenarioFile {
    /// The path as given.
    pub path: PathBuf,
    /// The file's text.
    pub source: String,
    folder: PathBuf,
    /// The files the scenario named, as read (name as written, text): a shard stores them in
    /// its partial so that the merge needs nothing else.
    named: Mutex<BTreeMap<String, String>>,
}

impl ScenarioFile {
    /// Reads the scenario at `path`; a missing, unreadable, non-UTF-8 or empty file is a
    /// [`CliError::Input`].
    pub fn read(path: &Path) -> Result<ScenarioFile, CliError> {
        let shown = path.display();
        if path.is_dir() {
            return Err(CliError::Input(format!("{shown}: is a folder, not a scenario file")));
        }
        let bytes =
            std::fs::read(path).map_err(|e| CliError::Input(format!("{shown}: cannot read the scenario: {e}")))?;
        let source = String::from_utf8(bytes).map_err(|e| {
            CliError::Input(format!(
                "{shown}: is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        if source.trim().is_empty() {
            return Err(CliError::Input(format!(
                "{shown}: the file is empty; a scenario needs [run], [arrivals], [[service]], [[office]] and [[policy]]"
            )));
        }
        Ok(ScenarioFile {
            path: path.to_path_buf(),
            folder: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            source,
            named: Mutex::default(),
        })
    }

    /// Reads a file the scenario names (an origins CSV), relative to the scenario's folder.
    pub fn read_named(&self, name: &str) -> Result<String, String> {
        let file = self.folder.join(name);
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if let Ok(mut named) = self.named.lock() {
            named.insert(name.to_string(), text.clone());
        }
        Ok(text)
    }

    /// The files read so far through [`Self::read_named`], sorted by name.
    pub fn named_files(&self) -> Vec<(String, String)> {
        self.named
            .lock()
            .map(|named| named.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// Validates the scenario with `overrides` applied.
    pub fn model(&self, overrides: &[Override]) -> Result<Model, CliError> {
        scenario::load_with_overrides(&self.source, &|name| self.read_named(name), overrides)
            .map_err(|e| self.load_error(e, overrides))
    }

    /// The message of a scenario or override error: the file, the line and column when known,
    /// the key and what is allowed; a file error found with overrides applied says so.
    pub fn load_error(&self, error: LoadError, overrides: &[Override]) -> CliError {
        let shown = self.path.display();
        match error {
            LoadError::Override(e) => CliError::Input(format!("{shown}: {e}")),
            LoadError::Scenario(e) => {
                let ScenarioError {
                    path,
                    location,
                    message,
                } = e;
                let place = match location {
                    Some(l) => format!("{shown}:{}:{}", l.line, l.column),
                    None => shown.to_string(),
                };
                let key = if path.is_empty() {
                    String::new()
                } else {
                    format!("`{path}`: ")
                };
                let with = if overrides.is_empty() {
                    String::new()
                } else {
                    let args: Vec<String> = overrides.iter().map(|o| format!("--set {}", o.arg)).collect();
                    format!(" (with {})", args.join(" "))
                };
                CliError::Input(format!("{place}: {key}{message}{with}"))
            }
        }
    }
}

/// Parses `--set KEY=VALUE` arguments; a bad one is a [`CliError::Input`].
pub fn overrides(args: &[String]) -> Result<Vec<Override>, CliError> {
    args.iter()
        .map(|a| Override::parse(a).map_err(|e| CliError::Input(e.to_string())))
        .collect()
}

/// Reads and validates the scenario at `path` with `set` (`--set` arguments) applied; any
/// problem is a [`CliError::Input`] that names the file, the line and column, the key and what
/// is allowed. Files the scenario names (an origins CSV) are read relative to its folder.
pub fn load_model(path: &Path, set: &[String]) -> Result<Model, CliError> {
    let overrides = overrides(set)?;
    ScenarioFile::read(path)?.model(&overrides)
}
