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
    /// Find the smallest added capacity (counters, or offices at candidate sites) that meets a
    /// wait target with 95% confidence; write sizing.csv.
    Size(SizeArgs),
    /// Run a scenario at every point of a range or grid of `--set` values; write sweep.csv.
    Sweep(SweepArgs),
    /// Combine the partial results of `run --shard K/N` (or `sweep --shard K/N`) for every K
    /// into the reports a single run writes, byte for byte.
    Merge(MergeArgs),
    /// Calibrate from an office log (CSV): arrival rates by hour and weekday, service-time
    /// distributions by maximum likelihood; print the scenario fragment (with --out, write
    /// fitted.toml, fits.csv and arrivals.csv).
    Fit(FitArgs),
}

/// `nobat fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The log: CSV with a header, one row per client (nobat's `--trace` output works as is).
    pub log: PathBuf,
    /// Folder for fitted.toml, fits.csv and arrivals.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The column naming the office.
    #[arg(long, value_name = "NAME", default_value = "office")]
    pub office_col: String,
    /// The column naming the service type.
    #[arg(long, value_name = "NAME", default_value = "service")]
    pub service_col: String,
    /// The column with the time the ticket was issued (minutes since 00:00 of day 0, or a
    /// date-time `2026-03-07 08:03:12`).
    #[arg(long, value_name = "NAME", default_value = "issued")]
    pub issued_col: String,
    /// The column with the time the client was called (service start; may be empty).
    #[arg(long, value_name = "NAME", default_value = "called")]
    pub called_col: String,
    /// The column with the time service ended (may be empty).
    #[arg(long, value_name = "NAME", default_value = "done")]
    pub done_col: String,
    /// A column naming the client's origin zone: rates per zone, and `[[zone]]` schedules in
    /// the fragment.
    #[arg(long, value_name = "NAME")]
    pub zone_col: Option<String>,
    /// The weekday of day 0 for times in minutes (date-times carry their own).
    #[arg(long, value_name = "DAY", default_value = "sat")]
    pub first_day: String,
}

/// `--set KEY=VALUE`, shared by every verb.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// Change a scenario value before reading it: KEY is a dotted path (`arrivals.rate`,
    /// `office.3.counters` — indices from 0 in file order —, `office[name=A].counters`), VALUE a
    /// TOML value or plain text. Repeatable; checked like the file itself.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Replications, seed, threads and the runaway limit, shared by the verbs that simulate.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Replications per policy (overrides `run.replications`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Base seed (overrides `run.seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..1025))]
    pub threads: Option<u32>,
    /// Stop with an error when more clients than this are in the system at once in a
    /// replication (at offices, travelling, or waiting for a booked slot): an unstable scenario
    /// would otherwise grow its queues until memory runs out.
    #[arg(long, value_name = "N", default_value_t = nobat_core::engine::RunControl::DEFAULT_MAX_IN_SYSTEM as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_in_system: u64,
}

impl SimArgs {
    /// The library's run options these flags ask for (the scenario's own where not given).
    pub fn options(&self) -> nobat_core::experiment::RunOptions {
        nobat_core::experiment::RunOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
            precision: None,
        }
    }

    /// What stops the simulations early: `--max-in-system`, and Ctrl-C (the handler is
    /// installed here, so that every verb that simulates stops the same way).
    pub fn control(&self) -> nobat_core::engine::RunControl {
        nobat_core::engine::RunControl {
            max_in_system: usize::try_from(self.max_in_system).unwrap_or(usize::MAX),
            interrupt: Some(crate::interrupt::flag()),
        }
    }
}

/// What `nobat size` may add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AddKind {
    /// Counters at the existing offices.
    Counters,
    /// New offices at candidate sites (`[[site]]` in the scenario, or `--sites FILE`).
    Offices,
}

/// Where the sizing target must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PerKind {
    /// Over all clients together.
    All,
    /// In every office.
    Office,
    /// In every zone.
    Zone,
}

/// How `nobat size` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchKind {
    /// Exact for up to 6 sites or a single office, greedy otherwise.
    Auto,
    /// One addition per step, the best of all candidates.
    Greedy,
    /// Every set of sites, cheapest first (offices), or one office's counters.
    Exact,
}

/// `--precision` and `--max-replications`, for the verbs that report a mean wait per policy.
#[derive(Debug, Args)]
pub struct PrecisionArgs {
    /// Add replications until the 95% confidence interval of the mean wait is this tight for
    /// every policy, relative to the mean: 0.02 asks for `wait_mean_ci95 <= 0.02 · wait_mean`.
    /// Starts with the scenario's (or --replications) replications, at least 5.
    #[arg(long, value_name = "R")]
    pub precision: Option<f64>,
    /// With --precision: the most replications per policy.
    #[arg(long, value_name = "N", requires = "precision",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_replications: Option<u32>,
}

