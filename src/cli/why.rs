//! `ehp why`: where a field's value comes from, layer by layer, in each environment.

use super::args::WhyArgs;
use super::sources::load_project;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError};
use crate::eval::select::check_names;
use crate::eval::why::provenance;

/// `ehp why APP FIELD [--env E]...` (or the older `ehp why ENV APP FIELD`).
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
    let analysis = crate::analyze(&loaded.files);
    if analysis.has_errors() {
        reporter.report(&analysis.db, &analysis.diagnostics);
        return Ok(EXIT_FAILED);
    }
    if let Err(diagnostic) = check_names(&analysis.project, &analysis.envs, &envs) {
        reporter.report(&analysis.db, &[*diagnostic]);
        return Ok(EXIT_USAGE);
    }
    if envs.is_empty() {
        envs = analysis.envs.iter().map(|env| env.name.clone()).collect();
    }
    let parts: Vec<&str> = field.split('.').collect();
    let mut out = String::new();
    for env in &envs {
        let found = provenance(&analysis.project, &analysis.schemas, env, app, &parts)
            .map_err(UsageError)?;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&found.render(&analysis.db, env, app, field));
    }
    print!("{out}");
    Ok(EXIT_OK)
}
