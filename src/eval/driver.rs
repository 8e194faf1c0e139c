//! The parallel driver: every concrete environment evaluated on its own thread (settings, then
//! each app, reusing cached apps), its value checks run, and the diagnostics of all
//! environments merged so that one mistake seen in several is reported once.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Problems};
use crate::resolve::Project;
use crate::source::Span;
use crate::types::Schemas;

use super::app::{AppTarget, evaluate_app};
use super::cache::{EnvEntry, Found, Reuse, Slot};
use super::checks;
use super::frame::Context;
use super::model::{AppInstance, EnvInstance, Prepare, ValMap};
use super::settings::env_settings;
use super::share::Sharing;

/// Like [`evaluate`](super::evaluate), reusing the apps of `reuse` (this run's fingerprints
/// and an earlier cache) whose sources did not change; returns the environments, and records
/// what it found for the next run's cache in `found`.
pub fn evaluate_incremental(
    project: &Project,
    schemas: &Schemas,
    reuse: Option<&Reuse>,
    found: &mut Found,
    problems: &mut Problems,
) -> Vec<EnvInstance> {
    let how = How {
        reuse,
        prepare: None,
        share: true,
    };
    evaluate_with(project, schemas, how, found, problems)
}

/// Like [`evaluate`](super::evaluate), with every app computed on its own in each environment,
/// sharing nothing between environments: the reference the sharing is held to (`tests/cases.rs`
/// runs every case both ways).
pub fn evaluate_unshared(
    project: &Project,
    schemas: &Schemas,
    problems: &mut Problems,
) -> Vec<EnvInstance> {
    let mut found = Found::default();
    let how = How {
        reuse: None,
        prepare: None,
        share: false,
    };
    evaluate_with(project, schemas, how, &mut found, problems)
}

/// Like [`evaluate`](super::evaluate), handing each app to `prepare` on the thread that
/// evaluated it (see [`Prepare`]).
pub fn evaluate_preparing(
    project: &Project,
    schemas: &Schemas,
    prepare: &dyn Prepare,
    problems: &mut Problems,
) -> Vec<EnvInstance> {
    let mut found = Found::default();
    let how = How {
        reuse: None,
        prepare: Some(prepare),
        share: true,
    };
    evaluate_with(project, schemas, how, &mut found, problems)
}

/// How the apps are evaluated: reusing an editor's cache, prepared for a front end, sharing
/// what is the same in every environment (see `Sharing`).
#[derive(Clone, Copy)]
struct How<'a> {
    reuse: Option<&'a Reuse>,
    prepare: Option<&'a dyn Prepare>,
    share: bool,
}

fn evaluate_with(
    project: &Project,
    schemas: &Schemas,
    how: How<'_>,
    found: &mut Found,
    problems: &mut Problems,
) -> Vec<EnvInstance> {
    let reuse = how.reuse;
    let work = concrete_envs(project);
    let results = evaluate_envs(project, schemas, &work, how);
    let mut scoped = EnvScoped::default();
    let mut envs = Vec::new();
    let mut missing_repos = Vec::new();
    for result in results {
        for diagnostic in result.diagnostics {
            scoped.push(&result.instance.name, diagnostic);
        }
        missing_repos.extend(result.missing_repos);
        if reuse.is_some() {
            found
                .envs
                .push((result.instance.name.clone(), result.cached));
        }
        envs.push(result.instance);
    }
    scoped.finish(problems);
    for diagnostic in checks::undeclared_repos(project, missing_repos) {
        problems.push(diagnostic);
    }
    envs
}

/// The apps of one environment whose checks found something: their positions among the
/// environment's apps, with what the checks found.
type Checked = Vec<(usize, Arc<checks::AppChecks>)>;

/// A concrete environment to evaluate.
struct EnvWork<'a> {
    name: &'a str,
    /// Its index in the project.
    index: usize,
    /// Where its name is declared.
    span: Span,
    /// Its chain, root first.
    chain: &'a [usize],
}

