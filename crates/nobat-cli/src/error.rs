//! [`CliError`]: every failure with the exit code it maps to.

use std::fmt;

/// A failure of a command: bad input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum CliError {
    /// The scenario or the arguments are wrong: the user can fix it.
    Input(String),
    /// Something else failed (I/O on the output folder, the simulation itself).
    Failure(anyhow::Error),
    /// Ctrl-C stopped the command before it finished; nothing was written.
    Interrupted,
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Failure(_) => 1,
            // 128 + SIGINT, as a shell reports a process ended by Ctrl-C.
            CliError::Interrupted => 130,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(m) => f.write_str(m),
            CliError::Failure(e) => write!(f, "{e:#}"),
            CliError::Interrupted => f.write_str("interrupted: stopped before the end, no report written"),
        }
    }
}

impl CliError {
    /// The error of a simulation of `scenario` that did not finish. A runaway scenario is bad
    /// input (exit 2): it is unstable as written, and the user fixes it in the file or with
    /// `--max-in-system`.
    pub fn from_simulation(scenario: &std::path::Path, e: nobat_core::engine::SimulationError) -> Self {
        use nobat_core::engine::SimulationError as E;
        match e {
            E::Interrupted => CliError::Interrupted,
            e @ E::TooManyClients { .. } => CliError::Input(format!("{}: {e}", scenario.display())),
            e => CliError::Failure(anyhow::Error::new(e).context(format!("simulating {}", scenario.display()))),
        }
    }
}

impl CliError {
    /// The error of writing the output folder: [`CliError::Interrupted`] when Ctrl-C stopped
    /// it (nothing was put in place), a failure otherwise.
    pub fn from_output(e: anyhow::Error) -> Self {
        match e.downcast_ref::<crate::output::Interrupted>() {
            Some(_) => CliError::Interrupted,
            None => CliError::Failure(e),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failure(e)
    }
}
