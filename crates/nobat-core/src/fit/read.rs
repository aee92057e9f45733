//! Reading an office log from CSV text into [`LogRecord`]s: columns named by the caller, every
//! error with the file, line and column.
//!
//! The default column names are those of nobat's client trace (`--trace`), so a trace fits
//! directly: when the log has a `policy` column, only the rows of its first policy are read
//! (every policy of a run sees the same clients), and when it has a `replication` column, each
//! replication counts as its own observation of the days (see [`ReadLog::copies`]).

use super::log::{parse_log_time, weekday_of, LogRecord, LogTime};

/// The names of the log's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogColumns {
    /// The office (default `office`).
    pub office: String,
    /// The service type (default `service`).
    pub service: String,
    /// When the ticket was issued (default `issued`).
    pub issued: String,
    /// When the client was called (default `called`; may be empty in a row).
    pub called: String,
    /// When the service ended (default `done`; may be empty in a row).
    pub done: String,
    /// The origin zone, if the log has one (no default).
    pub zone: Option<String>,
}

impl Default for LogColumns {
    fn default() -> Self {
        LogColumns {
            office: "office".into(),
            service: "service".into(),
            issued: "issued".into(),
            called: "called".into(),
            done: "done".into(),
            zone: None,
        }
    }
}

/// A log read into records.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLog {
    /// One per client kept, times in minutes since 00:00 of day 0.
    pub records: Vec<LogRecord>,
    /// The weekday of day 0 (0 = Saturday): from the first date with date-times, else the
    /// caller's `first_day`.
    pub first_day: usize,
    /// Independent copies of the days observed: the number of replications of a trace, else 1.
    pub copies: u64,
    /// With a `policy` column: the policy whose rows were read (the first in the file).
    pub policy: Option<String>,
    /// Rows left out for want of an issue time (clients who never reached an office).
    pub skipped: u64,
}

