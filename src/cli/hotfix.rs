//! `ehp hotfix`: put a release straight into an environment that accepts hot-fixes, by editing
//! the app's override there and recording the fix. The rules and the edits are planned by
//! `promote::plan`.

use super::UsageError;
use super::args::HotfixArgs;
use super::promote::{edit_releases, today};
use super::sources::project_root;
use crate::promote::acts::{HotfixRequest, plan_hotfix};

/// `ehp hotfix APP --env E --tag T --reason R`.
pub(super) fn run(args: &HotfixArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let root = project_root(args.project.given())?;
    let date = args.date.clone().unwrap_or_else(today);
    let request = HotfixRequest {
        app: &args.app,
        env: &args.env,
        tag: args.tag.as_deref(),
        chart_version: args.chart_version.as_deref(),
        reason: &args.reason,
        actor: &args.actor,
        date: &date,
    };
    edit_releases(&root, args.dry_run, reporter, |sources| {
        plan_hotfix(sources, &request)
    })
}
