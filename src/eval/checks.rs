//! Checks that need evaluated values: port clashes inside an app, DNS host clashes between
//! apps, mutable image tags, and chart repositories the environment does not declare.

use indexmap::IndexMap;

use super::model::{AppInstance, Val, ValKind, ValMap};
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
            for (name, item) in map.iter() {
                if let Some(field) = schema.get(name) {
                    walk(item, &field.ty, visit);
                }
            }
        }
        _ => visit(value, ty),
    }
}

/// Whether values of type `ty` may hold a leaf [`app_checks`] looks at: a host, a tag or a
/// chart.
fn holds_checked(ty: &Ty) -> bool {
    match ty {
        Ty::Host | Ty::Tag | Ty::Chart => true,
        Ty::List(inner) | Ty::Map(inner) => holds_checked(inner),
        Ty::Record(schema) => schema.fields.values().any(|field| holds_checked(&field.ty)),
        _ => false,
    }
}

/// A chart whose repository an environment does not declare (E0404), found in one
/// environment; [`undeclared_repos`] reports each chart once for every environment lacking it.
#[derive(Debug, Clone)]
pub struct MissingRepo {
    /// The repository.
    pub repo: String,
    /// Where the chart is written.
    pub at: Span,
    /// The environment that lacks it.
    pub env: String,
    /// A close name among the repositories the environment declares.
    pub close: Option<String>,
    /// The app that inherits the chart from elsewhere, and where it is declared.
    pub inherited_by: Option<(String, Span)>,
}

/// What the checks of apps read of their environment's settings.
pub struct EnvFacts<'a> {
    /// The environment's name.
    pub name: &'a str,
    /// Whether it accepts mutable image tags.
    mutable_allowed: bool,
    /// The chart repositories it declares or has preconfigured.
    repos: Vec<&'a str>,
}

impl<'a> EnvFacts<'a> {
    /// The facts of environment `name` with these settings.
    pub fn of(name: &'a str, settings: &'a ValMap) -> EnvFacts<'a> {
        let mutable_allowed = settings
            .get("mutable_tags")
            .and_then(Val::as_bool)
            .unwrap_or(false);
        let mut repos: Vec<&str> = settings
            .get("helm_repos")
            .and_then(Val::as_map)
            .map(|map| map.keys().map(|key| key.as_str()).collect())
            .unwrap_or_default();
        // Repositories added outside helmsman (`helm repo add`) count as declared too.
        if let Some(ValKind::List(preconfigured)) = settings
            .get("preconfigured_helm_repos")
            .map(|value| &value.kind)
        {
            repos.extend(preconfigured.iter().filter_map(Val::as_str));
        }
        EnvFacts {
            name,
            mutable_allowed,
            repos,
        }
    }
}

/// What the checks found in one app in one environment: its own problems, the charts whose
/// repository the environment lacks, and the hosts it binds (whose clashes between apps
/// [`host_clashes`] finds). An editor keeps it with the evaluated app.
#[derive(Debug, Default)]
pub struct AppChecks {
    /// Port clashes inside the app and mutable tags.
    pub diagnostics: Vec<Diagnostic>,
    /// Charts with an undeclared repository.
    pub missing: Vec<MissingRepo>,
    /// The hosts the app binds, in order, with where each is written.
    pub hosts: Vec<(String, Span)>,
}

impl AppChecks {
    /// Whether the checks found nothing.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty() && self.missing.is_empty() && self.hosts.is_empty()
    }
}

