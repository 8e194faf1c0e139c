//! The output folder: the plan of a build (the files to write, the manifest of generated
//! files), `build --check`, and writing it whole or not at all.
//!
//! A build never changes the output folder in place. It fills a staging folder beside it with the
//! new files and with everything of the old tree it keeps (files ehp did not generate, and with
//! `--env` the other environments): into a missing output, each file as soon as the build makes
//! it; into an existing one, what the seal does not vouch for, at the end (`early.rs`). It
//! then puts the staging folder in the output's place with one
//! atomic rename (`renameat2(RENAME_EXCHANGE)`), and removes the old tree. A build that fails or
//! is killed at any moment leaves the old tree whole; a lock keeps two builds apart; an output
//! that is already what the build would write is recognised by its manifest and its seal, with
//! one `stat` per file (`seal.rs`; reading back only what the seal cannot vouch for), and left
//! untouched. Nothing is ever written, read or removed through a symbolic link inside the
//! output.

mod early;
pub(super) mod fault;
mod guard;
mod manifest;
mod seal;
mod stage;
mod tree;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, Mode, OFlags};

use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::emit::{DsfFormat, OutputFile};
pub(super) use early::Early;
pub use manifest::MANIFEST;
use manifest::{Entries, Manifest, Recorded};
use seal::Sealed;
use stage::{Keep, StageDirs, folders_of, open_path, split};
pub(super) use tree::random_hex;
use tree::{failure, read_file};

/// The desired-state format of the output ehp wrote into `out` before (TOML when its manifest
/// lists a `helmsman.toml`), so that `build --check` and rebuilds keep it without repeating the
/// flag; YAML otherwise.
pub(super) fn previous_format(out: &Path) -> DsfFormat {
    let toml = open_output(out)
        .ok()
        .flatten()
        .and_then(|dir| manifest::read_text(&dir).ok().flatten())
        .is_some_and(|text| manifest::lists_toml(&text));
    if toml {
        DsfFormat::Toml
    } else {
        DsfFormat::Yaml
    }
}

/// Opens the output folder for reading, without following a link: `None` when it is missing.
fn open_output(out: &Path) -> Result<Option<OwnedFd>, String> {
    match rfs::open(
        out,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => Ok(Some(fd)),
        Err(rustix::io::Errno::NOENT) => Ok(None),
        Err(rustix::io::Errno::LOOP) => Err(format!(
            "refusing to read `{}`: it is a symbolic link",
            out.display()
        )),
        Err(error) => Err(failure("read", out, error)),
    }
}

/// What a build did to the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The output already held exactly the new files: nothing was touched.
    Unchanged,
    /// The output was replaced by the new tree.
    Replaced,
}

/// What `build` will do to the output directory.
pub(super) struct Plan {
    out: PathBuf,
    pub(super) files: Vec<OutputFile>,
    /// With `--env`, the environments whose folders change; the others are kept.
    scope: Option<Vec<String>>,
}

/// The output folder as it is: open, with its manifest, if it exists.
struct Existing {
    dir: Option<OwnedFd>,
    manifest: Option<Manifest>,
}

impl Existing {
    /// Reads the output folder `dir` (missing: `None`) and its manifest.
    fn read(dir: Option<OwnedFd>) -> Result<Existing, String> {
        let manifest = match &dir {
            Some(dir) => manifest::read(dir)?,
            None => None,
        };
        Ok(Existing { dir, manifest })
    }

    /// The previous manifest's entries.
    fn entries(&self) -> &Entries {
        /// No entries, for an output without a manifest.
        static NONE: Entries = Entries::new();
        self.manifest
            .as_ref()
            .map_or(&NONE, |manifest| &manifest.entries)
    }

    /// The seal of the output, if it holds for its manifest.
    fn sealed(&self) -> Option<Sealed> {
        let (dir, manifest) = (self.dir.as_ref()?, self.manifest.as_ref()?);
        Sealed::check(dir, &manifest.stat, &seal::folders(&manifest.entries))
    }
}

