//! The output folder as the writer sees it: a folder held open (the output's parent) and a name
//! in it, every access relative to that folder, never following a symbolic link; the lock that
//! keeps two builds apart; staging folders with unpredictable names; the atomic swap; and the
//! removal of a tree without following links.
//!
//! Names beside the output `OUT`, all hidden and all starting with `.OUT.ehp-`: the lock file
//! `.OUT.ehp-lock` (removed when the build ends), staging folders `.OUT.ehp-stage-RANDOM` and,
//! where the filesystem cannot exchange two names atomically, the old tree moved aside as
//! `.OUT.ehp-old-RANDOM`. A build that was killed may leave a staging or old folder: the next
//! build removes it, or puts the old tree back when the output itself is missing.

use std::ffi::{CStr, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use super::fault;

/// How deep a tree the writer walks (carrying over or removing); deeper is refused rather than
/// risking the stack or the process's file descriptors.
pub(super) const MAX_TREE_DEPTH: usize = 128;

/// Flags to open a folder without following a link.
const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// The output folder: its parent, held open, and its name there.
pub(super) struct Target {
    /// The output folder as the user named it, for messages.
    pub(super) shown: PathBuf,
    /// The parent folder.
    parent: OwnedFd,
    /// The output folder's name in `parent`.
    name: OsString,
}

/// An error of the writer, as the message the user sees.
pub(super) fn failure(what: &str, path: &Path, error: impl Into<io::Error>) -> String {
    format!("cannot {what} `{}`: {}", path.display(), error.into())
}

impl Target {
    /// Opens the parent of `out` (creating it if needed). The parent is followed as the user
    /// named it; the output folder itself and everything inside it never are.
    pub(super) fn open(out: &Path) -> Result<Target, String> {
        let resolved;
        let out_path = if out.file_name().is_some() {
            out
        } else {
            resolved = std::fs::canonicalize(out).map_err(|error| failure("use", out, error))?;
            resolved.as_path()
        };
        let Some(name) = out_path.file_name().map(OsStr::to_os_string) else {
            return Err(format!(
                "refusing to write to `{}`: it is the filesystem's root",
                out.display()
            ));
        };
        let parent_path = match out_path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent_path)
            .map_err(|error| failure("create", &parent_path, error))?;
        let parent = rfs::open(
            &parent_path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|error| failure("open", &parent_path, error))?;
        Ok(Target {
            shown: out.to_path_buf(),
            parent,
            name,
        })
    }

    /// The parent folder.
    pub(super) fn parent(&self) -> BorrowedFd<'_> {
        self.parent.as_fd()
    }

    /// A name beside the output: `.OUT.ehp-SUFFIX`.
    fn beside(&self, suffix: &str) -> OsString {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(".ehp-");
        name.push(suffix);
        name
    }

    /// What the output folder is now: missing, or a folder opened without following a link.
    /// A link, a file, or a folder on another filesystem (a mount point, which cannot be
    /// swapped) is refused.
    pub(super) fn open_existing(&self) -> Result<Option<OwnedFd>, String> {
        let stat = match rfs::statat(&self.parent, &self.name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(Errno::NOENT) => return Ok(None),
            Err(error) => return Err(failure("read", &self.shown, error)),
        };
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::Directory => {}
            FileType::Symlink => {
                return Err(format!(
                    "refusing to write to `{}`: it is a symbolic link; name the folder it points \
                     to with --out instead",
                    self.shown.display()
                ));
            }
            _ => {
                return Err(format!(
                    "refusing to write to `{}`: it is not a folder",
                    self.shown.display()
                ));
            }
        }
        let parent =
            rfs::fstat(&self.parent).map_err(|error| failure("read", &self.shown, error))?;
        if parent.st_dev != stat.st_dev {
            return Err(format!(
                "refusing to write to `{}`: it is a mount point, which cannot be replaced \
                 atomically; use a folder inside it as --out",
                self.shown.display()
            ));
        }
        rfs::openat(&self.parent, &self.name, DIR_FLAGS, Mode::empty())
            .map(Some)
            .map_err(|error| failure("open", &self.shown, error))
    }

    /// Takes the lock of the output folder, waiting (with a message) while another build holds
    /// it. The lock file is created beside the output, never through a link, and removed when the
    /// lock is released.
    pub(super) fn lock(&self) -> Result<Lock, String> {
        let name = self.beside("lock");
        let shown = self.shown.with_file_name(&name);
        let mut told = false;
        loop {
            let fd = rfs::openat(
                &self.parent,
                &name,
                OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o644),
            )
            .map_err(|error| refuse_link("lock", &shown, error))?;
            match rfs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(Errno::WOULDBLOCK) => {
                    if !told {
                        errln!(
                            "waiting for another ehp build into `{}` to finish",
                            self.shown.display()
                        );
                        told = true;
                    }
                    rfs::flock(&fd, FlockOperation::LockExclusive)
                        .map_err(|error| failure("lock", &shown, error))?;
                }
                Err(error) => return Err(failure("lock", &shown, error)),
            }
            // The file may have been removed by the build that held it: then lock the new one.
            let held = rfs::fstat(&fd).map_err(|error| failure("lock", &shown, error))?;
            match rfs::statat(&self.parent, &name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(now) if now.st_ino == held.st_ino && now.st_dev == held.st_dev => {
                    let parent = self
                        .parent
                        .try_clone()
                        .map_err(|error| failure("lock", &shown, error))?;
                    return Ok(Lock {
                        parent,
                        name,
                        _fd: fd,
                    });
                }
                Ok(_) | Err(Errno::NOENT) => {}
                Err(error) => return Err(failure("lock", &shown, error)),
            }
        }
    }

    /// Removes what a killed build left beside the output: staging folders, and old trees moved
    /// aside (put back first when the output itself is missing). Call with the lock held.
    pub(super) fn recover(&self) -> Result<(), String> {
        let prefix = self.beside("");
        let mut leftovers = Vec::new();
        let dir = rfs::Dir::read_from(&self.parent)
            .map_err(|error| failure("read", &self.shown, error))?;
        for entry in dir {
            let entry = entry.map_err(|error| failure("read", &self.shown, error))?;
            let name = OsStr::from_bytes(entry.file_name().to_bytes());
            if name.as_bytes().starts_with(prefix.as_bytes()) && name != self.beside("lock") {
                leftovers.push(name.to_os_string());
            }
        }
        leftovers.sort();
        for name in leftovers {
            let shown = self.shown.with_file_name(&name);
            let is_old = name.as_bytes().starts_with(self.beside("old-").as_bytes());
            if is_old && self.open_existing()?.is_none() {
                fault::step().map_err(|error| failure("restore", &shown, error))?;
                rfs::renameat(&self.parent, &name, &self.parent, &self.name)
                    .map_err(|error| failure("restore", &shown, error))?;
                errln!(
                    "restored `{}` from `{}`, left by a build that was stopped",
                    self.shown.display(),
                    shown.display()
                );
                continue;
            }
            remove_tree(self.parent(), &name, 0)
                .map_err(|error| failure("remove", &shown, error))?;
        }
        Ok(())
    }

    /// Creates an empty staging folder beside the output, with an unpredictable name, created
    /// exclusively (a name that exists, link or not, is never reused).
    pub(super) fn create_stage(&self) -> Result<Stage, String> {
        for _ in 0..16 {
            let name = self.beside(&format!("stage-{}", random_hex()?));
            fault::step().map_err(|error| failure("create", &self.shown, error))?;
            match rfs::mkdirat(&self.parent, &name, Mode::from_raw_mode(0o777)) {
                Ok(()) => {}
                Err(Errno::EXIST) => continue,
                Err(error) => return Err(failure("create a folder beside", &self.shown, error)),
            }
            let shown = self.shown.with_file_name(&name);
            let fd = rfs::openat(&self.parent, &name, DIR_FLAGS, Mode::empty())
                .map_err(|error| failure("open", &shown, error))?;
            return Ok(Stage { name, shown, fd });
        }
        Err(format!(
            "cannot create a staging folder beside `{}`: every name tried exists",
            self.shown.display()
        ))
    }

    /// Puts the staging folder in the output's place in one atomic step. Returns the name under
    /// which the old tree now is, to be removed, if there was one.
    pub(super) fn swap_in(
        &self,
        stage: &Stage,
        existing: bool,
    ) -> Result<Option<OsString>, String> {
        let error = |error: Errno| failure("replace", &self.shown, error);
        fault::step().map_err(|failed| failure("replace", &self.shown, failed))?;
        if existing {
            let exchanged = if fault::no_exchange() {
                Err(Errno::INVAL)
            } else {
                exchange(&self.parent, &stage.name, &self.name)
            };
            match exchanged {
                Ok(()) => return Ok(Some(stage.name.clone())),
                Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
                Err(failed) => return Err(error(failed)),
            }
            // No atomic exchange here: move the old tree aside, then the new one in. A build
            // stopped between the two leaves the old tree aside, and the next build puts it
            // back.
            let old = self.beside(&format!("old-{}", random_hex()?));
            rfs::renameat(&self.parent, &self.name, &self.parent, &old).map_err(error)?;
            fault::step().map_err(|failed| failure("replace", &self.shown, failed))?;
            if let Err(failed) = rfs::renameat(&self.parent, &stage.name, &self.parent, &self.name)
            {
                let _ = rfs::renameat(&self.parent, &old, &self.parent, &self.name);
                return Err(error(failed));
            }
            return Ok(Some(old));
        }
        match rename_noreplace(&self.parent, &stage.name, &self.name) {
            Ok(()) => Ok(None),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                rfs::renameat(&self.parent, &stage.name, &self.parent, &self.name)
                    .map_err(error)?;
                Ok(None)
            }
            Err(failed) => Err(error(failed)),
        }
    }

    /// Removes a tree beside the output (a staging folder, or the old tree after the swap).
    pub(super) fn remove_beside(&self, name: &OsStr) -> Result<(), String> {
        remove_tree(self.parent(), name, 0)
            .map_err(|error| failure("remove", &self.shown.with_file_name(name), error))
    }
}

