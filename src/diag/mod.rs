//! Diagnostics: one type for every phase, stable codes, and rendering through miette at the edge.
//!
//! Phases build diagnostics next to the check that raises them and push them into a
//! [`Problems`] collector; nothing here knows about any phase.

pub mod codes;
mod conceal;
mod format;
mod render;

pub use codes::Code;
pub use conceal::Secrets;
pub use format::{render_github, render_json, render_sarif};
pub use render::{render_human, render_short};

use crate::source::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The run fails.
    Error,
    /// The run succeeds, but something is probably wrong.
    Warning,
}

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is wrong (primary) or why this place matters (secondary).
    pub message: String,
}

/// One problem found in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// A short, lower-case title without a trailing period.
    pub message: String,
    /// The place of the problem, when it has one.
    pub primary: Option<Label>,
    /// Other places that matter, possibly in other files.
    pub secondary: Vec<Label>,
    /// The remedy.
    pub help: Option<String>,
    /// Further facts.
    pub notes: Vec<String>,
    /// Source text never to be shown (a literal secret): every rendering of the run's
    /// diagnostics masks it, in source excerpts and messages alike.
    pub concealed: Vec<Span>,
}

/// The text shared by every internal-invariant failure.
pub const INTERNAL_ERROR: &str =
    "this is a bug in ehp, please report it with the input that caused it";

impl Diagnostic {
    /// A new warning: the same as [`Diagnostic::error`], which takes the severity from the code
    /// (`W…` codes are warnings), but reads better where a warning is built.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
    }

    /// A new diagnostic with a code and a title; its severity follows the code.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: if code.id.starts_with('W') {
                Severity::Warning
            } else {
                Severity::Error
            },
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            concealed: Vec::new(),
        }
    }

    /// Sets the primary label.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    /// Adds a secondary label.
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Conceals the source text of `span` wherever the run's diagnostics are shown.
    pub fn conceal(mut self, span: Span) -> Diagnostic {
        self.concealed.push(span);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (Option<Span>, &'static str, &str) {
        (
            self.primary.as_ref().map(|label| label.span),
            self.code.id,
            &self.message,
        )
    }
}

/// The diagnostics collected during a run.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    diagnostics: Vec<Diagnostic>,
}

impl Problems {
    /// An empty collector.
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records every diagnostic of `other` (a part of the run done on another thread).
    pub fn extend(&mut self, other: Problems) {
        self.diagnostics.extend(other.diagnostics);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The number of errors recorded.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .count()
    }

    /// The diagnostics in a stable order (by file and position), without duplicates.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.diagnostics
            .sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
        self.diagnostics.dedup();
        self.diagnostics
    }

    /// The diagnostics recorded so far, in the order they were found.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
