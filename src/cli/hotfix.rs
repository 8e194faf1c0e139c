//! `ehp hotfix`: put a release straight into an environment that accepts hot-fixes, by editing
//! the app's override there and recording the fix. The rules and the edits are planned by
//! `promote::plan`.

use super::UsageError;
use super::args::HotfixArgs;
use super::promote::{edit_releases, today};
use crate::promote::plan::{HotfixRequest, plan_hotfix};

/// `ehp hotfix APP --to E --tag T --reason R`.
pub(super) fn run(args: &HotfixArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let date = args.date.clone().unwrap_or_else(today);
    let request = HotfixRequest {
        app: &args.app,
        env: &args.to,
        tag: &args.tag,
        reason: &args.reason,
        actor: args.actor.as_deref(),
        date: &date,
    };
    edit_releases(args.project.given(), args.dry_run, reporter, |sources| {
        plan_hotfix(sources, &request)
    })
}
