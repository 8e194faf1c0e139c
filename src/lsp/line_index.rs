//! Conversion between byte offsets (what spans hold) and LSP positions (0-based line, column in
//! UTF-16 code units). The only place in the server that knows about UTF-16; CRLF line ends are
//! handled by treating the `\r` before a `\n` as part of the line end.

use lsp_types::{Position, Range};

/// The line starts of one text, for converting offsets and positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: String,
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes a text.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        LineIndex {
            text: text.to_string(),
            line_starts,
        }
    }

    /// The text of line `line` without its line end (`\n` or `\r\n`).
    fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        let content = self.text.get(start..end).unwrap_or("");
        content.strip_suffix('\r').unwrap_or(content)
    }

    /// The LSP position of a byte offset. An offset inside a character or a CRLF pair moves
    /// back to its start; an offset past the end is the end.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let line_text = self.line_text(line);
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
        let line = position.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let wanted = position.character as usize;
        let mut column = 0usize;
        for (index, character) in self.line_text(line).char_indices() {
            if column + character.len_utf16() > wanted {
                return start + index;
            }
            column += character.len_utf16();
        }
        start + self.line_text(line).len()
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The range covering the whole text.
    pub fn whole(&self) -> Range {
        self.range(0..self.text.len())
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
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
    fn mixed_text_round_trips() {
        round_trip("/// Dokumentation für 🚀 Rakete\r\napp x: y { a = \"ü😀日\" }\n\nlast");
        round_trip("");
        round_trip("no newline at end 😀");
    }
}
