//! `ehp status`: the release of every app along the promotion chain, each environment read from
//! its branch.

use super::args::{StatusArgs, StatusFormatArg};
use super::promote::{load_for_promotion, now_seconds};
use super::revisions;
use super::sources::project_root;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::promote::date::civil_time;
use crate::review::status::{Source, status};

/// `ehp status [PATH] [--format text|markdown|html|json] [--rev BRANCH=REV]... [--worktree]`.
pub(super) fn run(args: &StatusArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let root = project_root(args.project.given())?;
    let (_, analysis) = match load_for_promotion(&root, reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = analysis.promotion.clone() else {
        return Ok(EXIT_FAILED);
    };
    let view = revisions::read(&root, &args.revisions, analysis)?;
    for note in &view.notes {
        errln!("note: {note}");
    }
    let envs = view.envs();
    let table = view.table(&promotion);
    let source = Source {
        promotion: &promotion,
        envs: &envs,
        table: &table,
    };
    let found = status(source, view.revisions(), civil_time(now_seconds()));
    let text = match args.format {
        StatusFormatArg::Text => found.text(),
        StatusFormatArg::Markdown => found.markdown().map_err(UsageError)?,
        StatusFormatArg::Html => found.html().map_err(UsageError)?,
        StatusFormatArg::Json => found.json(),
    };
    super::stdio::out_bytes(text.as_bytes());
    Ok(EXIT_OK)
}
