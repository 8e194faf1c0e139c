//! `ehp build`: compile the project and write each environment's desired-state file and values
//! files into the output directory (or, with `--check`, compare it).

use super::args::{BuildArgs, FormatArg};
use super::charts::{check_charts, values_kept};
use super::output::{Early, Outcome, Plan, previous_format};
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::emit::{self, DsfFormat, EmitOptions};

/// The project's root as a `/`-separated path relative to the output folder (`..` for `--out
/// out`), or absolute when the two share no prefix: the desired-state files name the project's
/// values files through it.
fn root_from(out: &std::path::Path, root: &std::path::Path) -> Option<String> {
    // A single-file project's root is its file: its files are beside it.
    let root = if root.is_file() {
        root.parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
    } else {
        root
    };
    let (out, root) = (
        std::path::absolute(out).ok()?,
        std::path::absolute(root).ok()?,
    );
    let normal = |path: &std::path::Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for part in path.components() {
            match part {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (out, root) = (normal(&out), normal(&root));
    let shared = out.iter().zip(&root).take_while(|(a, b)| a == b).count();
    if shared == 0 {
        return Some(root.join("/").replacen("//", "/", 1));
    }
    let mut path: Vec<&str> = vec![".."; out.len() - shared];
    path.extend(root.iter().skip(shared).map(String::as_str));
    Some(if path.is_empty() {
        ".".to_string()
    } else {
        path.join("/")
    })
}

/// `ehp build [PATH] --out DIR [--env E]... [--dsf-format F] [--check]`: always the whole
/// project `PATH` belongs to.
pub(super) fn run(args: &BuildArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let wanted = &args.envs.envs;
    let dsf_format = match args.dsf_format {
        Some(FormatArg::Yaml) => DsfFormat::Yaml,
        Some(FormatArg::Toml) => DsfFormat::Toml,
        None => previous_format(&args.out),
    };
    let mut loaded = load_project(args.project.given(), Some(&args.out))?;
    let options = EmitOptions {
        dsf_format,
        source_label: loaded.label.clone(),
        project_root: root_from(&args.out, loaded.root()),
    };
    let keep = values_kept(loaded.root());
    let scope = (!wanted.is_empty()).then_some(wanted.as_slice());
    // The output is opened first, so that each values file leaves memory as soon as it is
    // made (see `output::Early`); `--check` only compares.
    let early = match args.check {
        false => Some(Early::begin(&args.out, loaded.root(), scope)?),
        true => None,
    };
    let prepare = match &early {
        Some(early) => emit::PrepareValues::build_into(&options, &keep, early),
        None => emit::PrepareValues::build(&options, &keep),
    };
    let analysis = crate::analyze_preparing(loaded.take_texts(), &prepare);
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
    let mut selected = match crate::eval::select::select(&project, envs, wanted) {
        Ok(selected) => selected,
        Err(diagnostic) => {
            reporter.report(&db, &[*diagnostic]);
            return Ok(EXIT_USAGE);
        }
    };
    let sink = early.as_ref().map(|early| early as &dyn emit::FileSink);
    let emitted = emit::emit_prepared(&mut selected, &options, sink);
    found.extend(emitted.diagnostics);
    found.extend(loaded.check_project_files(&selected));
    found.extend(check_charts(loaded.root(), &selected, &project)?);
    let failed = reporter.report(&db, &found);
    let environments = selected.len();
    super::drop_at_exit((db, found, project, selected));
    if failed {
        return Ok(EXIT_FAILED);
    }
    let plan = Plan::new(&args.out, emitted.files, scope);
    let result = write(args, &plan, early, environments);
    super::drop_at_exit((plan, loaded));
    result
}

/// Writes the plan into the output folder `early` opened (or, without, with `--check`, compares
/// them) and says what was done.
fn write(
    args: &BuildArgs,
    plan: &Plan,
    early: Option<Early>,
    environments: usize,
) -> Result<u8, UsageError> {
    let Some(early) = early else {
        return plan.check(args.diagnostics.reporter().machine());
    };
    let (outcome, files) = plan.write_with(early)?;
    let plural = if environments == 1 {
        "environment"
    } else {
        "environments"
    };
    let (what, place) = match outcome {
        Outcome::Replaced => ("wrote", "to"),
        Outcome::Unchanged => ("unchanged:", "in"),
    };
    errln!(
        "{what} {files} files for {environments} {plural} {place} {}",
        args.out.display()
    );
    Ok(EXIT_OK)
}
