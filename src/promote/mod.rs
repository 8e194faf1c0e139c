//! The promotion phase: the project's promotion chain (`promotion { ... }`), the release of each
//! app in each environment, and the checks that releases travel the chain: each environment
//! runs what the one before it runs, or a release recorded as promoted from it, or a marked
//! hot-fix; and a hot-fix flows back.
//!
//! `model.rs` builds the chain, `check.rs` checks the releases of one analysis, `history.rs`
//! follows them through git history (the range gate of `check --against`, `ehp log`), `plan.rs` plans the edits of `ehp promote` and `acts.rs` those of
//! `hotfix`, `rollback` and `publish`, `edit.rs` and `edit_app.rs` make them, and `date.rs`
//! writes the date they record.

pub mod acts;
mod check;
pub mod date;
pub mod edit;
pub mod edit_app;
pub mod history;
mod model;
pub mod plan;
pub mod private;

use indexmap::IndexMap;

pub use check::{check, illegitimate};
pub use model::model;

use crate::eval::model::{AppInstance, Val, ValMap};
use crate::resolve::Project;
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

/// A git branch and the environments of the chain deployed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The branch, e.g. `master`.
    pub name: String,
    /// Its environments, in chain order.
    pub envs: Vec<String>,
}

/// The project's promotion chain.
#[derive(Debug, Clone)]
pub struct Promotion {
    /// The environments, first to last.
    pub chain: Vec<String>,
    /// The branches the environments are deployed from, in chain order (empty when the
    /// declaration names none).
    pub branches: Vec<Branch>,
    /// The identities bound to each role, in declaration order.
    pub roles: IndexMap<String, Vec<String>>,
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

    /// The branch `env` is deployed from, when the declaration names branches.
    pub fn branch_of(&self, env: &str) -> Option<&str> {
        self.branches
            .iter()
            .find(|branch| branch.envs.iter().any(|name| name == env))
            .map(|branch| branch.name.as_str())
    }

    /// The roles that may change `env`'s release: those of a privileged step into it; `None`
    /// when anyone may (the first environment, or a step by pull request).
    pub fn roles_into(&self, env: &str) -> Option<&[String]> {
        match &self.step_into(env)?.kind {
            StepKind::Privileged(roles) => Some(roles),
            _ => None,
        }
    }

    /// Whether `identity` holds one of `roles` (identities compare without case, as e-mail
    /// addresses do).
    pub fn holds(&self, identity: &str, roles: &[String]) -> bool {
        let identity = identity.trim();
        roles.iter().any(|role| {
            self.roles.get(role).is_some_and(|members| {
                members
                    .iter()
                    .any(|member| member.trim().eq_ignore_ascii_case(identity))
            })
        })
    }

    /// The environments a pull request into `branch` deploys: those of the branch, or, when the
    /// declaration names no branches, those from the environment its pull-request step leads
    /// into to the end of the chain.
    pub fn deployed_by_pull_request_into(&self, branch: &str) -> Vec<String> {
        if !self.branches.is_empty() {
            return self
                .branches
                .iter()
                .filter(|named| named.name == branch)
                .flat_map(|named| named.envs.iter().cloned())
                .collect();
        }
        let first = self.steps.iter().position(
            |step| matches!(&step.kind, StepKind::PullRequest { to, .. } if to == branch),
        );
        first
            .and_then(|index| self.steps.get(index..))
            .map(|steps| steps.iter().map(|step| step.to.clone()).collect())
            .unwrap_or_default()
    }

    /// The branch the chain's pull requests merge into (the first pull-request step's).
    pub fn pull_request_target(&self) -> Option<&str> {
        self.steps.iter().find_map(|step| match &step.kind {
            StepKind::PullRequest { to, .. } => Some(to.as_str()),
            _ => None,
        })
    }

    /// The release of an app: its release fields, as text.
    pub fn release_of(&self, app: &AppInstance) -> Release {
        self.release
            .iter()
            .filter_map(|field| Some((field.clone(), app.fields.get(field.as_str())?.to_text()?)))
            .collect()
    }

    /// Whether an environment running `release` has not caught up with the hot-fix `fixed`:
    /// some release field differs and the fix's is not an older version (W0005).
    pub fn behind(&self, release: &Release, fixed: &Release) -> bool {
        self.release
            .iter()
            .any(|field| match (release.get(field), fixed.get(field)) {
                (Some(old), Some(new)) if old != new => later(new, old).unwrap_or(true),
                _ => false,
            })
    }
}

