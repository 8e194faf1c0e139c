//! Value provenance (`ehp why APP FIELD`, hover): the final value of an app's field (or of a
//! part of it) in one environment and every step that made it, lowest layer first, each with
//! its place, and those whose value is in force marked as winning. The steps are recorded by
//! the merge itself (see `trace`): the frame is built and computed exactly as for the build,
//! with a recorder on. A winning value computed from references (`env.defaults.replicas`,
//! `"journal.${env.domain}"`) comes with the provenance of what it refers to.

use super::app::{AppTarget, app_frame};
use super::frame::Frame;
use super::settings::{env_settings, settings_frame};
use super::trace::{Action, Event, Source, in_force};
use super::{Context, LayerKind, navigate, print};
use crate::resolve::Project;
use crate::source::{SourceDb, Span};
use crate::syntax::ast::Ident;
use crate::types::Schemas;

use super::model::{Val, ValKind, ValMap};

/// How deep the provenance of references goes (a reference's value may itself come from
/// references).
const MAX_VIA: usize = 3;

/// One step that sets (or unsets) the field or a part of it.
#[derive(Debug, Clone)]
pub struct Step {
    /// What the layer is: "default in template `app`", "app `journal`", "override `in
    /// prod`", "hot-fix `in prod`", "environment `base`".
    pub layer: String,
    /// Where the value is written.
    pub span: Span,
    /// The dotted path the step is about, from the field (`vars.DEBUG`).
    pub path: String,
    /// What the step does, as `.ehp` source: the value it gives, `null`, `replace { ... }` or
    /// `{}`.
    pub value: Option<String>,
    /// Whether its value is in force in the final value.
    pub won: bool,
    /// The index of the step in [`Provenance::events`].
    pub event: usize,
}

/// The provenance of a reference a winning value is computed from.
#[derive(Debug, Clone)]
pub struct Via {
    /// The reference, as written (`env.defaults.replicas`).
    pub reference: String,
    /// Where its value comes from, when ehp can say.
    pub provenance: Option<Provenance>,
}

/// The provenance of one field (or part of one) of one app in one environment.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The final value, rendered (`None` when unset).
    pub value: Option<String>,
    /// The final value itself.
    pub final_value: Option<Val>,
    /// Every step, lowest layer first (declared defaults, then each layer, each in the order
    /// the merge applied its steps).
    pub steps: Vec<Step>,
    /// The steps as the merge recorded them, in the order it applied them.
    pub events: Vec<Event>,
    /// The provenance of the references the winning values are computed from.
    pub via: Vec<Via>,
}

/// The provenance of `path` (field, then keys inside it) of app `app` in environment `env`.
pub fn provenance(
    project: &Project,
    schemas: &Schemas,
    env: &str,
    app: &str,
    path: &[&str],
) -> Result<Provenance, String> {
    let env_target = EnvTarget::find(project, env)?;
    let app_index = *project
        .app_index
        .get(app)
        .ok_or_else(|| format!("no app is called `{app}`"))?;
    let target =
        AppTarget::of(project, schemas, app_index).ok_or("the app's template does not resolve")?;
    let (field, _) = path.split_first().ok_or("name a field")?;
    if target.schema.get(field).is_none() {
        let close = crate::resolve::did_you_mean(field, target.schema.names());
        return Err(format!(
            "template `{}` has no field `{field}`{}",
            target.decl.template.name,
            close
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default()
        ));
    }
    Ok(app_provenance(
        project,
        schemas,
        &env_target,
        &target,
        path,
        0,
    ))
}

/// The provenance of `path` of environment `env`'s settings.
pub fn setting_provenance(
    project: &Project,
    schemas: &Schemas,
    env: &str,
    path: &[&str],
) -> Result<Provenance, String> {
    let env_target = EnvTarget::find(project, env)?;
    let (setting, _) = path.split_first().ok_or("name a setting")?;
    if schemas.env.get(setting).is_none() {
        return Err(format!("environments have no setting `{setting}`"));
    }
    Ok(env_provenance(project, schemas, &env_target, path, 0))
}

