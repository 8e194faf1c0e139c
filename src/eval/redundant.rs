//! Overrides that change nothing (W0002): an override entry that gives a field the value the
//! layers below already give it in that environment.

use crate::diag::{Diagnostic, Label, codes};
use crate::syntax::ast::ExprKind;
use crate::types::Ty;

use super::frame::{Context, Contribution, Frame, child_type};

impl Frame<'_> {
    /// Warns about override entries that set a field (or a dotted part of it) to the value the
    /// layers below already give it in this environment (W0002).
    pub(super) fn redundant_overrides(
        &mut self,
        name: &str,
        ty: &Ty,
        contributions: &[Contribution<'_>],
        first_override: usize,
        context: &mut Context<'_>,
    ) {
        // Releases (tags, chart versions) are pinned per environment on purpose: after a
        // promotion an environment runs what the one before it runs, and its own override is
        // what keeps it there when the one before moves on.
        if matches!(ty, Ty::Tag | Ty::Semver | Ty::Version) {
            return;
        }
        for (position, contribution) in contributions.iter().enumerate().skip(first_override) {
            let (rest, expr) = (contribution.rest, contribution.expr);
            if matches!(expr.kind, ExprKind::Block(_)) {
                continue;
            }
            let same_path = |other: &&Contribution<'_>| {
                other.rest.len() == rest.len()
                    && other
                        .rest
                        .iter()
                        .zip(rest.iter())
                        .all(|(a, b)| a.name == b.name)
            };
            let Some(below) = contributions
                .get(..position)
                .and_then(|lower| lower.iter().rev().find(same_path))
                .map(|found| found.expr)
            else {
                continue;
            };
            if matches!(below.kind, ExprKind::Block(_)) {
                continue;
            }
            let field_ty = rest
                .iter()
                .fold(ty, |current, key| child_type(current, &key.name));
            let (Some(new), Some(old)) = (
                self.eval(expr, field_ty, context),
                self.eval(below, field_ty, context),
            ) else {
                continue;
            };
            if new.same(&old) {
                let mut path = vec![name];
                path.extend(rest.iter().map(|key| key.name.as_str()));
                let path = path.join(".");
                let shown = new
                    .to_text()
                    .map_or_else(String::new, |text| format!(" ({text})"));
                context.diagnostics.push(
                    Diagnostic::warning(codes::REDUNDANT_OVERRIDE, format!("override of `{path}` changes nothing"))
                        .at(expr.span, format!("`{path}` already has this value{shown} here"))
                        .also(old.origin, "the value comes from here")
                        .help("remove the override, or change the value below it if the environments should differ"),
                );
                if below.span != old.origin
                    && let Some(last) = context.diagnostics.last_mut()
                {
                    last.secondary.push(Label {
                        span: below.span,
                        message: "and reaches the field through here".into(),
                    });
                }
            }
        }
    }
}
