//! `ehp publish`: put a newly published image tag on the first environment of the promotion
//! chain, recording who published it. Planned by `promote::acts`.

use super::UsageError;
use super::args::PublishArgs;
use super::promote::{edit_releases, today};
use super::report::Reporter;
use crate::promote::acts::{PublishRequest, plan_publish};

/// `ehp publish APP --tag T --actor WHO`.
pub(super) fn run(args: &PublishArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let date = args.date.clone().unwrap_or_else(today);
    let request = PublishRequest {
        app: &args.app,
        tag: &args.tag,
        chart_version: args.chart_version.as_deref(),
        reason: args.reason.as_deref(),
        actor: &args.actor,
        date: &date,
    };
    edit_releases(&args.path, args.dry_run, reporter, |sources| {
        plan_publish(sources, &request)
    })
}
