//! Lowering pest pairs to the AST. Each top-level chunk (see `split`) is parsed on its own, so a
//! file yields every item that parses plus one diagnostic per broken item. Pair shapes are never
//! assumed: an unexpected shape becomes an internal-error diagnostic, not a panic.
//!
//! [`Lowerer`] is one type whose methods live with what they lower: `items` (declarations),
//! `blocks` (blocks, entries, keys, field declarations), `types`, `exprs` (values), `strings`
//! (escapes, interpolation, dedent); `errors` words pest's errors for users.
//!
//! `fast` is tried first: a hand-written parser that builds the same tree for the common
//! declarations and leaves the rest, and every declaration with a problem, to pest.

mod blocks;
mod errors;
mod exprs;
mod fast;
mod items;
mod strings;
mod types;

use pest::Parser;
use pest::iterators::Pair;

use super::ast::{File, Ident, Item};
use super::split::{Chunk, split};
use super::{EhpParser, Rule};
use crate::diag::{Diagnostic, INTERNAL_ERROR, Problems, codes};
use crate::source::{FileId, Span};
use errors::syntax_error;

/// Reports the first place where a file is not UTF-8. The front ends read files lossily: a byte
/// sequence that is not UTF-8 becomes U+FFFD, which is never valid in a source (it would write
/// the replacement character to the output instead of what the author meant), so the first one
/// is the position of the first bad byte. The rest of the file is still parsed.
fn not_utf8(file: FileId, text: &str, problems: &mut Problems) {
    if let Some(at) = text.find('\u{FFFD}') {
        let line = text
            .get(..at)
            .map_or(0, |before| before.matches('\n').count())
            + 1;
        problems.push(
            Diagnostic::error(codes::NOT_UTF8, "the file is not UTF-8 text")
                .at(
                    Span::new(file, at, at + '\u{FFFD}'.len_utf8()),
                    format!("byte {at} (line {line}) is not UTF-8"),
                )
                .help(
                    "save the file as UTF-8; a character U+FFFD written on purpose must be \
                     replaced too, as it is what an unreadable byte becomes",
                ),
        );
    }
}

/// The deepest nesting of brackets a declaration may have.
pub const MAX_NESTING: usize = 64;

/// Held while pest's global error-detail switch is on.
static ERROR_DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses one file: every item that parses, and a diagnostic for each that does not.
pub fn parse_file(file: FileId, text: &str, problems: &mut Problems) -> File {
    let items = split_file(file, text, problems)
        .iter()
        .filter_map(|chunk| parse_chunk(file, text, chunk, problems))
        .collect();
    File { items }
}

/// Cuts a file into its top-level items (see `split`), reporting a file that is not UTF-8:
/// the first half of [`parse_file`], so that the items of one large file can be parsed on
/// several threads with [`parse_chunk`].
pub fn split_file(file: FileId, text: &str, problems: &mut Problems) -> Vec<Chunk> {
    not_utf8(file, text, problems);
    split(text)
}

/// Parses one top-level item of a file cut by [`split_file`]: the item, or `None` and a
/// diagnostic.
pub fn parse_chunk(
    file: FileId,
    text: &str,
    chunk: &Chunk,
    problems: &mut Problems,
) -> Option<Item> {
    if chunk.max_depth > MAX_NESTING {
        problems.push(
            Diagnostic::error(codes::TOO_DEEP, "declaration nested too deeply")
                .at(
                    Span::new(file, chunk.start, chunk.start),
                    "this declaration nests more than 64 levels",
                )
                .help("flatten the structure; deeper nesting is refused to keep ehp fast and safe"),
        );
        return None;
    }
    let source = text.get(chunk.start..chunk.end)?;
    let Some(item) = fast::item(file, chunk.start, source) else {
        return parse_with_pest(file, text, chunk, problems);
    };
    #[cfg(debug_assertions)]
    if let Some(disagreement) = disagreement(file, text, chunk, &item) {
        debug_assert!(
            false,
            "the hand-written parser and pest disagree: {disagreement}"
        );
    }
    Some(item)
}

/// How the hand-written parser fared on a file against pest (see `fast`), for the tests and the
/// fuzzer that hold them to each other.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Agreement {
    /// The file's top-level items.
    pub items: usize,
    /// The items the hand-written parser read (for the rest it gave up, and pest alone parses).
    pub read: usize,
    /// Each item it read otherwise than pest (or that pest found wrong): the item's text, the
    /// hand-written parser's tree and pest's.
    pub disagreements: Vec<String>,
}

/// Parses each top-level item of `text` with both parsers and compares the trees.
#[doc(hidden)]
pub fn hand_parser_agreement(text: &str) -> Agreement {
    let file = FileId(0);
    let mut agreement = Agreement::default();
    for chunk in split_file(file, text, &mut Problems::new()) {
        agreement.items += 1;
        let Some(source) = text.get(chunk.start..chunk.end) else {
            continue;
        };
        let Some(item) = fast::item(file, chunk.start, source) else {
            continue;
        };
        agreement.read += 1;
        agreement
            .disagreements
            .extend(disagreement(file, text, &chunk, &item));
    }
    agreement
}