impl Plan {
    /// Plans a build into `out`; with `scope`, only those environments' directories change.
    pub(super) fn new(out: &Path, files: Vec<OutputFile>, scope: Option<&[String]>) -> Plan {
        Plan {
            out: out.to_path_buf(),
            files,
            scope: scope.map(<[String]>::to_vec),
        }
    }

    /// The new manifest's entries: the files written with their records, plus the previous
    /// entries of environments outside an `--env` selection.
    fn manifest(&self, previous: &Entries, records: &[Recorded], taken: Entries) -> Entries {
        let mut manifest = taken;
        for (file, recorded) in self.files.iter().zip(records) {
            manifest.insert(file.path.clone(), Some(*recorded));
        }
        if let Some(scope) = &self.scope {
            for (entry, recorded) in previous {
                let top = entry.split('/').next().unwrap_or_default();
                if !scope.iter().any(|env| env == top) {
                    manifest.insert(entry.clone(), *recorded);
                }
            }
        }
        manifest
    }

    /// `build --check`: compares the output directory with the plan; the differences go to
    /// stdout, or to stderr when stdout carries machine-readable diagnostics.
    pub(super) fn check(&self, to_stderr: bool) -> Result<u8, UsageError> {
        let existing = Existing::read(open_output(&self.out)?)?;
        let previous = existing.entries();
        let records = Recorded::of_files(&self.files);
        let manifest = self.manifest(previous, &records, Entries::new());
        let problems = self.differences(&existing, previous, &manifest, &records);
        if problems.is_empty() {
            errln!("ok: {} is up to date", self.out.display());
            return Ok(EXIT_OK);
        }
        for problem in &problems {
            if to_stderr {
                errln!("{problem}");
            } else {
                outln!("{problem}");
            }
        }
        let count = problems.len();
        errln!(
            "error: {} is out of date ({count} {}); run ehp build",
            self.out.display(),
            if count == 1 { "problem" } else { "problems" }
        );
        Ok(EXIT_FAILED)
    }

    /// What differs between the output and the plan.
    fn differences(
        &self,
        existing: &Existing,
        previous: &Entries,
        manifest: &Entries,
        records: &[Recorded],
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let sealed = existing.sealed();
        for (file, same) in self
            .files
            .iter()
            .zip(self.compare(existing, sealed.as_ref(), records))
        {
            match same {
                Some(true) => {}
                Some(false) => problems.push(format!("differs: {}", file.path)),
                None => problems.push(format!("missing: {}", file.path)),
            }
        }
        let mut dirs = DirCache::new(existing.dir.as_ref());
        for entry in previous
            .keys()
            .filter(|entry| !manifest.contains_key(*entry))
        {
            if dirs.read(entry, 0).is_some() {
                problems.push(format!("stale: {entry}"));
            }
        }
        // The manifest records each file: it is named only when its list of files differs,
        // or when no file does (an older ehp's manifest).
        match &existing.manifest {
            Some(old) if old.has_text(&manifest::text(manifest)) => {}
            Some(old) if problems.is_empty() || !old.entries.keys().eq(manifest.keys()) => {
                problems.push(format!("differs: {MANIFEST}"));
            }
            Some(_) => {}
            None => problems.push(format!("missing: {MANIFEST}")),
        }
        problems
    }

    /// Writes the output: leaves it untouched when it already holds exactly the new files,
    /// and otherwise replaces it as a whole (see the module's documentation). `sources` is the
    /// folder or file the build read, which the output may not be or hold.
    pub(super) fn write(&self, sources: &Path) -> Result<Outcome, UsageError> {
        let early = Early::begin(&self.out, sources, self.scope.as_deref())?;
        self.write_with(early).map(|(outcome, _)| outcome)
    }

