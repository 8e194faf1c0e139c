//! Lowering type expressions: named types, `[T]`, `map(T)`, records, enums of strings and
//! integer ranges, each optionally marked `?`.

use pest::iterators::Pair;

use super::Lowerer;
use crate::syntax::Rule;
use crate::syntax::ast::{Key, TypeExpr, TypeExprKind};

impl Lowerer<'_> {
    /// A type expression: a type, optionally marked `?`.
    pub(super) fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = self.span(&pair);
        let mut optional = false;
        let mut kind = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::optional => optional = true,
                Rule::type_atom => {
                    kind = inner
                        .into_inner()
                        .next()
                        .and_then(|atom| self.type_atom(atom));
                }
                _ => self.internal(&inner),
            }
        }
        Some(TypeExpr {
            kind: kind?,
            optional,
            span,
        })
    }

    fn type_atom(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExprKind> {
        match pair.as_rule() {
            Rule::named_type => {
                let name = pair.into_inner().next()?;
                Some(TypeExprKind::Named(self.ident(&name)))
            }
            Rule::list_type => {
                let inner = self.type_expr(pair.into_inner().next()?)?;
                Some(TypeExprKind::List(Box::new(inner)))
            }
            Rule::map_type => {
                let inner = self.type_expr(pair.into_inner().next()?)?;
                Some(TypeExprKind::Map(Box::new(inner)))
            }
            Rule::record_type => Some(self.record_type(pair)),
            Rule::enum_type => self.enum_type(pair),
            Rule::range_type => self.range_type(pair),
            _ => {
                self.internal(&pair);
                None
            }
        }
    }

    /// `{ name: type ... }`: the field declarations, each with its doc comment.
    fn record_type(&mut self, pair: Pair<'_, Rule>) -> TypeExprKind {
        let mut fields = Vec::new();
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::field_decl => {
                    fields.extend(self.field_decl(inner, std::mem::take(&mut docs)));
                }
                _ => self.internal(&inner),
            }
        }
        TypeExprKind::Record(fields)
    }

    /// `"a" | "b"`: the variants, each with its span.
    fn enum_type(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExprKind> {
        let mut variants = Vec::new();
        for inner in pair.into_inner() {
            let span = self.span(&inner);
            let expr = self.plain_string(inner)?;
            variants.push(Key {
                name: expr.as_plain_str().unwrap_or_default().into(),
                span,
            });
        }
        Some(TypeExprKind::Enum(variants))
    }

    /// `int(1..10)`, `port(..)`: the base type and the bounds on either side of the `..`.
    fn range_type(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExprKind> {
        let mut base = None;
        let mut bounds: Vec<(usize, Option<i64>)> = Vec::new();
        let text = pair.as_str();
        let pair_start = pair.as_span().start();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => base = Some(self.ident(&inner)),
                Rule::range_bound => {
                    let position = inner.as_span().start() - pair_start;
                    bounds.push((position, self.integer(&inner)));
                }
                _ => self.internal(&inner),
            }
        }
        let dots = text.find("..").unwrap_or(0);
        let mut min = None;
        let mut max = None;
        for (position, value) in bounds {
            if position < dots {
                min = value;
            } else {
                max = value;
            }
        }
        Some(TypeExprKind::Range {
            base: base?,
            min,
            max,
        })
    }
}
