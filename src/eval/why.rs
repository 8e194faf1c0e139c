//! Value provenance (`ehp why ENV APP FIELD`): the final value of an app's field in one
//! environment and every layer that sets it, lowest first, each with its place.

use super::{Context, Frame, LayerKind, app_layers, env_settings, navigate};
use crate::resolve::Project;
use crate::source::Span;
use crate::syntax::ast::{Entry, Expr, ExprKind, Ident};
use crate::types::{Schemas, Ty};

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
    let schema = schemas
        .templates
        .get(template)
        .cloned()
        .flatten()
        .ok_or("the app's template is broken")?;
    let template_chain = project
        .template_chains
        .get(template)
        .ok_or("the app's template is broken")?;
    let (field_name, inner) = path.split_first().ok_or("name a field")?;
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
    let mut diagnostics = Vec::new();
    let settings = env_settings(
        project,
        schemas,
        env,
        env_decl.name.span,
        chain,
        &mut diagnostics,
    );
    let (layers, first_override) = app_layers(project, decl, template_chain, chain);
    let entries: Vec<&[Entry]> = layers.iter().map(|layer| layer.entries).collect();
    let mut frame = Frame::new(&schema, entries, first_override, Vec::new());
    let mut context = Context {
        env_name: env,
        env_span: env_decl.name.span,
        env: Some(&settings),
        app: Some((app, &decl.template.name, decl.name.span)),
        diagnostics: &mut diagnostics,
    };
    let mut steps = Vec::new();
    let value_of =
        |frame: &mut Frame<'_>, expr: &Expr, context: &mut Context<'_>| -> Option<String> {
            let ty = inner
                .iter()
                .fold(&field.ty, |current, key| super::child_type(current, key));
            let value = frame.eval(expr, ty, context)?;
            Some(super::print::source(&value))
        };
    let default_step = |default: &Expr, value: Option<String>| Step {
        layer: format!("default in template `{}`", field.owner),
        span: default.span,
        value,
        won: false,
    };
    // The declared default, and where an environment default it refers to comes from.
    if inner.is_empty() {
        if let Some(default) = &field.default {
            if let ExprKind::Ref(reference) = &default.kind
                && reference.first().is_some_and(|first| first.name == "env")
            {
                env_steps(project, schemas, chain, reference, &mut steps);
            }
            let value = value_of(&mut frame, default, &mut context);
            steps.push(default_step(default, value));
        }
    } else {
        // The default a record type declares for the part asked for.
        let mut ty = &field.ty;
        let mut declared = None;
        for key in inner {
            match ty {
                Ty::Record(record) => match record.get(key) {
                    Some(part) => {
                        declared = Some(part);
                        ty = &part.ty;
                    }
                    None => {
                        declared = None;
                        break;
                    }
                },
                _ => {
                    declared = None;
                    break;
                }
            }
        }
        if let Some(default) = declared.and_then(|part| part.default.as_ref()) {
            let value = value_of(&mut frame, default, &mut context);
            steps.push(default_step(default, value));
        }
    }
    if !inner.is_empty()
        && let Some(default) = &field.default
    {
        let mut found = Vec::new();
        if let ExprKind::Block(block) = &default.kind {
            setters(&block.entries, inner, &mut found);
        }
        for expr in found {
            let value = value_of(&mut frame, expr, &mut context);
            steps.push(Step {
                layer: format!("default in template `{}`", field.owner),
                span: expr.span,
                value,
                won: false,
            });
        }
    }
    for layer in &layers {
        let mut found = Vec::new();
        let mut full: Vec<&str> = vec![field_name];
        full.extend(inner.iter().copied());
        setters(layer.entries, &full, &mut found);
        let label = match layer.kind {
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
        };
        for expr in found {
            let value = value_of(&mut frame, expr, &mut context);
            steps.push(Step {
                layer: label.clone(),
                span: expr.span,
                value,
                won: false,
            });
        }
    }
    frame.ensure(field_name, None, &mut context);
    let idents: Vec<Ident> = inner
        .iter()
        .map(|name| Ident {
            name: (*name).to_string(),
            span: field.span,
        })
        .collect();
    let value = frame
        .get(field_name)
        .and_then(|root| navigate(root, &idents))
        .map(|value| super::print::source(&value));
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
