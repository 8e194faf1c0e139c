//! Building the promotion chain from the evaluated `promotion { ... }` settings, with a
//! diagnostic (E0605) for every name it cannot use.

use indexmap::IndexMap;

use super::{Promotion, Step, StepKind};
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
    let kinds = step_kinds(settings, &chain, problems);
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
    Some(Promotion {
        chain,
        steps,
        hotfix,
        release,
        span: decl.keyword,
    })
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
        kinds.insert(to.clone(), step_kind(to, body, problems));
    }
    kinds
}

/// The kind of the step into `to`, from its block.
fn step_kind(to: &str, body: &Val, problems: &mut Problems) -> StepKind {
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
        (Some(roles), None) => StepKind::Privileged(
            strings(Some(roles))
                .into_iter()
                .map(|(role, _)| role)
                .collect(),
        ),
        (None, Some(pull)) => StepKind::PullRequest {
            from: pull.get("from").and_then(Val::to_text).unwrap_or_default(),
            to: pull.get("to").and_then(Val::to_text).unwrap_or_default(),
        },
        (None, None) => StepKind::Unspecified,
    }
}
