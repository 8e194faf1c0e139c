//! A project kept in memory for an editor: each file is parsed when its text changes and only
//! then, and the whole project is re-analysed from the cached parses.

use crate::diag::{Diagnostic, Problems};
use crate::resolve::Decl;
use crate::source::{FileId, SourceDb};
use crate::{Analysis, stdlib, syntax};

/// The files of a project with their parses. File ids never change: a removed file keeps its
/// id with empty text, so that spans in cached parses stay valid.
#[derive(Debug)]
pub struct Workspace {
    db: SourceDb,
    /// The items of each file, apps shared with every analysis that uses them.
    parsed: Vec<Vec<Decl>>,
    parse_problems: Vec<Vec<Diagnostic>>,
    /// The apps of the last analysis, reused where their sources did not change (shared with an
    /// analysis running on another thread).
    cache: std::sync::Arc<std::sync::Mutex<crate::eval::EvalCache>>,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}

impl Workspace {
    /// A workspace holding only the stdlib.
    pub fn new() -> Workspace {
        let mut workspace = Workspace {
            db: SourceDb::new(),
            parsed: Vec::new(),
            parse_problems: Vec::new(),
            cache: std::sync::Arc::default(),
        };
        for (name, text) in stdlib::FILES {
            workspace.set_file(name, text.to_string());
        }
        workspace
    }

    /// Adds a file or replaces its text, and parses it if the text changed. Returns its id.
    pub fn set_file(&mut self, name: &str, text: String) -> FileId {
        let id = match self.db.find(name) {
            Some(id) => {
                if self.db.get(id).is_some_and(|file| file.text == text) {
                    return id;
                }
                self.db.set_text(id, text.clone());
                id
            }
            None => self.db.add(name, text.clone()),
        };
        let mut problems = Problems::new();
        // The project file is TOML, read by the analysis; it has no `.ehp` parse.
        let file: Vec<Decl> = if crate::manifest::is_manifest(name) {
            Vec::new()
        } else {
            let parsed = syntax::parse_file(id, &text, &mut problems);
            parsed.items.into_iter().map(Decl::from).collect()
        };
        let index = id.0 as usize;
        if index < self.parsed.len() {
            if let (Some(slot), Some(found)) = (
                self.parsed.get_mut(index),
                self.parse_problems.get_mut(index),
            ) {
                *slot = file;
                *found = problems.into_sorted();
            }
        } else {
            self.parsed.push(file);
            self.parse_problems.push(problems.into_sorted());
        }
        id
    }

    /// Forgets a file's content (its id stays reserved).
    pub fn remove_file(&mut self, name: &str) {
        if let Some(id) = self.db.find(name) {
            self.set_file(name, String::new());
            let _ = id;
        }
    }

    /// The sources.
    pub fn db(&self) -> &SourceDb {
        &self.db
    }

    /// Resolves, checks and evaluates the whole project from the cached parses.
    pub fn analyze(&self) -> Analysis {
        self.analysis_job()()
    }

    /// The analysis of the project as it is now, as work that may run on another thread while
    /// the workspace takes further changes.
    pub fn analysis_job(&self) -> impl FnOnce() -> Analysis + Send + 'static {
        let mut problems = Problems::new();
        for found in &self.parse_problems {
            for diagnostic in found {
                problems.push(diagnostic.clone());
            }
        }
        let db = self.db.clone();
        let parsed: Vec<Decl> = self.parsed.iter().flatten().cloned().collect();
        let cache = std::sync::Arc::clone(&self.cache);
        move || {
            let previous = cache
                .lock()
                .map(|mut cache| std::mem::take(&mut *cache))
                .unwrap_or_default();
            let (analysis, next) = crate::analyze_reusing(db, parsed, problems, Some(previous));
            if let Ok(mut slot) = cache.lock() {
                *slot = next;
            }
            analysis
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = "env test {\n    kube_context = \"t\"\n    domain = \"t.example\"\n    helm_repos { ehealth = \"https://c.example\" }\n}\n";

    #[test]
    fn unchanged_apps_are_reused_and_the_result_equals_a_fresh_analysis() {
        let app = |name: &str, tag: &str| {
            format!(
                "app {name}: web_service {{\n    image = \"a/{name}\"\n    tag = \"{tag}\"\n}}\n"
            )
        };
        let mut workspace = Workspace::new();
        workspace.set_file("env.ehp", ENV.to_string());
        workspace.set_file("one.ehp", app("one", "1.0.0"));
        workspace.set_file("two.ehp", app("two", "1.0.0"));
        let first = workspace.analyze();
        workspace.set_file("two.ehp", app("two", "2.0.0"));
        let second = workspace.analyze();
        let find = |analysis: &Analysis, name: &str| {
            analysis
                .envs
                .first()
                .and_then(|env| env.apps.iter().find(|app| app.name == name))
                .cloned()
        };
        let (Some(one_before), Some(one_after)) = (find(&first, "one"), find(&second, "one"))
        else {
            panic!("both analyses have app one");
        };
        assert!(
            std::sync::Arc::ptr_eq(&one_before, &one_after),
            "an app whose sources did not change is reused"
        );
        let two = find(&second, "two").and_then(|app| app.str_field("tag").map(str::to_string));
        assert_eq!(
            two.as_deref(),
            Some("2.0.0"),
            "the edited app is evaluated again"
        );
        let fresh = crate::analyze(&[
            ("env.ehp".to_string(), ENV.to_string()),
            ("one.ehp".to_string(), app("one", "1.0.0")),
            ("two.ehp".to_string(), app("two", "2.0.0")),
        ]);
        let options = crate::emit::EmitOptions {
            dsf_format: crate::emit::DsfFormat::Yaml,
            source_label: "t".into(),
            project_root: None,
        };
        let files = |analysis: &Analysis| -> Vec<(String, String)> {
            crate::emit::emit(&analysis.envs, &options)
                .files
                .into_iter()
                .map(|file| (file.path, file.contents))
                .collect()
        };
        assert_eq!(files(&second), files(&fresh));
        assert_eq!(second.diagnostics, fresh.diagnostics);
    }

    #[test]
    fn edits_are_reanalysed_and_match_a_fresh_analysis() {
        let mut workspace = Workspace::new();
        workspace.set_file("env.ehp", ENV.to_string());
        workspace.set_file(
            "app.ehp",
            "app a: web_service { image = \"a/a\"\n tag = \"1.0.0\"\n replicsa = 1 }\n".into(),
        );
        let first = workspace.analyze();
        assert_eq!(
            first
                .diagnostics
                .iter()
                .map(|d| d.code.id)
                .collect::<Vec<_>>(),
            ["E0301"]
        );
        workspace.set_file(
            "app.ehp",
            "app a: web_service { image = \"a/a\"\n tag = \"1.0.0\"\n replicas = 1 }\n".into(),
        );
        let second = workspace.analyze();
        assert!(second.diagnostics.is_empty(), "{:?}", second.diagnostics);
        let fresh = crate::analyze(&[
            ("env.ehp".to_string(), ENV.to_string()),
            (
                "app.ehp".to_string(),
                "app a: web_service { image = \"a/a\"\n tag = \"1.0.0\"\n replicas = 1 }\n"
                    .to_string(),
            ),
        ]);
        assert_eq!(second.envs.len(), fresh.envs.len());
        workspace.remove_file("app.ehp");
        assert!(
            workspace
                .analyze()
                .envs
                .iter()
                .all(|env| env.apps.is_empty())
        );
    }
}
