//! Filling a staging folder: the new files (each folder created once, each file with one open,
//! one write and one close) and everything of the old tree that the new one keeps, carried over
//! without following a link: files ehp did not generate (hard-linked, or copied where the
//! filesystem cannot link), links (recreated as links), folders, and with `--env` the other
//! environments' files. The walk of the old tree also refuses what must not be written over.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::fault;
use super::manifest::{Entries, MANIFEST};
use super::seal::{Stamp, changed};
use super::tree::{MAX_TREE_DEPTH, create_file, entries, failure, kind_of, open_dir, read_file};
use crate::emit::{HEADER_PREFIX, OutputFile};

/// The folders of a staging tree, each created once and kept open.
pub(super) struct StageDirs {
    root: OwnedFd,
    /// The staging folder's path, for messages.
    shown: PathBuf,
    dirs: BTreeMap<String, OwnedFd>,
}

impl StageDirs {
    /// The folders of the staging folder `root`.
    pub(super) fn new(root: OwnedFd, shown: PathBuf) -> StageDirs {
        StageDirs {
            root,
            shown,
            dirs: BTreeMap::new(),
        }
    }

    /// The folder `relative` (`/`-separated, `""` for the root), created with its parents the
    /// first time it is asked for.
    pub(super) fn dir(&mut self, relative: &str) -> io::Result<BorrowedFd<'_>> {
        if relative.is_empty() {
            return Ok(self.root.as_fd());
        }
        if !self.dirs.contains_key(relative) {
            let mut path = String::new();
            for part in relative.split('/') {
                let parent_path = path.clone();
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(part);
                if self.dirs.contains_key(&path) {
                    continue;
                }
                let parent = match self.dirs.get(&parent_path) {
                    Some(fd) => fd.as_fd(),
                    None => self.root.as_fd(),
                };
                fault::step()?;
                match rfs::mkdirat(parent, part, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(error) => return Err(error.into()),
                }
                let fd = open_dir(parent, OsStr::new(part))?
                    .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
                self.dirs.insert(path.clone(), fd);
            }
        }
        self.dirs
            .get(relative)
            .map(AsFd::as_fd)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    /// Writes a new file at `relative`; returns its status.
    pub(super) fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<rfs::Stat, String> {
        let (dir, name) = split(relative);
        let shown = self.shown.join(relative);
        let parent = self
            .dir(dir)
            .map_err(|error| failure("create", &shown, error))?;
        let fd = create_file(parent, OsStr::new(name), bytes)
            .map_err(|error| failure("write", &shown, error))?;
        rfs::fstat(&fd).map_err(|error| failure("write", &shown, error))
    }

    /// Writes the new files on every core: their folders first, each created once, then one
    /// open, one write and one close per file. Returns the latest status-change time of the
    /// last file each thread wrote (the latest of all), `None` without files.
    pub(super) fn write_files(&mut self, files: &[OutputFile]) -> Result<Option<Stamp>, String> {
        for folder in folders_of(files.iter().map(|file| file.path.as_str())) {
            let shown = self.shown.join(&folder);
            self.dir(&folder)
                .map_err(|error| failure("create", &shown, error))?;
        }
        let this = &*self;
        let mut written = 0;
        let mut last = None;
        for chunk in crate::parallel::map_chunks(files, |chunk| this.write_chunk(chunk)) {
            let (count, stamp) = chunk?;
            written += count;
            last = last.max(stamp);
        }
        if written != files.len() {
            return Err(format!(
                "cannot write into `{}`: a writing thread stopped",
                self.shown.display()
            ));
        }
        Ok(last)
    }

    /// Writes files into folders already created: how many, and the status-change time of
    /// the last one.
    fn write_chunk(&self, chunk: &[OutputFile]) -> Result<(usize, Option<Stamp>), String> {
        let mut last = None;
        for (index, file) in chunk.iter().enumerate() {
            let (dir, name) = split(&file.path);
            let shown = || self.shown.join(&file.path);
            let parent = if dir.is_empty() {
                Some(self.root.as_fd())
            } else {
                self.dirs.get(dir).map(AsFd::as_fd)
            }
            .ok_or_else(|| failure("create", &shown(), io::ErrorKind::NotFound))?;
            let fd = create_file(parent, OsStr::new(name), file.contents.as_bytes())
                .map_err(|error| failure("write", &shown(), error))?;
            if index + 1 == chunk.len() {
                let stat = rfs::fstat(&fd).map_err(|error| failure("write", &shown(), error))?;
                last = Some(changed(&stat));
            }
        }
        Ok((chunk.len(), last))
    }
}

