//! `ehp` compiles `.ehp` deployment descriptions into helmsman desired-state files and Helm
//! values files. See `ARCHITECTURE.md` for the pipeline and the code map.
//!
//! The library exposes the pipeline as functions over in-memory sources; only the command-line
//! front end (`cli`) and the language server (`lsp`) touch the filesystem.

pub mod charts;
pub mod cli;
pub mod diag;
pub mod emit;
pub mod eval;
pub mod fmt;
pub mod git;
pub mod import;
pub mod init;
pub mod lsp;
pub mod manifest;
pub mod parallel;
pub mod project;
pub mod promote;
pub mod resolve;
pub mod review;
pub mod source;
pub mod stdlib;
pub mod store;
pub mod syntax;
pub mod types;
pub mod workspace;

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
    /// The declarations by name, with inheritance resolved (for editors: definitions, hover).
    pub project: resolve::Project,
    /// The field schema of every template and of environment settings.
    pub schemas: types::Schemas,
    /// The promotion chain, when the project declares one.
    pub promotion: Option<promote::Promotion>,
    /// The project file's settings, when the project has a readable `ehp.toml`.
    pub manifest: Option<manifest::Manifest>,
}

impl Analysis {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses, resolves, type-checks and evaluates a project given as `(path, text)` pairs. The
/// paths are shown in diagnostics; the stdlib is added first. A file named `ehp.toml` is the
/// project file (see [`manifest`]), every other one a `.ehp` source.
pub fn analyze(files: &[(String, String)]) -> Analysis {
    let (db, parsed, problems) = parse_files(files.iter().cloned());
    analyze_parsed(db, parsed, problems)
}

/// Like [`analyze`], handing each app, as soon as it is evaluated, to `prepare` on the thread
/// that evaluated it (see [`eval::model::Prepare`]): `ehp build` and `ehp check` make the
/// values files there, so that the chart values of every app in every environment are not all
/// held at once.
/// The sources are taken, not copied.
pub fn analyze_preparing(
    files: Vec<(String, String)>,
    prepare: &dyn eval::model::Prepare,
) -> Analysis {
    let (db, parsed, problems) = parse_files(files);
    analyze_with(db, decls_of(parsed), problems, Evaluation::Prepare(prepare)).0
}

/// The sources of `files` after the stdlib's, parsed.
fn parse_files(
    files: impl IntoIterator<Item = (String, String)>,
) -> (SourceDb, Vec<syntax::ast::File>, diag::Problems) {
    let mut db = SourceDb::new();
    let mut problems = diag::Problems::new();
    for (name, text) in stdlib::FILES {
        db.add(*name, *text);
    }
    for (name, text) in files {
        db.add(name, text);
    }
    let parsed = parse_all(&db, &mut problems);
    (db, parsed, problems)
}

/// The items of parsed files, in order, as `resolve` takes them.
fn decls_of(parsed: Vec<syntax::ast::File>) -> Vec<resolve::Decl> {
    parsed
        .into_iter()
        .flat_map(|file| file.items)
        .map(resolve::Decl::from)
        .collect()
}

/// How [`analyze_with`] evaluates: reusing an editor's cache, or preparing each app for a
/// front end.
enum Evaluation<'a> {
    Reuse(Option<eval::EvalCache>),
    Prepare(&'a dyn eval::model::Prepare),
}

/// Resolves, type-checks and evaluates files that are already parsed (`parsed` holds one file
/// per file of `db`, in order), adding to the diagnostics of parsing.
pub fn analyze_parsed(
    db: SourceDb,
    parsed: Vec<syntax::ast::File>,
    problems: diag::Problems,
) -> Analysis {
    analyze_reusing(db, decls_of(parsed), problems, None).0
}

/// Like [`analyze_parsed`], on the items of every file in order (apps shared with an editor's
/// parses), reusing what an earlier run found for the apps whose sources did not change (see
/// [`eval::EvalCache`]); returns the cache for the next run.
pub fn analyze_reusing(
    db: SourceDb,
    decls: Vec<resolve::Decl>,
    problems: diag::Problems,
    previous: Option<eval::EvalCache>,
) -> (Analysis, eval::EvalCache) {
    analyze_with(db, decls, problems, Evaluation::Reuse(previous))
}

fn analyze_with(
    db: SourceDb,
    decls: Vec<resolve::Decl>,
    mut problems: diag::Problems,
    evaluation: Evaluation<'_>,
) -> (Analysis, eval::EvalCache) {
    let manifest = read_manifest(&db, &mut problems);
    let project = resolve::resolve_decls(decls, &mut problems);
    let stdlib_files = stdlib::FILES.len();
    resolve::unused_warnings(
        &project,
        |file| (file.0 as usize) < stdlib_files,
        &mut problems,
    );
    let schemas = types::build_schemas(&project, &mut problems);
    let (envs, cache) = match evaluation {
        Evaluation::Reuse(Some(previous)) => {
            let reuse = eval::Reuse::new(&project, &db, previous);
            let mut found = eval::Found::default();
            types::check_declarations(&project, &schemas, &mut problems);
            reuse.check_apps(&project, &schemas, &mut found, &mut problems);
            let envs = eval::evaluate_incremental(
                &project,
                &schemas,
                Some(&reuse),
                &mut found,
                &mut problems,
            );
            (envs, reuse.finish(&project, found))
        }
        Evaluation::Reuse(None) => {
            types::check_project(&project, &schemas, &mut problems);
            let mut found = eval::Found::default();
            let envs =
                eval::evaluate_incremental(&project, &schemas, None, &mut found, &mut problems);
            (envs, eval::EvalCache::default())
        }
        Evaluation::Prepare(prepare) => {
            types::check_project(&project, &schemas, &mut problems);
            let envs = eval::evaluate_preparing(&project, &schemas, prepare, &mut problems);
            (envs, eval::EvalCache::default())
        }
    };
    eval::secrets::check(&envs, &db, &mut problems);
    let promotion = eval::promotion_settings(&project, &schemas, &mut problems)
        .and_then(|settings| promote::model(&project, &settings, &mut problems));
    if let Some(promotion) = &promotion {
        promote::check(promotion, &project, &envs, &mut problems);
    }
    promote::private::check(&db, &project, &envs, promotion.as_ref(), &mut problems);
    let analysis = Analysis {
        db,
        diagnostics: problems.into_sorted(),
        envs,
        project,
        schemas,
        promotion,
        manifest,
    };
    (analysis, cache)
}

/// The settings of the project file among the sources, if there is one; what is wrong with it
/// goes to `problems`.
fn read_manifest(db: &SourceDb, problems: &mut diag::Problems) -> Option<manifest::Manifest> {
    let (id, file) = db
        .iter()
        .find(|(_, file)| manifest::is_manifest(&file.name))?;
    manifest::parse(id, &file.text)
        .map_err(|diagnostic| problems.push(*diagnostic))
        .ok()
}

/// Parses every file of the database, on all cores; the files come back in database order.
fn parse_all(db: &SourceDb, problems: &mut diag::Problems) -> Vec<syntax::ast::File> {
    // Every top-level item of every file is one unit of work, so that a project of one large
    // file is parsed on all cores too.
    let mut pieces: Vec<(usize, source::FileId, &str, syntax::Chunk)> = Vec::new();
    let mut count = 0;
    for (index, (id, file)) in db.iter().enumerate() {
        count = index + 1;
        if manifest::is_manifest(&file.name) {
            continue;
        }
        let text = file.text.as_str();
        for chunk in syntax::split_file(id, text, problems) {
            pieces.push((index, id, text, chunk));
        }
    }
    let results = parallel::map_chunks(&pieces, |chunk| {
        let mut found = diag::Problems::new();
        let parsed: Vec<(usize, Option<syntax::ast::Item>)> = chunk
            .iter()
            .map(|(index, id, text, piece)| {
                (*index, syntax::parse_chunk(*id, text, piece, &mut found))
            })
            .collect();
        (parsed, found)
    });
    let mut parsed: Vec<syntax::ast::File> = (0..count)
        .map(|_| syntax::ast::File { items: Vec::new() })
        .collect();
    for (chunk, found) in results {
        for (index, item) in chunk {
            if let (Some(item), Some(file)) = (item, parsed.get_mut(index)) {
                file.items.push(item);
            }
        }
        problems.extend(found);
    }
    parsed
}
