//! Hover: a field's type, doc comment and default; on an app's field or an environment setting,
//! also its value in each environment and the layers it comes from (the provenance `ehp why`
//! gives, see `eval::why`); on a template, environment or app name, its doc comment; on a key of
//! chart values, the chart's own description of it (`charts`). A literal secret is masked as in
//! diagnostics (`diag::Secrets`).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::locate::{FoundKind, ValuesOf, locate};
use super::snapshot::Snapshot;
use crate::Analysis;
use crate::diag::Secrets;
use crate::eval::print;
use crate::eval::why::{Provenance, provenance, setting_provenance};
use crate::source::SourceDb;
use crate::types::FieldSchema;

/// What hover says about `replace { ... }`.
const REPLACE_HOVER: &str = "```ehp\nreplace { ... }\n```\n\
`replace`: this block replaces what lower layers set for this key (the field's default, the \
templates, the app's own entries, the overrides of parent environments) instead of merging with \
it. `replace {}` clears a map; the parts of a record it leaves out get their declared defaults. \
See docs/language.md, \"Merge rules\".";

/// The longest value shown in a hover, in characters.
const MAX_VALUE: usize = 80;

/// The hover at a position.
pub(super) fn hover(snapshot: &Snapshot, position: Position) -> Option<Hover> {
    let offset = snapshot.index().offset(position);
    if let Some(hover) = super::charts::hover(snapshot, offset) {
        return Some(hover);
    }
    let analysis = &snapshot.analysis;
    let found = locate(analysis, snapshot.file, offset)?;
    let text = match &found.kind {
        FoundKind::Field {
            field,
            path,
            values,
        } => {
            let mut text = field_text(analysis, field);
            match values {
                ValuesOf::App(app) => text.push_str(&app_values(analysis, app, path)),
                ValuesOf::Env => text.push_str(&env_values(analysis, path)),
                ValuesOf::Nothing => {}
            }
            text
        }
        FoundKind::EnvSetting { path, field } => {
            let mut text = match field {
                Some(field) => field_text(analysis, field),
                None => format!("```ehp\nenv.{}\n```\n", path.join(".")),
            };
            text.push_str(&env_values(analysis, path));
            text
        }
        FoundKind::Replace => REPLACE_HOVER.to_string(),
        FoundKind::Template(name) | FoundKind::Env(name) | FoundKind::App(name) => {
            declaration_text(analysis, &found.kind, name)?
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: Secrets::of(&analysis.db, &analysis.diagnostics).mask(text.trim_end()),
        }),
        range: Some(snapshot.index().range(found.span.range())),
    })
}

/// The header and doc comment of a template, environment or app named `name`.
fn declaration_text(analysis: &Analysis, kind: &FoundKind, name: &str) -> Option<String> {
    let project = &analysis.project;
    let extends = |parent: &Option<crate::syntax::ast::Ident>| {
        parent
            .as_ref()
            .map(|parent| format!(" extends {}", parent.name))
            .unwrap_or_default()
    };
    Some(match kind {
        FoundKind::Template(_) => {
            let decl = project
                .template_index
                .get(name)
                .and_then(|&index| project.templates.get(index))?;
            let parent = extends(&decl.parent);
            with_docs(format!("```ehp\ntemplate {name}{parent}\n```"), &decl.docs)
        }
        FoundKind::Env(_) => {
            let decl = project
                .env_index
                .get(name)
                .and_then(|&index| project.envs.get(index))?;
            let kind = if decl.is_abstract {
                "abstract env"
            } else {
                "env"
            };
            let parent = extends(&decl.parent);
            with_docs(format!("```ehp\n{kind} {name}{parent}\n```"), &decl.docs)
        }
        _ => {
            let decl = project
                .app_index
                .get(name)
                .and_then(|&index| project.apps.get(index))?;
            let header = format!("```ehp\napp {name}: {}\n```", decl.template.name);
            with_docs(header, &decl.docs)
        }
    })
}