/// A staging folder beside the output.
pub(super) struct Stage {
    /// Its name in the output's parent.
    pub(super) name: OsString,
    /// Its path, for messages.
    pub(super) shown: PathBuf,
    /// The folder, open.
    pub(super) fd: OwnedFd,
}

/// The lock of an output folder, released (and its file removed) when dropped.
pub(super) struct Lock {
    /// The output's parent folder.
    parent: OwnedFd,
    name: OsString,
    _fd: OwnedFd,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held: a build waiting on this file finds it gone and locks anew.
        let _ = rfs::unlinkat(&self.parent, &self.name, AtFlags::empty());
    }
}

/// Sixteen random hexadecimal digits from the kernel's generator.
pub(in crate::cli) fn random_hex() -> Result<String, String> {
    let mut bytes = [0u8; 8];
    let filled = rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty())
        .map_err(|error| format!("cannot draw a random name: {error}"))?;
    if filled != bytes.len() {
        return Err("cannot draw a random name: the generator returned too little".into());
    }
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The message for an open that met a link where it follows none.
pub(super) fn refuse_link(what: &str, path: &Path, error: Errno) -> String {
    if error == Errno::LOOP {
        format!(
            "refusing to {what} `{}`: it is a symbolic link, and ehp never writes through one",
            path.display()
        )
    } else {
        failure(what, path, error)
    }
}

