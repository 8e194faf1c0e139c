//! `ehp check`: everything `build` does except writing, and chart values checked against the
//! fetched charts; with `--against REV`, also that no protected release changed since REV
//! except by promotion or hot-fix (the range gate over every commit since REV, see
//! `promote::history`). Given a file or folder inside a project, it checks the whole
//! project and reports that part's problems.

use super::args::CheckArgs;
use super::charts::{check_charts, values_kept};
use super::history::run_gate;
use super::sources::{Loaded, load_project};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::Diagnostic;
use crate::emit;

/// `ehp check [PATH] [--against REV]`.
pub(super) fn run(args: &CheckArgs) -> Result<u8, UsageError> {
    let mut loaded = load_project(args.project.given(), None)?;
    let keep = values_kept(loaded.root());
    // The sources are handed over, unless `--against` reads them again.
    let files = if args.against.is_some() {
        loaded.files.clone()
    } else {
        loaded.take_texts()
    };
    let analysis = crate::analyze_preparing(files, &emit::PrepareValues::check(&keep));
    let result = judge(args, &loaded, &analysis);
    super::drop_at_exit((analysis, loaded));
    result
}

/// Checks an analysed project and reports what is wrong.
fn judge(args: &CheckArgs, loaded: &Loaded, analysis: &crate::Analysis) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let mut diagnostics = analysis.diagnostics.clone();
    if !analysis.has_errors() {
        diagnostics.extend(check_charts(
            loaded.root(),
            &analysis.envs,
            &analysis.project,
        )?);
    }
    let mut summary_line = None;
    if let Some(rev) = &args.against {
        let promotion = match crate::promote::plan::require_chain(analysis.promotion.as_ref()) {
            Ok(promotion) => promotion,
            Err(missing) => {
                diagnostics.push(*missing);
                reporter.report(&analysis.db, &diagnostics);
                return Ok(EXIT_FAILED);
            }
        };
        let run = run_gate(
            loaded.root(),
            rev,
            args.pull_request,
            analysis,
            &loaded.files,
        )?;
        diagnostics.extend(
            run.verdict
                .findings
                .iter()
                .map(|finding| finding.diagnostic(promotion, &analysis.envs)),
        );
        summary_line = Some(format!(
            "ok: {}; every change a publication, promotion, hot-fix or rollback by someone allowed to",
            run.verdict.summary(&run.base, &run.base_short)
        ));
    } else if !diagnostics.iter().any(Diagnostic::is_error) {
        // Everything `build` checks, so that a clean check means a build that succeeds; the
        // files themselves are not serialised.
        diagnostics.extend(emit::check(&analysis.envs));
        diagnostics.extend(loaded.check_project_files(&analysis.envs));
    }
    let (shown, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|diagnostic| loaded.in_focus(&analysis.db, diagnostic));
    if reporter.report(&analysis.db, &shown) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        report_elsewhere(loaded, &elsewhere);
        match summary_line {
            Some(line) => errln!("{line}"),
            None => errln!("ok: {}", summary(loaded, analysis.envs.len())),
        }
    }
    Ok(EXIT_OK)
}

/// The summary of a clean check: what was checked.
fn summary(loaded: &Loaded, environments: usize) -> String {
    let files = loaded
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".ehp"))
        .count();
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    let checked = format!(
        "{}, {}",
        plural(files, "file"),
        plural(environments, "environment")
    );
    match &loaded.focus {
        Some(focus) if focus.is_empty() => format!(". (in a project of {checked})"),
        Some(focus) => format!("{focus} (in a project of {checked})"),
        None => checked,
    }
}

/// Says, without listing them, that other parts of the project have problems.
fn report_elsewhere(loaded: &Loaded, elsewhere: &[Diagnostic]) {
    let errors = elsewhere.iter().filter(|found| found.is_error()).count();
    if errors > 0 {
        errln!(
            "note: other files of the project have {errors} error{}: `ehp check {}` shows them",
            if errors == 1 { "" } else { "s" },
            loaded.root().display()
        );
    }
}
