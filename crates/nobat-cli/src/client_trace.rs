//! `nobat run --trace FILE`: one CSV row per client, for analysts who want their own analysis
//! (and for `nobat fit`, which reads these columns by default):
//!
//! `policy,replication,client,service,zone,office,issued,called,done,outcome,travel`
//!
//! Rows are streamed: each replication writes its rows, as its clients leave, into a part file
//! of its own beside the trace (replications run on several threads at once); when the run has
//! finished, the parts are joined in (policy, replication) order under a temporary name that is
//! renamed into place, so the file is byte-identical whatever `--threads`, and appears whole or
//! not at all. The parts are removed in every case, also when the run fails or is interrupted.

use crate::output;
use anyhow::Context;
use nobat_core::engine::{Client, Recorder};
use nobat_core::experiment::RecorderFactory;
use nobat_core::model::Model;
use nobat_core::policy::PolicyKind;
use nobat_core::report::Num;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The columns of the client trace, in order.
pub const COLUMNS: [&str; 11] = [
    "policy",
    "replication",
    "client",
    "service",
    "zone",
    "office",
    "issued",
    "called",
    "done",
    "outcome",
    "travel",
];

/// The trace of one run: makes a part-file recorder per replication, then joins the parts.
pub struct ClientTrace<'m> {
    model: &'m Model,
    /// The file asked for.
    target: PathBuf,
    /// Its folder, where the parts are written.
    folder: PathBuf,
    /// Its file name.
    name: String,
    /// Every part opened, to join (in order) and to remove.
    parts: Mutex<Vec<((usize, u32), PathBuf)>>,
    /// The first write error of any part.
    error: Mutex<Option<String>>,
}

impl<'m> ClientTrace<'m> {
    /// A trace of `model`'s run into `target`; its folder is created if missing. A target
    /// that is a folder is bad input.
    pub fn new(model: &'m Model, target: &Path) -> Result<Self, crate::error::CliError> {
        if target.is_dir() {
            return Err(crate::error::CliError::Input(format!(
                "--trace {}: is a folder; give a file name, e.g. {}",
                target.display(),
                target.join("clients.csv").display()
            )));
        }
        let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Err(crate::error::CliError::Input(format!(
                "--trace {}: needs a file name, e.g. clients.csv",
                target.display()
            )));
        };
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create the folder of --trace {}", target.display()))?;
        Ok(ClientTrace {
            model,
            target: target.to_path_buf(),
            folder,
            name,
            parts: Mutex::new(Vec::new()),
            error: Mutex::new(None),
        })
    }

    fn part_path(&self, policy: usize, replication: u32) -> PathBuf {
        self.folder.join(format!(
            ".{}.nobat-part-{}-{policy}-{replication}",
            self.name,
            std::process::id()
        ))
    }

    /// Joins the parts into the trace file, all or nothing, and returns its path.
    pub fn finish(&self) -> anyhow::Result<PathBuf> {
        if let Some(e) = self
            .error
            .lock()
            .map_err(|_| anyhow::anyhow!("a trace writer panicked"))?
            .take()
        {
            anyhow::bail!("cannot write the client trace {}: {e}", self.target.display());
        }
        let mut parts = self
            .parts
            .lock()
            .map_err(|_| anyhow::anyhow!("a trace writer panicked"))?
            .clone();
        parts.sort_by_key(|(key, _)| *key);
        let join = |out: &mut dyn Write| -> anyhow::Result<()> {
            writeln!(out, "{}", COLUMNS.join(","))?;
            for (_, part) in &parts {
                let mut file = File::open(part).with_context(|| format!("cannot read {}", part.display()))?;
                io::copy(&mut file, out)?;
            }
            Ok(())
        };
        let written = output::write_files(&self.folder, &[(self.name.as_str(), &join)])?;
        Ok(written.into_iter().next().unwrap_or_else(|| self.target.clone()))
    }

    fn fail(&self, message: String) {
        if let Ok(mut e) = self.error.lock() {
            e.get_or_insert(message);
        }
    }
}

impl Drop for ClientTrace<'_> {
    fn drop(&mut self) {
        if let Ok(parts) = self.parts.lock() {
            for (_, part) in parts.iter() {
                let _ = fs::remove_file(part);
            }
        }
    }
}

