//! [`PartialFiles`]: the partial results of a merge, read side by side through a bounded
//! number of open files.
//!
//! The merge takes unit `u` from shard `u mod N`, so it reads all `N` partials in turn, each a
//! little at a time. A Slurm job array may have a thousand tasks, and a process may open only
//! so many files (`ulimit -n`, often 1024, 256 on macOS): beyond [`OPEN_AT_ONCE`] partials, the one unused
//! the longest is closed, and reopened at the byte where it stopped when its turn comes. A unit
//! is kilobytes to megabytes, so one reopening per unit costs nothing worth measuring.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::rc::Rc;

/// The most partials open at once.
pub const OPEN_AT_ONCE: usize = 128;

/// The files of a merge and those of them open now.
struct Pool {
    paths: Vec<PathBuf>,
    open: Vec<Option<BufReader<File>>>,
    /// Indices of the open files, the least recently opened first.
    order: VecDeque<usize>,
    limit: usize,
}

impl Pool {
    /// Reads into `buf` from file `i` at byte `offset`, opening it first if needed.
    fn read(&mut self, i: usize, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if self.open[i].is_none() {
            if self.order.len() >= self.limit {
                if let Some(oldest) = self.order.pop_front() {
                    self.open[oldest] = None;
                }
            }
            let mut file = File::open(&self.paths[i])?;
            file.seek(SeekFrom::Start(offset))?;
            self.open[i] = Some(BufReader::new(file));
            self.order.push_back(i);
        }
        match self.open[i].as_mut() {
            Some(reader) => reader.read(buf),
            None => Ok(0),
        }
    }
}

/// Opens partials for reading side by side; see the module docs.
pub struct PartialFiles(Rc<RefCell<Pool>>);

impl PartialFiles {
    /// A pool keeping at most `limit` (at least 1) of its files open.
    pub fn new(limit: usize) -> Self {
        PartialFiles(Rc::new(RefCell::new(Pool {
            paths: Vec::new(),
            open: Vec::new(),
            order: VecDeque::new(),
            limit: limit.max(1),
        })))
    }

    /// A reader of the file at `path`, which must exist and be readable (it is opened at once,
    /// so that a missing file is found here).
    pub fn open(&self, path: PathBuf) -> io::Result<PartialFile> {
        let mut pool = self.0.borrow_mut();
        let index = pool.paths.len();
        pool.paths.push(path);
        pool.open.push(None);
        let mut first = [0u8; 0];
        pool.read(index, 0, &mut first)?;
        Ok(PartialFile {
            index,
            offset: 0,
            pool: Rc::clone(&self.0),
        })
    }
}

/// One partial of a [`PartialFiles`], read from where it last stopped.
pub struct PartialFile {
    index: usize,
    offset: u64,
    pool: Rc<RefCell<Pool>>,
}

impl Read for PartialFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.pool.borrow_mut().read(self.index, self.offset, buf)?;
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five files read in turn a few bytes at a time through two open files: each reads back
    /// exactly its own bytes, and no more than two are ever open.
    #[test]
    fn interleaved_reads_through_few_open_files() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<Vec<u8>> = (0..5u8)
            .map(|i| (0..200u8).map(|b| b.wrapping_mul(i + 1)).collect())
            .collect();
        let files = PartialFiles::new(2);
        let mut readers: Vec<PartialFile> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let path = dir.path().join(format!("p{i}"));
                std::fs::write(&path, t).unwrap();
                files.open(path).unwrap()
            })
            .collect();
        let mut got = vec![Vec::new(); 5];
        for step in 0..200 {
            for (i, r) in readers.iter_mut().enumerate() {
                let mut buf = vec![0u8; 1 + (step + i) % 3];
                let n = r.read(&mut buf).unwrap();
                got[i].extend_from_slice(&buf[..n]);
                assert!(files.0.borrow().order.len() <= 2);
            }
        }
        assert_eq!(got, texts);
        assert!(files.open(dir.path().join("missing")).is_err());
    }
}