/// Whether `newer` is a later version than `older`, comparing dot-separated numbers (a leading
/// `v` and a `-pre` or `+build` suffix aside); `None` when either is not a version.
pub fn later(newer: &str, older: &str) -> Option<bool> {
    let parse = |text: &str| -> Option<Vec<u64>> {
        let core = text.trim_start_matches('v').split(['-', '+']).next()?;
        core.split('.').map(|part| part.parse().ok()).collect()
    };
    Some(parse(newer)? > parse(older)?)
}

/// What names a release in `bad` marks and `--tag` arguments: its image tag, or the chart
/// version of an app without one (a `helm_chart`).
pub fn release_key(release: &Release) -> Option<&String> {
    release.get("tag").or_else(|| release.get("chart_version"))
}

/// A release with its field names, for diagnostics: `tag 2.4.1, chart_version 2.4.0`.
pub fn release_text(release: &Release) -> String {
    let parts: Vec<String> = release
        .iter()
        .map(|(field, value)| format!("{field} {value}"))
        .collect();
    parts.join(", ")
}

/// A release as short text for tables and messages: the tag, then the other fields, e.g.
/// `2.4.1 (chart 2.4.0)`.
pub fn release_short(release: &Release) -> String {
    let others: Vec<String> = release
        .iter()
        .filter(|(field, _)| *field != "tag")
        .map(|(field, value)| {
            let name = if field == "chart_version" {
                "chart"
            } else {
                field.as_str()
            };
            format!("{name} {value}")
        })
        .collect();
    match (release.get("tag"), others.is_empty()) {
        (Some(tag), false) => format!("{tag} ({})", others.join(", ")),
        (Some(tag), true) => tag.clone(),
        (None, _) => others.join(", "),
    }
}

/// The record a field such as `promoted` or `hotfix` holds, if set.
fn record<'a>(app: &'a AppInstance, field: &str) -> Option<&'a ValMap> {
    app.fields.get(field).and_then(Val::as_map)
}

/// The release a `promoted` or `hotfix` record records.
fn recorded_release(map: &ValMap) -> Release {
    map.get("release")
        .and_then(Val::as_map)
        .map(|release| {
            release
                .iter()
                .filter_map(|(field, value)| Some((field.to_string(), value.to_text()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Where an app's release is written in an environment (its first release field's origin).
fn release_span(promotion: &Promotion, app: &AppInstance) -> Span {
    promotion
        .release
        .iter()
        .find_map(|field| app.fields.get(field.as_str()).map(|value| value.origin))
        .unwrap_or(app.span)
}

/// Whether `span` lies inside an override of app `app` that names `env` itself: the value is
/// that environment's own, not one it shares with the app's base or inherits from a parent.
pub fn pinned_in(project: &Project, app: &str, env: &str, span: Span) -> bool {
    let Some(decl) = project
        .app_index
        .get(app)
        .and_then(|&index| project.apps.get(index))
    else {
        return false;
    };
    decl.overrides.iter().any(|over| {
        over.envs.iter().any(|name| name.name == env)
            && over.body.span.file == span.file
            && over.body.span.start <= span.start
            && span.end <= over.body.span.end
    })
}

/// Whether an app carries a valid hot-fix in `env`: a `hotfix` record written in `env`'s own
/// override, recording the release the app runs there, in an environment that accepts them.
pub fn valid_hotfix(
    promotion: &Promotion,
    project: &Project,
    app: &AppInstance,
    env: &str,
) -> bool {
    let Some(value) = app.fields.get("hotfix") else {
        return false;
    };
    let Some(map) = value.as_map() else {
        return false;
    };
    promotion.hotfix.iter().any(|name| name == env)
        && pinned_in(project, &app.name, env, value.origin)
        && recorded_release(map) == promotion.release_of(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert_eq!(later("2.10.0", "2.9.1"), Some(true));
        assert_eq!(later("v1.2", "1.2.0-rc1"), Some(false));
        assert_eq!(later("1.0.0", "latest"), None);
    }

    #[test]
    fn releases_print_long_and_short() {
        let release: Release = [("tag", "2.4.1"), ("chart_version", "2.4.0")]
            .into_iter()
            .map(|(field, value)| (field.to_string(), value.to_string()))
            .collect();
        assert_eq!(release_text(&release), "tag 2.4.1, chart_version 2.4.0");
        assert_eq!(release_short(&release), "2.4.1 (chart 2.4.0)");
    }
}
