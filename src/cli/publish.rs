//! `ehp publish`: put a newly published image tag on the first environment of the promotion
//! chain, recording who published it. Planned by `promote::acts`.

use super::UsageError;
use super::args::PublishArgs;
use super::promote::{edit_releases, today};
use super::sources::project_root;
use crate::promote::acts::{PublishRequest, plan_publish};

/// `ehp publish APP --tag T --actor WHO`.
pub(super) fn run(args: &PublishArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let root = project_root(args.project.given())?;
    let date = args.date.clone().unwrap_or_else(today);
    let request = PublishRequest {
        app: &args.app,
        tag: args.tag.as_deref(),
        chart_version: args.chart_version.as_deref(),
        reason: args.reason.as_deref(),
        actor: &args.actor,
        date: &date,
    };
    edit_releases(&root, args.dry_run, reporter, |sources| {
        plan_publish(sources, &request)
    })
}
