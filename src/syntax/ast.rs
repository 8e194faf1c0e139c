//! The abstract syntax tree of one `.ehp` file. Every node carries a [`Span`]; nothing here
//! knows about types or environments.

use crate::source::Span;

/// The text of a name or key: inline up to 24 bytes, as most are, so that the parse of a
/// large project is not one allocation per name.
pub type Name = compact_str::CompactString;

/// A name with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: Name,
    /// Where it is written.
    pub span: Span,
}

/// A parsed file: its items in source order.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// The top-level declarations that parsed.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub enum Item {
    /// `env NAME [extends PARENT] { ... }`
    Env(EnvDecl),
    /// `template NAME [extends PARENT] { ... }`
    Template(TemplateDecl),
    /// `app NAME: TEMPLATE { ... }`
    App(AppDecl),
    /// `promotion { ... }`
    Promotion(PromotionDecl),
    /// `in ENV { APP { ... } }` outside an app (only in the private file, `private.ehp`)
    Private(PrivateOverride),
}

/// A developer's own overrides of apps in one environment, written outside the apps:
/// `in local { journal { tag = "dev" } }`. Each entry's first key names an app; the rest of the
/// entry is what an `in local { }` of that app could say.
#[derive(Debug, Clone)]
pub struct PrivateOverride {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The environment.
    pub env: Ident,
    /// The entries, keyed by app.
    pub body: Block,
    /// The whole override.
    pub span: Span,
}

/// The promotion chain declaration.
#[derive(Debug, Clone)]
pub struct PromotionDecl {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The `promotion` keyword.
    pub keyword: Span,
    /// The settings (checked against the stdlib's `promotion` template).
    pub body: Block,
    /// The whole declaration.
    pub span: Span,
}

/// An environment declaration.
#[derive(Debug, Clone)]
pub struct EnvDecl {
    /// Doc comment lines, without the `///`.
    pub docs: Vec<String>,
    /// Whether it is abstract (never emitted).
    pub is_abstract: bool,
    /// The name.
    pub name: Ident,
    /// The parent environment.
    pub parent: Option<Ident>,
    /// The settings.
    pub body: Block,
    /// The whole declaration.
    pub span: Span,
}

/// A template (app kind) declaration.
#[derive(Debug, Clone)]
pub struct TemplateDecl {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The name.
    pub name: Ident,
    /// The parent template.
    pub parent: Option<Ident>,
    /// Declared fields.
    pub fields: Vec<FieldDecl>,
    /// Assignments that set defaults of inherited or own fields.
    pub defaults: Vec<Entry>,
    /// The mapping onto chart values, in the parts it is written in (`values { }`,
    /// `values = { }`, `values.KEY = ...`), in source order.
    pub values: Vec<ValuesPart>,
    /// The whole declaration.
    pub span: Span,
}

/// A part of a template's chart values. In a template, `values` always names the chart
/// values: `values { ... }`, `values = { ... }` and `values.KEY = ...` set the same thing.
#[derive(Debug, Clone)]
pub struct ValuesPart {
    /// The chart values it sets, as a block (`values.KEY = value` is `{ KEY = value }`).
    pub block: Block,
    /// The entry as written, for `values.KEY = ...`; `None` for `values { ... }` and
    /// `values = { ... }` (the same block, written the other way).
    pub entry: Option<Entry>,
}

impl ValuesPart {
    /// Where the part starts in the source.
    pub fn start(&self) -> u32 {
        self.entry
            .as_ref()
            .map_or(self.block.span.start, |entry| entry.span.start)
    }
}

/// An app declaration.
#[derive(Debug, Clone)]
pub struct AppDecl {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The name.
    pub name: Ident,
    /// The template it instantiates.
    pub template: Ident,
    /// The fields it sets for every environment.
    pub entries: Vec<Entry>,
    /// Per-environment overrides.
    pub overrides: Vec<Override>,
    /// The whole declaration.
    pub span: Span,
}

/// `in ENV[, ENV...] { ... }` inside an app.
#[derive(Debug, Clone)]
pub struct Override {
    /// The environments it applies to (and their descendants).
    pub envs: Vec<Ident>,
    /// The fields it sets.
    pub body: Block,
    /// The whole override.
    pub span: Span,
}