    /// [`Plan::write`] into the output `early` opened, with the files it took while the build
    /// ran besides the plan's: what was done, and how many files the output has from this build.
    pub(super) fn write_with(&self, mut early: Early) -> Result<(Outcome, usize), UsageError> {
        let taken = early.taken()?;
        let count = self.files.len() + taken.len();
        // The folders of this build's files, for the walk of the old tree.
        let dirs = folders_of(
            taken
                .keys()
                .chain(self.files.iter().map(|file| &file.path))
                .map(String::as_str),
        );
        let previous = early.existing.entries();
        let records = Recorded::of_files(&self.files);
        let manifest = self.manifest(previous, &records, taken);
        let manifest_text = manifest::text(&manifest);
        let stage = match early.stage.take() {
            Some(stage) => stage,
            None => {
                // Every file taken is already in the output: the others are compared.
                if let Some(old) = &early.existing.manifest
                    && old.has_text(&manifest_text)
                    && self.unchanged(&early.existing, early.sealed.as_ref(), &records)
                {
                    return Ok((Outcome::Unchanged, count));
                }
                early.target.create_stage()?
            }
        };
        let target = &early.target;
        let existing = &early.existing;
        let filled = self.fill(
            &stage,
            existing.dir.as_ref(),
            previous,
            dirs,
            &manifest,
            &manifest_text,
        );
        let swapped = filled.and_then(|()| target.swap_in(&stage, existing.dir.is_some()));
        let old = match swapped {
            Ok(old) => old,
            Err(message) => {
                if let Err(cleanup) = target.remove_beside(&stage.name) {
                    errln!("warning: {cleanup}");
                }
                return Err(UsageError(format!(
                    "{message}; `{}` was left as it was",
                    self.out.display()
                )));
            }
        };
        if let Some(old) = old
            && let Err(message) = target.remove_beside(&old)
        {
            errln!("warning: {message} (the next build removes it)");
        }
        Ok((Outcome::Replaced, count))
    }

    /// Whether every new file is already in the old tree, byte for byte (the manifests are
    /// equal, so no stale file is left either).
    fn unchanged(
        &self,
        existing: &Existing,
        sealed: Option<&Sealed>,
        records: &[Recorded],
    ) -> bool {
        self.compare(existing, sealed, records)
            .iter()
            .all(|same| *same == Some(true))
    }

    /// Each new file (whose record is in `records`) against the output, on every core: the
    /// same bytes (`Some(true)`), other bytes, or missing (`None`). A file the seal vouches for
    /// costs one `stat` and is compared by the record the old manifest has of it; any other is
    /// read back.
    fn compare(
        &self,
        existing: &Existing,
        sealed: Option<&Sealed>,
        records: &[Recorded],
    ) -> Vec<Option<bool>> {
        let Some(root) = &existing.dir else {
            return vec![None; self.files.len()];
        };
        let previous = existing.entries();
        let pairs: Vec<(&OutputFile, &Recorded)> = self.files.iter().zip(records).collect();
        let compared = crate::parallel::map_chunks(&pairs, |chunk| {
            let mut dirs = DirCache::new(Some(root));
            chunk
                .iter()
                .map(|(file, recorded)| {
                    let old = previous.get(&file.path).copied().flatten();
                    match (sealed, old) {
                        (Some(sealed), Some(old))
                            if sealed.vouches(root.as_fd(), &file.path, &old) =>
                        {
                            Some(old == **recorded)
                        }
                        _ => dirs
                            .read(&file.path, file.contents.len())
                            .map(|bytes| bytes == file.contents.as_bytes()),
                    }
                })
                .collect::<Vec<_>>()
        })
        .concat();
        if compared.len() == self.files.len() {
            compared
        } else {
            // A comparing thread stopped: nothing is known the same.
            vec![Some(false); self.files.len()]
        }
    }

