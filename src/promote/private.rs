//! The private overrides a developer keeps in `private.ehp` (`in local { journal { ... } }`,
//! git-ignored): only that file may hold overrides outside the apps, and they may only reach a
//! developer's own environment (`developer = true`), which is outside the promotion chain and
//! which no other environment extends (E0615). The overrides themselves are added to their apps
//! by `resolve`.

use super::Promotion;
use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{EnvInstance, Val, env_named};
use crate::resolve::Project;
use crate::source::SourceDb;
use crate::syntax::ast::PrivateOverride;

/// The name of the private file.
pub const PRIVATE_FILE: &str = "private.ehp";

/// Whether a file, as the database names it, is the private file.
pub fn is_private_file(name: &str) -> bool {
    name.rsplit(['/', '\\']).next() == Some(PRIVATE_FILE)
}

/// E0615 for every private override outside the private file, or whose environment is not a
/// developer's own.
pub fn check(
    db: &SourceDb,
    project: &Project,
    envs: &[EnvInstance],
    promotion: Option<&Promotion>,
    problems: &mut Problems,
) {
    for decl in &project.private {
        if !is_private_file(db.name(decl.span.file)) {
            problems.push(
                Diagnostic::error(
                    codes::PRIVATE_OVERRIDE,
                    "an override outside an app, in a shared file",
                )
                .at(decl.env.span, format!("only `{PRIVATE_FILE}` may override apps from outside them"))
                .help(format!(
                    "move it to `{PRIVATE_FILE}` at the project's root (and list that file in .gitignore), or write it inside each app as `in {} {{ ... }}`",
                    decl.env.name
                )),
            );
            continue;
        }
        if let Some(problem) = beyond_developer(project, envs, promotion, decl) {
            problems.push(problem);
        }
    }
}

/// E0615 when the environment of `decl` is not a developer's own.
fn beyond_developer(
    project: &Project,
    envs: &[EnvInstance],
    promotion: Option<&Promotion>,
    decl: &PrivateOverride,
) -> Option<Diagnostic> {
    let name = decl.env.name.as_str();
    let &index = project.env_index.get(name)?;
    let problem = |message: String, label: String| {
        Diagnostic::error(codes::PRIVATE_OVERRIDE, message)
            .at(decl.env.span, label)
            .help("a private file overrides only a developer's own environment: one declared with `developer = true`, outside the promotion chain, that no environment extends")
    };
    if promotion.is_some_and(|promotion| promotion.chain.iter().any(|env| env == name)) {
        return Some(problem(
            format!("`{name}` is in the promotion chain"),
            "a private override may not reach a shared environment".to_string(),
        ));
    }
    let heirs: Vec<&str> = project
        .envs
        .iter()
        .zip(&project.env_chains)
        .filter(|(env, chain)| env.name.name != name && chain.contains(&index))
        .map(|(env, _)| env.name.name.as_str())
        .collect();
    if !heirs.is_empty() {
        return Some(problem(
            format!("`{name}` is extended by {}", heirs.join(", ")),
            "those environments would read this private override".to_string(),
        ));
    }
    let developer = env_named(envs, name)
        .and_then(|env| env.settings.get("developer"))
        .and_then(Val::as_bool);
    (developer == Some(false)).then(|| {
        problem(
            format!("`{name}` is not a developer environment"),
            format!("`{name}` does not set `developer = true`"),
        )
    })
}
