//! `ehp rollback`: put an environment back on a release it ran before, found in the git history
//! of the checkout, and mark the release it replaces as bad. Planned by `promote::acts`.

use super::UsageError;
use super::args::RollbackArgs;
use super::history::releases_ran;
use super::promote::{edit_releases, today};
use super::report::Reporter;
use crate::promote::acts::{RollbackRequest, plan_rollback};
use crate::promote::plan::Refusal;

/// `ehp rollback APP --env E [--to TAG] --reason WHY --actor WHO`.
pub(super) fn run(args: &RollbackArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let date = args.date.clone().unwrap_or_else(today);
    edit_releases(&args.path, args.dry_run, reporter, |sources| {
        let history = releases_ran(&args.path, sources.promotion, &args.env, &args.app)
            .map_err(|UsageError(message)| Refusal::Usage(message))?;
        let request = RollbackRequest {
            app: &args.app,
            env: &args.env,
            to: args.to.as_deref(),
            reason: &args.reason,
            actor: &args.actor,
            date: &date,
            history: &history,
        };
        plan_rollback(sources, &request)
    })
}
