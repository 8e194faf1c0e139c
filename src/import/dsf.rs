//! One desired-state file read into the import model: the environment's settings and its apps
//! as `.ehp` fields, each field checked the way helmsman reads it. What has no place in the
//! language is reported, field by field, where it is written.

use indexmap::IndexMap;

use super::fields::{
    APP_FIELDS, APP_ORDER, ENV_ORDER, HOOKS, REMOVED, SETTINGS, Shape, TOP, VERBATIM_SETTINGS,
};
use super::node::{Entry, Kind, Node};
use super::value::{Part, Value, substitute};
use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};

/// An environment read from its desired-state file.
#[derive(Debug, Clone)]
pub(crate) struct EnvRead {
    /// The environment's name (`--env NAME=DSF`).
    pub(crate) name: String,
    /// Environment fields by `.ehp` name.
    pub(crate) fields: IndexMap<String, Value>,
    /// The apps, by key, in the order written.
    pub(crate) apps: IndexMap<String, AppRead>,
}

/// An app read from a desired-state file.
#[derive(Debug, Clone)]
pub(crate) struct AppRead {
    /// Where the app's key is.
    pub(crate) span: Span,
    /// App fields by `.ehp` name.
    pub(crate) fields: IndexMap<String, Value>,
    /// Values files, as written (relative to the DSF's folder), with where.
    pub(crate) values_files: Vec<(String, Span)>,
    /// The chart as written, where, and what helmsman takes it for.
    pub(crate) chart: Option<(String, Span, ChartKind)>,
}

/// What helmsman takes a chart for (`State.isChartFromRepo`, `State.expand`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChartKind {
    /// `repo/chart` of a repository in `helmRepos` or `preconfiguredHelmRepos`.
    Repo,
    /// `oci://`, `https://...tgz`: fetched by URL.
    Url,
    /// Anything else: a folder, relative to the desired-state file's.
    Local,
}

/// Reads a desired-state file's tree into an environment, reporting into `problems`.
/// `toml` lists the files read as TOML, whose reader does not turn numbers into text.
pub(crate) fn read(
    name: &str,
    root: &Node,
    toml: &[FileId],
    problems: &mut Vec<Diagnostic>,
) -> Option<EnvRead> {
    let Some(top) = root.as_map() else {
        problems.push(
            Diagnostic::error(codes::NOT_A_DSF, "not a desired-state file")
                .at(root.span, format!("{} where a desired-state file has a mapping", root.kind_name()))
                .help("a desired-state file maps `namespaces`, `helmRepos`, `apps`... (see helmsman's docs)"),
        );
        return None;
    };
    if !top.contains_key("apps") && !top.contains_key("namespaces") {
        problems.push(
            Diagnostic::error(codes::NOT_A_DSF, "not a desired-state file")
                .at(root.span, "neither `apps` nor `namespaces` is set here")
                .help("import the desired-state files of helmsman (`helmsman -f FILE`), one per environment"),
        );
        return None;
    }
    let mut reader = Reader { problems, toml };
    let mut env = EnvRead {
        name: name.to_string(),
        fields: IndexMap::new(),
        apps: IndexMap::new(),
    };
    for (key, entry) in top {
        reader.top_entry(&mut env, key, entry);
    }
    if !env.fields.contains_key("context") {
        // helmsman's default; ehp's is the environment's name.
        env.fields.insert("context".into(), Value::text("default"));
    }
    let namespaces = top.get("namespaces").and_then(|entry| entry.value.as_map());
    let repos = declared_repos(top);
    if let Some(apps) = top.get("apps") {
        reader.apps(&mut env, &apps.value, namespaces, &repos);
    }
    reorder(&mut env.fields, ENV_ORDER);
    for app in env.apps.values_mut() {
        reorder(&mut app.fields, APP_ORDER);
    }
    Some(env)
}

/// Sorts `fields` by their place in `order` (fields it does not name last, as they were).
fn reorder(fields: &mut IndexMap<String, Value>, order: &[&str]) {
    fields.sort_by_cached_key(|key, _| {
        order
            .iter()
            .position(|name| name == key)
            .unwrap_or(order.len())
    });
}

