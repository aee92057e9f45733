//! [`CliError`]: every failure with the exit code it maps to.

use std::fmt;

/// A failure of a command: bad input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum CliError {
    /// The scenario or the arguments are wrong: the user can fix it.
    Input(String),
    /// Something else failed (I/O on the output folder, the simulation itself).
    Failure(anyhow::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failure(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(m) => f.write_str(m),
            CliError::Failure(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failure(e)
    }
}
