//! Expressions: literals, strings with interpolation (and the format check of the result),
//! built-in calls (`secret`, `external`, `seconds`, `env_list`) and references to fields and
//! environment settings, evaluated inside a [`Frame`].

use crate::diag::{Diagnostic, Problems, codes};
use crate::source::Span;
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident, StrPart};
use crate::types::{Checker, Ty, article, formats};

use super::frame::{Context, Frame};
use super::model::{SecretRef, Text, Val, ValKind, ValMap};

impl Frame<'_> {
    /// The value of an expression of type `ty`; `None` for `null` and for what failed (already
    /// reported).
    pub(super) fn eval(&mut self, expr: &Expr, ty: &Ty, context: &mut Context<'_>) -> Option<Val> {
        // The blocks inside a value are part of the value, not steps of a traced merge.
        if let Some(trace) = &mut self.trace {
            trace.suspended += 1;
        }
        let value = self.eval_unrecorded(expr, ty, context);
        if let Some(trace) = &mut self.trace {
            trace.suspended = trace.suspended.saturating_sub(1);
        }
        value
    }

    fn eval_unrecorded(&mut self, expr: &Expr, ty: &Ty, context: &mut Context<'_>) -> Option<Val> {
        let kind = match &expr.kind {
            ExprKind::Str(parts) => ValKind::Str(self.string(parts, expr.span, ty, context)?),
            ExprKind::Int(number) => ValKind::Int(*number),
            ExprKind::Float(number, _) => ValKind::Float(*number),
            ExprKind::Unit { number, unit } => {
                ValKind::Quantity(compact_str::format_compact!("{number}{unit}"))
            }
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
                ValKind::map(map)
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
    ) -> Option<Text> {
        let mut text = Text::default();
        let mut interpolated = false;
        for part in parts {
            match part {
                StrPart::Text(piece) => text.push_str(piece),
                StrPart::Interp(path, part_span) => {
                    interpolated = true;
                    let Some(value) = self.reference(path, context) else {
                        unset_setting(path, *part_span, context);
                        return None;
                    };
                    if let ValKind::DeployVar(name) = &value.kind {
                        context.diagnostics.push(deploy_var_interpolated(
                            *part_span,
                            value.origin,
                            name,
                        ));
                        return None;
                    }
                    text.push_str(&value.to_text()?);
                }
            }
        }
        if interpolated && let Err(reason) = formats::check(ty, &text) {
            context.diagnostics.push(
                Diagnostic::error(codes::BAD_FORMAT, format!("not a valid {ty}"))
                    .at(span, format!("this becomes \"{text}\": {reason}"))
                    .help(format!("write {} such as {}", article(ty), ty.example())),
            );
        }
        Some(text)
    }

    fn call(&mut self, name: &Ident, args: &[Arg], context: &mut Context<'_>) -> Option<ValKind> {
        let mut values = Vec::new();
        for arg in args {
            values.push(self.eval(&arg.value, &Ty::Any, context)?);
        }
        let text = |index: usize| values.get(index).and_then(Val::as_str).map(str::to_string);
        Some(match name.name.as_str() {
            "secret" => ValKind::secret(SecretRef::Kubernetes {
                name: text(0)?,
                key: text(1)?,
            }),
            "external" => ValKind::secret(SecretRef::External {
                reference: text(0)?,
            }),
            "seconds" => ValKind::Int(formats::duration_seconds(&text(0)?)?),
            // The secret check sees the call's span and lets the text through.
            "not_secret" => ValKind::Str(text(0)?.into()),
            "deploy_var" => ValKind::DeployVar(format!("${{{}}}", text(0)?)),
            "deploy_text" => ValKind::DeployVar(formats::deploy_text(&text(0)?).ok()?),
            "env_list" => env_list(values.first()?.as_map()?),
            _ => return None,
        })
    }

    /// The value a reference names; `None` (already reported by the type checker) when it
    /// names nothing or an unset optional field.
    fn reference(&mut self, path: &[Ident], context: &mut Context<'_>) -> Option<Val> {
        let (first, rest) = path.split_first()?;
        match (first.name.as_str(), context.env) {
            ("env", env) => {
                self.env_read = true;
                let (setting, rest) = rest.split_first()?;
                if setting.name == "name" {
                    let name = Val::new(ValKind::Str(context.env_name.into()), setting.span);
                    navigate(&name, rest)
                } else if let Some(env) = env {
                    navigate(env.get(setting.name.as_str())?, rest)
                } else {
                    self.ensure(&setting.name, Some(setting.span), context);
                    navigate(self.get(&setting.name)?, rest)
                }
            }
            ("app", Some(_)) => {
                let (what, rest) = rest.split_first()?;
                let (name, template, _) = context.app?;
                let text = if what.name == "name" { name } else { template };
                navigate(&Val::new(ValKind::Str(text.into()), what.span), rest)
            }
            (name, _) => {
                self.ensure(name, Some(first.span), context);
                navigate(self.get(name)?, rest)
            }
        }
    }
}

