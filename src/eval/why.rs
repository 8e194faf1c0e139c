//! Value provenance (`ehp why ENV APP FIELD`): the final value of an app's field in one
//! environment and every layer that sets it, lowest first, each with its place.

use super::{Context, Frame, LayerKind, app_layers, env_settings, navigate, print};
use crate::resolve::Project;
use crate::source::{SourceDb, Span};
use crate::syntax::ast::{AppDecl, Entry, EnvDecl, Expr, ExprKind, Ident};
use crate::types::{FieldSchema, Schema, Schemas, Ty};

/// One layer that sets the field.
#[derive(Debug, Clone)]
pub struct Step {
    /// What the layer is: "default in template `app`", "environment `prod`", "override
    /// `in prod`", "hot-fix `in prod`", ...
    pub layer: String,
    /// Where the value is written.
    pub span: Span,
    /// The value this layer gives, rendered, or `None` when it unsets the field.
    pub value: Option<String>,
    /// Whether this layer's value is the final one.
    pub won: bool,
}

/// The provenance of one field of one app in one environment.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The final value, rendered (`None` when unset).
    pub value: Option<String>,
    /// Every layer that sets the field, lowest first.
    pub steps: Vec<Step>,
}

/// The expressions in `entries` that set `path` (a dotted path inside a field), with the path
/// of each entry walked through nested blocks.
fn setters<'a>(entries: &'a [Entry], path: &[&str], found: &mut Vec<&'a Expr>) {
    for entry in entries {
        let keys: Vec<&str> = entry.path.iter().map(|key| key.name.as_str()).collect();
        if keys.len() <= path.len() && path.starts_with(&keys) {
            let rest = path.get(keys.len()..).unwrap_or(&[]);
            if rest.is_empty() {
                found.push(&entry.value);
            } else if let ExprKind::Block(block) = &entry.value.kind {
                setters(&block.entries, rest, found);
            }
        }
    }
}

fn names(envs: &[Ident]) -> String {
    envs.iter()
        .map(|env| env.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The provenance of `path` (field, then keys inside it) of app `app` in environment `env`.
pub fn provenance(
    project: &Project,
    schemas: &Schemas,
    env: &str,
    app: &str,
    path: &[&str],
) -> Result<Provenance, String> {
    let target = Target::find(project, schemas, env, app, path)?;
    let (field_name, inner) = path.split_first().ok_or("name a field")?;
    let field = target.field;
    let mut diagnostics = Vec::new();
    let env_span = target.env_decl.name.span;
    let settings = env_settings(
        project,
        schemas,
        env,
        env_span,
        target.chain,
        &mut diagnostics,
    );
    let (layers, first_override) =
        app_layers(project, target.decl, target.template_chain, target.chain);
    let entries: Vec<&[Entry]> = layers.iter().map(|layer| layer.entries).collect();
    let mut eval = Eval {
        frame: Frame::new(target.schema, entries, first_override, Vec::new()),
        context: Context {
            env_name: env,
            env_span,
            env: Some(&settings),
            app: Some((app, &target.decl.template.name, target.decl.name.span)),
            diagnostics: &mut diagnostics,
        },
        ty: inner
            .iter()
            .fold(&field.ty, |current, key| super::child_type(current, key)),
    };
    let mut steps = default_steps(&mut eval, project, schemas, target.chain, field, inner);
    for layer in &layers {
        let mut full: Vec<&str> = vec![field_name];
        full.extend(inner.iter().copied());
        let mut found = Vec::new();
        setters(layer.entries, &full, &mut found);
        let label = layer_label(layer, app);
        for expr in found {
            let value = eval.value(expr);
            steps.push(Step {
                layer: label.clone(),
                span: expr.span,
                value,
                won: false,
            });
        }
    }
    eval.frame.ensure(field_name, None, &mut eval.context);
    let idents: Vec<Ident> = inner
        .iter()
        .map(|name| Ident {
            name: (*name).to_string(),
            span: field.span,
        })
        .collect();
    let value = eval
        .frame
        .get(field_name)
        .and_then(|root| navigate(root, &idents))
        .map(|value| print::source(&value));
    // The highest layer with a value wins, unless a block merged several.
    if let Some(last) = steps
        .iter_mut()
        .rev()
        .find(|step| step.value.is_some() && step.value == value)
    {
        last.won = true;
    }
    Ok(Provenance { value, steps })
}

/// What `ehp why` looks at: the environment, the app, its template's schema and the field.
struct Target<'a> {
    env_decl: &'a EnvDecl,
    /// The environment's inheritance chain, root first.
    chain: &'a [usize],
    decl: &'a AppDecl,
    template_chain: &'a [usize],
    schema: &'a Schema,
    field: &'a FieldSchema,
}

impl<'a> Target<'a> {
    /// Looks up the environment, the app and the first part of `path`, with a message for
    /// each that does not exist.
    fn find(
        project: &'a Project,
        schemas: &'a Schemas,
        env: &str,
        app: &str,
        path: &[&str],
    ) -> Result<Target<'a>, String> {
        let env_index = *project
            .env_index
            .get(env)
            .ok_or_else(|| format!("no environment is called `{env}`"))?;
        let chain = project
            .env_chains
            .get(env_index)
            .filter(|chain| !chain.is_empty())
            .ok_or("the environment's inheritance is broken")?;
        let app_index = *project
            .app_index
            .get(app)
            .ok_or_else(|| format!("no app is called `{app}`"))?;
        let decl = project.apps.get(app_index).ok_or("no such app")?;
        let template = project
            .app_templates
            .get(app_index)
            .copied()
            .flatten()
            .ok_or("the app's template does not resolve")?;
        let schema: &Schema = schemas
            .templates
            .get(template)
            .and_then(Option::as_ref)
            .ok_or("the app's template is broken")?;
        let template_chain = project
            .template_chains
            .get(template)
            .ok_or("the app's template is broken")?;
        let field_name = path.first().ok_or("name a field")?;
        let field = schema.get(field_name).ok_or_else(|| {
            let close = crate::resolve::did_you_mean(field_name, schema.names());
            format!(
                "template `{}` has no field `{field_name}`{}",
                decl.template.name,
                close
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default()
            )
        })?;
        let env_decl = project.envs.get(env_index).ok_or("no such environment")?;
        Ok(Target {
            env_decl,
            chain,
            decl,
            template_chain,
            field,
            schema,
        })
    }
}

