//! Building the promotion chain from the evaluated `promotion { ... }` settings, with a
//! diagnostic for every name it cannot use (E0605), branches that do not fit the chain and its
//! steps (E0608), and roles bound to nobody (E0609).

use indexmap::IndexMap;

use super::{Branch, Promotion, Step, StepKind};
use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{Val, ValKind, ValMap};
use crate::resolve::{Project, did_you_mean};
use crate::source::Span;

/// The strings of a list setting, each with its place.
fn strings(value: Option<&Val>) -> Vec<(String, Span)> {
    match value.map(|value| &value.kind) {
        Some(ValKind::List(items)) => items
            .iter()
            .filter_map(|item| Some((item.as_str()?.to_string(), item.origin)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The concrete environments of a project, which the chain may name.
struct Concrete<'a>(Vec<&'a str>);

impl Concrete<'_> {
    fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// E0605 for a name of the chain that is not a concrete environment.
    fn unknown(&self, name: &str, span: Span, problems: &mut Problems) {
        let help = match did_you_mean(name, self.0.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the concrete environments are: {}", self.0.join(", ")),
        };
        problems.push(
            Diagnostic::error(
                codes::BAD_CHAIN,
                format!("`{name}` is not a concrete environment"),
            )
            .at(span, "the promotion chain names it")
            .help(help),
        );
    }
}

/// Builds the chain from the evaluated `promotion` settings, reporting names it cannot use.
pub fn model(project: &Project, settings: &ValMap, problems: &mut Problems) -> Option<Promotion> {
    let decl = project.promotion.as_ref()?;
    let concrete = Concrete(
        project
            .envs
            .iter()
            .filter(|env| !env.is_abstract)
            .map(|env| env.name.name.as_str())
            .collect(),
    );
    let chain = chain(settings, &concrete, problems);
    let roles = roles(settings);
    let kinds = step_kinds(settings, &chain, &roles, problems);
    let steps = chain
        .windows(2)
        .filter_map(|pair| match pair {
            [from, to] => Some(Step {
                from: from.clone(),
                to: to.clone(),
                kind: kinds.get(to).cloned().unwrap_or(StepKind::Unspecified),
            }),
            _ => None,
        })
        .collect();
    let mut hotfix = Vec::new();
    // `hotfix` is the deprecated name of `hotfix_envs` (W0004); both are read.
    let listed = strings(settings.get("hotfix_envs"))
        .into_iter()
        .chain(strings(settings.get("hotfix")));
    for (name, span) in listed {
        if hotfix.contains(&name) {
            continue;
        }
        if chain.contains(&name) {
            hotfix.push(name);
        } else {
            concrete.unknown(&name, span, problems);
        }
    }
    let release = strings(settings.get("release"))
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    let branches = branches(settings, &chain, &concrete, problems);
    let promotion = Promotion {
        chain,
        branches,
        roles,
        steps,
        hotfix,
        release,
        span: decl.keyword,
    };
    check_branches(&promotion, settings, problems);
    Some(promotion)
}

/// The identities bound to each role, from `roles { ROLE = [...] }`.
fn roles(settings: &ValMap) -> IndexMap<String, Vec<String>> {
    settings
        .get("roles")
        .and_then(Val::as_map)
        .map(|map| {
            map.iter()
                .map(|(role, members)| {
                    let members = strings(Some(members)).into_iter().map(|(name, _)| name);
                    (role.to_string(), members.collect())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The branches of `branches { BRANCH = [ENV, ...] }`, each environment a concrete one of the
/// chain named once.
fn branches(
    settings: &ValMap,
    chain: &[String],
    concrete: &Concrete<'_>,
    problems: &mut Problems,
) -> Vec<Branch> {
    let Some(map) = settings.get("branches").and_then(Val::as_map) else {
        return Vec::new();
    };
    let mut found: Vec<Branch> = Vec::new();
    for (name, envs) in map {
        let mut branch = Branch {
            name: name.to_string(),
            envs: Vec::new(),
        };
        for (env, span) in strings(Some(envs)) {
            if !concrete.contains(&env) {
                concrete.unknown(&env, span, problems);
            } else if let Some(other) = found
                .iter()
                .chain(std::iter::once(&branch))
                .find(|other| other.envs.contains(&env))
            {
                problems.push(bad_branches(
                    span,
                    format!("`{env}` is deployed from two branches"),
                    format!("already on `{}`", other.name),
                    "an environment is deployed from one branch: remove it from the other",
                ));
            } else if !chain.contains(&env) {
                problems.push(bad_branches(
                    span,
                    format!("`{env}` is on a branch but not in the chain"),
                    "not in `chain`",
                    "name only the environments of the chain in `branches`",
                ));
            } else {
                branch.envs.push(env);
            }
        }
        branch
            .envs
            .sort_by_key(|env| chain.iter().position(|name| name == env));
        found.push(branch);
    }
    found.sort_by_key(|branch| {
        branch
            .envs
            .first()
            .and_then(|env| chain.iter().position(|name| name == env))
    });
    found
}

/// E0608 at `span`.
fn bad_branches(
    span: Span,
    message: String,
    label: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(codes::BAD_BRANCHES, message)
        .at(span, label)
        .help(help)
}

/// E0608 when the branches leave an environment of the chain out, when a release would leave
/// a branch and come back to it, or when a step between two branches is not the pull request
/// between them.
fn check_branches(promotion: &Promotion, settings: &ValMap, problems: &mut Problems) {
    if promotion.branches.is_empty() {
        return;
    }
    let span = settings
        .get("branches")
        .map_or(promotion.span, |value| value.origin);
    for env in &promotion.chain {
        if promotion.branch_of(env).is_none() {
            problems.push(bad_branches(
                span,
                format!("`{env}` is on no branch"),
                "every environment of the chain is deployed from a branch",
                format!("add `{env}` to the branch it is deployed from"),
            ));
        }
    }
    for branch in &promotion.branches {
        let positions: Vec<usize> = branch
            .envs
            .iter()
            .filter_map(|env| promotion.chain.iter().position(|name| name == env))
            .collect();
        if positions.windows(2).any(|pair| match pair {
            [left, right] => right - left != 1,
            _ => false,
        }) {
            problems.push(bad_branches(
                span,
                format!("the environments of `{}` are not consecutive in the chain", branch.name),
                format!("`{}` holds {}", branch.name, branch.envs.join(", ")),
                "a release leaves a branch once: give each branch a run of consecutive environments",
            ));
        }
    }
    for step in &promotion.steps {
        step_fits_branches(promotion, step, span, problems);
    }
}

/// E0608 when a step between two branches is not the pull request between them, or a pull
/// request step's branches are not those of its environments.
fn step_fits_branches(promotion: &Promotion, step: &Step, span: Span, problems: &mut Problems) {
    let (Some(from), Some(to)) = (
        promotion.branch_of(&step.from),
        promotion.branch_of(&step.to),
    ) else {
        return;
    };
    let fits = match &step.kind {
        StepKind::PullRequest {
            from: pull_from,
            to: pull_to,
        } => pull_from == from && pull_to == to && from != to,
        _ => from == to,
    };
    if fits {
        return;
    }
    let (message, help) = if from == to {
        (
            format!(
                "the step into `{}` is a pull request, but `{}` and `{}` are both on `{from}`",
                step.to, step.from, step.to
            ),
            "a pull request carries a release from one branch to another: make the step privileged, or move the environments to their branches".to_string(),
        )
    } else {
        (
            format!(
                "the step into `{}` goes from branch `{from}` to `{to}` but is not the pull request {from} -> {to}",
                step.to
            ),
            format!(
                "declare it as `{} {{ pull_request {{ from = \"{from}\" to = \"{to}\" }} }}`",
                step.to
            ),
        )
    };
    problems.push(bad_branches(
        span,
        message,
        format!("`{}` is on `{from}`, `{}` on `{to}`", step.from, step.to),
        help,
    ));
}

/// The environments of `chain`, each a concrete environment named once.
fn chain(settings: &ValMap, concrete: &Concrete<'_>, problems: &mut Problems) -> Vec<String> {
    let mut chain = Vec::new();
    for (name, span) in strings(settings.get("chain")) {
        if !concrete.contains(&name) {
            concrete.unknown(&name, span, problems);
        } else if chain.contains(&name) {
            problems.push(
                Diagnostic::error(codes::BAD_CHAIN, format!("`{name}` is in the chain twice"))
                    .at(span, "named again here")
                    .help("a release passes through each environment once: remove one"),
            );
        } else {
            chain.push(name);
        }
    }
    chain
}

/// How a release enters each environment of the chain, from `steps { ENV { ... } }`.
fn step_kinds(
    settings: &ValMap,
    chain: &[String],
    roles: &IndexMap<String, Vec<String>>,
    problems: &mut Problems,
) -> IndexMap<String, StepKind> {
    let mut kinds = IndexMap::new();
    let Some(steps) = settings.get("steps").and_then(Val::as_map) else {
        return kinds;
    };
    for (to, body) in steps {
        let position = chain.iter().position(|name| name == to);
        if position.is_none_or(|position| position == 0) {
            let label = if position == Some(0) {
                "the first environment of the chain has no step into it"
            } else {
                "this environment is not in the chain"
            };
            problems.push(
                Diagnostic::error(
                    codes::BAD_CHAIN,
                    format!("a step into `{to}`, which the chain cannot reach"),
                )
                .at(body.origin, label)
                .help("give steps only to the environments of `chain` after the first"),
            );
            continue;
        }
        kinds.insert(to.as_str().into(), step_kind(to, body, roles, problems));
    }
    kinds
}

/// E0609 when `role`, named by the privileged step into `to`, is bound to nobody.
fn check_role(
    to: &str,
    role: &str,
    span: Span,
    roles: &IndexMap<String, Vec<String>>,
    problems: &mut Problems,
) {
    match roles.get(role) {
        Some(members) if !members.is_empty() => {}
        Some(_) => problems.push(unbound(
            span,
            format!("role `{role}` is bound to nobody"),
            format!("the step into `{to}` needs it"),
            format!("list who holds it: `roles {{ {role} = [\"name@example.org\"] }}`"),
        )),
        None => {
            let help = match did_you_mean(role, roles.keys().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "bind it to the people who hold it: `roles {{ {role} = [\"name@example.org\"] }}`"
                ),
            };
            problems.push(unbound(
                span,
                format!("role `{role}` is not declared"),
                format!("the step into `{to}` needs it; `roles` does not bind it"),
                help,
            ));
        }
    }
}

/// E0609 at `span`.
fn unbound(
    span: Span,
    message: String,
    label: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(codes::UNBOUND_ROLE, message)
        .at(span, label)
        .help(help)
}

/// The kind of the step into `to`, from its block.
fn step_kind(
    to: &str,
    body: &Val,
    roles: &IndexMap<String, Vec<String>>,
    problems: &mut Problems,
) -> StepKind {
    let map = body.as_map();
    let privileged = map.and_then(|map| map.get("privileged"));
    let pull = map
        .and_then(|map| map.get("pull_request"))
        .and_then(Val::as_map);
    match (privileged, pull) {
        (Some(_), Some(_)) => {
            problems.push(
                Diagnostic::error(
                    codes::BAD_CHAIN,
                    format!("the step into `{to}` is both privileged and a pull request"),
                )
                .at(body.origin, "one step, two ways in")
                .help("keep `privileged` or `pull_request`"),
            );
            StepKind::Unspecified
        }
        (Some(named), None) => {
            let named = strings(Some(named));
            if named.is_empty() {
                problems.push(unbound(
                    body.origin,
                    format!("the privileged step into `{to}` names no role"),
                    "nobody may promote here",
                    "name the roles that may promote into it, e.g. `privileged = [\"release-manager\"]`",
                ));
            }
            for (role, span) in &named {
                check_role(to, role, *span, roles, problems);
            }
            StepKind::Privileged(named.into_iter().map(|(role, _)| role).collect())
        }
        (None, Some(pull)) => StepKind::PullRequest {
            from: pull.get("from").and_then(Val::to_text).unwrap_or_default(),
            to: pull.get("to").and_then(Val::to_text).unwrap_or_default(),
        },
        (None, None) => StepKind::Unspecified,
    }
}
