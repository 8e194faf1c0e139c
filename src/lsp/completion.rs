//! Completion. The context comes from the document's current text (which is often broken while
//! typing): the blocks open at the cursor and the words before it on its line. The names come
//! from the analysis: templates, environments, the fields of a template's schema with their types
//! and docs, and the values of an enum-typed field.

use std::sync::Arc;

use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind, Position,
};

use super::line_index::LineIndex;
use crate::Analysis;
use crate::resolve::{ENV_TEMPLATE, PROMOTION_TEMPLATE};
use crate::types::{Schema, Ty};

/// What the text before the cursor shows.
#[derive(Debug, Default)]
struct Context {
    /// The headers of the blocks open at the cursor, outermost first (`app a: web_service`,
    /// `in prod`, `probes`).
    headers: Vec<String>,
    /// The text of the current entry before the cursor (since the last `{`, `}`, `,`, `;` or
    /// line end, comments removed).
    statement: String,
    /// Whether the cursor is inside a string, and the entry text before that string's quote.
    in_string: Option<String>,
    /// The keys the block at the cursor already sets before the cursor.
    set_before: Vec<String>,
}

/// The key an entry's text sets, when it is a plain name (`replicas = 3`, `probes {`).
fn entry_key(statement: &str) -> Option<String> {
    let head = statement.split(['=', '{']).next()?.trim();
    let is_name = !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (is_name && (statement.contains('=') || statement.contains('{'))).then(|| head.to_string())
}

