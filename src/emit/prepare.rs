//! The preparation `ehp build` and `ehp check` ask of evaluation (see
//! [`Prepare`](crate::eval::model::Prepare)): each app's values file checked, and for a build
//! serialised, on the thread that evaluated the app; its chart values are kept only when a
//! later check still reads them.

use crate::diag::Problems;
use crate::eval::model::{AppInstance, Prepare, Prepared, ValMap};

use super::{EmitOptions, Headers, convert, file_text, values_body, values_path};

/// Whether a later check still reads an app's chart values, given its environment's settings:
/// the chart check does for the apps whose chart it checks.
pub type KeepValues<'a> = dyn Fn(&ValMap, &AppInstance) -> bool + Sync + 'a;

/// Where `ehp build` hands each file of the output as soon as it is made, on the thread that
/// made it: the values files while evaluating (see [`PrepareValues::build_into`]), the
/// desired-state files while emitting (see [`emit_prepared`](super::emit_prepared)).
pub trait FileSink: Sync {
    /// Takes the file at `path` (relative to the output folder) just made; gives its text back
    /// when it is to be held until the end of the build.
    fn take(&self, path: &str, contents: String) -> Option<String>;
}

/// The [`Prepare`] of `ehp build` ([`PrepareValues::build`]) and `ehp check`
/// ([`PrepareValues::check`]).
pub struct PrepareValues<'a> {
    /// The headers of the values files, when they are made (a build).
    headers: Option<Headers>,
    keep: &'a KeepValues<'a>,
    /// Where the values files go as they are made; held in the apps without.
    sink: Option<&'a dyn FileSink>,
}

impl<'a> PrepareValues<'a> {
    /// Checks and serialises each values file as [`emit`](super::emit) would.
    pub fn build(options: &EmitOptions, keep: &'a KeepValues<'a>) -> PrepareValues<'a> {
        PrepareValues {
            headers: Some(Headers::new(&options.source_label)),
            keep,
            sink: None,
        }
    }

    /// Like [`PrepareValues::build`], handing each values file to `sink` as soon as it is made.
    pub fn build_into(
        options: &EmitOptions,
        keep: &'a KeepValues<'a>,
        sink: &'a dyn FileSink,
    ) -> PrepareValues<'a> {
        PrepareValues {
            sink: Some(sink),
            ..PrepareValues::build(options, keep)
        }
    }

    /// Checks each values file as [`check`](super::check) would, serialising nothing.
    pub fn check(keep: &'a KeepValues<'a>) -> PrepareValues<'a> {
        PrepareValues {
            headers: None,
            keep,
            sink: None,
        }
    }
}

impl Prepare for PrepareValues<'_> {
    fn prepare(&self, env: &str, settings: &ValMap, app: &AppInstance) -> Prepared {
        let substituted = super::substitutes(settings);
        let mut problems = Problems::new();
        convert::check_values(&app.values, substituted, &mut problems);
        let mut values_taken = false;
        let values_file = self.headers.as_ref().and_then(|headers| {
            let path = values_path(env, &app.name);
            let body = values_body(&app.values, substituted);
            let text = file_text(&path, headers.of_values(substituted), body)
                .map_err(|diagnostic| problems.push(*diagnostic))
                .ok()?;
            match self.sink {
                Some(sink) => {
                    let held = sink.take(&path, text);
                    values_taken = held.is_none();
                    held
                }
                None => Some(text),
            }
        });
        Prepared {
            values_file,
            diagnostics: problems.into_sorted(),
            // The walk for literal secrets reads the values of an app that may hold one.
            values_kept: app.may_hold_secret || (self.keep)(settings, app),
            values_taken,
        }
    }
}