/// The environment being compiled.
struct EnvTarget<'a> {
    name: &'a str,
    span: Span,
    /// Its chain, root first.
    chain: &'a [usize],
}

impl<'a> EnvTarget<'a> {
    fn find(project: &'a Project, env: &str) -> Result<EnvTarget<'a>, String> {
        let index = *project
            .env_index
            .get(env)
            .ok_or_else(|| format!("no environment is called `{env}`"))?;
        let decl = project.envs.get(index).ok_or("no such environment")?;
        let chain = project
            .env_chains
            .get(index)
            .filter(|chain| !chain.is_empty())
            .ok_or("the environment's inheritance is broken")?;
        Ok(EnvTarget {
            name: &decl.name.name,
            span: decl.name.span,
            chain,
        })
    }
}

/// Traces `path` of an app, as `evaluate_app` computes it.
fn app_provenance(
    project: &Project,
    schemas: &Schemas,
    env: &EnvTarget<'_>,
    target: &AppTarget<'_>,
    path: &[&str],
    depth: usize,
) -> Provenance {
    let mut diagnostics = Vec::new();
    let settings = env_settings(
        project,
        schemas,
        env.name,
        env.span,
        env.chain,
        &mut diagnostics,
    );
    let (frame, layers) = app_frame(project, target, env.chain);
    let app = target.decl.name.name.as_str();
    let labels: Vec<String> = layers
        .iter()
        .map(|layer| match layer.kind {
            LayerKind::Template(name) => format!("template `{name}`"),
            LayerKind::App => format!("app `{app}`"),
            LayerKind::Override(envs) => {
                let names: Vec<&str> = envs.iter().map(|env| env.name.as_str()).collect();
                let hotfix = layer
                    .entries
                    .iter()
                    .any(|entry| entry.path.first().is_some_and(|key| key.name == "hotfix"));
                let kind = if hotfix { "hot-fix" } else { "override" };
                format!("{kind} `in {}`", names.join(", "))
            }
        })
        .collect();
    let context = Context {
        env_name: env.name,
        env_span: env.span,
        env: Some(&settings),
        env_schema: Some(&schemas.env),
        app: Some((app, &target.decl.template.name, target.decl.name.span)),
        diagnostics: &mut diagnostics,
    };
    let mut found = traced(frame, context, path, &labels);
    if depth < MAX_VIA {
        found.via = via(project, schemas, env, Some(target), &found, depth);
    }
    found
}

/// Traces `path` of an environment's settings, as `env_settings` computes them.
fn env_provenance(
    project: &Project,
    schemas: &Schemas,
    env: &EnvTarget<'_>,
    path: &[&str],
    depth: usize,
) -> Provenance {
    let mut diagnostics = Vec::new();
    let frame = settings_frame(project, schemas, env.chain);
    let labels: Vec<String> = env
        .chain
        .iter()
        .filter_map(|&index| project.envs.get(index))
        .map(|decl| format!("environment `{}`", decl.name.name))
        .collect();
    let context = Context {
        env_name: env.name,
        env_span: env.span,
        env: None,
        env_schema: None,
        app: None,
        diagnostics: &mut diagnostics,
    };
    let mut found = traced(frame, context, path, &labels);
    if depth < MAX_VIA {
        found.via = via(project, schemas, env, None, &found, depth);
    }
    found
}

/// Computes `path`'s field in `frame` with a recorder on, and reads the steps about `path`.
fn traced(
    mut frame: Frame<'_>,
    mut context: Context<'_>,
    path: &[&str],
    labels: &[String],
) -> Provenance {
    let Some((field, inner)) = path.split_first() else {
        return Provenance::empty();
    };
    frame.trace_field(field);
    frame.ensure(field, None, &mut context);
    let idents: Vec<Ident> = inner
        .iter()
        .map(|name| Ident {
            name: (*name).into(),
            span: context.env_span,
        })
        .collect();
    let final_value = frame.get(field).and_then(|root| navigate(root, &idents));
    let events: Vec<Event> = frame
        .trace
        .take()
        .map(|trace| trace.events)
        .unwrap_or_default()
        .into_iter()
        .filter(|event| about(event, inner))
        .collect();
    let steps = steps(field, &events, labels);
    Provenance {
        value: final_value.as_ref().map(print::source),
        final_value,
        steps,
        events,
        via: Vec::new(),
    }
}

/// The steps of `field` as shown: one per event, in force or not, lowest layer first.
fn steps(field: &str, events: &[Event], labels: &[String]) -> Vec<Step> {
    let force = in_force(events);
    let mut steps: Vec<Step> = events
        .iter()
        .zip(&force)
        .enumerate()
        .map(|(index, (event, &won))| {
            let mut shown = vec![field.to_string()];
            shown.extend(event.path.iter().cloned());
            Step {
                layer: match &event.source {
                    Source::Declared { owner } => format!("default in template `{owner}`"),
                    Source::Layer(index) => labels.get(*index).cloned().unwrap_or_default(),
                },
                span: event.span,
                path: shown.join("."),
                value: match &event.action {
                    Action::Set(value) => Some(print::source(value)),
                    Action::Unset => None,
                    Action::Replace => Some("replace { ... }".into()),
                    Action::Empty => Some("{}".into()),
                },
                won,
                event: index,
            }
        })
        .collect();
    // An empty block that other steps in force fill is where they merge, not a winner.
    for step in &mut steps {
        let Some(event) = events.get(step.event) else {
            continue;
        };
        if matches!(event.action, Action::Empty) {
            let filled = events.iter().zip(&force).any(|(other, &alive)| {
                alive && other.path.len() > event.path.len() && other.path.starts_with(&event.path)
            });
            step.won &= !filled;
        }
    }
    // Declared defaults are filled in after the layers that leave a part unset: they are shown
    // first, as the lowest layer they are.
    steps.sort_by_key(
        |step| match events.get(step.event).map(|event| &event.source) {
            Some(Source::Layer(index)) => index + 1,
            _ => 0,
        },
    );
    steps
}

/// Whether a step concerns the part at `inner`: it is inside it, or it sets, unsets or
/// replaces something around it.
fn about(event: &Event, inner: &[&str]) -> bool {
    let inside = event.path.len() >= inner.len()
        && event.path.iter().zip(inner).all(|(key, want)| key == want);
    let around = event.path.len() < inner.len()
        && event.path.iter().zip(inner).all(|(key, want)| key == want)
        && !matches!(event.action, Action::Empty);
    inside || around
}

/// The provenance of every reference the winning steps of `found` are computed from.
fn via(
    project: &Project,
    schemas: &Schemas,
    env: &EnvTarget<'_>,
    app: Option<&AppTarget<'_>>,
    found: &Provenance,
    depth: usize,
) -> Vec<Via> {
    let mut references: Vec<&Vec<String>> = Vec::new();
    for step in &found.steps {
        if let Some(event) = found.events.get(step.event).filter(|_| step.won) {
            for reference in &event.refs {
                if !references.contains(&reference) {
                    references.push(reference);
                }
            }
        }
    }
    references
        .into_iter()
        .map(|reference| {
            let parts: Vec<&str> = reference.iter().map(String::as_str).collect();
            let provenance = match (parts.split_first(), app) {
                (Some((&"env", ["name", ..])), _) => None,
                (Some((&"env", rest)), _) if !rest.is_empty() => {
                    Some(env_provenance(project, schemas, env, rest, depth + 1))
                }
                (Some((&"app", _)), Some(_)) => None,
                (Some((first, _)), Some(target)) if target.schema.get(first).is_some() => Some(
                    app_provenance(project, schemas, env, target, &parts, depth + 1),
                ),
                (Some((first, _)), None) if schemas.env.get(first).is_some() => {
                    Some(env_provenance(project, schemas, env, &parts, depth + 1))
                }
                _ => None,
            };
            Via {
                reference: reference.join("."),
                provenance,
            }
        })
        .collect()
}

impl Provenance {
    fn empty() -> Provenance {
        Provenance {
            value: None,
            final_value: None,
            steps: Vec::new(),
            events: Vec::new(),
            via: Vec::new(),
        }
    }

