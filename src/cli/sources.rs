//! Finding and reading a project's files: the project a path belongs to (see
//! `project::locate`), every `*.ehp` file under its root and its `ehp.toml`, named as
//! diagnostics show them, and the label generated files carry.

use std::fs;
use std::path::{Path, PathBuf};

use super::UsageError;
use crate::diag::Diagnostic;
use crate::manifest;
pub(super) use crate::project::ehp_files;
use crate::project::{Located, locate, tidy_relative};
use crate::source::SourceDb;

/// A project read from disk.
#[derive(Debug)]
pub(super) struct Loaded {
    /// Its files as `(name, text)`, sorted by name: `ehp.toml` when there is one, and every
    /// `.ehp` file.
    pub files: Vec<(String, String)>,
    /// Where it is.
    pub located: Located,
    /// The label the header of generated files names.
    pub label: String,
    /// The source name (a file) or name prefix (a folder, ending in `/`; empty for the current
    /// folder) of the part of the project the user named, when it is narrower than the project.
    pub focus: Option<String>,
}

impl Loaded {
    /// The values and secrets files the environments name, checked with their text read from
    /// the project's root (E0534, E0535).
    pub fn check_project_files(&self, envs: &[crate::eval::model::EnvInstance]) -> Vec<Diagnostic> {
        let files = crate::emit::project_files(envs);
        let root = self.root();
        crate::emit::check_project_files(&files, &mut |path| {
            crate::store::read_project_file(root, path)
        })
    }

    /// The files with their texts, which are moved out (the names stay, each with an empty
    /// text): for an analysis that takes them rather than copying them.
    pub fn take_texts(&mut self) -> Vec<(String, String)> {
        self.files
            .iter_mut()
            .map(|(name, text)| (name.clone(), std::mem::take(text)))
            .collect()
    }

    /// The project's root folder (for a single-file project, the file).
    pub fn root(&self) -> &Path {
        &self.located.root
    }

    /// Whether a diagnostic is about the part of the project the user named: its primary
    /// label is in a file of that part (diagnostics without a place always are).
    pub fn in_focus(&self, db: &SourceDb, diagnostic: &Diagnostic) -> bool {
        let Some(focus) = &self.focus else {
            return true;
        };
        let Some(label) = &diagnostic.primary else {
            return true;
        };
        let name = db.name(label.span.file);
        if focus.is_empty() {
            // The current folder, inside a project rooted above it.
            !name.starts_with("../") && !name.starts_with('/')
        } else if focus.ends_with('/') {
            name.starts_with(focus.as_str())
        } else {
            name == focus
        }
    }
}

/// The root of the project `given` belongs to (for a single-file project, the file), for the
/// commands that read the project from git.
pub(super) fn project_root(given: &Path) -> Result<std::path::PathBuf, UsageError> {
    Ok(locate(given).map_err(UsageError)?.root)
}

/// Reads the project `given` belongs to (see `project::locate`), leaving out `out` (the
/// output folder). A project with no `.ehp` file is an error: the path is not a project.
pub(super) fn load_project(given: &Path, out: Option<&Path>) -> Result<Loaded, UsageError> {
    let located = locate(given).map_err(UsageError)?;
    let files = read_files(&located, out)?;
    if !files.iter().any(|(name, _)| name.ends_with(".ehp")) {
        return Err(UsageError(format!(
            "no .ehp file in `{}`: name a project folder (one holding ehp.toml or .ehp files) or a .ehp file in one",
            located.root.display()
        )));
    }
    let label = match files
        .iter()
        .find(|(name, _)| manifest::is_manifest(name))
        .and_then(|(_, text)| toml::from_str::<manifest::Manifest>(text).ok())
    {
        Some(settings) => settings.name,
        None => source_label(&located.root),
    };
    let focus = located.focus.as_ref().map(|focus| {
        let name = slashed(&tidy_relative(&located.root.join(focus)));
        match name.as_str() {
            "." if located.focus_is_dir => String::new(),
            _ if located.focus_is_dir => format!("{}/", name.trim_end_matches('/')),
            _ => name,
        }
    });
    Ok(Loaded {
        files,
        located,
        label,
        focus,
    })
}

/// The files of a located project, sorted by name.
fn read_files(located: &Located, out: Option<&Path>) -> Result<Vec<(String, String)>, UsageError> {
    let root = &located.root;
    if located.is_single_file() || root.is_file() {
        return Ok(vec![(slashed(root), read_text(root)?)]);
    }
    let (found, problems) = ehp_files(root, out);
    if let Some(problem) = problems.into_iter().next() {
        return Err(UsageError(problem));
    }
    let prefix = source_name_prefix(root);
    // Above the current folder, each file is named by its shortest path from here.
    let above = root.starts_with("..");
    let project_file = root.join(manifest::FILE_NAME);
    let listed: Vec<(String, PathBuf)> = located
        .has_manifest
        .then_some(project_file)
        .into_iter()
        .chain(found)
        .map(|file| {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            let relative: Vec<String> = relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy().into_owned())
                .collect();
            let name = if above {
                slashed(&tidy_relative(&file))
            } else {
                format!("{prefix}{}", relative.join("/"))
            };
            (name, file)
        })
        .collect();
    // A project of one file per app reads thousands of files: on all cores.
    let read = crate::parallel::map_chunks(&listed, |chunk| {
        chunk
            .iter()
            .map(|(name, file)| Ok((name.clone(), read_text(file)?)))
            .collect::<Vec<Result<_, UsageError>>>()
    });
    let mut files = read.into_iter().flatten().collect::<Result<Vec<_>, _>>()?;
    files.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(files)
}

/// A path with `/` separators, without a leading `./`.
fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// The label the header of generated files names, for a project without `ehp.toml`: the path
/// as given, or the directory's name for `.`.
fn source_label(path: &Path) -> String {
    let given = path.to_string_lossy().replace('\\', "/");
    let trimmed = given.trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." {
        let canonical = fs::canonicalize(path).ok();
        return canonical.as_deref().and_then(Path::file_name).map_or_else(
            || ".".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
    }
    trimmed.to_owned()
}

/// The prefix of source names: `path/`, or nothing for `.`.
pub(super) fn source_name_prefix(path: &Path) -> String {
    let given = slashed(path);
    let trimmed = given.trim_end_matches('/');
    match trimmed {
        "" | "." => String::new(),
        other => format!("{other}/"),
    }
}

/// Reads a source file. A file that is not UTF-8 is read lossily (each bad byte sequence
/// becomes U+FFFD), so that the parser reports where (E0106) and the other files are still
/// checked.
pub(super) fn read_text(path: &Path) -> Result<String, UsageError> {
    let bytes =
        fs::read(path).map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}
