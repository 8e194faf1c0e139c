//! Lowering blocks and what they hold: entries (`key.path = value`), keys (names or quoted
//! strings) and field declarations (`name: type = default`).

use pest::iterators::Pair;

use super::Lowerer;
use crate::diag::{Diagnostic, codes};
use crate::syntax::Rule;
use crate::syntax::ast::{Block, Entry, Expr, ExprKind, FieldDecl, Key};

impl Lowerer<'_> {
    pub(super) fn block(&mut self, pair: Pair<'_, Rule>) -> Option<Block> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::entry => entries.extend(self.entry(inner, std::mem::take(&mut docs))),
                Rule::env_override => self.misplaced_override(
                    &inner,
                    "an override sets an app's fields for some environments: write it directly inside the app, `in ENV { field = value }`, not inside a block or an environment",
                ),
                _ => self.internal(&inner),
            }
        }
        Some(Block {
            entries,
            span,
            replace: None,
        })
    }

    /// Reports an `in ENV { }` written where no override belongs (E0112), with `help`.
    pub(super) fn misplaced_override(&mut self, pair: &Pair<'_, Rule>, help: &str) {
        let span = self.span(pair);
        let keyword = pair
            .clone()
            .into_inner()
            .find(|inner| inner.as_rule() == Rule::in_kw)
            .map_or(span, |keyword| self.span(&keyword));
        let names: Vec<Pair<'_, Rule>> = pair
            .clone()
            .into_inner()
            .filter(|inner| inner.as_rule() == Rule::name)
            .collect();
        let head = names
            .last()
            .map_or(span, |last| keyword.to(self.span(last)));
        let names: Vec<&str> = names.iter().map(Pair::as_str).collect();
        self.problems.push(
            Diagnostic::error(
                codes::MISPLACED_OVERRIDE,
                format!(
                    "`in {}` is only allowed directly inside an app",
                    names.join(", ")
                ),
            )
            .at(head, "an override outside an app")
            .help(help),
        );
    }

    pub(super) fn entry(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<Entry> {
        let span = self.span(&pair);
        // Room for one key: nearly every key path has one, and a vector that grows from empty
        // makes room for four (every entry of the project is held until the end).
        let mut path = Vec::with_capacity(1);
        let mut value = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::key_path => {
                    for key in inner.into_inner() {
                        path.extend(self.key(key));
                    }
                }
                Rule::expr => value = self.expr(inner),
                Rule::block => {
                    let block_span = self.span(&inner);
                    value = self.block(inner).map(|block| Expr {
                        kind: ExprKind::Block(block),
                        span: block_span,
                    });
                }
                _ => self.internal(&inner),
            }
        }
        Some(Entry {
            docs,
            path,
            value: value?,
            span,
        })
    }

    fn key(&mut self, pair: Pair<'_, Rule>) -> Option<Key> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::name => Some(Key {
                name: inner.as_str().into(),
                span,
            }),
            Rule::string => {
                let expr = self.string(inner)?;
                match expr.as_plain_str() {
                    Some(name) => Some(Key {
                        name: name.into(),
                        span,
                    }),
                    None => {
                        self.problems.push(
                            Diagnostic::error(codes::SYNTAX, "a key cannot interpolate")
                                .at(span, "`${...}` is not allowed in a key")
                                .help("write the key as plain text"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.internal(&inner);
                None
            }
        }
    }

    pub(super) fn field_decl(
        &mut self,
        pair: Pair<'_, Rule>,
        docs: Vec<String>,
    ) -> Option<FieldDecl> {
        let span = self.span(&pair);
        let (mut name, mut ty, mut default) = (None, None, None);
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::key => name = self.key(inner),
                Rule::type_expr => ty = self.type_expr(inner),
                Rule::expr => default = self.expr(inner),
                _ => self.internal(&inner),
            }
        }
        Some(FieldDecl {
            docs,
            name: name?,
            ty: ty?,
            default,
            span,
        })
    }
}
