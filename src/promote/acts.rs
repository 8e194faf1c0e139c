//! Planning the acts besides a promotion: `ehp hotfix` (a release straight into an environment
//! that accepts hot-fixes), `ehp rollback` (an environment back to a release it ran before, the
//! replaced release marked bad) and `ehp publish` (a new release on the first environment of
//! the chain). Each checks the request against the chain and the roles, and returns the source
//! edits; the command line applies them.

use super::edit::{self, Edit, Record};
use super::edit_app;
use super::plan::{Refusal, Sources, bad_reason, check_actor};
use super::{Promotion, Release, pinned_in, release_key, release_short};
use crate::diag::{Diagnostic, codes};
use crate::eval::model::{AppInstance, app_in};
use crate::eval::print;
use crate::syntax::literal::quote;

/// A request to put a release straight into an environment that accepts hot-fixes.
#[derive(Debug, Clone, Copy)]
pub struct HotfixRequest<'a> {
    /// The app.
    pub app: &'a str,
    /// The environment.
    pub env: &'a str,
    /// The image tag of the fix; none for an app without one (a `helm_chart`).
    pub tag: Option<&'a str>,
    /// The chart version of the fix, when it changes too.
    pub chart_version: Option<&'a str>,
    /// Why the fix cannot wait for the chain.
    pub reason: &'a str,
    /// Who makes the fix.
    pub actor: &'a str,
    /// The date recorded, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// The image tag and chart version of a request, checked: at least one of them, and a tag only
/// for an app that has one.
fn checked_release(
    app: &AppInstance,
    tag: Option<&str>,
    chart_version: Option<&str>,
) -> Result<(), Refusal> {
    match tag {
        Some(_) if !app.fields.contains_key("tag") => {
            return Err(format!(
                "`{}` has no image tag (its release is its chart version): give `--chart-version` without `--tag`",
                app.name
            )
            .into());
        }
        Some(tag) => {
            if let Err(reason) = crate::types::formats::tag(tag) {
                return Err(format!("`{tag}` is not an image tag: {reason}").into());
            }
        }
        None if chart_version.is_none() => {
            return Err("give the release: `--tag`, `--chart-version` or both"
                .to_string()
                .into());
        }
        None => {}
    }
    if let Some(version) = chart_version
        && let Err(reason) = crate::types::formats::chart_version(version)
    {
        return Err(format!("`{version}` is not a chart version: {reason}").into());
    }
    Ok(())
}

/// The app in an environment, or the usage error naming what is missing.
fn app_here<'a>(sources: Sources<'a>, app: &str, env: &str) -> Result<&'a AppInstance, Refusal> {
    app_in(sources.envs, env, app).ok_or_else(|| format!("no app `{app}` in `{env}`").into())
}

/// Release fields with their values as `.ehp` source.
type Literals = Vec<(String, String)>;

/// The release a request makes: `tag`, `chart_version` when given, and the other release
/// fields as `app` has them now; and the fields the request changes.
fn new_release(
    promotion: &Promotion,
    app: &AppInstance,
    tag: Option<&str>,
    chart_version: Option<&str>,
) -> (Literals, Literals) {
    let mut release: Literals = tag
        .map(|tag| ("tag".to_string(), quote(tag)))
        .into_iter()
        .collect();
    for field in promotion.release.iter().filter(|field| *field != "tag") {
        match (field.as_str(), chart_version) {
            ("chart_version", Some(version)) => release.push((field.clone(), quote(version))),
            _ => {
                if let Some(value) = app.fields.get(field.as_str()) {
                    release.push((field.clone(), print::source(value)));
                }
            }
        }
    }
    let changed = release
        .iter()
        .filter(|(field, _)| {
            (field == "tag" && tag.is_some())
                || (field == "chart_version" && chart_version.is_some())
        })
        .cloned()
        .collect();
    (release, changed)
}

