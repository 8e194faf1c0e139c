//! `ehp promote`: copy apps' releases one step along the promotion chain by editing the
//! sources, and the loading and editing `hotfix` shares with it.

use std::path::Path;

use super::args::PromoteArgs;
use super::output::write_atomic;
use super::report::Reporter;
use super::sources::collect_sources;
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::{self, Diagnostic};
use crate::source::SourceDb;

/// `ehp promote APP... --from A --to B`.
pub(super) fn run(args: &PromoteArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let request = Promote {
        apps: args.apps.clone(),
        all: args.all,
        from: args.from.clone(),
        to: args.to.clone(),
        actor: args.actor.clone(),
        reason: args.reason.clone(),
        date: args.date.clone(),
        dry_run: args.dry_run,
    };
    promote(&args.path, &request, reporter)
}

/// The arguments of `ehp promote`.
struct Promote {
    apps: Vec<String>,
    all: bool,
    from: String,
    to: String,
    actor: Option<String>,
    reason: Option<String>,
    date: Option<String>,
    dry_run: bool,
}

/// Whether a diagnostic is about releases not following the chain: what promotions and
/// hot-fixes are there to fix, so it does not stop them.
pub(super) fn is_chain_problem(diagnostic: &Diagnostic) -> bool {
    diagnostic.code == diag::codes::UNPROMOTED_RELEASE
        || diagnostic.code == diag::codes::NO_HOTFIX
        || diagnostic.code == diag::codes::UNPINNED_RELEASE
}

/// Whether the sources have errors that make a promotion or hot-fix unsafe.
pub(super) fn blocks_promotion(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() && !is_chain_problem(diagnostic))
}

/// Today's date (UTC), as YYYY-MM-DD.
pub(super) fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A release value as a literal: strings quoted, everything else as written.
pub(super) fn literal(value: &crate::eval::model::Val) -> String {
    crate::eval::print::source(value)
}

/// A usage-level problem of a promotion command, reported as a diagnostic without a place.
pub(super) fn refuse(
    reporter: Reporter,
    db: &SourceDb,
    diagnostic: Diagnostic,
) -> Result<u8, UsageError> {
    reporter.report(db, &[diagnostic]);
    Ok(EXIT_FAILED)
}

/// Applies edits to the project's files (or shows them with `--dry-run`), after checking that
/// the edited project still compiles without errors.
pub(super) fn apply_edits(
    files: &[(String, String)],
    db: &SourceDb,
    edits: &[crate::promote::edit::Edit],
    dry_run: bool,
    reporter: Reporter,
) -> Result<u8, UsageError> {
    let mut changed: Vec<(String, String, String)> = Vec::new();
    for (id, file) in db.iter() {
        let mine: Vec<&crate::promote::edit::Edit> =
            edits.iter().filter(|edit| edit.file == id).collect();
        if mine.is_empty() {
            continue;
        }
        let after = crate::promote::edit::apply(&file.text, &mine);
        if after != file.text {
            changed.push((file.name.clone(), file.text.clone(), after));
        }
    }
    let edited: Vec<(String, String)> = files
        .iter()
        .map(|(name, text)| {
            let new = changed
                .iter()
                .find(|(changed_name, _, _)| changed_name == name)
                .map_or(text, |(_, _, after)| after);
            (name.clone(), new.clone())
        })
        .collect();
    let check = crate::analyze(&edited);
    let errors: Vec<Diagnostic> = check
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error() && !is_chain_problem(diagnostic))
        .cloned()
        .collect();
    if !errors.is_empty() {
        reporter.report(&check.db, &errors);
        return Err(UsageError("the edit would leave errors in the sources (shown above); nothing was changed: this is a bug in ehp, please report it".into()));
    }
    for (name, before, after) in &changed {
        if dry_run {
            let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            );
        } else {
            write_atomic(Path::new(name), after)?;
            eprintln!("edited {name}");
        }
    }
    Ok(EXIT_OK)
}

/// The sources and analysis of a project `promote` or `hotfix` may edit; or, after reporting
/// why not (errors that make an edit unsafe, or no promotion chain), the exit code.
#[allow(clippy::type_complexity)]
pub(super) fn load_for_promotion(
    path: &Path,
    reporter: Reporter,
) -> Result<Result<(Vec<(String, String)>, crate::Analysis), u8>, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    if blocks_promotion(&analysis.diagnostics) {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(Err(EXIT_FAILED));
    }
    if analysis.promotion.is_none() {
        let diagnostic = Diagnostic::error(diag::codes::NO_PROMOTION, "the project declares no promotion chain").help(
            "declare it once, for example: promotion { chain = [\"inttest\", \"exttest\", \"preprod\", \"prod\"] hotfix = [\"prod\"] }",
        );
        return refuse(reporter, &analysis.db, diagnostic).map(Err);
    }
    Ok(Ok((files, analysis)))
}