/// Runs the checks of one app in one environment.
pub fn app_checks(
    env: &EnvFacts<'_>,
    app: &AppInstance,
    schemas: &Schemas,
    project: &Project,
) -> AppChecks {
    let mut found = AppChecks::default();
    let Some(&index) = project.app_index.get(&app.name) else {
        return found;
    };
    let Some(Some(template)) = project.app_templates.get(index) else {
        return found;
    };
    let Some(Some(schema)) = schemas.templates.get(*template) else {
        return found;
    };
    let (diagnostics, missing) = (&mut found.diagnostics, &mut found.missing);
    let mut ports: IndexMap<i64, Span> = IndexMap::new();
    for (position, name, value) in app.fields.positioned() {
        let Some(field) = schema
            .fields
            .get_index(position)
            .map(|(_, field)| field)
            .filter(|field| field.name == name.as_str())
            .or_else(|| schema.get(name))
        else {
            continue;
        };
        // Named container ports (`map(port)` fields) must not share a number.
        if let (Ty::Map(inner), Some(map)) = (&field.ty, value.as_map())
            && matches!(inner.as_ref(), Ty::Port { .. })
        {
            map.values()
                .for_each(|leaf| port(leaf, &app.name, &mut ports, diagnostics));
        }
        // Most fields hold nothing checked here (runs for every app in every environment).
        if !holds_checked(&field.ty) {
            continue;
        }
        let before = diagnostics.len();
        let missing_before = missing.len();
        walk(value, &field.ty, &mut |leaf, ty| match ty {
            Ty::Host => found
                .hosts
                .extend(leaf.as_str().map(|host| (host.to_string(), leaf.origin))),
            Ty::Tag if !env.mutable_allowed => tag(leaf, env.name, diagnostics),
            Ty::Chart => chart(leaf, env.name, &env.repos, missing),
            _ => {}
        });
        // A value the app inherits (from a template or an environment) is reported where
        // it is written, and also at the app that uses it.
        if let Some(decl) = project.apps.get(index) {
            let inherited = Inherited {
                app: &app.name,
                field: name,
                decl,
            };
            inherited.label(diagnostics.get_mut(before..).unwrap_or_default());
            for found in missing.iter_mut().skip(missing_before) {
                if inherited.outside(found.at) {
                    found.inherited_by = Some((app.name.clone(), decl.name.span));
                }
            }
        }
    }
    found
}

/// DNS host clashes between the apps of one environment, given each app's name and the
/// hosts it binds, in order.
pub fn host_clashes<'a>(
    apps: impl IntoIterator<Item = (&'a str, &'a [(String, Span)])>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: IndexMap<&'a str, (&'a str, Span)> = IndexMap::new();
    for (app, hosts) in apps {
        for (name, origin) in hosts {
            host(name, *origin, app, &mut seen, diagnostics);
        }
    }
}

/// An app's field, for the problems found in a value it inherits.
struct Inherited<'a> {
    app: &'a str,
    field: &'a str,
    decl: &'a crate::syntax::ast::AppDecl,
}

