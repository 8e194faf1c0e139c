//! `ehp hotfix`: put a release straight into an environment that accepts hot-fixes, by editing
//! the app's override there and recording the fix.

use std::path::Path;

use super::args::HotfixArgs;
use super::promote::{apply_edits, literal, load_for_promotion, refuse, today};
use super::report::Reporter;
use super::{EXIT_FAILED, UsageError};
use crate::diag::{self, Diagnostic};

/// `ehp hotfix APP --env E --tag T --reason R`.
pub(super) fn run(args: &HotfixArgs, reporter: Reporter) -> Result<u8, UsageError> {
    hotfix(
        &args.path,
        &args.app,
        &args.env,
        &args.tag,
        &args.reason,
        args.actor.clone(),
        args.date.clone(),
        args.dry_run,
        reporter,
    )
}

/// `ehp hotfix APP --env E --tag T --reason R`.
#[allow(clippy::too_many_arguments)]
fn hotfix(
    path: &Path,
    app: &str,
    env_name: &str,
    tag: &str,
    reason: &str,
    actor: Option<String>,
    date: Option<String>,
    dry_run: bool,
    reporter: Reporter,
) -> Result<u8, UsageError> {
    let (files, analysis) = match load_for_promotion(path, reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = &analysis.promotion else {
        return Ok(EXIT_FAILED);
    };
    if !promotion.hotfix.iter().any(|name| name == env_name) {
        let accepted = if promotion.hotfix.is_empty() {
            "none".to_string()
        } else {
            promotion.hotfix.join(", ")
        };
        let diagnostic = Diagnostic::error(diag::codes::NO_HOTFIX, format!("`{env_name}` does not accept hot-fixes"))
            .at(promotion.span, format!("the chain accepts hot-fixes in: {accepted}"))
            .help(format!("promote the release along the chain instead, or add `{env_name}` to the chain's `hotfix`"));
        return refuse(reporter, &analysis.db, diagnostic);
    }
    if let Err(reason) = crate::types::formats::tag(tag) {
        return Err(UsageError(format!("`{tag}` is not an image tag: {reason}")));
    }
    let Some(current) = analysis
        .envs
        .iter()
        .find(|env| env.name == env_name)
        .and_then(|env| env.apps.iter().find(|candidate| candidate.name == app))
    else {
        return Err(UsageError(format!("no app `{app}` in `{env_name}`")));
    };
    let mut release = vec![("tag".to_string(), crate::syntax::literal::quote(tag))];
    for field in promotion.release.iter().filter(|field| *field != "tag") {
        if let Some(value) = current.fields.get(field) {
            release.push((field.clone(), literal(value)));
        }
    }
    let mut entries = vec![("reason".to_string(), crate::syntax::literal::quote(reason))];
    if let Some(actor) = &actor {
        entries.push(("by".into(), crate::syntax::literal::quote(actor)));
    }
    entries.push((
        "date".into(),
        crate::syntax::literal::quote(&date.unwrap_or_else(today)),
    ));
    let record = crate::promote::edit::Record {
        field: "hotfix",
        entries,
        release: release.clone(),
    };
    let only_tag: Vec<(String, String)> = release
        .iter()
        .filter(|(field, _)| field == "tag")
        .cloned()
        .collect();
    let edits = crate::promote::edit::set_release(
        &analysis.db,
        &analysis.project,
        app,
        env_name,
        &only_tag,
        &record,
    )
    .map_err(UsageError)?;
    apply_edits(&files, &analysis.db, &edits, dry_run, reporter)
}