/// A `/`-separated path's folder and name.
pub(super) fn split(relative: &str) -> (&str, &str) {
    relative.rsplit_once('/').unwrap_or(("", relative))
}

/// What the new tree holds and what the old one held, for the walk of the old tree.
pub(super) struct Keep<'a> {
    /// The output folder as the user named it, for messages.
    pub(super) out: &'a Path,
    /// The files the build writes.
    pub(super) new_files: BTreeSet<&'a str>,
    /// The folders the new files go in.
    pub(super) new_dirs: BTreeSet<String>,
    /// The entries of the previous manifest.
    pub(super) previous: &'a Entries,
    /// The folders of previously generated files: such a folder is kept only if something in
    /// it is.
    pub(super) previous_dirs: BTreeSet<String>,
    /// The entries of the new manifest.
    pub(super) manifest: &'a Entries,
}

/// The folders a set of `/`-separated file paths lie in, each with its parents.
pub(super) fn folders_of<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for path in paths {
        let mut dir = split(path).0;
        while !dir.is_empty() && dirs.insert(dir.to_string()) {
            dir = split(dir).0;
        }
    }
    dirs
}

impl Keep<'_> {
    /// Walks the old folder `old` (at `prefix` inside the output) and carries into the staging
    /// tree what the new tree keeps; refuses what must not be replaced.
    pub(super) fn carry(
        &self,
        old: &OwnedFd,
        prefix: &str,
        stage: &mut StageDirs,
        depth: usize,
    ) -> Result<(), String> {
        let shown_dir = self.out.join(prefix);
        if depth >= MAX_TREE_DEPTH {
            return Err(format!(
                "cannot keep `{}`: folders are nested more than {MAX_TREE_DEPTH} deep",
                shown_dir.display()
            ));
        }
        let found = entries(old).map_err(|error| failure("read", &shown_dir, error))?;
        for (name, reported) in found {
            let relative = join(prefix, &name);
            let shown = self.out.join(&relative);
            let kind = match reported {
                FileType::Unknown => {
                    kind_of(old.as_fd(), &name)
                        .map_err(|error| failure("read", &shown, error))?
                        .0
                }
                known => known,
            };
            let entry = Entry {
                name: &name,
                relative: &relative,
                kind,
                shown: &shown,
            };
            self.carry_entry(old, &entry, stage, depth)?;
        }
        Ok(())
    }

    /// Decides about one entry of the old tree.
    fn carry_entry(
        &self,
        old: &OwnedFd,
        entry: &Entry<'_>,
        stage: &mut StageDirs,
        depth: usize,
    ) -> Result<(), String> {
        let Entry {
            name,
            relative,
            kind,
            shown,
        } = *entry;
        let failed = |what: &str, error: io::Error| failure(what, shown, error);
        let refuse = |message: &str| message.replace("{}", &shown.display().to_string());
        if relative == MANIFEST {
            return Ok(());
        }
        if self.new_files.contains(relative) {
            return match kind {
                FileType::RegularFile
                    if self.previous.contains_key(relative)
                        || starts_with_header(old.as_fd(), name) =>
                {
                    Ok(())
                }
                FileType::RegularFile => Err(refuse(
                    "refusing to overwrite `{}`: ehp did not generate it (move it away or choose \
                     another --out)",
                )),
                FileType::Symlink => Err(refuse(
                    "refusing to write `{}`: it is a symbolic link, and ehp never writes through \
                     one (remove the link)",
                )),
                _ => Err(refuse("cannot write `{}`: it is not a file")),
            };
        }
        if kind == FileType::Directory {
            let generated =
                self.new_dirs.contains(relative) || self.previous_dirs.contains(relative);
            if !generated {
                let (_, stat) =
                    kind_of(old.as_fd(), name).map_err(|error| failed("read", error))?;
                let dir = stage
                    .dir(relative)
                    .map_err(|error| failed("create", error))?;
                rfs::fchmod(dir, Mode::from_raw_mode(stat.st_mode & 0o7777))
                    .map_err(|error| failed("keep", error.into()))?;
            }
            let inner = open_dir(old.as_fd(), name)
                .map_err(|error| failed("read", error.into()))?
                .ok_or_else(|| failed("read", io::ErrorKind::NotFound.into()))?;
            return self.carry(&inner, relative, stage, depth + 1);
        }
        if self.new_dirs.contains(relative) {
            return Err(refuse(match kind {
                FileType::Symlink => {
                    "refusing to write into `{}`: it is a symbolic link, and ehp never writes \
                     through one (remove the link)"
                }
                _ => "cannot write into `{}`: it is not a folder",
            }));
        }
        if self.previous.contains_key(relative) && !self.manifest.contains_key(relative) {
            // A stale file: dropped, unless it no longer looks generated.
            if kind == FileType::RegularFile && starts_with_header(old.as_fd(), name) {
                return Ok(());
            }
            errln!(
                "warning: leaving `{}`: it no longer looks generated by ehp",
                shown.display()
            );
        } else if is_old_temporary(name) && kind == FileType::RegularFile {
            // A temporary file of an older ehp that was stopped: dropped.
            return Ok(());
        }
        carry_one(old.as_fd(), entry, stage)
    }
}

