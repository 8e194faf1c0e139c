//! The editor's incremental re-analysis against a fresh one: a project is edited step by step
//! in a `Workspace` (as the language server does after each change), and after every step the
//! workspace's analysis, which reuses what did not change, must equal a fresh analysis of the
//! same sources: the diagnostics, the evaluated environments, the resolved project, the
//! schemas and the emitted files (what hover and `ehp why` answer from).
#![allow(clippy::expect_used)] // A failed expectation is a failing test.

use ehp::Analysis;
use ehp::eval::why::provenance;
use ehp::workspace::Workspace;

/// A project held both ways: as `(path, text)` pairs for a fresh analysis, and in a workspace.
struct Editor {
    files: Vec<(String, String)>,
    workspace: Workspace,
}

impl Editor {
    fn new(files: &[(&str, &str)]) -> Editor {
        let mut editor = Editor {
            files: Vec::new(),
            workspace: Workspace::new(),
        };
        for (name, text) in files {
            editor.set(name, text);
        }
        editor
    }

    /// Sets a file's text in both; a removed file keeps its place with no text, as the
    /// workspace keeps its id, so that both number the files alike.
    fn set(&mut self, name: &str, text: &str) {
        match self.files.iter_mut().find(|(known, _)| known == name) {
            Some((_, old)) => *old = text.to_string(),
            None => self.files.push((name.to_string(), text.to_string())),
        }
        self.workspace.set_file(name, text.to_string());
    }

    /// Replaces `from` by `to` in a file (which must contain it).
    fn edit(&mut self, name: &str, from: &str, to: &str) {
        let text = self
            .files
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, text)| text.clone())
            .expect("the edited file exists");
        assert!(text.contains(from), "{name} contains {from:?}");
        self.set(name, &text.replacen(from, to, 1));
    }

    fn remove(&mut self, name: &str) {
        if let Some((_, text)) = self.files.iter_mut().find(|(known, _)| known == name) {
            text.clear();
        }
        self.workspace.remove_file(name);
    }

    /// Analyses both ways and compares; returns the codes of the diagnostics.
    fn check(&self, step: &str) -> Vec<&'static str> {
        let incremental = self.workspace.analyze();
        let fresh = ehp::analyze(&self.files);
        assert_eq!(
            incremental.diagnostics, fresh.diagnostics,
            "diagnostics after {step}"
        );
        assert_eq!(
            format!("{:?}", incremental.envs),
            format!("{:?}", fresh.envs),
            "environments after {step}"
        );
        assert_eq!(
            format!("{:?}", incremental.project),
            format!("{:?}", fresh.project),
            "project after {step}"
        );
        assert_eq!(
            format!("{:?}", incremental.schemas),
            format!("{:?}", fresh.schemas),
            "schemas after {step}"
        );
        assert_eq!(emitted(&incremental), emitted(&fresh), "files after {step}");
        assert_eq!(why(&incremental), why(&fresh), "`ehp why` after {step}");
        fresh
            .diagnostics
            .iter()
            .map(|found| found.code.id)
            .collect()
    }
}

/// What `ehp why` (and hover) answers for the tag and replicas of every app in every
/// environment.
fn why(analysis: &Analysis) -> Vec<String> {
    let mut answers = Vec::new();
    for env in &analysis.envs {
        for app in &env.apps {
            for field in ["tag", "replicas"] {
                let answer = provenance(
                    &analysis.project,
                    &analysis.schemas,
                    &env.name,
                    &app.name,
                    &[field],
                );
                answers.push(match answer {
                    Ok(found) => found.render(&analysis.db, &env.name, &app.name, field),
                    Err(message) => message,
                });
            }
        }
    }
    answers
}

/// The files a build would write, when the analysis has no error.
fn emitted(analysis: &Analysis) -> Vec<(String, String)> {
    if analysis.has_errors() {
        return Vec::new();
    }
    let options = ehp::emit::EmitOptions {
        dsf_format: ehp::emit::DsfFormat::Yaml,
        source_label: "t".into(),
        project_root: None,
    };
    ehp::emit::emit(&analysis.envs, &options)
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
}

