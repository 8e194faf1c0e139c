//! A project's files on disk: every `*.ehp` file under a folder, found the same way by the
//! command line, `ehp fmt` and the language server. With `cli` and `lsp`, the only module that
//! touches the filesystem, and only to list files.
// Listing a folder is this module's job.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};

/// The `*.ehp` files under the directory `root`, in walk order (sorted by file name), as the
/// command line, `ehp fmt` and the language server all find them: hidden entries, `target/`
/// directories and `skip` (the output directory) are left out. Problems met on the way (an
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
