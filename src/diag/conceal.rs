//! Masking concealed text (literal secrets) before diagnostics are shown: the concealed spans of
//! every diagnostic of a run are replaced by `*` in the sources the renderers quote, and the
//! concealed texts are masked in every message, label, help and note, whatever the format.
//! [`Secrets`] masks the same texts in any other output that shows values (`ehp why`, hover).

use std::borrow::Cow;

use super::Diagnostic;
use crate::source::{SourceDb, Span};

/// The shortest concealed text also masked inside messages (shorter ones would mask too much).
const MIN_MASKED: usize = 4;

/// What a concealed text is replaced by in messages and other output.
const MASK: &str = "****";

/// The concealed texts of a run's diagnostics (the literal secrets `eval::secrets` found), to
/// mask in anything shown.
#[derive(Debug, Default)]
pub struct Secrets {
    /// The texts, longest first.
    texts: Vec<String>,
}

impl Secrets {
    /// The texts the concealed spans of `diagnostics` cover in `db`.
    pub fn of(db: &SourceDb, diagnostics: &[Diagnostic]) -> Secrets {
        Secrets::at(db, concealed_spans(diagnostics))
    }

    fn at(db: &SourceDb, spans: impl Iterator<Item = Span>) -> Secrets {
        let mut texts: Vec<String> = Vec::new();
        for span in spans {
            let Some(text) = db
                .get(span.file)
                .and_then(|file| file.text.get(span.range()))
            else {
                continue;
            };
            let inner = text.trim_matches('"');
            if inner.len() >= MIN_MASKED {
                texts.push(inner.to_string());
                for line in inner.lines().filter(|line| line.trim().len() >= MIN_MASKED) {
                    texts.push(line.trim().to_string());
                }
            }
        }
        texts.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        texts.dedup();
        Secrets { texts }
    }

    /// `text` with every concealed text in it replaced by `****`.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.texts {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }
}

fn concealed_spans(diagnostics: &[Diagnostic]) -> impl Iterator<Item = Span> + '_ {
    diagnostics
        .iter()
        .flat_map(|diagnostic| diagnostic.concealed.iter().copied())
}

/// The sources and diagnostics to render: as given when nothing is concealed, otherwise copies
/// with every concealed text masked.
pub(super) fn concealed<'a>(
    db: &'a SourceDb,
    diagnostics: &'a [Diagnostic],
) -> (Cow<'a, SourceDb>, Cow<'a, [Diagnostic]>) {
    let spans: Vec<_> = concealed_spans(diagnostics).collect();
    if spans.is_empty() {
        return (Cow::Borrowed(db), Cow::Borrowed(diagnostics));
    }
    let secrets = Secrets::at(db, spans.iter().copied());
    let mut masked_db = db.clone();
    for span in &spans {
        let Some(file) = masked_db.get(span.file) else {
            continue;
        };
        let Some(text) = file.text.get(span.range()) else {
            continue;
        };
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
    let mask = |text: &str| secrets.mask(text);
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
