//! The incremental cache: what an earlier run found for each app (its type check; in each
//! environment its evaluation and the checks of its values), each with a fingerprint of the
//! sources it depends on, so that an editor's re-analysis redoes only the apps that changed.
//!
//! A run looks each app up once, by name; a finding whose fingerprint did not change is moved
//! from the earlier cache into the next one, never copied.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::diag::{Diagnostic, Problems};
use crate::resolve::Project;
use crate::source::{SourceDb, Span};
use crate::syntax::ast::AppDecl;
use crate::types::Schemas;

use super::checks::AppChecks;
use super::model::{AppInstance, FxIndexMap};

/// What an earlier run found per app, with a fingerprint of the sources each finding depends
/// on: the app's type check, and its evaluation and checks in each environment. An editor
/// re-analysing after a keystroke reuses every finding whose fingerprint did not change.
#[derive(Debug, Default)]
pub struct EvalCache {
    /// By app name.
    apps: FxIndexMap<String, AppCache>,
}

/// What a run found for one app.
#[derive(Debug)]
struct AppCache {
    /// The declaration, as the workspace's parse shares it: while it is the same, so are the
    /// sources of its print.
    decl: Arc<AppDecl>,
    /// The fingerprint of the declaration (see [`app_print`]).
    print: u64,
    /// The type check: its fingerprint and diagnostics.
    checked: Option<Check>,
    /// By environment.
    envs: Vec<EnvEntry>,
}

/// One evaluated app in one environment, with the fingerprint of its sources, the diagnostics
/// of its evaluation and what the checks of its values found.
#[derive(Debug)]
pub(super) struct EnvEntry {
    /// The environment's name.
    pub env: String,
    /// The fingerprint of the sources the app was evaluated from.
    pub fingerprint: u64,
    /// The evaluated app.
    pub app: Arc<AppInstance>,
    /// The diagnostics its evaluation gave.
    pub diagnostics: Vec<Diagnostic>,
    /// What the checks of its values found, when they found anything.
    pub checks: Option<Arc<AppChecks>>,
}

/// A type check: its fingerprint and its diagnostics.
type Check = (u64, Arc<[Diagnostic]>);

/// What a run gives the next run's cache for one app in one environment.
pub(super) enum Slot {
    /// The earlier run's entry, unchanged.
    Reused,
    /// A new entry.
    Fresh(Box<EnvEntry>),
}

/// The findings of this run, for [`Reuse::finish`]: the slots of each environment (by app
/// index) and the type check of each app.
#[derive(Default)]
pub struct Found {
    pub(super) envs: Vec<(String, Vec<(usize, Slot)>)>,
    checked: Vec<Option<Check>>,
}

/// This run's fingerprints, with the earlier run's findings for each app of the project.
pub struct Reuse {
    templates: Vec<u64>,
    envs: Vec<u64>,
    env_names: u64,
    /// By app index: the app's print and the earlier run's findings for an app of that name
    /// (with the name as the earlier cache held it, to be kept).
    apps: Vec<(u64, Option<(String, AppCache)>)>,
}

impl Reuse {
    /// Fingerprints the sources of `project` (in `db`), and takes from `previous` what it
    /// found for each app.
    pub fn new(project: &Project, db: &SourceDb, previous: EvalCache) -> Reuse {
        let template_span = |link: usize| project.templates.get(link).map(|decl| decl.span);
        let env_span = |link: usize| project.envs.get(link).map(|decl| decl.span);
        let mut names = rustc_hash::FxHasher::default();
        for name in project.env_index.keys() {
            name.hash(&mut names);
        }
        let mut previous = previous.apps;
        let apps = project
            .apps
            .iter()
            .map(|decl| {
                let known = previous
                    .swap_remove_full(decl.name.name.as_str())
                    .map(|(_, name, known)| (name, known));
                let print = match &known {
                    Some((_, known)) if Arc::ptr_eq(&known.decl, decl) => known.print,
                    _ => app_print(db, decl),
                };
                (print, known)
            })
            .collect();
        Reuse {
            templates: chain_prints(db, &project.template_chains, template_span),
            envs: chain_prints(db, &project.env_chains, env_span),
            env_names: names.finish(),
            apps,
        }
    }

