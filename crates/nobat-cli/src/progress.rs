//! A progress bar on stderr for long runs: replications done of the total, elapsed time and an
//! estimate of the time left. Shown only when stderr is a terminal (never in a pipe, a log or a
//! test) and not `--quiet`; the library only calls back, it knows nothing of terminals.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar, or nothing when it should not be shown.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar counting `unit` (`replications`, `points`), unless `quiet` or stderr is not a
    /// terminal.
    pub fn new(quiet: bool, unit: &str) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:30}} {{pos}}/{{len}} {unit}, {{elapsed}} elapsed, ETA {{eta}}"
            ))
            .expect("a valid template"),
        );
        Progress(Some(bar))
    }

    /// The callback for [`nobat_core::experiment::Observers::progress`]: (done, total). Calls
    /// come from any worker thread and may arrive slightly out of order, so the bar never
    /// moves back.
    pub fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(bar.position().max(done));
        }
    }

    /// Whether a bar is shown.
    pub fn shown(&self) -> bool {
        self.0.is_some()
    }

    /// Removes the bar, leaving the terminal as it was.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
