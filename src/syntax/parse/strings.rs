//! Lowering strings: plain and `"""` strings, escapes, `${...}` interpolation, and the
//! dedenting of triple-quoted strings (only raw text takes part in it).

use pest::iterators::Pair;

use super::Lowerer;
use crate::diag::{Diagnostic, codes};
use crate::source::Span;
use crate::syntax::Rule;
use crate::syntax::ast::{Expr, ExprKind, Ident, StrPart};

impl Lowerer<'_> {
    pub(super) fn string(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::plain_string => self.plain_string(inner),
            Rule::triple_string => {
                let span = self.span(&inner);
                let pieces = self.pieces(inner);
                Some(Expr {
                    kind: ExprKind::Str(dedent(pieces)),
                    span,
                })
            }
            _ => {
                self.internal(&inner);
                None
            }
        }
    }

    pub(super) fn plain_string(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let parts = self.string_parts(pair);
        Some(Expr {
            kind: ExprKind::Str(parts),
            span,
        })
    }

    fn string_parts(&mut self, pair: Pair<'_, Rule>) -> Vec<StrPart> {
        // The common string is one run of text: its part straight from the pair, without the
        // pieces and their joining.
        let mut inner = pair.clone().into_inner();
        match (inner.next(), inner.next()) {
            (None, _) => Vec::new(),
            (Some(text), None) if text.as_rule() == Rule::plain_text => {
                vec![StrPart::Text(text.as_str().to_string())]
            }
            _ => join_pieces(self.pieces(pair)),
        }
    }

    /// The pieces of a string as written: raw text, resolved escapes and interpolations.
    fn pieces(&mut self, pair: Pair<'_, Rule>) -> Vec<Piece> {
        let mut pieces = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::plain_text | Rule::triple_text => {
                    pieces.push(Piece::Raw(inner.as_str().to_string()));
                }
                Rule::escape => {
                    let escaped = match inner.as_str() {
                        "\\n" => "\n",
                        "\\t" => "\t",
                        "\\r" => "\r",
                        "\\\\" => "\\",
                        "\\\"" => "\"",
                        "\\$" => "$",
                        other => {
                            let span = self.span(&inner);
                            self.problems.push(
                                Diagnostic::error(codes::BAD_ESCAPE, format!("unknown escape `{other}`"))
                                    .at(span, "not an escape ehp knows")
                                    .help("the escapes are \\n, \\t, \\r, \\\\, \\\" and \\$; write \\\\ for a backslash"),
                            );
                            ""
                        }
                    };
                    pieces.push(Piece::Escaped(escaped.to_string()));
                }
                Rule::interp => {
                    let span = self.span(&inner);
                    let path = inner
                        .into_inner()
                        .next()
                        .map(|reference| self.reference(reference));
                    pieces.push(Piece::Interp(path.unwrap_or_default(), span));
                }
                _ => self.internal(&inner),
            }
        }
        pieces
    }
}

/// A piece of a string literal before dedenting: only raw text takes part in line splitting and
/// indentation, so an escaped `\n` never starts a line of its own.
#[derive(Debug, Clone)]
enum Piece {
    Raw(String),
    Escaped(String),
    Interp(Vec<Ident>, Span),
}

fn join_pieces(pieces: Vec<Piece>) -> Vec<StrPart> {
    let mut parts: Vec<StrPart> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Raw(text) | Piece::Escaped(text) => {
                if let Some(StrPart::Text(last)) = parts.last_mut() {
                    last.push_str(&text);
                } else {
                    parts.push(StrPart::Text(text));
                }
            }
            Piece::Interp(path, span) => parts.push(StrPart::Interp(path, span)),
        }
    }
    parts
}

/// Dedents a `"""` string: drops the newline after the opening quotes and the line of the
/// closing quotes when it is blank, then removes the smallest indentation of the lines that
/// are not blank.
fn dedent(pieces: Vec<Piece>) -> Vec<StrPart> {
    // Split into lines on raw newlines only.
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    for piece in pieces {
        match piece {
            Piece::Raw(text) => {
                for (index, segment) in text.split('\n').enumerate() {
                    if index > 0 {
                        lines.push(Vec::new());
                    }
                    if let Some(line) = lines.last_mut() {
                        line.push(Piece::Raw(
                            segment.strip_suffix('\r').unwrap_or(segment).to_string(),
                        ));
                    }
                }
            }
            other => {
                if let Some(line) = lines.last_mut() {
                    line.push(other);
                }
            }
        }
    }
    let blank = |line: &Vec<Piece>| {
        line.iter()
            .all(|piece| matches!(piece, Piece::Raw(text) if text.trim().is_empty()))
    };
    if lines.len() > 1 && lines.first().is_some_and(blank) {
        lines.remove(0);
    }
    let closing_blank = lines.len() > 1 && lines.last().is_some_and(blank);
    if closing_blank && let Some(last) = lines.last_mut() {
        last.clear();
    }
    let leading = |line: &Vec<Piece>| match line.first() {
        Some(Piece::Raw(text)) => text.len() - text.trim_start_matches([' ', '\t']).len(),
        _ => 0,
    };
    let indent = lines
        .iter()
        .filter(|line| !blank(line))
        .map(leading)
        .min()
        .unwrap_or(0);
    let mut pieces = Vec::new();
    let count = lines.len();
    for (index, mut line) in lines.into_iter().enumerate() {
        if let Some(Piece::Raw(text)) = line.first_mut() {
            let cut = leading_cut(text, indent);
            text.replace_range(..cut, "");
        }
        pieces.extend(line);
        if index + 1 < count {
            pieces.push(Piece::Raw("\n".into()));
        }
    }
    join_pieces(pieces)
}

/// How many bytes of leading spaces and tabs to cut, at most `indent`.
fn leading_cut(text: &str, indent: usize) -> usize {
    let whitespace = text.len() - text.trim_start_matches([' ', '\t']).len();
    whitespace.min(indent)
}

#[cfg(test)]
mod tests {
    use crate::diag::Problems;
    use crate::source::FileId;
    use crate::syntax::ast::Item;
    use crate::syntax::parse_file;

    /// The text of the first entry of the first app of `text`.
    fn first_string(text: &str) -> Option<String> {
        let file = parse_file(FileId(0), text, &mut Problems::new());
        let Some(Item::App(app)) = file.items.first() else {
            panic!("an app")
        };
        app.entries
            .first()
            .and_then(|entry| entry.value.as_plain_str())
    }

    #[test]
    fn triple_strings_are_dedented() {
        let text = first_string("app a: t { f = \"\"\"\n    line 1\n      line 2\n    \"\"\" }");
        assert_eq!(text.as_deref(), Some("line 1\n  line 2\n"));
    }

    #[test]
    fn escaped_newlines_do_not_take_part_in_dedent() {
        let text = first_string("app a: t { f = \"\"\"\n    one\\n  two\n    three\n    \"\"\" }");
        assert_eq!(text.as_deref(), Some("one\n  two\nthree\n"));
    }
}