    /// Fills the staging folder: what the old tree keeps (among it the files taken as already
    /// there), the plan's files, the manifest last (younger than every file: see `seal.rs`),
    /// then the seal. `new_dirs` holds the folders of this build's files. Files taken as
    /// written are in it already (then there is no old tree).
    fn fill(
        &self,
        stage: &tree::Stage,
        existing: Option<&OwnedFd>,
        previous: &Entries,
        new_dirs: std::collections::BTreeSet<String>,
        manifest: &Entries,
        manifest_text: &str,
    ) -> Result<(), String> {
        let root = stage
            .fd
            .try_clone()
            .map_err(|error| failure("open", &stage.shown, error))?;
        let mut dirs = StageDirs::new(root, stage.shown.clone());
        if let Some(old) = existing {
            let mode = rfs::fstat(old).map_err(|error| failure("read", &self.out, error))?;
            rfs::fchmod(&stage.fd, Mode::from_raw_mode(mode.st_mode & 0o7777))
                .map_err(|error| failure("create", &stage.shown, error))?;
            let keep = Keep {
                out: &self.out,
                new_files: self.files.iter().map(|file| file.path.as_str()).collect(),
                new_dirs,
                previous,
                previous_dirs: folders_of(previous.keys().map(String::as_str)),
                manifest,
            };
            keep.carry(old, "", &mut dirs, 0)?;
        }
        dirs.write_files(&self.files)?;
        seal::wait_past_now();
        dirs.write(MANIFEST, manifest_text.as_bytes())?;
        seal::seal(&stage.fd, &seal::folders(manifest));
        Ok(())
    }
}

/// The folders of an output tree opened for reading, one at a time and never through a link.
struct DirCache<'a> {
    root: Option<&'a OwnedFd>,
    dirs: BTreeMap<String, Option<OwnedFd>>,
}

impl<'a> DirCache<'a> {
    fn new(root: Option<&'a OwnedFd>) -> DirCache<'a> {
        DirCache {
            root,
            dirs: BTreeMap::new(),
        }
    }

    /// The file at `relative`, at most `limit` bytes and one more: `None` when it is missing or
    /// cannot be read (a link, a folder).
    fn read(&mut self, relative: &str, limit: usize) -> Option<Vec<u8>> {
        let root = self.root?;
        let (dir, name) = split(relative);
        let fd = if dir.is_empty() {
            Some(root.as_fd())
        } else {
            self.dirs
                .entry(dir.to_string())
                .or_insert_with(|| open_path(root, dir).ok().flatten())
                .as_ref()
                .map(AsFd::as_fd)
        }?;
        read_file(fd, OsStr::new(name), limit).ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit;
    use std::fs;

    fn file(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: format!("{}{body}\n", emit::header("t")),
        }
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).expect("readable")
    }

    #[test]
    fn writes_removes_stale_and_keeps_foreign_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let first = vec![
            file("prod/helmsman.yaml", "a: 1"),
            file("old/values/x.yaml", "x: 1"),
        ];
        Plan::new(&out, first, None)
            .write(&dir.path().join("src"))
            .expect("write");
        fs::write(out.join("notes.md"), "mine").expect("write notes");
        fs::write(out.join("old/values/keep.txt"), "mine").expect("write keep");
        assert!(out.join("old/values/x.yaml").is_file());

