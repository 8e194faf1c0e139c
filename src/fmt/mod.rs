//! The formatter: prints the compiler's own parse in one canonical layout, weaving back the
//! comments (kept aside by `syntax::trivia`) by byte offset. A file with a syntax error is not
//! formatted.
//!
//! Layout: four spaces per level; one declaration, entry or field per line; blocks open on the
//! line of their key (`key {`) and close on a line of their own; lists stay on one line when they
//! fit in 100 columns and hold no block or comment; one blank line between declarations, and
//! blank lines between entries kept but collapsed to one.

use crate::diag::{Diagnostic, Problems};
use crate::source::FileId;
use crate::syntax::ast::{
    AppDecl, Block, Entry, EnvDecl, Expr, ExprKind, FieldDecl, File, Item, Key, StrPart,
    TemplateDecl, TypeExpr, TypeExprKind, ValuesPart,
};
use crate::syntax::trivia::{Comment, comments};
use crate::syntax::{literal, parse_file};

/// The widest line the formatter aims for.
const WIDTH: usize = 100;
/// One level of indentation.
const INDENT: &str = "    ";

/// Formats a whole file. Returns the diagnostics of parsing instead when the file does not
/// parse, so that nothing is rewritten from a partial parse.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut problems = Problems::new();
    let file = parse_file(FileId(0), text, &mut problems);
    if problems.has_errors() {
        return Err(problems.into_sorted());
    }
    Ok(format_file(text, &file))
}

/// Prints a parsed file; `text` is the source it was parsed from (for comments and blank lines).
pub fn format_file(text: &str, file: &File) -> String {
    let mut printer = Printer {
        source: text,
        out: String::new(),
        depth: 0,
        comments: comments(text),
        next: 0,
        last_end: 0,
    };
    for (index, item) in file.items.iter().enumerate() {
        let start = item_start(item);
        printer.before(start, index == 0, true);
        printer.item(item);
    }
    printer.rest();
    let trimmed = printer.out.trim_end().len();
    printer.out.truncate(trimmed);
    if !printer.out.is_empty() {
        printer.out.push('\n');
    }
    printer.out
}

fn item_start(item: &Item) -> usize {
    match item {
        Item::Env(decl) => decl.span.start as usize,
        Item::Template(decl) => decl.span.start as usize,
        Item::App(decl) => decl.span.start as usize,
        Item::Promotion(decl) => decl.span.start as usize,
        Item::Private(decl) => decl.span.start as usize,
    }
}

struct Printer<'a> {
    source: &'a str,
    out: String,
    depth: usize,
    comments: Vec<Comment>,
    /// The first comment not yet printed.
    next: usize,
    /// Where the last printed node ends in the source.
    last_end: usize,
}

