//! Checks that need evaluated values: port clashes inside an app, DNS host clashes between
//! apps, mutable image tags, and chart repositories the environment does not declare.

use indexmap::IndexMap;

use super::model::{EnvInstance, Val, ValKind};
use crate::diag::{Diagnostic, codes};
use crate::resolve::{Project, did_you_mean};
use crate::source::Span;
use crate::types::{Schemas, Ty, formats};

/// Calls `visit` for every value in `value` whose type is a leaf type (not list, map, record).
fn walk<'v>(value: &'v Val, ty: &Ty, visit: &mut dyn FnMut(&'v Val, &Ty)) {
    match (&value.kind, ty) {
        (ValKind::List(items), Ty::List(inner)) => {
            items.iter().for_each(|item| walk(item, inner, visit));
        }
        (ValKind::Map(map), Ty::Map(inner)) => {
            map.values().for_each(|item| walk(item, inner, visit));
        }
        (ValKind::Map(map), Ty::Record(schema)) => {
            for (name, item) in map {
                if let Some(field) = schema.get(name) {
                    walk(item, &field.ty, visit);
                }
            }
        }
        _ => visit(value, ty),
    }
}

/// Runs the checks of one environment.
pub fn env_checks(
    env: &EnvInstance,
    schemas: &Schemas,
    project: &Project,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mutable_allowed = env
        .settings
        .get("mutable_tags")
        .and_then(Val::as_bool)
        .unwrap_or(false);
    let repos: Vec<&str> = env
        .settings
        .get("helm_repos")
        .and_then(Val::as_map)
        .map(|map| map.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut hosts: IndexMap<String, (&str, Span)> = IndexMap::new();
    for app in &env.apps {
        let Some(&index) = project.app_index.get(&app.name) else {
            continue;
        };
        let Some(Some(template)) = project.app_templates.get(index) else {
            continue;
        };
        let Some(Some(schema)) = schemas.templates.get(*template) else {
            continue;
        };
        let mut ports: IndexMap<i64, Span> = IndexMap::new();
        for (name, value) in &app.fields {
            let Some(field) = schema.get(name) else {
                continue;
            };
            // Named container ports (`map(port)` fields) must not share a number.
            if let (Ty::Map(inner), Some(map)) = (&field.ty, value.as_map())
                && matches!(inner.as_ref(), Ty::Port { .. })
            {
                map.values()
                    .for_each(|leaf| port(leaf, &app.name, &mut ports, diagnostics));
            }
            let before = diagnostics.len();
            walk(value, &field.ty, &mut |leaf, ty| match ty {
                Ty::Host => host(leaf, &app.name, &mut hosts, diagnostics),
                Ty::Tag if !mutable_allowed => tag(leaf, &env.name, diagnostics),
                Ty::Chart => chart(leaf, &env.name, env.span, &repos, diagnostics),
                _ => {}
            });
            // A value the app inherits (from a template or an environment) is reported where
            // it is written, and also at the app that uses it.
            if let Some(decl) = project.apps.get(index) {
                let about_this_app = |code: crate::diag::Code| {
                    code == codes::MUTABLE_TAG || code == codes::UNDECLARED_CHART_REPO
                };
                for diagnostic in diagnostics
                    .iter_mut()
                    .skip(before)
                    .filter(|diagnostic| about_this_app(diagnostic.code))
                {
                    let outside = diagnostic.primary.as_ref().is_some_and(|label| {
                        label.span.file != decl.span.file
                            || label.span.start < decl.span.start
                            || label.span.end > decl.span.end
                    });
                    if outside {
                        diagnostic.secondary.push(crate::diag::Label {
                            span: decl.name.span,
                            message: format!("`{}` inherits `{name}` from there", app.name),
                        });
                    }
                }
            }
        }
    }
}

fn port(value: &Val, app: &str, seen: &mut IndexMap<i64, Span>, diagnostics: &mut Vec<Diagnostic>) {
    let Some(number) = value.as_int() else { return };
    match seen.get(&number) {
        Some(first) if *first != value.origin => diagnostics.push(
            Diagnostic::error(
                codes::DUPLICATE_PORT,
                format!("port {number} is used twice in app `{app}`"),
            )
            .at(value.origin, format!("{number} again"))
            .also(*first, format!("{number} first used here"))
            .help("give each port of an app its own number"),
        ),
        Some(_) => {}
        None => {
            seen.insert(number, value.origin);
        }
    }
}

fn host<'v>(
    value: &'v Val,
    app: &'v str,
    seen: &mut IndexMap<String, (&'v str, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(name) = value.as_str() else { return };
    match seen.get(name) {
        Some((first_app, first)) if *first_app != app => {
            // The later declaration in the sources is the one reported.
            let ((later_app, later), (earlier_app, earlier)) = if value.origin > *first {
                ((app, value.origin), (*first_app, *first))
            } else {
                ((*first_app, *first), (app, value.origin))
            };
            diagnostics.push(
            Diagnostic::error(codes::DNS_CLASH, "two apps bind the same host")
                .at(later, format!("`{later_app}` binds `{name}` again"))
                .also(earlier, format!("first bound by `{earlier_app}` here"))
                .help("each DNS host routes to one app per environment: give one of them another host name"),
            );
        }
        Some(_) => {}
        None => {
            seen.insert(name.to_string(), (app, value.origin));
        }
    }
}

fn tag(value: &Val, env: &str, diagnostics: &mut Vec<Diagnostic>) {
    let Some(text) = value.as_str() else { return };
    if formats::is_mutable_tag(text) {
        diagnostics.push(
            Diagnostic::error(codes::MUTABLE_TAG, format!("mutable image tag `{text}`"))
                .at(value.origin, format!("`{text}` can point at a different image tomorrow"))
                .help(format!(
                    "pin a release tag such as \"2.3.1\"; only environments with `mutable_tags = true` (such as `local`) accept `{text}`, and `{env}` does not"
                )),
        );
    }
}

fn chart(
    value: &Val,
    env: &str,
    env_span: Span,
    repos: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(repo) = value.as_str().and_then(formats::chart_repo) else {
        return;
    };
    if repos.contains(&repo) {
        return;
    }
    let help = match did_you_mean(repo, repos.iter().copied()) {
        Some(close) => format!(
            "did you mean `{close}`? or declare `{repo}` in `{env}`: helm_repos {{ {repo} = \"https://...\" }}"
        ),
        None => format!(
            "declare it in environment `{env}` (or one it extends): helm_repos {{ {repo} = \"https://...\" }}"
        ),
    };
    diagnostics.push(
        Diagnostic::error(
            codes::UNDECLARED_CHART_REPO,
            format!("chart repository `{repo}` is not declared"),
        )
        .at(
            value.origin,
            format!("`{repo}` is not in the helm_repos of `{env}`"),
        )
        .also(env_span, "environment declared here")
        .help(help),
    );
}
