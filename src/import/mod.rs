//! `ehp import`: helmsman desired-state files (one per environment, YAML or TOML) and the
//! values files they name, turned into an `.ehp` project. Pure: the command line reads the
//! files and writes the project; this module reads text and returns text.
//!
//! The pipeline: each file is read as helmsman reads it (`yaml`, `toml` into `node::Node`:
//! anchors, merge keys, YAML 1.1 typing; the files of one environment merged as `-f` files
//! are, `merge`), checked and mapped onto the language's fields (`dsf`, with the tables of
//! helmsman's format in `fields`, reporting what has no place there), its values files merged
//! in Helm's `-f` order (`values`), charts and paths checked and rebased here, and the
//! environments laid out (`plan`): shared settings into an abstract `base`, shared app fields
//! into the app, differences into `in ENV { }` overrides, repeated shapes into templates
//! (`templates`), printed as source (`value`) and formatted. Text that looks like a secret is
//! masked in every diagnostic and refused (E0710).

mod dsf;
mod fields;
mod merge;
mod node;
mod plan;
mod templates;
mod toml;
mod value;
mod values;
mod yaml;

use std::path::{Path, PathBuf};

pub use plan::BASE;

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, SourceDb};

/// One desired-state file to import, read by the caller.
#[derive(Debug, Clone)]
pub struct Input {
    /// The environment it becomes (`--env NAME=DSF`).
    pub env: String,
    /// The file's path as the user gave it (for messages, and its extension).
    pub path: String,
    /// Its text.
    pub text: String,
    /// The folder its relative paths are resolved against, as the caller reads files.
    pub folder: PathBuf,
    /// The same folder, relative to the imported project's root (for paths the project keeps,
    /// such as local charts and secrets files).
    pub from_root: String,
}

/// The desired-state files read, waiting for their values files.
#[derive(Debug)]
pub struct Reading {
    sources: SourceDb,
    envs: Vec<(dsf::EnvRead, usize)>,
    inputs: Vec<Input>,
    diagnostics: Vec<Diagnostic>,
    /// Text of the input files that looks like a secret, masked in every diagnostic.
    secrets: Vec<crate::source::Span>,
    /// Whether helmsman runs with `--subst-env-values` (see [`Reading::subst_env_values`]).
    subst_env_values: bool,
}

/// The imported project.
#[derive(Debug)]
pub struct Imported {
    /// The input files (desired-state and values files), for rendering diagnostics.
    pub sources: SourceDb,
    /// What was found: errors, and what was not carried over.
    pub diagnostics: Vec<Diagnostic>,
    /// The project's files, as (path relative to its root, text), formatted.
    pub files: Vec<(String, String)>,
}

impl Imported {
    /// Whether any diagnostic is an error (then nothing should be written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads each desired-state file as helmsman does.
pub fn read(inputs: &[Input]) -> Reading {
    let mut sources = SourceDb::new();
    let mut diagnostics = Vec::new();
    // The files of one environment, merged in order as helmsman merges `-f` files.
    let mut roots: Vec<(String, Option<node::Node>, usize)> = Vec::new();
    let mut toml_files = Vec::new();
    let mut secrets = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let file = sources.add(input.path.clone(), input.text.clone());
        let lower = input.path.to_ascii_lowercase();
        if lower.ends_with(".toml") || lower.ends_with(".tml") {
            toml_files.push(file);
        }
        let loaded = load(file, &input.path, &input.text, &mut diagnostics);
        if let Some(root) = &loaded {
            node::secret_spans(root, None, &mut secrets);
        }
        match roots.iter_mut().find(|(env, _, _)| *env == input.env) {
            Some((_, merged, _)) => match (merged.as_mut(), loaded) {
                (Some(base), Some(overlay)) => merge::overlay(base, overlay),
                _ => *merged = None,
            },
            None => roots.push((input.env.clone(), loaded, index)),
        }
    }
    let mut envs = Vec::new();
    for (env, root, index) in roots {
        if let Some(root) = root
            && let Some(read) = dsf::read(&env, &root, &toml_files, &mut diagnostics)
        {
            envs.push((read, index));
        }
    }
    Reading {
        sources,
        envs,
        inputs: inputs.to_vec(),
        diagnostics,
        secrets,
        subst_env_values: false,
    }
}

