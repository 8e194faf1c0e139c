//! `ehp init`: the files of a new project (a platform skeleton), and a supplier's new app in an
//! existing project. What it writes is formatted and checks clean: every file goes through the
//! formatter and the whole project through [`analyze`](crate::analyze) before it is returned.

use crate::eval::print;
use crate::manifest::FILE_NAME;
use crate::types::Ty;

/// The files of a new platform called `name`, as `(path inside the project, text)`: the project
/// file, the environments (`base`, `inttest`, `exttest`, `preprod`, `prod`, `local`) and the
/// promotion chain. An error names what is wrong with `name`.
pub fn new_project(name: &str) -> Result<Vec<(String, String)>, String> {
    let domain = dns_label(name)
        .ok_or_else(|| format!("`{name}` cannot name a project: use letters, digits and `-`"))?;
    let files = vec![
        (
            FILE_NAME.to_string(),
            format!(
                "# The project file of an ehp project: its folder is the project's root.\nname = {}\n",
                toml_string(name)
            ),
        ),
        (
            "environments.ehp".to_string(),
            formatted(&ENVIRONMENTS.replace("PLATFORM", &domain))?,
        ),
        ("promotion.ehp".to_string(), formatted(PROMOTION)?),
    ];
    let analysis = crate::analyze(&files);
    if let Some(problem) = analysis.diagnostics.first() {
        return Err(internal(&problem.message));
    }
    Ok(files)
}

/// A new app `app` of template `template` for the project `files` (as the front ends read
/// them), as `(path of the new file, text)`: `PREFIX/apps/APP.ehp`, where `prefix` is the
/// project root's prefix in the file names. The app sets every required field with an example
/// value, and in a project with a promotion chain pins its first release in every environment
/// of the chain after the first (E0607), so that the project checks as cleanly as before.
pub fn new_app(
    files: &[(String, String)],
    prefix: &str,
    app: &str,
    template: &str,
) -> Result<(String, String), String> {
    if !is_name(app) {
        return Err(format!(
            "`{app}` cannot name an app: start with a letter, then letters, digits, `_` or `-`"
        ));
    }
    let before = crate::analyze(files);
    let project = &before.project;
    if project.app_index.contains_key(app) {
        return Err(format!("the project already has an app called `{app}`"));
    }
    let schema = project
        .template_index
        .get(template)
        .filter(|_| ![crate::resolve::ENV_TEMPLATE, crate::resolve::PROMOTION_TEMPLATE].contains(&template))
        .and_then(|&index| before.schemas.templates.get(index))
        .and_then(Option::as_ref)
        .ok_or_else(|| {
            format!("the project has no template `{template}`: use web_service, worker, scheduled_job or a template of the project")
        })?;
    let path = format!("{prefix}apps/{app}.ehp");
    if files.iter().any(|(name, _)| *name == path) {
        return Err(format!("`{path}` exists already"));
    }
    let mut body = String::new();
    for (field, declared) in &schema.fields {
        if declared.default.is_some() || declared.optional {
            continue;
        }
        let value = match (field.as_str(), &declared.ty) {
            ("image", _) => format!("\"{}\"", app.to_ascii_lowercase()),
            ("tag", _) => "\"0.1.0\"".to_string(),
            (_, Ty::Record(_)) => continue,
            (_, ty) => ty.example(),
        };
        body.push_str(&format!("    {field} = {value}\n"));
    }
    let first =
        format!("/// {app}: what it does, in one line.\napp {app}: {template} {{\n{body}}}\n");
    let pins = release_pins(files, &path, &first, app)?;
    let text = formatted(&format!(
        "/// {app}: what it does, in one line.\napp {app}: {template} {{\n{body}{pins}}}\n"
    ))?;
    let mut after_files = files.to_vec();
    after_files.push((path.clone(), text.clone()));
    let after = crate::analyze(&after_files);
    let new_file = after.db.find(&path);
    let introduced: Vec<&str> = after
        .diagnostics
        .iter()
        .filter(|found| found.primary.as_ref().map(|label| label.span.file) == new_file)
        .map(|found| found.message.as_str())
        .collect();
    if let Some(problem) = introduced.first() {
        return Err(format!("the new app would not check clean: {problem}"));
    }
    Ok((path, text))
}

