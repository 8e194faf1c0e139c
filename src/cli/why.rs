//! `ehp why`: where a field's value comes from, layer by layer, in the sources of the branch the
//! environment is deployed from.

use super::args::WhyArgs;
use super::report::Reporter;
use super::revisions;
use super::sources::collect_sources;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::eval::why::provenance;

/// `ehp why ENV APP FIELD [--rev BRANCH=REV]... [--worktree]`.
pub(super) fn run(args: &WhyArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(&args.path, None)?;
    let worktree = crate::analyze(&files);
    if worktree.has_errors() {
        reporter.report(&worktree.db, &worktree.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let view = revisions::read(&args.path, &args.revisions, worktree)?;
    let (analysis, revision) = view.analysis_of(&args.env);
    if let Some(revision) = revision.filter(|revision| revision.commit.is_some()) {
        errln!("read {}", revision.text());
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
    out!(
        "{}",
        found.render(&analysis.db, &args.env, &args.app, &args.field)
    );
    Ok(EXIT_OK)
}
