//! The evaluation phase: for each concrete environment, the settings and every app's fields and
//! chart values, with inheritance, defaults and per-environment overrides applied.
//!
//! Merge rules: the layers of a field are, lowest first, its declared default, the default
//! assignments of the templates from `app` down to the app's template, the app's own entries,
//! and the app's overrides for the environment and its ancestors (ancestors first). Blocks and
//! maps merge key by key; scalars and lists are replaced by the higher layer; `null` unsets.

mod checks;
pub mod model;
pub mod print;
pub mod select;
pub mod why;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Problems, codes};
use crate::resolve::Project;
use crate::source::Span;
use crate::syntax::ast::{Block, Entry, Expr, ExprKind, Ident, Key, StrPart};
use crate::types::{Schema, Schemas, Ty, formats};
use model::{AppInstance, EnvInstance, SecretRef, Val, ValKind, ValMap};

/// Evaluates every concrete environment, sorted by name.
pub fn evaluate(project: &Project, schemas: &Schemas, problems: &mut Problems) -> Vec<EnvInstance> {
    evaluate_incremental(project, schemas, None, problems).0
}

/// The apps evaluated by an earlier run, by environment and app, with a fingerprint of the
/// sources each depends on (its declaration, its template chain and its environment chain,
/// with their places). An editor re-analysing after a keystroke reuses every app whose
/// fingerprint did not change.
#[derive(Debug, Default, Clone)]
pub struct EvalCache {
    entries: IndexMap<(String, String), CacheEntry>,
}

#[derive(Debug, Clone)]
struct CacheEntry {
    fingerprint: u64,
    app: std::sync::Arc<AppInstance>,
    diagnostics: Vec<Diagnostic>,
}

/// Where to look up and what to fingerprint apps with: the sources and the previous cache.
#[derive(Clone, Copy)]
struct Reuse<'a> {
    db: &'a crate::source::SourceDb,
    previous: &'a EvalCache,
    templates: &'a [u64],
    envs: &'a [u64],
}

fn fingerprint_of(db: &crate::source::SourceDb, span: Span, into: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    span.hash(into);
    db.slice(span).hash(into);
}

