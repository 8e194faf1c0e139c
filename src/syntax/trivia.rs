//! Trivia the AST does not keep: plain `//` comments (doc comments are in the AST). The
//! formatter weaves them back by byte offset.

/// A `//` comment: its byte range (from `//` to the end of the line, without the newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    /// The first byte (`/`).
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Every plain comment of a file, in order; strings are skipped, so `"//"` is no comment.
pub fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let rest = bytes.get(index..).unwrap_or(&[]);
        if byte == b'"' {
            index = super::split::skip_string(bytes, index);
        } else if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |offset| index + offset);
            let end = if bytes.get(end.saturating_sub(1)) == Some(&b'\r') {
                end - 1
            } else {
                end
            };
            let is_doc = rest.starts_with(b"///") && !rest.starts_with(b"////");
            if !is_doc {
                found.push(Comment { start: index, end });
            }
            index = end.max(index + 2);
        } else {
            index += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_but_not_docs_or_strings() {
        let text = "// a\n/// doc\nx = \"// no\" // b\r\n//// c\n";
        let found: Vec<&str> = comments(text)
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect();
        assert_eq!(found, ["// a", "// b", "//// c"]);
    }
}
