//! Lowering values: numbers (with a diagnostic for one too large), quantities with units,
//! booleans, `null`, lists, blocks, calls and references.

use pest::iterators::Pair;

use super::Lowerer;
use crate::diag::{Diagnostic, codes};
use crate::syntax::Rule;
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident};

impl Lowerer<'_> {
    /// A whole number, or a diagnostic when it does not fit in 64 bits.
    pub(super) fn integer(&mut self, pair: &Pair<'_, Rule>) -> Option<i64> {
        match pair.as_str().parse::<i64>() {
            Ok(value) => Some(value),
            Err(_) => {
                let span = self.span(pair);
                self.problems.push(
                    Diagnostic::error(codes::BAD_NUMBER, "number too large")
                        .at(span, "this does not fit in a 64-bit integer")
                        .help("use a number between -9223372036854775808 and 9223372036854775807"),
                );
                None
            }
        }
    }

    /// A value.
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::string => return self.string(inner),
            Rule::number => {
                let text = inner.as_str();
                if text.contains('.') {
                    ExprKind::Float(text.parse().unwrap_or(0.0), text.to_string())
                } else {
                    ExprKind::Int(self.integer(&inner)?)
                }
            }
            Rule::unit_number => {
                let text = inner.as_str();
                let split_at = text
                    .find(|c: char| c.is_ascii_alphabetic())
                    .unwrap_or(text.len());
                let (number, unit) = text.split_at(split_at);
                ExprKind::Unit {
                    number: number.to_string(),
                    unit: unit.to_string(),
                }
            }
            Rule::boolean => ExprKind::Bool(inner.as_str() == "true"),
            Rule::null => ExprKind::Null,
            Rule::list => {
                let mut items: Vec<Expr> = Vec::new();
                for element in inner.into_inner() {
                    if element.as_rule() == Rule::missing_comma {
                        self.missing_comma(items.last().map(|item| item.span));
                        continue;
                    }
                    items.extend(self.expr(element));
                }
                ExprKind::List(items)
            }
            Rule::block => ExprKind::Block(self.block(inner)?),
            Rule::replace_block => {
                let mut keyword = None;
                let mut block = None;
                for part in inner.into_inner() {
                    match part.as_rule() {
                        Rule::replace_kw => keyword = Some(self.span(&part)),
                        Rule::block => block = self.block(part),
                        _ => self.internal(&part),
                    }
                }
                let mut block = block?;
                block.replace = keyword;
                ExprKind::Block(block)
            }
            Rule::call => self.call(inner)?,
            Rule::reference => ExprKind::Ref(self.reference(inner)),
            _ => {
                self.internal(&inner);
                return None;
            }
        };
        Some(Expr { kind, span })
    }

    /// Reports a `,` missing after the list item at `previous`.
    fn missing_comma(&mut self, previous: Option<crate::source::Span>) {
        let Some(previous) = previous else { return };
        let end = previous.end as usize;
        let at = crate::source::Span::new(previous.file, end, end);
        self.problems.push(
            Diagnostic::error(codes::SYNTAX, "expected `,` between list items")
                .at(at, "a `,` is missing here")
                .also(previous, "this item ends here")
                .help("separate the items of a list with `,`"),
        );
    }

    /// `name(arg, name = arg, ...)`.
    fn call(&mut self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut parts = pair.into_inner();
        let name = self.ident(&parts.next()?);
        let mut args = Vec::new();
        for arg in parts {
            let mut arg_name = None;
            let mut value = None;
            for part in arg.into_inner() {
                match part.as_rule() {
                    Rule::name => arg_name = Some(self.ident(&part)),
                    Rule::expr => value = self.expr(part),
                    _ => self.internal(&part),
                }
            }
            if let Some(value) = value {
                args.push(Arg {
                    name: arg_name,
                    value,
                });
            }
        }
        Some(ExprKind::Call { name, args })
    }

    /// A dotted reference: its names.
    pub(super) fn reference(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner().map(|part| self.ident(&part)).collect()
    }
}
