//! The charts of a run: `ehp charts fetch` (the only command that uses the network), and the
//! chart check `check` and `build` add, from the lock file and the cache only.

use std::path::Path;

use super::args::ChartsFetchArgs;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::Diagnostic;
use crate::eval::model::{AppInstance, EnvInstance, ValMap};
use crate::resolve::Project;
use crate::store::{self, Store};

/// `ehp charts fetch [PATH]`: `ehp.lock` is written at the project's root.
pub(super) fn fetch(args: &ChartsFetchArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let loaded = load_project(args.project.given(), None)?;
    let analysis = crate::analyze(&loaded.files);
    if analysis.has_errors() {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let required = crate::charts::required(&analysis.envs);
    let store = Store::for_project(loaded.root());
    let outcome = store::fetch(&store, &required)?;
    let mut diagnostics = analysis.diagnostics;
    diagnostics.extend(outcome.diagnostics);
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    let lock = if outcome.lock_written {
        format!("; wrote {}", store.lock_path().display())
    } else {
        format!("; {} is up to date", store.lock_path().display())
    };
    errln!(
        "charts: {} fetched, {} already in the cache {}{lock}",
        outcome.downloaded.len(),
        outcome.cached.len(),
        store.cache.display()
    );
    Ok(EXIT_OK)
}

/// Which apps' chart values a build or check of the project at `path` keeps once their values
/// files are made: those the chart check may read (see [`Store::may_check`]); every app's when
/// the lock file cannot be read (the chart check then says why).
pub(super) fn values_kept(path: &Path) -> impl Fn(&ValMap, &AppInstance) -> bool + Sync + use<> {
    let lock = Store::for_project(path).read_lock();
    move |settings, app| match &lock {
        Err(_) => true,
        Ok(lock) => crate::charts::chart_parts(settings, app)
            .is_some_and(|chart| Store::may_check(lock.as_ref(), chart)),
    }
}

/// The chart check of the project at `path`: every app's values in `envs` against its chart,
/// from the lock file and the cache. Never touches the network.
pub(super) fn check_charts(
    path: &Path,
    envs: &[EnvInstance],
    project: &Project,
) -> Result<Vec<Diagnostic>, UsageError> {
    let required = crate::charts::required(envs);
    if required.is_empty() {
        return Ok(Vec::new());
    }
    let set = Store::for_project(path).load(&required)?;
    let named = crate::emit::project_files(envs);
    let files = store::read_values_files(
        path,
        named
            .iter()
            .filter(|file| file.values)
            .map(|file| file.path.as_str()),
    );
    Ok(crate::charts::check_with_files(
        envs, project, &set, &files, &required,
    ))
}