fn with_docs(mut text: String, docs: &[String]) -> String {
    if !docs.is_empty() {
        text.push_str("\n\n");
        text.push_str(&doc_text(docs));
    }
    text
}

fn doc_text(docs: &[String]) -> String {
    docs.iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The declaration, the default and the doc comment of a field.
fn field_text(analysis: &Analysis, field: &FieldSchema) -> String {
    let optional = if field.optional { "?" } else { "" };
    let mut text = format!("```ehp\n{}: {}{optional}", field.name, field.ty);
    if let Some(default) = &field.default {
        text.push_str(&format!(" = {}", analysis.db.slice(default.span)));
    }
    text.push_str("\n```\n");
    text.push_str(&format!("declared by `{}`", field.owner));
    if field.default.is_none() && !field.optional {
        text.push_str(" · required");
    }
    text.push('\n');
    if !field.docs.is_empty() {
        text.push('\n');
        text.push_str(&doc_text(&field.docs));
        text.push('\n');
    }
    text
}

/// A table of an app field's value in each environment, with where it comes from.
fn app_values(analysis: &Analysis, app: &str, path: &[String]) -> String {
    let parts: Vec<&str> = path.iter().map(String::as_str).collect();
    let rows: Vec<(String, Option<Provenance>)> = analysis
        .envs
        .iter()
        .filter(|env| env.apps.iter().any(|instance| instance.name == app))
        .map(|env| {
            let found = provenance(&analysis.project, &analysis.schemas, &env.name, app, &parts);
            (env.name.clone(), found.ok())
        })
        .collect();
    table(&analysis.db, &rows)
}

/// A table of an environment setting's value in each environment, with where it comes from;
/// `env.name` is each environment's own name.
fn env_values(analysis: &Analysis, path: &[String]) -> String {
    if path.len() == 1 && path.first().is_some_and(|first| first == "name") {
        let mut text = String::from(
            "\nThe name of the environment being compiled.\n\n| environment | value |\n|---|---|\n",
        );
        for env in &analysis.envs {
            text.push_str(&format!("| {} | `\"{}\"` |\n", env.name, env.name));
        }
        return text;
    }
    let parts: Vec<&str> = path.iter().map(String::as_str).collect();
    let rows: Vec<(String, Option<Provenance>)> = analysis
        .envs
        .iter()
        .map(|env| {
            let found = setting_provenance(&analysis.project, &analysis.schemas, &env.name, &parts);
            (env.name.clone(), found.ok())
        })
        .collect();
    table(&analysis.db, &rows)
}

/// One row per environment: the value, and the layers whose values are in force.
fn table(db: &SourceDb, rows: &[(String, Option<Provenance>)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut text = String::from("\n| environment | value | from |\n|---|---|---|\n");
    for (env, found) in rows {
        let shown = found
            .as_ref()
            .and_then(|found| found.final_value.as_ref())
            .map_or_else(
                || "unset".to_string(),
                |value| format!("`{}`", print::source_within(value, MAX_VALUE)),
            );
        let from = found
            .as_ref()
            .map_or_else(String::new, |found| sources(db, found));
        text.push_str(&format!(
            "| {env} | {} | {} |\n",
            shown.replace('|', "\\|"),
            from.replace('|', "\\|")
        ));
    }
    text
}

/// The layers whose values are in force, with their lines: `override \`in prod\` (apps.ehp:12)`.
fn sources(db: &SourceDb, found: &Provenance) -> String {
    let mut named: Vec<String> = Vec::new();
    for step in found.steps.iter().filter(|step| step.won) {
        let (line, _) = db.line_col(step.span);
        let file = db.name(step.span.file);
        let file = file.rsplit('/').next().unwrap_or(file);
        let text = format!("{} ({file}:{line})", step.layer);
        if !named.contains(&text) {
            named.push(text);
        }
    }
    let more = named.len().saturating_sub(3);
    named.truncate(3);
    let mut text = named.join("; ");
    if more > 0 {
        text.push_str(&format!("; {more} more"));
    }
    text
}
