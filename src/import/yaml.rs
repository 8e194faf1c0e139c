//! YAML input as helmsman and Helm read it: go-yaml v2 (YAML 1.1) through `sigs.k8s.io/yaml`.
//! Anchors are expanded, merge keys (`<<`) applied as go-yaml v2 applies them, plain scalars
//! typed by YAML 1.1's rules (`yes`, `on`, `y` are booleans, `010` is 8), and keys turned into
//! strings. Only the first document counts, as for Helm.

use indexmap::IndexMap;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};

use super::node::{Entry, Kind, Node};
use crate::source::{FileId, Span};

/// The deepest nesting read; deeper input is an error rather than a stack overflow.
const MAX_DEPTH: usize = 200;

/// The most nodes a file may expand to through aliases (a "billion laughs" is an error).
const MAX_NODES: usize = 1_000_000;

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    /// What went wrong, in a user's words.
    pub(crate) message: String,
    /// Where.
    pub(crate) span: Span,
}

/// Reads the first document of `text`; an empty document is `null`.
pub(crate) fn load(file: FileId, text: &str) -> Result<Node, ReadError> {
    let mut loader = Loader {
        parser: Parser::new_from_str(text),
        file,
        anchors: IndexMap::new(),
        nodes: 0,
        end: text.len(),
    };
    loop {
        let (event, span) = loader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::StreamEnd | Event::DocumentEnd => {
                return Ok(Node {
                    kind: Kind::Null,
                    span: loader.span(span),
                });
            }
            other => return loader.node(other, span, 0),
        }
    }
}

struct Loader<'input> {
    parser: Parser<'input, serde_saphyr::granit_parser::StrInput<'input>>,
    file: FileId,
    anchors: IndexMap<usize, Node>,
    nodes: usize,
    end: usize,
}

impl<'input> Loader<'input> {
    fn next(&mut self) -> Result<(Event<'input>, YamlSpan), ReadError> {
        let next = loop {
            match self.parser.next_event() {
                Some(Ok((Event::Comment(..) | Event::Anchor(..), _))) => {}
                other => break other,
            }
        };
        match next {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(error)) => {
                let mark = error.marker();
                let at = mark.byte_offset().unwrap_or(mark.index()).min(self.end);
                Err(ReadError {
                    message: format!("not valid YAML: {}", error.info()),
                    span: Span::new(self.file, at, at),
                })
            }
            None => Err(ReadError {
                message: "the YAML text ends too early".into(),
                span: Span::new(self.file, self.end, self.end),
            }),
        }
    }

    fn span(&self, span: YamlSpan) -> Span {
        let start = span.start.byte_offset().unwrap_or(span.start.index());
        let end = span.end.byte_offset().unwrap_or(span.end.index());
        Span::new(
            self.file,
            start.min(self.end),
            end.min(self.end).max(start.min(self.end)),
        )
    }

    fn fail<T>(&self, span: Span, message: impl Into<String>) -> Result<T, ReadError> {
        Err(ReadError {
            message: message.into(),
            span,
        })
    }

    /// Builds the node that starts with `event`.
    fn node(
        &mut self,
        event: Event<'input>,
        span: YamlSpan,
        depth: usize,
    ) -> Result<Node, ReadError> {
        let at = self.span(span);
        if depth > MAX_DEPTH {
            return self.fail(at, format!("nested deeper than {MAX_DEPTH} levels"));
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return self.fail(
                at,
                format!("expands to more than {MAX_NODES} values (aliases)"),
            );
        }
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let explicit = tag
                    .as_ref()
                    .and_then(|tag| tag.core_suffix().map(str::to_string));
                let kind = scalar(&text, style, explicit.as_deref());
                (Node { kind, span: at }, anchor)
            }
            Event::SequenceStart(_, anchor, _) => (self.sequence(at, depth)?, anchor),
            Event::MappingStart(_, anchor, _) => (self.mapping(at, depth)?, anchor),
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return self.fail(at, "an alias names no anchor defined before it");
                };
                self.nodes += count(&target);
                if self.nodes > MAX_NODES {
                    return self.fail(
                        at,
                        format!("expands to more than {MAX_NODES} values (aliases)"),
                    );
                }
                return Ok(target);
            }
            _ => return self.fail(at, "unexpected YAML structure"),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn sequence(&mut self, start: Span, depth: usize) -> Result<Node, ReadError> {
        let mut items = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                let span = start.to(self.span(span));
                return Ok(Node {
                    kind: Kind::Seq(items),
                    span,
                });
            }
            items.push(self.node(event, span, depth + 1)?);
        }
    }

    /// A mapping, with go-yaml v2's merge: entries in order, a `<<` entry writing the keys of
    /// the mapping(s) it names (the first of a list winning), later entries overwriting.
    fn mapping(&mut self, start: Span, depth: usize) -> Result<Node, ReadError> {
        let mut map: IndexMap<String, Entry> = IndexMap::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                let span = start.to(self.span(span));
                return Ok(Node {
                    kind: Kind::Map(map),
                    span,
                });
            }
            let is_merge =
                matches!(&event, Event::Scalar(text, ScalarStyle::Plain, _, None) if text == "<<");
            let key = self.node(event, span, depth + 1)?;
            let (event, span) = self.next()?;
            let value = self.node(event, span, depth + 1)?;
            if is_merge {
                self.merge(&mut map, value)?;
                continue;
            }
            let Some(name) = key_text(&key) else {
                return self.fail(
                    key.span,
                    "a mapping key is a list or a mapping; Helm needs text",
                );
            };
            map.insert(
                name,
                Entry {
                    key_span: key.span,
                    value,
                },
            );
        }
    }

    fn merge(&self, map: &mut IndexMap<String, Entry>, value: Node) -> Result<(), ReadError> {
        match value.kind {
            Kind::Map(merged) => {
                for (key, entry) in merged {
                    map.insert(key, entry);
                }
                Ok(())
            }
            Kind::Seq(items) => {
                for item in items.into_iter().rev() {
                    match item.kind {
                        Kind::Map(_) => self.merge(map, item)?,
                        _ => {
                            return self.fail(
                                item.span,
                                "a merge key `<<` lists something that is not a mapping",
                            );
                        }
                    }
                }
                Ok(())
            }
            _ => self.fail(
                value.span,
                "a merge key `<<` needs a mapping or a list of mappings",
            ),
        }
    }
}

