//! Values printed as `.ehp` source, on one line: the one way `ehp why`, hover, `ehp diff` and
//! the source edits of `ehp promote` show a value. What it prints parses back to the same value
//! (strings are escaped, so the text `${price}` never turns into an interpolation; decimals keep
//! their point; keys that are not names are quoted); secrets print as the references they are.

use super::model::{SecretRef, Val, ValKind};
use crate::syntax::literal;

/// A value as `.ehp` source on one line: `"text"`, `3`, `1.5`, `512Mi`, `true`, `[1, 2]`,
/// `{ key = "value" }`, `secret("name", "key")`.
pub fn source(value: &Val) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// `source` cut to `limit` characters, the cut marked with `…`: for reports and hovers.
pub fn source_within(value: &Val, limit: usize) -> String {
    shorten(&source(value), limit)
}

/// Cuts text longer than `limit` characters, marking the cut with `…`.
pub fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn write(value: &Val, out: &mut String) {
    match &value.kind {
        ValKind::Str(text) => out.push_str(&literal::quote(text)),
        ValKind::Quantity(text) => out.push_str(text),
        ValKind::Int(number) => out.push_str(&number.to_string()),
        ValKind::Float(number) => out.push_str(&decimal(*number)),
        ValKind::Bool(truth) => out.push_str(if *truth { "true" } else { "false" }),
        ValKind::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write(item, out);
            }
            out.push(']');
        }
        ValKind::Map(map) if map.is_empty() => out.push_str("{}"),
        ValKind::Map(map) => {
            out.push_str("{ ");
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&literal::key(key));
                out.push_str(" = ");
                write(item, out);
            }
            out.push_str(" }");
        }
        ValKind::Secret(secret) => match secret.as_ref() {
            SecretRef::Kubernetes { name, key } => {
                let (name, key) = (literal::quote(name), literal::quote(key));
                out.push_str(&format!("secret({name}, {key})"));
            }
            SecretRef::External { reference } => {
                out.push_str(&format!("external({})", literal::quote(reference)));
            }
        },
        ValKind::Null => out.push_str("null"),
        ValKind::DeployVar(expanded) => {
            let name = expanded
                .strip_prefix("${")
                .and_then(|rest| rest.strip_suffix('}'))
                .filter(|name| !name.contains(['$', '{', '}']));
            match name {
                Some(name) => out.push_str(&format!("deploy_var({})", literal::quote(name))),
                None => out.push_str(&format!("deploy_text({})", literal::quote(expanded))),
            }
        }
    }
}

/// A decimal as `.ehp` writes it: always with a point, so that it reads back as a decimal and
/// not as a whole number. An infinite value (from a literal too large for a decimal) is written
/// as such a literal; NaN cannot be written in `.ehp` and evaluation never makes one.
fn decimal(number: f64) -> String {
    if number.is_infinite() {
        let sign = if number < 0.0 { "-" } else { "" };
        return format!("{sign}1{}.0", "0".repeat(309));
    }
    let text = number.to_string();
    if number.is_finite() && !text.contains('.') {
        format!("{text}.0")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::model::ValMap;
    use crate::source::{FileId, Span};

    fn val(kind: ValKind) -> Val {
        Val::new(kind, Span::new(FileId(0), 0, 0))
    }

    #[test]
    fn every_kind_prints_as_source() {
        let mut map = ValMap::default();
        map.insert("plain".into(), val(ValKind::Int(1)));
        map.insert("app.kubernetes.io/name".into(), val(ValKind::Bool(true)));
        let cases = [
            (
                val(ValKind::Str("${price} \"x\"\n".into())),
                r#""\${price} \"x\"\n""#,
            ),
            (val(ValKind::Int(-3)), "-3"),
            (val(ValKind::Float(2.0)), "2.0"),
            (val(ValKind::Float(-0.25)), "-0.25"),
            (val(ValKind::Quantity("512Mi".into())), "512Mi"),
            (val(ValKind::Bool(false)), "false"),
            (val(ValKind::List(vec![])), "[]"),
            (val(ValKind::map(ValMap::default())), "{}"),
            (
                val(ValKind::map(map)),
                r#"{ plain = 1, "app.kubernetes.io/name" = true }"#,
            ),
            (
                val(ValKind::secret(SecretRef::Kubernetes {
                    name: "db".into(),
                    key: "url".into(),
                })),
                r#"secret("db", "url")"#,
            ),
            (
                val(ValKind::secret(SecretRef::External {
                    reference: "vault:kv/x#y".into(),
                })),
                r#"external("vault:kv/x#y")"#,
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(source(&value), expected);
        }
    }

    #[test]
    fn long_text_is_cut_and_marked() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefg", 6), "abcde…");
        let long = val(ValKind::Str("x".repeat(100).into()));
        assert_eq!(source_within(&long, 80).chars().count(), 80);
    }
}