/// Parses a file by its extension, as helmsman picks the format.
fn load(
    file: FileId,
    path: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<node::Node> {
    let extension = Path::new(path)
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let loaded = match extension.as_str() {
        "yaml" | "yml" => yaml::load(file, text),
        "toml" | "tml" => toml::load(file, text),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    codes::NOT_A_DSF,
                    format!("`{path}` is not a desired-state file"),
                )
                .help("helmsman reads desired-state files ending in .yaml, .yml, .toml or .tml"),
            );
            return None;
        }
    };
    match loaded {
        Ok(root) => Some(root),
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(codes::IMPORT_SYNTAX, format!("`{path}` cannot be parsed"))
                    .at(error.span, error.message)
                    .help("helmsman cannot read it either: fix the file, then import it"),
            );
            None
        }
    }
}

impl Reading {
    /// The values files the caller must read, as paths it can open.
    pub fn values_files(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for (env, index) in &self.envs {
            let Some(input) = self.inputs.get(*index) else {
                continue;
            };
            for app in env.apps.values() {
                for (path, _) in &app.values_files {
                    let full = input.folder.join(path);
                    if !paths.contains(&full) {
                        paths.push(full);
                    }
                }
            }
        }
        paths
    }

    /// Reads values files as helmsman does with `--subst-env-values`: `$NAME` in them is a
    /// variable (`deploy_var`), `$$` a `$`, and the environments get `subst_env_values = true`.
    #[must_use]
    pub fn subst_env_values(mut self) -> Reading {
        self.subst_env_values = true;
        self
    }

    /// The folders the caller must look for: helmsman takes a chart that names no declared
    /// repository for a folder beside the desired-state file.
    pub fn chart_folders(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        for (env, index) in &self.envs {
            let Some(input) = self.inputs.get(*index) else {
                continue;
            };
            for app in env.apps.values() {
                if let Some((chart, _, dsf::ChartKind::Local)) = &app.chart {
                    paths.push(input.folder.join(chart));
                }
            }
        }
        paths
    }

    /// Builds the project named `project`, with the values files read (`files`: each path of
    /// [`Reading::values_files`] with its text or why it could not be read) and the chart
    /// folders of [`Reading::chart_folders`] that exist (`folders`).
    pub fn finish(
        mut self,
        project: &str,
        files: &[(PathBuf, Result<String, String>)],
        folders: &[PathBuf],
    ) -> Imported {
        let mut loaded = values::Loaded::default();
        for (path, text) in files {
            loaded.add(&mut self.sources, path, text);
        }
        for (env, index) in &mut self.envs {
            let Some(input) = self.inputs.get(*index) else {
                continue;
            };
            values::attach(
                env,
                input,
                &loaded,
                self.subst_env_values,
                &mut self.diagnostics,
            );
            if self.subst_env_values {
                env.fields
                    .insert("subst_env_values".into(), value::Value::Bool(true));
            }
            check_charts(env, input, folders, &mut self.diagnostics);
            rebase_paths(env, input);
        }
        self.diagnostics.extend(loaded.problems);
        self.secrets.extend(loaded.secrets);
        for span in &self.secrets {
            let in_dsf = (span.file.0 as usize) < self.inputs.len();
            self.diagnostics.push(literal_secret(in_dsf, *span));
        }
        for diagnostic in &mut self.diagnostics {
            diagnostic.concealed.extend(self.secrets.iter().copied());
        }
        // Reported in the order of the files and of their text.
        self.diagnostics
            .sort_by_key(|diagnostic| diagnostic.primary.as_ref().map(|label| label.span));
        // helmsman has no domain, and the language needs none: a string that reads an unset
        // `env.domain` is an error (E0431), so none is made up.
        let envs: Vec<dsf::EnvRead> = self.envs.into_iter().map(|(env, _)| env).collect();
        absent_apps(&envs, &mut self.diagnostics);
        let files = if self.diagnostics.iter().any(Diagnostic::is_error) || envs.is_empty() {
            Vec::new()
        } else {
            project_files(project, &envs)
        };
        Imported {
            sources: self.sources,
            diagnostics: self.diagnostics,
            files,
        }
    }
}

