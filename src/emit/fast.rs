//! A writer of values files for their common shapes, many times faster than the general YAML
//! serialiser: non-empty maps with plain keys, non-empty lists of scalars and maps, whole
//! numbers, booleans, null, and strings that are plain or double-quoted without an escape. On
//! anything else it declines (`None`) and the file is written by serde-saphyr (`to_yaml`)
//! exactly as before; tests hold every file it writes to serde-saphyr's bytes.

use std::fmt::Write as _;

use super::quoting::yaml11_would_retype;
use crate::eval::model::{SecretRef, Val, ValKind, ValMap};

/// The values file of `values` as serde-saphyr writes it through `view::ValuesView`, or
/// `None` when it holds a shape this writer leaves to serde-saphyr.
pub(crate) fn values_yaml(values: &ValMap, substituted: bool) -> Option<String> {
    let mut writer = Writer {
        out: String::with_capacity(64 * values.len() + 64),
        substituted,
    };
    writer.map(values, 0, false)?;
    Some(writer.out)
}

struct Writer {
    out: String,
    substituted: bool,
}

impl Writer {
    /// A map's entries at `indent`; the first one already placed after `- ` when `inline`.
    fn map(&mut self, map: &ValMap, indent: usize, inline: bool) -> Option<()> {
        if map.is_empty() {
            return None;
        }
        for (position, (key, value)) in map.iter().enumerate() {
            self.entry(key, value, indent, inline && position == 0)?;
        }
        Some(())
    }

    /// `key:` at `indent` (or inline, after `- `).
    fn key(&mut self, key: &str, indent: usize, inline: bool) -> Option<()> {
        if !plain_key(key) {
            return None;
        }
        if !inline {
            self.indent(indent);
        }
        self.out.push_str(key);
        self.out.push(':');
        Some(())
    }

    /// `key: text`, a string entry of a secret's map.
    fn text_entry(&mut self, key: &str, text: &str, indent: usize, inline: bool) -> Option<()> {
        self.key(key, indent, inline)?;
        self.out.push(' ');
        self.string(text)?;
        self.out.push('\n');
        Some(())
    }

    fn entry(&mut self, key: &str, value: &Val, indent: usize, inline: bool) -> Option<()> {
        self.key(key, indent, inline)?;
        match &value.kind {
            ValKind::Map(inner) => {
                self.out.push('\n');
                self.map(inner, indent + 2, false)
            }
            ValKind::Secret(secret) => {
                self.out.push('\n');
                self.secret(secret, indent + 2, false)
            }
            ValKind::List(items) => {
                self.out.push('\n');
                self.list(items, indent)
            }
            _ => {
                self.out.push(' ');
                self.scalar(value)?;
                self.out.push('\n');
                Some(())
            }
        }
    }

    /// A list's items at `indent`, each after `- `.
    fn list(&mut self, items: &[Val], indent: usize) -> Option<()> {
        if items.is_empty() {
            return None;
        }
        for item in items {
            self.indent(indent);
            self.out.push_str("- ");
            match &item.kind {
                ValKind::Map(inner) => self.map(inner, indent + 2, true)?,
                ValKind::Secret(secret) => self.secret(secret, indent + 2, true)?,
                ValKind::List(_) => return None,
                _ => {
                    self.scalar(item)?;
                    self.out.push('\n');
                }
            }
        }
        Some(())
    }

    /// A secret reference, as the map `convert` writes for it.
    fn secret(&mut self, secret: &SecretRef, indent: usize, inline: bool) -> Option<()> {
        match secret {
            SecretRef::Kubernetes { name, key } => {
                self.text_entry("secretName", name, indent, inline)?;
                self.text_entry("secretKey", key, indent, false)
            }
            SecretRef::External { reference } => {
                self.text_entry("externalSecret", reference, indent, inline)
            }
        }
    }

    fn scalar(&mut self, value: &Val) -> Option<()> {
        match &value.kind {
            ValKind::Str(text) | ValKind::Quantity(text) => self.string(text),
            // Written as helmsman expands it, `$` never doubled.
            ValKind::DeployVar(expanded) => self.text(expanded),
            ValKind::Int(number) => write!(self.out, "{number}").ok(),
            ValKind::Bool(truth) => {
                self.out.push_str(if *truth { "true" } else { "false" });
                Some(())
            }
            ValKind::Null => {
                self.out.push_str("null");
                Some(())
            }
            ValKind::Float(_) | ValKind::List(_) | ValKind::Map(_) | ValKind::Secret(_) => None,
        }
    }

    /// A string of the values, every `$` doubled when helmsman substitutes the file.
    fn string(&mut self, text: &str) -> Option<()> {
        if self.substituted && text.contains('$') {
            self.text(&text.replace('$', "$$"))
        } else {
            self.text(text)
        }
    }

    /// A string, by `model::serialize_text`'s rule: double-quoted when it holds a `$` or a
    /// YAML 1.1 reader could retype it, else plain.
    fn text(&mut self, text: &str) -> Option<()> {
        if text.contains('$') || yaml11_would_retype(text) {
            if !text
                .bytes()
                .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\')
            {
                return None;
            }
            self.out.push('"');
            self.out.push_str(text);
            self.out.push('"');
        } else {
            if !plain_value(text) {
                return None;
            }
            self.out.push_str(text);
        }
        Some(())
    }

    fn indent(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }
}

/// Whether serde-saphyr surely writes `text` as a plain value: a letter or `/` first, then
/// only letters, digits and `-_./:`, not ending with `:`.
fn plain_value(text: &str) -> bool {
    text.starts_with(|first: char| first.is_ascii_alphabetic() || first == '/')
        && !text.ends_with(':')
        && text.bytes().all(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'/' | b':')
        })
}

/// Whether serde-saphyr surely writes `key` as a plain key: a letter or `_` first, then only
/// letters, digits and `-_.`, and no word a YAML 1.1 reader retypes.
fn plain_key(key: &str) -> bool {
    key.starts_with(|first: char| first.is_ascii_alphabetic() || first == '_')
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
        && !yaml11_would_retype(key)
}