/// Like [`evaluate`], reusing the apps of `reuse` (sources and an earlier cache) whose sources
/// did not change; returns the environments and the cache for the next run.
pub fn evaluate_incremental(
    project: &Project,
    schemas: &Schemas,
    reuse: Option<(&crate::source::SourceDb, &EvalCache)>,
    problems: &mut Problems,
) -> (Vec<EnvInstance>, EvalCache) {
    use std::hash::Hasher;
    let mut scoped = EnvScoped::default();
    let mut envs = Vec::new();
    let mut names: Vec<(&str, usize)> = project
        .envs
        .iter()
        .enumerate()
        .filter(|(_, env)| !env.is_abstract)
        .map(|(index, env)| (env.name.name.as_str(), index))
        .collect();
    names.sort_unstable();
    let work: Vec<(&str, usize, &[usize])> = names
        .into_iter()
        .filter_map(|(name, index)| {
            let chain = project
                .env_chains
                .get(index)
                .filter(|chain| !chain.is_empty())?;
            Some((name, index, chain.as_slice()))
        })
        .collect();
    // Fingerprints of every template chain and environment chain, computed once.
    let chain_print =
        |db: &crate::source::SourceDb, chain: &[usize], span_of: &dyn Fn(usize) -> Option<Span>| {
            let mut hasher = rustc_hash::FxHasher::default();
            for &link in chain {
                if let Some(span) = span_of(link) {
                    fingerprint_of(db, span, &mut hasher);
                }
            }
            hasher.finish()
        };
    let (template_prints, env_prints): (Vec<u64>, Vec<u64>) = match reuse {
        Some((db, _)) => (
            project
                .template_chains
                .iter()
                .map(|chain| {
                    chain_print(db, chain, &|link| {
                        project.templates.get(link).map(|decl| decl.span)
                    })
                })
                .collect(),
            project
                .env_chains
                .iter()
                .map(|chain| {
                    chain_print(db, chain, &|link| {
                        project.envs.get(link).map(|decl| decl.span)
                    })
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let reuse = reuse.map(|(db, previous)| Reuse {
        db,
        previous,
        templates: &template_prints,
        envs: &env_prints,
    });
    // Environments are independent: evaluate them on all cores, then merge in name order.
    let threads = crate::threads().clamp(1, work.len().max(1));
    let per_thread = work.len().div_ceil(threads).max(1);
    type EnvResult = (
        EnvInstance,
        Vec<Diagnostic>,
        Vec<((String, String), CacheEntry)>,
    );
    let results: Vec<EnvResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|&(name, index, chain)| {
                            let decl = project.envs.get(index)?;
                            let mut diagnostics = Vec::new();
                            let mut cached = Vec::new();
                            let instance = evaluate_env(
                                project,
                                schemas,
                                (name, index, decl.name.span),
                                chain,
                                reuse,
                                &mut diagnostics,
                                &mut cached,
                            );
                            checks::env_checks(&instance, schemas, project, &mut diagnostics);
                            Some((instance, diagnostics, cached))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    });
    let mut cache = EvalCache::default();
    for (instance, diagnostics, cached) in results {
        for diagnostic in diagnostics {
            scoped.push(&instance.name, diagnostic);
        }
        cache.entries.extend(cached);
        envs.push(instance);
    }
    scoped.finish(problems);
    (envs, cache)
}

#[allow(clippy::too_many_arguments)]
fn evaluate_env(
    project: &Project,
    schemas: &Schemas,
    (name, env_index, decl_span): (&str, usize, Span),
    chain: &[usize],
    reuse: Option<Reuse<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
    cached: &mut Vec<((String, String), CacheEntry)>,
) -> EnvInstance {
    use std::hash::{Hash, Hasher};
    let settings = env_settings(project, schemas, name, decl_span, chain, diagnostics);
    let mut apps = Vec::new();
    let mut order: Vec<(&str, usize)> = project
        .apps
        .iter()
        .enumerate()
        .map(|(index, app)| (app.name.name.as_str(), index))
        .collect();
    order.sort_unstable();
    for (app_name, index) in order {
        let (Some(app), Some(Some(template))) =
            (project.apps.get(index), project.app_templates.get(index))
        else {
            continue;
        };
        let Some(Some(schema)) = schemas.templates.get(*template) else {
            continue;
        };
        let Some(template_chain) = project.template_chains.get(*template) else {
            continue;
        };
        let key = (name.to_string(), app_name.to_string());
        let fingerprint = reuse.map(|reuse| {
            let mut hasher = rustc_hash::FxHasher::default();
            fingerprint_of(reuse.db, app.span, &mut hasher);
            reuse.templates.get(*template).hash(&mut hasher);
            reuse.envs.get(env_index).hash(&mut hasher);
            hasher.finish()
        });
        let unchanged = reuse.zip(fingerprint).and_then(|(reuse, fingerprint)| {
            reuse
                .previous
                .entries
                .get(&key)
                .filter(|entry| entry.fingerprint == fingerprint)
        });
        if let Some(entry) = unchanged {
            diagnostics.extend(entry.diagnostics.iter().cloned());
            apps.push(std::sync::Arc::clone(&entry.app));
            cached.push((key, entry.clone()));
            continue;
        }
        let (layers, first_override) = app_layers(project, app, template_chain, chain);
        let layers: Vec<&[Entry]> = layers.into_iter().map(|layer| layer.entries).collect();
        let values: Vec<&Block> = template_chain
            .iter()
            .filter_map(|&link| project.templates.get(link))
            .filter_map(|decl| decl.values.as_ref())
            .collect();
        let mut app_frame = Frame::new(schema, layers, first_override, values);
        let template_name = app.template.name.as_str();
        let mut found = Vec::new();
        let mut app_context = Context {
            env_name: name,
            env_span: decl_span,
            env: Some(&settings),
            app: Some((app_name, template_name, app.name.span)),
            diagnostics: &mut found,
        };
        app_frame.compute_all(&mut app_context);
        let mut values = app_frame.values(&mut app_context);
        let fields = app_frame.into_fields();
        if let Some(extra) = fields.get("values").and_then(Val::as_map) {
            merge_values(&mut values, extra);
        }
        let instance = std::sync::Arc::new(AppInstance {
            name: app_name.to_string(),
            template: template_name.to_string(),
            fields,
            values,
            span: app.span,
        });
        if let Some(fingerprint) = fingerprint {
            cached.push((
                key,
                CacheEntry {
                    fingerprint,
                    app: std::sync::Arc::clone(&instance),
                    diagnostics: found.clone(),
                },
            ));
        }
        diagnostics.extend(found);
        apps.push(instance);
    }
    EnvInstance {
        name: name.to_string(),
        settings,
        apps,
        span: decl_span,
    }
}

/// The settings of an environment whose chain (root first) is `chain`.
fn env_settings(
    project: &Project,
    schemas: &Schemas,
    name: &str,
    decl_span: Span,
    chain: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> ValMap {
    let layers: Vec<&[Entry]> = chain
        .iter()
        .filter_map(|&index| project.envs.get(index))
        .map(|env| env.body.entries.as_slice())
        .collect();
    let first_override = layers.len();
    let mut frame = Frame::new(&schemas.env, layers, first_override, Vec::new());
    let mut context = Context {
        env_name: name,
        env_span: decl_span,
        env: None,
        app: None,
        diagnostics,
    };
    frame.compute_all(&mut context);
    frame.into_fields()
}

/// The settings of the promotion chain declaration, with the schema's defaults.
pub fn promotion_settings(
    project: &Project,
    schemas: &Schemas,
    problems: &mut Problems,
) -> Option<ValMap> {
    let decl = project.promotion.as_ref()?;
    let layers: Vec<&[Entry]> = vec![decl.body.entries.as_slice()];
    let mut frame = Frame::new(&schemas.promotion, layers, 1, Vec::new());
    let mut diagnostics = Vec::new();
    let mut context = Context {
        env_name: "",
        env_span: decl.keyword,
        env: None,
        app: None,
        diagnostics: &mut diagnostics,
    };
    frame.compute_all(&mut context);
    for diagnostic in diagnostics {
        // A required setting the declaration leaves out is reported at the declaration.
        let diagnostic = if diagnostic.code == codes::MISSING_FIELD {
            let mut moved = diagnostic;
            moved.message = moved
                .message
                .replace("missing setting", "missing promotion setting");
            if let Some(primary) = &mut moved.primary {
                primary.span = decl.keyword;
                primary.message = "the promotion chain does not set it".into();
            }
            moved
        } else {
            diagnostic
        };
        problems.push(diagnostic);
    }
    Some(frame.into_fields())
}

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
    app: &'a crate::syntax::ast::AppDecl,
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

/// Diagnostics found while evaluating environments, merged across environments so that one
/// mistake seen in four environments is reported once, naming the four.
#[derive(Default)]
struct EnvScoped {
    seen: IndexMap<ScopedKey, (Diagnostic, Vec<String>)>,
}

/// Diagnostics with the same code, message and place are the same mistake.
type ScopedKey = (&'static str, String, Option<Span>);

impl EnvScoped {
    fn push(&mut self, env: &str, diagnostic: Diagnostic) {
        let key = (
            diagnostic.code.id,
            diagnostic.message.clone(),
            diagnostic.primary.as_ref().map(|l| l.span),
        );
        let entry = self
            .seen
            .entry(key)
            .or_insert_with(|| (diagnostic, Vec::new()));
        if !entry.1.iter().any(|known| known == env) {
            entry.1.push(env.to_string());
        }
    }

    fn finish(self, problems: &mut Problems) {
        for (_, (diagnostic, envs)) in self.seen {
            let plural = if envs.len() == 1 {
                "environment"
            } else {
                "environments"
            };
            problems.push(diagnostic.note(format!("in {plural} {}", envs.join(", "))));
        }
    }
}

/// What an expression is evaluated for.
struct Context<'a> {
    env_name: &'a str,
    /// Where the environment is declared.
    env_span: Span,
    /// The environment's settings; `None` while they are being computed.
    env: Option<&'a ValMap>,
    /// The app's name, template and declaration span, inside an app.
    app: Option<(&'a str, &'a str, Span)>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

enum Slot {
    Pending,
    InProgress,
    /// The value, and whether any layer (or a default) set the field at all: a field that was
    /// set but has no value failed for a reason already reported, and is not "missing".
    Done(Option<Val>, bool),
}

/// The fields of one record instance (an environment's settings or an app), computed lazily so
/// that fields may refer to each other in any order.
struct Frame<'a> {
    schema: &'a Schema,
    /// Every layer's entries, lowest layer first, as (field index, rest of path, value).
    entries: Vec<(usize, &'a [Key], &'a Expr)>,
    /// The position in `entries` where the overrides' entries begin.
    override_start: usize,
    values: Vec<&'a Block>,
    /// One slot per schema field, by index.
    slots: Vec<Slot>,
}

impl<'a> Frame<'a> {
    /// A frame over `layers`, lowest first; layers from `first_override` on are per-environment
    /// overrides.
    fn new(
        schema: &'a Schema,
        layers: Vec<&'a [Entry]>,
        first_override: usize,
        values: Vec<&'a Block>,
    ) -> Frame<'a> {
        // Index every layer entry by the schema position of the field it sets, once, so that
        // computing a field compares integers instead of names.
        let mut entries = Vec::new();
        let mut override_start = usize::MAX;
        for (position, layer) in layers.iter().enumerate() {
            if position == first_override {
                override_start = entries.len();
            }
            for entry in *layer {
                if let Some(index) = entry
                    .path
                    .first()
                    .and_then(|key| schema.fields.get_index_of(&key.name))
                {
                    entries.push((index, entry.path.get(1..).unwrap_or(&[]), &entry.value));
                }
            }
        }
        Frame {
            schema,
            override_start: override_start.min(entries.len()),
            entries,
            values,
            slots: std::iter::repeat_with(|| Slot::Pending)
                .take(schema.fields.len())
                .collect(),
        }
    }

    /// Computes every field, reporting required fields left unset.
    fn compute_all(&mut self, context: &mut Context<'_>) {
        let schema = self.schema;
        for (name, field) in &schema.fields {
            self.ensure(name, None, context);
            let has_value = self.get(name).is_some();
            if !has_value && !field.optional && !self.was_set(name) {
                missing_field(field, context);
            }
        }
    }

    /// Every field that has a value, in schema order, moved out of the frame.
    fn into_fields(self) -> ValMap {
        let mut result = ValMap::with_capacity_and_hasher(self.slots.len(), Default::default());
        for (name, slot) in self.schema.fields.keys().zip(self.slots) {
            if let Slot::Done(Some(value), _) = slot {
                result.insert(name.clone(), value);
            }
        }
        result
    }

    /// The chart values: the templates' `values` blocks merged, root first.
    fn values(&mut self, context: &mut Context<'_>) -> ValMap {
        let mut map = ValMap::default();
        let blocks = self.values.clone();
        for block in blocks {
            self.merge_block(&mut map, block, &Ty::Any, context);
        }
        map
    }

    fn was_set(&self, name: &str) -> bool {
        let slot = self
            .schema
            .fields
            .get_index_of(name)
            .and_then(|index| self.slots.get(index));
        matches!(slot, Some(Slot::Done(_, true)))
    }

    /// The value of a computed field, borrowed.
    fn get(&self, name: &str) -> Option<&Val> {
        let slot = self
            .schema
            .fields
            .get_index_of(name)
            .and_then(|index| self.slots.get(index));
        match slot {
            Some(Slot::Done(value, _)) => value.as_ref(),
            _ => None,
        }
    }

    /// Computes a field unless it is computed already; reports a cycle when it is being
    /// computed (`used_at` is the reference that asked for it).
    fn ensure(&mut self, name: &str, used_at: Option<Span>, context: &mut Context<'_>) {
        let schema = self.schema;
        let Some((field_index, _, field)) = schema.fields.get_full(name) else {
            return;
        };
        match self.slots.get(field_index) {
            Some(Slot::Done(..)) | None => return,
            Some(Slot::InProgress) => {
                let span = used_at.or_else(|| self.schema.get(name).map(|field| field.span));
                if let Some(span) = span {
                    context.diagnostics.push(
                        Diagnostic::error(codes::CYCLIC_REFERENCE, format!("`{name}` depends on itself"))
                            .at(span, format!("computing `{name}` needs `{name}` again"))
                            .help("break the cycle: give one of the fields a value that does not refer back"),
                    );
                }
                return;
            }
            Some(Slot::Pending) => {}
        }
        if let Some(slot) = self.slots.get_mut(field_index) {
            *slot = Slot::InProgress;
        }
        let mut contributions: Vec<(&'a [Key], &'a Expr)> = Vec::new();
        if let Some(default) = &field.default {
            contributions.push((&[], default));
        }
        let mut first_override = None;
        for (position, &(index, rest, value)) in self.entries.iter().enumerate() {
            if index == field_index {
                if position >= self.override_start && first_override.is_none() {
                    first_override = Some(contributions.len());
                }
                contributions.push((rest, value));
            }
        }
        if let Some(first_override) = first_override {
            self.redundant_overrides(
                &field.name,
                &field.ty,
                &contributions,
                first_override,
                context,
            );
        }
        // An optional field nothing sets stays unset, even a record whose parts have defaults.
        let value = if contributions.is_empty() && field.optional {
            None
        } else {
            self.merge(&field.ty, &contributions, field.span, context)
        };
        let was_set = !contributions.is_empty();
        if let Some(slot) = self.slots.get_mut(field_index) {
            *slot = Slot::Done(value, was_set);
        }
    }

    /// Warns about override entries that set a field (or a dotted part of it) to the value the
    /// layers below already give it in this environment (W0002).
    fn redundant_overrides(
        &mut self,
        name: &str,
        ty: &Ty,
        contributions: &[(&[Key], &Expr)],
        first_override: usize,
        context: &mut Context<'_>,
    ) {
        // Releases (tags, chart versions) are pinned per environment on purpose: after a
        // promotion an environment runs what the one before it runs, and its own override is
        // what keeps it there when the one before moves on.
        if matches!(ty, Ty::Tag | Ty::Semver) {
            return;
        }
        for (position, (rest, expr)) in contributions.iter().enumerate().skip(first_override) {
            if matches!(expr.kind, ExprKind::Block(_)) {
                continue;
            }
            let same_path = |(other, _): &&(&[Key], &Expr)| {
                other.len() == rest.len()
                    && other.iter().zip(rest.iter()).all(|(a, b)| a.name == b.name)
            };
            let Some((_, below)) = contributions
                .get(..position)
                .and_then(|lower| lower.iter().rev().find(same_path))
            else {
                continue;
            };
            if matches!(below.kind, ExprKind::Block(_)) {
                continue;
            }
            let field_ty = rest
                .iter()
                .fold(ty, |current, key| child_type(current, &key.name));
            let (Some(new), Some(old)) = (
                self.eval(expr, field_ty, context),
                self.eval(below, field_ty, context),
            ) else {
                continue;
            };
            if new.same(&old) {
                let mut path = vec![name];
                path.extend(rest.iter().map(|key| key.name.as_str()));
                let path = path.join(".");
                let shown = new
                    .to_text()
                    .map_or_else(String::new, |text| format!(" ({text})"));
                context.diagnostics.push(
                    Diagnostic::warning(codes::REDUNDANT_OVERRIDE, format!("override of `{path}` changes nothing"))
                        .at(expr.span, format!("`{path}` already has this value{shown} here"))
                        .also(old.origin, "the value comes from here")
                        .help("remove the override, or change the value below it if the environments should differ"),
                );
                if below.span != old.origin
                    && let Some(last) = context.diagnostics.last_mut()
                {
                    last.secondary.push(crate::diag::Label {
                        span: below.span,
                        message: "and reaches the field through here".into(),
                    });
                }
            }
        }
    }

    fn merge(
        &mut self,
        ty: &Ty,
        contributions: &[(&[Key], &Expr)],
        declared: Span,
        context: &mut Context<'_>,
    ) -> Option<Val> {
        let block_like = ty.is_block()
            || (*ty == Ty::Any
                && contributions.iter().any(|(rest, expr)| {
                    !rest.is_empty() || matches!(expr.kind, ExprKind::Block(_))
                }));
        if !block_like {
            let (_, expr) = contributions
                .iter()
                .rev()
                .find(|(rest, _)| rest.is_empty())?;
            return self.eval(expr, ty, context);
        }
        let mut current: Option<ValMap> = None;
        let mut origin = declared;
        for (rest, expr) in contributions {
            if rest.is_empty() {
                match &expr.kind {
                    ExprKind::Block(block) => {
                        let map = current.get_or_insert_with(ValMap::default);
                        self.merge_block(map, block, ty, context);
                    }
                    ExprKind::Null => current = None,
                    _ => {
                        current = self
                            .eval(expr, ty, context)
                            .and_then(|value| match value.kind {
                                ValKind::Map(map) => Some(map),
                                _ => None,
                            });
                    }
                }
                origin = expr.span;
            } else {
                let map = current.get_or_insert_with(ValMap::default);
                self.set_path(map, rest, expr, ty, context);
            }
        }
        let mut map = match (current, ty) {
            (Some(map), _) => map,
            (None, Ty::Record(_)) => ValMap::default(),
            (None, _) => return None,
        };
        self.fill_defaults(&mut map, ty, origin, context);
        Some(Val::new(ValKind::Map(map), origin))
    }

    fn merge_block(&mut self, map: &mut ValMap, block: &Block, ty: &Ty, context: &mut Context<'_>) {
        map.reserve(block.entries.len());
        for entry in &block.entries {
            self.set_path(map, &entry.path, &entry.value, ty, context);
        }
    }

    fn set_path(
        &mut self,
        map: &mut ValMap,
        path: &[Key],
        expr: &Expr,
        ty: &Ty,
        context: &mut Context<'_>,
    ) {
        let Some((key, rest)) = path.split_first() else {
            return;
        };
        let child_ty = child_type(ty, &key.name);
        if !rest.is_empty()
            || matches!(expr.kind, ExprKind::Block(_))
                && (child_ty.is_block() || *child_ty == Ty::Any)
        {
            let existing = map.swap_remove(&key.name);
            let origin = existing.as_ref().map_or(expr.span, |value| value.origin);
            let mut child = match existing.map(|value| value.kind) {
                Some(ValKind::Map(inner)) => inner,
                _ => ValMap::default(),
            };
            if rest.is_empty() {
                if let ExprKind::Block(block) = &expr.kind {
                    self.merge_block(&mut child, block, child_ty, context);
                }
            } else {
                self.set_path(&mut child, rest, expr, child_ty, context);
            }
            self.fill_defaults(&mut child, child_ty, expr.span, context);
            map.insert(key.name.clone(), Val::new(ValKind::Map(child), origin));
            return;
        }
        match self.eval(expr, child_ty, context) {
            Some(value) => {
                map.insert(key.name.clone(), value);
            }
            None => {
                map.shift_remove(&key.name);
            }
        }
    }

    fn fill_defaults(
        &mut self,
        map: &mut ValMap,
        ty: &Ty,
        origin: Span,
        context: &mut Context<'_>,
    ) {
        let Ty::Record(schema) = ty else { return };
        let mut ordered = ValMap::with_capacity_and_hasher(schema.fields.len(), Default::default());
        for (name, field) in &schema.fields {
            if let Some(value) = map.swap_remove(name) {
                ordered.insert(name.clone(), value);
                continue;
            }
            let value = match &field.default {
                Some(default) => self.eval(default, &field.ty, context),
                None if matches!(field.ty, Ty::Record(_)) && !field.optional => {
                    let mut inner = ValMap::default();
                    self.fill_defaults(&mut inner, &field.ty, origin, context);
                    Some(Val::new(ValKind::Map(inner), origin))
                }
                None => None,
            };
            match value {
                Some(value) => {
                    ordered.insert(name.clone(), value);
                }
                None if !field.optional => missing_field(field, context),
                None => {}
            }
        }
        *map = ordered;
    }

    fn eval(&mut self, expr: &Expr, ty: &Ty, context: &mut Context<'_>) -> Option<Val> {
        let kind = match &expr.kind {
            ExprKind::Str(parts) => ValKind::Str(self.string(parts, expr.span, ty, context)?),
            ExprKind::Int(number) => ValKind::Int(*number),
            ExprKind::Float(number, _) => ValKind::Float(*number),
            ExprKind::Unit { number, unit } => ValKind::Quantity(format!("{number}{unit}")),
            ExprKind::Bool(truth) => ValKind::Bool(*truth),
            ExprKind::Null => return None,
            ExprKind::List(items) => {
                let inner = match ty {
                    Ty::List(inner) => (**inner).clone(),
                    _ => Ty::Any,
                };
                ValKind::List(
                    items
                        .iter()
                        .filter_map(|item| self.eval(item, &inner, context))
                        .collect(),
                )
            }
            ExprKind::Block(block) => {
                let mut map = ValMap::default();
                self.merge_block(&mut map, block, ty, context);
                self.fill_defaults(&mut map, ty, expr.span, context);
                ValKind::Map(map)
            }
            ExprKind::Call { name, args } => self.call(name, args, context)?,
            ExprKind::Ref(path) => {
                // The value keeps the origin of its definition, so that diagnostics can point at
                // where it was written as well as where it is used.
                let value = self.reference(path, context)?;
                check_range(&value, ty, expr.span, context);
                return Some(value);
            }
        };
        Some(Val::new(kind, expr.span))
    }

    fn string(
        &mut self,
        parts: &[StrPart],
        span: Span,
        ty: &Ty,
        context: &mut Context<'_>,
    ) -> Option<String> {
        let mut text = String::new();
        let mut interpolated = false;
        for part in parts {
            match part {
                StrPart::Text(piece) => text.push_str(piece),
                StrPart::Interp(path, _) => {
                    interpolated = true;
                    text.push_str(&self.reference(path, context)?.to_text()?);
                }
            }
        }
        if interpolated {
            let check = match ty {
                Ty::Dns | Ty::Host => formats::dns_name(&text),
                Ty::Url => formats::url(&text),
                Ty::Image => formats::image(&text),
                Ty::Tag => formats::tag(&text),
                Ty::Chart => formats::chart(&text),
                Ty::Semver => formats::semver(&text),
                Ty::Cron => formats::cron(&text),
                _ => Ok(()),
            };
            if let Err(reason) = check {
                context.diagnostics.push(
                    Diagnostic::error(codes::BAD_FORMAT, format!("not a valid {ty}"))
                        .at(span, format!("this becomes \"{text}\": {reason}"))
                        .help(format!(
                            "write {} such as {}",
                            crate::types::article(ty),
                            ty.example()
                        )),
                );
            }
        }
        Some(text)
    }

    fn call(
        &mut self,
        name: &Ident,
        args: &[crate::syntax::ast::Arg],
        context: &mut Context<'_>,
    ) -> Option<ValKind> {
        let mut values = Vec::new();
        for arg in args {
            values.push(self.eval(&arg.value, &Ty::Any, context)?);
        }
        let text = |index: usize| values.get(index).and_then(Val::as_str).map(str::to_string);
        Some(match name.name.as_str() {
            "secret" => ValKind::Secret(SecretRef::Kubernetes {
                name: text(0)?,
                key: text(1)?,
            }),
            "external" => ValKind::Secret(SecretRef::External {
                reference: text(0)?,
            }),
            "seconds" => ValKind::Int(formats::duration_seconds(&text(0)?)?),
            "env_list" => {
                let map = values.first()?.as_map()?;
                let mut list = Vec::new();
                for (var, value) in map {
                    let mut item = ValMap::default();
                    item.insert(
                        "name".to_string(),
                        Val::new(ValKind::Str(var.clone()), value.origin),
                    );
                    match &value.kind {
                        ValKind::Secret(SecretRef::Kubernetes { name, key }) => {
                            let mut reference = ValMap::default();
                            reference.insert(
                                "name".to_string(),
                                Val::new(ValKind::Str(name.clone()), value.origin),
                            );
                            reference.insert(
                                "key".to_string(),
                                Val::new(ValKind::Str(key.clone()), value.origin),
                            );
                            let mut from = ValMap::default();
                            from.insert(
                                "secretKeyRef".to_string(),
                                Val::new(ValKind::Map(reference), value.origin),
                            );
                            item.insert(
                                "valueFrom".to_string(),
                                Val::new(ValKind::Map(from), value.origin),
                            );
                        }
                        ValKind::Secret(SecretRef::External { reference }) => {
                            item.insert(
                                "externalSecret".to_string(),
                                Val::new(ValKind::Str(reference.clone()), value.origin),
                            );
                        }
                        _ => {
                            let text = value.to_text().unwrap_or_default();
                            item.insert(
                                "value".to_string(),
                                Val::new(ValKind::Str(text), value.origin),
                            );
                        }
                    }
                    list.push(Val::new(ValKind::Map(item), value.origin));
                }
                ValKind::List(list)
            }
            _ => return None,
        })
    }

    /// The value a reference names; `None` (already reported by the type checker) when it
    /// names nothing or an unset optional field.
    fn reference(&mut self, path: &[Ident], context: &mut Context<'_>) -> Option<Val> {
        let (first, rest) = path.split_first()?;
        match (first.name.as_str(), context.env) {
            ("env", env) => {
                let (setting, rest) = rest.split_first()?;
                if setting.name == "name" {
                    let name = Val::new(ValKind::Str(context.env_name.to_string()), setting.span);
                    navigate(&name, rest)
                } else if let Some(env) = env {
                    navigate(env.get(&setting.name)?, rest)
                } else {
                    self.ensure(&setting.name, Some(setting.span), context);
                    navigate(self.get(&setting.name)?, rest)
                }
            }
            ("app", Some(_)) => {
                let (what, rest) = rest.split_first()?;
                let (name, template, _) = context.app?;
                let text = if what.name == "name" { name } else { template };
                navigate(&Val::new(ValKind::Str(text.to_string()), what.span), rest)
            }
            (name, _) => {
                self.ensure(name, Some(first.span), context);
                navigate(self.get(name)?, rest)
            }
        }
    }
}

/// Follows the dotted rest of a reference through blocks and secret members, cloning only
/// what it arrives at.
fn navigate(root: &Val, rest: &[Ident]) -> Option<Val> {
    let mut value = root;
    for (index, part) in rest.iter().enumerate() {
        match &value.kind {
            ValKind::Map(map) => value = map.get(&part.name)?,
            ValKind::Secret(secret) => {
                let text = match (secret, part.name.as_str()) {
                    (SecretRef::Kubernetes { name, .. }, "name") => name.clone(),
                    (SecretRef::Kubernetes { key, .. }, "key") => key.clone(),
                    (SecretRef::External { reference }, "external") => reference.clone(),
                    _ => return None,
                };
                let member = Val::new(ValKind::Str(text), value.origin);
                return if index + 1 == rest.len() {
                    Some(member)
                } else {
                    None
                };
            }
            _ => return None,
        }
    }
    Some(value.clone())
}

/// Merges an app's own `values` over the template's: blocks key by key, anything else replaced.
fn merge_values(into: &mut ValMap, extra: &ValMap) {
    for (key, value) in extra {
        match (into.get_mut(key), &value.kind) {
            (
                Some(Val {
                    kind: ValKind::Map(inner),
                    ..
                }),
                ValKind::Map(more),
            ) => merge_values(inner, more),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Values of any type, for chart values and unknown keys.
const ANY: &Ty = &Ty::Any;

fn child_type<'t>(ty: &'t Ty, key: &str) -> &'t Ty {
    match ty {
        Ty::Record(schema) => schema.get(key).map_or(ANY, |field| &field.ty),
        Ty::Map(inner) => inner,
        _ => ANY,
    }
}

fn check_range(value: &Val, ty: &Ty, span: Span, context: &mut Context<'_>) {
    let (Some(number), Ty::Int { min, max } | Ty::Port { min, max }) = (value.as_int(), ty) else {
        return;
    };
    let mut problems = Problems::new();
    crate::types::Checker {
        problems: &mut problems,
    }
    .range(span, number, *min, *max, ty);
    context.diagnostics.extend(problems.into_sorted());
}

fn missing_field(field: &crate::types::FieldSchema, context: &mut Context<'_>) {
    let Some((app, template, span)) = context.app else {
        let diagnostic = Diagnostic::error(
            codes::MISSING_FIELD,
            format!("missing setting `{}`", field.name),
        )
        .at(
            context.env_span,
            format!(
                "environment `{}` does not set `{}`",
                context.env_name, field.name
            ),
        )
        .also(field.span, "declared here, in the `environment` schema")
        .help(format!(
            "set it in the environment or one it extends: {} = {}",
            field.name,
            field.ty.example()
        ));
        context.diagnostics.push(diagnostic);
        return;
    };
    let diagnostic = Diagnostic::error(
        codes::MISSING_FIELD,
        format!("missing field `{}`", field.name),
    )
    .at(span, format!("app `{app}` does not set `{}`", field.name))
    .also(
        field.span,
        format!("declared here, in template `{}`", field.owner),
    )
    .help(format!(
        "set it in the app (template `{template}`): {} = {}",
        field.name,
        field.ty.example()
    ));
    context.diagnostics.push(diagnostic);
}
