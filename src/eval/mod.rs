//! The evaluation phase: for each concrete environment, the settings and every app's fields and
//! chart values, with inheritance, defaults and per-environment overrides applied.
//!
//! Merge rules: the layers of a field are, lowest first, its declared default, the default
//! assignments of the templates from `app` down to the app's template, the app's own entries,
//! and the app's overrides for the environment and its ancestors (ancestors first). Blocks and
//! maps merge key by key; scalars and lists are replaced by the higher layer; `null` unsets.
//!
//! The files: `driver` runs the environments in parallel and merges their diagnostics; `cache`
//! keeps apps between an editor's runs; `settings` computes environment and promotion settings;
//! `app` an app's layers, fields and chart values; `frame` the lazy, cycle-checked fields and
//! their merging; `expr` expressions; `redundant` overrides that change nothing; `checks` the
//! checks that need values; `model` the evaluated model; `why` where a value comes from;
//! `values_why` where a chart value is written.

mod app;
mod cache;
mod checks;
mod driver;
mod expr;
mod frame;
pub mod model;
pub mod print;
mod redundant;
pub mod secrets;
pub mod select;
mod settings;
mod share;
pub mod trace;
pub mod values_why;
pub mod why;

use crate::diag::Problems;
use crate::resolve::Project;
use crate::types::Schemas;
use model::EnvInstance;

pub use app::{Layer, LayerKind, app_layers};
pub use cache::{EvalCache, Found, Reuse};
pub use driver::{evaluate_incremental, evaluate_preparing, evaluate_unshared};
pub use settings::promotion_settings;

// What `why` builds its provenance with.
use expr::navigate;
use frame::Context;

/// Evaluates every concrete environment, sorted by name.
pub fn evaluate(project: &Project, schemas: &Schemas, problems: &mut Problems) -> Vec<EnvInstance> {
    evaluate_incremental(project, schemas, None, &mut Found::default(), problems)
}
