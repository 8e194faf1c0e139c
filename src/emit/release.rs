//! The release settings of helmsman's format beyond the basics of `convert`: values and secrets
//! files, `set`, `setString`, `setFile`, helm flags, tests, hooks, history, post-renderers, the
//! environment's global settings and namespace extras, and the escape hatches
//! (`helmsman_extra`, `helmsman_settings`) with the keys ehp writes itself reserved (E0532).
//! Every key is written only when set, so projects that use none of them emit what they did.

use indexmap::IndexMap;
use serde::Serialize;

use super::convert::{dsf_text, dsf_value};
use super::model::{OutValue, Text};
use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{AppInstance, EnvInstance, Val, ValKind};

/// The release keys ehp writes itself (helmsman's names): `helmsman_extra` cannot set them.
const RELEASE_KEYS: &[&str] = &[
    "name",
    "description",
    "namespace",
    "group",
    "enabled",
    "chart",
    "version",
    "valuesFile",
    "valuesFiles",
    "secretsFile",
    "secretsFiles",
    "priority",
    "wait",
    "timeout",
    "protected",
    "postRenderer",
    "test",
    "noHooks",
    "set",
    "setString",
    "setFile",
    "helmFlags",
    "helmDiffFlags",
    "maxHistory",
    "hooks",
];

/// The `settings` keys ehp writes itself.
const SETTINGS_KEYS: &[&str] = &[
    "kubeContext",
    "storageBackend",
    "reverseDelete",
    "namespaceLabelsAuthoritative",
    "globalHooks",
    "globalMaxHistory",
];

/// The top-level keys ehp writes itself.
const TOP_KEYS: &[&str] = &[
    "metadata",
    "context",
    "settings",
    "namespaces",
    "helmRepos",
    "preconfiguredHelmRepos",
    "apps",
];

/// helmsman's hook keys, by the `.ehp` field that sets each.
const HOOK_KEYS: &[(&str, &str)] = &[
    ("pre_install", "preInstall"),
    ("post_install", "postInstall"),
    ("pre_upgrade", "preUpgrade"),
    ("post_upgrade", "postUpgrade"),
    ("pre_delete", "preDelete"),
    ("post_delete", "postDelete"),
    ("success_condition", "successCondition"),
    ("success_timeout", "successTimeout"),
    ("delete_on_success", "deleteOnSuccess"),
];

/// The release settings of one app that are written only when set.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReleaseSettings {
    /// Encrypted values files, relative to the desired-state file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) secrets_files: Vec<Text>,
    /// A post-renderer for helm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) post_renderer: Option<Text>,
    /// `true` when helmsman runs `helm test`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) test: Option<bool>,
    /// `true` when helm skips the chart's hooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) no_hooks: Option<bool>,
    /// `--set` values.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) set: IndexMap<Text, Text>,
    /// `--set-string` values.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) set_string: IndexMap<Text, Text>,
    /// `--set-file` values.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) set_file: IndexMap<Text, Text>,
    /// Extra flags of `helm upgrade --install`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) helm_flags: Vec<Text>,
    /// Extra flags of `helm diff`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) helm_diff_flags: Vec<Text>,
    /// How many revisions helm keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_history: Option<i64>,
    /// Lifecycle hooks.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) hooks: IndexMap<Text, OutValue>,
    /// `helmsman_extra`, verbatim.
    #[serde(flatten)]
    pub(crate) extra: IndexMap<Text, OutValue>,
}

impl ReleaseSettings {
    /// Whether none is set: the release writes none of them.
    pub(crate) fn is_empty(&self) -> bool {
        self.secrets_files.is_empty()
            && self.post_renderer.is_none()
            && self.test.is_none()
            && self.no_hooks.is_none()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_file.is_empty()
            && self.helm_flags.is_empty()
            && self.helm_diff_flags.is_empty()
            && self.max_history.is_none()
            && self.hooks.is_empty()
            && self.extra.is_empty()
    }
}

