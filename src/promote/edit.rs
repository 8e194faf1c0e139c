//! Source edits for `ehp promote`, `hotfix`, `rollback` and `publish`: the smallest change to
//! one app's `in ENV { ... }` override (or, for the first environment, to the app's own entries)
//! that sets its release and records how it got there, and the entry that marks a release bad.
//! Nothing else in the file changes: edits are byte ranges with their replacement.

use crate::resolve::Project;
use crate::source::{FileId, SourceDb};
use crate::syntax::ast::{AppDecl, Entry, Override};

/// One replacement of a byte range of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The file.
    pub file: FileId,
    /// The first byte replaced.
    pub start: usize,
    /// One past the last byte replaced (equal to `start` for an insertion).
    pub end: usize,
    /// The new text.
    pub text: String,
}

/// The fields that hold a record of how a release got where it is: an edit that sets a release
/// replaces whichever of them is there.
pub const RECORDS: &[&str] = &["promoted", "hotfix", "rollback", "published"];

/// A record written into the override: `promoted { ... }`, `hotfix { ... }`, `rollback { ... }`
/// or `published { ... }`.
#[derive(Debug, Clone)]
pub struct Record {
    /// One of [`RECORDS`].
    pub field: &'static str,
    /// Its entries, as `(key, literal)` pairs, in order.
    pub entries: Vec<(String, String)>,
    /// The release it records, as `(field, literal)` pairs, written as `release { ... }`.
    pub release: Vec<(String, String)>,
    /// For a rollback, the release it replaces, written as `replaced { ... }`.
    pub replaced: Vec<(String, String)>,
}

impl Record {
    /// The record as source lines, indented by `indent`, with `comments` (kept from the record
    /// it replaces) first.
    pub(super) fn lines(&self, indent: &str, comments: &[String]) -> String {
        let inner = format!("{indent}    ");
        let mut text = format!("{indent}{} {{\n", self.field);
        for comment in comments {
            text.push_str(&format!("{inner}{comment}\n"));
        }
        for (key, literal) in &self.entries {
            text.push_str(&format!("{inner}{key} = {literal}\n"));
        }
        for (name, block) in [("release", &self.release), ("replaced", &self.replaced)] {
            if block.is_empty() {
                continue;
            }
            text.push_str(&format!("{inner}{name} {{\n"));
            for (key, literal) in block {
                text.push_str(&format!("{inner}    {key} = {literal}\n"));
            }
            text.push_str(&format!("{inner}}}\n"));
        }
        text.push_str(&format!("{indent}}}\n"));
        text
    }
}

/// The indentation of the line holding `offset`.
pub(super) fn indentation(text: &str, offset: usize) -> String {
    let line_start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1);
    text.get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The start of the line holding `offset`, when only whitespace precedes `offset` on it.
pub(super) fn own_line_start(text: &str, offset: usize) -> Option<usize> {
    let line_start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1);
    text.get(line_start..offset)
        .is_some_and(|before| before.trim().is_empty())
        .then_some(line_start)
}

/// The byte range of a whole entry's lines (for removal), when it stands on lines of its own.
pub(super) fn entry_lines(text: &str, entry: &Entry) -> Option<(usize, usize)> {
    let start = own_line_start(text, entry.span.start as usize)?;
    let end = entry.span.end as usize;
    let rest = text.get(end..)?;
    let newline = rest.find('\n').map_or(rest.len(), |offset| offset + 1);
    rest.get(..newline).filter(|tail| tail.trim().is_empty())?;
    Some((start, end + newline))
}

/// The override of `app` that names exactly `env`.
fn own_override<'a>(app: &'a AppDecl, env: &str) -> Option<&'a Override> {
    app.overrides
        .iter()
        .rev()
        .find(|over| over.envs.len() == 1 && over.envs.iter().all(|name| name.name == env))
}

/// The edits that make `app` run `release` (field, literal) in `env`, with `record` written
/// into the override (any earlier `promoted` or `hotfix` record there is replaced).
pub fn set_release(
    db: &SourceDb,
    project: &Project,
    app: &str,
    env: &str,
    release: &[(String, String)],
    record: &Record,
) -> Result<Vec<Edit>, String> {
    let decl = project
        .app_index
        .get(app)
        .and_then(|&index| project.apps.get(index))
        .ok_or_else(|| format!("no app is called `{app}`"))?;
    let file = decl.span.file;
    let text = db
        .get(file)
        .map(|source| source.text.as_str())
        .ok_or("the app's file is gone")?;
    let Some(over) = own_override(decl, env) else {
        return new_override(text, file, decl, env, release, record).map(|edit| vec![edit]);
    };
    let close = (over.body.span.end as usize).saturating_sub(1);
    let outer_indent = indentation(text, over.span.start as usize);
    let Some(close_line) = own_line_start(text, close) else {
        // `in prod { replicas = 3 }` on one line: rewrite the block over several lines,
        // keeping each entry's text as it is.
        return Ok(vec![one_line_override(
            text,
            file,
            over,
            &outer_indent,
            release,
            record,
        )]);
    };
    let entry_indent = match over.body.entries.first() {
        Some(first) => indentation(text, first.span.start as usize),
        None => format!("{outer_indent}    "),
    };
    let mut edits = Vec::new();
    let mut inserted = String::new();
    for (field, literal) in release {
        let existing =
            over.body.entries.iter().find(|entry| {
                entry.path.len() == 1 && entry.path.iter().all(|key| key.name == *field)
            });
        match existing {
            Some(entry) => edits.push(Edit {
                file,
                start: entry.value.span.start as usize,
                end: entry.value.span.end as usize,
                text: literal.clone(),
            }),
            None => inserted.push_str(&format!("{entry_indent}{field} = {literal}\n")),
        }
    }
    let mut comments = Vec::new();
    for entry in over.body.entries.iter().filter(|entry| is_record(entry)) {
        let (start, end) = entry_lines(text, entry).ok_or("a record (`promoted`, `hotfix`, `rollback`) shares its line with other text: format the file with `ehp fmt` first")?;
        comments.extend(comments_in(
            text.get(entry.span.range()).unwrap_or_default(),
        ));
        edits.push(Edit {
            file,
            start,
            end,
            text: String::new(),
        });
    }
    inserted.push_str(&record.lines(&entry_indent, &comments));
    edits.push(Edit {
        file,
        start: close_line,
        end: close_line,
        text: inserted,
    });
    Ok(edits)
}

