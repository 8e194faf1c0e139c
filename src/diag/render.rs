//! Rendering of diagnostics for people: through miette (human) or one line each (short).

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{Diagnostic, Label, Severity};
use crate::source::SourceDb;

/// A diagnostic in the shape miette renders.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Related>,
    help: Option<String>,
}

/// A secondary label in another file, rendered as an advice of its own.
#[derive(Debug)]
struct Related {
    message: String,
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl fmt::Display for Related {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

impl miette::Diagnostic for Rendered<'_> {
    // The code is part of the severity marker (`error[E0301]:`), as rustc writes it, so miette
    // is not given it separately.
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|related| related as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new((label.span.start as usize).into(), label.span.len());
    if primary {
        LabeledSpan::new_primary_with_span(Some(label.message.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(label.message.clone()), span)
    }
}

fn named_source(db: &SourceDb, label: &Label) -> Option<NamedSource<String>> {
    db.get(label.span.file)
        .map(|file| NamedSource::new(file.name.clone(), file.text.clone()).with_language("ehp"))
}

fn prepare<'a>(db: &SourceDb, diagnostic: &'a Diagnostic) -> Rendered<'a> {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let mut source = None;
    if let Some(primary) = &diagnostic.primary {
        source = named_source(db, primary);
        labels.push(labeled(primary, true));
    }
    for label in &diagnostic.secondary {
        let same_file = diagnostic
            .primary
            .as_ref()
            .is_some_and(|p| p.span.file == label.span.file);
        if same_file {
            labels.push(labeled(label, false));
        } else if let Some(other) = named_source(db, label) {
            related.push(Related {
                message: label.message.clone(),
                source: other,
                label: labeled(label, true),
            });
        }
    }
    let help = diagnostic.help.clone();
    Rendered {
        diagnostic,
        source,
        labels,
        related,
        help,
    }
}

/// Renders diagnostics for a person: `error[E0301]: title`, source excerpts, labels and help, at
/// a fixed width.
pub fn render_human(
    db: &SourceDb,
    diagnostics: &[Diagnostic],
    width: usize,
    color: bool,
) -> String {
    let (db, diagnostics) = super::conceal::concealed(db, diagnostics);
    let (db, diagnostics) = (&*db, &*diagnostics);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let code = diagnostic.code.id;
        theme.characters.error = format!("error[{code}]:");
        theme.characters.warning = format!("warning[{code}]:");
        theme.characters.advice = "note:".into();
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false)
            .with_show_related_as_nested(true);
        let handler = if diagnostic.notes.is_empty() {
            handler
        } else {
            let notes: Vec<String> = diagnostic
                .notes
                .iter()
                .map(|note| format!("  = note: {note}"))
                .collect();
            handler.with_footer(notes.join("\n"))
        };
        let rendered = prepare(db, diagnostic);
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code.id, diagnostic.message));
        }
        out.push('\n');
    }
    out
}

/// Renders one line per diagnostic: `file:line:col: severity[code]: message`.
pub fn render_short(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let (db, diagnostics) = super::conceal::concealed(db, diagnostics);
    let (db, diagnostics) = (&*db, &*diagnostics);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(primary) = &diagnostic.primary {
            let (line, column) = db.line_col(primary.span);
            out.push_str(&format!("{}:{line}:{column}: ", db.name(primary.span.file)));
        }
        out.push_str(&format!(
            "{severity}[{}]: {}\n",
            diagnostic.code.id, diagnostic.message
        ));
    }
    out
}
