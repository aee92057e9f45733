//! `nobat fit`: calibrate a scenario from an office log — arrival rates by hour and weekday,
//! service-time distributions by maximum likelihood — and print or write the fragment.

use crate::args::FitArgs;
use crate::error::CliError;
use crate::{output, table};
use nobat_core::fit::{self, LogColumns, WEEKDAYS};
use nobat_core::report::write_rows;
use std::io::Write;

/// Fits the log of `args` and returns the text to print.
pub fn fit(args: &FitArgs) -> Result<String, CliError> {
    let file = args.log.display().to_string();
    let first_day = WEEKDAYS
        .iter()
        .position(|d| *d == args.first_day.to_ascii_lowercase())
        .ok_or_else(|| {
            CliError::Input(format!(
                "--first-day must be one of {}, got `{}`",
                WEEKDAYS.join(", "),
                args.first_day
            ))
        })?;
    let text =
        std::fs::read_to_string(&args.log).map_err(|e| CliError::Input(format!("{file}: cannot read the log: {e}")))?;
    let columns = LogColumns {
        office: args.office_col.clone(),
        service: args.service_col.clone(),
        issued: args.issued_col.clone(),
        called: args.called_col.clone(),
        done: args.done_col.clone(),
        zone: args.zone_col.clone(),
    };
    let log = fit::read_log(&text, &file, &columns, first_day).map_err(CliError::Input)?;
    let fitted = fit::fit_log(&log.records, log.first_day, log.copies);
    let fragment = fit::fragment(&fitted, &file);
    let fits = fit::fit_rows(&fitted);
    let arrivals = fit::arrival_rows(&fitted);
    let mut text = String::new();
    if log.skipped > 0 {
        text.push_str(&format!(
            "{} rows without an `{}` time (clients who never reached an office) were skipped\n",
            log.skipped, columns.issued
        ));
    }
    if let Some(p) = &log.policy {
        text.push_str(&format!(
            "a trace: the clients of policy `{p}`, {} replications\n",
            log.copies
        ));
    }
    let rows: Vec<Vec<String>> = fits
        .iter()
        .map(|r| {
            vec![
                r.service.clone(),
                r.observations.to_string(),
                format!("{}{}", r.family, if r.chosen { " *" } else { "" }),
                r.params.clone(),
                format!("{:.1}", r.aic.0.unwrap_or(f64::NAN)),
                format!("{:.4}", r.ks_statistic.0.unwrap_or(f64::NAN)),
                format!("{:.3}", r.ks_p_value.0.unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    text.push_str(&table::render(
        &["service", "n", "family (* chosen)", "parameters", "AIC", "KS D", "KS p"],
        &rows,
    ));
    for s in fitted.services.iter().filter(|s| s.fits.is_err()) {
        if let Err(e) = &s.fits {
            text.push_str(&format!("service `{}`: not fitted: {e}\n", s.service));
        }
    }
    text.push('\n');
    text.push_str(&fragment);
    let written = match &args.out {
        Some(dir) => {
            let write_fragment =
                |out: &mut dyn Write| -> anyhow::Result<()> { Ok(out.write_all(fragment.as_bytes())?) };
            let write_fits = |out: &mut dyn Write| -> anyhow::Result<()> { Ok(write_rows(out, &fits)?) };
            let write_arrivals = |out: &mut dyn Write| -> anyhow::Result<()> { Ok(write_rows(out, &arrivals)?) };
            let files = output::write_files(
                dir,
                &[
                    ("fitted.toml", &write_fragment),
                    ("fits.csv", &write_fits),
                    ("arrivals.csv", &write_arrivals),
                ],
            )
            .map_err(CliError::from_output)?;
            format!("\nwrote {} files to {}\n", files.len(), dir.display())
        }
        None => String::new(),
    };
    Ok(text + &written)
}