const ENVS: &str = r#"promotion {
    chain = ["inttest", "prod"]
}

abstract env base {
    kube_context = "aks-${env.name}"
    domain = "${env.name}.ehealth.example"
    helm_repos { ehealth = "https://charts.ehealth.example" }
}

env inttest extends base {}

env prod extends base {
    defaults.replicas = 2
}

env local extends inttest {
    developer = true
    kube_context = "docker-desktop"
    mutable_tags = true
}
"#;

const TEMPLATES: &str = r#"template api extends web_service {
    replicas = 1
    ports.http = 8080
}
"#;

const JOURNAL: &str = r#"app journal: api {
    image = "journal/api"
    tag = "2.4.0"
    hosts = ["journal.${env.domain}"]
    in prod {
        tag = "2.4.0"
        chart_version = "2.4.0"
    }
}

app booking: web_service {
    image = "booking/api"
    tag = "1.0.0"
    in prod {
        tag = "1.0.0"
        chart_version = "1.0.0"
    }
}
"#;

const BILLING: &str = r#"app billing: api {
    image = "billing/api"
    tag = "3.1.0"
    hosts = ["billing.${env.domain}"]
    in prod {
        tag = "3.1.0"
        chart_version = "3.1.0"
    }
}
"#;

fn project() -> Editor {
    Editor::new(&[
        ("envs.ehp", ENVS),
        ("templates.ehp", TEMPLATES),
        ("journal.ehp", JOURNAL),
        ("billing.ehp", BILLING),
    ])
}

#[test]
fn edits_to_apps_match_a_fresh_analysis() {
    let mut editor = project();
    let clean = editor.check("the first analysis");
    editor.edit("billing.ehp", "tag = \"3.1.0\"", "tag = \"3.1.01\"");
    assert_eq!(editor.check("a one-character edit"), clean);
    editor.edit("journal.ehp", "tag = \"1.0.0\"", "tga = \"1.0.0\"");
    assert!(editor.check("a misspelt field").contains(&"E0301"));
    editor.edit("journal.ehp", "tga = \"1.0.0\"", "tag = \"1.0.0\"");
    assert_eq!(editor.check("the field fixed"), clean);
    editor.edit(
        "billing.ehp",
        "billing.${env.domain}",
        "journal.${env.domain}",
    );
    assert!(editor.check("a host clash").contains(&"E0402"));
    editor.edit(
        "billing.ehp",
        "journal.${env.domain}",
        "billing.${env.domain}",
    );
    assert_eq!(editor.check("the clash fixed"), clean);
    editor.edit("billing.ehp", "tag = \"3.1.01\"", "tag = \"latest\"");
    let mutable = editor.check("a mutable tag");
    assert!(!mutable.is_empty());
    editor.edit("billing.ehp", "tag = \"latest\"", "tag = \"3.1.0\"");
    assert_eq!(editor.check("the tag fixed"), clean);
    editor.edit("billing.ehp", "in prod {", "in prdo {");
    assert!(editor.check("an unknown environment").contains(&"E0202"));
    editor.edit("billing.ehp", "in prdo {", "in prod {");
    assert_eq!(editor.check("the environment fixed"), clean);
    editor.edit("billing.ehp", "app billing: api {", "app invoicing: api {");
    editor.check("an app renamed");
    editor.edit("billing.ehp", "app invoicing: api {", "app booking: api {");
    assert!(editor.check("a duplicate app").contains(&"E0201"));
    editor.edit("billing.ehp", "app booking: api {", "app billing: api {");
    assert_eq!(editor.check("the duplicate renamed back"), clean);
    editor.edit("billing.ehp", "image = ", "image = = ");
    assert!(
        editor
            .check("a syntax error")
            .iter()
            .any(|code| code.starts_with("E01"))
    );
    editor.edit("billing.ehp", "image = = ", "image = ");
    assert_eq!(editor.check("the syntax error fixed"), clean);
}

