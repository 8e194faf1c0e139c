//! Conversion from the evaluated model (`eval::model`) to the output model (`emit::model`),
//! with the emission-time checks: numbers Helm cannot read exactly, timeouts, the helmsman
//! context, and names that become file names.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::model::{App, Dsf, Namespace, OutValue, Settings, Text};
use super::names::{self, check_app_name, check_namespace};
use super::quoting::is_label_value;
use crate::diag::{Diagnostic, INTERNAL_ERROR, Problems, codes};
use crate::eval::model::{AppInstance, EnvInstance, SecretRef, Val, ValKind};
use crate::source::Span;

/// The largest integer magnitude a float64 holds exactly: Helm reads every number as float64.
pub(crate) const MAX_EXACT_INT: i64 = 1 << 53;

/// Converts chart values to a values-file map, diagnosing numbers Helm cannot read.
pub(crate) fn values_map(
    values: &crate::eval::model::ValMap,
    substituted: bool,
    problems: &mut Problems,
) -> OutValue {
    let text = if substituted { Text::dsf } else { Text::plain };
    map_of(values, text, problems)
}

/// Converts a map, its keys and values written by `text`.
fn map_of(
    entries: &crate::eval::model::ValMap,
    text: fn(&str) -> Text,
    problems: &mut Problems,
) -> OutValue {
    OutValue::Map(
        entries
            .iter()
            .map(|(key, value)| (text(key), out_value(value, text, problems)))
            .collect(),
    )
}

/// Converts one evaluated value; `text` writes its strings (`Text::dsf` doubles every `$`).
fn out_value(value: &Val, text: fn(&str) -> Text, problems: &mut Problems) -> OutValue {
    match &value.kind {
        ValKind::Str(string) | ValKind::Quantity(string) => OutValue::Str(text(string)),
        ValKind::Int(number) => {
            if number.unsigned_abs() > MAX_EXACT_INT.unsigned_abs() {
                problems.push(
                    Diagnostic::error(codes::NUMBER_TOO_LARGE, "integer too large for Helm")
                        .at(value.origin, format!("{number} is beyond ±2^53"))
                        .help(
                            "Helm reads every number as a 64-bit float, which is exact only up \
                             to 9007199254740992; write the number as a string if it is an id",
                        ),
                );
            }
            OutValue::Int(*number)
        }
        ValKind::Float(number) => {
            if !number.is_finite() {
                problems.push(
                    Diagnostic::error(codes::NOT_FINITE, "number is not finite")
                        .at(value.origin, "this evaluates to NaN or infinity")
                        .help("YAML readers disagree on NaN and infinity; use a finite number"),
                );
                return OutValue::Float(0.0);
            }
            OutValue::Float(*number)
        }
        ValKind::Bool(truth) => OutValue::Bool(*truth),
        ValKind::List(items) => OutValue::List(
            items
                .iter()
                .map(|item| out_value(item, text, problems))
                .collect(),
        ),
        ValKind::Map(entries) => map_of(entries, text, problems),
        ValKind::Secret(SecretRef::Kubernetes { name, key }) => OutValue::Map(IndexMap::from([
            (Text::plain("secretName"), OutValue::Str(text(name))),
            (Text::plain("secretKey"), OutValue::Str(text(key))),
        ])),
        ValKind::Secret(SecretRef::External { reference }) => OutValue::Map(IndexMap::from([(
            Text::plain("externalSecret"),
            OutValue::Str(text(reference)),
        )])),
    }
}

/// Parses a duration such as `300s`, `5m`, `1h` or `1h30m` into whole seconds.
pub(crate) fn duration_seconds(text: &str) -> Option<i64> {
    // Whole seconds only: `2000ms` and `1.5m` are, `1500ms` is not.
    let seconds = crate::types::formats::duration_millis(text)? / 1000.0;
    let whole = seconds.round();
    ((seconds - whole).abs() <= 1e-9 && whole.abs() <= 9.0e15).then_some(whole as i64)
}

