//! Planning `ehp promote`: whether the project and the request allow the change (E0606 no
//! chain, E0601 not a step, E0610 an actor outside the step's roles, E0611 a source environment
//! whose release did not come through the chain, E0614 a release marked bad), which release to
//! copy, the record to write, which apps already run it, and the source edits that do it. The
//! command line only reads the files, applies the edits and writes them back. The other acts
//! (`hotfix`, `rollback`, `publish`) are planned in `acts.rs`.

use super::edit::{self, Edit, Record};
use super::{Promotion, Release, release_short};
use crate::diag::{Diagnostic, codes};
use crate::eval::model::{AppInstance, EnvInstance, Val, env_named};
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
    /// Who promotes: an identity the step's roles may name.
    pub actor: &'a str,
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
            "declare it once, for example: promotion { chain = [\"inttest\", \"exttest\", \"preprod\", \"prod\"] hotfix_envs = [\"prod\"] }",
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

/// E0610 unless `actor` may change `env`: anyone may when its step is not privileged.
pub fn check_actor(promotion: &Promotion, env: &str, actor: &str) -> Result<(), Box<Diagnostic>> {
    let Some(roles) = promotion.roles_into(env) else {
        return Ok(());
    };
    if promotion.holds(actor, roles) {
        return Ok(());
    }
    let members: Vec<&str> = roles
        .iter()
        .filter_map(|role| promotion.roles.get(role))
        .flatten()
        .map(String::as_str)
        .collect();
    Err(Box::new(
        Diagnostic::error(
            codes::NOT_IN_ROLE,
            format!("`{actor}` may not change `{env}`"),
        )
        .at(
            promotion.span,
            format!(
                "the step into `{env}` is privileged: {}",
                roles.join(", ")
            ),
        )
        .help(format!(
            "ask someone who holds the role ({}) to run it, through the job that checks who they are",
            members.join(", ")
        )),
    ))
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
    check_actor(sources.promotion, request.to, request.actor).map_err(Refusal::Diagnostic)?;
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
        source_is_legitimate(sources, request.from, name)?;
        let wanted = sources.promotion.release_of(source);
        refuse_bad(sources.promotion, source, &wanted, request)?;
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
            replaced: Vec::new(),
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

/// E0611 when `app`'s release in `from` did not come through the chain itself (E0603 there):
/// promoting it would carry the problem one step further.
fn source_is_legitimate(sources: Sources<'_>, from: &str, app: &str) -> Result<(), Refusal> {
    let Some(problem) =
        super::illegitimate(sources.promotion, sources.project, sources.envs, from, app)
    else {
        return Ok(());
    };
    let mut refusal = Diagnostic::error(
        codes::ILLEGITIMATE_SOURCE,
        format!("`{app}` in `{from}` runs a release that did not come through the chain"),
    )
    .help(format!(
        "fix `{from}` first ({}: {}); then promote",
        problem.code.id, problem.message
    ));
    if let Some(label) = &problem.primary {
        refusal = refusal.at(label.span, label.message.clone());
    }
    Err(Refusal::Diagnostic(Box::new(refusal)))
}

/// The reason a release is marked bad in `app` (its `bad` entry for the release's tag).
pub fn bad_reason(app: &AppInstance, release: &Release) -> Option<String> {
    let tag = crate::promote::release_key(release)?;
    app.fields
        .get("bad")
        .and_then(Val::as_map)
        .and_then(|bad| bad.get(tag.as_str()))
        .and_then(Val::to_text)
}

/// E0614 when the release to promote is marked bad.
fn refuse_bad(
    promotion: &Promotion,
    source: &AppInstance,
    release: &Release,
    request: &PromoteRequest<'_>,
) -> Result<(), Refusal> {
    let Some(reason) = bad_reason(source, release) else {
        return Ok(());
    };
    let span = source
        .fields
        .get("bad")
        .and_then(Val::as_map)
        .and_then(|bad| crate::promote::release_key(release).and_then(|tag| bad.get(tag.as_str())))
        .map_or(promotion.span, |value| value.origin);
    Err(Refusal::Diagnostic(Box::new(
        Diagnostic::error(
            codes::BAD_RELEASE,
            format!(
                "`{}` {} is marked bad",
                source.name,
                release_short(release)
            ),
        )
        .at(span, format!("marked bad: {reason}"))
        .help(format!(
            "promote a fixed release instead: publish it on `{}` and let it walk the chain; or remove the mark if it was wrong",
            promotion.chain.first().map_or("", String::as_str)
        ))
        .note(format!("requested: {} -> {}", request.from, request.to)),
    )))
}

/// The refusal for an app `env` does not have, with the closest name.
fn unknown_app(env: &EnvInstance, name: &str) -> Refusal {
    let known = env.apps.iter().map(|app| app.name.as_str());
    let hint = did_you_mean(name, known)
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    Refusal::Usage(format!("no app `{name}` in `{}`{hint}", env.name))
}

/// Whether the target already runs the release, pins it, and carries no hot-fix or rollback
/// record the promotion should replace: then there is nothing to do. (A hot-fix that flowed
/// back is closed by the promotion of the same release: its record becomes a `promoted` one.)
fn settled(sources: Sources<'_>, target: Option<&AppInstance>, wanted: &Release, to: &str) -> bool {
    target.is_some_and(|target| {
        sources.promotion.release_of(target) == *wanted
            && target.fields.get("hotfix").is_none()
            && super::check::own_record(sources.project, target, "rollback", to).is_none()
            && sources.promotion.release.iter().all(|field| {
                target.fields.get(field.as_str()).is_some_and(|value| {
                    super::pinned_in(sources.project, &target.name, to, value.origin)
                })
            })
    })
}

/// The release fields of `app` that are set, each with its value as `.ehp` source.
pub(super) fn release_literals(promotion: &Promotion, app: &AppInstance) -> Vec<(String, String)> {
    promotion
        .release
        .iter()
        .filter_map(|field| {
            Some((
                field.clone(),
                print::source(app.fields.get(field.as_str())?),
            ))
        })
        .collect()
}

/// The entries of a `promoted` record: `from`, `by`, `reason` and `date`.
fn promoted_entries(request: &PromoteRequest<'_>) -> Vec<(String, String)> {
    let mut entries = vec![
        ("from".to_string(), quote(request.from)),
        ("by".to_string(), quote(request.actor)),
    ];
    if let Some(reason) = request.reason {
        entries.push(("reason".into(), quote(reason)));
    }
    entries.push(("date".into(), quote(request.date)));
    entries
}
