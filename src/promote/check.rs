//! The checks of one analysis: every environment of the chain after the first pins its own
//! release (E0607), every release came through the chain or is a recorded hot-fix or rollback
//! (E0603, E0602), and hot-fixes flow back (W0005).

use super::{
    Promotion, Step, pinned_in, record, recorded_release, release_span, release_text, valid_hotfix,
};
use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::{AppInstance, EnvInstance, Val, app_in, env_named};
use crate::resolve::Project;

/// Checks that every environment of the chain after the first pins its own release (E0607),
/// that every release came through the chain (E0603, E0602), and that hot-fixes flow back
/// (W0005).
pub fn check(
    promotion: &Promotion,
    project: &Project,
    envs: &[EnvInstance],
    problems: &mut Problems,
) {
    let env = |name: &str| env_named(envs, name);
    for step in &promotion.steps {
        let Some(to) = env(&step.to) else { continue };
        for app in &to.apps {
            unpinned(promotion, project, step, app, problems);
        }
    }
    for step in &promotion.steps {
        let (Some(from), Some(to)) = (env(&step.from), env(&step.to)) else {
            continue;
        };
        for app in &to.apps {
            if let Some(source) = from.app(&app.name)
                && let Some(problem) = came_through(promotion, project, step, app, source)
            {
                problems.push(problem);
            }
        }
    }
    // Hot-fixes flow back: every environment before a hot-fixed one catches up.
    for (index, name) in promotion.chain.iter().enumerate() {
        let Some(hot) = env(name) else { continue };
        for app in &hot.apps {
            if record(app, "hotfix").is_some_and(|hotfix| !hotfix.is_empty())
                && valid_hotfix(promotion, project, app, name)
            {
                flows_back(promotion, envs, index, name, app, problems);
            }
        }
    }
}

/// E0607 when `app` takes a release field in the step's target from a value other
/// environments share.
fn unpinned(
    promotion: &Promotion,
    project: &Project,
    step: &Step,
    app: &AppInstance,
    problems: &mut Problems,
) {
    let unpinned = promotion.release.iter().find_map(|field| {
        let value = app.fields.get(field.as_str())?;
        (!pinned_in(project, &app.name, &step.to, value.origin)).then_some((field, value))
    });
    let Some((field, value)) = unpinned else {
        return;
    };
    let decl_span = project
        .app_index
        .get(&app.name)
        .and_then(|&index| project.apps.get(index))
        .map_or(app.span, |decl| decl.name.span);
    problems.push(
        Diagnostic::error(codes::UNPINNED_RELEASE, format!("`{}` does not pin the release of `{}`", step.to, app.name))
            .at(decl_span, format!("no `in {} {{ {field} = ... }}` in this app", step.to))
            .also(value.origin, format!("`{}` takes `{field}` from here, which other environments share", step.to))
            .help(format!(
                "each environment after `{}` pins its release, so that a new build or a promotion elsewhere does not reach it: `ehp promote {} --from {} --to {}`",
                promotion.chain.first().map_or("", String::as_str),
                app.name,
                step.from,
                step.to
            )),
    );
}

/// Why `app` does not legitimately run its release in `env`: the E0603 (or E0602) that
/// [`check`] reports for it, or `None` when it came through the chain (or `env` is the first
/// environment, where releases are published).
pub fn illegitimate(
    promotion: &Promotion,
    project: &Project,
    envs: &[EnvInstance],
    env: &str,
    app: &str,
) -> Option<Diagnostic> {
    let step = promotion.step_into(env)?;
    let here = app_in(envs, env, app)?;
    let source = app_in(envs, &step.from, app)?;
    came_through(promotion, project, step, here, source)
}

/// The record `field` (`promoted`, `hotfix`, `rollback`) of `app`, when written in `env`'s own
/// override.
pub(super) fn own_record<'a>(
    project: &Project,
    app: &'a AppInstance,
    field: &str,
    env: &str,
) -> Option<&'a crate::eval::model::ValMap> {
    app.fields
        .get(field)
        .filter(|value| pinned_in(project, &app.name, env, value.origin))
        .and_then(Val::as_map)
}

/// E0603 when `app` runs a release in the step's target that `source` (the same app in the
/// environment before) never had and no record explains; E0602 when the record is a hot-fix
/// in an environment that does not accept them.
fn came_through(
    promotion: &Promotion,
    project: &Project,
    step: &Step,
    app: &AppInstance,
    source: &AppInstance,
) -> Option<Diagnostic> {
    let here = promotion.release_of(app);
    let there = promotion.release_of(source);
    if here == there {
        return None;
    }
    if let Some(hotfix) = own_record(project, app, "hotfix", &step.to) {
        if promotion.hotfix.contains(&step.to) {
            return None;
        }
        let span = hotfix
            .get("reason")
            .map_or(app.span, |reason| reason.origin);
        return Some(
            Diagnostic::error(
                codes::NO_HOTFIX,
                format!("`{}` does not accept hot-fixes", step.to),
            )
            .at(
                span,
                format!("`{}` is marked as a hot-fix in `{}`", app.name, step.to),
            )
            .help(format!(
                "promote the release from `{}` instead, or add `{}` to the chain's `hotfix_envs`",
                step.from, step.to
            )),
        );
    }
    let rolled_back = own_record(project, app, "rollback", &step.to)
        .is_some_and(|rollback| recorded_release(rollback) == here);
    let promoted = record(app, "promoted").is_some_and(|promoted| {
        promoted.get("from").and_then(Val::as_str) == Some(step.from.as_str())
            && recorded_release(promoted) == here
    });
    if promoted || rolled_back {
        return None;
    }
    Some(
        Diagnostic::error(codes::UNPROMOTED_RELEASE, format!("`{}` in `{}` runs a release `{}` never had", app.name, step.to, step.from))
            .at(release_span(promotion, app), format!("{} in `{}`; `{}` runs {}", release_text(&here), step.to, step.from, release_text(&there)))
            .help(format!(
                "promote it: `ehp promote {} --from {} --to {}`; or, for an urgent fix, `ehp hotfix {} --env {} ...`",
                app.name, step.from, step.to, app.name, step.to
            )),
    )
}

/// W0005 for every environment before `name` (at `index` in the chain) that has not caught
/// up with the hot-fix `app` runs there.
fn flows_back(
    promotion: &Promotion,
    envs: &[EnvInstance],
    index: usize,
    name: &str,
    app: &AppInstance,
    problems: &mut Problems,
) {
    let fixed = promotion.release_of(app);
    for earlier in promotion.chain.iter().take(index) {
        let Some(before) = app_in(envs, earlier, &app.name) else {
            continue;
        };
        let release = promotion.release_of(before);
        if !promotion.behind(&release, &fixed) {
            continue;
        }
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
                format!("`{earlier}` runs {}", release_text(&release)),
            )
            .also(
                release_span(promotion, app),
                format!("`{name}` runs the hot-fix {}", release_text(&fixed)),
            )
            .help(format!(
                "release the fix into `{}` and promote it along the chain",
                promotion.chain.first().map_or("", String::as_str)
            )),
        );
    }
}
