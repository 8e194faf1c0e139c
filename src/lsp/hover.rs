//! Hover: a field's type, doc comment and default; on an app's field, also its value in each
//! environment; on a template, environment or app name, its doc comment; on a key of chart
//! values, the chart's own description of it (`charts`).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::locate::{FoundKind, ValuesOf, locate};
use super::snapshot::Snapshot;
use crate::Analysis;
use crate::eval::model::Val;
use crate::eval::print;
use crate::types::FieldSchema;

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
        FoundKind::Template(name) => {
            let decl = analysis
                .project
                .template_index
                .get(name)
                .and_then(|&index| analysis.project.templates.get(index))?;
            let parent = decl
                .parent
                .as_ref()
                .map(|parent| format!(" extends {}", parent.name))
                .unwrap_or_default();
            with_docs(format!("```ehp\ntemplate {name}{parent}\n```"), &decl.docs)
        }
        FoundKind::Env(name) => {
            let decl = analysis
                .project
                .env_index
                .get(name)
                .and_then(|&index| analysis.project.envs.get(index))?;
            let kind = if decl.is_abstract {
                "abstract env"
            } else {
                "env"
            };
            let parent = decl
                .parent
                .as_ref()
                .map(|parent| format!(" extends {}", parent.name))
                .unwrap_or_default();
            with_docs(format!("```ehp\n{kind} {name}{parent}\n```"), &decl.docs)
        }
        FoundKind::App(name) => {
            let decl = analysis
                .project
                .app_index
                .get(name)
                .and_then(|&index| analysis.project.apps.get(index))?;
            with_docs(
                format!("```ehp\napp {name}: {}\n```", decl.template.name),
                &decl.docs,
            )
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text.trim_end().to_string(),
        }),
        range: Some(snapshot.index().range(found.span.range())),
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

/// A table of an app field's value in each environment.
fn app_values(analysis: &Analysis, app: &str, path: &[String]) -> String {
    let rows: Vec<(String, Option<&Val>)> = analysis
        .envs
        .iter()
        .filter_map(|env| {
            let instance = env.apps.iter().find(|instance| instance.name == app)?;
            Some((env.name.clone(), lookup(&instance.fields, path)))
        })
        .collect();
    table(&rows)
}

/// A table of an environment setting's value in each environment.
fn env_values(analysis: &Analysis, path: &[String]) -> String {
    let rows: Vec<(String, Option<&Val>)> = analysis
        .envs
        .iter()
        .map(|env| (env.name.clone(), lookup(&env.settings, path)))
        .collect();
    table(&rows)
}

fn lookup<'a>(map: &'a crate::eval::model::ValMap, path: &[String]) -> Option<&'a Val> {
    let (first, rest) = path.split_first()?;
    let mut value = map.get(first)?;
    for key in rest {
        value = value.as_map()?.get(key)?;
    }
    Some(value)
}

fn table(rows: &[(String, Option<&Val>)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut text = String::from("\n| environment | value |\n|---|---|\n");
    for (env, value) in rows {
        let shown = value.map_or_else(
            || "unset".to_string(),
            |value| format!("`{}`", print::source_within(value, MAX_VALUE)),
        );
        text.push_str(&format!("| {env} | {} |\n", shown.replace('|', "\\|")));
    }
    text
}
