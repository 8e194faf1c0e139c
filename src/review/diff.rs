//! `ehp diff`: what a change does to the desired state. Compares the rendered output (every
//! desired-state file and values file) of two analyses, or of two environments of one analysis,
//! as a unified diff per file, or as Markdown for a pull-request comment where each changed value
//! names the `.ehp` line that produced it.

use crate::Analysis;
use crate::emit::{DSF_STEM, DsfFormat, OutputFile};
use crate::eval::model::{EnvInstance, Val, ValKind, ValMap, env_named};
use crate::source::SourceDb;

use super::{code_span, show_value, table_cell};

/// The app fields that become the app's entry in the desired-state file.
const APP_DSF_FIELDS: &[&str] = &[
    "description",
    "namespace",
    "group",
    "enabled",
    "chart",
    "chart_version",
    "priority",
    "wait",
    "timeout",
    "protected",
    "release_name",
    "values_files",
    "secrets_files",
    "set",
    "set_string",
    "set_file",
    "helm_flags",
    "helm_diff_flags",
    "test",
    "no_hooks",
    "max_history",
    "post_renderer",
    "hooks",
    "helmsman_extra",
];

/// The environment settings that become the environment part of the desired-state file.
const ENV_DSF_SETTINGS: &[&str] = &[
    "context",
    "kube_context",
    "namespaces",
    "helm_repos",
    "metadata",
    "storage_backend",
    "reverse_delete",
    "namespace_labels_authoritative",
    "global_hooks",
    "global_max_history",
    "helmsman_settings",
    "helmsman_extra",
];

/// A GitHub comment holds at most 65,536 characters; the unified diff inside the Markdown
/// report is cut well before that.
const MARKDOWN_DIFF_LIMIT: usize = 45_000;

/// One side of a comparison: an analysis and the files emitted from it.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The analysed project.
    pub analysis: &'a Analysis,
    /// Its emitted files (`E/helmsman.yaml`, `E/values/APP.yaml`).
    pub files: &'a [OutputFile],
    /// What the side is called in reports, e.g. `origin/prod` or `working tree`.
    pub label: &'a str,
}

impl<'a> Side<'a> {
    fn env(&self, name: &str) -> Option<&'a EnvInstance> {
        env_named(&self.analysis.envs, name)
    }

    fn file(&self, path: &str) -> Option<String> {
        self.files
            .iter()
            .find(|file| file.path == path)
            .map(|file| file.contents.clone())
    }
}

/// A changed value: its path, the old and new value as text, and where the new one is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The dotted path of the value, e.g. `image.tag`; desired-state fields start with `DSF `.
    pub path: String,
    /// The old value, or `None` when it was not set.
    pub old: Option<String>,
    /// The new value, or `None` when it is no longer set.
    pub new: Option<String>,
    /// The `.ehp` place (`file:line`) that produced the new value, or the old one's for a
    /// removal.
    pub place: String,
}

/// The old and new text of one output file.
#[derive(Debug, Clone)]
pub struct FilePair {
    /// The old file's path (shown as `a/PATH`).
    pub old_path: String,
    /// The new file's path (shown as `b/PATH`).
    pub new_path: String,
    /// The old text; `None` when the file did not exist.
    pub old: Option<String>,
    /// The new text; `None` when the file no longer exists.
    pub new: Option<String>,
}

impl FilePair {
    /// Whether the two texts differ.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }

    /// The unified diff, with `a/` and `b/` headers (`/dev/null` for a missing side); empty
    /// when nothing changed.
    pub fn unified(&self) -> String {
        if !self.changed() {
            return String::new();
        }
        let old_header = match self.old {
            Some(_) => format!("a/{}", self.old_path),
            None => "/dev/null".to_string(),
        };
        let new_header = match self.new {
            Some(_) => format!("b/{}", self.new_path),
            None => "/dev/null".to_string(),
        };
        let old = self.old.as_deref().unwrap_or("");
        let new = self.new.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(old, new);
        diff.unified_diff()
            .context_radius(3)
            .header(&old_header, &new_header)
            .to_string()
    }
}

