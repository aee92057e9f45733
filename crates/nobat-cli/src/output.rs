//! Writing files into the output folder all-or-nothing: every file is written to a temporary
//! name first and renamed into place only when all of them were written.

use anyhow::Context;
use nobat_core::report::Report;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The files were not put in place because Ctrl-C was pressed while they were written.
#[derive(Debug, thiserror::Error)]
#[error("interrupted while writing the reports: none was put in place")]
pub struct Interrupted;

/// A file to write: its name and a function writing its content.
pub type FileWriter<'a> = (&'a str, &'a dyn Fn(&mut dyn Write) -> anyhow::Result<()>);

/// Writes `files` into `dir`, creating it if needed.
///
/// All or nothing: every file is written and flushed under a temporary name first, and only
/// then are all renamed into place. On any failure, or if Ctrl-C was pressed meanwhile
/// ([`Interrupted`]), the temporary files are removed, the folder is removed again if this call
/// created it (and it is still empty), and no other file is touched.
pub fn write_files(dir: &Path, files: &[FileWriter]) -> anyhow::Result<Vec<PathBuf>> {
    let existed = dir.exists();
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
            if crate::interrupt::requested() {
                return Err(Interrupted.into());
            }
        }
        Ok(())
    })();
    // A rename cannot replace a folder: find that before anything is put in place, so that
    // the set goes in whole or not at all.
    let result = result.and_then(|()| match staged.iter().find(|(_, target)| target.is_dir()) {
        Some((_, target)) => Err(anyhow::anyhow!(
            "cannot write {}: a folder of that name is in the way",
            target.display()
        )),
        None => Ok(()),
    });
    if let Err(e) = result {
        discard(dir, existed, &staged);
        return Err(e);
    }
    let mut written = Vec::new();
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, target) {
            // Files already renamed stay (they are complete); the rest is not left behind.
            discard(dir, true, &staged[i..]);
            return Err(e).with_context(|| format!("cannot move {} into place", target.display()));
        }
        written.push(target.clone());
    }
    Ok(written)
}

/// Writes every report file of `report` and the `extra` files (name, contents: the HTML report
/// and its charts) into `dir`, all or nothing (see [`write_files`]).
pub fn write_reports(dir: &Path, report: &Report, extra: &[(String, String)]) -> anyhow::Result<Vec<PathBuf>> {
    let csv = |name: &str, out: &mut dyn Write| -> anyhow::Result<()> { Ok(report.write_csv(name, out)?) };
    let csv_writers: Vec<_> = Report::FILES
        .iter()
        .map(|&name| move |out: &mut dyn Write| csv(name, out))
        .collect();
    let files: Vec<FileWriter> = Report::FILES
        .iter()
        .zip(&csv_writers)
        .map(|(&name, w)| (name, w as &dyn Fn(&mut dyn Write) -> anyhow::Result<()>))
        .collect();
    write_files_and(dir, &files, extra)
}

/// Writes `files` and the `extra` files (name, contents: a report page and its charts) into
/// `dir`, all or nothing (see [`write_files`]): a verb's data and its report go in together.
pub fn write_files_and(dir: &Path, files: &[FileWriter], extra: &[(String, String)]) -> anyhow::Result<Vec<PathBuf>> {
    let extra_writers: Vec<_> = extra
        .iter()
        .map(|(_, contents)| {
            move |out: &mut dyn Write| -> anyhow::Result<()> { Ok(out.write_all(contents.as_bytes())?) }
        })
        .collect();
    let mut files = files.to_vec();
    files.extend(
        extra
            .iter()
            .zip(&extra_writers)
            .map(|((name, _), w)| (name.as_str(), w as &dyn Fn(&mut dyn Write) -> anyhow::Result<()>)),
    );
    write_files(dir, &files)
}

/// What to print after the files: where the report is, when one was written.
pub fn open_hint(dir: &Path, with_report: bool) -> String {
    if with_report {
        format!("; open {} in a browser", dir.join("report.html").display())
    } else {
        String::new()
    }
}

/// Removes the temporary files of `staged`, and `dir` if this run created it and it is empty.
fn discard(dir: &Path, existed: bool, staged: &[(PathBuf, PathBuf)]) {
    for (tmp, _) in staged {
        let _ = fs::remove_file(tmp);
    }
    if !existed {
        // `remove_dir` refuses a folder that is not empty: files nobat did not write are safe.
        let _ = fs::remove_dir(dir);
    }
}
