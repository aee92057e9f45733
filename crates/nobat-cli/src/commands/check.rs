//! `nobat check`: validate a scenario and print its offered load, without simulating.

use crate::args::CheckArgs;
use crate::error::CliError;
use crate::{input, table};

/// Checks the scenario of `args`.
pub fn check(args: &CheckArgs) -> Result<(), CliError> {
    let model = input::load_model(&args.scenario)?;
    let mean_rate = model.mean_rate();
    let peak_rate = model.arrivals.peak_rate();
    println!("{}: valid", args.scenario.display());
    println!(
        "{}: {} offices, {} counters, {} services (mean service {:.3} min), {} policies",
        model.name,
        model.offices.len(),
        model.offices.iter().map(|o| o.counters).sum::<u32>(),
        model.services.len(),
        model.mean_service(),
        model.policies.len()
    );
    println!(
        "arrivals: {:.4}/min on average while clients arrive, {:.4}/min at the peak",
        mean_rate, peak_rate
    );
    let mut warnings = Vec::new();
    let rows: Vec<Vec<String>> = model
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (mean, peak) = (model.office_load_even_split(i, mean_rate), model.office_load_even_split(i, peak_rate));
            if peak >= 1.0 {
                warnings.push(format!(
                    "office `{}`: rho = {peak:.3} at the peak under an even split: unstable if it got an even share of demand",
                    o.name
                ));
            }
            vec![o.name.clone(), o.counters.to_string(), format!("{}", o.speed), format!("{mean:.3}"), format!("{peak:.3}")]
        })
        .collect();
    println!("\noffered load (rho) per office if demand were split evenly among offices:");
    print!(
        "{}",
        table::render(&["office", "counters", "speed", "rho mean", "rho peak"], &rows)
    );
    let (total_mean, total_peak) = (model.load_at(mean_rate), model.load_at(peak_rate));
    println!(
        "\nnetwork as a whole: rho = {total_mean:.3} on average while clients arrive, {total_peak:.3} at the peak"
    );
    if total_mean >= 1.0 {
        warnings.insert(
            0,
            format!("the network is unstable: rho = {total_mean:.3} >= 1 on average; queues grow without bound"),
        );
    } else if total_peak >= 1.0 {
        warnings.insert(
            0,
            format!(
                "the network is overloaded at the peak (rho = {total_peak:.3} >= 1): queues build up during the peak"
            ),
        );
    }
    for w in &warnings {
        println!("warning: {w}");
    }
    Ok(())
}