/// A `{ ... }` of entries.
#[derive(Debug, Clone)]
pub struct Block {
    /// The entries in source order.
    pub entries: Vec<Entry>,
    /// From `{` to `}`.
    pub span: Span,
    /// The `replace` keyword of `replace { ... }`: the block replaces what lower layers set
    /// instead of merging with it.
    pub replace: Option<Span>,
}

/// One key of an entry's path.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text (quotes removed).
    pub name: Name,
    /// Where it is written.
    pub span: Span,
}

/// `key = value`, `key { ... }` or `a.b.c = value`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The key path (one element unless dotted).
    pub path: Vec<Key>,
    /// The value.
    pub value: Expr,
    /// The whole entry.
    pub span: Span,
}

impl Entry {
    /// The span of the key path.
    pub fn key_span(&self) -> Span {
        match (self.path.first(), self.path.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => self.span,
        }
    }
}

/// A field declaration in a template or record type.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// The field name.
    pub name: Key,
    /// The declared type.
    pub ty: TypeExpr,
    /// The default value.
    pub default: Option<Expr>,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone)]
pub struct TypeExpr {
    /// The shape.
    pub kind: TypeExprKind,
    /// Whether it ends with `?`.
    pub optional: bool,
    /// Where it is written.
    pub span: Span,
}

/// The shapes of a written type.
#[derive(Debug, Clone)]
pub enum TypeExprKind {
    /// `string`, `port`, ...
    Named(Ident),
    /// `int(1..50)`
    Range {
        /// The base type.
        base: Ident,
        /// The lower bound.
        min: Option<i64>,
        /// The upper bound.
        max: Option<i64>,
    },
    /// `[T]`
    List(Box<TypeExpr>),
    /// `map(T)`
    Map(Box<TypeExpr>),
    /// `{ field: T ... }`
    Record(Vec<FieldDecl>),
    /// `"a" | "b"`
    Enum(Vec<Key>),
}

/// A value expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The shape.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The shapes of an expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A string, possibly with interpolations.
    Str(Vec<StrPart>),
    /// An integer.
    Int(i64),
    /// A decimal number, and its text as written (`1.10`).
    Float(f64, String),
    /// A number with a unit, as written (`512Mi`, `250m`, `30s`).
    Unit {
        /// The numeric part as written.
        number: String,
        /// The unit.
        unit: String,
    },
    /// `true` or `false`.
    Bool(bool),
    /// `null`: unset an optional field.
    Null,
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ k = v }`
    Block(Block),
    /// `secret("name", key = "k")`
    Call {
        /// The function.
        name: Ident,
        /// The arguments.
        args: Vec<Arg>,
    },
    /// `env.domain`, `port`
    Ref(Vec<Ident>),
}

/// A call argument.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The name, for `name = value`.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// A piece of a string.
#[derive(Debug, Clone)]
pub enum StrPart {
    /// Literal text (escapes resolved).
    Text(String),
    /// `${path}`
    Interp(Vec<Ident>, Span),
}

impl Expr {
    /// The string's text when it has no interpolation.
    pub fn as_plain_str(&self) -> Option<String> {
        let ExprKind::Str(parts) = &self.kind else {
            return None;
        };
        let mut text = String::new();
        for part in parts {
            match part {
                StrPart::Text(piece) => text.push_str(piece),
                StrPart::Interp(..) => return None,
            }
        }
        Some(text)
    }

    /// A short description of the expression's kind, for messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            ExprKind::Str(_) => "a string",
            ExprKind::Int(_) => "an integer",
            ExprKind::Float(..) => "a number",
            ExprKind::Unit { .. } => "a number with a unit",
            ExprKind::Bool(_) => "a boolean",
            ExprKind::Null => "null",
            ExprKind::List(_) => "a list",
            ExprKind::Block(_) => "a block",
            ExprKind::Call { .. } => "a function call",
            ExprKind::Ref(_) => "a reference",
        }
    }
}