impl Printer<'_> {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }

    fn line(&mut self, text: &str) {
        self.indent();
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn comment_text(&self, comment: Comment) -> String {
        self.source
            .get(comment.start..comment.end)
            .unwrap_or("")
            .trim_end()
            .to_string()
    }

    /// Whether the source between two offsets holds an empty line.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.source.get(from..to).unwrap_or("");
        gap.split('\n').skip(1).collect::<Vec<_>>().len() > 1
            && gap
                .split('\n')
                .skip(1)
                .take(gap.split('\n').count().saturating_sub(2))
                .any(|line| line.trim().is_empty())
    }

    /// Prints the comments that come before `start`, and one blank line where the source had
    /// blank lines (or always, for top-level declarations after the first).
    fn before(&mut self, start: usize, first_in_block: bool, top_level: bool) {
        let mut position = self.last_end;
        let mut first = first_in_block;
        while let Some(&comment) = self.comments.get(self.next) {
            if comment.start >= start {
                break;
            }
            self.next += 1;
            if (self.blank_between(position, comment.start)
                || (top_level && !first && position == self.last_end))
                && !first
            {
                self.out.push('\n');
            }
            let text = self.comment_text(comment);
            self.line(&text);
            position = comment.end;
            first = false;
        }
        let blank = self.blank_between(position, start) || (top_level && position == self.last_end);
        if blank && !first {
            self.out.push('\n');
        }
    }

    /// Prints a comment that sits on the same line as the node that ends at `end`.
    fn trailing(&mut self, end: usize) {
        if let Some(&comment) = self.comments.get(self.next) {
            let gap = self.source.get(end..comment.start).unwrap_or("\n");
            if !gap.contains('\n') {
                self.next += 1;
                if self.out.ends_with('\n') {
                    self.out.pop();
                }
                let text = self.comment_text(comment);
                self.out.push(' ');
                self.out.push_str(&text);
                self.out.push('\n');
            }
        }
        self.last_end = end;
    }

    /// Prints the comments left before the end of a block, inside it.
    fn before_close(&mut self, close: usize) {
        let mut position = self.last_end;
        while let Some(&comment) = self.comments.get(self.next) {
            if comment.start >= close {
                break;
            }
            self.next += 1;
            if self.blank_between(position, comment.start) {
                self.out.push('\n');
            }
            let text = self.comment_text(comment);
            self.line(&text);
            position = comment.end;
        }
        self.last_end = close;
    }

    /// Prints every comment not printed yet (the end of the file).
    fn rest(&mut self) {
        self.before_close(self.source.len());
    }

    fn docs(&mut self, docs: &[String]) {
        for doc in docs {
            if doc.is_empty() {
                self.line("///");
            } else {
                self.line(&format!("/// {doc}"));
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Env(decl) => self.env(decl),
            Item::Template(decl) => self.template(decl),
            Item::App(decl) => self.app(decl),
            Item::Promotion(decl) => {
                self.docs(&decl.docs);
                self.block_lines("promotion", &decl.body);
            }
            Item::Private(decl) => {
                self.docs(&decl.docs);
                self.block_lines(&format!("in {}", decl.env.name), &decl.body);
            }
        }
    }

    fn env(&mut self, decl: &EnvDecl) {
        self.docs(&decl.docs);
        let mut head = String::new();
        if decl.is_abstract {
            head.push_str("abstract ");
        }
        head.push_str(&format!("env {}", decl.name.name));
        if let Some(parent) = &decl.parent {
            head.push_str(&format!(" extends {}", parent.name));
        }
        self.block_lines(&head, &decl.body);
    }

    /// `head {`, the entries, `}`, or `head {}` when empty.
    fn block_lines(&mut self, head: &str, block: &Block) {
        let members: Vec<Member<'_>> = block.entries.iter().map(Member::Entry).collect();
        self.members(head, &members, block.span.end as usize);
    }

    fn template(&mut self, decl: &TemplateDecl) {
        self.docs(&decl.docs);
        let mut head = format!("template {}", decl.name.name);
        if let Some(parent) = &decl.parent {
            head.push_str(&format!(" extends {}", parent.name));
        }
        let mut members: Vec<Member<'_>> = Vec::new();
        members.extend(decl.fields.iter().map(Member::Field));
        members.extend(decl.defaults.iter().map(Member::Entry));
        members.extend(decl.values.iter().map(Member::Values));
        members.sort_by_key(Member::start);
        self.members(&head, &members, decl.span.end as usize);
    }

    fn app(&mut self, decl: &AppDecl) {
        self.docs(&decl.docs);
        let head = format!("app {}: {}", decl.name.name, decl.template.name);
        let mut members: Vec<Member<'_>> = Vec::new();
        members.extend(decl.entries.iter().map(Member::Entry));
        members.extend(
            decl.overrides
                .iter()
                .map(|over| Member::Override(&over.envs, &over.body, over.span.start as usize)),
        );
        members.sort_by_key(Member::start);
        self.members(&head, &members, decl.span.end as usize);
    }

    /// Prints `head {` + members + `}`; `end` is the offset just past the closing brace.
    fn members(&mut self, head: &str, members: &[Member<'_>], end: usize) {
        let close = end.saturating_sub(1);
        let has_comments = self
            .comments
            .get(self.next)
            .is_some_and(|comment| comment.start < close);
        let open = if head.is_empty() {
            "{".to_string()
        } else {
            format!("{head} {{")
        };
        if members.is_empty() && !has_comments {
            self.line(&format!("{open}}}"));
            self.trailing(end);
            return;
        }
        self.line(&open);
        self.depth += 1;
        for (index, member) in members.iter().enumerate() {
            self.before(member.start(), index == 0, false);
            self.member(member);
        }
        self.before_close(close);
        self.depth -= 1;
        self.line("}");
        self.trailing(end);
    }

    fn member(&mut self, member: &Member<'_>) {
        match member {
            Member::Entry(entry) => self.entry(entry),
            Member::Field(field) => self.field(field),
            Member::Values(part) => match &part.entry {
                Some(entry) => self.entry(entry),
                None => self.block_lines("values", &part.block),
            },
            Member::Override(envs, body, _) => {
                let names: Vec<&str> = envs.iter().map(|env| env.name.as_str()).collect();
                self.block_lines(&format!("in {}", names.join(", ")), body);
            }
        }
    }

    fn entry(&mut self, entry: &Entry) {
        self.docs(&entry.docs);
        let key = key_path(&entry.path);
        if let ExprKind::Block(block) = &entry.value.kind
            && block.replace.is_none()
        {
            self.block_lines(&key, block);
            return;
        }
        let prefix = format!("{key} = ");
        self.value_line(&prefix, &entry.value);
        self.trailing(entry.span.end as usize);
    }

    /// Prints `prefix` followed by a value that is not a block written with `key { }`.
    fn value_line(&mut self, prefix: &str, value: &Expr) {
        let column = self.depth * INDENT.len() + prefix.chars().count();
        match &value.kind {
            ExprKind::Block(block) => {
                let members: Vec<Member<'_>> = block.entries.iter().map(Member::Entry).collect();
                let head = match block.replace {
                    Some(_) => format!("{prefix}replace"),
                    None => prefix.trim_end().to_string(),
                };
                self.members(&head, &members, block.span.end as usize);
            }
            ExprKind::List(items) if !self.list_fits(value, items, column) => {
                self.line(&format!("{prefix}["));
                self.depth += 1;
                for item in items {
                    self.before(item.span.start as usize, true, false);
                    self.value_line("", item);
                    if self.out.ends_with('\n') {
                        self.out.pop();
                    }
                    self.out.push_str(",\n");
                    self.trailing(item.span.end as usize);
                }
                self.before_close(value.span.end.saturating_sub(1) as usize);
                self.depth -= 1;
                self.line("]");
            }
            _ => {
                let text = self.inline(value);
                if text.contains('\n') {
                    // A multi-line string: its lines are part of the value.
                    self.indent();
                    self.out.push_str(prefix);
                    self.out.push_str(&text);
                    self.out.push('\n');
                } else {
                    self.line(&format!("{prefix}{text}"));
                }
            }
        }
        self.last_end = self.last_end.max(value.span.end as usize);
    }

    fn list_fits(&self, list: &Expr, items: &[Expr], column: usize) -> bool {
        let has_comment = self.comments.iter().skip(self.next).any(|comment| {
            comment.start > list.span.start as usize && comment.end < list.span.end as usize
        });
        if has_comment
            || items
                .iter()
                .any(|item| matches!(item.kind, ExprKind::Block(_) | ExprKind::List(_)))
        {
            return false;
        }
        let text = self.inline(list);
        !text.contains('\n') && column + text.chars().count() <= WIDTH
    }

    fn field(&mut self, field: &FieldDecl) {
        self.docs(&field.docs);
        let name = literal::key(&field.name.name);
        self.typed(
            &format!("{name}: "),
            &field.ty,
            String::new(),
            field.default.as_ref(),
        );
        self.trailing(field.span.end as usize);
    }

    /// Prints a type after `prefix`, over several lines when it holds a record type, followed by
    /// `closing` and the default value.
    fn typed(&mut self, prefix: &str, ty: &TypeExpr, closing: String, default: Option<&Expr>) {
        let optional = if ty.optional { "?" } else { "" };
        match &ty.kind {
            TypeExprKind::Record(fields) => {
                self.line(&format!("{prefix}{{"));
                self.depth += 1;
                for (index, inner) in fields.iter().enumerate() {
                    self.before(inner.span.start as usize, index == 0, false);
                    self.field(inner);
                }
                self.before_close(ty.span.end.saturating_sub(1) as usize);
                self.depth -= 1;
                let end = format!("}}{optional}{closing}");
                match default {
                    Some(value) => self.value_line(&format!("{end} = "), value),
                    None => self.line(&end),
                }
            }
            TypeExprKind::Map(inner) if holds_record(inner) => {
                self.typed(
                    &format!("{prefix}map("),
                    inner,
                    format!("){optional}{closing}"),
                    default,
                );
            }
            TypeExprKind::List(inner) if holds_record(inner) => {
                self.typed(
                    &format!("{prefix}["),
                    inner,
                    format!("]{optional}{closing}"),
                    default,
                );
            }
            _ => {
                let text = format!("{prefix}{}{closing}", type_text(ty));
                match default {
                    Some(value) => self.value_line(&format!("{text} = "), value),
                    None => self.line(&text),
                }
            }
        }
    }

    /// A value on one line (strings with newlines print as `"""` strings over several lines).
    fn inline(&self, value: &Expr) -> String {
        match &value.kind {
            ExprKind::Str(parts) => string_text(parts, self.depth),
            ExprKind::Int(number) => number.to_string(),
            ExprKind::Float(_, text) => text.clone(),
            ExprKind::Unit { number, unit } => format!("{number}{unit}"),
            ExprKind::Bool(truth) => truth.to_string(),
            ExprKind::Null => "null".into(),
            ExprKind::List(items) => {
                let inner: Vec<String> = items.iter().map(|item| self.inline(item)).collect();
                format!("[{}]", inner.join(", "))
            }
            ExprKind::Block(block) => {
                let keyword = if block.replace.is_some() {
                    "replace "
                } else {
                    ""
                };
                let body = if block.entries.is_empty() {
                    "{}".into()
                } else {
                    let inner: Vec<String> = block
                        .entries
                        .iter()
                        .map(|entry| {
                            format!("{} = {}", key_path(&entry.path), self.inline(&entry.value))
                        })
                        .collect();
                    format!("{{ {} }}", inner.join(", "))
                };
                format!("{keyword}{body}")
            }
            ExprKind::Call { name, args } => {
                let inner: Vec<String> = args
                    .iter()
                    .map(|arg| match &arg.name {
                        Some(name) => format!("{} = {}", name.name, self.inline(&arg.value)),
                        None => self.inline(&arg.value),
                    })
                    .collect();
                format!("{}({})", name.name, inner.join(", "))
            }
            ExprKind::Ref(path) => path
                .iter()
                .map(|part| part.name.as_str())
                .collect::<Vec<_>>()
                .join("."),
        }
    }
}

/// A member of a block-like declaration, in source order.
enum Member<'a> {
    Entry(&'a Entry),
    Field(&'a FieldDecl),
    Values(&'a ValuesPart),
    Override(&'a [crate::syntax::ast::Ident], &'a Block, usize),
}

impl Member<'_> {
    fn start(&self) -> usize {
        match self {
            Member::Entry(entry) => entry.span.start as usize,
            Member::Field(field) => field.span.start as usize,
            Member::Values(part) => part.start() as usize,
            Member::Override(_, _, start) => *start,
        }
    }
}

fn key_path(path: &[Key]) -> String {
    path.iter()
        .map(|key| literal::key(&key.name))
        .collect::<Vec<_>>()
        .join(".")
}

fn string_text(parts: &[StrPart], depth: usize) -> String {
    let mut plain = String::new();
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for part in parts {
        match part {
            StrPart::Text(text) => {
                plain.push_str(text);
                pieces.push((false, text.clone()));
            }
            StrPart::Interp(path, _) => {
                let reference = path
                    .iter()
                    .map(|part| part.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                plain.push('x');
                pieces.push((true, format!("${{{reference}}}")));
            }
        }
    }
    if plain.contains('\n') && triple_safe(&plain) {
        return triple_text(&pieces, depth);
    }
    let mut out = String::from("\"");
    for (is_interp, text) in &pieces {
        if *is_interp {
            out.push_str(text);
        } else {
            out.push_str(&literal::escape(text, false));
        }
    }
    out.push('"');
    out
}

/// Whether a text survives a `"""` string: dedenting must remove only the formatter's own
/// indentation, so some non-blank line must start without whitespace, and no line may end
/// in a carriage return.
fn triple_safe(text: &str) -> bool {
    text.lines()
        .any(|line| !line.trim().is_empty() && !line.starts_with([' ', '\t']))
        && !text.contains('\r')
}

fn triple_text(pieces: &[(bool, String)], depth: usize) -> String {
    let indent = INDENT.repeat(depth + 1);
    let mut body = String::new();
    for (is_interp, text) in pieces {
        if *is_interp {
            body.push_str(text);
        } else {
            body.push_str(&literal::escape(text, true));
        }
    }
    let ends_with_newline = body.ends_with('\n');
    let mut out = String::from("\"\"\"\n");
    let lines: Vec<&str> = body
        .strip_suffix('\n')
        .unwrap_or(&body)
        .split('\n')
        .collect();
    for (index, line) in lines.iter().enumerate() {
        if !line.is_empty() {
            out.push_str(&indent);
            out.push_str(line);
        }
        if index + 1 < lines.len() || ends_with_newline {
            out.push('\n');
        }
    }
    if ends_with_newline {
        out.push_str(&indent);
    }
    out.push_str("\"\"\"");
    out
}

/// Whether a type holds a record type, which takes several lines.
fn holds_record(ty: &TypeExpr) -> bool {
    match &ty.kind {
        TypeExprKind::Record(_) => true,
        TypeExprKind::Map(inner) | TypeExprKind::List(inner) => holds_record(inner),
        _ => false,
    }
}

fn type_text(ty: &TypeExpr) -> String {
    let mut text = match &ty.kind {
        TypeExprKind::Named(name) => name.name.to_string(),
        TypeExprKind::Range { base, min, max } => {
            let show =
                |bound: &Option<i64>| bound.map(|value| value.to_string()).unwrap_or_default();
            format!("{}({}..{})", base.name, show(min), show(max))
        }
        TypeExprKind::List(inner) => format!("[{}]", type_text(inner)),
        TypeExprKind::Map(inner) => format!("map({})", type_text(inner)),
        // Records are printed over several lines by `Printer::typed`; this is only reached for
        // an empty one.
        TypeExprKind::Record(_) => "{}".into(),
        TypeExprKind::Enum(variants) => variants
            .iter()
            .map(|variant| literal::quote(&variant.name))
            .collect::<Vec<_>>()
            .join(" | "),
    };
    if ty.optional {
        text.push('?');
    }
    text
}
