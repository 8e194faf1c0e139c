//! Lowering pest pairs to the AST. Each top-level chunk (see `split`) is parsed on its own, so a
//! file yields every item that parses plus one diagnostic per broken item. Pair shapes are never
//! assumed: an unexpected shape becomes an internal-error diagnostic, not a panic.

use pest::Parser;
use pest::error::InputLocation;
use pest::iterators::Pair;

use super::ast::{
    AppDecl, Arg, Block, Entry, EnvDecl, Expr, ExprKind, FieldDecl, File, Ident, Item, Key,
    Override, PromotionDecl, StrPart, TemplateDecl, TypeExpr, TypeExprKind,
};
use super::split::split;
use super::{EhpParser, Rule};
use crate::diag::{Diagnostic, INTERNAL_ERROR, Problems, codes};
use crate::source::{FileId, Span};

/// The deepest nesting of brackets a declaration may have.
pub const MAX_NESTING: usize = 64;

/// Parses one file: every item that parses, and a diagnostic for each that does not.
pub fn parse_file(file: FileId, text: &str, problems: &mut Problems) -> File {
    let mut items = Vec::new();
    for chunk in split(text) {
        let span = Span::new(file, chunk.start, chunk.end);
        if chunk.max_depth > MAX_NESTING {
            problems.push(
                Diagnostic::error(codes::TOO_DEEP, "declaration nested too deeply")
                    .at(Span::new(file, chunk.start, chunk.start), "this declaration nests more than 64 levels")
                    .help("flatten the structure; deeper nesting is refused to keep ehp fast and safe"),
            );
            continue;
        }
        let Some(source) = text.get(chunk.start..chunk.end) else {
            continue;
        };
        let lowerer = Lowerer {
            file,
            offset: chunk.start,
            problems: &mut *problems,
        };
        match EhpParser::parse(Rule::item_only, source) {
            Ok(mut pairs) => {
                let item = pairs.next().and_then(|pair| pair.into_inner().next());
                if let Some(item) = item.and_then(|pair| lowerer.item(pair)) {
                    items.push(item);
                }
            }
            Err(error) => {
                // Parse the broken chunk again with pest's token tracking on, to name the
                // tokens it expected; the fast path above runs without it.
                pest::set_error_detail(true);
                let error = EhpParser::parse(Rule::item_only, source)
                    .err()
                    .unwrap_or(error);
                pest::set_error_detail(false);
                let diagnostic = syntax_error(&error, file, chunk.start, source, chunk.unclosed);
                problems.push(
                    diagnostic
                        .also(span.to(span), "in this declaration")
                        .into_primary_only(),
                );
            }
        }
    }
    File { items }
}

trait PrimaryOnly {
    fn into_primary_only(self) -> Self;
}

impl PrimaryOnly for Diagnostic {
    /// Drops the "in this declaration" label when it would only repeat the primary one.
    fn into_primary_only(mut self) -> Diagnostic {
        self.secondary.clear();
        self
    }
}

/// Words for rules, as a user would say them.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::item
        | Rule::env_decl
        | Rule::template_decl
        | Rule::app_decl
        | Rule::promotion_decl
        | Rule::abstract_kw => "a declaration (`env`, `template` or `app`)",
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
        | Rule::promotion_kw => "a keyword",
        Rule::extends_kw => "`extends`",
        Rule::doc
        | Rule::plain_text
        | Rule::triple_text
        | Rule::file
        | Rule::item_only
        | Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::ident_char
        | Rule::sep => return None,
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