/// The concrete environments with an unbroken chain, sorted by name.
fn concrete_envs(project: &Project) -> Vec<EnvWork<'_>> {
    let mut work: Vec<EnvWork<'_>> = project
        .envs
        .iter()
        .enumerate()
        .filter(|(_, env)| !env.is_abstract)
        .filter_map(|(index, env)| {
            let chain = project
                .env_chains
                .get(index)
                .filter(|chain| !chain.is_empty())?;
            Some(EnvWork {
                name: env.name.name.as_str(),
                index,
                span: env.name.span,
                chain,
            })
        })
        .collect();
    work.sort_unstable_by_key(|env| (env.name, env.index));
    work
}

/// One evaluated environment, its diagnostics and its apps for the next run's cache.
struct EnvResult {
    instance: EnvInstance,
    diagnostics: Vec<Diagnostic>,
    /// Charts whose repository the environment does not declare.
    missing_repos: Vec<checks::MissingRepo>,
    /// The apps for the next run's cache, by index.
    cached: Vec<(usize, Slot)>,
}

/// One evaluated app in one environment, its diagnostics, what the checks of its values found,
/// and its cache entry.
struct AppResult {
    app: Arc<AppInstance>,
    diagnostics: Vec<Diagnostic>,
    /// What the checks of its values found, when they found anything.
    checks: Option<Arc<checks::AppChecks>>,
    cached: Option<(usize, Slot)>,
}

/// The settings of each environment, with what evaluating them found.
fn settings_of(
    project: &Project,
    schemas: &Schemas,
    work: &[EnvWork<'_>],
) -> Vec<(ValMap, Vec<Diagnostic>)> {
    work.iter()
        .map(|env| {
            let mut diagnostics = Vec::new();
            let settings = env_settings(
                project,
                schemas,
                env.name,
                env.span,
                env.chain,
                &mut diagnostics,
            );
            (settings, diagnostics)
        })
        .collect()
}

/// Evaluates every environment: the settings of each, then every app of every environment as
/// one item of work on all cores (environments are independent, and so are apps once their
/// environment's settings are known), checking each app's values as it is evaluated, then the
/// host clashes between the apps of each environment; in name order.
fn evaluate_envs(
    project: &Project,
    schemas: &Schemas,
    work: &[EnvWork<'_>],
    how: How<'_>,
) -> Vec<EnvResult> {
    let settings = settings_of(project, schemas, work);
    let facts: Vec<checks::EnvFacts<'_>> = work
        .iter()
        .zip(&settings)
        .map(|(env, (settings, _))| checks::EnvFacts::of(env.name, settings))
        .collect();
    let order = apps_by_name(project);
    // App by app, each in every environment one after the other, so that what is the same in
    // every environment is computed once (see `Sharing`).
    let items: Vec<(usize, usize)> = order
        .iter()
        .flat_map(|&app| (0..work.len()).map(move |env| (env, app)))
        .collect();
    let evaluated = evaluate_items(
        project,
        schemas,
        &Envs {
            work,
            settings: &settings,
            facts: &facts,
        },
        &items,
        how,
    );
    drop(facts);
    let mut results: Vec<EnvResult> = work
        .iter()
        .zip(settings)
        .map(|(env, (settings, diagnostics))| EnvResult {
            instance: EnvInstance {
                name: env.name.to_string(),
                settings,
                apps: Vec::new(),
                span: env.span,
            },
            diagnostics,
            missing_repos: Vec::new(),
            cached: Vec::new(),
        })
        .collect();
    // Per environment, the apps whose checks found something, by position.
    let mut checked: Vec<Checked> = work.iter().map(|_| Vec::new()).collect();
    // The items come back in order: app by app, by name, each in every environment.
    for (position, app) in evaluated.into_iter().flatten() {
        if let (Some(result), Some(checked)) =
            (results.get_mut(position), checked.get_mut(position))
        {
            result.diagnostics.extend(app.diagnostics);
            if let Some(found) = app.checks {
                result.diagnostics.extend_from_slice(&found.diagnostics);
                result.missing_repos.extend_from_slice(&found.missing);
                checked.push((result.instance.apps.len(), found));
            }
            result.cached.extend(app.cached);
            result.instance.apps.push(app.app);
        }
    }
    add_host_clashes(&mut results, &checked);
    results
}

/// Adds to each environment's diagnostics the DNS host clashes between its apps, given the
/// apps whose checks found something (by position) with what they found.
fn add_host_clashes(results: &mut [EnvResult], checked: &[Checked]) {
    let envs: Vec<(&EnvResult, &Checked)> = results.iter().zip(checked).collect();
    let clashes = crate::parallel::map_chunks(&envs, |chunk| {
        chunk
            .iter()
            .map(|(result, checked)| {
                let mut diagnostics = Vec::new();
                let hosts = checked.iter().filter_map(|(at, found)| {
                    let app = result.instance.apps.get(*at)?;
                    Some((app.name.as_str(), found.hosts.as_slice()))
                });
                checks::host_clashes(hosts, &mut diagnostics);
                diagnostics
            })
            .collect::<Vec<_>>()
    });
    drop(envs);
    for (result, diagnostics) in results.iter_mut().zip(clashes.into_iter().flatten()) {
        result.diagnostics.extend(diagnostics);
    }
}

/// The environments being evaluated, with their settings and what their checks read.
struct Envs<'a> {
    work: &'a [EnvWork<'a>],
    settings: &'a [(ValMap, Vec<Diagnostic>)],
    facts: &'a [checks::EnvFacts<'a>],
}

