//! The files of the project that desired-state files name (`values_files`, `secrets_files`):
//! collected from the evaluated environments, then checked with their text, which the front end
//! reads (this phase reads no file): a values file must exist and be a YAML map, as Helm reads
//! it (E0534, E0535); a secrets file must exist (it is encrypted, so it is not read).

use indexmap::IndexMap;

use crate::diag::{Diagnostic, codes};
use crate::eval::model::{EnvInstance, Val, ValKind};
use crate::source::Span;

/// A file of the project that a desired-state file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    /// Its path relative to the project's root, `/`-separated, as written.
    pub path: String,
    /// Where it is written.
    pub span: Span,
    /// Whether it is a values file (read as YAML) rather than an encrypted secrets file.
    pub values: bool,
}

/// The path extensions helmsman takes for values and secrets files.
pub(crate) const EXTENSIONS: &[&str] = &[".yaml", ".yml", ".json"];

/// Every values and secrets file the environments name, once per place it is written.
pub fn project_files(envs: &[EnvInstance]) -> Vec<ProjectFile> {
    // Every app of every environment is looked at: on all cores, in order.
    let named = crate::parallel::map_chunks(envs, |chunk| {
        let mut named: Vec<(&str, Span, bool)> = Vec::new();
        for app in chunk.iter().flat_map(|env| &env.apps) {
            for (field, values) in [("values_files", true), ("secrets_files", false)] {
                let Some(ValKind::List(items)) = app.fields.get(field).map(|value| &value.kind)
                else {
                    continue;
                };
                for item in items {
                    if let Some(path) = item.as_str().filter(|path| well_formed(path).is_ok()) {
                        named.push((path, item.origin, values));
                    }
                }
            }
        }
        named
    });
    let mut found: IndexMap<(String, Span), bool> = IndexMap::new();
    for (path, span, values) in named.into_iter().flatten() {
        found.insert((path.to_string(), span), values);
    }
    found
        .into_iter()
        .map(|((path, span), values)| ProjectFile { path, span, values })
        .collect()
}

/// Why a path cannot name a values file of the project, if it cannot: it must be relative, with
/// `/` between folders, and end in `.yaml`, `.yml` or `.json` (helmsman refuses others).
pub(crate) fn well_formed(path: &str) -> Result<(), String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err(
            "write the path relative to the project's root, with `/` between folders".into(),
        );
    }
    if !EXTENSIONS.iter().any(|extension| path.ends_with(extension)) {
        return Err("helmsman takes values files ending in `.yaml`, `.yml` or `.json`".into());
    }
    Ok(())
}

/// E0536 for each path of `value` (a list of paths) that cannot name a values file.
pub(crate) fn check_paths(value: Option<&Val>, problems: &mut crate::diag::Problems) {
    let Some(ValKind::List(items)) = value.map(|value| &value.kind) else {
        return;
    };
    for item in items {
        let Some(path) = item.as_str() else { continue };
        if let Err(reason) = well_formed(path) {
            problems.push(
                Diagnostic::error(
                    codes::BAD_FILE_PATH,
                    "not a path to a values file of the project",
                )
                .at(item.origin, format!("`{path}` cannot be given to helmsman"))
                .help(reason),
            );
        }
    }
}

/// Checks each file with its text (`None` when it cannot be read): E0534 for a missing file,
/// E0535 for a values file that is not a YAML map.
pub fn check_project_files(
    files: &[ProjectFile],
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut texts: IndexMap<&str, Option<String>> = IndexMap::new();
    for file in files {
        let text = texts
            .entry(file.path.as_str())
            .or_insert_with(|| read(&file.path));
        let Some(text) = text else {
            diagnostics.push(
                Diagnostic::error(
                    codes::MISSING_FILE,
                    format!("`{}` does not exist", file.path),
                )
                .at(file.span, "no such file in the project")
                .help("the path is relative to the project's root (the folder of ehp.toml)"),
            );
            continue;
        };
        if !file.values {
            continue;
        }
        if let Err(reason) = values_map(text) {
            diagnostics.push(
                Diagnostic::error(
                    codes::BAD_VALUES_FILE,
                    format!("`{}` is not a values file Helm reads", file.path),
                )
                .at(file.span, "named here")
                .note(reason)
                .help("a values file is a YAML map of chart values"),
            );
        }
    }
    diagnostics
}

/// A values file's text as Helm needs it: empty, or YAML (JSON is YAML) whose top is a map.
fn values_map(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    match serde_saphyr::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_) | serde_json::Value::Null) => Ok(()),
        Ok(_) => Err("its top level is not a map".into()),
        Err(error) => Err(error.to_string()),
    }
}
