//! `ehp import`: reads helmsman desired-state files and the values files they name, and writes
//! the `.ehp` project the library makes of them, whole or not at all (`output`).

use std::path::{Component, Path, PathBuf};

use super::args::ImportArgs;
use super::output::{Outcome, Plan};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::diag::{Diagnostic, codes};
use crate::emit::OutputFile;
use crate::import::{Input, read};

/// `ehp import --env NAME=DSF... --out DIR`.
pub(super) fn run(args: &ImportArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let out = absolute(&args.out);
    refuse_other_project(&args.out)?;
    let (inputs, unreadable) = inputs(args, &out)?;
    if !unreadable.is_empty() {
        reporter.report(&crate::source::SourceDb::new(), &unreadable);
        return Ok(EXIT_FAILED);
    }
    let mut reading = read(&inputs);
    if args.subst_env_values {
        reading = reading.subst_env_values();
    }
    let (files, folders) = read_files(&reading);
    let project = args.name.clone().unwrap_or_else(|| {
        out.file_name().map_or_else(
            || "imported".to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    });
    let imported = reading.finish(&project, &files, &folders);
    if reporter.report(&imported.sources, &imported.diagnostics) || imported.has_errors() {
        return Ok(EXIT_FAILED);
    }
    let checked = crate::analyze(&imported.files);
    if checked.has_errors() {
        reporter.report(&checked.db, &checked.diagnostics);
        errln!(
            "error: the imported project does not check clean, so nothing was written: the errors above point into the project the import would write (a chart from a repository of preconfiguredHelmRepos is one; anything else is a bug in ehp import, please report it with the input)"
        );
        return Ok(EXIT_FAILED);
    }
    let outputs: Vec<OutputFile> = imported
        .files
        .iter()
        .map(|(path, contents)| OutputFile {
            path: path.clone(),
            contents: contents.clone(),
        })
        .collect();
    let plan = Plan::new(&args.out, outputs, None);
    let sources = inputs
        .first()
        .map_or_else(|| PathBuf::from("."), |input| input.folder.clone());
    let outcome = plan.write(&sources)?;
    let mut names: Vec<&str> = inputs.iter().map(|input| input.env.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let envs = names.len();
    let what = match outcome {
        Outcome::Replaced => "imported",
        Outcome::Unchanged => "unchanged:",
    };
    errln!(
        "{what} {} {} into {} ({} files); run `ehp check {}`",
        envs,
        if envs == 1 {
            "environment"
        } else {
            "environments"
        },
        args.out.display(),
        plan.files.len(),
        args.out.display()
    );
    Ok(EXIT_OK)
}

/// A file read, or why it could not be.
type ReadFile = (PathBuf, Result<String, String>);

/// The values files the desired-state files name, read (or why not), and the chart folders
/// among those they may name that exist.
fn read_files(reading: &crate::import::Reading) -> (Vec<ReadFile>, Vec<PathBuf>) {
    let files: Vec<ReadFile> = reading
        .values_files()
        .into_iter()
        .map(|path| {
            let text = std::fs::read(&path)
                .map_err(|error| error.to_string())
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
                });
            (path, text)
        })
        .collect();
    let folders: Vec<PathBuf> = reading
        .chart_folders()
        .into_iter()
        .filter(|folder| folder.is_dir())
        .collect();
    (files, folders)
}

/// Refuses an output folder that holds `.ehp` files ehp import did not write (a project of
/// its own): they would become part of the imported project. A folder an import wrote before
/// (it has the output manifest) is replaced as `ehp build` replaces its output.
fn refuse_other_project(out: &Path) -> Result<(), UsageError> {
    if out.join(super::output::MANIFEST).exists() {
        return Ok(());
    }
    let (existing, _) = crate::project::ehp_files(out, None);
    match existing.first() {
        Some(file) => Err(UsageError(format!(
            "`{}` already holds .ehp files (`{}`): import into a new folder",
            out.display(),
            file.display()
        ))),
        None => Ok(()),
    }
}

/// The desired-state files of `--env NAME=DSF`, read, and an E0701 for each that cannot be.
fn inputs(args: &ImportArgs, out: &Path) -> Result<(Vec<Input>, Vec<Diagnostic>), UsageError> {
    let mut inputs: Vec<Input> = Vec::new();
    let mut unreadable = Vec::new();
    for pair in &args.envs {
        let (env, path) = pair.split_once('=').ok_or_else(|| {
            UsageError(format!(
                "`--env {pair}`: write NAME=DSF, e.g. `--env prod=helmsman/prod.yaml`"
            ))
        })?;
        if !crate::syntax::literal::is_name(env) || env == crate::import::BASE {
            return Err(UsageError(format!(
                "`{env}` cannot name an environment: use letters, digits, `_` and `-`, starting with a letter (and not `{}`, which the import uses for what environments share)",
                crate::import::BASE
            )));
        }

        let text = std::fs::read(path)
            .map_err(|error| error.to_string())
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".into()));
        let text = match text {
            Ok(text) => text,
            Err(reason) => {
                unreadable.push(
                    Diagnostic::error(codes::IMPORT_UNREADABLE, format!("`{path}` cannot be read"))
                        .note(reason)
                        .help(format!("name the desired-state file of `{env}` by its path from the current folder, as helmsman's `-f` takes it")),
                );
                continue;
            }
        };
        let folder = match Path::new(path).parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let from_root = relative(out, &absolute(&folder));
        // Each file's relative paths are resolved against its own folder; the files of one
        // environment are merged before that, so they share one.
        if let Some(first) = inputs.iter().find(|input| input.env == env)
            && first.from_root != from_root
        {
            return Err(UsageError(format!(
                "the files of environment `{env}` are in different folders (`{}` and `{path}`): put them in one folder",
                first.path
            )));
        }
        inputs.push(Input {
            env: env.to_string(),
            path: path.to_string(),
            text,
            folder,
            from_root,
        });
    }
    Ok((inputs, unreadable))
}

/// `path` made absolute and free of `.` and `..`, links resolved as far as it exists.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in full.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) if parent != out => {
            std::fs::canonicalize(parent).map_or(out.clone(), |real| real.join(name))
        }
        _ => out,
    }
}

/// The path from folder `from` to `to` (both absolute), `/`-separated.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len().saturating_sub(shared)];
    parts.extend(
        to.iter()
            .skip(shared)
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}
