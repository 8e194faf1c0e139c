//! `ehp promote`: copy apps' releases one step along the promotion chain by editing the
//! sources; and the loading and editing `hotfix` and `status` share with it. The rules and the
//! edits are planned by `promote::plan`; this module reads, reports and writes.

use std::path::Path;

use super::args::PromoteArgs;
use super::report::Reporter;
use super::rewrite::replace_source;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::Analysis;
use crate::diag::Diagnostic;
use crate::promote::date::civil_date;
use crate::promote::edit::{self, Edit};
use crate::promote::plan::{
    self, PromoteRequest, Refusal, Sources, blocks_edit, is_chain_problem, require_chain,
};
use crate::source::SourceDb;

/// `ehp promote APP... --from A --to B`.
pub(super) fn run(args: &PromoteArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let date = args.date.clone().unwrap_or_else(today);
    let request = PromoteRequest {
        apps: &args.apps,
        all: args.all,
        from: &args.from,
        to: &args.to,
        actor: &args.actor,
        reason: args.reason.as_deref(),
        date: &date,
    };
    edit_releases(args.project.given(), args.dry_run, reporter, |sources| {
        let planned = plan::plan_promotion(sources, &request)?;
        for settled in &planned.settled {
            errln!("{}", settled.message());
        }
        Ok(planned.edits)
    })
}

/// Loads the project at `path` (see [`load_for_promotion`]), plans an edit of its releases
/// with `plan`, and applies it (or shows it with `dry_run`); a refusal is reported.
pub(super) fn edit_releases(
    path: &Path,
    dry_run: bool,
    reporter: Reporter,
    plan: impl FnOnce(Sources<'_>) -> Result<Vec<Edit>, Refusal>,
) -> Result<u8, UsageError> {
    let (files, analysis) = match load_for_promotion(path, reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = &analysis.promotion else {
        return Ok(EXIT_FAILED);
    };
    let sources = Sources {
        db: &analysis.db,
        project: &analysis.project,
        envs: &analysis.envs,
        promotion,
    };
    match plan(sources) {
        Ok(edits) => apply_edits(&files, &analysis.db, &edits, dry_run, reporter),
        Err(refusal) => refuse(reporter, &analysis.db, refusal),
    }
}

/// The time now, in seconds since 1970 (UTC): `SOURCE_DATE_EPOCH` when it is set, as
/// reproducible builds do, so that recorded dates and reports can be reproduced.
pub(super) fn now_seconds() -> i64 {
    if let Some(fixed) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<i64>().ok())
    {
        return fixed;
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    i64::try_from(seconds).unwrap_or(0)
}

/// Today's date (UTC), as YYYY-MM-DD.
pub(super) fn today() -> String {
    civil_date(now_seconds().div_euclid(86_400))
}

/// Reports why a promotion or hot-fix is refused: a diagnostic (exit 1) or a usage error.
fn refuse(reporter: Reporter, db: &SourceDb, refusal: Refusal) -> Result<u8, UsageError> {
    match refusal {
        Refusal::Diagnostic(diagnostic) => {
            reporter.report(db, &[*diagnostic]);
            Ok(EXIT_FAILED)
        }
        Refusal::Usage(message) => Err(UsageError(message)),
    }
}

/// Applies edits to the project's files (or shows them with `--dry-run`), after checking that
/// the edited project still compiles without errors.
fn apply_edits(
    files: &[(String, String)],
    db: &SourceDb,
    edits: &[Edit],
    dry_run: bool,
    reporter: Reporter,
) -> Result<u8, UsageError> {
    let changes = edit::apply_all(db, edits);
    let check = crate::analyze(&edit::edited_files(files, &changes));
    if blocks_edit(&check.diagnostics) {
        let errors: Vec<Diagnostic> = check
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error() && !is_chain_problem(diagnostic))
            .cloned()
            .collect();
        reporter.report(&check.db, &errors);
        return Err(UsageError("the edit would leave errors in the sources (shown above); nothing was changed: this is a bug in ehp, please report it".into()));
    }
    for change in &changes {
        let name = &change.name;
        if dry_run {
            let diff = similar::TextDiff::from_lines(change.before.as_str(), change.after.as_str());
            out!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            );
        } else {
            replace_source(Path::new(name), &change.before, &change.after)?;
            errln!("edited {name}");
        }
    }
    Ok(EXIT_OK)
}

/// The sources and analysis of a project `promote`, `hotfix` or `status` works on; or, after
/// reporting why not (errors that make an edit unsafe, or no promotion chain), the exit code.
#[allow(clippy::type_complexity)]
pub(super) fn load_for_promotion(
    path: &Path,
    reporter: Reporter,
) -> Result<Result<(Vec<(String, String)>, Analysis), u8>, UsageError> {
    let files = load_project(path, None)?.files;
    let analysis = crate::analyze(&files);
    if blocks_edit(&analysis.diagnostics) {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(Err(EXIT_FAILED));
    }
    if let Err(diagnostic) = require_chain(analysis.promotion.as_ref()) {
        reporter.report(&analysis.db, &[*diagnostic]);
        return Ok(Err(EXIT_FAILED));
    }
    Ok(Ok((files, analysis)))
}
