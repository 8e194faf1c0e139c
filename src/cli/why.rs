//! `ehp why`: where a field's value comes from, layer by layer, in each environment, read from
//! the sources of the branch the environment is deployed from. A literal secret is masked as in
//! diagnostics (`diag::Secrets`); it is the one error `why` still answers despite.

use super::args::WhyArgs;
use super::revisions;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::diag::{Secrets, codes};
use crate::eval::select::check_names;
use crate::eval::why::provenance;

/// `ehp why APP FIELD [--env E]... [--rev BRANCH=REV]... [--worktree]` (or the older
/// `ehp why ENV APP FIELD`).
pub(super) fn run(args: &WhyArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let (app, field, mut envs) = match args.targets.as_slice() {
        [app, field] => (app, field, args.envs.envs.clone()),
        [env, app, field] => {
            let mut envs = args.envs.envs.clone();
            envs.insert(0, env.clone());
            (app, field, envs)
        }
        _ => {
            return Err(UsageError(
                "name an app and a field: ehp why APP FIELD".into(),
            ));
        }
    };
    let loaded = load_project(args.project.given(), None)?;
    let worktree = crate::analyze(&loaded.files);
    // A literal secret is an error, but its provenance (masked) is how to find where it is set.
    let only_secrets = worktree
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .all(|diagnostic| diagnostic.code == codes::LITERAL_SECRET);
    if worktree.has_errors() {
        // Machine formats write diagnostics to stdout, where the answer would follow: refuse.
        let answering = only_secrets && !reporter.machine();
        let reporter = super::report::Reporter {
            answering,
            ..reporter
        };
        reporter.report(&worktree.db, &worktree.diagnostics);
        if !answering {
            return Ok(EXIT_FAILED);
        }
    }
    let exit = if worktree.has_errors() {
        EXIT_FAILED
    } else {
        EXIT_OK
    };
    if let Err(diagnostic) = check_names(&worktree.project, &worktree.envs, &envs) {
        reporter.report(&worktree.db, &[*diagnostic]);
        return Ok(EXIT_USAGE);
    }
    if envs.is_empty() {
        envs = worktree.envs.iter().map(|env| env.name.clone()).collect();
    }
    let view = revisions::read(loaded.root(), &args.revisions, worktree)?;
    let parts: Vec<&str> = field.split('.').collect();
    let mut out = String::new();
    for env in &envs {
        let (analysis, revision) = view.analysis_of(env);
        if let Some(revision) = revision.filter(|revision| revision.commit.is_some()) {
            errln!("read {}", revision.text());
        }
        let found = provenance(&analysis.project, &analysis.schemas, env, app, &parts)
            .map_err(UsageError)?;
        if !out.is_empty() {
            out.push('\n');
        }
        let secrets = Secrets::of(&analysis.db, &analysis.diagnostics);
        out.push_str(&secrets.mask(&found.render(&analysis.db, env, app, field)));
    }
    out!("{out}");
    Ok(exit)
}
