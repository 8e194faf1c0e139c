//! Replacing a source file that `promote`, `hotfix` or `fmt` edited, losing nothing: the file is
//! replaced only if it is still exactly what the command read (an edit saved meanwhile is never
//! overwritten), through a temporary file created exclusively beside it with an unpredictable
//! name and the file's own mode, synced, then renamed over it. The text keeps the file's line
//! endings, and a symbolic link stays a link: the file it points to is replaced.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};

use super::UsageError;
use super::output::random_hex;
use crate::source::with_line_endings_of;

/// Replaces the source file `path`, which the command read as `original`, with `edited` (in
/// `original`'s line endings). Refuses when the file changed since it was read.
pub(super) fn replace_source(path: &Path, original: &str, edited: &str) -> Result<(), UsageError> {
    let target = resolve_link(path)?;
    let shown = path.display();
    let (dir_path, name) = match (target.parent(), target.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => (dir.to_path_buf(), name),
        (_, Some(name)) => (PathBuf::from("."), name),
        _ => {
            return Err(UsageError(format!(
                "cannot write `{shown}`: not a file name"
            )));
        }
    };
    let fail = |what: &str, error: rustix::io::Errno| {
        UsageError(format!(
            "cannot {what} `{shown}`: {error}; it was left as it was"
        ))
    };
    let dir = rfs::open(
        &dir_path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|error| fail("open the folder of", error))?;
    // The tests pause here (`EHP_TEST_FAULT=pause:MS`) to change the file under the command.
    let _ = super::output::fault::step();
    let before = still_as_read(&dir, name, original.as_bytes())
        .map_err(|message| UsageError(format!("`{shown}` {message}")))?;
    let text = with_line_endings_of(original, edited);
    let temp = format!(".{}.ehp-edit-{}", name.to_string_lossy(), random_hex()?);
    let written = write_temporary(&dir, OsStr::new(&temp), &before, text.as_bytes());
    let result = written
        .map_err(|error| fail("write", error))
        .and_then(|()| {
            let now = rfs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW)
                .map_err(|error| fail("read", error))?;
            if (
                now.st_ino,
                now.st_dev,
                now.st_size,
                now.st_mtime,
                now.st_mtime_nsec,
            ) != (
                before.st_ino,
                before.st_dev,
                before.st_size,
                before.st_mtime,
                before.st_mtime_nsec,
            ) {
                return Err(changed(&shown.to_string()));
            }
            rfs::renameat(&dir, &temp, &dir, name).map_err(|error| fail("replace", error))
        });
    if result.is_err() {
        let _ = rfs::unlinkat(&dir, &temp, AtFlags::empty());
    }
    result
}

/// Creates the new source file `path` (and its folder): never over a file or a link that
/// exists, written and synced (`ehp init`).
pub(super) fn create_source(path: &Path, text: &str) -> Result<(), UsageError> {
    let fail =
        |error: std::io::Error| UsageError(format!("cannot create `{}`: {error}", path.display()));
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let fd = rfs::open(
        path,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    )
    .map_err(|error| fail(error.into()))?;
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        match rustix::io::write(&fd, rest) {
            Ok(0) => return Err(fail(std::io::ErrorKind::WriteZero.into())),
            Ok(count) => rest = rest.get(count..).unwrap_or_default(),
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(fail(error.into())),
        }
    }
    rfs::fsync(&fd).map_err(|error| fail(error.into()))
}

/// The error for a file that changed since the command read it.
fn changed(shown: &str) -> UsageError {
    UsageError(format!(
        "`{shown}` changed since ehp read it; it was left as it is: run the command again"
    ))
}

/// The file a source path names: the path itself, or for a symbolic link the file it points to
/// (so that the link stays a link).
fn resolve_link(path: &Path) -> Result<PathBuf, UsageError> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => std::fs::canonicalize(path)
            .map_err(|error| UsageError(format!("cannot follow `{}`: {error}", path.display()))),
        Ok(_) => Ok(path.to_path_buf()),
        Err(error) => Err(UsageError(format!(
            "cannot read `{}`: {error}; it was left as it was",
            path.display()
        ))),
    }
}

/// Checks that the file `name` in `dir` still holds `original`; returns its status.
fn still_as_read(dir: &OwnedFd, name: &OsStr, original: &[u8]) -> Result<rfs::Stat, String> {
    let fd = rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|error| format!("cannot be read again: {error}; it was left as it was"))?;
    let stat = rfs::fstat(&fd).map_err(|error| format!("cannot be read again: {error}"))?;
    let mut now = Vec::with_capacity(original.len() + 1);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match rustix::io::read(&fd, &mut buffer) {
            Ok(0) => break,
            Ok(count) => now.extend_from_slice(buffer.get(..count).unwrap_or_default()),
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(format!("cannot be read again: {error}")),
        }
        if now.len() > original.len() {
            break;
        }
    }
    if now != original {
        return Err(
            "changed since ehp read it; it was left as it is: run the command again".into(),
        );
    }
    Ok(stat)
}

/// Writes the temporary file: created exclusively with the original's mode (and owner, where
/// allowed), written and synced.
fn write_temporary(
    dir: &OwnedFd,
    temp: &OsStr,
    original: &rfs::Stat,
    bytes: &[u8],
) -> Result<(), rustix::io::Errno> {
    let mode = Mode::from_raw_mode(original.st_mode & 0o7777);
    let fd = rfs::openat(
        dir,
        temp,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        mode,
    )?;
    rfs::fchmod(&fd, mode)?;
    let owner = (
        rfs::Uid::from_raw(original.st_uid),
        rfs::Gid::from_raw(original.st_gid),
    );
    let _ = rfs::fchown(&fd, Some(owner.0), Some(owner.1));
    let mut rest = bytes;
    while !rest.is_empty() {
        match rustix::io::write(&fd, rest) {
            Ok(0) => return Err(rustix::io::Errno::NOSPC),
            Ok(count) => rest = rest.get(count..).unwrap_or_default(),
            Err(rustix::io::Errno::INTR) => {}
            Err(error) => return Err(error),
        }
    }
    rfs::fsync(&fd)
}