/// How pest's tree of `chunk` differs from `item`, the hand-written parser's (or what pest
/// reports in it), described for a developer; `None` when they agree.
fn disagreement(file: FileId, text: &str, chunk: &Chunk, item: &Item) -> Option<String> {
    let mut found = Problems::new();
    let by_pest = format!("{:?}", parse_with_pest(file, text, chunk, &mut found));
    let by_hand = format!("{:?}", Some(item));
    (by_hand != by_pest || !found.as_slice().is_empty()).then(|| {
        format!(
            "{:?}\n  by hand: {by_hand}\n  by pest: {by_pest} {:?}",
            text.get(chunk.start..chunk.end),
            found.as_slice()
        )
    })
}

/// Parses one top-level item with pest, reporting what is wrong in it.
fn parse_with_pest(
    file: FileId,
    text: &str,
    chunk: &Chunk,
    problems: &mut Problems,
) -> Option<Item> {
    let source = text.get(chunk.start..chunk.end)?;
    let lowerer = Lowerer {
        file,
        offset: chunk.start,
        problems: &mut *problems,
    };
    match EhpParser::parse(Rule::item_only, source) {
        Ok(mut pairs) => {
            let item = pairs.next().and_then(|pair| pair.into_inner().next());
            item.and_then(|pair| lowerer.item(pair))
        }
        Err(error) => {
            // Parse the broken chunk again with pest's token tracking on, to name the
            // tokens it expected; the fast path above runs without it. The switch is global to
            // pest: one thread at a time turns it on, parses, and turns it off (another thread's
            // fast path may meanwhile track tokens too, which only slows it).
            let error = {
                let _one_at_a_time = ERROR_DETAIL
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                pest::set_error_detail(true);
                let error = EhpParser::parse(Rule::item_only, source)
                    .err()
                    .unwrap_or(error);
                pest::set_error_detail(false);
                error
            };
            let open = chunk.open.filter(|_| chunk.unclosed);
            problems.push(syntax_error(&error, file, chunk.start, source, open));
            None
        }
    }
}

/// Turns pairs of one chunk into AST nodes.
struct Lowerer<'p> {
    file: FileId,
    offset: usize,
    problems: &'p mut Problems,
}

impl Lowerer<'_> {
    /// The span of a pair without the whitespace and comments pest takes in after its last
    /// token (a rule ending in `x?` or `x*` keeps the trivia it skipped looking for `x`).
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        let end = span.start() + content_len(pair.as_str());
        Span::new(self.file, self.offset + span.start(), self.offset + end)
    }

    /// Reports a pair shape the grammar should never produce. Keyword tokens (`env`, `in`,
    /// ...) carry nothing the AST needs and are skipped here, wherever they appear.
    fn internal(&mut self, pair: &Pair<'_, Rule>) {
        if matches!(
            pair.as_rule(),
            Rule::env_kw
                | Rule::template_kw
                | Rule::app_kw
                | Rule::values_kw
                | Rule::in_kw
                | Rule::promotion_kw
                | Rule::replace_kw
                | Rule::eq
        ) {
            return;
        }
        let span = self.span(pair);
        self.problems.push(
            Diagnostic::error(
                codes::SYNTAX,
                format!("unexpected syntax node `{:?}`", pair.as_rule()),
            )
            .at(span, "the parser produced a shape ehp does not understand")
            .help(INTERNAL_ERROR),
        );
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(pair),
        }
    }

    fn doc(pair: &Pair<'_, Rule>) -> String {
        doc_text(pair.as_str())
    }
}

/// A doc comment's text: without the `///`, one space after it and the blanks at its end.
fn doc_text(comment: &str) -> String {
    let text = comment.trim_start_matches("///");
    text.strip_prefix(' ')
        .unwrap_or(text)
        .trim_end()
        .to_string()
}

/// The length of `text` without trailing whitespace and trailing `//` comments.
fn content_len(text: &str) -> usize {
    if text.contains("\"\"\"") {
        // A line may start inside a `"""` string, where `//` is text: read from the start.
        return code_end(text);
    }
    let mut end = text.trim_end().len();
    loop {
        let kept = text.get(..end).unwrap_or("");
        // Most last lines hold no `/`, so no comment: found by reading back to the line's start
        // or its last `/`, whichever comes first (every pair's span comes here).
        let last_line_has_slash = kept
            .as_bytes()
            .iter()
            .rev()
            .find(|&&byte| byte == b'\n' || byte == b'/')
            == Some(&b'/');
        if !last_line_has_slash {
            return end;
        }
        let line_start = kept.rfind('\n').map_or(0, |newline| newline + 1);
        let line = kept.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(comment) => {
                end = kept
                    .get(..line_start + comment)
                    .unwrap_or("")
                    .trim_end()
                    .len();
            }
            None => return end,
        }
    }
}

