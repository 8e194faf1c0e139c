//! The charts of a run: `ehp charts fetch` (the only command that uses the network), and the
//! chart check `check` and `build` add, from the lock file and the cache only.

use std::path::Path;

use super::args::ChartsFetchArgs;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::Diagnostic;
use crate::eval::model::EnvInstance;
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
    // The project's values files, parsed; one that cannot be read is reported elsewhere (E0534,
    // E0535) and left out here.
    let mut files = crate::charts::ValuesFiles::new();
    for file in crate::emit::project_files(envs) {
        if !file.values || files.contains_key(&file.path) {
            continue;
        }
        let parsed = std::fs::read_to_string(path.join(&file.path))
            .ok()
            .and_then(|text| crate::charts::yaml_to_json(&text, &file.path).ok());
        if let Some(parsed) = parsed {
            files.insert(file.path, parsed);
        }
    }
    Ok(crate::charts::check_with_files(envs, project, &set, &files))
}
