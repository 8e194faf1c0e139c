//! `ehp check`: everything `build` does except writing, and chart values checked against the
//! fetched charts; with `--against REV`, also that no
//! protected release changed since REV except by promotion or hot-fix.

use std::path::Path;

use super::args::CheckArgs;
use super::charts::check_charts;
use super::report::Reporter;
use super::sources::{collect_sources, source_label};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::Diagnostic;
use crate::emit::{self, DsfFormat, EmitOptions};
use crate::promote::changed_without_promotion;

/// `ehp check PATH [--against REV]`.
pub(super) fn run(args: &CheckArgs, reporter: Reporter) -> Result<u8, UsageError> {
    match &args.against {
        Some(rev) => check_against(&args.path, rev, reporter),
        None => check(&args.path, reporter),
    }
}

/// `ehp check PATH --against REV`: the usual check, and no protected environment's release
/// changed since REV except by a promotion or a marked hot-fix.
fn check_against(path: &Path, rev: &str, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    let mut diagnostics = analysis.diagnostics.clone();
    if !analysis.has_errors() {
        diagnostics.extend(check_charts(path, &analysis.envs, &analysis.project)?);
    }
    let base_files = crate::git::files_at(path, path.is_file(), rev).map_err(UsageError)?;
    let base = crate::analyze(&base_files);
    if let Some(promotion) = &analysis.promotion {
        diagnostics.extend(changed_without_promotion(
            promotion,
            &analysis.project,
            &analysis.envs,
            &base.envs,
            rev,
        ));
    }
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        eprintln!("ok: no protected release changed since {rev} except by promotion or hot-fix");
    }
    Ok(EXIT_OK)
}

/// `ehp check PATH`: everything `build` does except writing, so that a clean check means a
/// build that succeeds.
fn check(path: &Path, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    let mut diagnostics = analysis.diagnostics;
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let options = EmitOptions {
            dsf_format: DsfFormat::Yaml,
            source_label: source_label(path),
        };
        diagnostics.extend(emit::emit(&analysis.envs, &options).diagnostics);
        diagnostics.extend(check_charts(path, &analysis.envs, &analysis.project)?);
    }
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        let environments = if analysis.envs.len() == 1 {
            "environment"
        } else {
            "environments"
        };
        eprintln!(
            "ok: {} files, {} {environments}",
            files.len(),
            analysis.envs.len()
        );
    }
    Ok(EXIT_OK)
}
