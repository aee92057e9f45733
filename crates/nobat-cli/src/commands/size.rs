//! `nobat size`: the smallest added capacity meeting a wait target with 95% confidence; prints
//! the search and its answer, writes `sizing.csv`.

use super::run::{short, with_ci};
use crate::args::{AddKind, PerKind, SearchKind, SizeArgs};
use crate::error::CliError;
use crate::input::{self, ScenarioFile};
use crate::study_report::{self, SizeInput};
use crate::{output, table};
use anyhow::Context;
use nobat_core::sizing::{self, sites, Add, Per, Request, Search, SizingError, Target};
use std::io::Write;

/// Sizes the scenario of `args`, writes `sizing.csv`, and returns the text to print. Finding no
/// addition that meets the target is an error (exit 1), after the steps are printed and written.
pub fn size(args: &SizeArgs) -> Result<String, CliError> {
    let with_report = args.report.wanted(args.out.as_deref())?;
    let file = ScenarioFile::read(&args.scenario)?;
    let overrides = input::overrides(&args.set.set)?;
    let target = Target::parse(&args.target).map_err(|e| CliError::Input(format!("--target {}: {e}", args.target)))?;
    let add = match (args.add, &args.sites) {
        (AddKind::Counters, Some(_)) => {
            return Err(CliError::Input(
                "--sites lists candidate sites for new offices: use it with --add offices".into(),
            ))
        }
        (AddKind::Counters, None) => Add::Counters,
        (AddKind::Offices, None) => Add::Offices(None),
        (AddKind::Offices, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Input(format!("{}: cannot read the sites: {e}", path.display())))?;
            Add::Offices(Some(
                sites::from_csv(&text, &path.display().to_string()).map_err(CliError::Input)?,
            ))
        }
    };
    let request = Request {
        target: target.clone(),
        per: match args.per {
            PerKind::All => Per::All,
            PerKind::Office => Per::Office,
            PerKind::Zone => Per::Zone,
        },
        policy: args.policy.clone(),
        add,
        search: match args.search {
            SearchKind::Auto => Search::Auto,
            SearchKind::Greedy => Search::Greedy,
            SearchKind::Exact => Search::Exact,
        },
        max_steps: args.max_steps,
        options: args.sim.options(),
    };
    let read = |name: &str| file.read_named(name);
    // The search's own log is its progress: a line per step, unless --quiet.
    let mut progress = |r: &sizing::SizingRow| {
        if args.report.quiet {
            return;
        }
        eprintln!(
            "step {}: {} {}: {} = {} in `{}`, 95% bound {}: {}",
            r.step,
            r.added,
            r.office,
            target.metric.name(),
            with_ci(short(r.metric), short(r.metric_ci95)),
            r.worst,
            short(r.bound).text(),
            if r.meets_target {
                "meets the target"
            } else {
                "misses the target"
            }
        )
    };
    let control = args.sim.control();
    let sizing =
        sizing::size(&file.source, &read, &overrides, &request, &control, &mut progress).map_err(|e| match e {
            SizingError::Load(e) => file.load_error(e, &overrides),
            SizingError::Input(m) => CliError::Input(format!("{}: {m}", args.scenario.display())),
            SizingError::Simulation(e) => CliError::from_simulation(&args.scenario, e),
        })?;
    let rows: Vec<Vec<String>> = sizing
        .rows
        .iter()
        .map(|r| {
            vec![
                r.step.to_string(),
                r.added.clone(),
                r.office.clone(),
                r.counters_total.to_string(),
                r.offices_total.to_string(),
                with_ci(short(r.metric), short(r.metric_ci95)),
                short(r.bound).text(),
                r.worst.clone(),
                if r.meets_target { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    let metric_head = format!("{} (95% CI)", target.metric.name());
    let head = [
        "step",
        "added",
        "office",
        "counters",
        "offices",
        &metric_head,
        "bound",
        "worst",
        "meets",
    ];
    let mut text = format!(
        "{} — sizing for policy `{}`, target {} ({} replications per configuration, {} configurations simulated)\nsearch: {}\n{}",
        args.scenario.display(),
        sizing.policy,
        args.target,
        sizing.replications,
        sizing.evaluations,
        sizing.search,
        table::render(&head, &rows)
    );
    let answer = answer_in_words(&sizing, &target);
    if let Some(dir) = &args.out {
        let extra = if with_report {
            let scenario = args.scenario.display().to_string();
            let input = SizeInput {
                scenario: &scenario,
                target: &target,
                per: request.per,
                offices: args.add == AddKind::Offices,
            };
            study_report::size_files(&input, &sizing, answer.as_deref(), &head, &rows)?
        } else {
            Vec::new()
        };
        let write = |out: &mut dyn Write| -> anyhow::Result<()> { Ok(sizing.write_csv(out)?) };
        let files = output::write_files_and(dir, &[("sizing.csv", &write)], &extra)
            .with_context(|| format!("writing sizing.csv to {}", dir.display()))
            .map_err(CliError::from_output)?;
        text.push_str(&format!(
            "wrote {} files to {}{}\n",
            files.len(),
            dir.display(),
            output::open_hint(dir, with_report)
        ));
    }
    let Some(answer) = answer else {
        print!("{text}");
        return Err(CliError::Failure(anyhow::anyhow!(
            "no addition within the search's limits meets {target}: raise --max-steps, add candidate sites, or relax the target"
        )));
    };
    text.push_str(&format!("answer: {answer}\n"));
    Ok(text)
}

/// The answer in words, for the terminal and the report alike: what to add, the totals, and
/// the deciding scope's metric and bound. `None` when nothing within the limits meets the target.
fn answer_in_words(sizing: &sizing::Sizing, target: &Target) -> Option<String> {
    let answer = sizing.answer.as_ref()?;
    let row = &sizing.rows[answer.row];
    let what = if !answer.sites.is_empty() {
        format!("open {} (cost {})", answer.sites.join(", "), answer.cost)
    } else if !answer.counters.is_empty() {
        let list: Vec<String> = answer.counters.iter().map(|(o, n)| format!("{o} +{n}")).collect();
        format!("add {} counters ({})", answer.cost, list.join(", "))
    } else {
        "nothing: the scenario as given meets the target".to_string()
    };
    Some(format!(
        "{what} -> {} counters, {} offices in all; {} = {} in `{}` (the worst), 95% bound {} meets {target}",
        row.counters_total,
        row.offices_total,
        target.metric.name(),
        with_ci(short(row.metric), short(row.metric_ci95)),
        row.worst,
        short(row.bound).text(),
    ))
}
