//! `ehp check --against REV`: comparing two analyses of one project (the working tree and a
//! git revision), no protected environment's release changed except by a promotion from the
//! environment before it or by a marked hot-fix (E0604).

use super::{Promotion, Release, release_span, release_text, valid_hotfix};
use crate::diag::{Diagnostic, codes};
use crate::eval::model::{AppInstance, EnvInstance, app_in, env_named};
use crate::resolve::Project;

/// One E0604 for every app of an environment after the first of the chain whose release in
/// `head` (the working tree, with its `project`) differs from its release in `base` (the same
/// project at the revision called `base_label`), unless the environment before it ran that
/// release at `base` (a promotion brings in what the environment before ran) or the app carries
/// a valid hot-fix. An app new in `head` is not a change.
pub fn changed_without_promotion(
    promotion: &Promotion,
    project: &Project,
    head: &[EnvInstance],
    base: &[EnvInstance],
    base_label: &str,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (position, env_name) in promotion.chain.iter().enumerate().skip(1) {
        let Some(env) = env_named(head, env_name) else {
            continue;
        };
        let from = position
            .checked_sub(1)
            .and_then(|index| promotion.chain.get(index))
            .map_or("", String::as_str);
        for app in &env.apps {
            let now = promotion.release_of(app);
            let Some(then) =
                app_in(base, env_name, &app.name).map(|before| promotion.release_of(before))
            else {
                continue;
            };
            // A release that appears in both in the same change did not come through the
            // environment before.
            let promoted = app_in(base, from, &app.name)
                .is_some_and(|source| promotion.release_of(source) == now);
            if then == now || promoted || valid_hotfix(promotion, project, app, env_name) {
                continue;
            }
            found.push(diagnostic(
                promotion,
                app,
                env_name,
                from,
                (&now, &then),
                base_label,
            ));
        }
    }
    found
}

/// E0604 for `app` in `env_name`, whose release went from `then` (at `base_label`) to `now`.
fn diagnostic(
    promotion: &Promotion,
    app: &AppInstance,
    env_name: &str,
    from: &str,
    (now, then): (&Release, &Release),
    base_label: &str,
) -> Diagnostic {
    Diagnostic::error(
        codes::CHANGED_WITHOUT_PROMOTION,
        format!(
            "the release of `{}` in `{env_name}` changed without a promotion",
            app.name
        ),
    )
    .at(
        release_span(promotion, app),
        format!(
            "{} now; {} at {base_label}",
            release_text(now),
            release_text(then)
        ),
    )
    .help(format!(
        "`{env_name}` is protected: promote from `{from}` (`ehp promote {} --from {from} --to {env_name}`) or mark a hot-fix (`ehp hotfix`)",
        app.name
    ))
}
