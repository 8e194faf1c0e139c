//! The evaluation phase: for each concrete environment, the settings and every app's fields and
//! chart values, with inheritance, defaults and per-environment overrides applied.

pub mod model;
