//! Formatting a whole document through the formatter (`crate::fmt`): one edit replacing the
//! text, or none when it is already formatted or does not parse (the diagnostics say why).

use lsp_types::TextEdit;

use super::line_index::LineIndex;

/// The edits that format `text`: `None` when it does not parse, no edit when it is formatted.
pub(super) fn format(text: &str) -> Option<Vec<TextEdit>> {
    let formatted = crate::fmt::format_source(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range: LineIndex::new(text).whole(),
        new_text: formatted,
    }])
}
