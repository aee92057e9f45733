//! `nobat check`: validate a scenario and print its offered load, without simulating.

use crate::args::CheckArgs;
use crate::error::CliError;
use crate::{input, table};

/// Checks the scenario of `args` and returns the text to print.
pub fn check(args: &CheckArgs) -> Result<String, CliError> {
    let model = input::load_model(&args.scenario, &args.set.set)?;
    let mean_rate = model.mean_rate();
    let peak_rate = model.peak_rate();
    let mut lines = vec![
        format!("{}: valid", args.scenario.display()),
        format!(
            "{}: {} offices, {} counters, {} services (mean service {:.3} min), {} zones, {} policies",
            model.name,
            model.offices.len(),
            model.offices.iter().map(|o| u64::from(o.counters)).sum::<u64>(),
            model.services.len(),
            model.mean_service(),
            model.zones.len(),
            model.policies.len()
        ),
        format!("arrivals: {mean_rate:.4}/min on average while clients arrive, {peak_rate:.4}/min at the peak"),
        match model.geography {
            Some(g) => format!(
                "geography: {:?} distances, {:.1} km/h, {:.1} min overhead per trip",
                g.metric,
                g.km_per_minute * 60.0,
                g.overhead
            ),
            None => "geography: none (travel is zero)".to_string(),
        },
    ];
    if let Some(trace) = model.trace.as_deref() {
        let day0 = trace.first_date.as_ref().map_or(String::new(), |d| {
            format!(
                ", day 0 = {d} ({})",
                nobat_core::model::WEEKDAYS[model.calendar.first_day]
            )
        });
        lines.push(format!(
            "trace: {} recorded clients replayed from {}{day0}; the rates above are its average day",
            trace.clients.len(),
            trace.file
        ));
    }
    if let Some(backlog) = &model.backlog {
        let mean: f64 = backlog.offices.iter().flatten().map(|c| c.mean()).sum();
        lines.push(format!(
            "backlog: {mean:.1} clients on average at the doors at {}",
            match backlog.days {
                nobat_core::model::BacklogDays::First => "each office's first opening",
                nobat_core::model::BacklogDays::AfterClosed => "the first opening and after every closed day",
            }
        ));
    }
    if model.run.auto_warmup {
        lines.push(
            "warm-up: auto (MSER-5 per replication on an independent pilot run: each replication is simulated twice)"
                .to_string(),
        );
    }
    let mut warnings = Vec::new();
    let rows: Vec<Vec<String>> = model
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mean = model.office_load_even_split(i, mean_rate);
            let peak = model.office_load_even_split(i, peak_rate);
            if peak >= 1.0 {
                warnings.push(format!(
                    "office `{}`: rho = {peak:.3} at the peak under an even split: unstable if it got an even share of the clients of the services it offers (as under `random`)",
                    o.name
                ));
            }
            vec![
                if o.is_virtual { format!("{} (virtual)", o.name) } else { o.name.clone() },
                o.counters.to_string(),
                format!("{}", o.speed),
                o.capacity.map_or("-".into(), |k| k.to_string()),
                format!("{mean:.3}"),
                format!("{peak:.3}"),
                o.hours.describe(),
            ]
        })
        .collect();
    lines.push(String::new());
    lines.push(
        "offered load (rho) per office if each service's clients were split evenly among the offices offering it (what `random` does):"
            .into(),
    );
    lines.push(table::render(
        &[
            "office",
            "counters",
            "speed",
            "capacity",
            "rho mean",
            "rho peak",
            "hours (counters)",
        ],
        &rows,
    ));
    let (total_mean, total_peak) = (model.load_at(mean_rate), model.load_at(peak_rate));
    lines.push(format!(
        "network as a whole: rho = {total_mean:.3} on average while clients arrive, {total_peak:.3} at the peak"
    ));
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
    if let Some(w) = runaway_warning(&model, total_mean, mean_rate) {
        warnings.insert(1.min(warnings.len()), w);
    }
    for p in &model.policies {
        if p.information.refresh >= model.run.horizon {
            warnings.push(format!(
                "policy `{}`: the board refreshes every {} min, never within the horizon ({} min): it shows the empty offices of time 0",
                p.name, p.information.refresh, model.run.horizon
            ));
        }
    }
    if let Some(b) = &model.booking {
        lines.push(appointments(&model, b, mean_rate));
    }
    lines.extend(warnings.iter().map(|w| format!("warning: {w}")));
    Ok(lines.join("\n") + "\n")
}

/// With rho >= 1 and clients who never give up, queues grow for the whole horizon: say how
/// many clients that leaves waiting and that `run` stops at `--max-in-system`.
fn runaway_warning(model: &nobat_core::model::Model, rho: f64, mean_rate: f64) -> Option<String> {
    let patient: Vec<&str> = model
        .services
        .iter()
        .filter(|s| s.patience.is_none() && s.balk.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if rho < 1.0 || patient.is_empty() {
        return None;
    }
    // Clients arrive at `mean_rate` and leave at most at `mean_rate / rho`.
    let backlog = mean_rate * (1.0 - 1.0 / rho) * (model.run.horizon - model.run.warmup.min(model.run.horizon));
    let growth = if backlog >= 1.0 {
        format!("about {backlog:.0} clients would be left waiting by the horizon")
    } else {
        "the queues drift without bound".to_string()
    };
    Some(format!(
        "clients of {} never give up (no `patience` or `balk_above`) while rho = {rho:.3} >= 1: {growth}; `nobat run` stops with an error when more than {} are in the system at once (--max-in-system)",
        patient.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
        nobat_core::engine::RunControl::DEFAULT_MAX_IN_SYSTEM
    ))
}

/// One line on the booking system: how many ask, how many places the offices publish, the rules.
fn appointments(model: &nobat_core::model::Model, b: &nobat_core::model::Booking, mean_rate: f64) -> String {
    let share: f64 = model
        .services
        .iter()
        .map(|s| s.share * (1.0 - s.online_share) * s.book_share)
        .sum();
    let week: u32 = b
        .calendars
        .iter()
        .flatten()
        .map(|c| (0..7).map(|d| c.day_clients(d)).sum::<u32>())
        .sum();
    let serve = match b.serve {
        nobat_core::model::ServeBooked::BookedFirst => "booked clients first".to_string(),
        nobat_core::model::ServeBooked::Reserved(n) => format!("{n} counter(s) per office reserved for booked clients"),
    };
    let lead = if b.max_lead.is_finite() {
        format!("clients accept leads up to {} min", b.max_lead)
    } else {
        "clients accept any lead within the booking window".to_string()
    };
    format!(
        "\nappointments: {:.1}% of clients book ({:.4}/min on average while clients arrive); the offices publish {week} places a week; {}; {serve}; {lead}",
        100.0 * share,
        mean_rate * share,
        if b.same_day { "same-day booking allowed" } else { "no same-day booking" },
    )
}
