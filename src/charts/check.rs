//! The chart check over a whole project: every app in every environment against its chart,
//! each finding placed at the `.ehp` span that produced the value, the same finding in several
//! environments reported once, and the charts that could not be checked named once.

use indexmap::IndexMap;
use jsonschema::Validator;

use super::findings::{Finding, FindingKind, findings};
use super::values::{origin_at, to_json};
use super::{Chart, ChartRef, ChartSet, ChartUse, Status, chart_of, required};
use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{AppInstance, EnvInstance, ValKind};
use crate::eval::values_why::chart_value_setter;
use crate::resolve::Project;
use crate::source::Span;
use serde_json::Value;

/// Checks every app's chart values in every environment against its chart in `charts`.
/// Charts that are missing from `charts` or not ready are named once (W0021), a digest that does
/// not match the lock file is an error (E0805), a chart that cannot be read too (E0806).
pub fn check(envs: &[EnvInstance], project: &Project, charts: &ChartSet) -> Vec<Diagnostic> {
    check_with_files(envs, project, charts, &ValuesFiles::new(), &required(envs))
}

/// [`check`], with each app's `values_files` (by path, as read from the project) merged under
/// its chart values in Helm's `-f` order: the files in order, then the values ehp writes.
/// `uses` is what [`required`] finds in `envs`, which the caller has already looked for.
pub fn check_with_files(
    envs: &[EnvInstance],
    project: &Project,
    charts: &ChartSet,
    files: &ValuesFiles,
    uses: &IndexMap<ChartRef, Vec<ChartUse>>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut unchecked: Vec<(&ChartRef, String, &ChartUse)> = Vec::new();
    let mut validators: IndexMap<&ChartRef, Option<Validator>> = IndexMap::new();
    for (chart_ref, chart_uses) in uses {
        let Some(first) = chart_uses.first() else {
            continue;
        };
        match charts.get(chart_ref) {
            None => unchecked.push((chart_ref, "not looked for".into(), first)),
            Some(Status::NotChecked(why)) => unchecked.push((chart_ref, why.clone(), first)),
            Some(Status::DigestMismatch { locked, found }) => {
                diagnostics.push(mismatch(chart_ref, locked, found, chart_uses));
            }
            Some(Status::Unreadable(why)) => {
                diagnostics.push(unreadable(chart_ref, why, chart_uses));
            }
            Some(Status::Ready(chart)) => {
                let validator = match compile(chart) {
                    Ok(validator) => validator,
                    Err(why) => {
                        let why = format!("its values.schema.json cannot be used: {why}");
                        diagnostics.push(unreadable(chart_ref, &why, chart_uses));
                        None
                    }
                };
                validators.insert(chart_ref, validator);
            }
        }
    }
    let mut merged = Merged::default();
    // Only the apps of a chart ready to check have findings: none, when no chart is.
    let envs = if validators.is_empty() { &[] } else { envs };
    for env in envs {
        for app in &env.apps {
            let Some(chart_ref) = chart_of(env, app) else {
                continue;
            };
            let (Some(Status::Ready(chart)), Some(validator)) =
                (charts.get(&chart_ref), validators.get(&chart_ref))
            else {
                continue;
            };
            if app.values_dropped() {
                diagnostics.push(dropped(&chart_ref, app));
                continue;
            }
            let named = app_files(app, files);
            let user = layered(&named, to_json(&app.values));
            for finding in findings(chart, validator.as_ref(), &user) {
                let mut diagnostic = place(project, env, app, chart, &finding);
                from_file(&mut diagnostic, app, &named, &finding);
                merged.push(&env.name, &chart_ref, diagnostic);
            }
        }
    }
    diagnostics.extend(merged.finish());
    if let Some(diagnostic) = not_checked(&unchecked) {
        diagnostics.push(diagnostic);
    }
    let mut problems = Problems::new();
    for diagnostic in diagnostics {
        problems.push(diagnostic);
    }
    problems.into_sorted()
}

/// An internal error: the chart values of an app whose chart is checked were dropped (see
/// [`crate::eval::model::Prepare`]); checking nothing would pass them unseen.
fn dropped(chart: &ChartRef, app: &AppInstance) -> Diagnostic {
    Diagnostic::error(
        codes::EMIT_INVARIANT,
        format!(
            "the values of `{}` were not kept for the check against {chart}",
            app.name
        ),
    )
    .at(app.span, "this app's chart values")
    .help(crate::diag::INTERNAL_ERROR)
}

/// The parsed values files of a project, by their path from its root.
pub type ValuesFiles = IndexMap<String, serde_json::Value>;