/// What happened to an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppChange {
    /// It exists only on the new side.
    Added,
    /// It exists only on the old side.
    Removed,
    /// Its output changed.
    Changed,
    /// Its output is the same.
    Unchanged,
}

/// One app's part of a report.
#[derive(Debug, Clone)]
pub struct AppReport {
    /// The app.
    pub name: String,
    /// What happened to it.
    pub change: AppChange,
    /// Its values file.
    pub file: FilePair,
    /// Its changed values and desired-state fields.
    pub changes: Vec<Change>,
}

/// One environment's part of a report (or, comparing two environments, the pair's).
#[derive(Debug, Clone)]
pub struct EnvReport {
    /// The environment, or `A → B` when two environments are compared.
    pub label: String,
    /// The desired-state file.
    pub dsf: FilePair,
    /// Changed environment-level fields of the desired-state file.
    pub changes: Vec<Change>,
    /// The apps, by name.
    pub apps: Vec<AppReport>,
}

impl EnvReport {
    fn changed(&self) -> bool {
        self.dsf.changed()
            || self
                .apps
                .iter()
                .any(|app| app.change != AppChange::Unchanged)
    }
}

/// A comparison of two desired states.
#[derive(Debug, Clone)]
pub struct Report {
    /// The old side's name.
    pub old_label: String,
    /// The new side's name.
    pub new_label: String,
    /// The environments compared, in order.
    pub envs: Vec<EnvReport>,
}

/// Compares the desired state of two analyses (a git revision and the working tree),
/// environment by environment: those of `first` in its order, then the others by name; `only`
/// restricts the comparison to those environments.
pub fn between_revisions(
    old: Side,
    new: Side,
    only: &[String],
    first: &[String],
) -> Result<Report, String> {
    let mut names: Vec<&str> = old
        .analysis
        .envs
        .iter()
        .chain(&new.analysis.envs)
        .map(|env| env.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.sort_by_key(|name| {
        first
            .iter()
            .position(|wanted| wanted == name)
            .unwrap_or(first.len())
    });
    for wanted in only {
        if !names.contains(&wanted.as_str()) {
            return Err(format!(
                "no concrete environment named `{wanted}` on either side; the environments are: {}",
                names.join(", ")
            ));
        }
    }
    let envs = names
        .iter()
        .filter(|name| only.is_empty() || only.iter().any(|wanted| wanted == *name))
        .map(|name| compare(old, name, new, name, (*name).to_string()))
        .collect();
    Ok(Report {
        old_label: old.label.to_string(),
        new_label: new.label.to_string(),
        envs,
    })
}

/// Compares two environments, each read on its own side (one analysis, or each environment's
/// branch): what `right` runs differently from `left`.
pub fn between_envs(
    (left_side, left): (Side, &str),
    (right_side, right): (Side, &str),
) -> Result<Report, String> {
    for (side, name) in [(left_side, left), (right_side, right)] {
        if side.env(name).is_none() {
            let names: Vec<&str> = side
                .analysis
                .envs
                .iter()
                .map(|env| env.name.as_str())
                .collect();
            return Err(format!(
                "no concrete environment named `{name}`; the environments are: {}",
                names.join(", ")
            ));
        }
    }
    Ok(Report {
        old_label: left_side.label.to_string(),
        new_label: right_side.label.to_string(),
        envs: vec![compare(
            left_side,
            left,
            right_side,
            right,
            format!("{left} → {right}"),
        )],
    })
}

/// Compares environment `old_env` of `old` with `new_env` of `new`.
fn compare<'a>(
    old: Side<'a>,
    old_env: &'a str,
    new: Side<'a>,
    new_env: &'a str,
    label: String,
) -> EnvReport {
    let pair = Compared {
        old,
        old_env,
        new,
        new_env,
        walker: Walker {
            old_db: &old.analysis.db,
            new_db: &new.analysis.db,
        },
    };
    let dsf = pair.files(|env| format!("{env}/{DSF_STEM}.{}", DsfFormat::Yaml.extension()));
    let old_instance = old.env(old_env);
    let new_instance = new.env(new_env);
    let mut changes = Vec::new();
    for setting in ENV_DSF_SETTINGS {
        pair.walker.walk(
            &format!("DSF {setting}"),
            old_instance.and_then(|env| env.settings.get(*setting)),
            new_instance.and_then(|env| env.settings.get(*setting)),
            &mut changes,
        );
    }
    let mut app_names: Vec<&str> = old_instance
        .into_iter()
        .chain(new_instance)
        .flat_map(|env| env.apps.iter().map(|app| app.name.as_str()))
        .collect();
    app_names.sort_unstable();
    app_names.dedup();
    let apps = app_names.into_iter().map(|name| pair.app(name)).collect();
    EnvReport {
        label,
        dsf,
        changes,
        apps,
    }
}