/// The environment settings of `settings` that are written only when set.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GlobalSettings {
    /// Where helm keeps release state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) storage_backend: Option<Text>,
    /// Whether deletions run in reverse priority order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reverse_delete: Option<bool>,
    /// Whether undeclared namespace labels are removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) namespace_labels_authoritative: Option<bool>,
    /// Hooks every release inherits.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) global_hooks: IndexMap<Text, OutValue>,
    /// History kept for releases without their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) global_max_history: Option<i64>,
    /// `helmsman_settings`, verbatim.
    #[serde(flatten)]
    pub(crate) extra: IndexMap<Text, OutValue>,
}

/// The release settings of an app; `root` is the project's root as seen from the desired-state
/// file's folder (`../..`), which the paths of files of the project are written from.
pub(crate) fn release_settings(
    app: &AppInstance,
    root: &str,
    problems: &mut Problems,
) -> ReleaseSettings {
    let fields = &app.fields;
    super::files::check_paths(fields.get("secrets_files"), problems);
    ReleaseSettings {
        secrets_files: project_files(fields.get("secrets_files"), root),
        post_renderer: fields.get("post_renderer").and_then(dsf_text),
        test: fields.get("test").and_then(Val::as_bool).filter(|on| *on),
        no_hooks: fields
            .get("no_hooks")
            .and_then(Val::as_bool)
            .filter(|on| *on),
        set: text_map(fields.get("set")),
        set_string: text_map(fields.get("set_string")),
        set_file: text_map(fields.get("set_file")),
        helm_flags: texts(fields.get("helm_flags")),
        helm_diff_flags: texts(fields.get("helm_diff_flags")),
        max_history: fields.get("max_history").and_then(Val::as_int),
        hooks: hooks(fields.get("hooks"), root, problems),
        extra: extra(fields.get("helmsman_extra"), RELEASE_KEYS, problems),
    }
}

/// The global settings of an environment; `root` as for [`release_settings`].
pub(crate) fn global_settings(
    env: &EnvInstance,
    root: &str,
    problems: &mut Problems,
) -> GlobalSettings {
    let settings = &env.settings;
    GlobalSettings {
        storage_backend: settings.get("storage_backend").and_then(dsf_text),
        reverse_delete: settings.get("reverse_delete").and_then(Val::as_bool),
        namespace_labels_authoritative: settings
            .get("namespace_labels_authoritative")
            .and_then(Val::as_bool),
        global_hooks: hooks(settings.get("global_hooks"), root, problems),
        global_max_history: settings.get("global_max_history").and_then(Val::as_int),
        extra: extra(settings.get("helmsman_settings"), SETTINGS_KEYS, problems),
    }
}

/// The top-level keys of `helmsman_extra`.
pub(crate) fn top_extra(env: &EnvInstance, problems: &mut Problems) -> IndexMap<Text, OutValue> {
    extra(env.settings.get("helmsman_extra"), TOP_KEYS, problems)
}

/// A list of strings, as DSF text.
pub(crate) fn texts(value: Option<&Val>) -> Vec<Text> {
    let Some(ValKind::List(items)) = value.map(|value| &value.kind) else {
        return Vec::new();
    };
    items.iter().filter_map(dsf_text).collect()
}

/// A list of paths relative to the project's root, as paths from the desired-state file's
/// folder, which `root` leads from to the project's root.
pub(crate) fn project_files(value: Option<&Val>, root: &str) -> Vec<Text> {
    let Some(ValKind::List(items)) = value.map(|value| &value.kind) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Val::as_str)
        .map(|path| Text::dsf(&format!("{root}/{}", path.trim_start_matches("./"))))
        .collect()
}

