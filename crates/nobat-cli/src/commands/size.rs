//! `nobat size`: the smallest added capacity meeting a wait target with 95% confidence; prints
//! the search and its answer, writes `sizing.csv`.

use super::run::{short, with_ci};
use crate::args::{AddKind, PerKind, SearchKind, SizeArgs};
use crate::error::CliError;
use crate::input::{self, ScenarioFile};
use crate::{output, table};
use anyhow::Context;
use nobat_core::sizing::{self, sites, Add, Per, Request, Search, SizingError, Target};
use std::io::Write;

/// Sizes the scenario of `args`, writes `sizing.csv`, and returns the text to print. Finding no
/// addition that meets the target is an error (exit 1), after the steps are printed and written.
pub fn size(args: &SizeArgs) -> Result<String, CliError> {
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
    let mut progress = |r: &sizing::SizingRow| {
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
    let mut text = format!(
        "{} — sizing for policy `{}`, target {} ({} replications per configuration, {} configurations simulated)\nsearch: {}\n{}",
        args.scenario.display(),
        sizing.policy,
        args.target,
        sizing.replications,
        sizing.evaluations,
        sizing.search,
        table::render(
            &[
                "step",
                "added",
                "office",
                "counters",
                "offices",
                &format!("{} (95% CI)", target.metric.name()),
                "bound",
                "worst",
                "meets",
            ],
            &rows,
        )
    );
    if let Some(dir) = &args.out {
        let write = |out: &mut dyn Write| -> anyhow::Result<()> { Ok(sizing.write_csv(out)?) };
        output::write_files(dir, &[("sizing.csv", &write)])
            .with_context(|| format!("writing sizing.csv to {}", dir.display()))?;
        text.push_str(&format!("wrote sizing.csv to {}\n", dir.display()));
    }
    let Some(answer) = &sizing.answer else {
        print!("{text}");
        return Err(CliError::Failure(anyhow::anyhow!(
            "no addition within the search's limits meets {target}: raise --max-steps, add candidate sites, or relax the target"
        )));
    };
    let row = &sizing.rows[answer.row];
    let what = if !answer.sites.is_empty() {
        format!("open {} (cost {})", answer.sites.join(", "), answer.cost)
    } else if !answer.counters.is_empty() {
        let list: Vec<String> = answer.counters.iter().map(|(o, n)| format!("{o} +{n}")).collect();
        format!("add {} counters ({})", answer.cost, list.join(", "))
    } else {
        "nothing: the scenario as given meets the target".to_string()
    };
    text.push_str(&format!(
        "answer: {what} -> {} counters, {} offices in all; {} = {} in `{}` (the worst), 95% bound {} meets {target}\n",
        row.counters_total,
        row.offices_total,
        target.metric.name(),
        with_ci(short(row.metric), short(row.metric_ci95)),
        row.worst,
        short(row.bound).text(),
    ));
    Ok(text)
}
