//! Planning `ehp promote` and `ehp hotfix`: whether the project and the request allow the
//! change (E0606 no chain, E0601 not a step, E0602 no hot-fix), which release to copy, the
//! record to write, which apps already run it, and the source edits that do it. The command
//! line only reads the files, applies the edits and writes them back.

use super::edit::{self, Edit, Record};
use super::{Promotion, Release, release_short};
use crate::diag::{Diagnostic, codes};
use crate::eval::model::{AppInstance, EnvInstance, app_in, env_named};
use crate::eval::print;
use crate::resolve::{Project, did_you_mean};
use crate::source::SourceDb;
use crate::syntax::literal::quote;

/// What a promotion or hot-fix is planned over: an analysed project and its chain.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The project's files.
    pub db: &'a SourceDb,
    /// Its declarations.
    pub project: &'a Project,
    /// Its evaluated environments.
    pub envs: &'a [EnvInstance],
    /// Its promotion chain.
    pub promotion: &'a Promotion,
}

/// Why a promotion or hot-fix is refused.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// The request breaks a rule of the chain (E0601, E0602): reported as a diagnostic.
    Diagnostic(Box<Diagnostic>),
    /// The request itself is wrong (no app named, an unknown app, a bad tag) or the edit cannot
    /// be made: reported as a usage error.
    Usage(String),
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal::Usage(message)
    }
}

/// A request to promote apps one step along the chain.
#[derive(Debug, Clone, Copy)]
pub struct PromoteRequest<'a> {
    /// The apps to promote (ignored with `all`).
    pub apps: &'a [String],
    /// Promote every app of `from`.
    pub all: bool,
    /// The environment the release comes from.
    pub from: &'a str,
    /// The environment it goes to.
    pub to: &'a str,
    /// Who promotes, when known.
    pub actor: Option<&'a str>,
    /// Why, when given.
    pub reason: Option<&'a str>,
    /// The date recorded, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// An app that already runs, and pins, the release a promotion would bring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The app.
    pub app: String,
    /// The environment it was to be promoted into.
    pub env: String,
    /// The release it runs there.
    pub release: Release,
}

impl Settled {
    /// What the command line says about it: `journal: prod already runs 2.4.2 (chart 2.4.0)`.
    pub fn message(&self) -> String {
        format!(
            "{}: {} already runs {}",
            self.app,
            self.env,
            release_short(&self.release)
        )
    }
}

/// The plan of a promotion: the edits, and the apps with nothing to do.
#[derive(Debug, Clone, Default)]
pub struct PromotionPlan {
    /// The source edits, for every app that moves.
    pub edits: Vec<Edit>,
    /// The apps that already run the release.
    pub settled: Vec<Settled>,
}

/// The project's promotion chain, or E0606 when it declares none.
pub fn require_chain(promotion: Option<&Promotion>) -> Result<&Promotion, Box<Diagnostic>> {
    promotion.ok_or_else(|| {
        Box::new(Diagnostic::error(codes::NO_PROMOTION, "the project declares no promotion chain").help(
            "declare it once, for example: promotion { chain = [\"inttest\", \"exttest\", \"preprod\", \"prod\"] hotfix = [\"prod\"] }",
        ))
    })
}

/// Whether a diagnostic is about releases not following the chain: what promotions and
/// hot-fixes are there to fix, so it does not stop them.
pub fn is_chain_problem(diagnostic: &Diagnostic) -> bool {
    diagnostic.code == codes::UNPROMOTED_RELEASE
        || diagnostic.code == codes::NO_HOTFIX
        || diagnostic.code == codes::UNPINNED_RELEASE
}

/// Whether the sources have errors that make a promotion or hot-fix unsafe (any error but
/// those promotions and hot-fixes are there to fix).
pub fn blocks_edit(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() && !is_chain_problem(diagnostic))
}

/// E0601 unless `from -> to` is a step of the chain.
fn check_step(promotion: &Promotion, from: &str, to: &str) -> Result<(), Box<Diagnostic>> {
    let next = promotion.next(from);
    if next == Some(to) {
        return Ok(());
    }
    let help = match next {
        Some(next) => {
            format!(
                "the step after `{from}` is `{next}`: `ehp promote ... --from {from} --to {next}`"
            )
        }
        None if promotion.chain.iter().any(|name| name == from) => {
            format!("`{from}` is the last environment of the chain")
        }
        None => format!(
            "`{from}` is not in the chain: {}",
            promotion.chain.join(" -> ")
        ),
    };
    Err(Box::new(
        Diagnostic::error(
            codes::NOT_A_STEP,
            format!("{from} -> {to} is not a step of the promotion chain"),
        )
        .at(
            promotion.span,
            format!("the chain is {}", promotion.chain.join(" -> ")),
        )
        .help(help),
    ))
}

