//! `ehp diff`: the desired state of the working tree against a git revision (with, for a
//! pull-request comment, the environments merging deploys, each release's record and the
//! gate's verdict), or of two environments, each read from its branch, as a unified diff or
//! Markdown.

use std::path::Path;

use super::args::{DiffArgs, DiffFormatArg};
use super::history::run_gate;
use super::report::Reporter;
use super::revisions;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::Analysis;
use crate::emit::{self, DsfFormat, EmitOptions, OutputFile};
use crate::eval::select::check_names;
use crate::promote::history::Table;
use crate::promote::plan::blocks_edit;
use crate::review::diff::{GateVerdict, Report, Review, Side};

/// `ehp diff [PATH] --base REV [--env E]... [--format unified|markdown] [--pull-request]`, or
/// `ehp diff [PATH] --from A --to B`.
pub(super) fn run(args: &DiffArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let loaded = load_project(args.project.given(), None)?;
    let path = loaded.root();
    let files = &loaded.files;
    let head = crate::analyze(files);
    // A release off the chain (E0603) still renders: the diff is how a reviewer sees it.
    if blocks_edit(&head.diagnostics) {
        reporter.report(&head.db, &head.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let named: Vec<String> = args
        .envs
        .envs
        .iter()
        .chain(args.from.iter())
        .chain(args.to.iter())
        .cloned()
        .collect();
    if let Err(diagnostic) = check_names(&head.project, &head.envs, &named) {
        reporter.report(&head.db, &[*diagnostic]);
        return Ok(EXIT_USAGE);
    }
    let options = EmitOptions {
        dsf_format: DsfFormat::Yaml,
        source_label: loaded.label.clone(),
        project_root: None,
    };
    let (report, review) = match args.base.as_deref() {
        Some(rev) => {
            let Some(base) = base_analysis(path, rev, reporter)? else {
                return Ok(EXIT_FAILED);
            };
            let review = if args.format == DiffFormatArg::Markdown {
                review(path, rev, args.pull_request, &head, files)?
            } else {
                Review::default()
            };
            let head_files = emit::emit(&head.envs, &options).files;
            let base_files = emit::emit(&base.envs, &options).files;
            let old = side(&base, &base_files, rev);
            let new = side(&head, &head_files, "working tree");
            let first = order(&head, &review);
            let report = crate::review::diff::between_revisions(old, new, &args.envs.envs, &first)
                .map_err(UsageError)?;
            (report, review)
        }
        None => (
            between_branches(args, path, head, &options)?,
            Review::default(),
        ),
    };
    let text = match args.format {
        DiffFormatArg::Unified => report.unified(),
        DiffFormatArg::Markdown => report.markdown_with(&review),
    };
    super::stdio::out_bytes(text.as_bytes());
    if report.is_empty() && args.format == DiffFormatArg::Unified {
        errln!("no change to the desired state");
    }
    Ok(if args.exit_code && !report.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// One side of a comparison.
fn side<'a>(analysis: &'a Analysis, files: &'a [OutputFile], label: &'a str) -> Side<'a> {
    Side {
        analysis,
        files,
        label,
    }
}

/// The project at `rev`; `None`, after reporting them, when it has errors.
fn base_analysis(
    path: &Path,
    rev: &str,
    reporter: Reporter,
) -> Result<Option<Analysis>, UsageError> {
    let sources = crate::git::files_at(path, path.is_file(), rev).map_err(UsageError)?;
    let base = crate::analyze(&sources);
    if blocks_edit(&base.diagnostics) {
        reporter.report(&base.db, &base.diagnostics);
        errln!(
            "error: the project at {rev} has errors (shown above): it has no desired state to compare with"
        );
        return Ok(None);
    }
    Ok(Some(base))
}

/// The environments in the order a comment shows them: those merging deploys, then the rest of
/// the chain, in chain order; the others after them.
fn order(head: &Analysis, review: &Review) -> Vec<String> {
    let mut first = review.deployed.clone();
    if let Some(promotion) = &head.promotion {
        first.extend(
            promotion
                .chain
                .iter()
                .filter(|env| !review.deployed.contains(env))
                .cloned(),
        );
    }
    first
}

/// What a pull-request comment adds: the environments merging deploys, the record of every
/// release, and the gate's verdict over the commits since `rev`.
fn review(
    path: &Path,
    rev: &str,
    pull_request: bool,
    head: &Analysis,
    files: &[(String, String)],
) -> Result<Review, UsageError> {
    let Some(promotion) = &head.promotion else {
        return Ok(Review::default());
    };
    let deployed = promotion
        .pull_request_target()
        .filter(|_| pull_request)
        .map(|target| promotion.deployed_by_pull_request_into(target))
        .unwrap_or_default();
    let table = Table::of(promotion, &head.project, &head.envs);
    let records = table
        .iter()
        .filter_map(|(env, app, standing)| {
            let record = standing.record.as_ref()?;
            Some((env.to_string(), app.to_string(), record.text()))
        })
        .collect();
    let run = run_gate(path, rev, pull_request, head, files)?;
    let findings = run
        .verdict
        .findings
        .iter()
        .map(|finding| {
            format!(
                "**{}** {} / {}: {} ({})",
                finding.code.id, finding.env, finding.app, finding.message, finding.label
            )
        })
        .collect();
    let flag = if pull_request { " --pull-request" } else { "" };
    Ok(Review {
        deployed,
        records,
        gate: Some(GateVerdict {
            command: format!("ehp check --against {rev}{flag}"),
            summary: run.verdict.summary(&run.base, &run.base_short),
            findings,
        }),
    })
}

/// `ehp diff --from A --to B`: each environment read from its branch.
fn between_branches(
    args: &DiffArgs,
    path: &Path,
    head: Analysis,
    options: &EmitOptions,
) -> Result<Report, UsageError> {
    let (Some(left), Some(right)) = (&args.from, &args.to) else {
        return Err(UsageError(
            "name a git revision with --base REV, or two environments with --from A --to B".into(),
        ));
    };
    let view = revisions::read(path, &args.revisions, head)?;
    for note in &view.notes {
        errln!("note: {note}");
    }
    let (left_analysis, left_rev) = view.analysis_of(left);
    let (right_analysis, right_rev) = view.analysis_of(right);
    let mut read: Vec<String> = Vec::new();
    for revision in [left_rev, right_rev].into_iter().flatten() {
        if revision.commit.is_some() && !read.contains(&revision.text()) {
            errln!("read {}", revision.text());
            read.push(revision.text());
        }
    }
    let left_files = emit::emit(&left_analysis.envs, options).files;
    let right_files = emit::emit(&right_analysis.envs, options).files;
    let label = |env: &str, revision: Option<&crate::review::status::Revision>| match revision {
        Some(revision) if revision.commit.is_some() => format!(
            "{env} at {} {}",
            revision.rev,
            revision.commit.as_deref().unwrap_or("")
        ),
        _ => env.to_string(),
    };
    let (left_label, right_label) = (label(left, left_rev), label(right, right_rev));
    crate::review::diff::between_envs(
        (side(left_analysis, &left_files, &left_label), left),
        (side(right_analysis, &right_files, &right_label), right),
    )
    .map_err(UsageError)
}