/// `ehp promote APP... --from A --to B`.
fn promote(path: &Path, request: &Promote, reporter: Reporter) -> Result<u8, UsageError> {
    let (files, analysis) = match load_for_promotion(path, reporter)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Some(promotion) = &analysis.promotion else {
        return Ok(EXIT_FAILED);
    };
    if promotion.next(&request.from) != Some(request.to.as_str()) {
        let next = promotion.next(&request.from);
        let help = match next {
            Some(next) => format!(
                "the step after `{}` is `{next}`: `ehp promote ... --from {} --to {next}`",
                request.from, request.from
            ),
            None if promotion.chain.contains(&request.from) => {
                format!("`{}` is the last environment of the chain", request.from)
            }
            None => format!(
                "`{}` is not in the chain: {}",
                request.from,
                promotion.chain.join(" -> ")
            ),
        };
        let diagnostic = Diagnostic::error(
            diag::codes::NOT_A_STEP,
            format!(
                "{} -> {} is not a step of the promotion chain",
                request.from, request.to
            ),
        )
        .at(
            promotion.span,
            format!("the chain is {}", promotion.chain.join(" -> ")),
        )
        .help(help);
        return refuse(reporter, &analysis.db, diagnostic);
    }
    let env = |name: &str| analysis.envs.iter().find(|env| env.name == name);
    let (Some(from), Some(to)) = (env(&request.from), env(&request.to)) else {
        return Err(UsageError(
            "the environments of the step are not concrete".into(),
        ));
    };
    let names: Vec<String> = if request.all {
        from.apps.iter().map(|app| app.name.clone()).collect()
    } else {
        request.apps.clone()
    };
    if names.is_empty() {
        return Err(UsageError("name the apps to promote, or use --all".into()));
    }
    let date = request.date.clone().unwrap_or_else(today);
    let mut edits = Vec::new();
    for name in &names {
        let Some(source) = from.apps.iter().find(|app| &app.name == name) else {
            let known: Vec<&str> = from.apps.iter().map(|app| app.name.as_str()).collect();
            let hint = crate::resolve::did_you_mean(name, known.iter().copied())
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            return Err(UsageError(format!(
                "no app `{name}` in `{}`{hint}",
                request.from
            )));
        };
        let target = to.apps.iter().find(|app| &app.name == name);
        let wanted = promotion.release_of(source);
        // Nothing to do when the target already runs the release, pins it, and carries no
        // hot-fix record the promotion should replace.
        let settled = target.is_some_and(|target| {
            promotion.release_of(target) == wanted
                && target.fields.get("hotfix").is_none()
                && promotion.release.iter().all(|field| {
                    target.fields.get(field).is_some_and(|value| {
                        crate::promote::pinned_in(
                            &analysis.project,
                            name,
                            &request.to,
                            value.origin,
                        )
                    })
                })
        });
        if settled {
            eprintln!(
                "{name}: {} already runs {}",
                request.to,
                wanted.values().cloned().collect::<Vec<_>>().join(" / ")
            );
            continue;
        }
        let release: Vec<(String, String)> = promotion
            .release
            .iter()
            .filter_map(|field| Some((field.clone(), literal(source.fields.get(field)?))))
            .collect();
        let mut entries = vec![(
            "from".to_string(),
            crate::syntax::literal::quote(&request.from),
        )];
        if let Some(actor) = &request.actor {
            entries.push(("by".into(), crate::syntax::literal::quote(actor)));
        }
        if let Some(reason) = &request.reason {
            entries.push(("reason".into(), crate::syntax::literal::quote(reason)));
        }
        entries.push(("date".into(), crate::syntax::literal::quote(&date)));
        let record = crate::promote::edit::Record {
            field: "promoted",
            entries,
            release: release.clone(),
        };
        let found = crate::promote::edit::set_release(
            &analysis.db,
            &analysis.project,
            name,
            &request.to,
            &release,
            &record,
        )
        .map_err(UsageError)?;
        edits.extend(found);
    }
    apply_edits(&files, &analysis.db, &edits, request.dry_run, reporter)
}