#[test]
fn edits_to_templates_and_environments_match_a_fresh_analysis() {
    let mut editor = project();
    let clean = editor.check("the first analysis");
    editor.edit("templates.ehp", "replicas = 1", "replicas = 3");
    assert_eq!(editor.check("a template's default"), clean);
    editor.edit(
        "templates.ehp",
        "ports.http = 8080",
        "ports.http = \"eighty\"",
    );
    assert!(!editor.check("a template's wrong type").is_empty());
    editor.edit(
        "templates.ehp",
        "ports.http = \"eighty\"",
        "ports.http = 8081",
    );
    assert_eq!(editor.check("the template fixed"), clean);
    editor.edit(
        "templates.ehp",
        "template api extends",
        "template apy extends",
    );
    assert!(!editor.check("a template renamed away").is_empty());
    editor.edit(
        "templates.ehp",
        "template apy extends",
        "template api extends",
    );
    assert_eq!(editor.check("the template renamed back"), clean);
    editor.edit("envs.ehp", "defaults.replicas = 2", "defaults.replicas = 4");
    assert_eq!(editor.check("an environment's default"), clean);
    editor.edit(
        "envs.ehp",
        "${env.name}.ehealth.example",
        "${env.name}.ehealth.test",
    );
    assert_eq!(editor.check("the base environment's domain"), clean);
    editor.edit("envs.ehp", "mutable_tags = true", "mutable_tags = false");
    assert_eq!(editor.check("local's mutable tags"), clean);
    editor.edit(
        "envs.ehp",
        "env prod extends base {",
        "env prod extends bsae {",
    );
    assert!(!editor.check("an unknown parent").is_empty());
    editor.edit(
        "envs.ehp",
        "env prod extends bsae {",
        "env prod extends base {",
    );
    assert_eq!(editor.check("the parent fixed"), clean);
    editor.edit(
        "envs.ehp",
        "chain = [\"inttest\", \"prod\"]",
        "chain = [\"prod\", \"inttest\"]",
    );
    assert!(!editor.check("the promotion chain reversed").is_empty());
    editor.edit(
        "envs.ehp",
        "chain = [\"prod\", \"inttest\"]",
        "chain = [\"inttest\", \"prod\"]",
    );
    assert_eq!(editor.check("the promotion chain restored"), clean);
    editor.edit("envs.ehp", "env prod extends", "env prd extends");
    assert!(editor.check("an environment renamed").contains(&"E0202"));
    editor.edit("envs.ehp", "env prd extends", "env prod extends");
    assert_eq!(editor.check("the environment renamed back"), clean);
    editor.edit("envs.ehp", "helm_repos { ehealth", "helm_repos { ehealt");
    assert!(
        editor
            .check("a chart repository renamed")
            .contains(&"E0404")
    );
    editor.edit("envs.ehp", "helm_repos { ehealt", "helm_repos { ehealth");
    assert_eq!(editor.check("the repository fixed"), clean);
}

#[test]
fn files_added_removed_and_private_overrides_match_a_fresh_analysis() {
    let mut editor = project();
    let clean = editor.check("the first analysis");
    editor.set(
        "private.ehp",
        "in local {\n    journal {\n        tag = \"latest\"\n    }\n}\n",
    );
    assert_eq!(editor.check("a private override"), clean);
    editor.edit("private.ehp", "journal {", "journl {");
    assert!(
        editor
            .check("a private override of no app")
            .contains(&"E0615")
    );
    editor.edit("private.ehp", "journl {", "journal {");
    editor.edit("private.ehp", "in local {", "in prod {");
    assert!(
        editor
            .check("a private override of prod")
            .contains(&"E0615")
    );
    editor.remove("private.ehp");
    assert_eq!(editor.check("the private file removed"), clean);
    editor.set("more.ehp", &BILLING.replace("billing", "audit"));
    let added = editor.check("a file added");
    editor.remove("billing.ehp");
    editor.check("a file removed");
    editor.set("billing.ehp", BILLING);
    assert_eq!(editor.check("the file back"), added);
    editor.edit("more.ehp", "audit.${env.domain}", "billing.${env.domain}");
    assert!(editor.check("a clash with a new file").contains(&"E0402"));
}
