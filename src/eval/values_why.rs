//! Where a chart value is written: the entry of a template's `values { }` block, or of an
//! app's `values` field in one of its layers, that sets a path of an app's chart values in one
//! environment. The chart checks point their findings there.

use crate::resolve::Project;
use crate::source::Span;
use crate::syntax::ast::{Entry, ExprKind};

use super::app_layers;

/// The entry that sets a chart value (or the nearest part above it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueSetter {
    /// The key that sets the path, or the last key of the part above it that is set.
    pub key: Span,
    /// The expression written there.
    pub value: Span,
    /// How many parts of the path the entry reaches: the whole path, or fewer when an entry
    /// sets a part above it to a computed value (`containerPorts = ports`).
    pub depth: usize,
}

/// The entry that sets `path` of app `app`'s chart values in environment `env`: the highest
/// layer's entry that reaches deepest, the app's own `values` field over the templates' blocks.
/// `None` when no entry reaches any part of the path (or the names do not resolve).
pub fn chart_value_setter(
    project: &Project,
    env: &str,
    app: &str,
    path: &[&str],
) -> Option<ValueSetter> {
    let env_chain = project
        .env_index
        .get(env)
        .and_then(|&index| project.env_chains.get(index))?;
    let app_index = *project.app_index.get(app)?;
    let decl = project.apps.get(app_index)?;
    let template = (*project.app_templates.get(app_index)?)?;
    let template_chain = project.template_chains.get(template)?;
    let mut best: Option<ValueSetter> = None;
    for &link in template_chain {
        for part in project
            .templates
            .get(link)
            .into_iter()
            .flat_map(|template| &template.values)
        {
            walk(&part.block.entries, path, 0, &mut best);
        }
    }
    let mut prefixed = vec!["values"];
    prefixed.extend_from_slice(path);
    let (layers, _) = app_layers(project, decl, template_chain, env_chain);
    for layer in layers {
        let mut found = None;
        walk(layer.entries, &prefixed, 0, &mut found);
        // The `values` key itself sets nothing of the chart path.
        if let Some(setter) = found.filter(|setter| setter.depth > 1) {
            consider(
                &mut best,
                ValueSetter {
                    depth: setter.depth - 1,
                    ..setter
                },
            );
        }
    }
    best
}

/// Keeps the setter that reaches deepest; of equals, the later (higher layer).
fn consider(best: &mut Option<ValueSetter>, found: ValueSetter) {
    if best.is_none_or(|known| found.depth >= known.depth) {
        *best = Some(found);
    }
}

/// Walks `entries` (at `depth` of `path`) for the entries that set the path or a part above it.
fn walk(entries: &[Entry], path: &[&str], depth: usize, best: &mut Option<ValueSetter>) {
    let rest = path.get(depth..).unwrap_or(&[]);
    for entry in entries {
        let common = entry
            .path
            .iter()
            .zip(rest)
            .take_while(|(key, wanted)| key.name == **wanted)
            .count();
        let Some(last) = common
            .checked_sub(1)
            .and_then(|index| entry.path.get(index))
        else {
            continue;
        };
        let reached = depth + common;
        // The entry sets the whole path, a part above it, or a part beside it below the
        // deepest common key: the key is the place to point at in each case.
        consider(
            best,
            ValueSetter {
                key: last.span,
                value: entry.value.span,
                depth: reached,
            },
        );
        if common == entry.path.len()
            && common < rest.len()
            && let ExprKind::Block(block) = &entry.value.kind
        {
            walk(&block.entries, path, reached, best);
        }
    }
}
