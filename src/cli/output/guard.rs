//! The output folders `ehp build` refuses outright, before it touches anything: the filesystem's
//! root, a home folder, the sources' folder and any folder that holds the sources. A build
//! replaces its output folder's content as a whole, so each of these would be a disaster.

use std::path::{Component, Path, PathBuf};

/// The folder `path` names once `.` and `..` and links are resolved, as far as it exists; the
/// part that does not exist yet is appended as written.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut full = real;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return normalise(&full);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return normalise(&absolute),
        }
    }
}

/// `path` with `.` and `..` removed lexically.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The home folders of this machine: `$HOME`, `/root` and every folder right under `/home`.
fn is_home(path: &Path) -> bool {
    let home = std::env::var_os("HOME").map(|home| resolved(Path::new(&home)));
    home.as_deref() == Some(path)
        || path == Path::new("/root")
        || path.parent() == Some(Path::new("/home"))
}

/// Refuses an output folder that is the filesystem's root, a home folder, the sources' folder
/// (the folder of a single source file) or a folder holding the sources.
pub(super) fn refuse_dangerous(out: &Path, sources: &Path) -> Result<(), String> {
    let out_real = resolved(out);
    let sources_dir = if sources.is_file() {
        sources.parent().unwrap_or(Path::new("."))
    } else {
        sources
    };
    let sources_real = resolved(sources_dir);
    let why = if out_real.parent().is_none() {
        "it is the filesystem's root"
    } else if is_home(&out_real) {
        "it is a home folder"
    } else if out_real == sources_real {
        "it is the sources' folder"
    } else if sources_real.starts_with(&out_real) {
        "it holds the sources"
    } else {
        return Ok(());
    };
    Err(format!(
        "refusing to write to `{}`: {why}, and a build replaces everything in its output folder; \
         choose a folder of its own such as `{}`",
        out.display(),
        sources_dir.join("out").display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_output_folders_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = dir.path().join("project");
        std::fs::create_dir_all(&project).expect("mkdir");
        for out in [
            PathBuf::from("/"),
            PathBuf::from("/root"),
            PathBuf::from("/home/someone"),
            project.clone(),
            project.join("."),
            project.join("sub/.."),
            dir.path().to_path_buf(),
        ] {
            assert!(refuse_dangerous(&out, &project).is_err(), "{out:?}");
        }
        assert!(refuse_dangerous(&project.join("out"), &project).is_ok());
        assert!(refuse_dangerous(&dir.path().join("elsewhere"), &project).is_ok());
    }
}