/// An app's values files that were read, in order, each with where it is named.
fn app_files<'a>(app: &AppInstance, files: &'a ValuesFiles) -> Vec<(&'a str, &'a Value, Span)> {
    let Some(ValKind::List(items)) = app.fields.get("values_files").map(|value| &value.kind) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let (path, value) = files.get_key_value(item.as_str()?)?;
            Some((path.as_str(), value, item.origin))
        })
        .collect()
}

/// The values Helm is given: each file over the ones before it, then ehp's values over all.
fn layered(named: &[(&str, &Value, Span)], own: Value) -> Value {
    let mut merged = Value::Object(serde_json::Map::new());
    for (_, file, _) in named {
        merged = overlay(&merged, file);
    }
    overlay(&merged, &own)
}

/// `over` laid over `base` as Helm merges `-f` files: maps key by key, anything else replaces,
/// and a `null` is kept (it removes the chart's default when the result meets the chart).
fn overlay(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            let mut merged = base.clone();
            for (key, value) in over {
                let combined = match merged.get(key) {
                    Some(existing) if !value.is_null() => overlay(existing, value),
                    _ => value.clone(),
                };
                merged.insert(key.clone(), combined);
            }
            Value::Object(merged)
        }
        (_, over) => over.clone(),
    }
}

/// A finding about a value that ehp does not write but a values file does: placed at the file's
/// entry in `values_files` (the last file that sets it, as that one wins).
fn from_file(
    diagnostic: &mut Diagnostic,
    app: &AppInstance,
    named: &[(&str, &Value, Span)],
    finding: &Finding,
) {
    if finding.kind == FindingKind::Missing || origin_at(&app.values, &finding.path).is_some() {
        return;
    }
    let found = named.iter().rev().find(|(_, file, _)| {
        finding
            .path
            .iter()
            .try_fold(*file, |value, part| match value {
                Value::Object(map) => map.get(part),
                Value::Array(items) => items.get(part.parse::<usize>().ok()?),
                _ => None,
            })
            .is_some()
    });
    let Some((path, _, span)) = found else { return };
    let label = format!("`{path}` sets `{}`", finding.dotted());
    if let Some(primary) = &mut diagnostic.primary {
        primary.span = *span;
        primary.message = format!("{label}: {}", finding.label);
    }
}

/// Compiles a chart's schema, if it has one. Remote `$ref`s are never fetched: they allow
/// anything, as ehp does not touch the network while checking.
fn compile(chart: &Chart) -> Result<Option<Validator>, String> {
    let Some(schema) = &chart.schema else {
        return Ok(None);
    };
    jsonschema::options()
        .with_retriever(AllowAnything)
        .build(schema)
        .map(Some)
        .map_err(|error| error.to_string())
}

/// Answers every remote schema with "anything goes".
struct AllowAnything;

impl jsonschema::Retrieve for AllowAnything {
    fn retrieve(
        &self,
        _uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        Ok(serde_json::Value::Bool(true))
    }
}

/// The app's declared name, where a finding with no better place goes.
fn app_name_span(project: &Project, app: &AppInstance) -> Span {
    project
        .app_index
        .get(&app.name)
        .and_then(|&index| project.apps.get(index))
        .map_or(app.span, |decl| decl.name.span)
}

/// The diagnostic of a finding, at the `.ehp` span that produced the value.
fn place(
    project: &Project,
    env: &EnvInstance,
    app: &AppInstance,
    chart: &Chart,
    finding: &Finding,
) -> Diagnostic {
    let dotted = finding.dotted();
    let parts: Vec<&str> = finding.path.iter().map(String::as_str).collect();
    let setter = chart_value_setter(project, &env.name, &app.name, &parts);
    let origin = origin_at(&app.values, &finding.path);
    let mut diagnostic = Diagnostic::error(finding.code, finding.title());
    let exact = setter.filter(|setter| setter.depth == parts.len());
    diagnostic = match (finding.kind, exact, origin) {
        (FindingKind::Key, Some(setter), _) => diagnostic.at(setter.key, finding.label.clone()),
        (FindingKind::Missing, _, _) => {
            let parent = parts.len().saturating_sub(1);
            let above = chart_value_setter(
                project,
                &env.name,
                &app.name,
                parts.get(..parent).unwrap_or(&[]),
            )
            .filter(|setter| setter.depth == parent && parent > 0);
            match above {
                Some(setter) => diagnostic.at(setter.key, finding.label.clone()),
                None => diagnostic.at(
                    app_name_span(project, app),
                    format!(
                        "app `{}` does not set `{dotted}`: {}",
                        app.name, finding.label
                    ),
                ),
            }
        }
        (_, _, Some(origin)) => diagnostic.at(origin, finding.label.clone()),
        (_, Some(setter), None) => diagnostic.at(setter.key, finding.label.clone()),
        (_, None, None) => diagnostic.at(
            app_name_span(project, app),
            format!("from the chart's own defaults: {}", finding.label),
        ),
    };
    // Where the value becomes this chart value, when that is another place.
    if let Some(setter) = setter
        && diagnostic
            .primary
            .as_ref()
            .is_some_and(|label| label.span != setter.key && label.span != setter.value)
        && finding.kind != FindingKind::Missing
    {
        let what = parts
            .get(..setter.depth)
            .map(|part| part.join("."))
            .unwrap_or_default();
        diagnostic = diagnostic.also(setter.key, format!("becomes chart value `{what}` here"));
    }
    if let Some(help) = &finding.help {
        diagnostic = diagnostic.help(help.clone());
    }
    diagnostic.note(format!("chart {} {}", chart.name, chart.version))
}