/// Exchanges two names atomically (`renameat2(RENAME_EXCHANGE)`).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(dir: &OwnedFd, first: &OsStr, second: &OsStr) -> Result<(), Errno> {
    rfs::renameat_with(dir, first, dir, second, rfs::RenameFlags::EXCHANGE)
}

/// Elsewhere there is no atomic exchange: the caller moves the old tree aside first.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_dir: &OwnedFd, _first: &OsStr, _second: &OsStr) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

/// Renames without replacing what exists (`renameat2(RENAME_NOREPLACE)`).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn rename_noreplace(dir: &OwnedFd, from: &OsStr, to: &OsStr) -> Result<(), Errno> {
    rfs::renameat_with(dir, from, dir, to, rfs::RenameFlags::NOREPLACE)
}

/// Elsewhere the caller falls back to a plain rename.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn rename_noreplace(_dir: &OwnedFd, _from: &OsStr, _to: &OsStr) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

/// Opens the folder `name` in `dir` without following a link: `None` when it is missing.
pub(super) fn open_dir(dir: BorrowedFd<'_>, name: &OsStr) -> Result<Option<OwnedFd>, Errno> {
    match rfs::openat(dir, name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => Ok(Some(fd)),
        Err(Errno::NOENT) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads the file `name` in `dir` without following a link: `None` when it is missing; at most
/// `limit` bytes (one more tells a longer file).
pub(super) fn read_file(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    limit: usize,
) -> Result<Option<Vec<u8>>, Errno> {
    match open_file(dir, name)? {
        Some(fd) => read_open(&fd, limit).map(Some),
        None => Ok(None),
    }
}

/// Opens the file `name` in `dir` for reading without following a link: `None` when it is
/// missing.
pub(super) fn open_file(dir: BorrowedFd<'_>, name: &OsStr) -> Result<Option<OwnedFd>, Errno> {
    // Non-blocking, so that a FIFO planted in the output cannot make the build wait forever.
    match rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
        Mode::empty(),
    ) {
        Ok(fd) => Ok(Some(fd)),
        Err(Errno::NOENT) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads the open file `fd`: at most `limit` bytes (one more tells a longer file).
pub(super) fn read_open(fd: &OwnedFd, limit: usize) -> Result<Vec<u8>, Errno> {
    // The buffer grows as the file turns out longer: a large limit (the manifest's) costs
    // nothing for a small file.
    let wanted_total = limit.saturating_add(1);
    let mut buffer = vec![0u8; wanted_total.min(1 << 20)];
    let mut filled = 0;
    while filled < wanted_total {
        if filled == buffer.len() {
            buffer.resize(buffer.len().saturating_mul(2).min(wanted_total), 0);
        }
        let Some(rest) = buffer.get_mut(filled..) else {
            break;
        };
        let wanted = rest.len();
        match rustix::io::read(fd, rest) {
            Ok(0) => break,
            // A regular file gives all it has: a short read is its end (one read per file).
            Ok(count) if count < wanted => {
                filled += count;
                break;
            }
            Ok(count) => filled += count,
            Err(Errno::INTR) => {}
            Err(error) => return Err(error),
        }
    }
    buffer.truncate(filled);
    Ok(buffer)
}

/// Creates the file `name` in `dir` exclusively (never through a link, never over anything) and
/// writes `bytes` into it: one open and one write; the file is closed when the returned
/// descriptor is dropped.
pub(super) fn create_file(dir: BorrowedFd<'_>, name: &OsStr, bytes: &[u8]) -> io::Result<OwnedFd> {
    fault::step()?;
    let fd = rfs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    )?;
    write_all(&fd, bytes)?;
    Ok(fd)
}

/// Writes every byte.
pub(super) fn write_all(fd: &OwnedFd, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(count) => bytes = bytes.get(count..).unwrap_or_default(),
            Err(Errno::INTR) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

/// Removes the tree `name` in `dir` (a file, a link, or a folder and all it holds), never
/// following a link: a link is removed, not what it points to.
pub(super) fn remove_tree(dir: BorrowedFd<'_>, name: &OsStr, depth: usize) -> io::Result<()> {
    let inner = match rfs::openat(dir, name, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(()),
        Err(Errno::NOTDIR | Errno::LOOP) => {
            fault::step()?;
            return Ok(rfs::unlinkat(dir, name, AtFlags::empty())?);
        }
        Err(error) => return Err(error.into()),
    };
    if depth >= MAX_TREE_DEPTH {
        return Err(io::Error::other(format!(
            "folders are nested more than {MAX_TREE_DEPTH} deep"
        )));
    }
    for entry in entries(&inner)? {
        let (child, kind) = entry;
        if kind == FileType::Directory || kind == FileType::Unknown {
            remove_tree(inner.as_fd(), &child, depth + 1)?;
        } else {
            fault::step()?;
            match rfs::unlinkat(&inner, &child, AtFlags::empty()) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    fault::step()?;
    match rfs::unlinkat(dir, name, AtFlags::REMOVEDIR) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// The entries of an open folder (without `.` and `..`), sorted by name, with their types as
/// the folder reports them (`Unknown` on filesystems that do not say).
pub(super) fn entries(dir: &OwnedFd) -> io::Result<Vec<(OsString, FileType)>> {
    let mut found = Vec::new();
    for entry in rfs::Dir::read_from(dir)? {
        let entry = entry?;
        let name: &CStr = entry.file_name();
        let bytes = name.to_bytes();
        if bytes == b"." || bytes == b".." {
            continue;
        }
        found.push((OsStr::from_bytes(bytes).to_os_string(), entry.file_type()));
    }
    found.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(found)
}

/// The type of `name` in `dir`, not following a link.
pub(super) fn kind_of(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<(FileType, rfs::Stat)> {
    let stat = rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?;
    Ok((FileType::from_raw_mode(stat.st_mode), stat))
}