/// How many nodes a node holds, itself included.
fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Map(map) => 1 + map.values().map(|entry| count(&entry.value)).sum::<usize>(),
        _ => 1,
    }
}

/// A key as `sigs.k8s.io/yaml` turns it into a JSON key.
fn key_text(key: &Node) -> Option<String> {
    match &key.kind {
        Kind::Null => Some("null".into()),
        Kind::Seq(_) | Kind::Map(_) => None,
        _ => key.scalar_text(),
    }
}

/// A scalar typed as go-yaml v2 types it: quoted and block scalars are strings, plain ones
/// follow YAML 1.1's resolution, and an explicit core tag decides.
pub(crate) fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Kind {
    match tag {
        Some("str") => return Kind::Str(text.to_string()),
        Some("null" | "bool" | "int" | "float") => return resolve(text),
        _ => {}
    }
    if style == ScalarStyle::Plain {
        resolve(text)
    } else {
        Kind::Str(text.to_string())
    }
}

/// YAML 1.1 resolution of a plain scalar (go-yaml v2's `resolve`).
pub(crate) fn resolve(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Kind::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Kind::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Float(f64::NAN),
        _ => {}
    }
    let first = text.chars().next().unwrap_or(' ');
    if !matches!(first, '-' | '+' | '.' | '0'..='9') {
        return Kind::Str(text.to_string());
    }
    let plain = text.replace('_', "");
    if let Some(value) = go_int(&plain) {
        return Kind::Int(value);
    }
    if is_yaml_float(&plain)
        && let Ok(value) = plain.parse::<f64>()
    {
        return Kind::Float(value);
    }
    Kind::Str(text.to_string())
}

/// Go's `strconv.ParseInt(text, 0, 64)` plus go-yaml v2's `0b` binary form.
fn go_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits.strip_prefix("0x").or(digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits.strip_prefix("0b").or(digits.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = digits.strip_prefix("0o").or(digits.strip_prefix("0O")) {
        (8, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, digits.get(1..).unwrap_or_default())
    } else {
        (10, digits)
    };
    if body.is_empty() {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml v2's float pattern: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (
            body.get(..at).unwrap_or_default(),
            Some(body.get(at + 1..).unwrap_or_default()),
        ),
        None => (body, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok =
        exponent.is_none_or(|part| digits(part.strip_prefix(['-', '+']).unwrap_or(part)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Node {
        load(FileId(0), text).expect("reads")
    }

    #[test]
    fn yaml_1_1_scalars() {
        assert_eq!(resolve("on"), Kind::Bool(true));
        assert_eq!(resolve("N"), Kind::Bool(false));
        assert_eq!(resolve("010"), Kind::Int(8));
        assert_eq!(resolve("0x1F"), Kind::Int(31));
        assert_eq!(resolve("1_000"), Kind::Int(1000));
        assert_eq!(resolve("1.10"), Kind::Float(1.1));
        assert_eq!(resolve("1e3"), Kind::Float(1000.0));
        assert_eq!(resolve("12:30"), Kind::Str("12:30".into()));
        assert_eq!(resolve("v1.2"), Kind::Str("v1.2".into()));
        assert_eq!(resolve("~"), Kind::Null);
    }

    #[test]
    fn merge_keys_follow_go_yaml_v2() {
        // (`y` would be a key `true` in YAML 1.1: the keys are p, q, r.)
        let node = read("a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  <<: [*a, *b]\n  p: 3\n");
        let c = &node.as_map().unwrap()["c"].value;
        let map = c.as_map().unwrap();
        assert_eq!(map["p"].value.kind, Kind::Int(3));
        assert_eq!(map["q"].value.kind, Kind::Int(1));
        assert_eq!(map["r"].value.kind, Kind::Int(2));
    }

    #[test]
    fn keys_become_strings_and_errors_have_places() {
        let node = read("on: 1\n2: x\n");
        let keys: Vec<&String> = node.as_map().unwrap().keys().collect();
        assert_eq!(keys, ["true", "2"]);
        let error = load(FileId(0), "a: [1, 2\n").unwrap_err();
        assert!(error.message.starts_with("not valid YAML"), "{error:?}");
        let bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert!(load(FileId(0), bomb).is_err());
    }
}