    /// The value the steps in force build, when replayed in order: the same as the final
    /// value when the provenance is complete and true. `inner` is the part asked for.
    pub fn replayed(&self, inner: &[&str]) -> Option<Val> {
        let force = in_force(&self.events);
        let mut root: Option<Val> = None;
        for (event, _) in self.events.iter().zip(&force).filter(|(_, won)| **won) {
            replay(&mut root, &event.path, &event.action, event.span);
        }
        let idents: Vec<Ident> = inner
            .iter()
            .map(|name| Ident {
                name: (*name).into(),
                span: Span::new(crate::source::FileId(0), 0, 0),
            })
            .collect();
        root.and_then(|value| navigate(&value, &idents))
    }

    /// The report `ehp why` prints: `ENV / APP / FIELD = VALUE`, then one numbered line per
    /// step with its place (`file:line:column`, from `db`) and value, those in force marked,
    /// and under them where the references of the winning values come from.
    pub fn render(&self, db: &SourceDb, env: &str, app: &str, field: &str) -> String {
        let mut out = format!(
            "{env} / {app} / {field} = {}\n",
            self.value.as_deref().unwrap_or("(not set)")
        );
        self.render_steps(db, 1, &mut out);
        out
    }

    fn render_steps(&self, db: &SourceDb, depth: usize, out: &mut String) {
        let indent = "  ".repeat(depth);
        let places: Vec<String> = self
            .steps
            .iter()
            .map(|step| {
                let (line, column) = db.line_col(step.span);
                format!("{}:{line}:{column}", db.name(step.span.file))
            })
            .collect();
        let width = |texts: &mut dyn Iterator<Item = usize>| texts.max().unwrap_or(0);
        let layer_width = width(&mut self.steps.iter().map(|step| step.layer.chars().count()));
        let place_width = width(&mut places.iter().map(|place| place.chars().count()));
        for (index, (step, place)) in self.steps.iter().zip(&places).enumerate() {
            let value = step.value.as_deref().unwrap_or("null");
            let mark = if step.won { "  <- wins" } else { "" };
            out.push_str(&format!(
                "{indent}{}. {:layer_width$}  {:place_width$}  {} = {value}{mark}\n",
                index + 1,
                step.layer,
                place,
                step.path,
            ));
        }
        if self.steps.is_empty() {
            out.push_str(&format!("{indent}no layer sets it\n"));
        }
        for via in &self.via {
            match &via.provenance {
                Some(found) => {
                    out.push_str(&format!(
                        "{indent}  via {} = {}:\n",
                        via.reference,
                        found.value.as_deref().unwrap_or("(not set)")
                    ));
                    found.render_steps(db, depth + 2, out);
                }
                None if via.reference == "env.name" => out.push_str(&format!(
                    "{indent}  via env.name: the name of the environment being compiled\n"
                )),
                None => {}
            }
        }
    }
}

/// Applies one step in force to the value being rebuilt.
fn replay(root: &mut Option<Val>, path: &[String], action: &Action, span: Span) {
    let Some((key, rest)) = path.split_first() else {
        *root = match action {
            Action::Set(value) => Some(value.clone()),
            Action::Unset => None,
            Action::Replace => Some(Val::new(ValKind::map(ValMap::default()), span)),
            Action::Empty => root
                .take()
                .or_else(|| Some(Val::new(ValKind::map(ValMap::default()), span))),
        };
        return;
    };
    let map = match root {
        Some(Val {
            kind: ValKind::Map(map),
            ..
        }) => map,
        _ => {
            *root = Some(Val::new(ValKind::map(ValMap::default()), span));
            match root {
                Some(Val {
                    kind: ValKind::Map(map),
                    ..
                }) => map,
                _ => return,
            }
        }
    };
    let map = std::sync::Arc::make_mut(map);
    let mut child = map.swap_remove(key.as_str());
    replay(&mut child, rest, action, span);
    if let Some(child) = child {
        map.insert(key.as_str().into(), child);
    }
}
