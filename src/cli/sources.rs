//! Finding and reading a project's files: every `*.ehp` file under a directory, named as
//! diagnostics show them, and the label generated files carry.

use std::fs;
use std::path::{Path, PathBuf};

use super::UsageError;

/// The label the header of generated files names: the path as given, or the directory's name
/// for `.`.
pub(super) fn source_label(path: &Path) -> String {
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

/// The `*.ehp` files under the directory `root`, in walk order (sorted by file name), as the
/// command line, `ehp fmt` and the language server all find them: hidden entries, `target/`
/// directories and `skip` (the output directory) are left out. Problems met on the way (an
/// unreadable directory) come back beside the files found, as messages naming `root`.
pub(crate) fn ehp_files(root: &Path, skip: Option<&Path>) -> (Vec<PathBuf>, Vec<String>) {
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
                    && skip.as_ref().is_none_or(|skip| {
                        !fs::canonicalize(entry.path()).is_ok_and(|dir| &dir == skip)
                    })
        });
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry)
                if entry.file_type().is_file()
                    && entry.path().extension().is_some_and(|ext| ext == "ehp") =>
            {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(error) => problems.push(format!("cannot read `{}`: {error}", root.display())),
        }
    }
    (files, problems)
}

/// Every `*.ehp` file under `path` (see [`ehp_files`]), sorted, as `(name, text)`; or the one
/// file `path` names. Names are `path/relative` (or `relative` for `.`).
pub(super) fn collect_sources(
    path: &Path,
    out: Option<&Path>,
) -> Result<Vec<(String, String)>, UsageError> {
    let metadata =
        fs::metadata(path).map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    if metadata.is_file() {
        let name = path.to_string_lossy().replace('\\', "/");
        return Ok(vec![(name, read_text(path)?)]);
    }
    let (found, problems) = ehp_files(path, out);
    if let Some(problem) = problems.into_iter().next() {
        return Err(UsageError(problem));
    }
    let prefix = source_label_prefix(path);
    let mut files = Vec::new();
    for file in found {
        let relative = file.strip_prefix(path).unwrap_or(&file);
        let relative: Vec<String> = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = format!("{prefix}{}", relative.join("/"));
        files.push((name, read_text(&file)?));
    }
    files.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(files)
}

/// The prefix of source names: `path/`, or nothing for `.`.
fn source_label_prefix(path: &Path) -> String {
    let given = path.to_string_lossy().replace('\\', "/");
    let trimmed = given.trim_end_matches('/');
    match trimmed {
        "" | "." => String::new(),
        other => format!("{other}/"),
    }
}

/// Reads a UTF-8 source file.
pub(super) fn read_text(path: &Path) -> Result<String, UsageError> {
    let bytes =
        fs::read(path).map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| UsageError(format!("`{}` is not UTF-8 text", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

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
