//! Review reports over the evaluated model: `ehp diff` (what a change does to the desired
//! state, as a unified diff or a pull-request comment) and `ehp status` (which release runs
//! where along the promotion chain). Pure: the command-line front end reads the sources and the
//! git revision; everything here works on analyses and emitted files in memory.

pub mod diff;
pub mod status;

use crate::eval::model::{SecretRef, Val, ValKind};

/// The longest value text shown inline in a report before it is shortened.
const INLINE_LIMIT: usize = 80;

/// A value as one line of text for a report: strings quoted, secrets as the references they
/// are (never a secret's value, which the sources never hold), long text shortened.
pub(crate) fn show_value(value: &Val) -> String {
    let full = match &value.kind {
        ValKind::Str(text) => crate::fmt::quote(text),
        ValKind::Quantity(text) => text.clone(),
        ValKind::Int(number) => number.to_string(),
        ValKind::Float(number) => number.to_string(),
        ValKind::Bool(truth) => truth.to_string(),
        ValKind::List(items) => {
            let parts: Vec<String> = items.iter().map(show_value).collect();
            format!("[{}]", parts.join(", "))
        }
        ValKind::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(key, item)| format!("{key} = {}", show_value(item)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        ValKind::Secret(SecretRef::Kubernetes { name, key }) => {
            format!(
                "secret({}, {})",
                crate::fmt::quote(name),
                crate::fmt::quote(key)
            )
        }
        ValKind::Secret(SecretRef::External { reference }) => {
            format!("external({})", crate::fmt::quote(reference))
        }
    };
    shorten(&full)
}

/// Cuts text longer than [`INLINE_LIMIT`] characters, marking the cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= INLINE_LIMIT {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(INLINE_LIMIT - 1).collect();
    cut.push('…');
    cut
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
