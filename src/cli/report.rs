//! Printing diagnostics: human (miette, coloured when asked), short, JSON, SARIF and GitHub
//! workflow commands, with the summary line and the exit decision of `--deny warnings` and
//! `--deny CODE`.

use std::io::{IsTerminal, Write};

use super::args::{ColorChoice, MessageFormat};
use crate::diag::{self, Diagnostic, render_human};
use crate::source::SourceDb;

/// How diagnostics are printed, and whether warnings fail the run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reporter {
    pub(super) format: MessageFormat,
    pub(super) color: ColorChoice,
    pub(super) deny_warnings: bool,
    /// The warnings `--deny CODE` turns into failures.
    pub(super) denied: &'static [crate::diag::Code],
    /// Whether the command answers despite the errors (`why` on a literal secret, masked): the
    /// summary line then says so instead of "aborting".
    pub(super) answering: bool,
}

impl Reporter {
    /// Whether diagnostics go to stdout in a machine-readable format.
    pub(super) fn machine(self) -> bool {
        matches!(
            self.format,
            MessageFormat::Json | MessageFormat::Sarif | MessageFormat::Github
        )
    }

    /// Prints the diagnostics of a run and returns whether the run failed: an error, or a
    /// warning under `--deny warnings` (but W0005, a hot-fix on its way back down the chain:
    /// the commits that bring it back would otherwise be refused), or a warning whose code is
    /// denied. Human output ends with a summary line.
    pub(super) fn report(self, db: &SourceDb, diagnostics: &[Diagnostic]) -> bool {
        let errors = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .count();
        let warnings = diagnostics.len() - errors;
        let deniable = diagnostics
            .iter()
            .filter(|diagnostic| {
                !diagnostic.is_error() && diagnostic.code != diag::codes::HOTFIX_NOT_BACK
            })
            .count();
        let denied_found = diagnostics
            .iter()
            .any(|diagnostic| !diagnostic.is_error() && self.denied.contains(&diagnostic.code));
        let failed = errors > 0 || (self.deny_warnings && deniable > 0) || denied_found;
        let text = match self.format {
            MessageFormat::Json => diag::render_json(db, diagnostics),
            MessageFormat::Sarif => diag::render_sarif(db, diagnostics),
            MessageFormat::Github => diag::render_github(db, diagnostics),
            MessageFormat::Short => diag::render_short(db, diagnostics),
            MessageFormat::Human => {
                let stderr = std::io::stderr();
                let color = match self.color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => {
                        stderr.is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    }
                };
                let width = terminal_size::terminal_size_of(&stderr)
                    .map_or(100, |(width, _)| usize::from(width.0));
                render_human(db, diagnostics, width, color)
            }
        };
        if self.machine() {
            super::stdio::out_bytes(text.as_bytes());
            return failed;
        }
        let mut lock = std::io::stderr().lock();
        let _ = lock.write_all(text.as_bytes());
        let plural = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        if failed && self.answering {
            let _ = writeln!(
                lock,
                "error: {}, {}; the answer follows, secrets masked",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        } else if failed {
            let denied = if errors == 0 {
                " (warnings denied)"
            } else {
                ""
            };
            let _ = writeln!(
                lock,
                "error: aborting: {}, {}{denied}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        } else if warnings > 0 {
            let _ = writeln!(lock, "warning: {}", plural(warnings, "warning"));
        }
        failed
    }
}
