//! Conversion from the evaluated model (`eval::model`) to the output model (`emit::model`),
//! with the emission-time checks: numbers Helm cannot read exactly, timeouts, the helmsman
//! context, and names that become file names.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::model::OutValue;
use super::model::{App, Dsf, Namespace, Settings, Text};
use super::names::{self, check_app_name, check_namespace};
use super::quoting::is_label_value;
use super::release;
use crate::diag::{Diagnostic, INTERNAL_ERROR, Problems, codes};
use crate::eval::model::SecretRef;
use crate::eval::model::{AppInstance, EnvInstance, Val, ValKind};
use crate::source::Span;
use crate::types::formats;

/// The largest integer magnitude a float64 holds exactly: Helm reads every number as float64.
pub(crate) const MAX_EXACT_INT: i64 = 1 << 53;

/// Converts chart values to a values-file map, diagnosing numbers Helm cannot read: the
/// reference for the values files written straight from the model (`view`).
#[cfg(test)]
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
            check_number(value, problems);
            OutValue::Int(*number)
        }
        ValKind::Float(number) => {
            if check_number(value, problems) {
                OutValue::Float(*number)
            } else {
                OutValue::Float(0.0)
            }
        }
        ValKind::Bool(truth) => OutValue::Bool(*truth),
        ValKind::Null => OutValue::Null,
        ValKind::List(items) => OutValue::List(
            items
                .iter()
                .map(|item| out_value(item, text, problems))
                .collect(),
        ),
        ValKind::Map(entries) => map_of(entries, text, problems),
        ValKind::Secret(secret) => match secret.as_ref() {
            SecretRef::Kubernetes { name, key } => OutValue::Map(IndexMap::from([
                (Text::plain("secretName"), OutValue::Str(text(name))),
                (Text::plain("secretKey"), OutValue::Str(text(key))),
            ])),
            SecretRef::External { reference } => OutValue::Map(IndexMap::from([(
                Text::plain("externalSecret"),
                OutValue::Str(text(reference)),
            )])),
        },
        ValKind::DeployVar(name) => {
            // Only a values file helmsman substitutes (where `text` doubles every `$`) expands it.
            if text("$").0.len() == 1 {
                problems.push(deploy_var_in_values(value.origin, name));
            }
            OutValue::Str(deploy_var(name))
        }
    }
}

/// A value of a desired-state file (hooks, escape hatches, limits, quotas): strings with every
/// `$` doubled; `null` is refused (E0537): helmsman reads no key as null, and TOML has none.
pub(crate) fn dsf_value(value: &Val, problems: &mut Problems) -> OutValue {
    refuse_null(value, problems);
    out_value(value, Text::dsf, problems)
}

/// E0537 for each `null` inside a value of the desired-state file.
fn refuse_null(value: &Val, problems: &mut Problems) {
    match &value.kind {
        ValKind::Null => problems.push(
            Diagnostic::error(codes::NULL_IN_DSF, "`null` in the desired-state file")
                .at(value.origin, "helmsman's format has no use for null here")
                .help("leave the key out: a key that is not written is unset for helmsman"),
        ),
        ValKind::List(items) => items.iter().for_each(|item| refuse_null(item, problems)),
        ValKind::Map(map) => map.values().for_each(|item| refuse_null(item, problems)),
        _ => {}
    }
}

/// A deploy-time text as helmsman expands it, its `$` as they are.
fn deploy_var(expanded: &str) -> Text {
    Text(expanded.to_string())
}

/// A string of a desired-state file: text with every `$` doubled, a deploy-time variable as
/// `${NAME}` for helmsman to expand; `None` for a value that is not a scalar.
pub(crate) fn dsf_text(value: &Val) -> Option<Text> {
    match &value.kind {
        ValKind::DeployVar(name) => Some(deploy_var(name)),
        // A text is written from where it is held, not from a copy of it.
        ValKind::Str(text) | ValKind::Quantity(text) => Some(Text::dsf(text)),
        _ => value.to_text().map(|text| Text::dsf(&text)),
    }
}

/// E0531: a deploy-time variable in chart values that helmsman does not substitute.
fn deploy_var_in_values(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        codes::DEPLOY_VAR_IN_VALUES,
        "a deploy-time variable in chart values is never expanded",
    )
    .at(span, format!("Helm would receive the text `{name}`"))
    .help(
        "helmsman expands variables in values files only under `--subst-env-values`: set \
         `subst_env_values = true` in the environment, or pass the value with `set` (which is \
         in the desired-state file)",
    )
}

/// The diagnostics [`values_map`] raises for chart values, without converting them.
/// `substituted`: whether helmsman substitutes `$NAME` in this values file.
pub(crate) fn check_values(
    values: &crate::eval::model::ValMap,
    substituted: bool,
    problems: &mut Problems,
) {
    for value in values.values() {
        check_value(value, substituted, problems);
    }
}

