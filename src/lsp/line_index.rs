//! Conversion between byte offsets (what spans hold) and LSP positions (0-based line, column in
//! UTF-16 code units). The only place in the server that knows about UTF-16; the lines come from
//! the compiler's own [`source::LineIndex`], whose line content leaves out the `\r` of a CRLF.

use std::borrow::Cow;

use lsp_types::{Position, Range};

use crate::source::{self, SourceFile};

/// A text and its lines, for converting offsets and positions.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    lines: Cow<'a, source::LineIndex>,
}

impl<'a> LineIndex<'a> {
    /// Indexes a text (an open document the analysis may not have).
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            lines: Cow::Owned(source::LineIndex::new(text)),
        }
    }

    /// The index of a source file of an analysis, reusing its line index.
    pub fn of_file(file: &'a SourceFile) -> LineIndex<'a> {
        LineIndex {
            text: &file.text,
            lines: Cow::Borrowed(file.lines()),
        }
    }

    /// The start of line `line` and its text without its line end (`\n` or `\r\n`).
    fn line_text(&self, line: usize) -> Option<(usize, &'a str)> {
        let content = self.lines.content(line)?;
        Some((content.start, self.text.get(content)?))
    }

    /// The LSP position of a byte offset. An offset inside a character or a CRLF pair moves
    /// back to its start; an offset past the end is the end.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.lines.line(offset);
        let (start, line_text) = self.line_text(line).unwrap_or((0, ""));
        if self.lines.is_ascii(line) {
            let column = offset.saturating_sub(start).min(line_text.len());
            return Position::new(
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
            );
        }
        let mut column = 0usize;
        for (index, character) in line_text.char_indices() {
            if start + index + character.len_utf8() > offset {
                break;
            }
            column += character.len_utf16();
        }
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of an LSP position. A column past the end of its line is the line's end
    /// (before any `\r`); a column inside a surrogate pair is the start of that character; a
    /// line past the last is the end of the text.
    pub fn offset(&self, position: Position) -> usize {
        let Some((start, line_text)) = self.line_text(position.line as usize) else {
            return self.text.len();
        };
        let wanted = position.character as usize;
        if self.lines.is_ascii(position.line as usize) {
            return start + wanted.min(line_text.len());
        }
        let mut column = 0usize;
        for (index, character) in line_text.char_indices() {
            if column + character.len_utf16() > wanted {
                return start + index;
            }
            column += character.len_utf16();
        }
        start + line_text.len()
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The range covering the whole text.
    pub fn whole(&self) -> Range {
        self.range(0..self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let position = index.position(offset);
            // Both bytes of a CRLF pair are the line end: they map to the end of the line.
            let rest = &text[offset..];
            let in_crlf = rest.starts_with("\r\n")
                || (rest.starts_with('\n') && text[..offset].ends_with('\r'));
            if in_crlf {
                let line_end = text[..offset].trim_end_matches('\r').len();
                assert_eq!(index.offset(position), line_end, "{text:?} at {offset}");
                continue;
            }
            assert_eq!(index.offset(position), offset, "{text:?} at {offset}");
        }
    }

    #[test]
    fn ascii_lines() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(4), Position::new(1, 1));
        assert_eq!(index.position(6), Position::new(2, 0));
        assert_eq!(index.offset(Position::new(1, 1)), 4);
        assert_eq!(index.offset(Position::new(1, 99)), 5);
        assert_eq!(index.offset(Position::new(9, 0)), 6);
        round_trip("ab\ncd\n");
    }

    #[test]
    fn emoji_take_two_utf16_units() {
        // 😀 is 4 bytes in UTF-8 and a surrogate pair (2 units) in UTF-16.
        let text = "a = \"😀x\"\n";
        let index = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(x, 9);
        assert_eq!(index.position(x), Position::new(0, 7));
        assert_eq!(index.offset(Position::new(0, 7)), x);
        // Inside the pair: back to the emoji's start.
        assert_eq!(index.offset(Position::new(0, 6)), 5);
        // Inside the emoji's UTF-8 bytes: back to its start.
        assert_eq!(index.position(6), Position::new(0, 5));
        round_trip(text);
    }

    #[test]
    fn cjk_takes_one_utf16_unit_and_three_bytes() {
        let text = "// 日本語\nname = \"東京\"\n";
        let index = LineIndex::new(text);
        let quote = text.rfind('"').expect("quote");
        assert_eq!(index.position(quote), Position::new(1, 10));
        assert_eq!(index.offset(Position::new(1, 10)), quote);
        assert_eq!(
            index.position(text.find('語').expect("go")),
            Position::new(0, 5)
        );
        round_trip(text);
    }

    #[test]
    fn crlf_line_ends_are_not_columns() {
        let text = "env a {\r\n    x = 1\r\n}\r\n";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text.find('x').expect("x")),
            Position::new(1, 4)
        );
        // The `\r` belongs to the line end: it has the column of the end of the line.
        assert_eq!(index.position(7), Position::new(0, 7));
        assert_eq!(index.offset(Position::new(0, 50)), 7);
        assert_eq!(index.position(text.len()), Position::new(3, 0));
        assert_eq!(
            index.offset(Position::new(2, 1)),
            text.rfind('\r').expect("cr")
        );
        assert_eq!(
            index.whole(),
            Range::new(Position::new(0, 0), Position::new(3, 0))
        );
        round_trip(text);
    }

    #[test]
    fn a_source_file_gives_the_same_positions_as_its_text() {
        let text = "/// 日本\r\napp x: y { a = \"😀\" }\r\n";
        let mut db = source::SourceDb::new();
        let id = db.add("a.ehp", text);
        let file = db.get(id).expect("file was added");
        let (ours, fresh) = (LineIndex::of_file(file), LineIndex::new(text));
        for offset in 0..=text.len() {
            assert_eq!(ours.position(offset), fresh.position(offset), "at {offset}");
        }
        assert_eq!(ours.whole(), fresh.whole());
    }

    #[test]
    fn mixed_text_round_trips() {
        round_trip("/// Dokumentation für 🚀 Rakete\r\napp x: y { a = \"ü😀日\" }\n\nlast");
        round_trip("");
        round_trip("no newline at end 😀");
    }
}
