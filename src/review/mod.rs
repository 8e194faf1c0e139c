//! Review reports over the evaluated model: `ehp diff` (what a change does to the desired
//! state, as a unified diff or a pull-request comment), `ehp status` (which release runs
//! where along the promotion chain) and `ehp log` (who changed which release, when and why).
//! Pure: the command-line front end reads the sources and the git revisions; everything here
//! works on analyses, histories and emitted files in memory.

pub mod diff;
pub mod log;
pub mod status;

use crate::eval::model::Val;

/// The longest value text shown inline in a report before it is shortened.
const INLINE_LIMIT: usize = 80;

/// A value as one line of `.ehp` source for a report: strings quoted, secrets as the
/// references they are (never a secret's value, which the sources never hold), long text
/// shortened.
pub(crate) fn show_value(value: &Val) -> String {
    crate::eval::print::source_within(value, INLINE_LIMIT)
}

/// Text inside a Markdown code span, with enough backticks around it to hold any it contains.
pub(crate) fn code_span(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text for a Markdown table cell: `|` escaped and line breaks flattened.
pub(crate) fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