impl RecorderFactory for ClientTrace<'_> {
    fn open(&self, policy: usize, name: &str, replication: u32, warmup: f64) -> Box<dyn Recorder + Send + '_> {
        let path = self.part_path(policy, replication);
        let out = match File::create(&path) {
            Ok(file) => {
                if let Ok(mut parts) = self.parts.lock() {
                    parts.push(((policy, replication), path));
                }
                Some(csv::WriterBuilder::new().has_headers(false).from_writer(file))
            }
            Err(e) => {
                self.fail(format!("{}: {e}", path.display()));
                None
            }
        };
        let pooled = self
            .model
            .policies
            .get(policy)
            .is_some_and(|p| p.name == name && p.kind == PolicyKind::Pooled);
        Box::new(PartWriter {
            trace: self,
            out,
            policy: name.to_string(),
            replication: replication.to_string(),
            pooled,
            warmup,
            cells: String::with_capacity(64),
        })
    }
}

/// The rows of one replication, written as its clients leave.
struct PartWriter<'a, 'm> {
    trace: &'a ClientTrace<'m>,
    /// `None` after a write error (reported once through the trace).
    out: Option<csv::Writer<File>>,
    policy: String,
    replication: String,
    /// The policy pools every counter: a client without an office waited in the shared queue.
    pooled: bool,
    /// Clients created before it are not counted, so not traced (the replication's warm-up).
    warmup: f64,
    /// The number cells of the row being written (reused).
    cells: String,
}

impl PartWriter<'_, '_> {
    /// One row: `office` where the client ended (None: none, or the pooled queue), `called`
    /// the start of its service, `done` when it left, `arrived` whether it reached the office.
    /// The cells are written into one reused buffer: no allocation per client.
    fn row(
        &mut self,
        client: &Client,
        office: Option<usize>,
        arrived: bool,
        called: Option<f64>,
        done: Option<f64>,
        outcome: &str,
    ) {
        let model = self.trace.model;
        if client.created < self.warmup {
            return;
        }
        let Some(out) = self.out.as_mut() else { return };
        let zone = if model.geography.is_some() {
            model.zones[client.zone as usize].name.as_str()
        } else {
            ""
        };
        let office_name = office.map_or("", |o| model.offices[o].name.as_str());
        let reached = arrived && (office.is_some() || self.pooled);
        // Numbers go in `cells`, each ending at the recorded offset.
        let cells = &mut self.cells;
        cells.clear();
        let mut ends = [0usize; 5];
        {
            use std::fmt::Write as _;
            let _ = write!(cells, "{}", client.id);
        }
        ends[0] = cells.len();
        let times = [
            reached.then_some(client.arrived),
            called,
            done,
            reached.then(|| client.travel()),
        ];
        for (k, value) in times.iter().enumerate() {
            Num(*value).write_to(cells);
            ends[k + 1] = cells.len();
        }
        let cell = |k: usize| &cells[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        let record = [
            self.policy.as_str(),
            self.replication.as_str(),
            cell(0),
            model.services[client.service as usize].name.as_str(),
            zone,
            office_name,
            cell(1),
            cell(2),
            cell(3),
            outcome,
            cell(4),
        ];
        if let Err(e) = out.write_record(record) {
            self.trace.fail(e.to_string());
            self.out = None;
        }
    }
}

impl Recorder for PartWriter<'_, '_> {
    fn departure(&mut self, t: f64, office: usize, client: &Client) {
        self.row(client, Some(office), true, Some(client.start), Some(t), "served");
    }

    fn abandoned(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.row(client, office, true, None, Some(t), "abandoned");
    }

    fn balked(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.row(client, office, true, None, Some(t), "balked");
    }

    fn blocked(&mut self, t: f64, office: usize, client: &Client) {
        self.row(client, Some(office), true, None, Some(t), "blocked");
    }

    fn turned_away(&mut self, t: f64, office: Option<usize>, client: &Client) {
        self.row(client, office, true, None, Some(t), "turned-away");
    }

    fn no_show(&mut self, _t: f64, office: usize, client: &Client) {
        self.row(client, Some(office), false, None, None, "no-show");
    }

    fn finished(&mut self, _t: f64) {
        if let Some(mut out) = self.out.take() {
            if let Err(e) = out.flush() {
                self.trace.fail(e.to_string());
            }
        }
    }
}
