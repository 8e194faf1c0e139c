//! `ehp diff`: the desired state of the working tree against a git revision, or of two
//! environments, as a unified diff or Markdown.

use std::io::Write;

use super::args::{DiffArgs, DiffFormatArg};
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::emit::{self, DsfFormat, EmitOptions};
use crate::eval::select::check_names;
use crate::promote::plan::blocks_edit;

/// `ehp diff [PATH] --base REV [--env E]... [--format unified|markdown]`, or
/// `ehp diff [PATH] --from A --to B`.
pub(super) fn run(args: &DiffArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let (base, envs) = (args.base.as_deref(), args.envs.envs.as_slice());
    let (format, exit_code) = (args.format, args.exit_code);
    let loaded = load_project(args.project.given(), None)?;
    let root = loaded.root();
    let head = crate::analyze(&loaded.files);
    // A release off the chain (E0603) still renders: the diff is how a reviewer sees it.
    if blocks_edit(&head.diagnostics) {
        reporter.report(&head.db, &head.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let named: Vec<String> = envs
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
    };
    let head_files = emit::emit(&head.envs, &options).files;
    let head_side = crate::review::diff::Side {
        analysis: &head,
        files: &head_files,
        label: "working tree",
    };
    let base_analysis;
    let base_files;
    let report = match base {
        Some(rev) => {
            let sources = crate::git::files_at(root, root.is_file(), rev).map_err(UsageError)?;
            base_analysis = crate::analyze(&sources);
            if blocks_edit(&base_analysis.diagnostics) {
                reporter.report(&base_analysis.db, &base_analysis.diagnostics);
                eprintln!("error: the project at {rev} has errors (shown above): it has no desired state to compare with");
                return Ok(EXIT_FAILED);
            }
            base_files = emit::emit(&base_analysis.envs, &options).files;
            let base_side = crate::review::diff::Side {
                analysis: &base_analysis,
                files: &base_files,
                label: rev,
            };
            crate::review::diff::between_revisions(base_side, head_side, envs)
        }
        None => match (&args.from, &args.to) {
            (Some(from), Some(to)) => crate::review::diff::between_envs(head_side, from, to),
            _ => {
                return Err(UsageError(
                    "name a git revision with --base REV, or two environments with --from A --to B".into(),
                ));
            }
        },
    }
    .map_err(UsageError)?;
    let text = match format {
        DiffFormatArg::Unified => report.unified(),
        DiffFormatArg::Markdown => report.markdown(),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.is_empty() && format == DiffFormatArg::Unified {
        eprintln!("no change to the desired state");
    }
    Ok(if exit_code && !report.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}