/// The keys set in the rest of the block after the cursor (up to its closing brace).
fn set_after(suffix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    // The line the cursor is on belongs to the entry being typed.
    for line in suffix.lines().skip(1) {
        let code = line.split("//").next().unwrap_or("");
        if depth == 0
            && let Some(key) = entry_key(code)
        {
            keys.push(key);
        }
        let mut in_string = false;
        for c in code.chars() {
            match c {
                '"' => in_string = !in_string,
                '{' if !in_string => depth += 1,
                '}' if !in_string => {
                    if depth == 0 {
                        return keys;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
    }
    keys
}

/// The completions at a position of `text`.
pub(super) fn completion(
    analysis: &Analysis,
    text: &str,
    position: Position,
) -> Vec<CompletionItem> {
    let offset = LineIndex::new(text).offset(position);
    let prefix = text.get(..offset).unwrap_or(text);
    let context = scan(prefix);
    if let Some(before) = &context.in_string {
        return enum_values(analysis, &context.headers, before);
    }
    let words: Vec<&str> = context.statement.split_whitespace().collect();
    let partial = !context.statement.ends_with(char::is_whitespace);
    // The words before the one being typed.
    let complete: &[&str] = if partial {
        words.split_last().map_or(&[], |(_, rest)| rest)
    } else {
        &words
    };
    let top_level = context.headers.is_empty();
    match complete {
        ["app", name] if top_level && name.ends_with(':') => return templates(analysis, None),
        ["app", _, ":"] if top_level => return templates(analysis, None),
        ["template", name, "extends"] if top_level => return templates(analysis, Some(name)),
        ["env", name, "extends"] | ["abstract", "env", name, "extends"] if top_level => {
            return envs(analysis, Some(name));
        }
        ["in", ..] if context.headers.len() == 1 && is_app(&context.headers) => {
            return envs(analysis, None);
        }
        [key, "="] if !top_level => return replace_keyword(analysis, &context.headers, key),
        [] => {}
        _ => return Vec::new(),
    }
    if top_level {
        return ["app", "env", "abstract env", "template"]
            .iter()
            .map(|keyword| CompletionItem {
                label: (*keyword).to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                ..CompletionItem::default()
            })
            .collect();
    }
    // A field name, maybe after a dotted path: `probes.`.
    let typed = words.last().copied().filter(|_| partial).unwrap_or("");
    if !typed
        .chars()
        .all(|character| character.is_alphanumeric() || "_-.".contains(character))
    {
        return Vec::new();
    }
    let mut ty = block_type(analysis, &context.headers);
    let mut parents: Vec<&str> = typed.split('.').collect();
    parents.pop();
    for key in parents {
        ty = descend(ty.as_ref(), key);
    }
    // Fields the block already sets (before or after the cursor) are not offered again.
    let mut set = context.set_before.clone();
    if typed.is_empty() || !typed.contains('.') {
        set.extend(set_after(text.get(offset..).unwrap_or("")));
    } else {
        set.clear();
    }
    match ty {
        Some(Ty::Record(schema)) => fields(&schema)
            .into_iter()
            .filter(|item| !set.contains(&item.label))
            .collect(),
        _ => Vec::new(),
    }
}

/// After `key =` where `key` is a block or map: `replace { }`, to replace what lower layers set.
fn replace_keyword(analysis: &Analysis, headers: &[String], key: &str) -> Vec<CompletionItem> {
    let mut ty = block_type(analysis, headers);
    for part in key.split('.') {
        ty = descend(ty.as_ref(), part);
    }
    if !matches!(ty, Some(Ty::Record(_) | Ty::Map(_) | Ty::Any)) {
        return Vec::new();
    }
    vec![CompletionItem {
        label: "replace".to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        detail: Some("replace { ... }".to_string()),
        insert_text: Some("replace {}".to_string()),
        documentation: docs(&[
            "Replaces what lower layers set for this key instead of merging with it; `replace {}` clears it."
                .to_string(),
        ]),
        ..CompletionItem::default()
    }]
}

fn is_app(headers: &[String]) -> bool {
    headers
        .first()
        .is_some_and(|header| header.split_whitespace().next() == Some("app"))
}

/// Reads the text before the cursor: open blocks, the current entry, and whether the cursor is
/// in a string.
fn scan(prefix: &str) -> Context {
    let mut scanner = Scanner {
        keys: vec![Vec::new()],
        ..Scanner::default()
    };
    let mut chars = prefix.char_indices().peekable();
    while let Some((at, character)) = chars.next() {
        let rest = prefix.get(at..).unwrap_or("");
        if scanner.string_start.is_some() {
            scanner.string_char(character, rest, &mut chars);
        } else {
            scanner.code_char(character, rest, &mut chars);
        }
    }
    scanner.into_context()
}

/// The characters of the text before the cursor, with their offsets.
type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// What [`scan`] has read so far.
#[derive(Default)]
struct Scanner {
    /// The headers of the open blocks, outermost first.
    headers: Vec<String>,
    /// The keys set in each open block, outermost first.
    keys: Vec<Vec<String>>,
    /// The text of the current entry.
    statement: String,
    /// Inside a string: the entry's text before its quote, and whether it is a `"""` string.
    string_start: Option<(String, bool)>,
}

impl Scanner {
    /// A character inside a string: an escape, the closing quote(s), or (in a one-line
    /// string) a line end that abandons it.
    fn string_char(&mut self, character: char, rest: &str, chars: &mut Chars<'_>) {
        let triple = match &self.string_start {
            Some((_, triple)) => *triple,
            None => return,
        };
        match character {
            '\\' => {
                chars.next();
            }
            '"' if !triple || rest.starts_with("\"\"\"") => {
                if triple {
                    chars.next();
                    chars.next();
                }
                if let Some((before, _)) = self.string_start.take() {
                    self.statement = before;
                    self.statement.push_str("\"\"");
                }
            }
            '\n' if !triple => {
                self.string_start = None;
                self.statement.clear();
            }
            _ => {}
        }
    }

    /// A character outside strings: comments, string starts, blocks opening and closing, and
    /// the ends of entries.
    fn code_char(&mut self, character: char, rest: &str, chars: &mut Chars<'_>) {
        match character {
            '/' if rest.starts_with("//") => {
                while chars.peek().is_some_and(|(_, next)| *next != '\n') {
                    chars.next();
                }
            }
            '"' => {
                let triple = rest.starts_with("\"\"\"");
                if triple {
                    chars.next();
                    chars.next();
                }
                self.string_start = Some((self.statement.clone(), triple));
            }
            '{' => {
                self.record_key(entry_key(&format!("{}{{", self.statement)));
                self.headers.push(self.statement.trim().to_string());
                self.keys.push(Vec::new());
                self.statement.clear();
            }
            '}' => {
                self.headers.pop();
                self.keys.pop();
                self.statement.clear();
            }
            '\n' | ';' => self.end_entry(),
            ',' if !self.statement.trim_start().starts_with("in ") => self.end_entry(),
            other => self.statement.push(other),
        }
    }

    /// The current entry ends: the key it sets belongs to the block it is in.
    fn end_entry(&mut self) {
        self.record_key(entry_key(&self.statement));
        self.statement.clear();
    }

    /// Records a key set in the innermost open block.
    fn record_key(&mut self, key: Option<String>) {
        if let (Some(key), Some(level)) = (key, self.keys.last_mut()) {
            level.push(key);
        }
    }

    fn into_context(mut self) -> Context {
        Context {
            headers: self.headers,
            in_string: self.string_start.map(|(before, _)| before),
            statement: self.statement,
            set_before: self.keys.pop().unwrap_or_default(),
        }
    }
}

/// The type of the block at the cursor: the schema of the app's template, of the environment
/// settings or of the template, then down through nested blocks.
fn block_type(analysis: &Analysis, headers: &[String]) -> Option<Ty> {
    let (first, rest) = headers.split_first()?;
    let words: Vec<&str> = first.split_whitespace().collect();
    let template_schema = |name: &str| -> Option<Ty> {
        let index = *analysis.project.template_index.get(name)?;
        let schema = analysis.schemas.templates.get(index)?.clone()?;
        Some(Ty::Record(schema))
    };
    let mut ty = match words.as_slice() {
        ["app", ..] => first
            .split_once(':')
            .and_then(|(_, template)| template_schema(template.trim())),
        ["env", ..] | ["abstract", "env", ..] => {
            Some(Ty::Record(Arc::clone(&analysis.schemas.env)))
        }
        ["template", name, ..] => template_schema(name),
        _ => None,
    };
    let in_template = words.first() == Some(&"template");
    for header in rest {
        let header = header.trim_end_matches('=').trim();
        if header.starts_with("in ") || header == "in" {
            continue;
        }
        if in_template && header == "values" {
            return None;
        }
        for key in header.split('.') {
            ty = descend(ty.as_ref(), key.trim().trim_matches('"'));
        }
    }
    ty
}

fn descend(ty: Option<&Ty>, key: &str) -> Option<Ty> {
    match ty? {
        Ty::Record(schema) => schema.get(key).map(|field| field.ty.clone()),
        Ty::Map(inner) => Some((**inner).clone()),
        _ => None,
    }
}

fn fields(schema: &Schema) -> Vec<CompletionItem> {
    schema
        .fields
        .values()
        .enumerate()
        .map(|(index, field)| {
            let optional = if field.optional { "?" } else { "" };
            let docs: Vec<&str> = field
                .docs
                .iter()
                .map(|line| line.strip_prefix(' ').unwrap_or(line))
                .collect();
            CompletionItem {
                label: field.name.clone(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(format!("{}{optional}", field.ty)),
                documentation: (!docs.is_empty()).then(|| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: docs.join("\n"),
                    })
                }),
                sort_text: Some(format!("{index:04}")),
                deprecated: field.deprecated.is_some().then_some(true),
                ..CompletionItem::default()
            }
        })
        .collect()
}

fn templates(analysis: &Analysis, except: Option<&str>) -> Vec<CompletionItem> {
    analysis
        .project
        .templates
        .iter()
        .filter(|template| {
            ![ENV_TEMPLATE, PROMOTION_TEMPLATE].contains(&template.name.name.as_str())
                && Some(template.name.name.as_str()) != except
        })
        .map(|template| CompletionItem {
            label: template.name.name.to_string(),
            kind: Some(CompletionItemKind::CLASS),
            detail: Some(template.parent.as_ref().map_or_else(
                || "template".to_string(),
                |parent| format!("extends {}", parent.name),
            )),
            documentation: docs(&template.docs),
            ..CompletionItem::default()
        })
        .collect()
}

fn envs(analysis: &Analysis, except: Option<&str>) -> Vec<CompletionItem> {
    analysis
        .project
        .envs
        .iter()
        .filter(|env| Some(env.name.name.as_str()) != except)
        .map(|env| CompletionItem {
            label: env.name.name.to_string(),
            kind: Some(CompletionItemKind::MODULE),
            detail: Some(
                if env.is_abstract {
                    "abstract env"
                } else {
                    "env"
                }
                .to_string(),
            ),
            documentation: docs(&env.docs),
            ..CompletionItem::default()
        })
        .collect()
}

fn docs(lines: &[String]) -> Option<Documentation> {
    (!lines.is_empty()).then(|| {
        Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: lines
                .iter()
                .map(|line| line.strip_prefix(' ').unwrap_or(line))
                .collect::<Vec<_>>()
                .join("\n"),
        })
    })
}

/// The values of the enum-typed field whose string the cursor is in: `key = "|`.
fn enum_values(analysis: &Analysis, headers: &[String], before: &str) -> Vec<CompletionItem> {
    let Some(key) = before.trim().strip_suffix('=') else {
        return Vec::new();
    };
    let mut ty = block_type(analysis, headers);
    for part in key.trim().split('.') {
        ty = descend(ty.as_ref(), part.trim());
    }
    match ty {
        Some(Ty::Enum(variants)) => variants
            .into_iter()
            .enumerate()
            .map(|(index, variant)| CompletionItem {
                label: variant,
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                sort_text: Some(format!("{index:04}")),
                ..CompletionItem::default()
            })
            .collect(),
        _ => Vec::new(),
    }
}