/// Plans a hot-fix: E0602 when the environment does not accept hot-fixes, E0610 when the actor
/// may not change it; otherwise the edits that set the app's `tag` (and `chart_version`, when
/// given) in the environment's own override, with a `hotfix` record of the whole release.
pub fn plan_hotfix(
    sources: Sources<'_>,
    request: &HotfixRequest<'_>,
) -> Result<Vec<Edit>, Refusal> {
    let promotion = sources.promotion;
    if !promotion.hotfix.iter().any(|name| name == request.env) {
        return Err(Refusal::Diagnostic(Box::new(no_hotfix(
            promotion,
            request.env,
        ))));
    }
    check_actor(promotion, request.env, request.actor).map_err(Refusal::Diagnostic)?;
    let current = app_here(sources, request.app, request.env)?;
    checked_release(current, request.tag, request.chart_version)?;
    let (release, changed) = new_release(promotion, current, request.tag, request.chart_version);
    let entries = vec![
        ("reason".to_string(), quote(request.reason)),
        ("by".to_string(), quote(request.actor)),
        ("date".to_string(), quote(request.date)),
    ];
    let record = Record {
        field: "hotfix",
        entries,
        release,
        replaced: Vec::new(),
    };
    Ok(edit::set_release(
        sources.db,
        sources.project,
        request.app,
        request.env,
        &changed,
        &record,
    )?)
}

/// E0602 for a hot-fix into `env`, which does not accept them.
fn no_hotfix(promotion: &Promotion, env: &str) -> Diagnostic {
    let accepted = if promotion.hotfix.is_empty() {
        "none".to_string()
    } else {
        promotion.hotfix.join(", ")
    };
    Diagnostic::error(
        codes::NO_HOTFIX,
        format!("`{env}` does not accept hot-fixes"),
    )
    .at(
        promotion.span,
        format!("the chain accepts hot-fixes in: {accepted}"),
    )
    .help(format!(
        "promote the release along the chain instead, or add `{env}` to the chain's `hotfix_envs`"
    ))
}

/// A request to put an environment back on a release it ran before.
#[derive(Debug, Clone, Copy)]
pub struct RollbackRequest<'a> {
    /// The app.
    pub app: &'a str,
    /// The environment (after the first of the chain).
    pub env: &'a str,
    /// The tag to go back to; by default the last release before the current one.
    pub to: Option<&'a str>,
    /// Why the current release has to go.
    pub reason: &'a str,
    /// Who rolls back.
    pub actor: &'a str,
    /// The date recorded, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The releases the environment ran, newest first (from the git history).
    pub history: &'a [Release],
}

/// Plans a rollback: E0610 when the actor may not change the environment; a usage error when
/// the history holds no release to go back to; otherwise the edits that set the environment's
/// release to the one it ran before, with a `rollback` record, and mark the replaced release
/// bad in the app.
pub fn plan_rollback(
    sources: Sources<'_>,
    request: &RollbackRequest<'_>,
) -> Result<Vec<Edit>, Refusal> {
    let promotion = sources.promotion;
    if promotion.step_into(request.env).is_none() {
        return Err(format!(
            "`{}` is not an environment of the chain after the first: roll back there by publishing the old release (`ehp publish`)",
            request.env
        )
        .into());
    }
    check_actor(promotion, request.env, request.actor).map_err(Refusal::Diagnostic)?;
    let current_app = app_here(sources, request.app, request.env)?;
    let current = promotion.release_of(current_app);
    let target = rollback_target(request, current_app, &current)?;
    let literals = |release: &Release| -> Vec<(String, String)> {
        release
            .iter()
            .map(|(field, value)| (field.clone(), quote(value)))
            .collect()
    };
    let record = Record {
        field: "rollback",
        entries: vec![
            ("reason".to_string(), quote(request.reason)),
            ("by".to_string(), quote(request.actor)),
            ("date".to_string(), quote(request.date)),
        ],
        release: literals(target),
        replaced: literals(&current),
    };
    let mut edits = edit::set_release(
        sources.db,
        sources.project,
        request.app,
        request.env,
        &literals(target),
        &record,
    )?;
    if let Some(tag) = release_key(&current) {
        let why = format!(
            "{} (rolled back in {} by {} on {})",
            request.reason, request.env, request.actor, request.date
        );
        edits.push(edit_app::mark_bad(
            sources.db,
            sources.project,
            request.app,
            tag,
            &quote(&why),
        )?);
    }
    Ok(edits)
}