impl Envs<'_> {
    /// The environment at `position`.
    fn at(&self, position: usize) -> Option<EnvAt<'_>> {
        Some(EnvAt {
            work: self.work.get(position)?,
            settings: &self.settings.get(position)?.0,
            facts: self.facts.get(position)?,
        })
    }
}

/// Every item (environment position, app index) evaluated, in order, with its environment
/// position: what the cache already has is taken here, and only the rest is evaluated on all
/// cores (after a keystroke, a handful of items: no thread waits on a busy machine for the
/// bookkeeping of thousands).
fn evaluate_items(
    project: &Project,
    schemas: &Schemas,
    envs: &Envs<'_>,
    items: &[(usize, usize)],
    how: How<'_>,
) -> Vec<Option<(usize, AppResult)>> {
    let How {
        reuse,
        prepare,
        share,
    } = how;
    let mut done: Vec<Option<(usize, AppResult)>> = items
        .iter()
        .map(|&(position, app)| {
            let env = envs.at(position)?;
            Some((position, reused(project, schemas, &env, app, reuse?)?))
        })
        .collect();
    let missing: Vec<(usize, (usize, usize))> = items
        .iter()
        .zip(&done)
        .enumerate()
        .filter(|(_, (_, done))| done.is_none())
        .map(|(slot, (item, _))| (slot, *item))
        .collect();
    let evaluated = crate::parallel::map_chunks(&missing, |chunk| {
        let mut sharing = Sharing::new(usize::MAX);
        chunk
            .iter()
            .filter_map(|&(slot, (position, app))| {
                let env = envs.at(position)?;
                if !share || sharing.app != app {
                    sharing.next_app(app);
                }
                let mut result = evaluate_one(project, schemas, &env, app, reuse, &mut sharing)?;
                if let Some(prepare) = prepare {
                    prepare_app(prepare, env.work.name, env.settings, &mut result.app);
                }
                Some((slot, (position, result)))
            })
            .collect::<Vec<_>>()
    });
    for (slot, result) in evaluated.into_iter().flatten() {
        if let Some(done) = done.get_mut(slot) {
            *done = Some(result);
        }
    }
    done
}

/// The app at `index` in one environment as the cache has it, when its sources did not
/// change.
fn reused(
    project: &Project,
    schemas: &Schemas,
    env: &EnvAt<'_>,
    index: usize,
    reuse: &Reuse,
) -> Option<AppResult> {
    let target = AppTarget::of(project, schemas, index)?;
    let fingerprint = reuse.fingerprint(index, target.template, env.work.index);
    let entry = reuse.unchanged(index, env.work.name, fingerprint)?;
    Some(AppResult {
        app: Arc::clone(&entry.app),
        diagnostics: entry.diagnostics.clone(),
        checks: entry.checks.clone(),
        cached: Some((index, Slot::Reused)),
    })
}

