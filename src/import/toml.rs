//! TOML input (helmsman reads `.toml` and `.tml` desired-state files with BurntSushi/toml):
//! the same [`Node`] tree as YAML, keys in the order written.

use indexmap::IndexMap;
use toml::de::{DeTable, DeValue};

use super::node::{Entry, Kind, Node};
use super::yaml::ReadError;
use crate::source::{FileId, Span};

/// Reads a TOML document.
pub(crate) fn load(file: FileId, text: &str) -> Result<Node, ReadError> {
    match DeTable::parse(text) {
        Ok(table) => {
            let span = Span::new(file, 0, text.len());
            let Some(map) = entries(file, table.get_ref(), 0) else {
                return Err(ReadError {
                    message: format!("nested deeper than {MAX_DEPTH} levels"),
                    span,
                });
            };
            Ok(Node {
                kind: Kind::Map(map),
                span,
            })
        }
        Err(error) => {
            let range = error.span().unwrap_or(0..0);
            Err(ReadError {
                message: format!("not valid TOML: {}", error.message().trim()),
                span: Span::new(file, range.start.min(text.len()), range.end.min(text.len())),
            })
        }
    }
}

/// The deepest nesting read; deeper input is an error rather than a stack overflow.
const MAX_DEPTH: usize = 200;

fn entries(file: FileId, table: &DeTable<'_>, depth: usize) -> Option<IndexMap<String, Entry>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut pairs: Vec<_> = table.iter().collect();
    pairs.sort_by_key(|(key, _)| key.span().start);
    pairs
        .into_iter()
        .map(|(key, value)| {
            let key_range = key.span();
            Some((
                key.get_ref().to_string(),
                Entry {
                    key_span: Span::new(file, key_range.start, key_range.end),
                    value: node(file, value.get_ref(), value.span(), depth + 1)?,
                },
            ))
        })
        .collect()
}

fn node(
    file: FileId,
    value: &DeValue<'_>,
    range: std::ops::Range<usize>,
    depth: usize,
) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let kind = match value {
        DeValue::String(text) => Kind::Str(text.to_string()),
        DeValue::Integer(integer) => {
            let digits = integer.as_str().replace('_', "");
            i64::from_str_radix(digits.trim_start_matches('+'), integer.radix())
                .map_or_else(|_| Kind::Str(integer.as_str().to_string()), Kind::Int)
        }
        DeValue::Float(float) => float
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map_or_else(|_| Kind::Str(float.as_str().to_string()), Kind::Float),
        DeValue::Boolean(value) => Kind::Bool(*value),
        DeValue::Datetime(datetime) => Kind::Str(datetime.to_string()),
        DeValue::Array(items) => Kind::Seq(
            items
                .iter()
                .map(|item| node(file, item.get_ref(), item.span(), depth + 1))
                .collect::<Option<Vec<Node>>>()?,
        ),
        DeValue::Table(table) => Kind::Map(entries(file, table, depth + 1)?),
    };
    Some(Node {
        kind,
        span: Span::new(file, range.start, range.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tables_in_written_order() {
        let node = load(FileId(0), "[apps.b]\nx = 1\n[apps.a]\ny = 0x10\n").unwrap();
        let apps = &node.as_map().unwrap()["apps"].value;
        let keys: Vec<&String> = apps.as_map().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
        let a = &apps.as_map().unwrap()["a"].value;
        assert_eq!(a.as_map().unwrap()["y"].value.kind, Kind::Int(16));
        assert!(load(FileId(0), "a = [").is_err());
        let deep = format!("a = {}{}", "[".repeat(300), "]".repeat(300));
        assert!(load(FileId(0), &deep).is_err());
    }
}
