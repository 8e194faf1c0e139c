//! Finding and reading a project's files: every `*.ehp` file under a directory, named as
//! diagnostics show them, and the label generated files carry.

use std::fs;
use std::path::Path;

use super::UsageError;
pub(super) use crate::project::ehp_files;

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