/// A map of strings, as DSF text, in source order.
fn text_map(value: Option<&Val>) -> IndexMap<Text, Text> {
    value
        .and_then(Val::as_map)
        .map(|map| {
            map.iter()
                .filter_map(|(key, value)| Some((Text::dsf(key), dsf_text(value)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// A `hooks` block in helmsman's names. A hook whose first word is a file of the project
/// (`.yaml`, `.yml`, `.json`, `.sh`, `.py`, `.rb`, as helmsman tells them) is written from the
/// desired-state file's folder, which helmsman resolves it against.
fn hooks(value: Option<&Val>, root: &str, problems: &mut Problems) -> IndexMap<Text, OutValue> {
    let Some(map) = value.and_then(Val::as_map) else {
        return IndexMap::new();
    };
    HOOK_KEYS
        .iter()
        .filter_map(|(field, key)| {
            let value = map.get(*field)?;
            let out = match value.as_str() {
                Some(hook) if is_project_file(hook) => OutValue::Str(Text::dsf(&format!(
                    "{root}/{}",
                    hook.trim_start_matches("./")
                ))),
                _ => dsf_value(value, problems),
            };
            Some((Text::dsf(key), out))
        })
        .collect()
}

/// Whether a hook names a file of the project: its first word a relative path with one of the
/// extensions helmsman resolves against the desired-state file's folder.
fn is_project_file(hook: &str) -> bool {
    let first = hook.split_whitespace().next().unwrap_or_default();
    !first.starts_with('/')
        && first.contains('.')
        && [".yaml", ".yml", ".json", ".sh", ".py", ".rb"]
            .iter()
            .any(|extension| first.ends_with(extension))
}

/// An escape hatch's entries, verbatim; E0532 for a key ehp writes itself.
fn extra(
    value: Option<&Val>,
    reserved: &[&str],
    problems: &mut Problems,
) -> IndexMap<Text, OutValue> {
    let Some(map) = value.and_then(Val::as_map) else {
        return IndexMap::new();
    };
    let mut out = IndexMap::new();
    for (key, entry) in map {
        if let Some(own) = reserved.iter().find(|own| own.eq_ignore_ascii_case(key)) {
            problems.push(reserved_key(entry, key, own));
            continue;
        }
        out.insert(Text::dsf(key), dsf_value(entry, problems));
    }
    out
}

/// E0532: an escape hatch sets a key ehp writes.
fn reserved_key(entry: &Val, key: &str, own: &str) -> Diagnostic {
    Diagnostic::error(
        codes::RESERVED_DSF_KEY,
        format!("`{key}` is a key ehp writes itself"),
    )
    .at(
        entry.origin,
        format!("helmsman reads `{own}` from what ehp writes; this would fight it"),
    )
    .help(
        "set it with the field of the language that writes it (docs/language.md lists them); \
         the escape hatches are for keys the language does not model",
    )
}

/// The quota keys helmsman's TOML reader drops: it matches TOML keys to its Go field names, and
/// these four are not field names.
const TOML_DROPPED_QUOTAS: &[&str] = &[
    "limits.cpu",
    "requests.cpu",
    "limits.memory",
    "requests.memory",
];

/// W0030 for each namespace quota a TOML desired-state file would carry that helmsman's TOML
/// reader drops without a word.
pub(crate) fn toml_dropped_quotas(env: &EnvInstance, problems: &mut Problems) {
    let Some(namespaces) = env.settings.get("namespaces").and_then(Val::as_map) else {
        return;
    };
    for (namespace, body) in namespaces {
        let quotas = body
            .as_map()
            .and_then(|fields| fields.get("quotas"))
            .and_then(Val::as_map);
        for (key, value) in quotas.into_iter().flatten() {
            if TOML_DROPPED_QUOTAS.contains(&key.as_str()) {
                problems.push(
                    Diagnostic::warning(
                        codes::TOML_DROPPED_QUOTA,
                        format!("helmsman's TOML reader drops quota `{key}`"),
                    )
                    .at(
                        value.origin,
                        format!("namespace `{namespace}` would have no `{key}` quota"),
                    )
                    .help("build the desired-state files as YAML (`--dsf-format yaml`), which helmsman reads whole"),
                );
            }
        }
    }
}
