//! `ehp check`: everything `build` does except writing; with `--against REV`, also that no
//! protected release changed since REV except by promotion or hot-fix.

use std::path::Path;

use super::args::CheckArgs;
use super::report::Reporter;
use super::sources::{collect_sources, source_label};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::{self, Diagnostic};
use crate::emit::{self, DsfFormat, EmitOptions};

/// `ehp check PATH [--against REV]`.
pub(super) fn run(args: &CheckArgs, reporter: Reporter) -> Result<u8, UsageError> {
    match &args.against {
        Some(rev) => check_against(&args.path, rev, reporter),
        None => check(&args.path, reporter),
    }
}

/// `ehp check PATH --against REV`: the usual check, and no protected environment's release
/// changed since REV except by a promotion or a marked hot-fix.
fn check_against(path: &Path, rev: &str, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    let mut diagnostics = analysis.diagnostics.clone();
    let base_files = crate::git::files_at(path, rev).map_err(UsageError)?;
    let base = crate::analyze(&base_files);
    if let Some(promotion) = &analysis.promotion {
        for (position, env_name) in promotion.chain.iter().enumerate().skip(1) {
            let Some(env) = analysis.envs.iter().find(|env| &env.name == env_name) else {
                continue;
            };
            let before = base.envs.iter().find(|env| &env.name == env_name);
            // A promotion brings in what the environment before ran at the base revision: a
            // release that appears in both in the same change did not come through it.
            let previous = promotion
                .chain
                .get(position - 1)
                .and_then(|name| base.envs.iter().find(|env| &env.name == name));
            for app in &env.apps {
                let now = promotion.release_of(app);
                let then = before
                    .and_then(|env| env.apps.iter().find(|candidate| candidate.name == app.name))
                    .map(|app| promotion.release_of(app));
                if then.as_ref() == Some(&now) || then.is_none() {
                    continue;
                }
                let promoted = previous
                    .and_then(|env| env.apps.iter().find(|candidate| candidate.name == app.name))
                    .is_some_and(|source| promotion.release_of(source) == now);
                let hotfix =
                    crate::promote::valid_hotfix(promotion, &analysis.project, app, env_name);
                if promoted || hotfix {
                    continue;
                }
                let span = promotion
                    .release
                    .iter()
                    .find_map(|field| app.fields.get(field).map(|value| value.origin))
                    .unwrap_or(app.span);
                let show = |release: &crate::promote::Release| {
                    release
                        .iter()
                        .map(|(field, value)| format!("{field} {value}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let from = position
                    .checked_sub(1)
                    .and_then(|index| promotion.chain.get(index))
                    .cloned()
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error(diag::codes::CHANGED_WITHOUT_PROMOTION, format!("the release of `{}` in `{env_name}` changed without a promotion", app.name))
                        .at(span, format!("{} now; {} at {rev}", show(&now), then.as_ref().map(show).unwrap_or_default()))
                        .help(format!("`{env_name}` is protected: promote from `{from}` (`ehp promote {} --from {from} --to {env_name}`) or mark a hot-fix (`ehp hotfix`)", app.name)),
                );
            }
        }
    }
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        eprintln!("ok: no protected release changed since {rev} except by promotion or hot-fix");
    }
    Ok(EXIT_OK)
}

/// `ehp check PATH`: everything `build` does except writing, so that a clean check means a
/// build that succeeds.
fn check(path: &Path, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    let mut diagnostics = analysis.diagnostics;
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let options = EmitOptions {
            dsf_format: DsfFormat::Yaml,
            source_label: source_label(path),
        };
        diagnostics.extend(emit::emit(&analysis.envs, &options).diagnostics);
    }
    if reporter.report(&analysis.db, &diagnostics) {
        return Ok(EXIT_FAILED);
    }
    if !reporter.machine() {
        let environments = if analysis.envs.len() == 1 {
            "environment"
        } else {
            "environments"
        };
        eprintln!(
            "ok: {} files, {} {environments}",
            files.len(),
            analysis.envs.len()
        );
    }
    Ok(EXIT_OK)
}
