//! Cuts a file into top-level items before parsing, so that one broken declaration does not hide
//! errors in the others (pest stops at its first failure).

/// A top-level chunk of a file, as byte offsets, and the deepest nesting inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The deepest nesting seen: `{`, `[` and `(`, and each `.` of a dotted key, which nests
    /// as a block does (`a.b.c = 1` is `a { b { c = 1 } }`).
    pub max_depth: usize,
    /// Whether the chunk ended with its brackets still open.
    pub unclosed: bool,
    /// When unclosed, the offset of the bracket most likely left open: the first one whose
    /// closing bracket sits at another indentation than the line that opened it (a `}` meant for
    /// an outer block), else the innermost bracket still open.
    pub open: Option<usize>,
}

/// The brackets open in a chunk, and the first one closed at the wrong indentation.
#[derive(Default)]
struct Brackets {
    /// Each open bracket's offset and the indentation of its line.
    stack: Vec<(usize, usize)>,
    /// The first bracket closed by a `}` at another indentation.
    suspect: Option<usize>,
}

impl Brackets {
    fn open(&mut self, text: &str, at: usize) {
        self.stack.push((at, indentation(text, at)));
    }

    fn close(&mut self, text: &str, at: usize) {
        let Some((opened, indent)) = self.stack.pop() else {
            return;
        };
        let line_start = text
            .get(..at)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |n| n + 1);
        let alone = text
            .get(line_start..at)
            .is_some_and(|before| before.trim().is_empty());
        if alone && indentation(text, at) != indent && self.suspect.is_none() {
            self.suspect = Some(opened);
        }
    }

    /// The bracket most likely left open, when some are.
    fn left_open(&self) -> Option<usize> {
        if self.stack.is_empty() {
            return None;
        }
        self.suspect
            .or_else(|| self.stack.last().map(|&(at, _)| at))
    }
}

/// The indentation (spaces and tabs) of the line holding `at`.
fn indentation(text: &str, at: usize) -> usize {
    let line_start = text
        .get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |n| n + 1);
    text.get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .count()
}

/// Whether a line begins a top-level declaration: `env`, `abstract env`, `template` or `app`
/// at column 0, followed by a name.
fn starts_item(line: &str) -> bool {
    if line
        .strip_prefix("promotion")
        .is_some_and(|after| after.trim_start().starts_with('{'))
    {
        return true;
    }
    // A private override: `in local {` at column 0.
    if line.strip_prefix("in ").is_some_and(|after| {
        after
            .trim_start()
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    }) {
        return true;
    }
    let rest = line.strip_prefix("abstract").map_or(line, str::trim_start);
    ["env", "template", "app"].iter().any(|keyword| {
        rest.strip_prefix(keyword).is_some_and(|after| {
            after.starts_with([' ', '\t'])
                && after
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        })
    })
}

