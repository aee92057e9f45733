//! Writing the reports into the output folder all-or-nothing: every file is written to a
//! temporary name first and renamed into place only when all of them were written.

use anyhow::Context;
use nobat_core::report::Report;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes every report file of `report` and the `extra` files (name, contents: the HTML report
/// and its charts) into `dir`, creating it if needed, all or nothing.
pub fn write_reports(dir: &Path, report: &Report, extra: &[(String, String)]) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    let mut staged = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        for name in Report::FILES {
            let tmp = dir.join(format!(".{name}.nobat-tmp-{}", std::process::id()));
            staged.push((tmp.clone(), dir.join(name)));
            let file = fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
            let mut out = BufWriter::new(file);
            report
                .write_csv(name, &mut out)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            out.flush().with_context(|| format!("cannot write {}", tmp.display()))?;
        }
        for (name, contents) in extra {
            let tmp = dir.join(format!(".{name}.nobat-tmp-{}", std::process::id()));
            staged.push((tmp.clone(), dir.join(name)));
            fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
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
