//! Source files: file ids, text, spans and the line index that turns byte offsets into lines and
//! columns. Every later phase refers to text only through a [`Span`].

use std::fmt;

/// The identity of one source file in a [`SourceDb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl fmt::Debug for Span {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}@{}..{}", self.file.0, self.start, self.end)
    }
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// `text` written with the line endings of `original`: when every line of `original` ends with
/// `\r\n`, every bare `\n` of `text` becomes `\r\n`; otherwise `text` as it is. Edits and the
/// formatter work in `\n`; a file written with `\r\n` keeps them.
pub fn with_line_endings_of(original: &str, text: &str) -> String {
    let newlines = original.matches('\n').count();
    let crlf = original.matches("\r\n").count();
    if newlines == 0 || crlf != newlines {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut previous = '\0';
    for character in text.chars() {
        if character == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(character);
        previous = character;
    }
    out
}

/// Where the lines of one text start and end, for turning byte offsets into lines and columns.
/// A line's content ends before its `\n` or `\r\n`; the LSP's UTF-16 positions
/// (`lsp::line_index`) build on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// The byte offset at which each line starts.
    starts: Vec<usize>,
    /// The byte offset at which each line's content ends (before `\n`, or `\r\n`).
    ends: Vec<usize>,
    /// The length of the text.
    len: usize,
    /// Whether each line is ASCII, so that a column is its byte offset (a 10 MB line is then
    /// not walked for every position asked for).
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Indexes a text.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        let ends = starts
            .iter()
            .enumerate()
            .map(|(line, &start)| {
                let end = starts
                    .get(line + 1)
                    .map_or(text.len(), |next| next.saturating_sub(1));
                let ends_in_cr = end > start && text.as_bytes().get(end - 1) == Some(&b'\r');
                if ends_in_cr { end - 1 } else { end }
            })
            .collect();
        let ascii = starts
            .iter()
            .zip(&ends)
            .map(|(&start, &end)| text.get(start..end).is_some_and(str::is_ascii))
            .collect();
        LineIndex {
            starts,
            ends,
            len: text.len(),
            ascii,
        }
    }

    /// Whether a 0-based line holds only ASCII characters.
    pub fn is_ascii(&self, line: usize) -> bool {
        self.ascii.get(line).copied().unwrap_or(false)
    }

    /// The 0-based line of a byte offset; an offset past the end is on the last line.
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The byte offset at which a 0-based line starts, or `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The byte range of a 0-based line's content, without its line end; `None` past the last
    /// line.
    pub fn content(&self, line: usize) -> Option<std::ops::Range<usize>> {
        Some(*self.starts.get(line)?..*self.ends.get(line)?)
    }

    /// The length in bytes of the indexed text.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// One source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users (relative to the project root where possible).
    pub name: String,
    /// The full text.
    pub text: String,
    /// Where its lines are: made when first asked for (a build without a diagnostic never
    /// asks; an index is about as large as the text).
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        SourceFile {
            name,
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines().line(offset);
        let line_start = self.lines().line_start(line).unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// The text of a span, or "" when the span is not inside this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All source files of one run: the embedded stdlib first, then the project's files. Files are
/// shared, so that an editor's copy for each analysis costs a pointer per file.
#[derive(Debug, Clone, Default)]
pub struct SourceDb {
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceDb {
    /// An empty database.
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(std::sync::Arc::new(SourceFile::new(
            name.into(),
            text.into(),
        )));
        id
    }

    /// Replaces the text of a file (an editor changed it); an unknown id is ignored.
    pub fn set_text(&mut self, id: FileId, text: impl Into<String>) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            *file = std::sync::Arc::new(SourceFile::new(file.name.clone(), text.into()));
        }
    }

    /// The id of the file with this name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.iter()
            .find(|(_, file)| file.name == name)
            .map(|(id, _)| id)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|file| &**file)
    }

    /// The name of a file, or "<unknown>".
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |file| file.name.as_str())
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |file| file.slice(span))
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(u32::try_from(index).unwrap_or(u32::MAX)), &**file))
    }

    /// The 1-based line and column of the start of a span.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.get(span.file)
            .map_or((0, 0), |file| file.line_col(span.start as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::with_line_endings_of;

    #[test]
    fn edits_keep_the_line_endings_of_the_file() {
        assert_eq!(
            with_line_endings_of("a\r\nb\r\n", "a\nx\nb\n"),
            "a\r\nx\r\nb\r\n"
        );
        assert_eq!(with_line_endings_of("a\r\nb\r\n", "a\r\nx\n"), "a\r\nx\r\n");
        // Mixed or LF files are left as the edit writes them.
        assert_eq!(with_line_endings_of("a\nb\r\n", "a\nx\n"), "a\nx\n");
        assert_eq!(with_line_endings_of("a\nb\n", "a\nx\n"), "a\nx\n");
        assert_eq!(with_line_endings_of("", "a\n"), "a\n");
    }

    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut db = SourceDb::new();
        let id = db.add("a.ehp", "héllo\n日本 = x\r\nlast");
        let file = db.get(id).expect("file was added");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (1, 3));
        let x = "héllo\n日本 = ".len();
        assert_eq!(file.line_col(x), (2, 6));
        let last = "héllo\n日本 = x\r\n".len();
        assert_eq!(file.line_col(last), (3, 1));
    }

    #[test]
    fn line_content_leaves_out_the_line_end() {
        let text = "ab\r\ncd\n\nlast\r";
        let index = LineIndex::new(text);
        let lines: Vec<&str> = (0..5)
            .map_while(|line| index.content(line))
            .map(|range| &text[range])
            .collect();
        assert_eq!(lines, ["ab", "cd", "", "last"]);
        assert_eq!(index.line(0), 0);
        assert_eq!(index.line(3), 0);
        assert_eq!(index.line(4), 1);
        assert_eq!(index.line(text.len() + 10), 3);
        assert_eq!(index.line_start(3), Some(8));
        assert_eq!(index.line_start(4), None);
        assert_eq!(LineIndex::new("").content(0), Some(0..0));
    }
}
