//! The output folder of a build opened before the build evaluates anything, so that each values
//! file leaves memory as soon as it is made (one per app per environment: held to the end, they
//! were the largest part of a build's memory).
//!
//! The folder is locked and its state read first. Into a missing output, each file is written
//! into the staging folder, on the thread that made it (the staging folder is created at once;
//! a build that fails removes it, a killed one leaves it to the next build's recovery). Into an
//! existing output, a file the seal vouches to be already there with the same bytes is only
//! recorded, and its text dropped: the output is then left untouched if every file is, and
//! otherwise the unchanged files are carried into the new tree like any kept file (linked). Any
//! other file is handed back, held and written at the end as before.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::manifest::{Entries, Recorded};
use super::seal::Sealed;
use super::stage::{StageDirs, split};
use super::tree::{Lock, Stage, Target, create_file, failure};
use super::{Existing, guard};
use crate::cli::UsageError;
use crate::emit::FileSink;

/// The staging folder's folders, and those already open for writing, shared by the threads.
type OpenDirs = (StageDirs, BTreeMap<String, Arc<OwnedFd>>);

/// The output folder of a build, locked, with what it holds; a sink for its files.
pub(in crate::cli) struct Early {
    pub(super) target: Target,
    _lock: Lock,
    pub(super) existing: Existing,
    pub(super) sealed: Option<Sealed>,
    /// For a missing output, the staging folder files are written into as they are made.
    pub(super) stage: Option<Stage>,
    /// The staging folder's folders, each created once and kept open.
    dirs: Option<Mutex<OpenDirs>>,
    /// With `--env`, the environments written; the files of the others are not taken.
    scope: Option<Vec<String>>,
    /// The files taken, each with its record: all written into the staging folder when there
    /// is one, all already in the output otherwise.
    taken: Mutex<Entries>,
    /// The first write that failed.
    failed: Mutex<Option<String>>,
}

impl Early {
    /// Opens and locks the output folder `out` of a build of `sources` (refusing one that
    /// must not be written), and reads what it holds; creates the staging folder when the
    /// output is missing.
    pub(in crate::cli) fn begin(
        out: &Path,
        sources: &Path,
        scope: Option<&[String]>,
    ) -> Result<Early, UsageError> {
        guard::refuse_dangerous(out, sources)?;
        let target = Target::open(out)?;
        let lock = target.lock()?;
        target.recover()?;
        let existing = Existing::read(target.open_existing()?)?;
        let sealed = existing.sealed();
        let stage = match existing.dir {
            Some(_) => None,
            None => Some(target.create_stage()?),
        };
        let dirs = match &stage {
            Some(stage) => {
                let root = stage
                    .fd
                    .try_clone()
                    .map_err(|error| failure("open", &stage.shown, error))?;
                let dirs = StageDirs::new(root, stage.shown.clone());
                Some(Mutex::new((dirs, BTreeMap::new())))
            }
            None => None,
        };
        Ok(Early {
            target,
            _lock: lock,
            existing,
            sealed,
            stage,
            dirs,
            scope: scope.map(<[String]>::to_vec),
            taken: Mutex::new(Entries::new()),
            failed: Mutex::new(None),
        })
    }

    /// The files taken, and the first write that failed, if one did.
    pub(super) fn taken(&self) -> Result<Entries, String> {
        if let Some(message) = self
            .failed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            return Err(message);
        }
        Ok(std::mem::take(
            &mut *self.taken.lock().unwrap_or_else(PoisonError::into_inner),
        ))
    }

    /// The staging folder's folder `relative`, created the first time it is asked for.
    fn dir(&self, relative: &str) -> Result<Arc<OwnedFd>, String> {
        let Some(dirs) = &self.dirs else {
            return Err("no staging folder".into());
        };
        let mut dirs = dirs.lock().unwrap_or_else(PoisonError::into_inner);
        let (stage, open) = &mut *dirs;
        if let Some(fd) = open.get(relative) {
            return Ok(Arc::clone(fd));
        }
        let shown = || self.target.shown.join(relative);
        let fd = stage
            .dir(relative)
            .and_then(|fd| fd.try_clone_to_owned())
            .map_err(|error| failure("create", &shown(), error))?;
        let fd = Arc::new(fd);
        open.insert(relative.to_string(), Arc::clone(&fd));
        Ok(fd)
    }

    /// Writes a new file into the staging folder.
    fn write(&self, stage: &Stage, path: &str, contents: &str) -> Result<(), String> {
        let (folder, name) = split(path);
        let dir = self.dir(folder)?;
        create_file(dir.as_fd(), OsStr::new(name), contents.as_bytes())
            .map(drop)
            .map_err(|error| failure("write", &stage.shown.join(path), error))
    }

    /// Whether the output already holds `path` with the bytes `record` records.
    fn already_there(&self, path: &str, record: &Recorded) -> bool {
        let old = self.existing.entries().get(path).copied().flatten();
        match (&self.sealed, &self.existing.dir, old) {
            (Some(sealed), Some(root), Some(old)) => {
                old == *record && sealed.vouches(root.as_fd(), path, &old)
            }
            _ => false,
        }
    }

    fn push(&self, path: &str, record: Recorded) {
        self.taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), Some(record));
    }
}

impl FileSink for Early {
    fn take(&self, path: &str, contents: String) -> Option<String> {
        let env = path.split('/').next().unwrap_or_default();
        if let Some(scope) = &self.scope
            && !scope.iter().any(|wanted| wanted == env)
        {
            // Not written by this build: nothing is kept of it.
            return None;
        }
        let record = Recorded::of(contents.as_bytes());
        match &self.stage {
            Some(stage) => match self.write(stage, path, &contents) {
                Ok(()) => {
                    self.push(path, record);
                    None
                }
                Err(message) => {
                    let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
                    failed.get_or_insert(message);
                    Some(contents)
                }
            },
            None if self.already_there(path, &record) => {
                self.push(path, record);
                None
            }
            None => Some(contents),
        }
    }
}

impl Drop for Early {
    fn drop(&mut self) {
        // A staging folder not handed to the writer: the build did not get to write it.
        if let Some(stage) = self.stage.take()
            && let Err(message) = self.target.remove_beside(&stage.name)
        {
            errln!("warning: {message}");
        }
    }
}