/// Two environments being compared, each on its side.
struct Compared<'a> {
    old: Side<'a>,
    old_env: &'a str,
    new: Side<'a>,
    new_env: &'a str,
    walker: Walker<'a>,
}

impl Compared<'_> {
    /// The old and new text of the output file at `path(env)` on each side.
    fn files(&self, path: impl Fn(&str) -> String) -> FilePair {
        let (old_path, new_path) = (path(self.old_env), path(self.new_env));
        FilePair {
            old: self.old.file(&old_path),
            new: self.new.file(&new_path),
            old_path,
            new_path,
        }
    }

    /// What happened to the app called `name`: its values file and its changed values.
    fn app(&self, name: &str) -> AppReport {
        let file = self.files(|env| format!("{env}/values/{name}.yaml"));
        let before = self.old.env(self.old_env).and_then(|env| env.app(name));
        let after = self.new.env(self.new_env).and_then(|env| env.app(name));
        let mut changes = Vec::new();
        if let (Some(before), Some(after)) = (before, after) {
            self.walker
                .walk_map("", &before.values, &after.values, &mut changes);
            for field in APP_DSF_FIELDS {
                self.walker.walk(
                    &format!("DSF {field}"),
                    before.fields.get(field),
                    after.fields.get(field),
                    &mut changes,
                );
            }
        }
        let change = match (&before, &after) {
            (None, Some(_)) => AppChange::Added,
            (Some(_), None) => AppChange::Removed,
            _ if file.changed() || !changes.is_empty() => AppChange::Changed,
            _ => AppChange::Unchanged,
        };
        AppReport {
            name: name.to_string(),
            change,
            file,
            changes,
        }
    }
}

/// Walks two value trees and records the leaves that differ.
struct Walker<'a> {
    old_db: &'a SourceDb,
    new_db: &'a SourceDb,
}

impl Walker<'_> {
    fn walk_map(&self, prefix: &str, old: &ValMap, new: &ValMap, out: &mut Vec<Change>) {
        let mut keys: Vec<&crate::eval::model::Text> = old.keys().collect();
        keys.extend(new.keys().filter(|key| !old.contains_key(*key)));
        for key in keys {
            let path = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            self.walk(&path, old.get(key.as_str()), new.get(key.as_str()), out);
        }
    }

    fn walk(&self, path: &str, old: Option<&Val>, new: Option<&Val>, out: &mut Vec<Change>) {
        match (old, new) {
            (None, None) => {}
            (Some(old), Some(new)) if old.same(new) => {}
            (Some(old), Some(new)) => match (&old.kind, &new.kind) {
                (ValKind::Map(old_map), ValKind::Map(new_map)) => {
                    self.walk_map(path, old_map, new_map, out);
                }
                (ValKind::List(old_items), ValKind::List(new_items))
                    if old_items.len() == new_items.len() =>
                {
                    for (index, (old_item, new_item)) in old_items.iter().zip(new_items).enumerate()
                    {
                        self.walk(
                            &format!("{path}[{index}]"),
                            Some(old_item),
                            Some(new_item),
                            out,
                        );
                    }
                }
                _ => out.push(Change {
                    path: path.to_string(),
                    old: Some(show_value(old)),
                    new: Some(show_value(new)),
                    place: place(self.new_db, new),
                }),
            },
            (None, Some(new)) => out.push(Change {
                path: path.to_string(),
                old: None,
                new: Some(show_value(new)),
                place: place(self.new_db, new),
            }),
            (Some(old), None) => out.push(Change {
                path: path.to_string(),
                old: Some(show_value(old)),
                new: None,
                place: format!("was {}", place(self.old_db, old)),
            }),
        }
    }
}

