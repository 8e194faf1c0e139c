//! The promotion phase: the project's promotion chain (`promotion { ... }`), the release of each
//! app in each environment, and the checks that releases travel the chain: each environment
//! runs what the one before it runs, or a release recorded as promoted from it, or a marked
//! hot-fix; and a hot-fix flows back.

pub mod edit;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{AppInstance, EnvInstance, Val, ValKind, ValMap};
use crate::resolve::{Project, did_you_mean};
use crate::source::Span;

/// How a release enters an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// A privileged promotion by one of these roles (for example a Jenkins job).
    Privileged(Vec<String>),
    /// A pull request from one branch to another.
    PullRequest {
        /// The source branch.
        from: String,
        /// The target branch.
        to: String,
    },
    /// The chain says nothing about how.
    Unspecified,
}

/// One step of the chain: `from -> to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The environment the release comes from.
    pub from: String,
    /// The environment it goes to.
    pub to: String,
    /// How.
    pub kind: StepKind,
}

/// The project's promotion chain.
#[derive(Debug, Clone)]
pub struct Promotion {
    /// The environments, first to last.
    pub chain: Vec<String>,
    /// The steps between consecutive environments, in chain order.
    pub steps: Vec<Step>,
    /// The environments that accept hot-fixes.
    pub hotfix: Vec<String>,
    /// The app fields that make up a release.
    pub release: Vec<String>,
    /// Where the chain is declared.
    pub span: Span,
}

/// An app's release in one environment: the value of each release field, as text.
pub type Release = IndexMap<String, String>;

impl Promotion {
    /// The environment before `env` in the chain.
    pub fn previous(&self, env: &str) -> Option<&str> {
        let position = self.chain.iter().position(|name| name == env)?;
        position
            .checked_sub(1)
            .and_then(|before| self.chain.get(before))
            .map(String::as_str)
    }

    /// The environment after `env` in the chain.
    pub fn next(&self, env: &str) -> Option<&str> {
        let position = self.chain.iter().position(|name| name == env)?;
        self.chain.get(position + 1).map(String::as_str)
    }

    /// The step into `env`.
    pub fn step_into(&self, env: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.to == env)
    }

    /// The release of an app: its release fields, as text.
    pub fn release_of(&self, app: &AppInstance) -> Release {
        self.release
            .iter()
            .filter_map(|field| Some((field.clone(), app.fields.get(field)?.to_text()?)))
            .collect()
    }
}

