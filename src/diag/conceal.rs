//! Masking concealed text (literal secrets) before diagnostics are shown: the concealed spans of
//! every diagnostic of a run are replaced by `*` in the sources the renderers quote, and the
//! concealed texts are masked in every message, label, help and note, whatever the format.

use std::borrow::Cow;

use super::Diagnostic;
use crate::source::SourceDb;

/// The shortest concealed text also masked inside messages (shorter ones would mask too much).
const MIN_MASKED: usize = 4;

/// The sources and diagnostics to render: as given when nothing is concealed, otherwise copies
/// with every concealed text masked.
pub(super) fn concealed<'a>(
    db: &'a SourceDb,
    diagnostics: &'a [Diagnostic],
) -> (Cow<'a, SourceDb>, Cow<'a, [Diagnostic]>) {
    let spans: Vec<_> = diagnostics
        .iter()
        .flat_map(|diagnostic| diagnostic.concealed.iter().copied())
        .collect();
    if spans.is_empty() {
        return (Cow::Borrowed(db), Cow::Borrowed(diagnostics));
    }
    let mut masked_db = db.clone();
    let mut secrets: Vec<String> = Vec::new();
    for span in &spans {
        let Some(file) = masked_db.get(span.file) else {
            continue;
        };
        let Some(text) = file.text.get(span.range()) else {
            continue;
        };
        let inner = text.trim_matches('"');
        if inner.len() >= MIN_MASKED {
            secrets.push(inner.to_string());
            for line in inner.lines().filter(|line| line.trim().len() >= MIN_MASKED) {
                secrets.push(line.trim().to_string());
            }
        }
        let mut masked = file.text.clone();
        let replacement: String = text
            .chars()
            .map(|character| match character {
                '"' | '\n' | '\r' => character.to_string(),
                other => "*".repeat(other.len_utf8()),
            })
            .collect();
        masked.replace_range(span.range(), &replacement);
        masked_db.set_text(span.file, masked);
    }
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    secrets.dedup();
    let mask = |text: &str| -> String {
        let mut out = text.to_string();
        for secret in &secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "****");
            }
        }
        out
    };
    let masked: Vec<Diagnostic> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut diagnostic = diagnostic.clone();
            diagnostic.message = mask(&diagnostic.message);
            for label in diagnostic
                .primary
                .iter_mut()
                .chain(&mut diagnostic.secondary)
            {
                label.message = mask(&label.message);
            }
            diagnostic.help = diagnostic.help.as_deref().map(mask);
            diagnostic.notes = diagnostic.notes.iter().map(|note| mask(note)).collect();
            diagnostic
        })
        .collect();
    (Cow::Owned(masked_db), Cow::Owned(masked))
}
