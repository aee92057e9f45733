//! This example demonstrates in particular:
//! - observing one replication through the `Recorder` trait, here to write an office log;
//! - the log `nobat fit` reads: one row per client, the ticket's issue, call and end times.
//!
//! ```text
//!   scenarios/data/office-log-source.toml ──> [one replication] ──> office log (CSV)
//!                                                                      │
//!                       scenarios/fitted-from-log.toml <── nobat fit ──┘
//! ```
//!
//! Run with `cargo run --release -p nobat-examples --example office_log` to rewrite
//! `scenarios/data/office-log.csv` (or give another scenario and output path as arguments).
//! Times are date-times from Saturday 2026-03-07, day 0 of the run; a client whose patience
//! ran out has an empty `called`.

use nobat_core::engine::{run_replication, Client, PolicySetup, Recorder};
use nobat_core::experiment::NamedPolicy;
use nobat_core::scenario;
use std::fmt::Write as _;

/// One client: where and what, and its three times (minutes).
struct Row {
    office: usize,
    service: usize,
    issued: f64,
    called: Option<f64>,
    done: f64,
}

/// Collects a row per client who reached an office and was served or gave up there.
#[derive(Default)]
struct LogRecorder {
    rows: Vec<Row>,
}

impl Recorder for LogRecorder {
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.rows.push(Row {
            office,
            service: client.service as usize,
            issued: client.arrived,
            called: Some(client.start),
            done: t,
        });
    }

    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        if let Some(office) = office {
            self.rows.push(Row {
                office,
                service: client.service as usize,
                issued: client.arrived,
                called: None,
                done: t,
            });
        }
    }
}

/// `2026-03-07 08:03:12` for minute `m` of a run whose day 0 is 2026-03-07 (whole seconds).
fn date_time(m: f64) -> String {
    let seconds = (m * 60.0).round() as i64;
    let (day, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Hinnant); 2026-03-07 is day 20519.
    let z = day + 20_519 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let source = args
        .next()
        .unwrap_or_else(|| "scenarios/data/office-log-source.toml".into());
    let target = args.next().unwrap_or_else(|| "scenarios/data/office-log.csv".into());
    let model = scenario::load(&std::fs::read_to_string(&source)?)?;
    let named = NamedPolicy::from_model(&model).swap_remove(0);
    let setup = PolicySetup::new(&model, named.name.clone(), named.reach, named.information);
    let mut policy = (named.factory)(&model);
    let mut log = LogRecorder::default();
    run_replication(&model, 0, model.run.seed, &setup, &mut policy, &mut log)?;
    log.rows.sort_by(|a, b| a.issued.total_cmp(&b.issued));
    let mut csv = String::from("office,service,issued,called,done\n");
    for r in &log.rows {
        writeln!(
            csv,
            "{},{},{},{},{}",
            model.offices[r.office].name,
            model.services[r.service].name,
            date_time(r.issued),
            r.called.map_or(String::new(), date_time),
            date_time(r.done)
        )?;
    }
    std::fs::write(&target, csv)?;
    println!("wrote {} clients to {target}", log.rows.len());
    Ok(())
}