/// Where the last character of `text` that is not a blank or in a `//` comment ends, strings
/// (`"..."` and `"""..."""`, with their escapes) read whole.
fn code_end(text: &str) -> usize {
    let mut end = 0;
    let mut rest = text.char_indices().peekable();
    while let Some((at, character)) = rest.next() {
        let tail = text.get(at..).unwrap_or_default();
        let closing = if tail.starts_with("\"\"\"") {
            "\"\"\""
        } else if character == '"' {
            "\""
        } else if tail.starts_with("//") {
            while rest.next_if(|&(_, next)| next != '\n').is_some() {}
            continue;
        } else {
            if !character.is_whitespace() {
                end = at + character.len_utf8();
            }
            continue;
        };
        // A string: up to its closing quotes, past escapes, or to the end of the text.
        let body = at + closing.len();
        let mut after = text.len();
        let mut index = body;
        while let Some(next) = text.get(index..).and_then(|from| from.chars().next()) {
            if next == '\\' {
                index += 1 + text
                    .get(index + 1..)
                    .and_then(|from| from.chars().next())
                    .map_or(0, char::len_utf8);
            } else if text
                .get(index..)
                .is_some_and(|from| from.starts_with(closing))
            {
                after = index + closing.len();
                break;
            } else {
                index += next.len_utf8();
            }
        }
        end = after;
        while rest.next_if(|&(next, _)| next < after).is_some() {}
    }
    end
}

/// Where a `//` comment starts in a line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'\\' if in_string => index += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(index + 1) == Some(&b'/') => return Some(index),
            _ => {}
        }
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Item;

    fn parse(text: &str) -> (File, Vec<Diagnostic>) {
        let mut problems = Problems::new();
        let file = parse_file(FileId(0), text, &mut problems);
        (file, problems.into_sorted())
    }

    #[test]
    fn parses_the_three_kinds_of_declaration() {
        let (file, diagnostics) = parse(
            "/// Base.\nabstract env base { domain = \"x.example\" defaults { replicas = 1 } }\n\
             template web extends app { port: port(1..) = 8080\n values { a.b = port } }\n\
             app journal: web { tag = \"1.10\" memory = 512Mi\n in prod, preprod { replicas = 3 } }\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(file.items.len(), 3);
        let Some(Item::App(app)) = file.items.get(2) else {
            panic!("third item is an app")
        };
        assert_eq!(app.overrides.first().map(|o| o.envs.len()), Some(2));
    }

    #[test]
    fn blanks_comments_and_string_text_read_as_written() {
        // Blanks of every kind, a byte-order mark, comments between any two tokens, `////` as
        // a plain comment, and string text with `$`, `/` and non-ASCII characters in it.
        let (file, diagnostics) = parse(
            "\u{FEFF}// head\n/// Doc.\n//// plain\napp a: t {\r\n\tx // c\n = \"$a //b é\" // c\n\
             y.z = \"${env.name}-\\n\"\n}\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let Some(Item::App(app)) = file.items.first() else {
            panic!("an app")
        };
        assert_eq!(app.docs, vec!["Doc.".to_string()]);
        let texts: Vec<Option<String>> = app
            .entries
            .iter()
            .map(|entry| entry.value.as_plain_str())
            .collect();
        assert_eq!(texts, vec![Some("$a //b é".to_string()), None]);
        let Some(entry) = app.entries.first() else {
            panic!("an entry")
        };
        // The span of `x = "..."` stops before the comment after it.
        let text = "\u{FEFF}// head\n/// Doc.\n//// plain\napp a: t {\r\n\tx // c\n = \"$a //b é\"";
        assert_eq!(entry.span.end as usize, text.len());
    }

    /// A `//` inside a `"""` string, on the line that closes it, is text: the entry's span
    /// runs to the closing quotes, and a comment after them is still left out.
    #[test]
    fn spans_end_at_the_closing_quotes_of_a_triple_string() {
        for (text, value) in [
            (
                "app a: t {\n    x = \"\"\"\n  a\n  http://x\"\"\"\n}\n",
                "\"\"\"\n  a\n  http://x\"\"\"",
            ),
            (
                "app a: t {\n    x = \"\"\"\n  \\\"q // \"\"\" // c\n}\n",
                "\"\"\"\n  \\\"q // \"\"\"",
            ),
        ] {
            let (file, diagnostics) = parse(text);
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
            let Some(Item::App(app)) = file.items.first() else {
                panic!("an app")
            };
            let Some(entry) = app.entries.first() else {
                panic!("an entry")
            };
            assert_eq!(text.get(entry.value.span.range()), Some(value));
            assert_eq!(entry.span.end, entry.value.span.end);
        }
    }

    #[test]
    fn a_broken_item_does_not_hide_the_next_one() {
        let (file, diagnostics) = parse("env a { x = }\napp b: t { y = 1 }\napp c: t { z 2 }\n");
        assert_eq!(file.items.len(), 1);
        assert_eq!(diagnostics.len(), 2);
        assert!(
            diagnostics.iter().all(|d| d.code == codes::SYNTAX),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn ten_thousand_nested_braces_give_a_diagnostic() {
        let text = format!(
            "env a {{ x = {}{} }}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let (_, diagnostics) = parse(&text);
        assert_eq!(diagnostics.first().map(|d| d.code), Some(codes::TOO_DEEP));
    }
}
