//! The standard library: the `.ehp` files under `stdlib/`, embedded in the binary and parsed
//! before the project's own files.

/// Every stdlib file as `(name shown in diagnostics, text)`.
pub const FILES: &[(&str, &str)] = &[
    (
        "<stdlib>/environment.ehp",
        include_str!("../stdlib/environment.ehp"),
    ),
    ("<stdlib>/app.ehp", include_str!("../stdlib/app.ehp")),
    (
        "<stdlib>/promotion.ehp",
        include_str!("../stdlib/promotion.ehp"),
    ),
    (
        "<stdlib>/web_service.ehp",
        include_str!("../stdlib/web_service.ehp"),
    ),
    ("<stdlib>/worker.ehp", include_str!("../stdlib/worker.ehp")),
    (
        "<stdlib>/scheduled_job.ehp",
        include_str!("../stdlib/scheduled_job.ehp"),
    ),
    (
        "<stdlib>/release.ehp",
        include_str!("../stdlib/release.ehp"),
    ),
    (
        "<stdlib>/helm_chart.ehp",
        include_str!("../stdlib/helm_chart.ehp"),
    ),
];
