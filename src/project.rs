//! A project on disk: its root (the folder holding `ehp.toml`, found from any path inside it as
//! cargo finds `Cargo.toml`) and every `*.ehp` file under it, found the same way by the command
//! line, `ehp fmt` and the language server. With `cli` and `lsp`, the only module that touches
//! the filesystem, and only to find and list files.
// Listing a folder is this module's job.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::manifest::FILE_NAME;

/// A project found from a path a user gave (see [`locate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The project's root folder, or the file of a single-file project, written relative to
    /// the current folder when the given path was relative.
    pub root: PathBuf,
    /// Whether the root holds the project file `ehp.toml`.
    pub has_manifest: bool,
    /// The file or folder the user named inside the project, relative to the root, when it is
    /// narrower than the root: the command reports only its problems.
    pub focus: Option<PathBuf>,
    /// Whether the focus is a folder.
    pub focus_is_dir: bool,
}

impl Located {
    /// Whether the project is one file with no project file above it.
    pub fn is_single_file(&self) -> bool {
        !self.has_manifest && self.root.extension().is_some_and(|ext| ext == "ehp")
    }
}

/// Finds the project `given` belongs to.
///
/// - A folder or file with `ehp.toml` in it or in a folder above it belongs to the project
///   rooted there; when `given` is not the root itself it is the focus.
/// - A folder with no `ehp.toml` at or above it is a project of its own (its `.ehp` files).
/// - A `.ehp` file with no `ehp.toml` above it is a project of its own (that file).
/// - `ehp.toml` itself names its folder.
///
/// Anything else (a missing path, a file that is neither) is an error, as a message.
pub fn locate(given: &Path) -> Result<Located, String> {
    let metadata = fs::metadata(given)
        .map_err(|error| format!("cannot read `{}`: {error}", given.display()))?;
    let is_manifest = given.file_name().is_some_and(|name| name == FILE_NAME);
    if metadata.is_file() && !is_manifest && given.extension().is_none_or(|ext| ext != "ehp") {
        return Err(format!(
            "`{}` is not a .ehp file: name a project folder or a .ehp file in one",
            given.display()
        ));
    }
    let absolute = fs::canonicalize(given)
        .map_err(|error| format!("cannot read `{}`: {error}", given.display()))?;
    let start = if metadata.is_file() {
        absolute.parent().unwrap_or(&absolute)
    } else {
        absolute.as_path()
    };
    let found = start
        .ancestors()
        .find(|folder| folder.join(FILE_NAME).is_file());
    let Some(root) = found else {
        return Ok(Located {
            root: given.to_path_buf(),
            has_manifest: false,
            focus: None,
            focus_is_dir: false,
        });
    };
    let focus = absolute
        .strip_prefix(root)
        .ok()
        .filter(|inside| !inside.as_os_str().is_empty() && !is_manifest)
        .map(Path::to_path_buf);
    Ok(Located {
        root: shown_like(given, root),
        has_manifest: true,
        focus,
        focus_is_dir: metadata.is_dir(),
    })
}

/// A relative path that leaves the current folder (`../apps/x.ehp`) as the shortest relative
/// path to the same file (`x.ehp` when the current folder is `apps`); any other path as it is.
pub fn tidy_relative(path: &Path) -> PathBuf {
    let leaves = path
        .components()
        .next()
        .is_some_and(|first| first == Component::ParentDir);
    if !leaves {
        return path.to_path_buf();
    }
    match fs::canonicalize(path) {
        Ok(absolute) => shown_like(path, &absolute),
        Err(_) => path.to_path_buf(),
    }
}

/// `target` (absolute, canonical) written as `given` is: absolute when `given` is, else
/// relative to the current folder.
fn shown_like(given: &Path, target: &Path) -> PathBuf {
    if given.is_absolute() {
        return target.to_path_buf();
    }
    let Ok(here) = std::env::current_dir().and_then(fs::canonicalize) else {
        return target.to_path_buf();
    };
    relative_to(&here, target)
}

/// The path of `target` seen from `base` (both absolute): `.`, `a/b`, `../..` or `../x`.
fn relative_to(base: &Path, target: &Path) -> PathBuf {
    let base: Vec<Component<'_>> = base.components().collect();
    let target_parts: Vec<Component<'_>> = target.components().collect();
    let common = base
        .iter()
        .zip(&target_parts)
        .take_while(|(left, right)| left == right)
        .count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut path = PathBuf::new();
    for _ in common..base.len() {
        path.push("..");
    }
    for part in target_parts.iter().skip(common) {
        path.push(part.as_os_str());
    }
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

/// The `*.ehp` files under the directory `root`, in walk order (sorted by file name), as the
/// command line, `ehp fmt` and the language server all find them: hidden entries, `target/`
/// directories, `skip` (the output directory) and folders below the root that hold their own
/// `ehp.toml` (other projects) are left out. A symbolic link named `*.ehp` is read when it leads
/// to a file inside `root`, and is a problem when it leads outside. Problems met on the way (an
/// unreadable directory) come back beside the files found, as messages naming `root`.
pub fn ehp_files(root: &Path, skip: Option<&Path>) -> (Vec<PathBuf>, Vec<String>) {
    let skip = skip.and_then(|skip| fs::canonicalize(skip).ok());
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            !entry.file_type().is_dir()
                || name != "target"
                    && !entry.path().join(FILE_NAME).is_file()
                    && skip.as_ref().is_none_or(|skip| {
                        !fs::canonicalize(entry.path()).is_ok_and(|dir| &dir == skip)
                    })
        });
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let real_root = fs::canonicalize(root).ok();
    for entry in walker {
        match entry {
            Ok(entry) if entry.path().extension().is_some_and(|ext| ext == "ehp") => {
                if entry.file_type().is_file() {
                    files.push(entry.into_path());
                } else if entry.path_is_symlink() {
                    match linked_file(entry.path(), real_root.as_deref()) {
                        Ok(true) => files.push(entry.into_path()),
                        Ok(false) => {}
                        Err(problem) => problems.push(problem),
                    }
                }
            }
            Ok(_) => {}
            Err(error) => problems.push(format!("cannot read `{}`: {error}", root.display())),
        }
    }
    (files, problems)
}