/// One entry of the old tree.
#[derive(Clone, Copy)]
struct Entry<'a> {
    name: &'a OsStr,
    relative: &'a str,
    kind: FileType,
    shown: &'a Path,
}

/// Carries one file or link into the staging tree.
fn carry_one(old: BorrowedFd<'_>, entry: &Entry<'_>, stage: &mut StageDirs) -> Result<(), String> {
    let (name, relative, kind, shown) = (entry.name, entry.relative, entry.kind, entry.shown);
    let failed = |what: &str, error: io::Error| failure(what, shown, error);
    let (dir, _) = split(relative);
    let target = stage.dir(dir).map_err(|error| failed("keep", error))?;
    fault::step().map_err(|error| failed("keep", error))?;
    match kind {
        FileType::RegularFile => match rfs::linkat(old, name, target, name, AtFlags::empty()) {
            Ok(()) => Ok(()),
            Err(Errno::XDEV | Errno::PERM | Errno::MLINK | Errno::OPNOTSUPP | Errno::ACCESS) => {
                copy_file(old, name, target).map_err(|error| failed("keep", error))
            }
            Err(error) => Err(failed("keep", error.into())),
        },
        FileType::Symlink => {
            let points_to = rfs::readlinkat(old, name, Vec::new())
                .map_err(|error| failed("read", error.into()))?;
            rfs::symlinkat(points_to.as_c_str(), target, name)
                .map_err(|error| failed("keep", error.into()))
        }
        _ => Err(format!(
            "cannot keep `{}`: it is neither a file, a folder nor a link; move it out of the \
             output folder",
            shown.display()
        )),
    }
}

/// Copies a regular file with its mode, for filesystems that cannot hard-link.
fn copy_file(old: BorrowedFd<'_>, name: &OsStr, target: BorrowedFd<'_>) -> io::Result<()> {
    let source = rfs::openat(
        old,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )?;
    let mode = rfs::fstat(&source)?.st_mode & 0o7777;
    let copy = rfs::openat(
        target,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(mode),
    )?;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let count = match rustix::io::read(&source, &mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        };
        super::tree::write_all(&copy, buffer.get(..count).unwrap_or_default())?;
    }
    rfs::fchmod(&copy, Mode::from_raw_mode(mode))?;
    Ok(())
}

/// Whether the file `name` in `dir` starts with the header of generated files.
fn starts_with_header(dir: BorrowedFd<'_>, name: &OsStr) -> bool {
    read_file(dir, name, HEADER_PREFIX.len())
        .ok()
        .flatten()
        .is_some_and(|bytes| bytes.starts_with(HEADER_PREFIX.as_bytes()))
}

/// Whether a name is a temporary file of an ehp from before the staging folder
/// (`.NAME.ehp-tmp-PID`).
fn is_old_temporary(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    bytes.starts_with(b".")
        && bytes
            .windows(b".ehp-tmp-".len())
            .position(|window| window == b".ehp-tmp-")
            .and_then(|at| bytes.get(at + b".ehp-tmp-".len()..))
            .is_some_and(|pid| !pid.is_empty() && pid.iter().all(u8::is_ascii_digit))
}

/// `prefix/name`, or `name` at the top.
fn join(prefix: &str, name: &OsStr) -> String {
    let name = name.to_string_lossy();
    if prefix.is_empty() {
        name.into_owned()
    } else {
        format!("{prefix}/{name}")
    }
}

/// The names of a `/`-separated path, for opening it one folder at a time.
pub(super) fn open_path(root: &OwnedFd, relative: &str) -> Result<Option<OwnedFd>, Errno> {
    let mut current: Option<OwnedFd> = None;
    for part in relative.split('/').filter(|part| !part.is_empty()) {
        let parent = current.as_ref().unwrap_or(root);
        match open_dir(parent.as_fd(), OsStr::new(part))? {
            Some(fd) => current = Some(fd),
            None => return Ok(None),
        }
    }
    match current {
        Some(fd) => Ok(Some(fd)),
        None => rfs::openat(
            root,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map(Some),
    }
}
