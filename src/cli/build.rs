//! `ehp build`: compile the project and write each environment's desired-state file and values
//! files into the output directory (or, with `--check`, compare it).

use std::path::PathBuf;

use super::args::{self, FormatArg};
use super::output::{Plan, previous_format};
use super::report::Reporter;
use super::sources::{collect_sources, source_label};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::diag::{self, Diagnostic};
use crate::emit::{self, DsfFormat, EmitOptions};

/// `ehp build PATH --out DIR [--env E]... [--dsf-format F] [--check]`.
pub(super) fn run(args: &args::BuildArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let format = match args.dsf_format {
        Some(FormatArg::Yaml) => DsfFormat::Yaml,
        Some(FormatArg::Toml) => DsfFormat::Toml,
        None => previous_format(&args.out),
    };
    build(
        &BuildArgs {
            path: args.path.clone(),
            out: args.out.clone(),
            envs: args.envs.clone(),
            format,
            check_only: args.check,
        },
        reporter,
    )
}

/// The arguments of `ehp build`.
struct BuildArgs {
    path: PathBuf,
    out: PathBuf,
    envs: Vec<String>,
    format: DsfFormat,
    check_only: bool,
}

/// `ehp build PATH --out DIR`.
fn build(args: &BuildArgs, reporter: Reporter) -> Result<u8, UsageError> {
    let files = collect_sources(&args.path, Some(&args.out))?;
    let analysis = crate::analyze(&files);
    if analysis.has_errors() {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(EXIT_FAILED);
    }
    let crate::Analysis {
        db,
        diagnostics: mut found,
        envs,
        project,
        ..
    } = analysis;
    let selected = if args.envs.is_empty() {
        envs
    } else {
        let names: Vec<&str> = envs.iter().map(|env| env.name.as_str()).collect();
        for wanted in &args.envs {
            if !names.contains(&wanted.as_str()) {
                let valid = if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                };
                let declared = project
                    .env_index
                    .get(wanted)
                    .and_then(|&index| project.envs.get(index));
                let mut diagnostic = match declared {
                    Some(env) => Diagnostic::error(
                        diag::codes::NO_ENVIRONMENT,
                        format!("`{wanted}` is abstract"),
                    )
                    .at(env.name.span, "abstract environments are never emitted"),
                    None => Diagnostic::error(
                        diag::codes::NO_ENVIRONMENT,
                        format!("no concrete environment named `{wanted}`"),
                    ),
                };
                let close = crate::resolve::did_you_mean(wanted, names.iter().copied());
                diagnostic = diagnostic.help(match close {
                    Some(close) => format!("did you mean `{close}`? the environments are: {valid}"),
                    None => format!("the environments are: {valid}"),
                });
                reporter.report(&db, &[diagnostic]);
                return Ok(EXIT_USAGE);
            }
        }
        let mut envs = envs;
        envs.retain(|env| args.envs.contains(&env.name));
        envs
    };
    let options = EmitOptions {
        dsf_format: args.format,
        source_label: source_label(&args.path),
    };
    let emitted = emit::emit(&selected, &options);
    found.extend(emitted.diagnostics);
    if reporter.report(&db, &found) {
        return Ok(EXIT_FAILED);
    }
    let scope = (!args.envs.is_empty()).then_some(args.envs.as_slice());
    let plan = Plan::new(&args.out, emitted.files, scope)?;
    if args.check_only {
        return plan.check(reporter.machine());
    }
    plan.write()?;
    let environments = if selected.len() == 1 {
        "environment"
    } else {
        "environments"
    };
    eprintln!(
        "wrote {} files for {} {environments} to {}",
        plan.files.len(),
        selected.len(),
        args.out.display()
    );
    Ok(EXIT_OK)
}