/// Whether a symbolic link named `*.ehp` is read as a source: yes when it leads to a file inside
/// the project (`real_root`); a link that leads outside it, or nowhere, is a problem (a link
/// committed into a project must not make ehp read, and quote in its diagnostics, a file such
/// as a credentials file elsewhere on the machine). A link to a folder is not followed.
fn linked_file(link: &Path, real_root: Option<&Path>) -> Result<bool, String> {
    let target = fs::canonicalize(link).map_err(|error| {
        format!(
            "cannot read `{}`: it is a symbolic link that leads nowhere ({error})",
            link.display()
        )
    })?;
    if !fs::metadata(&target).is_ok_and(|metadata| metadata.is_file()) {
        return Ok(false);
    }
    if real_root.is_some_and(|root| target.starts_with(root)) {
        return Ok(true);
    }
    Err(format!(
        "refusing to read `{}`: it is a symbolic link to `{}`, outside the project",
        link.display(),
        target.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_from_any_path_inside_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        for file in ["ehp.toml", "apps/a.ehp", "loose/l.ehp", "notes.txt"] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, "").expect("write");
        }
        let at_root = locate(&root).expect("root");
        assert_eq!(
            (at_root.root.as_path(), at_root.focus),
            (root.as_path(), None)
        );
        let file = locate(&root.join("apps/a.ehp")).expect("file");
        assert_eq!(file.root, root);
        assert_eq!(file.focus, Some(PathBuf::from("apps/a.ehp")));
        let folder = locate(&root.join("apps")).expect("folder");
        assert_eq!(folder.focus, Some(PathBuf::from("apps")));
        assert!(folder.focus_is_dir);
        assert!(folder.has_manifest && !folder.is_single_file());
        let manifest = locate(&root.join("ehp.toml")).expect("manifest");
        assert_eq!(
            (manifest.root.as_path(), manifest.focus),
            (root.as_path(), None)
        );
        assert!(locate(&root.join("notes.txt")).is_err());
        assert!(locate(&root.join("missing")).is_err());
        fs::remove_file(root.join("ehp.toml")).expect("remove");
        let alone = locate(&root.join("loose/l.ehp")).expect("lone file");
        assert!(alone.is_single_file() && alone.focus.is_none());
        let plain = locate(&root.join("loose")).expect("plain folder");
        assert_eq!(
            (plain.root, plain.has_manifest),
            (root.join("loose"), false)
        );
    }

    #[test]
    fn relative_paths_go_up_and_down() {
        let path = |text: &str| PathBuf::from(text);
        assert_eq!(relative_to(&path("/a/b"), &path("/a/b")), path("."));
        assert_eq!(relative_to(&path("/a/b"), &path("/a/b/c/d")), path("c/d"));
        assert_eq!(relative_to(&path("/a/b/c"), &path("/a")), path("../.."));
        assert_eq!(relative_to(&path("/a/b"), &path("/a/x")), path("../x"));
    }

    #[test]
    fn ehp_files_skip_hidden_target_and_output_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for file in [
            "b.ehp",
            "a/z.ehp",
            "a/notes.txt",
            ".git/x.ehp",
            "a/.hidden.ehp",
            "target/t.ehp",
            "out/o.ehp",
            "target.ehp",
            "nested/ehp.toml",
            "nested/n.ehp",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, "").expect("write");
        }
        let relative = |files: Vec<PathBuf>| -> Vec<String> {
            files
                .iter()
                .map(|file| {
                    let inside = file.strip_prefix(root).expect("inside");
                    let parts: Vec<String> = inside
                        .components()
                        .map(|part| part.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    parts.join("/")
                })
                .collect()
        };
        let (all, problems) = ehp_files(root, None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            relative(all),
            ["a/z.ehp", "b.ehp", "out/o.ehp", "target.ehp"]
        );
        let (built, _) = ehp_files(root, Some(&root.join("out")));
        assert_eq!(relative(built), ["a/z.ehp", "b.ehp", "target.ehp"]);
    }
}