/// Where a value was produced: `file:line`.
fn place(db: &SourceDb, value: &Val) -> String {
    let (line, _) = db.line_col(value.origin);
    format!("{}:{line}", db.name(value.origin.file))
}

impl Report {
    /// Whether anything differs.
    pub fn is_empty(&self) -> bool {
        !self.envs.iter().any(EnvReport::changed)
    }

    /// Every changed file, in order.
    fn changed_files(&self) -> Vec<&FilePair> {
        self.envs
            .iter()
            .flat_map(|env| std::iter::once(&env.dsf).chain(env.apps.iter().map(|app| &app.file)))
            .filter(|pair| pair.changed())
            .collect()
    }

    /// The unified diff of every changed file.
    pub fn unified(&self) -> String {
        self.changed_files()
            .iter()
            .map(|pair| pair.unified())
            .collect()
    }

    /// The report as Markdown for a pull-request comment: a summary table, the changed values
    /// per environment and app with the `.ehp` line of each, and the unified diff folded away.
    pub fn markdown(&self) -> String {
        self.markdown_with(&Review::default())
    }

    /// The report as Markdown for a pull-request comment, with what `review` adds: the
    /// environments the change deploys, the record of each changed release, and the gate's
    /// verdict.
    pub fn markdown_with(&self, review: &Review) -> String {
        let mut out = format!(
            "### Desired state: {} → {}\n\n",
            table_cell(&self.old_label),
            table_cell(&self.new_label)
        );
        if !review.deployed.is_empty() {
            let deployed: Vec<String> = review
                .deployed
                .iter()
                .map(|env| {
                    let changed =
                        self.envs
                            .iter()
                            .find(|report| &report.label == env)
                            .map_or(0, |report| {
                                report
                                    .apps
                                    .iter()
                                    .filter(|app| app.change != AppChange::Unchanged)
                                    .count()
                            });
                    match changed {
                        0 => format!("**{env}** (no app changes)"),
                        1 => format!("**{env}** (1 app changes)"),
                        many => format!("**{env}** ({many} apps change)"),
                    }
                })
                .collect();
            out.push_str(&format!("Merging deploys {}.\n\n", deployed.join(", ")));
        }
        if self.is_empty() {
            out.push_str("No change to the desired state.\n");
            review.gate_section(&mut out);
            return out;
        }
        self.summary_table(&mut out);
        self.changed_values(&mut out, review);
        let files = self.changed_files();
        let mut diff: String = files.iter().map(|pair| pair.unified()).collect();
        if diff.len() > MARKDOWN_DIFF_LIMIT {
            let mut cut = MARKDOWN_DIFF_LIMIT;
            while !diff.is_char_boundary(cut) {
                cut -= 1;
            }
            let kept = diff.get(..cut).unwrap_or("");
            let kept = kept
                .get(..kept.rfind('\n').map_or(0, |end| end + 1))
                .unwrap_or("");
            let dropped = diff.lines().count() - kept.lines().count();
            diff = format!("{kept}… {dropped} more lines: run `ehp diff` locally for all of it\n");
        }
        let longest_run = diff.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest_run + 1).max(3));
        out.push_str(&format!(
            "\n<details>\n<summary>Unified diff ({} {})</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n",
            files.len(),
            if files.len() == 1 { "file" } else { "files" }
        ));
        review.gate_section(&mut out);
        out
    }

    /// The summary table of the Markdown report: one row per changed desired-state file and
    /// app.
    fn summary_table(&self, out: &mut String) {
        out.push_str("| Environment | App | Change |\n|---|---|---|\n");
        for env in self.envs.iter().filter(|env| env.changed()) {
            if !env.changes.is_empty() || (env.dsf.changed() && env.dsf.old.is_none()) {
                let what = match (&env.dsf.old, &env.dsf.new) {
                    (None, _) => "new environment".to_string(),
                    (_, None) => "environment removed".to_string(),
                    _ => count(env.changes.len()),
                };
                out.push_str(&format!(
                    "| {} | (desired-state file) | {what} |\n",
                    table_cell(&env.label)
                ));
            }
            for app in &env.apps {
                let what = match app.change {
                    AppChange::Unchanged => continue,
                    AppChange::Added => "added".to_string(),
                    AppChange::Removed => "removed".to_string(),
                    AppChange::Changed => count(app.changes.len()),
                };
                out.push_str(&format!(
                    "| {} | {} | {what} |\n",
                    table_cell(&env.label),
                    table_cell(&app.name)
                ));
            }
        }
    }

    /// The changed values of the Markdown report, per environment and app, each app with the
    /// record of its release when `review` has one.
    fn changed_values(&self, out: &mut String, review: &Review) {
        for env in self.envs.iter().filter(|env| env.changed()) {
            if !env.changes.is_empty() {
                out.push_str(&format!("\n#### {} (desired-state file)\n\n", env.label));
                list(out, &env.changes);
            }
            for app in env
                .apps
                .iter()
                .filter(|app| app.change != AppChange::Unchanged)
            {
                out.push_str(&format!("\n#### {} / {}\n\n", env.label, app.name));
                if let Some((_, _, record)) = review
                    .records
                    .iter()
                    .find(|(name, app_name, _)| name == &env.label && app_name == &app.name)
                {
                    out.push_str(&format!("Record: {record}.\n\n"));
                }
                match app.change {
                    AppChange::Added => {
                        out.push_str(&format!("New app: {}.\n", code_span(&app.file.new_path)));
                    }
                    AppChange::Removed => out.push_str(&format!(
                        "Removed: {} is no longer generated.\n",
                        code_span(&app.file.old_path)
                    )),
                    _ => list(out, &app.changes),
                }
            }
        }
    }
}

