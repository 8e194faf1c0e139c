//! Values as the imported project writes them: typed data with deploy-time variables, and its
//! printing as `.ehp` source.

use indexmap::IndexMap;

use super::node::float_text;
use crate::syntax::literal;

/// A piece of a desired-state file's text: literal text, or a variable helmsman substitutes
/// when it deploys (`$NAME`, `${NAME}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// Literal text (`$$` already turned into `$`).
    Lit(String),
    /// `$NAME` or `${NAME}`.
    Var(String),
}

/// A value of the imported project.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// Text, possibly with deploy-time variables.
    Text(Vec<Part>),
    /// A duration in seconds (`30s`).
    Seconds(i64),
    /// A list.
    List(Vec<Value>),
    /// A block, keys in order.
    Map(IndexMap<String, Value>),
}

impl Value {
    /// Literal text.
    pub(crate) fn text(text: impl Into<String>) -> Value {
        Value::Text(vec![Part::Lit(text.into())])
    }

    /// The text when it is literal, without variables.
    pub(crate) fn as_literal(&self) -> Option<String> {
        match self {
            Value::Text(parts) => parts
                .iter()
                .map(|part| match part {
                    Part::Lit(text) => Some(text.as_str()),
                    Part::Var(_) => None,
                })
                .collect::<Option<String>>(),
            _ => None,
        }
    }
}

/// Writes `value` as `.ehp` source at `indent` (its first line not indented).
pub(crate) fn print(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Int(value) => out.push_str(&value.to_string()),
        Value::Float(value) => out.push_str(&float_text(*value)),
        Value::Seconds(value) => out.push_str(&format!("{value}s")),
        Value::Text(parts) => print_text(parts, out),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for item in items {
                push_indent(indent + 1, out);
                print(item, indent + 1, out);
                out.push_str(",\n");
            }
            push_indent(indent, out);
            out.push(']');
        }
        Value::Map(map) => print_block(map, indent, out),
    }
}

/// `{ entries }`.
pub(crate) fn print_block(map: &IndexMap<String, Value>, indent: usize, out: &mut String) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    print_entries(map, indent + 1, out);
    push_indent(indent, out);
    out.push('}');
}

/// One entry per line: `key = value`, or `key { ... }` for a block.
pub(crate) fn print_entries(map: &IndexMap<String, Value>, indent: usize, out: &mut String) {
    for (key, value) in map {
        print_entry(key, value, indent, out);
    }
}

/// `key = value` or `key { ... }` on its own line.
pub(crate) fn print_entry(key: &str, value: &Value, indent: usize, out: &mut String) {
    push_indent(indent, out);
    out.push_str(&literal::key(key));
    match value {
        Value::Map(map) => {
            out.push(' ');
            print_block(map, indent, out);
        }
        other => {
            out.push_str(" = ");
            print(other, indent, out);
        }
    }
    out.push('\n');
}

fn print_text(parts: &[Part], out: &mut String) {
    match parts {
        [Part::Var(name)] => out.push_str(&format!("deploy_var({})", literal::quote(name))),
        _ if parts.iter().any(|part| matches!(part, Part::Var(_))) => {
            // Text around variables: helmsman's own form, which `deploy_text` reads back; a
            // variable is `$NAME`, braced only when a name character follows it.
            let mut text = String::new();
            for (index, part) in parts.iter().enumerate() {
                match part {
                    Part::Lit(literal) => text.push_str(&literal.replace('$', "$$")),
                    Part::Var(name) => {
                        let glued = matches!(parts.get(index + 1), Some(Part::Lit(next))
                            if next.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
                        if glued {
                            text.push_str(&format!("${{{name}}}"));
                        } else {
                            text.push_str(&format!("${name}"));
                        }
                    }
                }
            }
            out.push_str(&format!("deploy_text({})", literal::quote(&text)));
        }
        _ => {
            // Only literal parts are left.
            let mut text = String::new();
            for part in parts {
                if let Part::Lit(literal) = part {
                    text.push_str(&literal::escape(literal, false));
                }
            }
            out.push('"');
            out.push_str(&text);
            out.push('"');
        }
    }
}

pub(crate) fn push_indent(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push_str("    ");
    }
}

/// Splits a desired-state file's text as helmsman's substitution reads it: `$NAME` and
/// `${NAME}` are variables, `$$` is `$`; a `$` before a digit or one of `*#@!?-` is dropped
/// (helmsman expands it to nothing), which the second result reports.
pub(crate) fn substitute(text: &str) -> (Vec<Part>, bool) {
    let mut parts: Vec<Part> = Vec::new();
    let mut literal = String::new();
    let mut eaten = false;
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if let Some(tail) = after.strip_prefix('$') {
            literal.push('$');
            rest = tail;
        } else if let Some(braced) = after.strip_prefix('{')
            && let Some(close) = braced.find('}')
        {
            flush(&mut literal, &mut parts);
            parts.push(Part::Var(
                braced.get(..close).unwrap_or_default().to_string(),
            ));
            rest = braced.get(close + 1..).unwrap_or_default();
        } else if name_len > 0 && !after.starts_with(|c: char| c.is_ascii_digit()) {
            flush(&mut literal, &mut parts);
            parts.push(Part::Var(
                after.get(..name_len).unwrap_or_default().to_string(),
            ));
            rest = after.get(name_len..).unwrap_or_default();
        } else if after.starts_with(|c: char| c.is_ascii_digit() || "*#@!?-".contains(c)) {
            eaten = true;
            rest = after.get(1..).unwrap_or_default();
        } else {
            literal.push('$');
            rest = after;
        }
    }
    literal.push_str(rest);
    flush(&mut literal, &mut parts);
    if parts.is_empty() {
        parts.push(Part::Lit(String::new()));
    }
    (parts, eaten)
}

fn flush(literal: &mut String, parts: &mut Vec<Part>) {
    if !literal.is_empty() {
        parts.push(Part::Lit(std::mem::take(literal)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_reads_like_helmsman() {
        let (parts, eaten) = substitute("a-$X-${Y}-$$Z-$1-$ end");
        assert!(eaten);
        assert_eq!(
            parts,
            vec![
                Part::Lit("a-".into()),
                Part::Var("X".into()),
                Part::Lit("-".into()),
                Part::Var("Y".into()),
                Part::Lit("-$Z--$ end".into()),
            ]
        );
        assert_eq!(substitute("plain").0, vec![Part::Lit("plain".into())]);
        assert_eq!(substitute("${V}").0, vec![Part::Var("V".into())]);
        assert_eq!(substitute("").0, vec![Part::Lit(String::new())]);
    }

    #[test]
    fn prints_source() {
        let mut map = IndexMap::new();
        map.insert("a.b".to_string(), Value::Int(1));
        map.insert("x".to_string(), Value::Text(vec![Part::Var("V".into())]));
        let mut out = String::new();
        print_block(&map, 0, &mut out);
        assert_eq!(out, "{\n    \"a.b\" = 1\n    x = deploy_var(\"V\")\n}");
    }
}
