//! `ehp why`: where a field's value comes from, layer by layer.

use std::path::Path;

use super::args::WhyArgs;
use super::report::Reporter;
use super::sources::collect_sources;
use super::{EXIT_FAILED, EXIT_OK, UsageError};

/// `ehp why ENV APP FIELD`.
pub(super) fn run(args: &WhyArgs, reporter: Reporter) -> Result<u8, UsageError> {
    why(&args.path, &args.env, &args.app, &args.field, reporter)
}

/// `ehp why ENV APP FIELD`.
fn why(
    path: &Path,
    env: &str,
    app: &str,
    field: &str,
    reporter: Reporter,
) -> Result<u8, UsageError> {
    let files = collect_sources(path, None)?;
    let analysis = crate::analyze(&files);
    if analysis.has_errors() {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let parts: Vec<&str> = field.split('.').collect();
    let found =
        crate::eval::why::provenance(&analysis.project, &analysis.schemas, env, app, &parts)
            .map_err(UsageError)?;
    let mut out = String::new();
    out.push_str(&format!(
        "{env} / {app} / {field} = {}\n",
        found.value.as_deref().unwrap_or("(not set)")
    ));
    let places: Vec<String> = found
        .steps
        .iter()
        .map(|step| {
            let (line, column) = analysis.db.line_col(step.span);
            format!("{}:{line}:{column}", analysis.db.name(step.span.file))
        })
        .collect();
    let layer_width = found
        .steps
        .iter()
        .map(|step| step.layer.chars().count())
        .max()
        .unwrap_or(0);
    let place_width = places
        .iter()
        .map(|place| place.chars().count())
        .max()
        .unwrap_or(0);
    for (index, (step, place)) in found.steps.iter().zip(&places).enumerate() {
        let value = step.value.as_deref().unwrap_or("null");
        let mark = if step.won { "  <- wins" } else { "" };
        out.push_str(&format!(
            "  {}. {:layer_width$}  {:place_width$}  {value}{mark}\n",
            index + 1,
            step.layer,
            place
        ));
    }
    if found.steps.is_empty() {
        out.push_str("  no layer sets it\n");
    }
    print!("{out}");
    Ok(EXIT_OK)
}