/// Plans a promotion: E0601 when `from -> to` is not a step of the chain; otherwise, for each
/// app, the edits that copy its release from `from` into `to`'s own override with a `promoted`
/// record, or, when `to` already runs and pins that release, a [`Settled`].
pub fn plan_promotion(
    sources: Sources<'_>,
    request: &PromoteRequest<'_>,
) -> Result<PromotionPlan, Refusal> {
    check_step(sources.promotion, request.from, request.to).map_err(Refusal::Diagnostic)?;
    let (Some(from), Some(to)) = (
        env_named(sources.envs, request.from),
        env_named(sources.envs, request.to),
    ) else {
        return Err("the environments of the step are not concrete"
            .to_string()
            .into());
    };
    let names: Vec<&str> = if request.all {
        from.apps.iter().map(|app| app.name.as_str()).collect()
    } else {
        request.apps.iter().map(String::as_str).collect()
    };
    if names.is_empty() {
        return Err("name the apps to promote, or use --all".to_string().into());
    }
    let mut plan = PromotionPlan::default();
    for name in names {
        let source = from.app(name).ok_or_else(|| unknown_app(from, name))?;
        let wanted = sources.promotion.release_of(source);
        if settled(sources, to.app(name), &wanted, request.to) {
            plan.settled.push(Settled {
                app: name.to_string(),
                env: request.to.to_string(),
                release: wanted,
            });
            continue;
        }
        let release = release_literals(sources.promotion, source);
        let record = Record {
            field: "promoted",
            entries: promoted_entries(request),
            release: release.clone(),
        };
        let edits = edit::set_release(
            sources.db,
            sources.project,
            name,
            request.to,
            &release,
            &record,
        )?;
        plan.edits.extend(edits);
    }
    Ok(plan)
}

/// The refusal for an app `env` does not have, with the closest name.
fn unknown_app(env: &EnvInstance, name: &str) -> Refusal {
    let known = env.apps.iter().map(|app| app.name.as_str());
    let hint = did_you_mean(name, known)
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    Refusal::Usage(format!("no app `{name}` in `{}`{hint}", env.name))
}

/// Whether the target already runs the release, pins it, and carries no hot-fix record the
/// promotion should replace: then there is nothing to do.
fn settled(sources: Sources<'_>, target: Option<&AppInstance>, wanted: &Release, to: &str) -> bool {
    target.is_some_and(|target| {
        sources.promotion.release_of(target) == *wanted
            && target.fields.get("hotfix").is_none()
            && sources.promotion.release.iter().all(|field| {
                target.fields.get(field).is_some_and(|value| {
                    super::pinned_in(sources.project, &target.name, to, value.origin)
                })
            })
    })
}

/// The release fields of `app` that are set, each with its value as `.ehp` source.
fn release_literals(promotion: &Promotion, app: &AppInstance) -> Vec<(String, String)> {
    promotion
        .release
        .iter()
        .filter_map(|field| Some((field.clone(), print::source(app.fields.get(field)?))))
        .collect()
}

/// The entries of a `promoted` record: `from`, `by`, `reason` and `date`.
fn promoted_entries(request: &PromoteRequest<'_>) -> Vec<(String, String)> {
    let mut entries = vec![("from".to_string(), quote(request.from))];
    if let Some(actor) = request.actor {
        entries.push(("by".into(), quote(actor)));
    }
    if let Some(reason) = request.reason {
        entries.push(("reason".into(), quote(reason)));
    }
    entries.push(("date".into(), quote(request.date)));
    entries
}

/// A request to put a release straight into an environment that accepts hot-fixes.
#[derive(Debug, Clone, Copy)]
pub struct HotfixRequest<'a> {
    /// The app.
    pub app: &'a str,
    /// The environment.
    pub env: &'a str,
    /// The image tag of the fix.
    pub tag: &'a str,
    /// Why the fix cannot wait for the chain.
    pub reason: &'a str,
    /// Who makes the fix, when known.
    pub actor: Option<&'a str>,
    /// The date recorded, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// Plans a hot-fix: E0602 when the environment does not accept hot-fixes; otherwise the edits
/// that set the app's `tag` in the environment's own override, with a `hotfix` record of the
/// whole release (the new tag, the other release fields as the app has them there).
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
    if let Err(reason) = crate::types::formats::tag(request.tag) {
        return Err(format!("`{}` is not an image tag: {reason}", request.tag).into());
    }
    let current = app_in(sources.envs, request.env, request.app)
        .ok_or_else(|| format!("no app `{}` in `{}`", request.app, request.env))?;
    let mut release = vec![("tag".to_string(), quote(request.tag))];
    for field in promotion.release.iter().filter(|field| *field != "tag") {
        if let Some(value) = current.fields.get(field) {
            release.push((field.clone(), print::source(value)));
        }
    }
    let mut entries = vec![("reason".to_string(), quote(request.reason))];
    if let Some(actor) = request.actor {
        entries.push(("by".into(), quote(actor)));
    }
    entries.push(("date".into(), quote(request.date)));
    let only_tag: Vec<(String, String)> = release
        .iter()
        .filter(|(field, _)| field == "tag")
        .cloned()
        .collect();
    let record = Record {
        field: "hotfix",
        entries,
        release,
    };
    let edits = edit::set_release(
        sources.db,
        sources.project,
        request.app,
        request.env,
        &only_tag,
        &record,
    )?;
    Ok(edits)
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