/// Evaluates the expressions of the layers as the field (or the part asked for) would.
struct Eval<'a, 'c> {
    frame: Frame<'a>,
    context: Context<'c>,
    ty: &'a Ty,
}

impl Eval<'_, '_> {
    /// The value `expr` gives the field, as `.ehp` source.
    fn value(&mut self, expr: &Expr) -> Option<String> {
        let value = self.frame.eval(expr, self.ty, &mut self.context)?;
        Some(print::source(&value))
    }
}

/// The steps of the field's declared default: for the whole field, the default (and the
/// environments an `env.` default reads); for a part of it, the default its record type
/// declares for that part, and the entries of the field's default block that set it.
fn default_steps(
    eval: &mut Eval<'_, '_>,
    project: &Project,
    schemas: &Schemas,
    chain: &[usize],
    field: &FieldSchema,
    inner: &[&str],
) -> Vec<Step> {
    let mut steps = Vec::new();
    let push = |expr: &Expr, value: Option<String>, steps: &mut Vec<Step>| {
        steps.push(Step {
            layer: format!("default in template `{}`", field.owner),
            span: expr.span,
            value,
            won: false,
        });
    };
    let Some(default) = &field.default else {
        if let Some(part) = declared_default(&field.ty, inner) {
            let value = eval.value(part);
            push(part, value, &mut steps);
        }
        return steps;
    };
    if inner.is_empty() {
        if let ExprKind::Ref(reference) = &default.kind
            && reference.first().is_some_and(|first| first.name == "env")
        {
            env_steps(project, schemas, chain, reference, &mut steps);
        }
        let value = eval.value(default);
        push(default, value, &mut steps);
        return steps;
    }
    if let Some(part) = declared_default(&field.ty, inner) {
        let value = eval.value(part);
        push(part, value, &mut steps);
    }
    let mut found = Vec::new();
    if let ExprKind::Block(block) = &default.kind {
        setters(&block.entries, inner, &mut found);
    }
    for expr in found {
        let value = eval.value(expr);
        push(expr, value, &mut steps);
    }
    steps
}

