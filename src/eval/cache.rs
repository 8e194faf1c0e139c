//! The incremental cache: what an earlier run found for each app (its type check; in each
//! environment its evaluation and the checks of its values), each with a fingerprint of the
//! sources it depends on, so that an editor's re-analysis redoes only the apps that changed.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Problems};
use crate::resolve::Project;
use crate::source::{SourceDb, Span};
use crate::syntax::ast::AppDecl;
use crate::types::Schemas;

use super::checks::AppChecks;
use super::model::AppInstance;

/// What an earlier run found per app, with a fingerprint of the sources each finding depends
/// on: the app's type check by app, and its evaluation and checks by environment and app. An
/// editor re-analysing after a keystroke reuses every finding whose fingerprint did not
/// change.
#[derive(Debug, Default, Clone)]
pub struct EvalCache {
    /// By environment name, then app name.
    envs: IndexMap<String, IndexMap<String, CacheEntry>>,
    /// The type check of each app, by app name.
    checked: IndexMap<String, (u64, Arc<[Diagnostic]>)>,
}

/// One evaluated app in one environment, with the fingerprint of its sources, the diagnostics
/// of its evaluation and what the checks of its values found.
#[derive(Debug, Clone)]
pub(super) struct CacheEntry {
    /// The fingerprint of the sources the app was evaluated from.
    pub fingerprint: u64,
    /// The evaluated app.
    pub app: Arc<AppInstance>,
    /// The diagnostics its evaluation gave.
    pub diagnostics: Vec<Diagnostic>,
    /// What the checks of its values found.
    pub checks: Arc<AppChecks>,
}

impl EvalCache {
    /// Adds the entries of one environment.
    pub(super) fn extend(
        &mut self,
        env: &str,
        entries: impl IntoIterator<Item = (String, CacheEntry)>,
    ) {
        self.envs
            .entry(env.to_string())
            .or_default()
            .extend(entries);
    }
}

/// The fingerprints of a project's sources that the findings of apps depend on, computed once
/// per run: every template chain, every environment chain, every app (its declaration and the
/// overrides added to it from elsewhere) and the names of the environments.
pub struct Prints {
    templates: Vec<u64>,
    envs: Vec<u64>,
    apps: Vec<u64>,
    env_names: u64,
}

impl Prints {
    /// Fingerprints the sources of `project`, which are in `db`.
    pub fn new(project: &Project, db: &SourceDb) -> Prints {
        let template_span = |link: usize| project.templates.get(link).map(|decl| decl.span);
        let env_span = |link: usize| project.envs.get(link).map(|decl| decl.span);
        let mut names = rustc_hash::FxHasher::default();
        for name in project.env_index.keys() {
            name.hash(&mut names);
        }
        Prints {
            templates: chain_prints(db, &project.template_chains, template_span),
            envs: chain_prints(db, &project.env_chains, env_span),
            apps: project.apps.iter().map(|app| app_print(db, app)).collect(),
            env_names: names.finish(),
        }
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

/// The sources' fingerprints of this run and the cache of the earlier run.
pub struct Reuse<'a> {
    /// The fingerprints of this run's sources.
    pub prints: Prints,
    /// The cache of the earlier run.
    pub previous: &'a EvalCache,
}

impl Reuse<'_> {
    /// The fingerprint of the app at `index` (with template `template`) in environment `env`
    /// (indices into the project): the app's own, its template chain's and its environment
    /// chain's.
    pub(super) fn fingerprint(&self, index: usize, template: usize, env: usize) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        self.prints.apps.get(index).hash(&mut hasher);
        self.prints.templates.get(template).hash(&mut hasher);
        self.prints.envs.get(env).hash(&mut hasher);
        hasher.finish()
    }

    /// The earlier run's entry for app `app` in environment `env`, when its sources had the
    /// same fingerprint.
    pub(super) fn unchanged(&self, env: &str, app: &str, fingerprint: u64) -> Option<&CacheEntry> {
        self.previous
            .envs
            .get(env)?
            .get(app)
            .filter(|entry| entry.fingerprint == fingerprint)
    }

    /// Type-checks every app (as `types::check_apps` does), reusing the earlier run's check of
    /// each app whose declaration, template chain and the project's environment names did not
    /// change; records the checks in `next`.
    pub fn check_apps(
        &self,
        project: &Project,
        schemas: &Schemas,
        next: &mut EvalCache,
        problems: &mut Problems,
    ) {
        let indices: Vec<usize> = (0..project.apps.len()).collect();
        let found = crate::parallel::map_chunks(&indices, |chunk| {
            chunk
                .iter()
                .filter_map(|&index| self.check_app(project, schemas, index))
                .collect::<Vec<_>>()
        });
        for (name, fingerprint, diagnostics) in found.into_iter().flatten() {
            for diagnostic in diagnostics.iter() {
                problems.push(diagnostic.clone());
            }
            next.checked.insert(name, (fingerprint, diagnostics));
        }
    }

    /// The type check of the app at `index`, reused or done: its name, fingerprint and
    /// diagnostics.
    fn check_app(
        &self,
        project: &Project,
        schemas: &Schemas,
        index: usize,
    ) -> Option<(String, u64, Arc<[Diagnostic]>)> {
        let app = project.apps.get(index)?;
        let mut hasher = rustc_hash::FxHasher::default();
        self.prints.apps.get(index).hash(&mut hasher);
        let template = project.app_templates.get(index).copied().flatten();
        template
            .and_then(|template| self.prints.templates.get(template))
            .hash(&mut hasher);
        self.prints.env_names.hash(&mut hasher);
        let fingerprint = hasher.finish();
        let name = app.name.name.clone();
        if let Some((_, diagnostics)) = self
            .previous
            .checked
            .get(&name)
            .filter(|(known, _)| *known == fingerprint)
        {
            return Some((name, fingerprint, Arc::clone(diagnostics)));
        }
        let mut found = Problems::new();
        crate::types::check_app(project, schemas, index, &mut found);
        Some((name, fingerprint, found.as_slice().into()))
    }
}
