//! Reading a scenario file into a model, with the file's name in every message.

use crate::error::CliError;
use nobat_core::model::Model;
use nobat_core::scenario;
use std::path::Path;

/// Reads and validates the scenario at `path`; any problem is a [`CliError::Input`] that names
/// the file, the line and column, the key and what is allowed. Files the scenario names (an
/// origins CSV) are read relative to the scenario's folder.
pub fn load_model(path: &Path) -> Result<Model, CliError> {
    let shown = path.display();
    if path.is_dir() {
        return Err(CliError::Input(format!("{shown}: is a folder, not a scenario file")));
    }
    let bytes = std::fs::read(path).map_err(|e| CliError::Input(format!("{shown}: cannot read the scenario: {e}")))?;
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
    let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let read = move |name: &str| -> Result<String, String> {
        let file = folder.join(name);
        std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))
    };
    scenario::load_with(&source, &read).map_err(|e| {
        let place = match e.location {
            Some(l) => format!("{shown}:{}:{}", l.line, l.column),
            None => shown.to_string(),
        };
        let key = if e.path.is_empty() {
            String::new()
        } else {
            format!("`{}`: ", e.path)
        };
        CliError::Input(format!("{place}: {key}{}", e.message))
    })
}