/// The default a record type declares for the part at `inner` (at least one key).
fn declared_default<'t>(ty: &'t Ty, inner: &[&str]) -> Option<&'t Expr> {
    if inner.is_empty() {
        return None;
    }
    let mut ty = ty;
    let mut declared = None;
    for key in inner {
        let Ty::Record(record) = ty else {
            return None;
        };
        let part = record.get(key)?;
        declared = Some(part);
        ty = &part.ty;
    }
    declared.and_then(|part| part.default.as_ref())
}

/// What a layer is called in the report.
fn layer_label(layer: &super::Layer<'_>, app: &str) -> String {
    match layer.kind {
        LayerKind::Template(name) => format!("template `{name}`"),
        LayerKind::App => format!("app `{app}`"),
        LayerKind::Override(envs) => {
            let hotfix = layer
                .entries
                .iter()
                .any(|entry| entry.path.first().is_some_and(|key| key.name == "hotfix"));
            if hotfix {
                format!("hot-fix `in {}`", names(envs))
            } else {
                format!("override `in {}`", names(envs))
            }
        }
    }
}

impl Provenance {
    /// The report `ehp why` prints: `ENV / APP / FIELD = VALUE`, then one numbered line per
    /// layer with its place (`file:line:column`, from `db`) and value, the winner marked.
    pub fn render(&self, db: &SourceDb, env: &str, app: &str, field: &str) -> String {
        let mut out = format!(
            "{env} / {app} / {field} = {}\n",
            self.value.as_deref().unwrap_or("(not set)")
        );
        let places: Vec<String> = self
            .steps
            .iter()
            .map(|step| {
                let (line, column) = db.line_col(step.span);
                format!("{}:{line}:{column}", db.name(step.span.file))
            })
            .collect();
        let layer_width = self
            .steps
            .iter()
            .map(|step| step.layer.chars().count())
            .max()
            .unwrap_or(0);
        let place_width = places
            .iter()
            .map(|place| place.chars().count())
            .max()
            .unwrap_or(0);
        for (index, (step, place)) in self.steps.iter().zip(&places).enumerate() {
            let value = step.value.as_deref().unwrap_or("null");
            let mark = if step.won { "  <- wins" } else { "" };
            out.push_str(&format!(
                "  {}. {:layer_width$}  {:place_width$}  {value}{mark}\n",
                index + 1,
                step.layer,
                place
            ));
        }
        if self.steps.is_empty() {
            out.push_str("  no layer sets it\n");
        }
        out
    }
}

/// The environments (and the environment schema's default) that set the setting a default
/// such as `env.defaults.replicas` refers to.
fn env_steps(
    project: &Project,
    schemas: &Schemas,
    chain: &[usize],
    reference: &[Ident],
    steps: &mut Vec<Step>,
) {
    let path: Vec<&str> = reference
        .iter()
        .skip(1)
        .map(|part| part.name.as_str())
        .collect();
    let Some((setting, rest)) = path.split_first() else {
        return;
    };
    if let Some(field) = schemas.env.get(setting) {
        let mut found = Vec::new();
        if rest.is_empty() {
            found.extend(field.default.iter());
        } else if let Ty::Record(record) = &field.ty
            && let Some(inner) = rest.first().and_then(|name| record.get(name))
        {
            found.extend(inner.default.iter());
        }
        for expr in found {
            steps.push(Step {
                layer: "environment schema default".into(),
                span: expr.span,
                value: literal(expr),
                won: false,
            });
        }
    }
    for &link in chain {
        let Some(env) = project.envs.get(link) else {
            continue;
        };
        let mut found = Vec::new();
        setters(&env.body.entries, &path, &mut found);
        for expr in found {
            steps.push(Step {
                layer: format!("environment `{}`", env.name.name),
                span: expr.span,
                value: literal(expr),
                won: false,
            });
        }
    }
}

/// The text of a literal expression (environment settings are shown as written).
fn literal(expr: &Expr) -> Option<String> {
    Some(match &expr.kind {
        ExprKind::Int(number) => number.to_string(),
        ExprKind::Float(_, text) => text.clone(),
        ExprKind::Unit { number, unit } => format!("{number}{unit}"),
        ExprKind::Bool(truth) => truth.to_string(),
        ExprKind::Str(_) => crate::syntax::literal::quote(&expr.as_plain_str()?),
        _ => return None,
    })
}
