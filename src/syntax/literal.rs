//! How text is written in `.ehp` source: string literals with the escapes the grammar reads
//! back (`\\`, `\"`, `\n`, `\t`, `\r`, and `\$` before `{` so that no `${` becomes an
//! interpolation), and keys, bare when they are names and quoted otherwise. The formatter, the
//! value printer and the source edits of `promote` all write text through here.

/// Whether `text` can be written as a bare name (`name` in the grammar): a letter or `_`, then
/// letters, digits, `_` and `-`.
pub fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A key as written in a block: the bare name when it is one, else a string literal.
pub fn key(name: &str) -> String {
    if is_name(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A plain one-line string literal for `text`, with the escapes `.ehp` strings need.
pub fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text, false))
}

/// The inside of a string literal for `text`: backslashes, quotes and a `$` that starts `${`
/// escaped; line breaks, tabs and carriage returns escaped too unless `multiline` (the inside of
/// a `"""` string, which holds them as they are).
pub fn escape(text: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' if !multiline => out.push_str("\\n"),
            '\t' if !multiline => out.push_str("\\t"),
            '\r' if !multiline => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_what_the_grammar_reads_specially() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("x\ny\tz\r"), "\"x\\ny\\tz\\r\"");
        assert_eq!(quote("${price}"), "\"\\${price}\"");
        assert_eq!(quote("$5 and $"), "\"$5 and $\"");
        assert_eq!(escape("a\n\"${b}", true), "a\n\\\"\\${b}");
    }

    #[test]
    fn keys_are_bare_only_when_they_are_names() {
        assert_eq!(key("replicas"), "replicas");
        assert_eq!(key("_x-1"), "_x-1");
        assert_eq!(key("app.kubernetes.io/name"), "\"app.kubernetes.io/name\"");
        assert_eq!(key("1st"), "\"1st\"");
        assert_eq!(key(""), "\"\"");
    }
}