fn strings(value: Option<&Val>) -> Vec<(String, Span)> {
    match value.map(|value| &value.kind) {
        Some(ValKind::List(items)) => items
            .iter()
            .filter_map(|item| Some((item.as_str()?.to_string(), item.origin)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Builds the chain from the evaluated `promotion` settings, reporting names it cannot use.
pub fn model(project: &Project, settings: &ValMap, problems: &mut Problems) -> Option<Promotion> {
    let decl = project.promotion.as_ref()?;
    let concrete: Vec<&str> = project
        .envs
        .iter()
        .filter(|env| !env.is_abstract)
        .map(|env| env.name.name.as_str())
        .collect();
    let unknown = |name: &str, span: Span, problems: &mut Problems| {
        let help = match did_you_mean(name, concrete.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the concrete environments are: {}", concrete.join(", ")),
        };
        problems.push(
            Diagnostic::error(
                codes::BAD_CHAIN,
                format!("`{name}` is not a concrete environment"),
            )
            .at(span, "the promotion chain names it")
            .help(help),
        );
    };
    let mut chain = Vec::new();
    for (name, span) in strings(settings.get("chain")) {
        if !concrete.contains(&name.as_str()) {
            unknown(&name, span, problems);
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
    let mut kinds: IndexMap<String, StepKind> = IndexMap::new();
    if let Some(steps) = settings.get("steps").and_then(Val::as_map) {
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
            let map = body.as_map();
            let privileged = map.and_then(|map| map.get("privileged"));
            let pull = map
                .and_then(|map| map.get("pull_request"))
                .and_then(Val::as_map);
            let kind = match (privileged, pull) {
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
            };
            kinds.insert(to.clone(), kind);
        }
    }
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
    for (name, span) in strings(settings.get("hotfix")) {
        if chain.contains(&name) {
            hotfix.push(name);
        } else {
            unknown(&name, span, problems);
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

/// The record a field such as `promoted` or `hotfix` holds, if set.
fn record<'a>(app: &'a AppInstance, field: &str) -> Option<&'a ValMap> {
    app.fields.get(field).and_then(Val::as_map)
}

fn recorded_release(map: &ValMap) -> Release {
    map.get("release")
        .and_then(Val::as_map)
        .map(|release| {
            release
                .iter()
                .filter_map(|(field, value)| Some((field.clone(), value.to_text()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Where an app's release is written in an environment (its first release field's origin).
fn release_span(promotion: &Promotion, app: &AppInstance) -> Span {
    promotion
        .release
        .iter()
        .find_map(|field| app.fields.get(field).map(|value| value.origin))
        .unwrap_or(app.span)
}

fn show(release: &Release) -> String {
    let parts: Vec<String> = release
        .iter()
        .map(|(field, value)| format!("{field} {value}"))
        .collect();
    parts.join(", ")
}

/// Whether `newer` is a later version than `older`, comparing dot-separated numbers; `None`
/// when either is not a version.
fn later(newer: &str, older: &str) -> Option<bool> {
    let parse = |text: &str| -> Option<Vec<u64>> {
        let core = text.trim_start_matches('v').split(['-', '+']).next()?;
        core.split('.').map(|part| part.parse().ok()).collect()
    };
    Some(parse(newer)? > parse(older)?)
}

/// Checks that every release came through the chain (E0603, E0602) and that hot-fixes flow
/// back (W0005).
pub fn check(promotion: &Promotion, envs: &[EnvInstance], problems: &mut Problems) {
    let env = |name: &str| envs.iter().find(|env| env.name == name);
    for step in &promotion.steps {
        let (Some(from), Some(to)) = (env(&step.from), env(&step.to)) else {
            continue;
        };
        for app in &to.apps {
            let Some(source) = from
                .apps
                .iter()
                .find(|candidate| candidate.name == app.name)
            else {
                continue;
            };
            let here = promotion.release_of(app);
            let there = promotion.release_of(source);
            if here == there {
                continue;
            }
            if let Some(hotfix) = record(app, "hotfix") {
                if !promotion.hotfix.contains(&step.to) {
                    let span = hotfix
                        .get("reason")
                        .map_or(app.span, |reason| reason.origin);
                    problems.push(
                        Diagnostic::error(codes::NO_HOTFIX, format!("`{}` does not accept hot-fixes", step.to))
                            .at(span, format!("`{}` is marked as a hot-fix in `{}`", app.name, step.to))
                            .help(format!("promote the release from `{}` instead, or add `{}` to the chain's `hotfix`", step.from, step.to)),
                    );
                }
                continue;
            }
            let promoted = record(app, "promoted").is_some_and(|promoted| {
                promoted.get("from").and_then(Val::as_str) == Some(step.from.as_str())
                    && recorded_release(promoted) == here
            });
            if promoted {
                continue;
            }
            problems.push(
                Diagnostic::error(codes::UNPROMOTED_RELEASE, format!("`{}` in `{}` runs a release `{}` never had", app.name, step.to, step.from))
                    .at(release_span(promotion, app), format!("{} in `{}`; `{}` runs {}", show(&here), step.to, step.from, show(&there)))
                    .help(format!(
                        "promote it: `ehp promote {} --from {} --to {}`; or, for an urgent fix, `ehp hotfix {} --env {} ...`",
                        app.name, step.from, step.to, app.name, step.to
                    )),
            );
        }
    }
    // Hot-fixes flow back: every environment before a hot-fixed one catches up.
    for (index, name) in promotion.chain.iter().enumerate() {
        let Some(hot) = env(name) else { continue };
        for app in &hot.apps {
            let Some(hotfix) = record(app, "hotfix") else {
                continue;
            };
            let fixed = promotion.release_of(app);
            let _ = hotfix;
            for earlier in promotion.chain.iter().take(index) {
                let Some(before) = env(earlier)
                    .and_then(|env| env.apps.iter().find(|candidate| candidate.name == app.name))
                else {
                    continue;
                };
                let release = promotion.release_of(before);
                let behind = promotion.release.iter().any(|field| {
                    match (release.get(field), fixed.get(field)) {
                        (Some(old), Some(new)) if old != new => later(new, old).unwrap_or(true),
                        _ => false,
                    }
                });
                if behind {
                    problems.push(
                        Diagnostic::warning(
                            codes::HOTFIX_NOT_BACK,
                            format!(
                                "the hot-fix of `{}` in `{name}` has not reached `{earlier}`",
                                app.name
                            ),
                        )
                        .at(
                            release_span(promotion, before),
                            format!("`{earlier}` runs {}", show(&release)),
                        )
                        .also(
                            release_span(promotion, app),
                            format!("`{name}` runs the hot-fix {}", show(&fixed)),
                        )
                        .help(format!(
                            "release the fix into `{}` and promote it along the chain",
                            promotion.chain.first().map_or("", String::as_str)
                        )),
                    );
                }
            }
        }
    }
}