        let second = vec![file("prod/helmsman.yaml", "a: 2")];
        Plan::new(&out, second.clone(), None)
            .write(&dir.path().join("src"))
            .expect("write");
        assert!(read(&out.join("prod/helmsman.yaml")).ends_with("a: 2\n"));
        assert!(
            !out.join("old/values/x.yaml").exists(),
            "stale file removed"
        );
        assert_eq!(read(&out.join("notes.md")), "mine");
        assert_eq!(
            read(&out.join("old/values/keep.txt")),
            "mine",
            "foreign file kept"
        );
        let manifest = manifest::parse(read(&out.join(MANIFEST)).as_bytes());
        assert_eq!(manifest.keys().collect::<Vec<_>>(), ["prod/helmsman.yaml"]);
        assert_eq!(
            Plan::new(&out, second, None).check(false).expect("check"),
            EXIT_OK
        );
    }

    #[test]
    fn empty_stale_directories_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        Plan::new(&out, vec![file("old/values/x.yaml", "x: 1")], None)
            .write(&dir.path().join("src"))
            .expect("w");
        Plan::new(&out, vec![], None)
            .write(&dir.path().join("src"))
            .expect("write");
        assert!(!out.join("old").exists());
        assert!(out.is_dir());
    }

    #[test]
    fn refuses_to_overwrite_hand_written_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("prod")).expect("mkdir");
        fs::write(out.join("prod/helmsman.yaml"), "hand: written\n").expect("write");
        let plan = Plan::new(
            &out,
            vec![file("prod/helmsman.yaml", "a: 1"), file("b/c.yaml", "")],
            None,
        );
        assert!(plan.write(&dir.path().join("src")).is_err());
        assert_eq!(read(&out.join("prod/helmsman.yaml")), "hand: written\n");
        assert!(!out.join("b").exists(), "nothing written");
        assert!(!out.join(MANIFEST).exists());
    }

    #[test]
    fn overwrites_unlisted_generated_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("prod")).expect("mkdir");
        fs::write(out.join("prod/helmsman.yaml"), file("x", "old: 1").contents).expect("write");
        Plan::new(&out, vec![file("prod/helmsman.yaml", "a: 1")], None)
            .write(&dir.path().join("src"))
            .expect("w");
        assert!(read(&out.join("prod/helmsman.yaml")).ends_with("a: 1\n"));
    }

    #[test]
    fn env_scope_keeps_other_environments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let all = vec![
            file("dev/helmsman.yaml", "d: 1"),
            file("prod/helmsman.yaml", "p: 1"),
        ];
        Plan::new(&out, all, None)
            .write(&dir.path().join("src"))
            .expect("write");
        let scope = vec!["prod".to_owned()];
        Plan::new(&out, vec![file("prod/helmsman.yaml", "p: 2")], Some(&scope))
            .write(&dir.path().join("src"))
            .expect("write");
        assert!(out.join("dev/helmsman.yaml").is_file());
        assert!(read(&out.join(MANIFEST)).contains("dev/helmsman.yaml"));
    }

    #[test]
    fn check_reads_files_where_there_is_no_manifest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let files = vec![
            file("prod/helmsman.yaml", "a: 1"),
            file("prod/values/x.yaml", "x: 1"),
        ];
        fs::create_dir_all(out.join("prod")).expect("mkdir");
        fs::write(out.join("prod/helmsman.yaml"), &files[0].contents).expect("write");
        let plan = Plan::new(&out, files, None);
        let existing = Existing::read(open_output(&out).expect("open")).expect("read");
        let records = Recorded::of_files(&plan.files);
        let manifest = plan.manifest(existing.entries(), &records, Entries::new());
        assert_eq!(
            plan.differences(&existing, existing.entries(), &manifest, &records),
            ["missing: prod/values/x.yaml", "missing: .ehp-manifest"]
        );
    }

    #[test]
    fn check_reports_differences() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let files = vec![file("prod/helmsman.yaml", "a: 1")];
        assert_eq!(
            Plan::new(&out, files.clone(), None)
                .check(false)
                .expect("c"),
            EXIT_FAILED
        );
        Plan::new(&out, files.clone(), None)
            .write(&dir.path().join("src"))
            .expect("write");
        assert_eq!(
            Plan::new(&out, files.clone(), None)
                .check(false)
                .expect("c"),
            EXIT_OK
        );
        fs::write(out.join("prod/helmsman.yaml"), "changed").expect("write");
        assert_eq!(
            Plan::new(&out, files, None).check(false).expect("c"),
            EXIT_FAILED
        );
        assert_eq!(
            read(&out.join("prod/helmsman.yaml")),
            "changed",
            "check writes nothing"
        );
    }
}
