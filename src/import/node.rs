//! The data read from an input file (a desired-state file or a values file), YAML and TOML
//! alike, as helmsman and Helm see it after parsing: anchors expanded, merge keys applied,
//! scalars typed. Every node keeps the place it was written.

use indexmap::IndexMap;

use crate::source::Span;

/// One value of an input file, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The value.
    pub(crate) kind: Kind,
    /// Where it was written (for an alias, where the alias is).
    pub(crate) span: Span,
}

/// A value as Helm's and helmsman's readers type it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean (YAML 1.1: `yes`, `on`, `y` are `true`).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, keys as strings (as Helm reads them), in the order written.
    Map(IndexMap<String, Entry>),
}

/// A mapping's entry: the key's place and the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Where the key was written.
    pub(crate) key_span: Span,
    /// The value.
    pub(crate) value: Node,
}

impl Node {
    /// The entries of a mapping; `None` for anything else.
    pub(crate) fn as_map(&self) -> Option<&IndexMap<String, Entry>> {
        match &self.kind {
            Kind::Map(map) => Some(map),
            _ => None,
        }
    }

    /// A word for the kind of value, for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The value as helmsman reads a scalar into a string field: strings as they are, numbers
    /// and booleans as their text (floats at 32-bit precision, as Go's JSON decoder gives
    /// them to a string); `None` for null, lists and mappings.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(text) => Some(text.clone()),
            Kind::Bool(value) => Some(value.to_string()),
            Kind::Int(value) => Some(value.to_string()),
            #[allow(clippy::cast_possible_truncation)]
            Kind::Float(value) => Some(format!("{}", *value as f32)),
            _ => None,
        }
    }
}

/// A decimal number as the shortest text that reads back to it, without an exponent (`.ehp`
/// numbers have none).
pub(crate) fn float_text(value: f64) -> String {
    format!("{value}")
}

/// The places of text that looks like a secret (by the key it is under, or by its shape), to
/// be masked wherever a diagnostic quotes the file: the import shows input files, and a
/// literal password in one must not reach a terminal or a log.
pub(crate) fn secret_spans(node: &Node, key: Option<&str>, spans: &mut Vec<crate::source::Span>) {
    match &node.kind {
        Kind::Str(text) => {
            let named = key.is_some_and(crate::eval::secrets::is_secret_name);
            let shaped = crate::eval::secrets::secret_shape(text).is_some();
            if (named || shaped) && !text.is_empty() && !text.starts_with('$') {
                spans.push(node.span);
            }
        }
        Kind::Seq(items) => {
            for item in items {
                secret_spans(item, key, spans);
            }
        }
        Kind::Map(map) => {
            for (name, entry) in map {
                secret_spans(&entry.value, Some(name), spans);
            }
        }
        _ => {}
    }
}
