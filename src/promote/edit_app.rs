//! Source edits to an app's own entries, outside any `in ENV { }` override: the release of the
//! first environment of the chain with its `published` record (`ehp publish`), and the `bad`
//! entry that marks a release as not to be promoted again (`ehp rollback`).

use super::edit::{Edit, Record, entry_lines, indentation, is_record, own_line_start};
use crate::resolve::Project;
use crate::source::SourceDb;
use crate::syntax::ast::{AppDecl, Entry, ExprKind};

/// An app's declaration and the text of its file.
fn app_text<'a>(
    db: &'a SourceDb,
    project: &'a Project,
    app: &str,
) -> Result<(&'a AppDecl, &'a str), String> {
    let decl = project
        .app_index
        .get(app)
        .and_then(|&index| project.apps.get(index))
        .ok_or_else(|| format!("no app is called `{app}`"))?;
    let text = db
        .get(decl.span.file)
        .map(|source| source.text.as_str())
        .ok_or("the app's file is gone")?;
    Ok((decl, text))
}

/// The app's own entry whose path is exactly `field`.
fn own_entry<'a>(decl: &'a AppDecl, field: &str) -> Option<&'a Entry> {
    decl.entries
        .iter()
        .find(|entry| entry.path.len() == 1 && entry.path.iter().all(|key| key.name == field))
}

/// The offset just past the line that ends `entry` (after its newline).
fn after_line(text: &str, entry: &Entry) -> usize {
    let end = entry.span.end as usize;
    text.get(end..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |newline| end + newline + 1)
}

/// The indentation of the app's own entries.
fn entry_indent(text: &str, decl: &AppDecl) -> String {
    match decl.entries.first() {
        Some(first) => indentation(text, first.span.start as usize),
        None => format!("{}    ", indentation(text, decl.span.start as usize)),
    }
}

/// Where new own entries of the app go: after the last of `near` that the app sets itself, or
/// else after its last own entry; `None` when the app has none (then before its closing brace).
fn insertion_point(text: &str, decl: &AppDecl, near: &[&str]) -> Result<usize, String> {
    let anchor = near
        .iter()
        .filter_map(|field| own_entry(decl, field))
        .max_by_key(|entry| entry.span.end)
        .or_else(|| decl.entries.iter().max_by_key(|entry| entry.span.end));
    match anchor {
        Some(entry) => Ok(after_line(text, entry)),
        None => {
            let close = (decl.span.end as usize).saturating_sub(1);
            own_line_start(text, close).ok_or_else(|| {
                "the app's closing `}` shares its line with other text: format the file with `ehp fmt` first".to_string()
            })
        }
    }
}

/// The edits that set the app's own release fields (`release`, as `(field, literal)`) and write
/// `record` beside them, replacing an earlier record of the app's own.
pub fn set_app_release(
    db: &SourceDb,
    project: &Project,
    app: &str,
    release: &[(String, String)],
    record: &Record,
) -> Result<Vec<Edit>, String> {
    let (decl, text) = app_text(db, project, app)?;
    let file = decl.span.file;
    let indent = entry_indent(text, decl);
    let fields: Vec<&str> = release.iter().map(|(field, _)| field.as_str()).collect();
    let at = insertion_point(text, decl, &fields)?;
    let mut edits = Vec::new();
    let mut inserted = String::new();
    for (field, literal) in release {
        match own_entry(decl, field) {
            Some(entry) => edits.push(Edit {
                file,
                start: entry.value.span.start as usize,
                end: entry.value.span.end as usize,
                text: literal.clone(),
            }),
            None => inserted.push_str(&format!("{indent}{field} = {literal}\n")),
        }
    }
    for entry in decl.entries.iter().filter(|entry| is_record(entry)) {
        let (start, end) = entry_lines(text, entry).ok_or(
            "a record shares its line with other text: format the file with `ehp fmt` first",
        )?;
        if start < at && at < end {
            return Err("a record of the app is where the new one goes: format the file with `ehp fmt` first".into());
        }
        edits.push(Edit {
            file,
            start,
            end,
            text: String::new(),
        });
    }
    inserted.push_str(&record.lines(&indent, &[]));
    edits.push(Edit {
        file,
        start: at,
        end: at,
        text: inserted,
    });
    Ok(edits)
}

/// The edit that adds `tag = value` (`value` a literal) to the app's own `bad { }` block,
/// creating the block when there is none, or changes the value when the tag is there.
pub fn mark_bad(
    db: &SourceDb,
    project: &Project,
    app: &str,
    tag: &str,
    value: &str,
) -> Result<Edit, String> {
    let key = crate::syntax::literal::key(tag);
    let (decl, text) = app_text(db, project, app)?;
    let file = decl.span.file;
    let indent = entry_indent(text, decl);
    let Some(entry) = own_entry(decl, "bad") else {
        let at = insertion_point(text, decl, &["published", "tag", "chart_version"])?;
        return Ok(Edit {
            file,
            start: at,
            end: at,
            text: format!("{indent}bad {{\n{indent}    {key} = {value}\n{indent}}}\n"),
        });
    };
    let ExprKind::Block(block) = &entry.value.kind else {
        return Err("the app's `bad` is not a `{ ... }` block: write it as one".into());
    };
    if let Some(existing) = block
        .entries
        .iter()
        .find(|inner| inner.path.len() == 1 && inner.path.iter().all(|part| part.name == tag))
    {
        return Ok(Edit {
            file,
            start: existing.value.span.start as usize,
            end: existing.value.span.end as usize,
            text: value.to_string(),
        });
    }
    let close = (block.span.end as usize).saturating_sub(1);
    let line = own_line_start(text, close)
        .ok_or("the app's `bad { }` closes on a line with other text: format the file with `ehp fmt` first")?;
    let inner = match block.entries.first() {
        Some(first) => indentation(text, first.span.start as usize),
        None => format!("{indent}    "),
    };
    Ok(Edit {
        file,
        start: line,
        end: line,
        text: format!("{inner}{key} = {value}\n"),
    })
}
