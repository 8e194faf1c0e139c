//! Apps: the layers of an app in one environment (template defaults, its own entries, its
//! overrides), its fields computed over them, and its chart values merged.

use crate::resolve::Project;
use crate::syntax::ast::{AppDecl, Block, Entry, Ident};
use crate::types::{Schema, Schemas};

use super::frame::{Context, Frame};
use super::model::AppInstance;
use super::share::Sharing;

/// One layer of an app's fields in one environment: a template's default assignments, the
/// app's own entries, or one of its overrides.
#[derive(Debug, Clone, Copy)]
pub struct Layer<'a> {
    /// The entries of the layer.
    pub entries: &'a [Entry],
    /// What the layer is.
    pub kind: LayerKind<'a>,
}

/// What a layer is.
#[derive(Debug, Clone, Copy)]
pub enum LayerKind<'a> {
    /// The default assignments of a template.
    Template(&'a str),
    /// The app's own entries.
    App,
    /// An override `in ...`, with the environments it names.
    Override(&'a [Ident]),
}

/// The layers of an app in the environment whose chain (root first) is `env_chain`, lowest
/// first, and the index of the first override layer. An override applies once, at the depth of
/// the nearest environment it names; deeper overrides apply later and win, and at the same depth
/// the later one in the source wins.
pub fn app_layers<'a>(
    project: &'a Project,
    app: &'a AppDecl,
    template_chain: &[usize],
    env_chain: &[usize],
) -> (Vec<Layer<'a>>, usize) {
    let mut layers: Vec<Layer<'a>> = template_chain
        .iter()
        .filter_map(|&link| project.templates.get(link))
        .map(|decl| Layer {
            entries: decl.defaults.as_slice(),
            kind: LayerKind::Template(&decl.name.name),
        })
        .collect();
    layers.push(Layer {
        entries: &app.entries,
        kind: LayerKind::App,
    });
    let first_override = layers.len();
    let mut overrides: Vec<(usize, usize, Layer<'a>)> = Vec::new();
    for (position, over) in app.overrides.iter().enumerate() {
        let depth = env_chain.iter().rposition(|&link| {
            project
                .envs
                .get(link)
                .is_some_and(|env| over.envs.iter().any(|target| target.name == env.name.name))
        });
        if let Some(depth) = depth {
            let layer = Layer {
                entries: &over.body.entries,
                kind: LayerKind::Override(&over.envs),
            };
            overrides.push((depth, position, layer));
        }
    }
    overrides.sort_by_key(|&(depth, position, _)| (depth, position));
    layers.extend(overrides.into_iter().map(|(_, _, layer)| layer));
    (layers, first_override)
}

/// An app with what evaluating it needs: its template's schema and chain.
pub(super) struct AppTarget<'a> {
    /// The app's declaration.
    pub decl: &'a AppDecl,
    /// The index of its template.
    pub template: usize,
    /// The full schema of its template.
    pub schema: &'a Schema,
    /// Its template chain, root first.
    pub template_chain: &'a [usize],
}

impl<'a> AppTarget<'a> {
    /// The app at `index`, or `None` when its template or the template's schema is broken
    /// (already reported).
    pub fn of(project: &'a Project, schemas: &'a Schemas, index: usize) -> Option<AppTarget<'a>> {
        let (Some(decl), Some(Some(template))) =
            (project.apps.get(index), project.app_templates.get(index))
        else {
            return None;
        };
        let Some(Some(schema)) = schemas.templates.get(*template) else {
            return None;
        };
        Some(AppTarget {
            decl,
            template: *template,
            schema,
            template_chain: project.template_chains.get(*template)?,
        })
    }
}

/// Evaluates an app in the environment whose chain (root first) is `env_chain`: its fields
/// over its layers, then its chart values (the templates' `values` blocks, root first, with
/// the app's own `values` field merged over them).
///
/// `sharing` carries the app's fields that are the same in every environment from the first
/// environment that computed them cleanly to the others, which take them instead of computing
/// them again.
pub(super) fn evaluate_app(
    project: &Project,
    target: &AppTarget<'_>,
    env_chain: &[usize],
    mut context: Context<'_>,
    sharing: &mut Sharing,
) -> AppInstance {
    let (mut frame, _) = app_frame(project, target, env_chain);
    sharing.lend(&mut frame, target.schema, target.decl);
    frame.compute_all(&mut context);
    let values = frame.values(&mut context);
    sharing.learn(&mut frame, context.diagnostics.is_empty());
    let (fields, fields_may_hold_secret) = sharing.fields(frame, context.env_name);
    let may_hold_secret = fields_may_hold_secret || super::secrets::may_hold_secret(&values);
    AppInstance {
        may_hold_secret,
        prepared: None,
        name: target.decl.name.name.to_string(),
        template: target.decl.template.name.to_string(),
        fields,
        values,
        span: target.decl.span,
    }
}

/// The frame of an app in the environment whose chain (root first) is `env_chain`, and its
/// layers: what [`evaluate_app`] computes, and what `why` traces.
pub(super) fn app_frame<'a>(
    project: &'a Project,
    target: &AppTarget<'a>,
    env_chain: &[usize],
) -> (Frame<'a>, Vec<Layer<'a>>) {
    let (layers, first_override) =
        app_layers(project, target.decl, target.template_chain, env_chain);
    let entries: Vec<&[Entry]> = layers.iter().map(|layer| layer.entries).collect();
    let values: Vec<&Block> = target
        .template_chain
        .iter()
        .filter_map(|&link| project.templates.get(link))
        .flat_map(|decl| decl.values.iter().map(|part| &part.block))
        .collect();
    let frame = Frame::new(target.schema, entries, first_override, values);
    (frame, layers)
}
