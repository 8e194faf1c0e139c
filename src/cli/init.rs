//! `ehp init`: writes a new project, or a new app into an existing one. What to write is
//! decided by the library (`crate::init`); this module finds the folders and writes files.

use std::fs;
use std::path::{Path, PathBuf};

use super::args::InitArgs;
use super::rewrite::create_source;
use super::sources::{load_project, source_name_prefix};
use super::{EXIT_OK, UsageError};

/// `ehp init [PATH] [--name NAME]` or `ehp init --app APP [--template T] [PATH]`.
pub(super) fn run(args: &InitArgs) -> Result<u8, UsageError> {
    match &args.app {
        Some(app) => new_app(args, app),
        None => new_project(args),
    }
}

/// Writes a new platform into the folder given (created if missing), which must not hold a
/// project already.
fn new_project(args: &InitArgs) -> Result<u8, UsageError> {
    let dir = args
        .path
        .clone()
        .or_else(|| args.project.project.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    if dir.join(crate::manifest::FILE_NAME).exists() {
        return Err(UsageError(format!(
            "`{}` already holds a project (ehp.toml): add an app with `ehp init --app NAME`",
            dir.display()
        )));
    }
    let (existing, _) = crate::project::ehp_files(&dir, None);
    if let Some(file) = existing.first() {
        return Err(UsageError(format!(
            "`{}` already holds .ehp files (`{}`): run ehp init in a new folder",
            dir.display(),
            file.display()
        )));
    }
    let name = match &args.name {
        Some(name) => name.clone(),
        None => folder_name(&dir)?,
    };
    let files = crate::init::new_project(&name).map_err(UsageError)?;
    for (path, text) in &files {
        create_source(&dir.join(path), text)?;
    }
    fs::create_dir_all(dir.join("apps"))
        .map_err(|error| format!("cannot create `{}`: {error}", dir.join("apps").display()))?;
    errln!(
        "created project `{name}` in {}: {}; add an app with `ehp init --app NAME`",
        dir.display(),
        files
            .iter()
            .map(|(path, _)| path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(EXIT_OK)
}

/// Writes `apps/APP.ehp` into the project the given path belongs to.
fn new_app(args: &InitArgs, app: &str) -> Result<u8, UsageError> {
    let given = args
        .path
        .as_deref()
        .or(args.project.project.as_deref())
        .unwrap_or(Path::new("."));
    let loaded = load_project(given, None)?;
    if loaded.located.is_single_file() {
        return Err(UsageError(format!(
            "`{}` is a single file, not a project folder: create an ehp.toml (`ehp init`) first",
            given.display()
        )));
    }
    let prefix = source_name_prefix(loaded.root());
    let (path, text) =
        crate::init::new_app(&loaded.files, &prefix, app, &args.template).map_err(UsageError)?;
    create_source(Path::new(&path), &text)?;
    errln!(
        "created {path}: app `{app}` ({}); it runs its first release in every environment of the promotion chain: change its `in ENV {{ }}` overrides, or promote it, to hold a release back",
        args.template
    );
    Ok(EXIT_OK)
}

/// The name of a folder, for a project named after it.
fn folder_name(dir: &Path) -> Result<String, UsageError> {
    let absolute = if dir.exists() {
        fs::canonicalize(dir)
            .map_err(|error| format!("cannot read `{}`: {error}", dir.display()))?
    } else {
        std::env::current_dir()
            .map_err(|error| format!("cannot read the current folder: {error}"))?
            .join(dir)
    };
    absolute
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| UsageError("name the project with --name NAME".into()))
}