fn syntax_error(
    error: &pest::error::Error<Rule>,
    file: FileId,
    offset: usize,
    source: &str,
    unclosed: bool,
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
    if unclosed && at_end {
        return Diagnostic::error(codes::UNCLOSED_BLOCK, "unclosed block")
            .at(
                Span::new(file, offset + position, offset + position),
                "the declaration ends here, with a block still open",
            )
            .help("add the missing `}` (or `]`) so the declaration ends before the next one");
    }
    let expected = join_alternatives(expected);
    Diagnostic::error(codes::SYNTAX, format!("expected {expected}, found {found}"))
        .at(span, format!("expected {expected} here"))
        .help(syntax_help(source, position, &found))
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
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn doc(pair: &Pair<'_, Rule>) -> String {
        let text = pair.as_str().trim_start_matches("///");
        text.strip_prefix(' ')
            .unwrap_or(text)
            .trim_end()
            .to_string()
    }

    fn item(mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::env_decl => return self.env_decl(inner, docs).map(Item::Env),
                Rule::template_decl => return self.template_decl(inner, docs).map(Item::Template),
                Rule::app_decl => return self.app_decl(inner, docs).map(Item::App),
                Rule::promotion_decl => {
                    return self.promotion_decl(inner, docs).map(Item::Promotion);
                }
                _ => self.internal(&inner),
            }
        }
        None
    }

    fn env_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<EnvDecl> {
        let span = self.span(&pair);
        let (mut is_abstract, mut name, mut parent, mut body) = (false, None, None, None);
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::abstract_kw => is_abstract = true,
                Rule::name => name = Some(self.ident(&inner)),
                Rule::extends => parent = self.extends(inner),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(EnvDecl {
            docs,
            is_abstract,
            name: name?,
            parent,
            body: body?,
            span,
        })
    }

    fn promotion_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<PromotionDecl> {
        let span = self.span(&pair);
        let mut keyword = span;
        let mut body = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::promotion_kw => keyword = self.span(&inner),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(PromotionDecl {
            docs,
            keyword,
            body: body?,
            span,
        })
    }

    fn extends(&mut self, pair: Pair<'_, Rule>) -> Option<Ident> {
        let inner = pair
            .into_inner()
            .find(|inner| inner.as_rule() == Rule::name)?;
        Some(self.ident(&inner))
    }

    fn template_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<TemplateDecl> {
        let span = self.span(&pair);
        let mut decl = TemplateDecl {
            docs,
            name: Ident {
                name: String::new(),
                span,
            },
            parent: None,
            fields: Vec::new(),
            defaults: Vec::new(),
            values: None,
            span,
        };
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => decl.name = self.ident(&inner),
                Rule::extends => decl.parent = self.extends(inner),
                Rule::template_body => {
                    for member in inner.into_inner() {
                        self.template_member(member, &mut decl);
                    }
                }
                _ => self.internal(&inner),
            }
        }
        Some(decl)
    }

    fn template_member(&mut self, pair: Pair<'_, Rule>, decl: &mut TemplateDecl) {
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::values_block => {
                    let block = inner
                        .into_inner()
                        .find(|block| block.as_rule() == Rule::block)
                        .and_then(|block| self.block(block));
                    if let (Some(previous), Some(block)) = (&decl.values, &block) {
                        self.problems.push(
                            Diagnostic::error(
                                codes::DUPLICATE_KEY,
                                "a template has two `values` blocks",
                            )
                            .at(block.span, "second `values` block")
                            .also(previous.span, "first `values` block")
                            .help("merge the two blocks into one"),
                        );
                    } else {
                        decl.values = block;
                    }
                }
                Rule::field_decl => {
                    if let Some(field) = self.field_decl(inner, std::mem::take(&mut docs)) {
                        decl.fields.push(field);
                    }
                }
                Rule::entry => {
                    if let Some(entry) = self.entry(inner, std::mem::take(&mut docs)) {
                        decl.defaults.push(entry);
                    }
                }
                _ => self.internal(&inner),
            }
        }
    }

    fn app_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<AppDecl> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut entries = Vec::new();
        let mut overrides = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => names.push(self.ident(&inner)),
                Rule::app_body => {
                    for member in inner.into_inner() {
                        let mut member_docs = Vec::new();
                        for part in member.into_inner() {
                            match part.as_rule() {
                                Rule::doc => member_docs.push(Self::doc(&part)),
                                Rule::entry => {
                                    entries
                                        .extend(self.entry(part, std::mem::take(&mut member_docs)));
                                }
                                Rule::env_override => overrides.extend(self.env_override(part)),
                                _ => self.internal(&part),
                            }
                        }
                    }
                }
                _ => self.internal(&inner),
            }
        }
        let mut names = names.into_iter();
        let name = names.next()?;
        let template = names.next()?;
        Some(AppDecl {
            docs,
            name,
            template,
            entries,
            overrides,
            span,
        })
    }

    fn env_override(&mut self, pair: Pair<'_, Rule>) -> Option<Override> {
        let span = self.span(&pair);
        let mut envs = Vec::new();
        let mut body = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => envs.push(self.ident(&inner)),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(Override {
            envs,
            body: body?,
            span,
        })
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Option<Block> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::entry => entries.extend(self.entry(inner, std::mem::take(&mut docs))),
                _ => self.internal(&inner),
            }
        }
        Some(Block { entries, span })
    }

    fn entry(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<Entry> {
        let span = self.span(&pair);
        let mut path = Vec::new();
        let mut value = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::key_path => {
                    for key in inner.into_inner() {
                        path.extend(self.key(key));
                    }
                }
                Rule::expr => value = self.expr(inner),
                Rule::block => {
                    let block_span = self.span(&inner);
                    value = self.block(inner).map(|block| Expr {
                        kind: ExprKind::Block(block),
                        span: block_span,
                    });
                }
                _ => self.internal(&inner),
            }
        }
        Some(Entry {
            docs,
            path,
            value: value?,
            span,
        })
    }

    fn key(&mut self, pair: Pair<'_, Rule>) -> Option<Key> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::name => Some(Key {
                name: inner.as_str().to_string(),
                span,
            }),
            Rule::string => {
                let expr = self.string(inner)?;
                match expr.as_plain_str() {
                    Some(name) => Some(Key { name, span }),
                    None => {
                        self.problems.push(
                            Diagnostic::error(codes::SYNTAX, "a key cannot interpolate")
                                .at(span, "`${...}` is not allowed in a key")
                                .help("write the key as plain text"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.internal(&inner);
                None
            }
        }
    }

    fn field_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<FieldDecl> {
        let span = self.span(&pair);
        let (mut name, mut ty, mut default) = (None, None, None);
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::key => name = self.key(inner),
                Rule::type_expr => ty = self.type_expr(inner),
                Rule::expr => default = self.expr(inner),
                _ => self.internal(&inner),
            }
        }
        Some(FieldDecl {
            docs,
            name: name?,
            ty: ty?,
            default,
            span,
        })
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let mut optional = false;
        let mut kind = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::optional => optional = true,
                Rule::type_atom => {
                    kind = inner
                        .into_inner()
                        .next()
                        .and_then(|atom| self.type_atom(atom));
                }
                _ => self.internal(&inner),
            }
        }
        Some(TypeExpr {
            kind: kind?,
            optional,
            span,
        })
    }

    fn type_atom(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExprKind> {
        match pair.as_rule() {
            Rule::named_type => {
                let name = pair.into_inner().next()?;
                Some(TypeExprKind::Named(self.ident(&name)))
            }
            Rule::list_type => {
                let inner = self.type_expr(pair.into_inner().next()?)?;
                Some(TypeExprKind::List(Box::new(inner)))
            }
            Rule::map_type => {
                let inner = self.type_expr(pair.into_inner().next()?)?;
                Some(TypeExprKind::Map(Box::new(inner)))
            }
            Rule::record_type => {
                let mut fields = Vec::new();
                let mut docs = Vec::new();
                for inner in pair.into_inner() {
                    match inner.as_rule() {
                        Rule::doc => docs.push(Self::doc(&inner)),
                        Rule::field_decl => {
                            fields.extend(self.field_decl(inner, std::mem::take(&mut docs)));
                        }
                        Rule::env_kw
                        | Rule::template_kw
                        | Rule::app_kw
                        | Rule::values_kw
                        | Rule::in_kw => {}
                        _ => self.internal(&inner),
                    }
                }
                Some(TypeExprKind::Record(fields))
            }
            Rule::enum_type => {
                let mut variants = Vec::new();
                for inner in pair.into_inner() {
                    let span = self.span(&inner);
                    let expr = self.plain_string(inner)?;
                    variants.push(Key {
                        name: expr.as_plain_str().unwrap_or_default(),
                        span,
                    });
                }
                Some(TypeExprKind::Enum(variants))
            }
            Rule::range_type => {
                let mut base = None;
                let mut bounds: Vec<(usize, Option<i64>)> = Vec::new();
                let text = pair.as_str();
                let pair_start = pair.as_span().start();
                for inner in pair.into_inner() {
                    match inner.as_rule() {
                        Rule::name => base = Some(self.ident(&inner)),
                        Rule::range_bound => {
                            let position = inner.as_span().start() - pair_start;
                            bounds.push((position, self.integer(&inner)));
                        }
                        Rule::env_kw
                        | Rule::template_kw
                        | Rule::app_kw
                        | Rule::values_kw
                        | Rule::in_kw => {}
                        _ => self.internal(&inner),
                    }
                }
                let dots = text.find("..").unwrap_or(0);
                let mut min = None;
                let mut max = None;
                for (position, value) in bounds {
                    if position < dots {
                        min = value;
                    } else {
                        max = value;
                    }
                }
                Some(TypeExprKind::Range {
                    base: base?,
                    min,
                    max,
                })
            }
            _ => {
                self.internal(&pair);
                None
            }
        }
    }

    fn integer(&mut self, pair: &Pair<'_, Rule>) -> Option<i64> {
        match pair.as_str().parse::<i64>() {
            Ok(value) => Some(value),
            Err(_) => {
                let span = self.span(pair);
                self.problems.push(
                    Diagnostic::error(codes::BAD_NUMBER, "number too large")
                        .at(span, "this does not fit in a 64-bit integer")
                        .help("use a number between -9223372036854775808 and 9223372036854775807"),
                );
                None
            }
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::string => return self.string(inner),
            Rule::number => {
                let text = inner.as_str();
                if text.contains('.') {
                    ExprKind::Float(text.parse().unwrap_or(0.0), text.to_string())
                } else {
                    ExprKind::Int(self.integer(&inner)?)
                }
            }
            Rule::unit_number => {
                let text = inner.as_str();
                let split_at = text
                    .find(|c: char| c.is_ascii_alphabetic())
                    .unwrap_or(text.len());
                let (number, unit) = text.split_at(split_at);
                ExprKind::Unit {
                    number: number.to_string(),
                    unit: unit.to_string(),
                }
            }
            Rule::boolean => ExprKind::Bool(inner.as_str() == "true"),
            Rule::null => ExprKind::Null,
            Rule::list => {
                let mut items = Vec::new();
                for element in inner.into_inner() {
                    items.extend(self.expr(element));
                }
                ExprKind::List(items)
            }
            Rule::block => ExprKind::Block(self.block(inner)?),
            Rule::call => {
                let mut parts = inner.into_inner();
                let name = self.ident(&parts.next()?);
                let mut args = Vec::new();
                for arg in parts {
                    let mut arg_name = None;
                    let mut value = None;
                    for part in arg.into_inner() {
                        match part.as_rule() {
                            Rule::name => arg_name = Some(self.ident(&part)),
                            Rule::expr => value = self.expr(part),
                            _ => self.internal(&part),
                        }
                    }
                    if let Some(value) = value {
                        args.push(Arg {
                            name: arg_name,
                            value,
                        });
                    }
                }
                ExprKind::Call { name, args }
            }
            Rule::reference => ExprKind::Ref(self.reference(inner)),
            _ => {
                self.internal(&inner);
                return None;
            }
        };
        Some(Expr { kind, span })
    }

    fn reference(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner().map(|part| self.ident(&part)).collect()
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
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

    fn plain_string(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        let parts = self.string_parts(pair);
        Some(Expr {
            kind: ExprKind::Str(parts),
            span,
        })
    }

    fn string_parts(&mut self, pair: Pair<'_, Rule>) -> Vec<StrPart> {
        join_pieces(self.pieces(pair))
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

/// The length of `text` without trailing whitespace and trailing `//` comments.
fn content_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let kept = text.get(..end).unwrap_or("");
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
    use super::*;

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
    fn triple_strings_are_dedented() {
        let (file, _) = parse("app a: t { f = \"\"\"\n    line 1\n      line 2\n    \"\"\" }");
        let Some(Item::App(app)) = file.items.first() else {
            panic!("an app")
        };
        let text = app
            .entries
            .first()
            .and_then(|entry| entry.value.as_plain_str());
        assert_eq!(text.as_deref(), Some("line 1\n  line 2\n"));
    }

    #[test]
    fn escaped_newlines_do_not_take_part_in_dedent() {
        let (file, _) = parse("app a: t { f = \"\"\"\n    one\\n  two\n    three\n    \"\"\" }");
        let Some(Item::App(app)) = file.items.first() else {
            panic!("an app")
        };
        let text = app
            .entries
            .first()
            .and_then(|entry| entry.value.as_plain_str());
        assert_eq!(text.as_deref(), Some("one\n  two\nthree\n"));
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