/// What a pull-request comment adds to a comparison of revisions.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// The environments merging deploys, in chain order.
    pub deployed: Vec<String>,
    /// The record of each changed release: `(environment, app, text)`.
    pub records: Vec<(String, String, String)>,
    /// The gate's verdict, when it ran.
    pub gate: Option<GateVerdict>,
}

/// The verdict of the range gate, for a pull-request comment.
#[derive(Debug, Clone)]
pub struct GateVerdict {
    /// The command it is the verdict of.
    pub command: String,
    /// What it checked.
    pub summary: String,
    /// Its findings, one line each (empty when it passed).
    pub findings: Vec<String>,
}

impl Review {
    /// The gate's section of the comment.
    fn gate_section(&self, out: &mut String) {
        let Some(gate) = &self.gate else {
            return;
        };
        let verdict = if gate.findings.is_empty() {
            "passed"
        } else {
            "failed"
        };
        out.push_str(&format!(
            "\n#### Gate: {verdict}\n\n{}: {}.\n",
            code_span(&gate.command),
            gate.summary
        ));
        for finding in &gate.findings {
            out.push_str(&format!("\n- {finding}"));
        }
        if !gate.findings.is_empty() {
            out.push('\n');
        }
    }
}

/// "1 value changed", "3 values changed".
fn count(changes: usize) -> String {
    match changes {
        0 => "changed".to_string(),
        1 => "1 value changed".to_string(),
        many => format!("{many} values changed"),
    }
}

/// The changes as a Markdown list: `path`: `old` → `new` (file:line).
fn list(out: &mut String, changes: &[Change]) {
    for change in changes {
        let old = change
            .old
            .as_deref()
            .map_or("(unset)".to_string(), code_span);
        let new = change
            .new
            .as_deref()
            .map_or("(unset)".to_string(), code_span);
        out.push_str(&format!(
            "- {}: {old} → {new} ({})\n",
            code_span(&change.path),
            code_span(&change.place)
        ));
    }
}