/// Reads a log; `file` names it in errors, `first_day` is the weekday of day 0 for a log in
/// minutes (0 = Saturday).
pub fn read_log(text: &str, file: &str, columns: &LogColumns, first_day: usize) -> Result<ReadLog, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("{file}: cannot read the header: {e}"))?
        .clone();
    let find = |name: &str, flag: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{file}: no column `{name}` in the header (columns: {}); name it with {flag}",
                header.iter().collect::<Vec<_>>().join(", ")
            )
        })
    };
    let office = find(&columns.office, "--office-col")?;
    let service = find(&columns.service, "--service-col")?;
    let issued = find(&columns.issued, "--issued-col")?;
    let called = find(&columns.called, "--called-col")?;
    let done = find(&columns.done, "--done-col")?;
    let zone = columns.zone.as_deref().map(|z| find(z, "--zone-col")).transpose()?;
    let policy_col = header.iter().position(|h| h == "policy");
    let replication_col = header.iter().position(|h| h == "replication");
    let mut policy: Option<String> = None;
    let mut replications: Vec<String> = Vec::new();
    let mut raw = Vec::new();
    let mut date_times: Option<bool> = None;
    let mut skipped = 0u64;
    for record in reader.records() {
        let record = record.map_err(|e| format!("{file}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |c: usize| record.get(c).unwrap_or("");
        if let Some(p) = policy_col {
            match &policy {
                None => policy = Some(get(p).to_string()),
                Some(first) if first != get(p) => continue,
                Some(_) => {}
            }
        }
        if let Some(r) = replication_col {
            if !replications.iter().any(|x| x == get(r)) {
                replications.push(get(r).to_string());
            }
        }
        let time = |c: usize, name: &str, required: bool| -> Result<Option<LogTime>, String> {
            let text = get(c);
            if text.is_empty() {
                return if required {
                    Err(format!(
                        "{file} line {line}, column `{name}`: empty; every row needs the time its ticket was issued"
                    ))
                } else {
                    Ok(None)
                };
            }
            parse_log_time(text)
                .map(Some)
                .map_err(|e| format!("{file} line {line}, column `{name}`: {e}"))
        };
        // A trace lists clients who never reached an office (a no-show) without an issue
        // time: they are no arrival at an office, so they are skipped and counted.
        if get(issued).is_empty() {
            skipped += 1;
            continue;
        }
        let times = [
            time(issued, &columns.issued, true)?,
            time(called, &columns.called, false)?,
            time(done, &columns.done, false)?,
        ];
        for t in times.iter().flatten() {
            let is_dt = matches!(t, LogTime::DateTime { .. });
            match date_times {
                None => date_times = Some(is_dt),
                Some(d) if d != is_dt => {
                    return Err(format!(
                        "{file} line {line}: mixes minutes and date-times; write every time the same way"
                    ))
                }
                Some(_) => {}
            }
        }
        let name = |c: usize, col: &str| -> Result<String, String> {
            let v = get(c);
            if v.is_empty() {
                Err(format!("{file} line {line}, column `{col}`: empty"))
            } else {
                Ok(v.to_string())
            }
        };
        raw.push((
            line,
            // Empty for a client turned away before choosing an office: an arrival all the same.
            get(office).to_string(),
            name(service, &columns.service)?,
            zone.map(|z| name(z, columns.zone.as_deref().unwrap_or("zone")))
                .transpose()?,
            times,
        ));
    }
    if raw.is_empty() {
        return Err(format!(
            "{file}: no rows with an `{}` time after the header: nothing to fit",
            columns.issued
        ));
    }
    // Date-times count from 00:00 of the first date in the log.
    let first_date = raw
        .iter()
        .flat_map(|r| r.4.iter().flatten())
        .filter_map(|t| match t {
            LogTime::DateTime { day, .. } => Some(*day),
            LogTime::Minutes(_) => None,
        })
        .min();
    let minutes = |t: LogTime| match (t, first_date) {
        (LogTime::Minutes(m), _) => m,
        (LogTime::DateTime { day, minute }, Some(d0)) => (day - d0) as f64 * 1440.0 + minute,
        (LogTime::DateTime { minute, .. }, None) => minute,
    };
    let mut records = Vec::with_capacity(raw.len());
    for (line, office, service, zone, [i, c, d]) in raw {
        let issued = i.map(minutes).unwrap_or(0.0);
        let called = c.map(minutes);
        let done = d.map(minutes);
        if let Some(c) = called.filter(|&c| c < issued) {
            return Err(format!(
                "{file} line {line}, column `{}`: called at {c:.2} min, before the ticket was issued at {issued:.2}",
                columns.called
            ));
        }
        if let Some(d) = done.filter(|&d| d < called.unwrap_or(issued)) {
            return Err(format!(
                "{file} line {line}, column `{}`: done at {d:.2} min, before the client was called (or issued)",
                columns.done
            ));
        }
        records.push(LogRecord {
            office,
            service,
            zone,
            issued,
            called,
            done,
        });
    }
    Ok(ReadLog {
        records,
        first_day: first_date.map_or(first_day, weekday_of),
        copies: replications.len().max(1) as u64,
        policy,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_trace_and_a_dated_log() {
        let trace = "policy,replication,client,service,zone,office,issued,called,done,outcome,travel\n\
                     a,0,1,s,all,A,10,11,15,served,0\n\
                     a,1,1,s,all,A,12,,20,reneged,0\n\
                     b,0,1,s,all,A,10,11,15,served,0\n";
        let log = read_log(trace, "t.csv", &LogColumns::default(), 2).unwrap();
        assert_eq!(log.records.len(), 2);
        assert_eq!(log.copies, 2);
        assert_eq!(log.first_day, 2);
        assert_eq!(log.policy.as_deref(), Some("a"));
        assert_eq!(log.records[1].called, None);
        let dated = "branch,kind,in,call,out\nX,p,2026-03-08 08:00,2026-03-08 08:10:30,2026-03-08T08:20\nX,p,2026-03-09 09:00,,\n";
        let cols = LogColumns {
            office: "branch".into(),
            service: "kind".into(),
            issued: "in".into(),
            called: "call".into(),
            done: "out".into(),
            zone: None,
        };
        let log = read_log(dated, "d.csv", &cols, 0).unwrap();
        assert_eq!(log.first_day, 1); // 2026-03-08 is a Sunday
        assert_eq!(log.records[0].called, Some(490.5));
        assert_eq!(log.records[1].issued, 1440.0 + 540.0);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let cols = LogColumns::default();
        let err = |text: &str| read_log(text, "log.csv", &cols, 0).unwrap_err();
        let head = "office,service,issued,called,done\n";
        assert!(err("office,service,issued\nA,s,1\n").contains("no column `called`"));
        let e = err(&format!("{head}A,s,1,2,3\nA,s,soon,2,3\n"));
        assert!(
            e.contains("log.csv line 3, column `issued`") && e.contains("not a time"),
            "{e}"
        );
        let e = err(&format!("{head}A,s,5,4,6\n"));
        assert!(e.contains("line 2, column `called`"), "{e}");
        let e = err(&format!("{head}A,s,5,6,5.5\n"));
        assert!(e.contains("column `done`"), "{e}");
        assert!(err(&format!("{head}A,s,5,2026-03-08 08:00,\n")).contains("mixes"));
        assert!(err(head).contains("no rows with an `issued` time"));
        assert!(err(&format!("{head}A,,5,6,7\n")).contains("column `service`: empty"));
        // No issue time: skipped and counted; no office: an arrival all the same.
        let log = read_log(&format!("{head}A,s,,,\n,s,5,,5\nA,s,6,7,8\n"), "log.csv", &cols, 0).unwrap();
        assert_eq!((log.records.len(), log.skipped), (2, 1));
        assert_eq!(log.records[0].office, "");
    }
}
