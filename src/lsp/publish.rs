//! Publishing diagnostics: one `textDocument/publishDiagnostics` notification per project file
//! with something to say, and an empty one for each file whose earlier diagnostics are gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_server::Notification;
use lsp_types::PublishDiagnosticsParams;

use super::convert::{to_lsp_diagnostic, uri_of_path};
use crate::Analysis;
use crate::diag::Diagnostic;

/// The notifications that bring the client up to date with `analysis`, given the files that
/// were last sent a non-empty list; returns them with the files that now have one.
pub(super) fn publish(
    analysis: &Analysis,
    published: &BTreeSet<PathBuf>,
    stdlib_dir: &Path,
) -> (Vec<Notification>, BTreeSet<PathBuf>) {
    let stdlib_files = crate::stdlib::FILES.len();
    let mut by_file: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    for (_, source) in analysis.db.iter().skip(stdlib_files) {
        if !source.text.is_empty() || published.contains(Path::new(&source.name)) {
            by_file.insert(PathBuf::from(&source.name), Vec::new());
        }
    }
    for diagnostic in &analysis.diagnostics {
        if let Some((path, converted)) = convert_located(analysis, diagnostic, stdlib_dir) {
            by_file.entry(path).or_default().push(converted);
        }
    }
    let mut notifications = Vec::new();
    let mut now_published = BTreeSet::new();
    for (path, diagnostics) in by_file {
        if diagnostics.is_empty() && !published.contains(&path) {
            // Nothing to say and nothing to clear.
            continue;
        }
        if !diagnostics.is_empty() {
            now_published.insert(path.clone());
        }
        let Some(uri) = uri_of_path(&path) else {
            continue;
        };
        notifications.push(Notification::new(
            "textDocument/publishDiagnostics".into(),
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version: None,
            },
        ));
    }
    (notifications, now_published)
}

/// A diagnostic converted for the file of its primary label; `None` for one without a place
/// or in the stdlib.
fn convert_located(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    stdlib_dir: &Path,
) -> Option<(PathBuf, lsp_types::Diagnostic)> {
    let primary = diagnostic.primary.as_ref()?;
    let name = analysis.db.name(primary.span.file);
    if name.starts_with("<stdlib>/") {
        return None;
    }
    let converted = to_lsp_diagnostic(analysis, diagnostic, stdlib_dir)?;
    Some((PathBuf::from(name), converted))
}
