//! Settings: an environment's settings (its chain's entries over the `environment` schema)
//! and the promotion chain's settings, each computed as one [`Frame`].

use crate::diag::{Diagnostic, Problems, codes};
use crate::resolve::Project;
use crate::source::Span;
use crate::syntax::ast::Entry;
use crate::types::Schemas;

use super::frame::{Context, Frame};
use super::model::ValMap;

/// The settings of an environment whose chain (root first) is `chain`.
pub(super) fn env_settings(
    project: &Project,
    schemas: &Schemas,
    name: &str,
    decl_span: Span,
    chain: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> ValMap {
    let mut frame = settings_frame(project, schemas, chain);
    let mut context = Context {
        env_name: name,
        env_span: decl_span,
        env: None,
        env_schema: None,
        app: None,
        diagnostics,
    };
    frame.compute_all(&mut context);
    frame.into_fields()
}

/// The frame of the settings of an environment whose chain (root first) is `chain`: one layer
/// per environment of the chain, root first.
pub(super) fn settings_frame<'a>(
    project: &'a Project,
    schemas: &'a Schemas,
    chain: &[usize],
) -> Frame<'a> {
    let layers: Vec<&[Entry]> = chain
        .iter()
        .filter_map(|&index| project.envs.get(index))
        .map(|env| env.body.entries.as_slice())
        .collect();
    let first_override = layers.len();
    Frame::new(&schemas.env, layers, first_override, Vec::new())
}

/// The settings of the promotion chain declaration, with the schema's defaults.
pub fn promotion_settings(
    project: &Project,
    schemas: &Schemas,
    problems: &mut Problems,
) -> Option<ValMap> {
    let decl = project.promotion.as_ref()?;
    let layers: Vec<&[Entry]> = vec![decl.body.entries.as_slice()];
    let mut frame = Frame::new(&schemas.promotion, layers, 1, Vec::new());
    let mut diagnostics = Vec::new();
    let mut context = Context {
        env_name: "",
        env_span: decl.keyword,
        env: None,
        env_schema: None,
        app: None,
        diagnostics: &mut diagnostics,
    };
    frame.compute_all(&mut context);
    for diagnostic in diagnostics {
        // A required setting the declaration leaves out is reported at the declaration.
        let diagnostic = if diagnostic.code == codes::MISSING_FIELD {
            let mut moved = diagnostic;
            moved.message = moved
                .message
                .replace("missing setting", "missing promotion setting");
            if let Some(primary) = &mut moved.primary {
                primary.span = decl.keyword;
                primary.message = "the promotion chain does not set it".into();
            }
            moved
        } else {
            diagnostic
        };
        problems.push(diagnostic);
    }
    Some(frame.into_fields())
}