/// Paths the project keeps (local charts, secrets files) made relative to its root.
fn rebase_paths(env: &mut dsf::EnvRead, input: &Input) {
    if let Some(value::Value::Map(hooks)) = env.fields.get_mut("global_hooks") {
        rebase_hooks(hooks, input);
    }
    for app in env.apps.values_mut() {
        if let Some((chart, _, dsf::ChartKind::Local)) = &app.chart {
            let rebased = rooted(&input.from_root, chart);
            app.fields
                .insert("chart".into(), value::Value::text(rebased));
        }
        if let Some(value::Value::Map(hooks)) = app.fields.get_mut("hooks") {
            rebase_hooks(hooks, input);
        }
        if let Some(value::Value::List(files)) = app.fields.get_mut("secrets_files") {
            for file in files.iter_mut() {
                if let Some(path) = file.as_literal() {
                    *file = value::Value::text(rooted(&input.from_root, &path));
                }
            }
        }
    }
}

/// E0710: a literal secret in an input file, which the language refuses (its text is masked).
fn literal_secret(in_dsf: bool, span: crate::source::Span) -> Diagnostic {
    let help = if in_dsf {
        "write a variable helmsman substitutes when it deploys (`password: $CLUSTER_PASSWORD`), imported as deploy_var(\"CLUSTER_PASSWORD\")"
    } else {
        "keep it in a Kubernetes secret and name that secret in the values (charts take `existingSecret`), then import again"
    };
    Diagnostic::error(
        codes::IMPORT_LITERAL_SECRET,
        "a literal secret in an input file",
    )
    .at(
        span,
        "this looks like a secret; ehp keeps no secret in its sources",
    )
    .help(help)
}

/// E0706 for a chart helmsman cannot find: one that names no declared repository and no
/// folder beside the file.
fn check_charts(
    env: &dsf::EnvRead,
    input: &Input,
    folders: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for app in env.apps.values() {
        let Some((chart, span, kind)) = &app.chart else {
            continue;
        };
        let diagnostic = match kind {
            dsf::ChartKind::Local if !folders.contains(&input.folder.join(chart)) => {
                let first = chart.split('/').next().unwrap_or_default();
                Diagnostic::error(
                    codes::IMPORT_UNDECLARED_REPO,
                    format!("chart `{chart}` names no declared repository and no folder"),
                )
                .at(*span, format!("`{first}` is not a key of `helmRepos`, and no folder `{chart}` is beside the file"))
                .help(format!("declare `{first}` under `helmRepos` with its URL, or name the chart's folder; helmsman fails to find `{chart}` too"))
            }
            _ => continue,
        };
        diagnostics.push(diagnostic);
    }
}

