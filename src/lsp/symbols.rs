//! Document symbols: the environments, templates and apps of a file, with their fields,
//! settings and overrides as children.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::snapshot::Snapshot;
use crate::source::Span;
use crate::syntax::ast::{AppDecl, Entry, EnvDecl, TemplateDecl};

/// The outline of the snapshot's file.
pub(super) fn document_symbols(snapshot: &Snapshot) -> Vec<DocumentSymbol> {
    let project = &snapshot.analysis.project;
    let file = snapshot.file;
    let mut symbols: Vec<(Span, DocumentSymbol)> = Vec::new();
    for env in project.envs.iter().filter(|env| env.span.file == file) {
        symbols.push((env.span, env_symbol(snapshot, env)));
    }
    for template in project
        .templates
        .iter()
        .filter(|decl| decl.span.file == file)
    {
        symbols.push((template.span, template_symbol(snapshot, template)));
    }
    for app in project.apps.iter().filter(|app| app.span.file == file) {
        symbols.push((app.span, app_symbol(snapshot, app)));
    }
    symbols.sort_by_key(|(span, _)| span.start);
    symbols.into_iter().map(|(_, symbol)| symbol).collect()
}

/// An environment, with its settings as children.
fn env_symbol(snapshot: &Snapshot, env: &EnvDecl) -> DocumentSymbol {
    let detail = env
        .parent
        .as_ref()
        .map(|parent| format!("extends {}", parent.name));
    let kind = if env.is_abstract {
        "abstract env"
    } else {
        "env"
    };
    let children = entries(snapshot, &env.body.entries);
    symbol(
        snapshot,
        &env.name.name,
        Some(detail.unwrap_or_else(|| kind.into())),
        SymbolKind::NAMESPACE,
        env.span,
        env.name.span,
        children,
    )
}

/// A template, with its field declarations and default assignments as children, in source
/// order.
fn template_symbol(snapshot: &Snapshot, template: &TemplateDecl) -> DocumentSymbol {
    let detail = template
        .parent
        .as_ref()
        .map(|parent| format!("extends {}", parent.name));
    let mut children: Vec<DocumentSymbol> = template
        .fields
        .iter()
        .map(|field| {
            let ty = snapshot.analysis.db.slice(field.ty.span).to_string();
            symbol(
                snapshot,
                &field.name.name,
                Some(ty),
                SymbolKind::FIELD,
                field.span,
                field.name.span,
                Vec::new(),
            )
        })
        .collect();
    children.extend(entries(snapshot, &template.defaults));
    children.sort_by_key(|child| (child.range.start.line, child.range.start.character));
    symbol(
        snapshot,
        &template.name.name,
        detail,
        SymbolKind::CLASS,
        template.span,
        template.name.span,
        children,
    )
}

/// An app, with its entries and its overrides (each with its entries) as children.
fn app_symbol(snapshot: &Snapshot, app: &AppDecl) -> DocumentSymbol {
    let mut children = entries(snapshot, &app.entries);
    for override_block in &app.overrides {
        let names: Vec<&str> = override_block
            .envs
            .iter()
            .map(|env| env.name.as_str())
            .collect();
        let selection = override_block
            .envs
            .first()
            .map_or(override_block.span, |first| first.span);
        children.push(symbol(
            snapshot,
            &format!("in {}", names.join(", ")),
            None,
            SymbolKind::NAMESPACE,
            override_block.span,
            selection,
            entries(snapshot, &override_block.body.entries),
        ));
    }
    symbol(
        snapshot,
        &app.name.name,
        Some(app.template.name.to_string()),
        SymbolKind::OBJECT,
        app.span,
        app.name.span,
        children,
    )
}

fn entries(snapshot: &Snapshot, entries: &[Entry]) -> Vec<DocumentSymbol> {
    entries
        .iter()
        .map(|entry| {
            let name: Vec<&str> = entry.path.iter().map(|key| key.name.as_str()).collect();
            symbol(
                snapshot,
                &name.join("."),
                None,
                SymbolKind::PROPERTY,
                entry.span,
                entry.key_span(),
                Vec::new(),
            )
        })
        .collect()
}

#[allow(deprecated)]
fn symbol(
    snapshot: &Snapshot,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: snapshot.index().range(span.range()),
        selection_range: snapshot.index().range(selection.range()),
        children: (!children.is_empty()).then_some(children),
    }
}
