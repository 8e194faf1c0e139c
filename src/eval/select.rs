//! Choosing environments by name, as `--env`, `--from` and `--to` do in every command: each
//! name must be a concrete environment of the project (E0407).

use super::model::EnvInstance;
use crate::diag::{Diagnostic, codes};
use crate::resolve::{Project, did_you_mean};

/// The environments of `envs` named in `wanted`, in the order of `envs`; all of them when
/// `wanted` is empty. E0407 for the first name that is not a concrete environment: abstract
/// (pointing at its declaration) or unknown (with the closest name).
pub fn select(
    project: &Project,
    mut envs: Vec<EnvInstance>,
    wanted: &[String],
) -> Result<Vec<EnvInstance>, Box<Diagnostic>> {
    if wanted.is_empty() {
        return Ok(envs);
    }
    check_names(project, &envs, wanted)?;
    envs.retain(|env| wanted.contains(&env.name));
    Ok(envs)
}

/// E0407 for the first name of `wanted` that is not one of the concrete environments `envs`.
pub fn check_names(
    project: &Project,
    envs: &[EnvInstance],
    wanted: &[String],
) -> Result<(), Box<Diagnostic>> {
    let names: Vec<&str> = envs.iter().map(|env| env.name.as_str()).collect();
    match wanted.iter().find(|name| !names.contains(&name.as_str())) {
        Some(missing) => Err(Box::new(no_environment(project, &names, missing))),
        None => Ok(()),
    }
}

/// E0407 for `wanted`, which is not one of the concrete environments `names`.
fn no_environment(project: &Project, names: &[&str], wanted: &str) -> Diagnostic {
    let valid = if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    };
    let declared = project
        .env_index
        .get(wanted)
        .and_then(|&index| project.envs.get(index));
    let diagnostic = match declared {
        Some(env) => Diagnostic::error(codes::NO_ENVIRONMENT, format!("`{wanted}` is abstract"))
            .at(env.name.span, "abstract environments are never emitted"),
        None => Diagnostic::error(
            codes::NO_ENVIRONMENT,
            format!("no concrete environment named `{wanted}`"),
        ),
    };
    let close = did_you_mean(wanted, names.iter().copied());
    diagnostic.help(match close {
        Some(close) => format!("did you mean `{close}`? the environments are: {valid}"),
        None => format!("the environments are: {valid}"),
    })
}
