//! `nobat`: run scenario files of service-office networks and write wait-time reports.
//!
//! Exit codes: 0 success, 2 bad input (scenario or arguments, including an unstable scenario
//! that exceeds `--max-in-system`), 130 interrupted by Ctrl-C, 1 any other failure.

mod args;
mod charts;
mod client_trace;
mod commands;
mod error;
mod html_report;
mod input;
mod interrupt;
mod output;
mod partial_files;
mod progress;
mod study_report;
mod table;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Run(a) => commands::run::run(&a),
        args::Command::Check(a) => commands::check::check(&a),
        args::Command::Size(a) => commands::size::size(&a),
        args::Command::Sweep(a) => commands::sweep::sweep(&a),
        args::Command::Merge(a) => commands::merge::merge(&a),
        args::Command::Fit(a) => commands::fit::fit(&a),
    };
    match result {
        Ok(text) => {
            // A closed pipe (`nobat run ... | head`) is not an error: the files are written.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