/// Builds the desired-state file of one environment. Values-file paths are
/// `values/<app>.yaml`, relative to the DSF.
pub(crate) fn dsf(env: &EnvInstance, problems: &mut Problems) -> Dsf {
    let mut metadata = IndexMap::new();
    metadata.insert(Text::dsf("generator"), Text::dsf("ehp"));
    metadata.insert(Text::dsf("environment"), Text::dsf(&env.name));
    if let Some(entries) = env.settings.get("metadata").and_then(Val::as_map) {
        for (key, value) in entries {
            if key != "generator" && key != "environment" {
                let text = value.to_text().unwrap_or_default();
                metadata.insert(Text::dsf(key), Text::dsf(&text));
            }
        }
    }

    let context_setting = env.settings.get("context");
    let context = context_setting.and_then(Val::as_str).unwrap_or(&env.name);
    if !is_label_value(context) {
        let span = context_setting.map_or(env.span, |value| value.origin);
        problems.push(
            Diagnostic::error(codes::BAD_CONTEXT, "context is not a valid label value")
                .at(
                    span,
                    format!("`{context}` cannot be a Kubernetes label value"),
                )
                .help(
                    "helmsman labels releases with the context: use at most 63 characters of \
                     letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit",
                ),
        );
    }

    let mut namespaces = declared_namespaces(env, problems);
    let mut apps = BTreeMap::new();
    let mut releases = names::Releases::default();
    for app_instance in &env.apps {
        let app = app(app_instance, problems);
        releases.add(app_instance, &app.namespace.0, problems);
        namespaces
            .entry(app.namespace.clone())
            .or_insert(Namespace {
                protected: false,
                labels: BTreeMap::new(),
            });
        apps.insert(Text::dsf(&app_instance.name), app);
    }

    let helm_repos = env
        .settings
        .get("helm_repos")
        .and_then(Val::as_map)
        .map(|repos| {
            repos
                .iter()
                .map(|(name, url)| {
                    (
                        Text::dsf(name),
                        Text::dsf(&url.to_text().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();

    Dsf {
        metadata,
        context: Text::dsf(context),
        settings: Settings {
            kube_context: env.str_setting("kube_context").map(Text::dsf),
        },
        namespaces,
        helm_repos,
        apps,
    }
}

/// The namespaces an environment declares (checked, with its default namespace, as Kubernetes
/// names).
fn declared_namespaces(env: &EnvInstance, problems: &mut Problems) -> BTreeMap<Text, Namespace> {
    if let Some(value) = env.settings.get("namespace")
        && let Some(name) = value.as_str()
    {
        check_namespace(name, value.origin, problems);
    }
    let mut namespaces = BTreeMap::new();
    if let Some(declared) = env.settings.get("namespaces").and_then(Val::as_map) {
        for (name, body) in declared {
            check_namespace(name, body.origin, problems);
            namespaces.insert(Text::dsf(name), namespace(body));
        }
    }
    namespaces
}

/// One declared namespace.
fn namespace(body: &Val) -> Namespace {
    let fields = body.as_map();
    let protected = fields
        .and_then(|fields| fields.get("protected"))
        .and_then(Val::as_bool)
        .unwrap_or(false);
    let labels = fields
        .and_then(|fields| fields.get("labels"))
        .and_then(Val::as_map)
        .map(|labels| {
            labels
                .iter()
                .map(|(key, value)| {
                    (
                        Text::dsf(key),
                        Text::dsf(&value.to_text().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Namespace { protected, labels }
}

/// One app's release entry.
fn app(app: &AppInstance, problems: &mut Problems) -> App {
    let mut required = |field: &str| -> String {
        match app.fields.get(field).and_then(Val::to_text) {
            Some(text) => text,
            None => {
                problems.push(missing(app, field));
                String::new()
            }
        }
    };
    let namespace = required("namespace");
    let chart = required("chart");
    let version = required("chart_version");
    let bool_field = |field: &str, default: bool| {
        app.fields
            .get(field)
            .and_then(Val::as_bool)
            .unwrap_or(default)
    };
    let timeout = match app.fields.get("timeout") {
        None => 300,
        Some(value) => {
            let text = value.to_text().unwrap_or_default();
            duration_seconds(&text).unwrap_or_else(|| {
                problems.push(bad_timeout(value.origin, &text));
                0
            })
        }
    };
    check_app_name(app, problems);
    if let Some(value) = app.fields.get("namespace") {
        check_namespace(&namespace, value.origin, problems);
    }
    App {
        name: app.str_field("release_name").map(Text::dsf),
        description: app.str_field("description").map(Text::dsf),
        namespace: Text::dsf(&namespace),
        group: app.str_field("group").map(Text::dsf),
        enabled: bool_field("enabled", true),
        chart: Text::dsf(&chart),
        version: Text::dsf(&version),
        values_files: vec![Text::dsf(&format!("values/{}.yaml", app.name))],
        priority: app
            .fields
            .get("priority")
            .and_then(Val::as_int)
            .unwrap_or(0),
        wait: bool_field("wait", true),
        timeout,
        protected: bool_field("protected", false),
    }
}

/// An app lacks a field the type checker guarantees.
fn missing(app: &AppInstance, field: &str) -> Diagnostic {
    Diagnostic::error(
        codes::EMIT_INVARIANT,
        format!("app `{}` has no `{field}`", app.name),
    )
    .at(
        app.span,
        format!("the desired-state file needs `{field}` for this app"),
    )
    .help(INTERNAL_ERROR)
}

/// A timeout that is not whole seconds.
fn bad_timeout(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        codes::BAD_TIMEOUT,
        "timeout is not a whole number of seconds",
    )
    .at(span, format!("`{text}` cannot be written as seconds"))
    .help("helmsman takes the timeout in seconds: write it as `300s`, `5m` or `1h`")
}

#[cfg(test)]
mod tests {
    use super::duration_seconds;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("300s"), Some(300));
        assert_eq!(duration_seconds("5m"), Some(300));
        assert_eq!(duration_seconds("1h"), Some(3600));
        assert_eq!(duration_seconds("1h30m"), Some(5400));
        assert_eq!(duration_seconds("500ms"), None);
        assert_eq!(duration_seconds("2000ms"), Some(2));
        assert_eq!(duration_seconds("1.5m"), Some(90));
        assert_eq!(duration_seconds("1.2345s"), None);
        assert_eq!(duration_seconds(""), None);
        assert_eq!(duration_seconds("s"), None);
    }
}
