//! Syntax errors: what pest expected, in the words a user would use, what it found, and a
//! help line for the common mistakes; an unclosed block at the end of a declaration is its own
//! diagnostic.

use pest::error::InputLocation;

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};
use crate::syntax::Rule;

/// Words for rules, as a user would say them.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::item
        | Rule::env_decl
        | Rule::template_decl
        | Rule::app_decl
        | Rule::promotion_decl
        | Rule::abstract_kw => "a declaration (`env`, `template` or `app`)",
        Rule::private_override => "a private override (`in ENV { APP { ... } }`)",
        Rule::entry | Rule::key_path | Rule::key | Rule::app_member | Rule::template_member => {
            "a field"
        }
        Rule::field_decl => "a field declaration (`name: type`)",
        Rule::env_override => "an override (`in ENV { ... }`)",
        Rule::values_block => "a `values { ... }` block",
        Rule::expr
        | Rule::string
        | Rule::plain_string
        | Rule::triple_string
        | Rule::number
        | Rule::unit_number
        | Rule::boolean
        | Rule::null
        | Rule::list
        | Rule::call
        | Rule::reference
        | Rule::arg => "a value",
        Rule::block | Rule::template_body | Rule::app_body => "`{`",
        Rule::replace_block => "`replace { ... }`",
        Rule::name => "a name",
        Rule::type_expr
        | Rule::type_atom
        | Rule::list_type
        | Rule::map_type
        | Rule::record_type
        | Rule::enum_type
        | Rule::range_type
        | Rule::named_type => "a type",
        Rule::range_bound => "a whole number",
        Rule::optional => "`?`",
        Rule::extends => "`extends`",
        Rule::EOI => "the end of the declaration",
        Rule::interp => "`${...}`",
        Rule::escape => "an escape",
        Rule::env_kw
        | Rule::template_kw
        | Rule::app_kw
        | Rule::values_kw
        | Rule::in_kw
        | Rule::promotion_kw
        | Rule::replace_kw => "a keyword",
        Rule::eq => "`=`",
        Rule::missing_comma => "`,`",
        Rule::extends_kw => "`extends`",
        Rule::doc
        | Rule::plain_text
        | Rule::triple_text
        | Rule::file
        | Rule::item_only
        | Rule::WHITESPACE
        | Rule::comment
        | Rule::ident_char
        | Rule::sep
        | Rule::list_sep => return None,
    })
}

fn describe_found(source: &str, position: usize) -> String {
    let rest = source.get(position..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "the end of the declaration".into();
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        format!("`{word}`")
    } else if first == '\n' || first == '\r' {
        "the end of the line".into()
    } else {
        format!("`{first}`")
    }
}

fn join_alternatives(mut words: Vec<String>) -> String {
    words.sort();
    words.dedup();
    match words.len() {
        0 => "something else".into(),
        1 => words.concat(),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {last}", words.join(", "))
        }
    }
}

/// The diagnostic for a chunk pest could not parse.
pub(super) fn syntax_error(
    error: &pest::error::Error<Rule>,
    file: FileId,
    offset: usize,
    source: &str,
    open: Option<usize>,
) -> Diagnostic {
    let position = match error.location {
        InputLocation::Pos(position) => position,
        InputLocation::Span((start, _)) => start,
    };
    let found = describe_found(source, position);
    let mut expected: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(
            positives
                .iter()
                .filter_map(|rule| rule_words(*rule))
                .map(String::from),
        );
    }
    if let Some(attempts) = error.parse_attempts() {
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            {
                if [
                    "=", ":", "{", "}", "[", "]", "(", ")", ",", "\"", "..", "extends", "in",
                    "values",
                ]
                .contains(&token.as_str())
                {
                    expected.push(format!("`{token}`"));
                }
            }
        }
    }
    if expected.iter().any(|word| word == "a value") {
        expected.retain(|word| !["`\"`", "`[`", "`{`", "`(`"].contains(&word.as_str()));
    }
    let at_end = position >= source.trim_end().len();
    let span_end = source
        .get(position..)
        .and_then(|rest| rest.chars().next())
        .map_or(position, |c| position + c.len_utf8());
    let span = Span::new(file, offset + position, offset + span_end);
    if let Some(diagnostic) = value_missing(source, position, file, offset) {
        return diagnostic;
    }
    if let Some(open) = open.filter(|_| at_end) {
        return unclosed_block(source, file, offset, open, position);
    }
    let expected = join_alternatives(expected);
    Diagnostic::error(codes::SYNTAX, format!("expected {expected}, found {found}"))
        .at(span, format!("expected {expected} here"))
        .help(syntax_help(source, position, &found))
}

/// E0102: the bracket at `open` (an offset in the file) is never closed before the declaration
/// ends at `end` (in the chunk).
fn unclosed_block(
    source: &str,
    file: FileId,
    offset: usize,
    open: usize,
    end: usize,
) -> Diagnostic {
    let bracket = source
        .get(open.saturating_sub(offset)..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or('{');
    let closing = match bracket {
        '[' => ']',
        '(' => ')',
        _ => '}',
    };
    Diagnostic::error(codes::UNCLOSED_BLOCK, format!("unclosed `{bracket}`"))
        .at(
            Span::new(file, open, open + 1),
            format!("this `{bracket}` is never closed"),
        )
        .also(
            Span::new(file, offset + end, offset + end),
            format!("the declaration ends here, with `{bracket}` still open"),
        )
        .help(format!(
            "add the missing `{closing}` where the block should end, so the declaration ends before the next one"
        ))
}

/// A `=` with nothing after it on its line: the value is missing there (a value starts on the
/// line of its `=`).
fn value_missing(source: &str, position: usize, file: FileId, offset: usize) -> Option<Diagnostic> {
    let rest = source.get(position..)?;
    let after = rest.strip_prefix('=')?;
    let line = after.split('\n').next().unwrap_or(after);
    let blank = line.trim_start_matches([' ', '\t', '\r']);
    if !(blank.is_empty() || blank.starts_with("//")) {
        return None;
    }
    let span = Span::new(file, offset + position, offset + position + 1);
    Some(
        Diagnostic::error(codes::SYNTAX, "expected a value after `=`, found the end of the line")
            .at(span, "no value after this `=` on its line")
            .help("write the value on the same line as `=`: a string in double quotes, a number, `true`/`false`, a list `[...]` or a block `{...}`"),
    )
}

fn syntax_help(source: &str, position: usize, found: &str) -> String {
    let before = source.get(..position).unwrap_or("").trim_end();
    if found.starts_with("`'") {
        "strings are written in double quotes: \"text\"".into()
    } else if before.ends_with('=') {
        "write a value after `=`: a string in double quotes, a number, `true`/`false`, a list `[...]` or a block `{...}`".into()
    } else if found == "`:`" {
        "fields of an app or environment are set with `=`; `name: type` declares a field and belongs in a template".into()
    } else {
        "see docs/language.md for the shape of declarations and fields".into()
    }
}
