//! `ehp rollback`: put an environment back on a release it ran before, found in the git history
//! of the checkout, and mark the release it replaces as bad. Planned by `promote::acts`.

use super::UsageError;
use super::args::RollbackArgs;
use super::history::releases_ran;
use super::promote::{edit_releases, today};
use super::sources::project_root;
use crate::promote::acts::{RollbackRequest, plan_rollback};
use crate::promote::plan::Refusal;

/// `ehp rollback APP --env E [--to TAG] --reason WHY --actor WHO`.
pub(super) fn run(args: &RollbackArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let root = project_root(args.project.given())?;
    let date = args.date.clone().unwrap_or_else(today);
    edit_releases(&root, args.dry_run, reporter, |sources| {
        let history = releases_ran(&root, sources.promotion, &args.env, &args.app)
            .map_err(|UsageError(message)| Refusal::Usage(message))?;
        let request = RollbackRequest {
            app: &args.app,
            env: &args.env,
            to: args.tag.as_deref(),
            reason: &args.reason,
            actor: &args.actor,
            date: &date,
            history: &history,
        };
        plan_rollback(sources, &request)
    })
}