/// The comments of a text (a record being replaced), each from its `//` to the end of its line,
/// so that the new record keeps them.
fn comments_in(text: &str) -> Vec<String> {
    let mut comments = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut previous = ' ';
        for (at, character) in line.char_indices() {
            if in_string {
                match character {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if character == '"' {
                in_string = true;
            } else if character == '/' && previous == '/' {
                let start = at.saturating_sub(1);
                comments.push(line.get(start..).unwrap_or_default().trim_end().to_string());
                break;
            }
            previous = character;
        }
    }
    comments
}

/// Whether an entry is a record ([`RECORDS`]).
pub(super) fn is_record(entry: &Entry) -> bool {
    entry.path.len() == 1
        && entry
            .path
            .iter()
            .all(|key| RECORDS.contains(&key.name.as_str()))
}

/// The edit that adds an override `in ENV { ... }` with the release and the record at the end
/// of an app that has none of its own for `env`.
fn new_override(
    text: &str,
    file: FileId,
    decl: &AppDecl,
    env: &str,
    release: &[(String, String)],
    record: &Record,
) -> Result<Edit, String> {
    let close = (decl.span.end as usize).saturating_sub(1);
    let line_start = own_line_start(text, close).ok_or("the app's closing `}` shares its line with other text: format the file with `ehp fmt` first")?;
    let indent = match decl.entries.first() {
        Some(first) => indentation(text, first.span.start as usize),
        None => format!("{}    ", indentation(text, decl.span.start as usize)),
    };
    let inner = format!("{indent}    ");
    let mut block = format!("\n{indent}in {env} {{\n");
    for (field, literal) in release {
        block.push_str(&format!("{inner}{field} = {literal}\n"));
    }
    block.push_str(&record.lines(&inner, &[]));
    block.push_str(&format!("{indent}}}\n"));
    Ok(Edit {
        file,
        start: line_start,
        end: line_start,
        text: block,
    })
}

/// The edit that rewrites a one-line override over several lines, with the release and the
/// record set.
fn one_line_override(
    text: &str,
    file: FileId,
    over: &Override,
    indent: &str,
    release: &[(String, String)],
    record: &Record,
) -> Edit {
    let inner = format!("{indent}    ");
    let open = over.body.span.start as usize + 1;
    let close = (over.body.span.end as usize).saturating_sub(1);
    let mut body = String::from("\n");
    for entry in &over.body.entries {
        let key: Vec<&str> = entry.path.iter().map(|key| key.name.as_str()).collect();
        let is_release = key.len() == 1
            && release
                .iter()
                .any(|(field, _)| key.first() == Some(&field.as_str()));
        if !is_release && !is_record(entry) {
            body.push_str(&format!(
                "{inner}{}\n",
                text.get(entry.span.range()).unwrap_or("").trim()
            ));
        }
    }
    for (field, literal) in release {
        body.push_str(&format!("{inner}{field} = {literal}\n"));
    }
    body.push_str(&record.lines(&inner, &[]));
    body.push_str(indent);
    Edit {
        file,
        start: open,
        end: close,
        text: body,
    }
}

/// Applies edits to a text; edits must not overlap.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| std::cmp::Reverse((edit.start, edit.end)));
    let mut out = text.to_string();
    for edit in sorted {
        if edit.start <= edit.end
            && edit.end <= out.len()
            && out.is_char_boundary(edit.start)
            && out.is_char_boundary(edit.end)
        {
            out.replace_range(edit.start..edit.end, &edit.text);
        }
    }
    out
}

/// One file an edit changes: its name, and its text before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file's name in the database.
    pub name: String,
    /// The text before the edits.
    pub before: String,
    /// The text after them.
    pub after: String,
}

/// Applies `edits` to the files of `db` they belong to; returns every file whose text changes,
/// in database order.
pub fn apply_all(db: &SourceDb, edits: &[Edit]) -> Vec<FileChange> {
    let mut changed = Vec::new();
    for (id, file) in db.iter() {
        let mine: Vec<&Edit> = edits.iter().filter(|edit| edit.file == id).collect();
        if mine.is_empty() {
            continue;
        }
        let after = apply(&file.text, &mine);
        if after != file.text {
            changed.push(FileChange {
                name: file.name.clone(),
                before: file.text.clone(),
                after,
            });
        }
    }
    changed
}

/// The project's `(name, text)` files with `changes` applied.
pub fn edited_files(files: &[(String, String)], changes: &[FileChange]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| {
            let text = changes
                .iter()
                .find(|change| &change.name == name)
                .map_or(text, |change| &change.after);
            (name.clone(), text.clone())
        })
        .collect()
}