/// Hooks that name a manifest or script of the DSF's folder (the first word ends in `.yaml`,
/// `.yml`, `.json`, `.sh`, `.py` or `.rb`, as helmsman decides) rewritten relative to the
/// project root; commands stay as they are.
fn rebase_hooks(hooks: &mut indexmap::IndexMap<String, value::Value>, input: &Input) {
    for hook in hooks.values_mut() {
        let Some(text) = hook.as_literal() else {
            continue;
        };
        let (first, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
        let file = [".yaml", ".yml", ".json", ".sh", ".py", ".rb"]
            .iter()
            .any(|extension| first.to_ascii_lowercase().ends_with(extension));
        if !file || first.contains("://") {
            continue;
        }
        let mut rebased = rooted(&input.from_root, first);
        if !rest.is_empty() {
            rebased.push(' ');
            rebased.push_str(rest);
        }
        *hook = value::Value::text(rebased);
    }
}

/// `path` (relative to the DSF's folder) relative to the project root, `/`-separated and
/// starting with `./` or `../` as local charts are written.
pub(crate) fn rooted(from_root: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in from_root.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else if parts.first() == Some(&"..") {
        parts.join("/")
    } else {
        format!("./{}", parts.join("/"))
    }
}

/// Reports the apps some environments' files do not have (they are disabled there).
fn absent_apps(envs: &[dsf::EnvRead], diagnostics: &mut Vec<Diagnostic>) {
    for (position, env) in envs.iter().enumerate() {
        for (key, app) in &env.apps {
            let first = envs.iter().position(|other| other.apps.contains_key(key));
            if first != Some(position) {
                continue;
            }
            let missing: Vec<&str> = envs
                .iter()
                .filter(|other| !other.apps.contains_key(key))
                .map(|other| other.name.as_str())
                .collect();
            if missing.is_empty() {
                continue;
            }
            diagnostics.push(
                Diagnostic::warning(codes::APP_NOT_IN_ENV, format!("app `{key}` is not in every environment"))
                    .at(app.span, format!("missing from {}", missing.join(", ")))
                    .help("an .ehp app exists in every environment: the import sets `enabled = false` where the file has no such app, which helmsman treats the same way (it uninstalls the release)"),
            );
        }
    }
}

/// The project's files: `ehp.toml`, `environments.ehp`, one `apps/APP.ehp` per app, each
/// formatted.
fn project_files(project: &str, envs: &[dsf::EnvRead]) -> Vec<(String, String)> {
    let mut files = vec![(
        "ehp.toml".to_string(),
        format!("name = {}\n", crate::syntax::literal::quote(project)),
    )];
    files.push((
        "environments.ehp".into(),
        format_text(plan::environments(envs)),
    ));
    let mut keys: Vec<&String> = Vec::new();
    for env in envs {
        for key in env.apps.keys() {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let mut names: Vec<String> = Vec::new();
    let mut apps: Vec<plan::AppPlan> = Vec::new();
    for key in keys {
        // Two keys may give one name (`a.b`, `a-b`): the later gets a number.
        let base = plan::app_name(key);
        let mut name = base.clone();
        let mut counter = 2;
        while names.contains(&name) {
            name = format!("{base}-{counter}");
            counter += 1;
        }
        names.push(name.clone());
        let per_env: Vec<Option<&dsf::AppRead>> =
            envs.iter().map(|env| env.apps.get(key)).collect();
        apps.push(plan::app_plan(key, name, envs, &per_env));
    }
    let templates = templates::extract(&mut apps);
    if !templates.is_empty() {
        files.push((
            "templates.ehp".into(),
            format_text(templates::source(&templates)),
        ));
    }
    for app in &apps {
        files.push((
            format!("apps/{}.ehp", app.name),
            format_text(plan::app_source(app)),
        ));
    }
    files
}

/// Source through the formatter (unchanged when it does not parse: `ehp check` then says why).
fn format_text(text: String) -> String {
    crate::fmt::format_source(&text).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::rooted;

    #[test]
    fn paths_relative_to_the_root() {
        assert_eq!(rooted("../helmsman", "charts/x"), "../helmsman/charts/x");
        assert_eq!(rooted("dsf", "./x"), "./dsf/x");
        assert_eq!(rooted(".", "."), ".");
        assert_eq!(rooted("a/b", "../../c"), "./c");
        assert_eq!(rooted("..", "x"), "../x");
    }
}