/// E0431 when an interpolated `env.SETTING` is not set in the environment (an optional
/// setting such as `domain` or `kube_context`): the string would silently have no value.
fn unset_setting(path: &[Ident], at: Span, context: &mut Context<'_>) {
    let (Some(first), Some(setting), Some(env), Some(schema)) =
        (path.first(), path.get(1), context.env, context.env_schema)
    else {
        return;
    };
    // A setting the schema does not declare is E0305, from the type checker.
    if first.name != "env"
        || env.contains_key(setting.name.as_str())
        || schema.get(setting.name.as_str()).is_none()
    {
        return;
    }
    context.diagnostics.push(
        Diagnostic::error(
            codes::UNSET_SETTING,
            format!("`env.{}` is not set", setting.name),
        )
        .at(
            at,
            format!(
                "environment `{}` has no `{}`, so this text has no value",
                context.env_name, setting.name
            ),
        )
        .also(context.env_span, "the environment")
        .help(format!(
            "set `{}` in the environment (or one it extends)",
            setting.name
        )),
    );
}

/// E0430: a deploy-time variable interpolated into a string, which ehp would write as text.
fn deploy_var_interpolated(at: Span, origin: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::DEPLOY_VAR_INTERPOLATED,
        "a deploy-time variable cannot be part of a string",
    )
    .at(
        at,
        format!("this is `{name}`, known only when helmsman deploys"),
    )
    .also(origin, "set here")
    .help(
        "write the whole text with `deploy_text`, whose `$NAME` helmsman expands: \
         deploy_text(\"prod-$CLUSTER\")",
    )
}

/// `env_list(map)`: a container's environment list, one `{ name, value }` per variable, a
/// Kubernetes secret as `valueFrom.secretKeyRef` and an external one as `externalSecret`.
fn env_list(map: &ValMap) -> ValKind {
    let mut list = Vec::new();
    for (var, value) in map {
        let mut item = ValMap::default();
        item.insert(
            "name".into(),
            Val::new(ValKind::Str(var.clone()), value.origin),
        );
        let secret = match &value.kind {
            ValKind::Secret(secret) => Some(secret.as_ref()),
            _ => None,
        };
        match secret {
            Some(SecretRef::Kubernetes { name, key }) => {
                let mut reference = ValMap::default();
                reference.insert(
                    "name".into(),
                    Val::new(ValKind::Str(name.as_str().into()), value.origin),
                );
                reference.insert(
                    "key".into(),
                    Val::new(ValKind::Str(key.as_str().into()), value.origin),
                );
                let mut from = ValMap::default();
                from.insert(
                    "secretKeyRef".into(),
                    Val::new(ValKind::map(reference), value.origin),
                );
                item.insert(
                    "valueFrom".into(),
                    Val::new(ValKind::map(from), value.origin),
                );
            }
            Some(SecretRef::External { reference }) => {
                item.insert(
                    "externalSecret".into(),
                    Val::new(ValKind::Str(reference.as_str().into()), value.origin),
                );
            }
            None => {
                let text = value.to_text().unwrap_or_default();
                item.insert(
                    "value".into(),
                    Val::new(ValKind::Str(text.into()), value.origin),
                );
            }
        }
        list.push(Val::new(ValKind::map(item), value.origin));
    }
    ValKind::List(list)
}

/// Follows the dotted rest of a reference through blocks and secret members, cloning only
/// what it arrives at.
pub(super) fn navigate(root: &Val, rest: &[Ident]) -> Option<Val> {
    let mut value = root;
    for (index, part) in rest.iter().enumerate() {
        match &value.kind {
            ValKind::Map(map) => value = map.get(part.name.as_str())?,
            ValKind::Secret(secret) => {
                let text = match (secret.as_ref(), part.name.as_str()) {
                    (SecretRef::Kubernetes { name, .. }, "name") => name.clone(),
                    (SecretRef::Kubernetes { key, .. }, "key") => key.clone(),
                    (SecretRef::External { reference }, "external") => reference.clone(),
                    _ => return None,
                };
                let member = Val::new(ValKind::Str(text.into()), value.origin);
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

/// Reports a referenced number outside the range its field allows.
fn check_range(value: &Val, ty: &Ty, span: Span, context: &mut Context<'_>) {
    let (Some(number), Ty::Int { min, max } | Ty::Port { min, max }) = (value.as_int(), ty) else {
        return;
    };
    let mut problems = Problems::new();
    Checker {
        problems: &mut problems,
    }
    .range(span, number, *min, *max, ty);
    context.diagnostics.extend(problems.into_sorted());
}
