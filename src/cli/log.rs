//! `ehp log`: every publication, promotion, hot-fix and rollback in the git history, each
//! environment's taken from the history of its branch.

use super::args::{LogArgs, LogFormatArg};
use super::history::Reader;
use super::promote::load_for_promotion;
use super::revisions::{branch_revs, explicit};
use super::sources::project_root;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::review::log::{self, Event};

/// `ehp log [APP] [--env E]... [--format text|json]`.
pub(super) fn run(args: &LogArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let root = project_root(args.project.given())?;
    let (_, analysis) = match load_for_promotion(&root, reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = &analysis.promotion else {
        return Ok(EXIT_FAILED);
    };
    for env in &args.envs.envs {
        if !promotion.chain.contains(env) {
            return Err(UsageError(format!(
                "`{env}` is not an environment of the promotion chain: {}",
                promotion.chain.join(", ")
            )));
        }
    }
    let mut reader = Reader::open(&root, promotion)?;
    let explicit = explicit(&args.revisions)?;
    // Without branches, the whole chain is read from the history of the checkout.
    let mut sources: Vec<(Vec<String>, String)> = Vec::new();
    if promotion.branches.is_empty() {
        sources.push((promotion.chain.clone(), "HEAD".to_string()));
    }
    for (branch, rev) in branch_revs(
        &reader.repo,
        &args.revisions,
        &explicit,
        &promotion.branches,
    ) {
        sources.push((
            branch.envs.clone(),
            rev.unwrap_or_else(|| "HEAD".to_string()),
        ));
    }
    let mut found: Vec<Event> = Vec::new();
    for (envs, rev) in sources {
        let mut commits = reader
            .repo
            .history(&rev, args.max_count)
            .map_err(UsageError)?;
        commits.reverse();
        let nodes = reader.nodes(&commits, false)?;
        let wanted = |env: &str| {
            envs.iter().any(|name| name == env)
                && (args.envs.envs.is_empty() || args.envs.envs.iter().any(|name| name == env))
        };
        for event in log::events(&nodes, wanted) {
            if args.app.as_ref().is_none_or(|app| app == &event.app) && !found.contains(&event) {
                found.push(event);
            }
        }
    }
    found.sort_by(|left, right| right.commit.date.cmp(&left.commit.date));
    let text = match args.format {
        LogFormatArg::Text => log::text(&found),
        LogFormatArg::Json => log::json(&found),
    };
    super::stdio::out_bytes(text.as_bytes());
    Ok(EXIT_OK)
}
