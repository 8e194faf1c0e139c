//! The tables of helmsman's format the import reads: which keys exist where, and the `.ehp`
//! field each becomes.

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Text, with deploy-time variables.
    Text,
    /// One text that becomes a list of one (`secretsFile`).
    OneText,
    /// A list of texts.
    TextList,
    /// A mapping of texts (`set`).
    TextMap,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// Whole seconds (`timeout`).
    Seconds,
    /// helmsman's hooks.
    Hooks,
}

/// Top-level keys helmsman reads, and what the import does with them.
pub(super) const TOP: &[&str] = &[
    "metadata",
    "certificates",
    "context",
    "settings",
    "namespaces",
    "helmRepos",
    "preconfiguredHelmRepos",
    "apps",
    "appsTemplates",
];

/// Settings the language has, as (helmsman key, `.ehp` field).
pub(super) const SETTINGS: &[(&str, &str)] = &[
    ("kubeContext", "kube_context"),
    ("storageBackend", "storage_backend"),
    ("reverseDelete", "reverse_delete"),
    (
        "namespaceLabelsAuthoritative",
        "namespace_labels_authoritative",
    ),
    ("globalMaxHistory", "global_max_history"),
    ("globalHooks", "global_hooks"),
];

/// Settings helmsman has and the language leaves to `helmsman_settings` (credentials,
/// notifications, secret back ends): carried over verbatim.
pub(super) const VERBATIM_SETTINGS: &[&str] = &[
    "username",
    "password",
    "clusterURI",
    "bearerToken",
    "bearerTokenPath",
    "slackWebhook",
    "msTeamsWebhook",
    "skipIgnoredApps",
    "skipPendingApps",
    "eyamlEnabled",
    "eyamlPrivateKeyPath",
    "eyamlPublicKeyPath",
    "eyamlGkms",
    "eyamlGkmsProject",
    "eyamlGkmsLocation",
    "eyamlGkmsKeyring",
    "eyamlGkmsCryptoKey",
    "vaultEnabled",
    "vaultDeliminator",
    "vaultPath",
    "vaultMountPoint",
    "vaultTemplate",
    "vaultKvVersion",
    "vaultEnvironment",
];

/// Hook keys, as (helmsman key, `.ehp` field).
pub(super) const HOOKS: &[(&str, &str)] = &[
    ("preInstall", "pre_install"),
    ("postInstall", "post_install"),
    ("preUpgrade", "pre_upgrade"),
    ("postUpgrade", "post_upgrade"),
    ("preDelete", "pre_delete"),
    ("postDelete", "post_delete"),
    ("successCondition", "success_condition"),
    ("successTimeout", "success_timeout"),
    ("deleteOnSuccess", "delete_on_success"),
];

/// How an app field is read: (helmsman key, `.ehp` field, shape).
pub(super) const APP_FIELDS: &[(&str, &str, Shape)] = &[
    ("name", "release_name", Shape::Text),
    ("description", "description", Shape::Text),
    ("namespace", "namespace", Shape::Text),
    ("enabled", "enabled", Shape::Bool),
    ("chart", "chart", Shape::Text),
    ("version", "chart_version", Shape::Text),
    ("group", "group", Shape::Text),
    ("secretsFile", "secrets_files", Shape::OneText),
    ("secretsFiles", "secrets_files", Shape::TextList),
    ("set", "set", Shape::TextMap),
    ("setString", "set_string", Shape::TextMap),
    ("setFile", "set_file", Shape::TextMap),
    ("helmFlags", "helm_flags", Shape::TextList),
    ("helmDiffFlags", "helm_diff_flags", Shape::TextList),
    ("test", "test", Shape::Bool),
    ("protected", "protected", Shape::Bool),
    ("wait", "wait", Shape::Bool),
    ("noHooks", "no_hooks", Shape::Bool),
    ("timeout", "timeout", Shape::Seconds),
    ("maxHistory", "max_history", Shape::Int),
    ("priority", "priority", Shape::Int),
    ("hooks", "hooks", Shape::Hooks),
    ("postRenderer", "post_renderer", Shape::Text),
];

/// Fields of Helm 2 and Tiller that helmsman 3 and later ignore.
pub(super) const REMOVED: &[&str] = &[
    "tillerNamespace",
    "purge",
    "installTiller",
    "useTiller",
    "tillerServiceAccount",
    "tillerRole",
    "tillerRoleTemplateFile",
    "tillerMaxHistory",
    "caCert",
    "tillerCert",
    "tillerKey",
    "clientCert",
    "clientKey",
    "serviceAccount",
    "tillerless",
];

/// The order environment fields are written in.
pub(super) const ENV_ORDER: &[&str] = &[
    "kube_context",
    "context",
    "domain",
    "storage_backend",
    "reverse_delete",
    "namespace_labels_authoritative",
    "global_max_history",
    "global_hooks",
    "metadata",
    "helm_repos",
    "preconfigured_helm_repos",
    "namespaces",
    "helmsman_settings",
    "helmsman_extra",
];

/// The order app fields are written in.
pub(super) const APP_ORDER: &[&str] = &[
    "release_name",
    "description",
    "group",
    "namespace",
    "chart",
    "chart_version",
    "enabled",
    "priority",
    "protected",
    "wait",
    "timeout",
    "test",
    "no_hooks",
    "max_history",
    "hooks",
    "helm_flags",
    "helm_diff_flags",
    "post_renderer",
    "secrets_files",
    "set",
    "set_string",
    "set_file",
    "values",
];