/// The diagnostics [`out_value`] raises for one value and what it holds.
fn check_value(value: &Val, substituted: bool, problems: &mut Problems) {
    match &value.kind {
        ValKind::Int(_) | ValKind::Float(_) => {
            check_number(value, problems);
        }
        ValKind::List(items) => items
            .iter()
            .for_each(|item| check_value(item, substituted, problems)),
        ValKind::Map(entries) => check_values(entries, substituted, problems),
        ValKind::DeployVar(name) if !substituted => {
            problems.push(deploy_var_in_values(value.origin, name));
        }
        ValKind::Str(_)
        | ValKind::Quantity(_)
        | ValKind::Bool(_)
        | ValKind::Secret(_)
        | ValKind::Null
        | ValKind::DeployVar(_) => {}
    }
}

/// Diagnoses a number Helm cannot read exactly (beyond ±2^53) or at all (not finite); `false`
/// for a number that is not finite.
fn check_number(value: &Val, problems: &mut Problems) -> bool {
    match value.kind {
        ValKind::Int(number) if number.unsigned_abs() > MAX_EXACT_INT.unsigned_abs() => {
            problems.push(
                Diagnostic::error(codes::NUMBER_TOO_LARGE, "integer too large for Helm")
                    .at(value.origin, format!("{number} is beyond ±2^53"))
                    .help(
                        "Helm reads every number as a 64-bit float, which is exact only up \
                         to 9007199254740992; write the number as a string if it is an id",
                    ),
            );
            true
        }
        ValKind::Float(number) if !number.is_finite() => {
            problems.push(
                Diagnostic::error(codes::NOT_FINITE, "number is not finite")
                    .at(value.origin, "this evaluates to NaN or infinity")
                    .help("YAML readers disagree on NaN and infinity; use a finite number"),
            );
            false
        }
        _ => true,
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
pub(crate) fn dsf(env: &EnvInstance, root: &str, problems: &mut Problems) -> Dsf {
    let mut apps = BTreeMap::new();
    let mut dsf = dsf_handing_apps(env, root, problems, |name, app| {
        apps.insert(name, app);
    });
    dsf.apps = apps;
    dsf
}

/// [`dsf`] without its releases (`apps` is empty): each is handed to `keep` with its name as
/// soon as it is made.
pub(crate) fn dsf_handing_apps(
    env: &EnvInstance,
    root: &str,
    problems: &mut Problems,
    keep: impl FnMut(Text, App),
) -> Dsf {
    let (metadata, context, namespaces) = convert_apps(env, root, problems, keep);
    Dsf {
        metadata,
        context,
        settings: Settings {
            kube_context: env.settings.get("kube_context").and_then(dsf_text),
            global: release::global_settings(env, root, problems),
        },
        namespaces,
        helm_repos: text_map(env.settings.get("helm_repos")),
        preconfigured_helm_repos: release::texts(env.settings.get("preconfigured_helm_repos")),
        apps: BTreeMap::new(),
        extra: release::top_extra(env, problems),
    }
}

/// Checks what the desired-state file of one environment would say, as [`dsf`] builds it,
/// but for its releases, which [`check_release`] checks one by one (`ehp check`, where
/// the releases of every environment are checked on all cores).
pub(crate) fn check_dsf_but_releases(env: &EnvInstance, problems: &mut Problems) {
    metadata(env, problems);
    context(env, problems);
    declared_namespaces(env, problems);
    let mut releases = names::Releases::default();
    for app in &env.apps {
        let namespace = release_namespace(app).map_or_else(String::new, |namespace| namespace.0);
        releases.add(app, &namespace, problems);
    }
    release::global_settings(env, CHECK_ROOT, problems);
    release::top_extra(env, problems);
}

/// Checks the release of one app as [`dsf`] makes it (`ehp check`).
pub(crate) fn check_release(app_instance: &AppInstance, problems: &mut Problems) {
    app(app_instance, CHECK_ROOT, problems);
}

/// The folder of the project seen from a desired-state file, where `ehp check` assumes the
/// output is (as [`dsf`] writes paths from the DSF's folder).
const CHECK_ROOT: &str = "../..";

/// The namespace of an app's release, when it has one (the type checker sees that it does).
fn release_namespace(app: &AppInstance) -> Option<Text> {
    app.fields.get("namespace").and_then(dsf_text)
}

/// The metadata, context and namespaces of an environment's desired-state file, and each of
/// its releases, handed to `keep` with its app's name as soon as it is made.
fn convert_apps(
    env: &EnvInstance,
    root: &str,
    problems: &mut Problems,
    mut keep: impl FnMut(Text, App),
) -> (IndexMap<Text, Text>, Text, BTreeMap<Text, Namespace>) {
    let metadata = metadata(env, problems);
    let context = context(env, problems);
    let mut namespaces = declared_namespaces(env, problems);
    let mut releases = names::Releases::default();
    for app_instance in &env.apps {
        let app = app(app_instance, root, problems);
        releases.add(app_instance, &app.namespace.0, problems);
        if !namespaces.contains_key(&app.namespace) {
            namespaces.insert(app.namespace.clone(), Namespace::default());
        }
        keep(Text::dsf(&app_instance.name), app);
    }
    (metadata, context, namespaces)
}

/// The DSF's `metadata`: `generator`, `environment`, then the environment's own entries
/// (E0533 for one of the first two).
fn metadata(env: &EnvInstance, problems: &mut Problems) -> IndexMap<Text, Text> {
    let mut metadata = IndexMap::new();
    metadata.insert(Text::dsf("generator"), Text::dsf("ehp"));
    metadata.insert(Text::dsf("environment"), Text::dsf(&env.name));
    if let Some(entries) = env.settings.get("metadata").and_then(Val::as_map) {
        for (key, value) in entries {
            if key == "generator" || key == "environment" {
                problems.push(reserved_metadata(key, value.origin));
            } else {
                let text = dsf_text(value).unwrap_or_else(|| Text::dsf(""));
                metadata.insert(Text::dsf(key), text);
            }
        }
    }
    metadata
}

/// The DSF's `context`: the environment's `context`, else its name, checked as a label value
/// unless helmsman expands it at deploy time (E0503).
fn context(env: &EnvInstance, problems: &mut Problems) -> Text {
    let context_setting = env.settings.get("context");
    if let Some(value) = context_setting
        && matches!(value.kind, ValKind::DeployVar(_))
    {
        return dsf_text(value).unwrap_or_else(|| Text::dsf(&env.name));
    }
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
    Text::dsf(context)
}

/// A map of strings (helm repositories, labels, annotations), as DSF text, sorted.
fn text_map(value: Option<&Val>) -> BTreeMap<Text, Text> {
    value
        .and_then(Val::as_map)
        .map(|entries| {
            entries
                .iter()
                .map(|(key, value)| {
                    (
                        Text::dsf(key),
                        dsf_text(value).unwrap_or_else(|| Text::dsf("")),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
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
            namespaces.insert(Text::dsf(name), namespace(body, problems));
        }
    }
    namespaces
}

/// One declared namespace.
fn namespace(body: &Val, problems: &mut Problems) -> Namespace {
    let fields = body.as_map();
    let field = |name: &str| fields.and_then(|fields| fields.get(name));
    let limits = match field("limits").map(|value| &value.kind) {
        Some(ValKind::List(items)) => items.iter().map(|item| dsf_value(item, problems)).collect(),
        _ => Vec::new(),
    };
    let quotas = match field("quotas").map(|value| dsf_value(value, problems)) {
        Some(OutValue::Map(entries)) => entries,
        _ => IndexMap::new(),
    };
    Namespace {
        protected: field("protected").and_then(Val::as_bool).unwrap_or(false),
        labels: text_map(field("labels")),
        annotations: text_map(field("annotations")),
        limits,
        quotas,
    }
}

/// One app's release entry.
fn app(app: &AppInstance, root: &str, problems: &mut Problems) -> App {
    let mut required = |field: &str| -> Text {
        match app.fields.get(field).and_then(dsf_text) {
            Some(text) => text,
            None => {
                problems.push(missing(app, field));
                Text::dsf("")
            }
        }
    };
    let namespace = match release_namespace(app) {
        Some(namespace) => namespace,
        None => required("namespace"),
    };
    let chart = match app.str_field("chart").and_then(formats::local_chart) {
        // A chart folder of the project, written from the DSF's folder as helmsman resolves it.
        Some(".") => Text::dsf(root),
        Some(path) => Text::dsf(&format!("{root}/{path}")),
        None => required("chart"),
    };
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
    if let Some(value) = app.fields.get("namespace")
        && let Some(name) = value.as_str()
    {
        check_namespace(name, value.origin, problems);
    }
    let text_field = |field: &str| app.fields.get(field).and_then(dsf_text);
    // The project's values files first, in order; ehp's own last, so that it wins.
    super::files::check_paths(app.fields.get("values_files"), problems);
    let mut values_files = release::project_files(app.fields.get("values_files"), root);
    values_files.push(Text::dsf(&format!("values/{}.yaml", app.name)));
    App {
        name: text_field("release_name"),
        description: text_field("description"),
        namespace,
        group: text_field("group"),
        enabled: bool_field("enabled", true),
        chart,
        version,
        values_files,
        priority: app
            .fields
            .get("priority")
            .and_then(Val::as_int)
            .unwrap_or(0),
        wait: bool_field("wait", true),
        timeout,
        protected: bool_field("protected", false),
        more: release::release_settings(app, root, problems),
    }
}

/// E0533: a metadata key ehp writes itself.
fn reserved_metadata(key: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::RESERVED_METADATA,
        format!("`metadata.{key}` is written by ehp"),
    )
    .at(
        span,
        format!("ehp writes `{key}` into every desired-state file"),
    )
    .help("ehp marks its files with `generator` and `environment`; choose another key")
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
