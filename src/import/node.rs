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
