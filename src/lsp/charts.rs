//! Charts in the editor: each project's charts read from its lock file and the chart cache
//! (never the network), the chart diagnostics added to each analysis, and hover on a key of
//! chart values showing the chart's own description of it.

use std::path::Path;
use std::sync::Arc;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::snapshot::Snapshot;
use crate::Analysis;
use crate::charts::{ChartSet, Status, chart_of, describe, required};
use crate::source::{FileId, Span};
use crate::store::Store;
use crate::syntax::ast::{Entry, ExprKind};

/// The charts of one project, kept between analyses: read again when the lock file changes
/// or the project starts using a chart that is not read yet.
#[derive(Default)]
pub(super) struct ProjectCharts {
    /// The lock file's text when the charts were read.
    lock: Option<String>,
    /// The charts read so far.
    set: Arc<ChartSet>,
}

impl ProjectCharts {
    /// Adds the chart diagnostics to `analysis` (when it has no errors) and returns the charts
    /// for the snapshots of that analysis.
    pub(super) fn refresh(&mut self, root: &Path, analysis: &mut Analysis) -> Arc<ChartSet> {
        if analysis.has_errors() {
            return Arc::clone(&self.set);
        }
        let store = Store::for_project(root);
        let lock = store.lock_text();
        if lock != self.lock {
            self.lock = lock;
            self.set = Arc::default();
        }
        let uses = required(&analysis.envs);
        let wanted: indexmap::IndexMap<_, _> = uses
            .iter()
            .filter(|(chart, _)| !self.set.contains_key(*chart))
            .map(|(chart, chart_uses)| (chart.clone(), chart_uses.clone()))
            .collect();
        if !wanted.is_empty() {
            // An unreadable lock file is reported by the command line; here it means no charts.
            let loaded = store.load(&wanted).unwrap_or_default();
            let mut set = (*self.set).clone();
            set.extend(loaded);
            self.set = Arc::new(set);
        }
        // The project's values and secrets files, as `check` reads them.
        let named = crate::emit::project_files(&analysis.envs);
        analysis
            .diagnostics
            .extend(crate::emit::check_project_files(&named, &mut |path| {
                crate::store::read_project_file(root, path)
            }));
        let files = crate::store::read_values_files(
            root,
            named
                .iter()
                .filter(|file| file.values)
                .map(|file| file.path.as_str()),
        );
        let found = crate::charts::check_with_files(
            &analysis.envs,
            &analysis.project,
            &self.set,
            &files,
            &uses,
        );
        analysis.diagnostics.extend(found);
        Arc::clone(&self.set)
    }
}

/// Where a chart value's key is written: its span, its path in the chart values, and whose
/// values they are.
struct ChartKey {
    span: Span,
    path: Vec<String>,
    owner: Owner,
}

/// Whose chart values a key belongs to.
enum Owner {
    /// An app's (its `values` field).
    App(usize),
    /// A template's (its `values { }` block, or a default of the `values` field).
    Template(usize),
}

/// The chart value key at `offset` of `file`, if the cursor is on one.
fn chart_key(analysis: &Analysis, file: FileId, offset: usize) -> Option<ChartKey> {
    let here = |span: Span| {
        span.file == file && span.start as usize <= offset && offset <= span.end as usize
    };
    let project = &analysis.project;
    for (index, template) in project.templates.iter().enumerate() {
        if !here(template.span) {
            continue;
        }
        let in_block = template
            .values
            .iter()
            .find_map(|part| key_in(&part.block.entries, &[], &here));
        let in_field = field_key(&template.defaults, &here);
        return in_block.or(in_field).map(|(span, path)| ChartKey {
            span,
            path,
            owner: Owner::Template(index),
        });
    }
    for (index, app) in project.apps.iter().enumerate() {
        if !here(app.span) {
            continue;
        }
        let found = field_key(&app.entries, &here).or_else(|| {
            app.overrides
                .iter()
                .find_map(|over| field_key(&over.body.entries, &here))
        });
        return found.map(|(span, path)| ChartKey {
            span,
            path,
            owner: Owner::App(index),
        });
    }
    None
}

/// A key under the `values` field in `entries` (`values.a.b = ...`, `values { a = ... }`).
fn field_key(entries: &[Entry], here: &dyn Fn(Span) -> bool) -> Option<(Span, Vec<String>)> {
    let (span, path) = key_in(entries, &[], here)?;
    match path.split_first() {
        Some((first, rest)) if first == "values" && !rest.is_empty() => Some((span, rest.to_vec())),
        _ => None,
    }
}

/// The key under the cursor (`here`) among `entries`, inside blocks too, with its full path.
fn key_in(
    entries: &[Entry],
    prefix: &[String],
    here: &dyn Fn(Span) -> bool,
) -> Option<(Span, Vec<String>)> {
    for entry in entries {
        let mut path = prefix.to_vec();
        for key in &entry.path {
            path.push(key.name.to_string());
            if here(key.span) {
                return Some((key.span, path));
            }
        }
        if let ExprKind::Block(block) = &entry.value.kind
            && here(block.span)
        {
            return key_in(&block.entries, &path, here);
        }
    }
    None
}

/// The hover on a chart value's key: the chart's description of it, from the first
/// environment whose chart for that app (or an app of that template) is read.
pub(super) fn hover(snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let analysis = &snapshot.analysis;
    let key = chart_key(analysis, snapshot.file, offset)?;
    let project = &analysis.project;
    let uses_template = |app: usize, template: usize| {
        project
            .app_templates
            .get(app)
            .copied()
            .flatten()
            .and_then(|own| project.template_chains.get(own))
            .is_some_and(|chain| chain.contains(&template))
    };
    let chart = analysis.envs.iter().find_map(|env| {
        env.apps.iter().find_map(|app| {
            let index = *project.app_index.get(&app.name)?;
            let ours = match key.owner {
                Owner::App(wanted) => index == wanted,
                Owner::Template(template) => uses_template(index, template),
            };
            if !ours {
                return None;
            }
            match snapshot.charts.get(&chart_of(env, app)?)? {
                Status::Ready(chart) => Some(Arc::clone(chart)),
                _ => None,
            }
        })
    })?;
    let parts: Vec<&str> = key.path.iter().map(String::as_str).collect();
    let description = describe(&chart, &parts).unwrap_or_else(|| {
        format!(
            "{} {} does not describe this value.",
            chart.name, chart.version
        )
    });
    let value = format!(
        "```yaml\n{}\n```\n{}\n\nchart {} {}",
        key.path.join("."),
        description.trim(),
        chart.name,
        chart.version
    );
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(snapshot.index().range(key.span.range())),
    })
}
