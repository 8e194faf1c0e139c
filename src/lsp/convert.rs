//! Conversions at the protocol edge: `file:` URIs to paths and back, spans to LSP locations, and
//! the compiler's [`Diagnostic`] to `lsp_types::Diagnostic`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use super::line_index::LineIndex;
use crate::Analysis;
use crate::diag::{Diagnostic, Severity};
use crate::source::Span;

/// The name of the source of every diagnostic.
const SOURCE: &str = "ehp";

/// The local path of a `file:` URI.
pub(super) fn path_of_uri(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // Skip an authority (`file://host/path`); `localhost` and the empty host are local.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(at) => rest.get(at..)?,
        None => return None,
    };
    let decoded = percent_decode(path)?;
    // `file:///C:/x` is `C:/x` on Windows.
    let windows_drive = decoded.get(1..3).is_some_and(|drive| drive.ends_with(':'))
        && decoded.starts_with('/')
        && cfg!(windows);
    Some(PathBuf::from(if windows_drive {
        decoded.get(1..).unwrap_or(&decoded).to_string()
    } else {
        decoded
    }))
}

/// The `file:` URI of a local path.
pub(super) fn uri_of_path(path: &Path) -> Option<Uri> {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut encoded = String::from("file://");
    if !text.starts_with('/') {
        encoded.push('/');
    }
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-_.~:".contains(&byte);
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&encoded).ok()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(byte);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The path of a source file of an analysis: project files are named by their path, stdlib
/// files live in `stdlib_dir`.
pub(super) fn path_of_source(name: &str, stdlib_dir: &Path) -> PathBuf {
    match name.strip_prefix("<stdlib>/") {
        Some(file) => stdlib_dir.join(file),
        None => PathBuf::from(name),
    }
}

/// The LSP location of a span.
pub(super) fn location(analysis: &Analysis, span: Span, stdlib_dir: &Path) -> Option<Location> {
    let source = analysis.db.get(span.file)?;
    let uri = uri_of_path(&path_of_source(&source.name, stdlib_dir))?;
    let index = LineIndex::of_file(source);
    Some(Location::new(uri, index.range(span.range())))
}

/// The editor's form of a diagnostic, placed at its primary label: the title with the label,
/// help and notes on the lines below, secondary labels as related information.
pub(super) fn to_lsp_diagnostic(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    stdlib_dir: &Path,
) -> Option<lsp_types::Diagnostic> {
    let primary = diagnostic.primary.as_ref()?;
    let range = location(analysis, primary.span, stdlib_dir)?.range;
    let mut message = diagnostic.message.clone();
    if !primary.message.is_empty() {
        message.push_str(&format!("\n{}", primary.message));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: location(analysis, label.span, stdlib_dir)?,
                message: label.message.clone(),
            })
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.id.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/my project/ünï/app.ehp");
        let uri = uri_of_path(path).expect("uri");
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20project/%C3%BCn%C3%AF/app.ehp"
        );
        assert_eq!(path_of_uri(&uri).as_deref(), Some(path));
        let with_host = Uri::from_str("file://localhost/a/b.ehp").expect("uri");
        assert_eq!(path_of_uri(&with_host), Some(PathBuf::from("/a/b.ehp")));
        let other = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(path_of_uri(&other), None);
    }
}