/// E0805 at the first use of the chart.
fn mismatch(chart: &ChartRef, locked: &str, found: &str, uses: &[ChartUse]) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        codes::CHART_DIGEST_MISMATCH,
        format!(
            "chart {} {} does not match the lock file",
            chart.name, chart.version
        ),
    )
    .note(format!("{} locks {locked}", super::LOCK_FILE))
    .note(format!("the package found has {found}"))
    .help(
        "the package changed since it was locked: fetch it again with `ehp charts fetch`; if the \
         repository really republished this version, check why, then remove its entry from \
         ehp.lock and fetch",
    );
    if let Some(first) = uses.first() {
        diagnostic = diagnostic.at(
            first.span,
            format!("chart of app `{}` in `{}`", first.app, first.env),
        );
    }
    diagnostic.note(format!("repository {}", chart.repository))
}

/// E0806 at the first use of the chart.
fn unreadable(chart: &ChartRef, why: &str, uses: &[ChartUse]) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        codes::CHART_UNREADABLE,
        format!("chart {} {} cannot be read", chart.name, chart.version),
    )
    .help(
        "fetch it again with `ehp charts fetch`; if that does not help, the chart itself is broken",
    )
    .note(why.to_string());
    if let Some(first) = uses.first() {
        diagnostic = diagnostic.at(
            first.span,
            format!("chart of app `{}` in `{}`", first.app, first.env),
        );
    }
    diagnostic.note(format!("repository {}", chart.repository))
}

/// W0021, once for the run: the charts whose values were not checked, and why.
fn not_checked(unchecked: &[(&ChartRef, String, &ChartUse)]) -> Option<Diagnostic> {
    if unchecked.is_empty() {
        return None;
    }
    let count = unchecked.len();
    let title = if count == 1 {
        "1 chart was not checked".to_string()
    } else {
        format!("{count} charts were not checked")
    };
    // No place in the sources is to blame: the diagnostic has no location, and names each
    // chart with the apps that use it.
    let mut diagnostic = Diagnostic::warning(codes::CHARTS_NOT_CHECKED, title).help(
        "run `ehp charts fetch` (it needs the network) to fetch every chart into the cache and \
         lock it in ehp.lock; `ehp check` then checks values against the charts offline",
    );
    for (chart, why, first) in unchecked {
        diagnostic = diagnostic.note(format!("{chart}, used by `{}`: {why}", first.app));
    }
    Some(diagnostic)
}

/// Findings merged across environments: the same finding at the same place is one diagnostic
/// naming every environment.
#[derive(Default)]
struct Merged {
    seen: IndexMap<MergeKey, (Diagnostic, Vec<String>)>,
}

/// The same finding: title, label, place and chart.
type MergeKey = (String, String, Option<Span>, String);

impl Merged {
    fn push(&mut self, env: &str, chart: &ChartRef, diagnostic: Diagnostic) {
        let primary = diagnostic.primary.as_ref();
        let key = (
            diagnostic.message.clone(),
            primary
                .map(|label| label.message.clone())
                .unwrap_or_default(),
            primary.map(|label| label.span),
            chart.to_string(),
        );
        let entry = self
            .seen
            .entry(key)
            .or_insert_with(|| (diagnostic, Vec::new()));
        if !entry.1.iter().any(|known| known == env) {
            entry.1.push(env.to_string());
        }
    }

    fn finish(self) -> Vec<Diagnostic> {
        self.seen
            .into_values()
            .map(|(diagnostic, envs)| {
                let plural = if envs.len() == 1 {
                    "environment"
                } else {
                    "environments"
                };
                diagnostic.note(format!("in {plural} {}", envs.join(", ")))
            })
            .collect()
    }
}