/// A concrete environment whose settings are known.
struct EnvAt<'a> {
    work: &'a EnvWork<'a>,
    settings: &'a ValMap,
    facts: &'a checks::EnvFacts<'a>,
}

/// Evaluates the app at `index` in one environment and checks its values, or reuses both from
/// the cache when its sources did not change; `None` when its template is broken (already
/// reported).
fn evaluate_one(
    project: &Project,
    schemas: &Schemas,
    env: &EnvAt<'_>,
    index: usize,
    reuse: Option<&Reuse>,
    sharing: &mut Sharing,
) -> Option<AppResult> {
    if let Some(result) = reuse.and_then(|reuse| reused(project, schemas, env, index, reuse)) {
        return Some(result);
    }
    let target = AppTarget::of(project, schemas, index)?;
    let app_name = target.decl.name.name.as_str();
    let fingerprint = reuse.map(|reuse| reuse.fingerprint(index, target.template, env.work.index));
    let mut found = Vec::new();
    let context = Context {
        env_name: env.work.name,
        env_span: env.work.span,
        env: Some(env.settings),
        env_schema: Some(&schemas.env),
        app: Some((app_name, &target.decl.template.name, target.decl.name.span)),
        diagnostics: &mut found,
    };
    let instance = Arc::new(evaluate_app(
        project,
        &target,
        env.work.chain,
        context,
        sharing,
    ));
    let checks = checks::app_checks(env.facts, &instance, schemas, project);
    let checks = (!checks.is_empty()).then(|| Arc::new(checks));
    let cached = fingerprint.map(|fingerprint| {
        let entry = EnvEntry {
            env: env.work.name.to_string(),
            fingerprint,
            app: Arc::clone(&instance),
            diagnostics: found.clone(),
            checks: checks.clone(),
        };
        (index, Slot::Fresh(Box::new(entry)))
    });
    Some(AppResult {
        app: instance,
        diagnostics: found,
        checks,
        cached,
    })
}

/// Hands an app just evaluated to `prepare`, and drops its chart values when they are no
/// longer needed.
fn prepare_app(prepare: &dyn Prepare, env: &str, settings: &ValMap, app: &mut Arc<AppInstance>) {
    let prepared = prepare.prepare(env, settings, app);
    // Apps are shared only with an editor's cache, which never prepares.
    let app = Arc::make_mut(app);
    if !prepared.values_kept {
        app.values = ValMap::default();
    }
    app.prepared = Some(prepared);
}

/// The indices of the project's apps, sorted by app name.
fn apps_by_name(project: &Project) -> Vec<usize> {
    let mut order: Vec<(&str, usize)> = project
        .apps
        .iter()
        .enumerate()
        .map(|(index, app)| (app.name.name.as_str(), index))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, index)| index).collect()
}

/// Diagnostics found while evaluating environments, merged across environments so that one
/// mistake seen in four environments is reported once, naming the four.
#[derive(Default)]
struct EnvScoped {
    seen: IndexMap<ScopedKey, (Diagnostic, Vec<String>)>,
}

/// Diagnostics with the same code, message and place are the same mistake.
type ScopedKey = (&'static str, String, Option<Span>);

impl EnvScoped {
    fn push(&mut self, env: &str, diagnostic: Diagnostic) {
        let key = (
            diagnostic.code.id,
            diagnostic.message.clone(),
            diagnostic.primary.as_ref().map(|l| l.span),
        );
        let entry = self
            .seen
            .entry(key)
            .or_insert_with(|| (diagnostic, Vec::new()));
        if !entry.1.iter().any(|known| known == env) {
            entry.1.push(env.to_string());
        }
    }

    fn finish(self, problems: &mut Problems) {
        for (_, (diagnostic, envs)) in self.seen {
            let plural = if envs.len() == 1 {
                "environment"
            } else {
                "environments"
            };
            problems.push(diagnostic.note(format!("in {plural} {}", envs.join(", "))));
        }
    }
}
