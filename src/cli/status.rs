//! `ehp status`: the release of every app along the promotion chain.

use std::io::Write;

use super::args::{StatusArgs, StatusFormatArg};
use super::promote::load_for_promotion;
use super::{EXIT_FAILED, EXIT_OK, UsageError};

/// `ehp status [PATH] [--format text|markdown|html|json]`.
pub(super) fn run(args: &StatusArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let (_, analysis) = match load_for_promotion(args.project.given(), reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = &analysis.promotion else {
        return Ok(EXIT_FAILED);
    };
    let found = crate::review::status::status(promotion, &analysis.envs);
    let text = match args.format {
        StatusFormatArg::Text => found.text(),
        StatusFormatArg::Markdown => found.markdown().map_err(UsageError)?,
        StatusFormatArg::Html => found.html().map_err(UsageError)?,
        StatusFormatArg::Json => found.json(),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(EXIT_OK)
}
