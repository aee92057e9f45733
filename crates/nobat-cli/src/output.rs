//! Writing CSV files into the output folder all-or-nothing: every file is written to a
//! temporary name first and renamed into place only when all of them were written.

use anyhow::Context;
use nobat_core::report::Report;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file to write: its name and a function writing its content.
pub type FileWriter<'a> = (&'a str, &'a dyn Fn(&mut dyn Write) -> anyhow::Result<()>);

/// Writes `files` into `dir`, creating it if needed: all of them, or none (the temporary files
/// of a failed attempt are removed).
pub fn write_files(dir: &Path, files: &[FileWriter]) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    let mut staged = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        for (name, write) in files {
            let tmp = dir.join(format!(".{name}.nobat-tmp-{}", std::process::id()));
            staged.push((tmp.clone(), dir.join(name)));
            let file = fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out).with_context(|| format!("cannot write {}", tmp.display()))?;
            out.flush().with_context(|| format!("cannot write {}", tmp.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    let mut written = Vec::new();
    for (tmp, target) in staged {
        fs::rename(&tmp, &target).with_context(|| format!("cannot move {} into place", target.display()))?;
        written.push(target);
    }
    Ok(written)
}

/// Writes every report file of `report` into `dir`, creating it if needed.
pub fn write_reports(dir: &Path, report: &Report) -> anyhow::Result<Vec<PathBuf>> {
    let write = |name: &str, out: &mut dyn Write| -> anyhow::Result<()> { Ok(report.write_csv(name, out)?) };
    let writers: Vec<_> = Report::FILES
        .iter()
        .map(|&name| move |out: &mut dyn Write| write(name, out))
        .collect();
    let files: Vec<FileWriter> = Report::FILES
        .iter()
        .zip(&writers)
        .map(|(&name, w)| (name, w as &dyn Fn(&mut dyn Write) -> anyhow::Result<()>))
        .collect();
    write_files(dir, &files)
}
