//! Values files: read as Helm reads them, merged in the order of `valuesFiles` as Helm merges
//! `-f` files (mappings key by key, anything else replaced), and attached to their app as its
//! `values { }`.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::dsf::EnvRead;
use super::node::{Kind, Node};
use super::value::{Part, Value, substitute};
use super::{Input, yaml};
use crate::diag::{Diagnostic, codes};
use crate::source::SourceDb;

/// The values files read, by the path they were read from.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    files: Vec<(PathBuf, Option<Node>)>,
    /// The files that could not be read, with why.
    unreadable: Vec<(PathBuf, String)>,
    /// What went wrong reading them.
    pub(crate) problems: Vec<Diagnostic>,
    /// Their text that looks like a secret.
    pub(crate) secrets: Vec<crate::source::Span>,
}

impl Loaded {
    /// Reads one file's text (or records why it could not be read).
    pub(crate) fn add(
        &mut self,
        sources: &mut SourceDb,
        path: &Path,
        text: &Result<String, String>,
    ) {
        let shown = path.display().to_string();
        let node = match text {
            Ok(text) => {
                let file = sources.add(shown.clone(), text.clone());
                let loaded = yaml::load(file, text);
                if let Ok(node) = &loaded {
                    super::node::secret_spans(node, None, &mut self.secrets);
                }
                match loaded {
                    Ok(node) if matches!(node.kind, Kind::Map(_) | Kind::Null) => Some(node),
                    Ok(node) => {
                        self.problems.push(
                            Diagnostic::error(
                                codes::IMPORT_VALUES_FILE,
                                format!("values file `{shown}` is not a mapping"),
                            )
                            .at(
                                node.span,
                                format!(
                                    "{} where Helm needs a mapping of values",
                                    node.kind_name()
                                ),
                            )
                            .help("a values file maps keys to values; Helm refuses anything else"),
                        );
                        None
                    }
                    Err(error) => {
                        self.problems.push(
                            Diagnostic::error(
                                codes::IMPORT_VALUES_FILE,
                                format!("values file `{shown}` is not valid YAML"),
                            )
                            .at(error.span, error.message)
                            .help("Helm cannot read it either: fix the file, then import"),
                        );
                        None
                    }
                }
            }
            Err(reason) => {
                self.unreadable.push((path.to_path_buf(), reason.clone()));
                None
            }
        };
        self.files.push((path.to_path_buf(), node));
    }

    fn get(&self, path: &Path) -> Option<&Node> {
        self.files
            .iter()
            .find(|(read, _)| read == path)
            .and_then(|(_, node)| node.as_ref())
    }
}

/// Sets each app's `values` to its values files merged; reports names that are not values
/// files (an extension Helm does not read).
/// `subst`: helmsman runs with `--subst-env-values`, substituting `$NAME` in values files.
pub(crate) fn attach(
    env: &mut EnvRead,
    input: &Input,
    loaded: &Loaded,
    subst: bool,
    problems: &mut Vec<Diagnostic>,
) {
    for app in env.apps.values_mut() {
        let mut merged: IndexMap<String, Value> = IndexMap::new();
        for (path, span) in &app.values_files {
            let lower = path.to_ascii_lowercase();
            if !(lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")) {
                problems.push(
                    Diagnostic::error(
                        codes::IMPORT_VALUES_FILE,
                        format!("`{path}` is not a values file"),
                    )
                    .at(
                        *span,
                        "helmsman accepts values files ending in .yaml, .yml or .json",
                    )
                    .help("rename the file, or name the right one"),
                );
                continue;
            }
            if path.contains("://") {
                problems.push(
                    Diagnostic::warning(codes::NOT_CARRIED_OVER, format!("remote values file `{path}` is not carried over"))
                        .at(*span, "the import reads local files only")
                        .help("download the file next to the desired-state file and name it there, then import again"),
                );
                continue;
            }
            let full = input.folder.join(path);
            if let Some((_, reason)) = loaded.unreadable.iter().find(|(read, _)| *read == full) {
                problems.push(
                    Diagnostic::error(codes::IMPORT_VALUES_FILE, format!("values file `{path}` cannot be read"))
                        .at(*span, format!("read as `{}`: {reason}", full.display()))
                        .help("helmsman resolves a values file against the folder of the desired-state file that names it"),
                );
                continue;
            }
            if let Some(Node {
                kind: Kind::Map(map),
                ..
            }) = loaded.get(&full)
            {
                for (key, entry) in map {
                    if let Some(value) = data(&entry.value, key, subst, problems) {
                        merge_into(&mut merged, key, value);
                    }
                }
            }
        }
        if !merged.is_empty() {
            app.fields.insert("values".into(), Value::Map(merged));
        }
    }
}

/// Helm's merge of a later `-f` file: mappings merge key by key, anything else replaces.
fn merge_into(map: &mut IndexMap<String, Value>, key: &str, value: Value) {
    match (map.get_mut(key), value) {
        (Some(Value::Map(existing)), Value::Map(more)) => {
            for (inner, value) in more {
                merge_into(existing, &inner, value);
            }
        }
        (_, value) => {
            map.insert(key.to_string(), value);
        }
    }
}

/// Values data as Helm reads it; with `subst`, text as helmsman's `--subst-env-values` gives
/// it: a whole `$NAME` is `deploy_var("NAME")`, text around variables `deploy_text`, `$$` a
/// `$`; a variable name the language cannot write is not carried over (W0035).
fn data(node: &Node, key: &str, subst: bool, problems: &mut Vec<Diagnostic>) -> Option<Value> {
    Some(match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(value) => Value::Bool(*value),
        Kind::Int(value) => Value::Int(*value),
        Kind::Float(value) => Value::Float(*value),
        Kind::Str(text) if subst => return substituted(node, text, key, problems),
        Kind::Str(text) => Value::text(text.clone()),
        Kind::Seq(items) => Value::List(
            items
                .iter()
                .filter_map(|item| data(item, key, subst, problems))
                .collect(),
        ),
        Kind::Map(map) => Value::Map(
            map.iter()
                .filter_map(|(inner, entry)| {
                    data(&entry.value, inner, subst, problems).map(|value| (inner.clone(), value))
                })
                .collect(),
        ),
    })
}

/// A values file's text under `--subst-env-values`.
fn substituted(
    node: &Node,
    text: &str,
    key: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let (parts, eaten) = substitute(text);
    if eaten {
        problems.push(
            Diagnostic::warning(codes::SUBSTITUTION_EATS, "helmsman drops a `$` here")
                .at(node.span, "with --subst-env-values, a `$` before a digit or one of `*#@!?-` expands to nothing")
                .help("the import keeps the text as helmsman deploys it; write `$$` for a literal `$`"),
        );
    }
    let unwritable = parts
        .iter()
        .any(|part| matches!(part, Part::Var(name) if !super::dsf::is_var_name(name)));
    if unwritable {
        problems.push(
            Diagnostic::warning(
                codes::NOT_CARRIED_OVER,
                format!("`{key}` is not carried over"),
            )
            .at(
                node.span,
                "a variable name ehp cannot write ([A-Za-z_][A-Za-z0-9_]*)",
            )
            .help("set it by hand in the imported project if it is still needed"),
        );
        return None;
    }
    Some(Value::Text(parts))
}