impl Inherited<'_> {
    /// Whether `span` is outside the app's declaration.
    fn outside(&self, span: Span) -> bool {
        span.file != self.decl.span.file
            || span.start < self.decl.span.start
            || span.end > self.decl.span.end
    }

    /// Adds "inherits it from there" at the app to mutable-tag errors written elsewhere.
    fn label(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics
            .iter_mut()
            .filter(|diagnostic| diagnostic.code == codes::MUTABLE_TAG)
        {
            let outside = diagnostic
                .primary
                .as_ref()
                .is_some_and(|label| self.outside(label.span));
            if outside {
                diagnostic.secondary.push(crate::diag::Label {
                    span: self.decl.name.span,
                    message: format!("`{}` inherits `{}` from there", self.app, self.field),
                });
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
    name: &'v str,
    origin: Span,
    app: &'v str,
    seen: &mut IndexMap<&'v str, (&'v str, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match seen.get(name) {
        Some((first_app, first)) if *first_app != app => {
            // The later declaration in the sources is the one reported.
            let ((later_app, later), (earlier_app, earlier)) = if origin > *first {
                ((app, origin), (*first_app, *first))
            } else {
                ((*first_app, *first), (app, origin))
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
            seen.insert(name, (app, origin));
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

fn chart(value: &Val, env: &str, repos: &[&str], missing: &mut Vec<MissingRepo>) {
    let Some(repo) = value.as_str().and_then(formats::chart_repo) else {
        return;
    };
    if repos.contains(&repo) {
        return;
    }
    missing.push(MissingRepo {
        repo: repo.to_string(),
        at: value.origin,
        env: env.to_string(),
        close: did_you_mean(repo, repos.iter().copied()),
        inherited_by: None,
    });
}

/// One E0404 per chart: the environments that lack its repository, and where to declare it
/// (the nearest environment all of them extend, `base` when none declares it).
pub fn undeclared_repos(project: &Project, missing: Vec<MissingRepo>) -> Vec<Diagnostic> {
    let mut grouped: IndexMap<(String, Span), Vec<MissingRepo>> = IndexMap::new();
    for found in missing {
        grouped
            .entry((found.repo.clone(), found.at))
            .or_default()
            .push(found);
    }
    grouped
        .into_values()
        .filter_map(|group| undeclared_repo(project, &group))
        .collect()
}

fn undeclared_repo(project: &Project, group: &[MissingRepo]) -> Option<Diagnostic> {
    let first = group.first()?;
    let repo = &first.repo;
    let mut envs: Vec<&str> = group.iter().map(|found| found.env.as_str()).collect();
    envs.sort_unstable();
    envs.dedup();
    let home = common_ancestor(project, &envs);
    let concrete = project.envs.iter().filter(|env| !env.is_abstract).count();
    let label = if envs.len() == 1 {
        format!("`{repo}` is not in the helm_repos of `{}`", envs.join(""))
    } else if envs.len() == concrete {
        format!("`{repo}` is in the helm_repos of no environment")
    } else {
        format!("`{repo}` is not in the helm_repos of {}", quoted(&envs))
    };
    let declare = format!("helm_repos {{ {repo} = \"https://...\" }}");
    let place = match &home {
        Some((name, _)) if envs.len() == 1 => {
            format!("declare it in environment `{name}` (or one it extends): {declare}")
        }
        Some((name, _)) => format!(
            "declare it in environment `{name}`, which {} extend: {declare}",
            quoted(&envs)
        ),
        None => format!("declare it in each of {}: {declare}", quoted(&envs)),
    };
    let help = match &first.close {
        Some(close) => format!("did you mean `{close}`? or {place}"),
        None => place,
    };
    let mut diagnostic = Diagnostic::error(
        codes::UNDECLARED_CHART_REPO,
        format!("chart repository `{repo}` is not declared"),
    )
    .at(first.at, label)
    .help(help);
    if let Some((name, span)) = &home {
        let what = if envs.len() == 1 {
            format!("environment `{name}` declared here")
        } else {
            format!("`{name}`, which every environment lacking `{repo}` extends")
        };
        diagnostic = diagnostic.also(*span, what);
    }
    if let Some((app, span)) = &first.inherited_by {
        diagnostic = diagnostic.also(*span, format!("`{app}` inherits `chart` from there"));
    }
    let plural = if envs.len() == 1 { "" } else { "s" };
    Some(diagnostic.note(format!("in environment{plural} {}", envs.join(", "))))
}

/// `a`, `b` and `c`, in backticks.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The nearest environment every one of `envs` is or extends, with where its name is
/// declared; `None` when they share no ancestor.
fn common_ancestor(project: &Project, envs: &[&str]) -> Option<(String, Span)> {
    let chains: Vec<&Vec<usize>> = envs
        .iter()
        .filter_map(|name| project.env_index.get(*name))
        .filter_map(|&index| project.env_chains.get(index))
        .collect();
    let shortest = chains.iter().map(|chain| chain.len()).min()?;
    let mut shared = None;
    for depth in 0..shortest {
        let link = chains.first()?.get(depth)?;
        if chains.iter().all(|chain| chain.get(depth) == Some(link)) {
            shared = Some(*link);
        } else {
            break;
        }
    }
    let decl = project.envs.get(shared?)?;
    Some((decl.name.name.to_string(), decl.name.span))
}
