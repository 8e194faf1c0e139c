//! Go to definition: templates, environments and apps by name, a field name to the field
//! declaration that declares it (inherited ones included), `env.NAME` to the environments that
//! set the setting, and a bare reference in a template to the field's declaration.

use lsp_types::{Location, Position};

use super::convert::location;
use super::locate::{FoundKind, locate};
use super::snapshot::Snapshot;

/// The definitions of the name at a position.
pub(super) fn definition(snapshot: &Snapshot, position: Position) -> Option<Vec<Location>> {
    let offset = snapshot.index().offset(position);
    let analysis = &snapshot.analysis;
    let project = &analysis.project;
    let found = locate(analysis, snapshot.file, offset)?;
    let spans = match &found.kind {
        FoundKind::Template(name) => vec![
            project
                .template_index
                .get(name)
                .and_then(|&index| project.templates.get(index))?
                .name
                .span,
        ],
        FoundKind::Env(name) => vec![
            project
                .env_index
                .get(name)
                .and_then(|&index| project.envs.get(index))?
                .name
                .span,
        ],
        FoundKind::App(name) => vec![
            project
                .app_index
                .get(name)
                .and_then(|&index| project.apps.get(index))?
                .name
                .span,
        ],
        FoundKind::Field { field, .. } => vec![field.span],
        FoundKind::EnvSetting { path, field } => {
            // The environments that set it, else the setting's declaration.
            let set: Vec<_> = project
                .envs
                .iter()
                .flat_map(|env| &env.body.entries)
                .filter_map(|entry| {
                    let first = entry.path.first()?;
                    (path.first().is_some_and(|part| *part == first.name)).then_some(first.span)
                })
                .collect();
            if set.is_empty() {
                vec![field.as_ref()?.span]
            } else {
                set
            }
        }
        FoundKind::Replace => return None,
    };
    let locations: Vec<Location> = spans
        .into_iter()
        .filter_map(|span| location(analysis, span, &snapshot.stdlib_dir))
        .collect();
    (!locations.is_empty()).then_some(locations)
}