/// The repositories of `helmRepos`, and those of `preconfiguredHelmRepos`.
fn declared_repos(top: &IndexMap<String, Entry>) -> (Vec<String>, Vec<String>) {
    let repos: Vec<String> = top
        .get("helmRepos")
        .and_then(|entry| entry.value.as_map())
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    let preconfigured = match top
        .get("preconfiguredHelmRepos")
        .map(|entry| &entry.value.kind)
    {
        Some(Kind::Seq(items)) => items.iter().filter_map(Node::scalar_text).collect(),
        _ => Vec::new(),
    };
    (repos, preconfigured)
}

/// What helmsman takes `chart` for.
fn chart_kind(chart: &str, repos: &(Vec<String>, Vec<String>)) -> ChartKind {
    if chart.contains("://") {
        return ChartKind::Url;
    }
    match chart.split_once('/') {
        Some((repo, _))
            if repos
                .0
                .iter()
                .chain(&repos.1)
                .any(|declared| declared == repo) =>
        {
            ChartKind::Repo
        }
        _ => ChartKind::Local,
    }
}

struct Reader<'a> {
    problems: &'a mut Vec<Diagnostic>,
    toml: &'a [FileId],
}

impl Reader<'_> {
    fn top_entry(&mut self, env: &mut EnvRead, key: &str, entry: &Entry) {
        let value = &entry.value;
        match key {
            "metadata" => {
                let mut map = self.text_map(value, "metadata");
                if map.shift_remove("generator").is_some() {
                    self.not_carried(
                        entry.key_span,
                        "metadata.generator",
                        "ehp writes `metadata.generator` itself",
                    );
                }
                // ehp writes `metadata.environment` as the environment's name.
                if let Some(written) = map.shift_remove("environment")
                    && written.as_literal().as_deref() != Some(env.name.as_str())
                {
                    let why = format!(
                        "ehp writes `metadata.environment` itself, as `{}`",
                        env.name
                    );
                    self.not_carried(entry.key_span, "metadata.environment", &why);
                }
                env.fields.insert("metadata".into(), Value::Map(map));
            }
            "context" => {
                if let Some(text) = self.text(value, "context") {
                    env.fields.insert("context".into(), text);
                }
            }
            "settings" => self.settings(env, value),
            "namespaces" => {
                let namespaces = self.namespaces(value);
                env.fields
                    .insert("namespaces".into(), Value::Map(namespaces));
            }
            "helmRepos" => {
                let map = self.text_map(value, "helmRepos");
                env.fields.insert("helm_repos".into(), Value::Map(map));
            }
            "preconfiguredHelmRepos" => {
                // Repositories added outside helmsman: their charts are repository charts.
                let list = self.text_list(value, "preconfiguredHelmRepos");
                env.fields
                    .insert("preconfigured_helm_repos".into(), Value::List(list));
            }
            "certificates" => {
                self.verbatim(entry.key_span, "certificates", "helmsman_extra");
                let data = self.data(value);
                put_extra(&mut env.fields, "helmsman_extra", "certificates", data);
            }
            "apps" | "appsTemplates" => {}
            other => self.unknown(entry.key_span, other, TOP),
        }
    }

    fn settings(&mut self, env: &mut EnvRead, node: &Node) {
        if matches!(node.kind, Kind::Null) {
            return;
        }
        let Some(map) = self.map(node, "settings") else {
            return;
        };
        for (key, entry) in map {
            if let Some((_, field)) = SETTINGS.iter().find(|(name, _)| name == key) {
                let value = match *field {
                    "reverse_delete" | "namespace_labels_authoritative" => {
                        self.boolean(&entry.value, key)
                    }
                    "global_max_history" => self.int(&entry.value, key),
                    "global_hooks" => Some(self.hooks(&entry.value)),
                    _ => self.text(&entry.value, key),
                };
                if let Some(value) = value {
                    env.fields.insert((*field).into(), value);
                }
            } else if VERBATIM_SETTINGS.contains(&key.as_str()) {
                self.verbatim(
                    entry.key_span,
                    &format!("settings.{key}"),
                    "helmsman_settings",
                );
                let value = self.data(&entry.value);
                put_extra(&mut env.fields, "helmsman_settings", key, value);
            } else if REMOVED.contains(&key.as_str()) {
                self.removed(entry.key_span, key);
            } else {
                let known: Vec<&str> = SETTINGS
                    .iter()
                    .map(|(name, _)| *name)
                    .chain(VERBATIM_SETTINGS.iter().copied())
                    .collect();
                self.unknown(entry.key_span, key, &known);
            }
        }
    }

    fn namespaces(&mut self, node: &Node) -> IndexMap<String, Value> {
        let mut out = IndexMap::new();
        let Some(map) = self.map(node, "namespaces") else {
            return out;
        };
        for (name, entry) in map {
            let mut fields = IndexMap::new();
            if let Some(body) = match &entry.value.kind {
                Kind::Null => None,
                _ => self.map(&entry.value, "a namespace"),
            } {
                for (key, field) in body {
                    let value = match key.as_str() {
                        "protected" => self.boolean(&field.value, key),
                        "labels" | "annotations" => {
                            Some(Value::Map(self.text_map(&field.value, key)))
                        }
                        "limits" | "quotas" => Some(self.data(&field.value)),
                        other if REMOVED.contains(&other) => {
                            self.removed(field.key_span, other);
                            None
                        }
                        other => {
                            self.unknown(
                                field.key_span,
                                other,
                                &["protected", "labels", "annotations", "limits", "quotas"],
                            );
                            None
                        }
                    };
                    if let Some(value) = value {
                        fields.insert(key.clone(), value);
                    }
                }
            }
            out.insert(name.clone(), Value::Map(fields));
        }
        out
    }

    fn apps(
        &mut self,
        env: &mut EnvRead,
        node: &Node,
        namespaces: Option<&IndexMap<String, Entry>>,
        repos: &(Vec<String>, Vec<String>),
    ) {
        if matches!(node.kind, Kind::Null) {
            return;
        }
        let Some(map) = self.map(node, "apps") else {
            return;
        };
        for (key, entry) in map {
            if matches!(entry.value.kind, Kind::Null) {
                self.problems.push(
                    Diagnostic::error(codes::IMPORT_NULL_APP, format!("app `{key}` has no body"))
                        .at(entry.key_span, "an app with nothing after it")
                        .help("helmsman crashes on an empty app; give it `namespace`, `chart`, `version` and `enabled`, or remove it"),
                );
                continue;
            }
            let Some(body) = self.map(&entry.value, "an app") else {
                continue;
            };
            if let Some(app) = self.app(key, entry.key_span, body, namespaces, repos) {
                env.apps.insert(key.clone(), app);
            }
        }
    }

    // Length: one arm per kind of field keeps the app's reading in one place.
    fn app(
        &mut self,
        key: &str,
        key_span: Span,
        body: &IndexMap<String, Entry>,
        namespaces: Option<&IndexMap<String, Entry>>,
        repos: &(Vec<String>, Vec<String>),
    ) -> Option<AppRead> {
        let mut app = AppRead {
            span: key_span,
            fields: IndexMap::new(),
            values_files: Vec::new(),
            chart: None,
        };
        for (name, entry) in body {
            if name == "valuesFile" || name == "valuesFiles" {
                let list = match &entry.value.kind {
                    Kind::Seq(items) => items.clone(),
                    _ => vec![entry.value.clone()],
                };
                for item in list {
                    match item.scalar_text() {
                        // An empty name is no file (helmsman's examples write `valuesFile: ""`).
                        Some(path) if path.is_empty() => {}
                        Some(path) => app.values_files.push((path, item.span)),
                        None => self.wrong_type(&item, name, "a path"),
                    }
                }
                continue;
            }
            let Some((_, field, shape)) =
                APP_FIELDS.iter().find(|(helmsman, _, _)| helmsman == name)
            else {
                if REMOVED.contains(&name.as_str()) {
                    self.removed(entry.key_span, name);
                } else {
                    let known: Vec<&str> = APP_FIELDS
                        .iter()
                        .map(|(name, _, _)| *name)
                        .chain(["valuesFile", "valuesFiles"])
                        .collect();
                    self.unknown(entry.key_span, name, &known);
                }
                continue;
            };
            let value = self.shaped(&entry.value, name, *shape);
            // An empty list or map (or a null one) is the same as none.
            let empty = matches!(&value, Some(Value::List(items)) if items.is_empty())
                || matches!(&value, Some(Value::Map(map)) if map.is_empty());
            if let Some(value) = value.filter(|_| !empty) {
                match (app.fields.get_mut(*field), value) {
                    (Some(Value::List(existing)), Value::List(more)) => existing.extend(more),
                    (_, value) => {
                        app.fields.insert((*field).to_string(), value);
                    }
                }
            }
        }
        self.required(key, key_span, &app, body)?;
        self.check_namespace(&app, body, namespaces);
        if let (Some(chart), Some(entry)) = (
            app.fields.get("chart").and_then(Value::as_literal),
            body.get("chart"),
        ) {
            let kind = chart_kind(&chart, repos);
            app.chart = Some((chart, entry.value.span, kind));
        }
        if app
            .fields
            .get("release_name")
            .and_then(Value::as_literal)
            .as_deref()
            == Some(key)
        {
            app.fields.shift_remove("release_name");
        }
        // helmsman's defaults where ehp's differ: an app without `enabled` is uninstalled, and
        // one without `wait` is not waited for.
        app.fields
            .entry("enabled".into())
            .or_insert(Value::Bool(false));
        app.fields
            .entry("wait".into())
            .or_insert(Value::Bool(false));
        Some(app)
    }

    /// E0709 for each required field the body does not have (one written with a wrong type
    /// was reported already: the app is then left out without another error).
    fn required(
        &mut self,
        key: &str,
        span: Span,
        app: &AppRead,
        body: &IndexMap<String, Entry>,
    ) -> Option<()> {
        let missing: Vec<&str> = [
            ("namespace", "namespace"),
            ("chart", "chart"),
            ("chart_version", "version"),
        ]
        .into_iter()
        .filter(|(field, _)| !app.fields.contains_key(*field))
        .map(|(_, helmsman)| helmsman)
        .collect();
        if missing.is_empty() {
            return Some(());
        }
        if missing.iter().all(|helmsman| body.contains_key(*helmsman)) {
            return None;
        }
        self.problems.push(
            Diagnostic::error(
                codes::IMPORT_MISSING_FIELD,
                format!(
                    "app `{key}` lacks {}",
                    missing
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(
                span,
                "helmsman requires `namespace`, `chart` and `version` of every app",
            )
            .help("add the missing fields; an overlay for a second `-f` goes after its base file, under the same `--env` name"),
        );
        None
    }

    fn check_namespace(
        &mut self,
        app: &AppRead,
        body: &IndexMap<String, Entry>,
        namespaces: Option<&IndexMap<String, Entry>>,
    ) {
        let Some(namespace) = app.fields.get("namespace").and_then(Value::as_literal) else {
            return;
        };
        let declared = namespaces.is_some_and(|map| map.contains_key(&namespace));
        if declared || namespace == "kube-system" {
            return;
        }
        let span = body
            .get("namespace")
            .map_or(app.span, |entry| entry.value.span);
        self.problems.push(
            Diagnostic::error(codes::IMPORT_UNDECLARED_NAMESPACE, format!("namespace `{namespace}` is not declared"))
                .at(span, "not a key of the file's `namespaces`")
                .help(format!("declare it under `namespaces` (`{namespace}: {{}}`): helmsman refuses an app in an undeclared namespace")),
        );
    }

    fn shaped(&mut self, node: &Node, name: &str, shape: Shape) -> Option<Value> {
        match shape {
            Shape::Text => self.text(node, name),
            Shape::OneText => self.text(node, name).map(|text| Value::List(vec![text])),
            Shape::TextList => Some(Value::List(self.text_list(node, name))),
            Shape::TextMap => Some(Value::Map(self.text_map(node, name))),
            Shape::Bool => self.boolean(node, name),
            Shape::Int => self.int(node, name),
            Shape::Seconds => match self.int(node, name) {
                Some(Value::Int(seconds)) => Some(Value::Seconds(seconds)),
                other => other,
            },
            Shape::Hooks => Some(self.hooks(node)),
        }
    }

    fn hooks(&mut self, node: &Node) -> Value {
        let mut out = IndexMap::new();
        let Some(map) = self.map(node, "hooks") else {
            return Value::Map(out);
        };
        for (key, entry) in map {
            let Some((_, field)) = HOOKS.iter().find(|(name, _)| name == key) else {
                let known: Vec<&str> = HOOKS.iter().map(|(name, _)| *name).collect();
                self.unknown(entry.key_span, key, &known);
                continue;
            };
            let value = match key.as_str() {
                "deleteOnSuccess" => self.boolean(&entry.value, key),
                "successTimeout" => match entry.value.scalar_text().as_deref().and_then(go_seconds)
                {
                    Some(seconds) => Some(Value::Seconds(seconds)),
                    None => {
                        self.wrong_type(&entry.value, key, "a duration such as \"90s\"");
                        None
                    }
                },
                _ => self.text(&entry.value, key),
            };
            if let Some(value) = value {
                out.insert((*field).to_string(), value);
            }
        }
        Value::Map(out)
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n IndexMap<String, Entry>> {
        match &node.kind {
            Kind::Map(map) => Some(map),
            Kind::Null => None,
            _ => {
                self.wrong_type(node, what, "a mapping");
                None
            }
        }
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<Value> {
        let strict = self.toml.contains(&node.span.file);
        if strict && !matches!(node.kind, Kind::Str(_) | Kind::Null) {
            self.problems.push(
                Diagnostic::error(
                    codes::IMPORT_TYPE,
                    format!("`{what}` is {}, not text", node.kind_name()),
                )
                .at(
                    node.span,
                    "helmsman's TOML reader refuses anything but text here",
                )
                .help(format!("write `{what}` in quotes, as text")),
            );
            return None;
        }
        let Some(text) = node.scalar_text() else {
            if !matches!(node.kind, Kind::Null) {
                self.wrong_type(node, what, "text");
            }
            return None;
        };
        let (parts, eaten) = substitute(&text);
        if eaten {
            self.problems.push(
                Diagnostic::warning(codes::SUBSTITUTION_EATS, "helmsman drops a `$` here")
                    .at(node.span, "a `$` before a digit or one of `*#@!?-` expands to nothing")
                    .help("the import keeps the text as helmsman deploys it; write `$$` in the file for a literal `$`"),
            );
        }
        let bad_name = parts.iter().find_map(|part| match part {
            Part::Var(name) if !is_var_name(name) => Some(name.clone()),
            _ => None,
        });
        if let Some(name) = bad_name {
            self.not_carried(
                node.span,
                what,
                &format!(
                    "`${{{name}}}` is not a variable name ehp can write ([A-Za-z_][A-Za-z0-9_]*)"
                ),
            );
            return None;
        }
        Some(Value::Text(parts))
    }

    fn text_list(&mut self, node: &Node, what: &str) -> Vec<Value> {
        match &node.kind {
            Kind::Seq(items) => items
                .iter()
                .filter_map(|item| self.text(item, what))
                .collect(),
            Kind::Null => Vec::new(),
            _ => self.text(node, what).into_iter().collect(),
        }
    }

    fn text_map(&mut self, node: &Node, what: &str) -> IndexMap<String, Value> {
        let Some(map) = self.map(node, what) else {
            return IndexMap::new();
        };
        map.iter()
            .filter_map(|(key, entry)| {
                self.text(&entry.value, key)
                    .map(|value| (key.clone(), value))
            })
            .collect()
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<Value> {
        match &node.kind {
            Kind::Bool(value) => Some(Value::Bool(*value)),
            Kind::Null => Some(Value::Bool(false)),
            // YAML: a quoted "true" fails helmsman's decoding; TOML: Go's ParseBool reads it.
            Kind::Str(text) if self.toml.contains(&node.span.file) => match text.as_str() {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(Value::Bool(true)),
                "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(Value::Bool(false)),
                _ => {
                    self.wrong_type(node, what, "a boolean");
                    None
                }
            },
            _ => {
                self.wrong_type(node, what, "a boolean");
                None
            }
        }
    }

    fn int(&mut self, node: &Node, what: &str) -> Option<Value> {
        match &node.kind {
            Kind::Int(value) => Some(Value::Int(*value)),
            _ => {
                self.wrong_type(node, what, "an integer");
                None
            }
        }
    }

    /// Free-form data (escape hatches, limits, quotas): strings substituted, the rest as is.
    fn data(&mut self, node: &Node) -> Value {
        match &node.kind {
            Kind::Null => Value::Null,
            Kind::Bool(value) => Value::Bool(*value),
            Kind::Int(value) => Value::Int(*value),
            Kind::Float(value) => Value::Float(*value),
            Kind::Str(_) => self.text(node, "text").unwrap_or_else(|| Value::text("")),
            Kind::Seq(items) => Value::List(items.iter().map(|item| self.data(item)).collect()),
            Kind::Map(map) => Value::Map(
                map.iter()
                    .map(|(key, entry)| (key.clone(), self.data(&entry.value)))
                    .collect(),
            ),
        }
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.problems.push(
            Diagnostic::error(
                codes::IMPORT_TYPE,
                format!("`{what}` is {}, not {expected}", node.kind_name()),
            )
            .at(node.span, format!("helmsman reads {expected} here"))
            .help(format!("write `{what}` as {expected}")),
        );
    }

    fn unknown(&mut self, span: Span, key: &str, known: &[&str]) {
        let close = known
            .iter()
            .find(|candidate| strsim::jaro_winkler(candidate, key) > 0.85);
        let mut diagnostic = Diagnostic::warning(
            codes::NOT_CARRIED_OVER,
            format!("`{key}` is not carried over"),
        )
        .at(span, "helmsman ignores this key");
        diagnostic = match close {
            Some(candidate) => diagnostic.help(format!("did you mean `{candidate}`? helmsman reads only the keys of its format, and so does the import")),
            None => diagnostic.help("helmsman reads only the keys of its format; the import drops this one as helmsman does"),
        };
        self.problems.push(diagnostic);
    }

    fn removed(&mut self, span: Span, key: &str) {
        self.problems.push(
            Diagnostic::warning(
                codes::NOT_CARRIED_OVER,
                format!("`{key}` is not carried over"),
            )
            .at(
                span,
                "a field of Helm 2 (Tiller) that helmsman 3 and later ignore",
            )
            .help("nothing to do: helmsman ignores it today"),
        );
    }

    fn not_carried(&mut self, span: Span, what: &str, why: &str) {
        self.problems.push(
            Diagnostic::warning(
                codes::NOT_CARRIED_OVER,
                format!("`{what}` is not carried over"),
            )
            .at(span, why.to_string())
            .help("set it by hand in the imported project if it is still needed"),
        );
    }

    fn verbatim(&mut self, span: Span, what: &str, hatch: &str) {
        self.problems.push(
            Diagnostic::warning(codes::CARRIED_VERBATIM, format!("`{what}` is carried over unchecked"))
                .at(span, format!("written under `{hatch}`: ehp does not model it"))
                .help("docs/language.md (\"Not carried over\") says why ehp writes it back as it is, unchecked"),
        );
    }
}

/// Sets `key` in the escape-hatch block `hatch` of an environment's fields.
fn put_extra(fields: &mut IndexMap<String, Value>, hatch: &str, key: &str, value: Value) {
    if let Value::Map(map) = fields
        .entry(hatch.to_string())
        .or_insert_with(|| Value::Map(IndexMap::new()))
    {
        map.insert(key.to_string(), value);
    }
}

/// A Go duration of whole seconds (`90s`, `2m`, `1h30m`) in seconds.
fn go_seconds(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(number.parse::<i64>().ok()?.checked_mul(unit)?)?;
        number.clear();
    }
    (number.is_empty() && !text.is_empty()).then_some(total)
}

/// Whether `name` is a variable name ehp writes: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_var_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
