//! The command line, as clap parses it.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Discrete-event simulation of networks of service offices: compare allocation policies on the
/// same simulated demand and report waits, utilisation and service levels.
#[derive(Debug, Parser)]
#[command(name = "nobat", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate every policy of a scenario, all replications, and write the CSV reports.
    Run(RunArgs),
    /// Validate a scenario without simulating; print the offered load and warnings.
    Check(CheckArgs),
}

/// `nobat run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Folder for the CSV reports (created if missing). Without it, only the table is printed.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications per policy (overrides `run.replications`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Base seed (overrides `run.seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..1025))]
    pub threads: Option<u32>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The HTML report and progress, shared by the verbs that simulate.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write report.html and its SVG charts into the --out folder (the default when --out is
    /// given; needs --out).
    #[arg(long, conflicts_with = "no_report")]
    pub report: bool,
    /// Write only the CSV files, no report.html or charts.
    #[arg(long)]
    pub no_report: bool,
    /// No progress bar (it is shown only when stderr is a terminal anyway).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `nobat check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}
