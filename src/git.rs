//! Reading a project as it was at a git revision, through the `git` binary: for
//! `ehp check --against REV` and `ehp diff --base REV`.
// Starting the `git` binary is this module's job; it never reads the filesystem itself.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The `.ehp` files under `path` (a directory, or one file when `is_file`) as they were at
/// `rev`, with the directory's project file `ehp.toml` when it had one, named as `ehp` names the files of the working tree (`path/` followed by the path inside
/// it), sorted. The caller says whether `path` is a file: this module only talks to `git`.
pub fn files_at(path: &Path, is_file: bool, rev: &str) -> Result<Vec<(String, String)>, String> {
    let dir = if is_file {
        path.parent().unwrap_or(Path::new("."))
    } else {
        path
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix_in_repo = String::from_utf8_lossy(&git(dir, &["rev-parse", "--show-prefix"])?)
        .trim()
        .to_string();
    let listing = git(
        dir,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "--full-tree",
            rev,
            "--",
            &prefix_in_repo,
        ],
    )
    .or_else(|_| git(dir, &["ls-tree", "-r", "--name-only", rev]))?;
    let given = path.to_string_lossy().replace('\\', "/");
    let given = given.trim_end_matches('/');
    let label = match given {
        "" | "." => String::new(),
        other => format!("{other}/"),
    };
    let mut files = Vec::new();
    for line in String::from_utf8_lossy(&listing).lines() {
        if !line.starts_with(&prefix_in_repo) {
            continue;
        }
        let inside = line.get(prefix_in_repo.len()..).unwrap_or(line);
        let project_file = !is_file && inside == crate::manifest::FILE_NAME;
        if !line.ends_with(".ehp") && !project_file {
            continue;
        }
        if is_file
            && path
                .file_name()
                .is_some_and(|name| name.to_string_lossy() != inside)
        {
            continue;
        }
        if inside
            .split('/')
            .any(|part| part.starts_with('.') || part == "target")
        {
            continue;
        }
        let blob = git(dir, &["show", &format!("{rev}:{line}")])?;
        let text = String::from_utf8(blob).map_err(|_| format!("{line} at {rev} is not UTF-8"))?;
        let name = if is_file {
            given.to_string()
        } else {
            format!("{label}{inside}")
        };
        files.push((name, text));
    }
    files.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(files)
}