    /// The fingerprint of the app at `index` (with template `template`) in environment `env`
    /// (indices into the project): the app's own, its template chain's and its environment
    /// chain's.
    pub(super) fn fingerprint(&self, index: usize, template: usize, env: usize) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        self.apps
            .get(index)
            .map(|(print, _)| print)
            .hash(&mut hasher);
        self.templates.get(template).hash(&mut hasher);
        self.envs.get(env).hash(&mut hasher);
        hasher.finish()
    }

    /// The earlier run's entry for the app at `index` in environment `env`, when its sources
    /// had the same fingerprint.
    pub(super) fn unchanged(&self, index: usize, env: &str, fingerprint: u64) -> Option<&EnvEntry> {
        let (_, known) = self.apps.get(index)?;
        known
            .as_ref()?
            .1
            .envs
            .iter()
            .find(|entry| entry.env == env && entry.fingerprint == fingerprint)
    }

    /// Type-checks every app (as `types::check_project` does), reusing the earlier run's check
    /// of each app whose declaration, template chain and the project's environment names did
    /// not change; records the checks in `found`.
    pub fn check_apps(
        &self,
        project: &Project,
        schemas: &Schemas,
        found: &mut Found,
        problems: &mut Problems,
    ) {
        // The checks the earlier run has are taken here; only the others are done on all
        // cores.
        let mut checked: Vec<Result<Check, u64>> = (0..project.apps.len())
            .map(|index| self.reused_check(project, index))
            .collect();
        let missing: Vec<(usize, u64)> = checked
            .iter()
            .enumerate()
            .filter_map(|(index, check)| check.as_ref().err().map(|print| (index, *print)))
            .collect();
        let done = crate::parallel::map_chunks(&missing, |chunk| {
            chunk
                .iter()
                .map(|&(index, fingerprint)| {
                    let mut problems = Problems::new();
                    crate::types::check_app(project, schemas, index, &mut problems);
                    (index, (fingerprint, problems.as_slice().into()))
                })
                .collect::<Vec<_>>()
        });
        for (index, check) in done.into_iter().flatten() {
            if let Some(slot) = checked.get_mut(index) {
                *slot = Ok(check);
            }
        }
        found.checked = checked.into_iter().map(Result::ok).collect();
        for (_, diagnostics) in found.checked.iter().flatten() {
            for diagnostic in diagnostics.iter() {
                problems.push(diagnostic.clone());
            }
        }
    }

    /// The earlier run's type check of the app at `index` (its fingerprint and diagnostics)
    /// when it still holds; else the fingerprint of the check to do.
    fn reused_check(&self, project: &Project, index: usize) -> Result<Check, u64> {
        let Some((print, known)) = self.apps.get(index) else {
            return Err(0);
        };
        let mut hasher = rustc_hash::FxHasher::default();
        print.hash(&mut hasher);
        let template = project.app_templates.get(index).copied().flatten();
        template
            .and_then(|template| self.templates.get(template))
            .hash(&mut hasher);
        self.env_names.hash(&mut hasher);
        let fingerprint = hasher.finish();
        known
            .as_ref()
            .and_then(|(_, known)| known.checked.as_ref())
            .filter(|(known, _)| *known == fingerprint)
            .map(|(_, diagnostics)| (fingerprint, Arc::clone(diagnostics)))
            .ok_or(fingerprint)
    }

    /// The cache for the next run: this run's findings, the reused ones moved from the
    /// earlier run's.
    pub fn finish(self, project: &Project, found: Found) -> EvalCache {
        let mut checked = found.checked.into_iter();
        let mut apps: Vec<(String, AppCache, Vec<EnvEntry>)> = project
            .apps
            .iter()
            .zip(self.apps)
            .map(|(decl, (print, known))| {
                let (name, decl, earlier) = match known {
                    // The same declaration: its name and pointer are kept as they are.
                    Some((name, known)) if Arc::ptr_eq(&known.decl, decl) => {
                        (name, known.decl, known.envs)
                    }
                    Some((name, known)) => (name, Arc::clone(decl), known.envs),
                    None => (decl.name.name.to_string(), Arc::clone(decl), Vec::new()),
                };
                let app = AppCache {
                    decl,
                    print,
                    checked: checked.next().flatten(),
                    envs: Vec::with_capacity(earlier.len()),
                };
                (name, app, earlier)
            })
            .collect();
        for (env, slots) in found.envs {
            for (index, slot) in slots {
                let Some((_, app, earlier)) = apps.get_mut(index) else {
                    continue;
                };
                match slot {
                    Slot::Reused => {
                        if let Some(at) = earlier.iter().position(|entry| entry.env == env) {
                            app.envs.push(earlier.swap_remove(at));
                        }
                    }
                    Slot::Fresh(entry) => app.envs.push(*entry),
                }
            }
        }
        let mut cache = EvalCache::default();
        cache.apps.reserve(apps.len());
        for (name, app, _) in apps {
            cache.apps.insert(name, app);
        }
        cache
    }
}

/// The fingerprint of each chain: the declarations of its links (`span_of` finds a link's).
fn chain_prints(
    db: &SourceDb,
    chains: &[Vec<usize>],
    span_of: impl Fn(usize) -> Option<Span>,
) -> Vec<u64> {
    chains
        .iter()
        .map(|chain| {
            let mut hasher = rustc_hash::FxHasher::default();
            for span in chain.iter().filter_map(|&link| span_of(link)) {
                fingerprint_of(db, span, &mut hasher);
            }
            hasher.finish()
        })
        .collect()
}

/// The fingerprint of an app: its declaration, and the overrides added to it from elsewhere
/// (a developer's private file).
fn app_print(db: &SourceDb, app: &AppDecl) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    fingerprint_of(db, app.span, &mut hasher);
    for over in &app.overrides {
        if over.span.file != app.span.file
            || over.span.start < app.span.start
            || over.span.end > app.span.end
        {
            fingerprint_of(db, over.span, &mut hasher);
        }
    }
    hasher.finish()
}

/// Hashes a declaration: its place and its text.
fn fingerprint_of(db: &SourceDb, span: Span, into: &mut impl Hasher) {
    span.hash(into);
    db.slice(span).hash(into);
}
