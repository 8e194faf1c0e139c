//! Lowering declarations: `env`, `template` (fields, default assignments, `values`), `app`
//! (entries and `in ENV { }` overrides) and `promotion`.

use pest::iterators::Pair;

use super::Lowerer;
use crate::syntax::Rule;
use crate::syntax::ast::{
    AppDecl, Block, Entry, EnvDecl, ExprKind, Ident, Item, Override, PrivateOverride,
    PromotionDecl, TemplateDecl, ValuesPart,
};

impl Lowerer<'_> {
    pub(super) fn item(mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::env_decl => return self.env_decl(inner, docs).map(Item::Env),
                Rule::template_decl => return self.template_decl(inner, docs).map(Item::Template),
                Rule::app_decl => return self.app_decl(inner, docs).map(Item::App),
                Rule::promotion_decl => {
                    return self.promotion_decl(inner, docs).map(Item::Promotion);
                }
                Rule::private_override => {
                    return self.private_override(inner, docs).map(Item::Private);
                }
                _ => self.internal(&inner),
            }
        }
        None
    }

    fn env_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<EnvDecl> {
        let span = self.span(&pair);
        let (mut is_abstract, mut name, mut parent, mut body) = (false, None, None, None);
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::abstract_kw => is_abstract = true,
                Rule::name => name = Some(self.ident(&inner)),
                Rule::extends => parent = self.extends(inner),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(EnvDecl {
            docs,
            is_abstract,
            name: name?,
            parent,
            body: body?,
            span,
        })
    }

    fn promotion_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<PromotionDecl> {
        let span = self.span(&pair);
        let mut keyword = span;
        let mut body = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::promotion_kw => keyword = self.span(&inner),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(PromotionDecl {
            docs,
            keyword,
            body: body?,
            span,
        })
    }

    fn private_override(
        &mut self,
        pair: Pair<'_, Rule>,
        docs: Vec<String>,
    ) -> Option<PrivateOverride> {
        let span = self.span(&pair);
        let (mut env, mut body) = (None, None);
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::in_kw => {}
                Rule::name => env = Some(self.ident(&inner)),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(PrivateOverride {
            docs,
            env: env?,
            body: body?,
            span,
        })
    }

    fn extends(&mut self, pair: Pair<'_, Rule>) -> Option<Ident> {
        let inner = pair
            .into_inner()
            .find(|inner| inner.as_rule() == Rule::name)?;
        Some(self.ident(&inner))
    }

    fn template_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<TemplateDecl> {
        let span = self.span(&pair);
        let mut decl = TemplateDecl {
            docs,
            name: Ident {
                name: Default::default(),
                span,
            },
            parent: None,
            fields: Vec::new(),
            defaults: Vec::new(),
            values: Vec::new(),
            span,
        };
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => decl.name = self.ident(&inner),
                Rule::extends => decl.parent = self.extends(inner),
                Rule::template_body => {
                    for member in inner.into_inner() {
                        self.template_member(member, &mut decl);
                    }
                }
                _ => self.internal(&inner),
            }
        }
        Some(decl)
    }

    fn template_member(&mut self, pair: Pair<'_, Rule>, decl: &mut TemplateDecl) {
        let mut docs = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::doc => docs.push(Self::doc(&inner)),
                Rule::values_block => {
                    let block = inner
                        .into_inner()
                        .find(|block| block.as_rule() == Rule::block)
                        .and_then(|block| self.block(block));
                    if let Some(block) = block {
                        decl.values.push(ValuesPart { block, entry: None });
                    }
                }
                Rule::field_decl => {
                    if let Some(field) = self.field_decl(inner, std::mem::take(&mut docs)) {
                        decl.fields.push(field);
                    }
                }
                Rule::entry => {
                    if let Some(entry) = self.entry(inner, std::mem::take(&mut docs)) {
                        add_entry(decl, entry);
                    }
                }
                Rule::env_override => self.misplaced_override(
                    &inner,
                    "a template's defaults are the same in every environment: compute them from the environment (`replicas = env.defaults.replicas`, `\"${env.name}\"`), set the environment's own settings in `env ENV { }`, or override the field in each app with `in ENV { }`",
                ),
                _ => self.internal(&inner),
            }
        }
    }

    fn app_decl(&mut self, pair: Pair<'_, Rule>, docs: Vec<String>) -> Option<AppDecl> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut entries = Vec::new();
        let mut overrides = Vec::new();
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => names.push(self.ident(&inner)),
                Rule::app_body => {
                    for member in inner.into_inner() {
                        let mut member_docs = Vec::new();
                        for part in member.into_inner() {
                            match part.as_rule() {
                                Rule::doc => member_docs.push(Self::doc(&part)),
                                Rule::entry => {
                                    entries
                                        .extend(self.entry(part, std::mem::take(&mut member_docs)));
                                }
                                Rule::env_override => overrides.extend(self.env_override(part)),
                                _ => self.internal(&part),
                            }
                        }
                    }
                }
                _ => self.internal(&inner),
            }
        }
        let mut names = names.into_iter();
        let name = names.next()?;
        let template = names.next()?;
        Some(AppDecl {
            docs,
            name,
            template,
            entries,
            overrides,
            span,
        })
    }

    fn env_override(&mut self, pair: Pair<'_, Rule>) -> Option<Override> {
        let span = self.span(&pair);
        let mut envs = Vec::new();
        let mut body = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::name => envs.push(self.ident(&inner)),
                Rule::block => body = self.block(inner),
                _ => self.internal(&inner),
            }
        }
        Some(Override {
            envs,
            body: body?,
            span,
        })
    }
}

/// Adds a template's entry. In a template, `values` always names the chart values:
/// `values = { ... }` and `values.KEY = ...` are the same as `values { ... }` and
/// `values { KEY = ... }`; any other entry changes the default of a field.
pub(super) fn add_entry(decl: &mut TemplateDecl, entry: Entry) {
    let is_values = entry.path.first().is_some_and(|key| key.name == "values");
    if is_values && entry.path.len() > 1 {
        let mut inner = entry.clone();
        inner.path.remove(0);
        let block = Block {
            entries: vec![inner],
            span: entry.span,
            replace: None,
        };
        decl.values.push(ValuesPart {
            block,
            entry: Some(entry),
        });
        return;
    }
    match entry.value.kind {
        // `values = { ... }` is `values { ... }`, written the other way.
        ExprKind::Block(block) if is_values => decl.values.push(ValuesPart { block, entry: None }),
        _ => decl.defaults.push(entry),
    }
}
