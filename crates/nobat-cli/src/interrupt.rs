//! Ctrl-C: the first one asks the run to stop (the simulation checks a flag every few thousand
//! events and between replications, so it stops within a second), temporary report files are
//! removed and `nobat` exits with 130, the shell's code for "interrupted by SIGINT". Killing
//! the worker threads instead would leave no chance to clean up.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The process-wide interruption flag, with the Ctrl-C handler installed on first use.
pub fn flag() -> Arc<AtomicBool> {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        // Without a handler (another one installed, an unusual platform) Ctrl-C still ends the
        // process, by the default action: only the clean-up is lost, never a whole report set
        // half put in place, since files are renamed into place last.
        let _ = ctrlc::set_handler(move || set.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

/// Whether Ctrl-C was pressed (false if the handler was never installed).
pub fn requested() -> bool {
    FLAG.get().is_some_and(|f| f.load(Ordering::SeqCst))
}