// Length: one pass over the bytes, its states (depth, the dotted path, the line start) in one place.
/// Splits `text` into chunks. Every byte that is not whitespace or a comment belongs to one.
pub fn split(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut current: Option<Chunk> = None;
    let mut brackets = Brackets::default();
    let mut depth = 0usize;
    // The dots of the dotted path being read (`a.b.c`), which may have blanks around its dots.
    let mut path_dots = 0usize;
    let mut index = 0usize;
    let mut at_line_start = true;
    while let Some(&byte) = bytes.get(index) {
        if at_line_start && depth > 0 && starts_item(text.get(index..).unwrap_or("")) {
            if let Some(mut open) = current.take() {
                open.unclosed = true;
                open.open = brackets.left_open();
                chunks.push(open);
            }
            brackets = Brackets::default();
            depth = 0;
        }
        at_line_start = false;
        let rest = bytes.get(index..).unwrap_or(&[]);
        if rest.starts_with(b"//") && !rest.starts_with(b"///") || rest.starts_with(b"////") {
            index = skip_line(bytes, index);
            continue;
        }
        if byte == b'\n' {
            at_line_start = true;
            index += 1;
            continue;
        }
        if byte.is_ascii_whitespace() {
            index = skip_while(bytes, index + 1, |next| matches!(next, b' ' | b'\t'));
            continue;
        }
        let chunk = current.get_or_insert(Chunk {
            start: index,
            end: index,
            max_depth: 0,
            unclosed: false,
            open: None,
        });
        if rest.starts_with(b"///") {
            index = skip_line(bytes, index);
            chunk.end = index;
            continue;
        }
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'"')) {
            path_dots = 0;
        }
        index = match byte {
            b'"' => skip_string(bytes, index),
            b'.' => {
                path_dots += 1;
                chunk.max_depth = chunk.max_depth.max(depth + path_dots);
                index + 1
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                chunk.max_depth = chunk.max_depth.max(depth);
                brackets.open(text, index);
                index + 1
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                brackets.close(text, index);
                index + 1
            }
            // A name or a number: its whole run at once (nothing in it opens, closes or cuts).
            _ if is_name_byte(byte) => skip_while(bytes, index + 1, is_name_byte),
            _ => index + 1,
        };
        chunk.end = index;
        if depth == 0 && byte == b'}' {
            chunks.extend(current.take());
            brackets = Brackets::default();
        }
    }
    if let Some(mut open) = current.take() {
        open.unclosed = depth > 0;
        open.open = brackets.left_open().filter(|_| open.unclosed);
        chunks.push(open);
    }
    chunks
}

/// Whether a byte continues a name or a number, for [`skip_while`].
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-')
}

/// The first index at or after `index` whose byte does not satisfy `keep`.
fn skip_while(bytes: &[u8], index: usize, keep: impl Fn(u8) -> bool) -> usize {
    let rest = bytes.get(index..).unwrap_or(&[]);
    index + rest.iter().take_while(|&&byte| keep(byte)).count()
}

fn skip_line(bytes: &[u8], mut index: usize) -> usize {
    while bytes.get(index).is_some_and(|&byte| byte != b'\n') {
        index += 1;
    }
    index
}

/// Skips a `"..."` or `"""..."""` string starting at `index`; stops at the end of the line for
/// an unterminated plain string.
pub(crate) fn skip_string(bytes: &[u8], index: usize) -> usize {
    let triple = bytes
        .get(index..)
        .is_some_and(|rest| rest.starts_with(b"\"\"\""));
    let mut position = index + if triple { 3 } else { 1 };
    while let Some(&byte) = bytes.get(position) {
        match byte {
            b'\\' => position += 2,
            b'"' if !triple => return position + 1,
            b'"' if bytes
                .get(position..)
                .is_some_and(|rest| rest.starts_with(b"\"\"\"")) =>
            {
                return position + 3;
            }
            b'\n' if !triple => return position,
            _ => position += 1,
        }
    }
    position.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<&str> {
        split(source)
            .iter()
            .map(|chunk| &source[chunk.start..chunk.end])
            .collect()
    }

    #[test]
    fn splits_items_and_keeps_doc_comments() {
        let source = "// c\n/// doc\nenv a { x = \"}\" }\n\napp b: t {\n  y = 1\n}\n";
        assert_eq!(
            texts(source),
            vec!["/// doc\nenv a { x = \"}\" }", "app b: t {\n  y = 1\n}"]
        );
    }

    #[test]
    fn an_unclosed_item_stops_at_the_next_declaration() {
        let source = "env a {\n  x = 1\napp b: t { }\n";
        let chunks = split(source);
        assert_eq!(chunks.len(), 2);
        assert!(chunks[0].unclosed);
        assert!(!chunks[1].unclosed);
        assert_eq!(chunks[0].open, Some(6));
    }

    #[test]
    fn the_bracket_left_open_is_the_one_closed_at_another_indentation() {
        let source = "app a: t {\n    vars {\n        X = \"1\"\n}\n";
        let chunks = split(source);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].unclosed);
        assert_eq!(chunks[0].open, source.find("vars {").map(|at| at + 5));
        let aligned = "app a: t {\n    vars {\n        X = \"1\"\n    }\n";
        assert_eq!(split(aligned)[0].open, Some(9));
    }
}