impl PrecisionArgs {
    /// `options` with the precision request of these flags, checked: R a number above 0, and a
    /// cap no lower than the replications asked for.
    pub fn apply(
        &self,
        mut options: nobat_core::experiment::RunOptions,
    ) -> Result<nobat_core::experiment::RunOptions, crate::error::CliError> {
        use nobat_core::experiment::Precision;
        let Some(relative) = self.precision else {
            return Ok(options);
        };
        if !(relative.is_finite() && relative > 0.0) {
            return Err(crate::error::CliError::Input(format!(
                "--precision must be a number above 0 (the relative half-width of the 95% interval of the mean wait, e.g. 0.02), got {relative}"
            )));
        }
        let max_replications = self.max_replications.unwrap_or(Precision::DEFAULT_MAX_REPLICATIONS);
        if let Some(r) = options.replications.filter(|&r| r > max_replications) {
            return Err(crate::error::CliError::Input(format!(
                "--max-replications {max_replications} is below --replications {r}: the cap must allow the replications to start with"
            )));
        }
        options.precision = Some(Precision {
            relative,
            max_replications,
        });
        Ok(options)
    }
}

impl PrecisionArgs {
    /// A shard runs a fixed share of replications, decided before any result is in, so it
    /// cannot add replications until a precision is met.
    pub fn refuse_with_shard(&self) -> Result<(), crate::error::CliError> {
        match self.precision {
            Some(_) => Err(crate::error::CliError::Input(
                "--precision decides the replications from results as they come, which shards cannot see: give --replications N with --shard (a --precision run without --shard shows how many it takes)".into(),
            )),
            None => Ok(()),
        }
    }
}

/// `nobat size`.
#[derive(Debug, Args)]
pub struct SizeArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// What must hold: `wait_p90<=30`, `wait_mean<=10`, `sla_share>=0.9` (also wait_p50,
    /// wait_p95, wait_p99), judged by the pessimistic end of the 95% confidence interval.
    #[arg(long, value_name = "EXPR")]
    pub target: String,
    /// Where the target must hold: over all clients, in every office, or in every zone.
    #[arg(long, value_enum, default_value = "all")]
    pub per: PerKind,
    /// What may be added.
    #[arg(long, value_enum, default_value = "counters")]
    pub add: AddKind,
    /// The policy to size for (default: the scenario's first).
    #[arg(long, value_name = "NAME")]
    pub policy: Option<String>,
    /// Candidate sites as CSV (`name,x_km,y_km[,counters][,cost][,hours]`) instead of the
    /// scenario's `[[site]]` sections (with `--add offices`).
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// How to search.
    #[arg(long, value_enum, default_value = "auto")]
    pub search: SearchKind,
    /// The most steps (greedy) or sets of sites judged (exact); default 50 counters, or every
    /// site or set.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_steps: Option<u32>,
    /// Folder for sizing.csv, report.html and its chart (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub set: SetArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `nobat sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Folder for sweep.csv, report.html and its charts (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub precision: PrecisionArgs,
    /// `KEY=FROM:TO:STEP` or `KEY=a,b,c` sweeps KEY (two or more make a grid, the first varying
    /// slowest); `KEY=VALUE` fixes KEY at every point. Keys as for `run --set`.
    #[arg(long = "set", value_name = "KEY=VALUES", required = true)]
    pub set: Vec<String>,
    /// Run only shard K of N (0 <= K < N): every N-th of the (point ×) policy × replication
    /// units, with the seeds of a whole run, and write its partial result into --out for
    /// `nobat merge` (no CSV, no report).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<nobat_core::shard::Shard>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `nobat run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Folder for the CSV reports (created if missing). Without it, only the table is printed.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write one row per client (every policy and replication, after the warm-up) to this
    /// CSV file: policy, replication, client, service, zone, office, issued, called, done,
    /// outcome, travel. Off by default: it grows with the number of clients.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub precision: PrecisionArgs,
    #[command(flatten)]
    pub set: SetArgs,
    /// Run only shard K of N (0 <= K < N): every N-th of the (point ×) policy × replication
    /// units, with the seeds of a whole run, and write its partial result into --out for
    /// `nobat merge` (no CSV, no report).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<nobat_core::shard::Shard>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `nobat merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out folders of the shards (or their nobat-partial.cbor files), every K of one N,
    /// in any order.
    #[arg(value_name = "PARTIAL_DIR", required = true)]
    pub partials: Vec<PathBuf>,
    /// Folder for the reports (created if missing): the files `run --out` (or `sweep --out`)
    /// writes.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Reads `--shard K/N`.
fn parse_shard(text: &str) -> Result<nobat_core::shard::Shard, String> {
    nobat_core::shard::Shard::parse(text).map_err(|e| e.to_string())
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
    /// No progress on stderr: no bar (drawn only when stderr is a terminal anyway), and no
    /// per-point or per-step lines of sweep and size.
    #[arg(long, short)]
    pub quiet: bool,
}

impl ReportArgs {
    /// Whether to write report.html and its charts into `out`: by default whenever there is an
    /// `--out` folder, unless `--no-report`. `--report` without `--out` is bad input, not
    /// silently ignored.
    pub fn wanted(&self, out: Option<&std::path::Path>) -> Result<bool, crate::error::CliError> {
        if self.report && out.is_none() {
            return Err(crate::error::CliError::Input(
                "--report needs --out DIR: the folder report.html and its charts are written to".into(),
            ));
        }
        Ok(out.is_some() && !self.no_report)
    }
}

/// `nobat check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub set: SetArgs,
}