/// The `in ENV { }` overrides that pin the app's release (as the chain's first environment
/// runs it) in every later environment of the promotion chain; empty without a chain.
fn release_pins(
    files: &[(String, String)],
    path: &str,
    first: &str,
    app: &str,
) -> Result<String, String> {
    let mut with_app = files.to_vec();
    with_app.push((path.to_string(), first.to_string()));
    let analysis = crate::analyze(&with_app);
    let Some(promotion) = &analysis.promotion else {
        return Ok(String::new());
    };
    let Some((start, later)) = promotion.chain.split_first() else {
        return Ok(String::new());
    };
    let instance = crate::eval::model::app_in(&analysis.envs, start, app)
        .ok_or_else(|| format!("the new app does not evaluate in `{start}`: run `ehp check`"))?;
    let mut release = String::new();
    for field in &promotion.release {
        if let Some(value) = instance.fields.get(field.as_str()) {
            release.push_str(&format!("        {field} = {}\n", print::source(value)));
        }
    }
    Ok(later
        .iter()
        .map(|env| format!("\n    in {env} {{\n{release}    }}\n"))
        .collect())
}

/// Formats generated source; a failure is a bug in the generator.
fn formatted(text: &str) -> Result<String, String> {
    crate::fmt::format_source(text).map_err(|problems| {
        internal(
            &problems
                .first()
                .map_or_else(String::new, |problem| problem.message.clone()),
        )
    })
}

fn internal(problem: &str) -> String {
    format!(
        "the generated project does not check clean ({problem}): {}",
        crate::diag::INTERNAL_ERROR
    )
}

/// Whether `text` is an `.ehp` name.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `name` as one DNS label (lower case, other characters as `-`), if anything is left.
fn dns_label(name: &str) -> Option<String> {
    let label: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let label = label.trim_matches('-').to_string();
    (!label.is_empty() && label.len() <= 63).then_some(label)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The environments of a new platform (`PLATFORM` is replaced by its DNS label).
const ENVIRONMENTS: &str = r#"// The environments of the platform. Each extends `base` and shares its
// settings; an app reads the settings of the environment it is compiled for
// as `env.SETTING`. See docs/language.md, "Environments".

/// Settings every environment shares. Abstract: only extended, never emitted.
abstract env base {
    kube_context = "aks-PLATFORM-${env.name}"
    domain = "${env.name}.PLATFORM.example"
    // Every chart `repo/name` an app uses needs its `repo` declared here.
    helm_repos {
        ehealth = "https://charts.ehealth.example"
    }
}

/// Integration test: where a new release is deployed first.
env inttest extends base {}

/// External test: releases arrive here after QA on inttest.
env exttest extends base {}

/// Pre-production: a copy of production.
env preprod extends base {
    defaults.replicas = 2
}

/// Production.
env prod extends preprod {
    domain = "PLATFORM.example"
    protected = true
}

/// A developer's machine: a small clone of inttest. Mutable tags such as
/// `latest` are allowed here only.
env local extends inttest {
    kube_context = "docker-desktop"
    domain = "PLATFORM.localhost"
    mutable_tags = true
}
"#;

/// The promotion chain of a new platform.
const PROMOTION: &str = r#"// How releases travel between the environments: `ehp promote` copies a
// release one step along the chain and records who and why. See
// docs/promotion.md.

promotion {
    chain = ["inttest", "exttest", "preprod", "prod"]
    hotfix_envs = ["prod"]
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_project_and_a_new_app_check_clean() {
        let files = new_project("My Platform").expect("project");
        assert!(
            files
                .iter()
                .any(|(name, text)| name == FILE_NAME && text.contains("name = \"My Platform\""))
        );
        for template in ["web_service", "worker", "scheduled_job"] {
            let (path, text) = new_app(&files, "", "booking", template).expect("app");
            assert_eq!(path, "apps/booking.ehp");
            let mut all = files.clone();
            all.push((path, text.clone()));
            let analysis = crate::analyze(&all);
            assert!(
                analysis.diagnostics.is_empty(),
                "{template}: {:?}\n{text}",
                analysis.diagnostics
            );
            assert_eq!(
                crate::fmt::format_source(&text).as_deref(),
                Ok(text.as_str())
            );
        }
        assert!(new_app(&files, "", "9lives", "worker").is_err());
        assert!(new_app(&files, "", "a", "environment").is_err());
        assert!(new_project("---").is_err());
    }
}
