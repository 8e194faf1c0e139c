//! `ehp why`: where a field's value comes from, layer by layer.

use super::args::WhyArgs;
use super::report::Reporter;
use super::sources::collect_sources;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::eval::why::provenance;

/// `ehp why ENV APP FIELD`.
pub(super) fn run(args: &WhyArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(&args.path, None)?;
    let analysis = crate::analyze(&files);
    if analysis.has_errors() {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let parts: Vec<&str> = args.field.split('.').collect();
    let found = provenance(
        &analysis.project,
        &analysis.schemas,
        &args.env,
        &args.app,
        &parts,
    )
    .map_err(UsageError)?;
    print!(
        "{}",
        found.render(&analysis.db, &args.env, &args.app, &args.field)
    );
    Ok(EXIT_OK)
}
