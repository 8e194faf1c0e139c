//! The incremental cache: the apps an earlier run evaluated, each with a fingerprint of the
//! sources it depends on, so that an editor's re-analysis reuses every app that did not change.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::Diagnostic;
use crate::resolve::Project;
use crate::source::{SourceDb, Span};
use crate::syntax::ast::AppDecl;

use super::model::AppInstance;

/// The apps evaluated by an earlier run, by environment and app, with a fingerprint of the
/// sources each depends on (its declaration, its template chain and its environment chain,
/// with their places). An editor re-analysing after a keystroke reuses every app whose
/// fingerprint did not change.
#[derive(Debug, Default, Clone)]
pub struct EvalCache {
    entries: IndexMap<(String, String), CacheEntry>,
}

/// An environment's name and an app's name: what a cache entry is for.
pub(super) type CacheKey = (String, String);

/// One evaluated app, with the fingerprint of its sources and its diagnostics.
#[derive(Debug, Clone)]
pub(super) struct CacheEntry {
    /// The fingerprint of the sources the app was evaluated from.
    pub fingerprint: u64,
    /// The evaluated app.
    pub app: Arc<AppInstance>,
    /// The diagnostics its evaluation gave.
    pub diagnostics: Vec<Diagnostic>,
}

impl EvalCache {
    /// Adds the entries of one environment.
    pub(super) fn extend(&mut self, entries: impl IntoIterator<Item = (CacheKey, CacheEntry)>) {
        self.entries.extend(entries);
    }
}

/// The fingerprints of every template chain and environment chain of a project, computed once
/// per run.
pub(super) struct ChainPrints {
    templates: Vec<u64>,
    envs: Vec<u64>,
}

impl ChainPrints {
    /// Fingerprints the chains of `project`, whose sources are in `db`.
    pub fn new(project: &Project, db: &SourceDb) -> ChainPrints {
        let template_span = |link: usize| project.templates.get(link).map(|decl| decl.span);
        let env_span = |link: usize| project.envs.get(link).map(|decl| decl.span);
        ChainPrints {
            templates: chain_prints(db, &project.template_chains, template_span),
            envs: chain_prints(db, &project.env_chains, env_span),
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

/// Hashes a declaration: its place and its text.
fn fingerprint_of(db: &SourceDb, span: Span, into: &mut impl Hasher) {
    span.hash(into);
    db.slice(span).hash(into);
}

/// Where to look up and what to fingerprint apps with: the sources and the previous cache.
#[derive(Clone, Copy)]
pub(super) struct Reuse<'a> {
    /// The sources of this run.
    pub db: &'a SourceDb,
    /// The cache of the earlier run.
    pub previous: &'a EvalCache,
    /// The fingerprints of this run's chains.
    pub chains: &'a ChainPrints,
}

impl<'a> Reuse<'a> {
    /// The fingerprint of an app (declared as `app`, with template `template`) in environment
    /// `env` (indices into the project): its declaration, and the overrides added to it from
    /// elsewhere (a developer's private file).
    pub fn fingerprint(&self, app: &AppDecl, template: usize, env: usize) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        fingerprint_of(self.db, app.span, &mut hasher);
        for over in &app.overrides {
            if over.span.file != app.span.file
                || over.span.start < app.span.start
                || over.span.end > app.span.end
            {
                fingerprint_of(self.db, over.span, &mut hasher);
            }
        }
        self.chains.templates.get(template).hash(&mut hasher);
        self.chains.envs.get(env).hash(&mut hasher);
        hasher.finish()
    }

    /// The earlier run's entry for `key`, when its sources had the same fingerprint.
    pub fn unchanged(&self, key: &CacheKey, fingerprint: u64) -> Option<&'a CacheEntry> {
        self.previous
            .entries
            .get(key)
            .filter(|entry| entry.fingerprint == fingerprint)
    }
}
