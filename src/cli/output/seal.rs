//! The seal of an output folder: what lets a build know, with one `stat` per file and without
//! reading any back, that the generated files are still the bytes the manifest records.
//!
//! When a build writes the output, it waits until the filesystem's clock has passed the last
//! file it wrote, writes the manifest last, and records in an extended attribute of the folder
//! (`user.ehp.seal`) a SHA-256 of the identity (device, inode, size, modification time) of the
//! manifest and of every folder that holds generated files. A later build trusts a generated file without reading it when the seal
//! still matches and the file is a regular file of the recorded size whose status-change time
//! (`ctime`, which no program can set back) is older than the manifest's modification time:
//! then nothing wrote to it, replaced it or renamed it since ehp wrote it. Creating, removing or
//! renaming an entry in a sealed folder changes the folder's modification time and breaks the
//! seal; a file edited in place changes its own `ctime`. Any file not vouched for is read back
//! and compared, so a broken seal (a copied or checked-out tree, a file system without extended
//! attributes, a clock stepped back) only costs the reads.
//!
//! The seal is not part of the output: its attribute is neither committed nor copied by git,
//! and the manifest's text stays the same from build to build.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::fs::{self as rfs, AtFlags, FileType, XattrFlags};
use rustix::time::{ClockId, Timespec};
use sha2::{Digest, Sha256};

use super::manifest::{self, MANIFEST, Recorded};
use super::stage::{open_path, split};

/// The extended attribute of the output folder that holds the seal.
const ATTRIBUTE: &str = "user.ehp.seal";

/// The version of the seal's value (its first word).
const VERSION: &str = "ehp-seal-1";

/// The longest wait for the filesystem's clock to pass the last file written: two ticks of the
/// coarsest kernel clock, with room. On a filesystem whose clock is elsewhere (a network
/// filesystem), the wait may end first; files stamped at the manifest's time are then read
/// back by the next build, never trusted.
const LONGEST_WAIT: Duration = Duration::from_millis(25);

/// A time as the filesystem stamps files: seconds and nanoseconds.
pub(super) type Stamp = (i64, u64);

/// Nanoseconds as a `Stamp` holds them (the platforms' types differ).
fn nanoseconds(value: impl TryInto<u64>) -> u64 {
    value.try_into().unwrap_or_default()
}

/// The status-change time of a file.
pub(super) fn changed(stat: &rfs::Stat) -> Stamp {
    (stat.st_ctime, nanoseconds(stat.st_ctime_nsec))
}

/// The modification time of a file.
fn modified(stat: &rfs::Stat) -> Stamp {
    (stat.st_mtime, nanoseconds(stat.st_mtime_nsec))
}

/// Waits until the kernel's coarse clock, from which filesystems stamp files, is past `last`
/// (the status-change time of the last file written), so that the manifest written next is
/// strictly younger than every file.
pub(super) fn wait_past(last: Stamp) {
    let started = Instant::now();
    loop {
        let Timespec { tv_sec, tv_nsec } = rustix::time::clock_gettime(ClockId::RealtimeCoarse);
        if (tv_sec, nanoseconds(tv_nsec)) > last || started.elapsed() > LONGEST_WAIT {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits until the kernel's coarse clock is past this moment, so that every file written or
/// linked before (whose status-change time is at most this moment, on every clock a
/// filesystem stamps from) is strictly older than the manifest written next.
pub(super) fn wait_past_now() {
    let Timespec { tv_sec, tv_nsec } = rustix::time::clock_gettime(ClockId::Realtime);
    wait_past((tv_sec, nanoseconds(tv_nsec)));
}

/// The folders of the output that hold generated files, each with its parents.
pub(super) fn folders(entries: &manifest::Entries) -> BTreeSet<String> {
    super::stage::folders_of(entries.keys().map(String::as_str))
}

/// The fingerprint of a tree: the identity of its manifest and of its generated folders, which
/// it opens (never through a link). `None` when a folder is missing or cannot be read.
fn fingerprint(
    root: &OwnedFd,
    manifest: &rfs::Stat,
    folders: &BTreeSet<String>,
) -> Option<(String, BTreeMap<String, OwnedFd>)> {
    let mut hasher = Sha256::new();
    let identity = |stat: &rfs::Stat| {
        let (seconds, nanoseconds) = modified(stat);
        format!(
            "{} {} {} {seconds} {nanoseconds}",
            stat.st_dev, stat.st_ino, stat.st_size
        )
    };
    hasher.update(format!("{MANIFEST} {}\n", identity(manifest)));
    let mut opened = BTreeMap::new();
    for folder in folders {
        let fd = open_path(root, folder).ok().flatten()?;
        let stat = rfs::fstat(&fd).ok()?;
        hasher.update(format!("{folder} {}\n", identity(&stat)));
        opened.insert(folder.clone(), fd);
    }
    let mut value = format!("{VERSION} ");
    manifest::push_hex(&mut value, &hasher.finalize());
    Some((value, opened))
}

/// Seals the tree `root` (a staging folder, filled, its manifest written last). A filesystem
/// without extended attributes gets no seal: its next unchanged build reads the files back.
pub(super) fn seal(root: &OwnedFd, folders: &BTreeSet<String>) {
    let Ok(manifest) = rfs::statat(root, MANIFEST, AtFlags::SYMLINK_NOFOLLOW) else {
        return;
    };
    if let Some((value, _)) = fingerprint(root, &manifest, folders) {
        let _ = rfs::fsetxattr(root, ATTRIBUTE, value.as_bytes(), XattrFlags::empty());
    }
}

/// A tree whose seal holds: its generated folders, open, and the manifest's modification time.
pub(super) struct Sealed {
    folders: BTreeMap<String, OwnedFd>,
    written: Stamp,
}

impl Sealed {
    /// The seal of the output folder `root`, if it holds for the manifest read from it (whose
    /// status is `manifest`) and the folders of its entries.
    pub(super) fn check(
        root: &OwnedFd,
        manifest: &rfs::Stat,
        folders: &BTreeSet<String>,
    ) -> Option<Sealed> {
        let mut stored = [0u8; 128];
        let length = rfs::fgetxattr(root, ATTRIBUTE, &mut stored).ok()?;
        let stored = stored.get(..length)?;
        let (value, opened) = fingerprint(root, manifest, folders)?;
        (stored == value.as_bytes()).then(|| Sealed {
            folders: opened,
            written: modified(manifest),
        })
    }

    /// Whether the file at `relative` is vouched for as the one ehp wrote with `recorded`: a
    /// regular file of that size, unchanged since before the manifest was written. One `stat`.
    pub(super) fn vouches(
        &self,
        root: BorrowedFd<'_>,
        relative: &str,
        recorded: &Recorded,
    ) -> bool {
        let (folder, name) = split(relative);
        let dir = if folder.is_empty() {
            root
        } else {
            match self.folders.get(folder) {
                Some(fd) => fd.as_fd(),
                None => return false,
            }
        };
        rfs::statat(dir, OsStr::new(name), AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|stat| {
            FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
                && u64::try_from(stat.st_size).ok() == Some(recorded.size)
                && changed(&stat) < self.written
        })
    }
}