/// The release a rollback goes back to: the newest of the history other than `current` (with
/// the tag asked for, if any), not marked bad.
fn rollback_target<'a>(
    request: &RollbackRequest<'a>,
    app: &AppInstance,
    current: &Release,
) -> Result<&'a Release, Refusal> {
    let target = request
        .history
        .iter()
        .find(|release| {
            *release != current
                && request
                    .to
                    .is_none_or(|tag| release_key(release).map(String::as_str) == Some(tag))
        })
        .ok_or_else(|| match request.to {
            Some(tag) => format!(
                "`{}` never ran tag {tag} in `{}` in the history read (it runs {})",
                request.app,
                request.env,
                release_short(current)
            ),
            None => format!(
                "`{}` ran no other release in `{}` in the history read: name the tag with --to",
                request.app, request.env
            ),
        })?;
    if let Some(reason) = bad_reason(app, target) {
        return Err(format!(
            "{} is marked bad ({reason}): roll back to another release with --to",
            release_short(target)
        )
        .into());
    }
    Ok(target)
}

/// A request to put a newly published image on the first environment of the chain.
#[derive(Debug, Clone, Copy)]
pub struct PublishRequest<'a> {
    /// The app.
    pub app: &'a str,
    /// The image tag, as pushed to the registry; none for an app without one (a `helm_chart`).
    pub tag: Option<&'a str>,
    /// The chart version, when it changes too.
    pub chart_version: Option<&'a str>,
    /// What the release brings, when given.
    pub reason: Option<&'a str>,
    /// Who publishes (a supplier, or the job that watches the registry).
    pub actor: &'a str,
    /// The date recorded, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// Plans a publication: the edits that set the app's release on the first environment of the
/// chain (its own override there, when it has one, else the app's own entries) with a
/// `published` record; E0614 when the tag is marked bad.
pub fn plan_publish(
    sources: Sources<'_>,
    request: &PublishRequest<'_>,
) -> Result<Vec<Edit>, Refusal> {
    let promotion = sources.promotion;
    let first = promotion
        .chain
        .first()
        .ok_or("the promotion chain is empty".to_string())?;
    let current = app_here(sources, request.app, first)?;
    checked_release(current, request.tag, request.chart_version)?;
    let (release, changed) = new_release(promotion, current, request.tag, request.chart_version);
    let published: Release = [
        ("tag", request.tag),
        ("chart_version", request.chart_version),
    ]
    .into_iter()
    .filter_map(|(field, value)| Some((field.to_string(), value?.to_string())))
    .collect();
    if let Some(reason) = bad_reason(current, &published) {
        let span = current
            .fields
            .get("bad")
            .map_or(current.span, |bad| bad.origin);
        return Err(Refusal::Diagnostic(Box::new(
            Diagnostic::error(
                codes::BAD_RELEASE,
                format!(
                    "`{}` {} is marked bad",
                    request.app,
                    release_key(&published).map_or("", String::as_str)
                ),
            )
            .at(span, format!("marked bad: {reason}"))
            .help("publish a fixed image under a new tag"),
        )));
    }
    let mut entries = vec![("by".to_string(), quote(request.actor))];
    if let Some(reason) = request.reason {
        entries.push(("reason".into(), quote(reason)));
    }
    entries.push(("date".into(), quote(request.date)));
    let record = Record {
        field: "published",
        entries,
        release,
        replaced: Vec::new(),
    };
    let pinned = promotion.release.iter().any(|field| {
        current
            .fields
            .get(field.as_str())
            .is_some_and(|value| pinned_in(sources.project, request.app, first, value.origin))
    });
    if pinned {
        return Ok(edit::set_release(
            sources.db,
            sources.project,
            request.app,
            first,
            &changed,
            &record,
        )?);
    }
    Ok(edit_app::set_app_release(
        sources.db,
        sources.project,
        request.app,
        &changed,
        &record,
    )?)
}
