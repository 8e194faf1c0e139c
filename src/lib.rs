//! `ehp` compiles `.ehp` deployment descriptions into helmsman desired-state files and Helm
//! values files. See `ARCHITECTURE.md` for the pipeline and the code map.
//!
//! The library exposes the pipeline as functions over in-memory sources; only the command-line
//! front end (`cli`) touches the filesystem.

pub mod diag;
pub mod eval;
pub mod resolve;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod types;

use diag::Diagnostic;
use eval::model::EnvInstance;
use source::SourceDb;

/// The result of analysing a project: its sources, every diagnostic, and the evaluated
/// environments (those that evaluated; an environment with errors may be missing or partial).
#[derive(Debug)]
pub struct Analysis {
    /// The stdlib and project files, for rendering diagnostics.
    pub db: SourceDb,
    /// Every diagnostic of the run, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// The concrete environments, sorted by name.
    pub envs: Vec<EnvInstance>,
}

impl Analysis {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses, resolves, type-checks and evaluates a project given as `(path, text)` pairs. The
/// paths are shown in diagnostics; the stdlib is added first.
pub fn analyze(files: &[(String, String)]) -> Analysis {
    let mut db = SourceDb::new();
    let mut problems = diag::Problems::new();
    let mut parsed = Vec::new();
    for (name, text) in stdlib::FILES {
        let id = db.add(*name, *text);
        parsed.push(syntax::parse_file(id, text, &mut problems));
    }
    for (name, text) in files {
        let id = db.add(name.clone(), text.clone());
        parsed.push(syntax::parse_file(id, text, &mut problems));
    }
    let project = resolve::resolve(parsed, &mut problems);
    let schemas = types::build_schemas(&project, &mut problems);
    types::check_project(&project, &schemas, &mut problems);
    let envs = eval::evaluate(&project, &schemas, &mut problems);
    Analysis {
        db,
        diagnostics: problems.into_sorted(),
        envs,
    }
}
