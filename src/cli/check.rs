//! `ehp check`: everything `build` does except writing, and chart values checked against the
//! fetched charts; with `--against REV`, also the range gate over every commit since REV (see
//! `promote::history`).

use std::path::Path;

use super::args::CheckArgs;
use super::charts::check_charts;
use super::history::run_gate;
use super::report::Reporter;
use super::sources::{collect_sources, source_label};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::Diagnostic;
use crate::emit::{self, DsfFormat, EmitOptions};

/// `ehp check PATH [--against REV]`.
pub(super) fn run(args: &CheckArgs, reporter: Reporter) -> Result<u8, UsageError> {
    match &args.against {
        Some(rev) => check_against(&args.path, rev, args.pull_request, reporter),
        None => check(&args.path, reporter),
    }
}

/// `ehp check PATH --against REV [--pull-request]`: the usual check, and the range gate: every
/// change of a release since REV (in each commit, and in the working tree) is a publication,
/// a promotion from the environment before (which ran it), a hot-fix or a rollback, made by
/// someone the step's roles name; through a pull request, no privileged environment of the
/// branch it merges into changes.
fn check_against(
    path: &Path,
    rev: &str,
    pull_request: bool,
    reporter: Reporter,
) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    let mut diagnostics = analysis.diagnostics.clone();
    if !analysis.has_errors() {
        diagnostics.extend(check_charts(path, &analysis.envs, &analysis.project)?);
    }
    let promotion = match crate::promote::plan::require_chain(analysis.promotion.as_ref()) {
        Ok(promotion) => promotion,
        Err(missing) => {
            diagnostics.push(*missing);
            reporter.report(&analysis.db, &diagnostics);
            return Ok(EXIT_FAILED);
        }
    };
    let run = run_gate(path, rev, pull_request, &analysis, &files)?;
    diagnostics.extend(
        run.verdict
            .findings
            .iter()
            .map(|finding| finding.diagnostic(promotion, &analysis.envs)),
    );
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        errln!(
            "ok: {}; every change a publication, promotion, hot-fix or rollback by someone allowed to",
            run.verdict.summary(&run.base, &run.base_short)
        );
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
        errln!(
            "ok: {} files, {} {environments}",
            files.len(),
            analysis.envs.len()
        );
    }
    Ok(EXIT_OK)
}
