//! What is under the cursor: walks the declarations of one file (from the analysis, so with
//! their schemas) down to the name at a byte offset, for hover and go-to-definition.

use std::sync::Arc;

use crate::Analysis;
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    AppDecl, Block, Entry, EnvDecl, Expr, ExprKind, FieldDecl, Ident, StrPart, TemplateDecl,
    TypeExprKind,
};
use crate::types::{FieldSchema, Schema, Ty};

/// A name found under the cursor.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// The name's span (what the editor highlights).
    pub span: Span,
    /// What it names.
    pub kind: FoundKind,
}

/// What a name under the cursor refers to.
#[derive(Debug, Clone)]
pub(super) enum FoundKind {
    /// A template, by name.
    Template(String),
    /// An environment, by name.
    Env(String),
    /// An app's own name.
    App(String),
    /// A field: in an entry's key, a field declaration, or a bare reference.
    Field {
        /// The declared field.
        field: FieldSchema,
        /// The field names from the top-level field down to this one.
        path: Vec<String>,
        /// Where its evaluated values are.
        values: ValuesOf,
    },
    /// The keyword of `replace { ... }`.
    Replace,
    /// An `env.NAME` reference: the setting's path (without `env`), and its schema when known.
    EnvSetting {
        /// The setting names.
        path: Vec<String>,
        /// The declared setting.
        field: Option<FieldSchema>,
    },
}

/// Where the evaluated values of a field are found.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ValuesOf {
    /// Nowhere (a template's field).
    Nothing,
    /// In an app (by name), one value per environment.
    App(String),
    /// In environment settings, one value per environment.
    Env,
}

fn contains(span: Span, offset: usize) -> bool {
    (span.start as usize) <= offset && offset <= (span.end as usize)
}

/// The context in which a block is walked.
#[derive(Clone)]
struct Scope {
    /// The schema bare references resolve in (the template's fields), if any.
    refs: Option<Arc<Schema>>,
    /// Where the values of fields set here live.
    values: ValuesOf,
}

/// The name at `offset` in `file`.
pub(super) fn locate(analysis: &Analysis, file: FileId, offset: usize) -> Option<Found> {
    let walker = Walker { analysis, offset };
    let project = &analysis.project;
    let here = |span: Span| span.file == file && contains(span, offset);
    if let Some(env) = project.envs.iter().find(|env| here(env.span)) {
        return walker.env(env);
    }
    let mut templates = project.templates.iter().enumerate();
    if let Some((index, template)) = templates.find(|(_, template)| here(template.span)) {
        return walker.template(index, template);
    }
    let mut apps = project.apps.iter().enumerate();
    if let Some((index, app)) = apps.find(|(_, app)| here(app.span)) {
        return walker.app(index, app);
    }
    None
}

struct Walker<'a> {
    analysis: &'a Analysis,
    offset: usize,
}

/// The field a key names inside a value of type `ty`, and the type of the key's value: a
/// record's field, or any key of a map.
fn descend(ty: Option<&Ty>, key: &str) -> (Option<FieldSchema>, Option<Ty>) {
    match ty {
        Some(Ty::Record(schema)) => {
            let field = schema.get(key).cloned();
            let inner = field.as_ref().map(|field| field.ty.clone());
            (field, inner)
        }
        Some(Ty::Map(inner)) => (None, Some((**inner).clone())),
        _ => (None, None),
    }
}

impl Walker<'_> {
    /// In an environment: its name, its parent, or a setting in its body.
    fn env(&self, env: &EnvDecl) -> Option<Found> {
        if let Some(found) = self.ident(&env.name, |name| FoundKind::Env(name.into())) {
            return Some(found);
        }
        if let Some(parent) = &env.parent
            && let Some(found) = self.ident(parent, |name| FoundKind::Env(name.into()))
        {
            return Some(found);
        }
        let scope = Scope {
            refs: None,
            values: ValuesOf::Env,
        };
        let env_schema = Ty::Record(Arc::clone(&self.analysis.schemas.env));
        self.block(&env.body, Some(&env_schema), &[], &scope)
    }

    /// In a template: its name, its parent, a field declaration, a default assignment or its
    /// `values` block.
    fn template(&self, index: usize, template: &TemplateDecl) -> Option<Found> {
        if let Some(found) = self.ident(&template.name, |name| FoundKind::Template(name.into())) {
            return Some(found);
        }
        if let Some(parent) = &template.parent
            && let Some(found) = self.ident(parent, |name| FoundKind::Template(name.into()))
        {
            return Some(found);
        }
        let schema = self
            .analysis
            .schemas
            .templates
            .get(index)
            .cloned()
            .flatten();
        let scope = Scope {
            refs: schema.clone(),
            values: ValuesOf::Nothing,
        };
        let ty = schema.map(Ty::Record);
        for field in &template.fields {
            if let Some(found) = self.field_decl(field, ty.as_ref(), &[], &scope) {
                return Some(found);
            }
        }
        if let Some(found) = self.entries(&template.defaults, ty.as_ref(), &[], &scope) {
            return Some(found);
        }
        template
            .values
            .iter()
            .find_map(|part| self.block(&part.block, None, &[], &scope))
    }

    /// In an app: its name, its template, one of its entries, or an override (the environments
    /// it names or its body).
    fn app(&self, index: usize, app: &AppDecl) -> Option<Found> {
        if let Some(found) = self.ident(&app.name, |name| FoundKind::App(name.into())) {
            return Some(found);
        }
        if let Some(found) = self.ident(&app.template, |name| FoundKind::Template(name.into())) {
            return Some(found);
        }
        let schema = self
            .analysis
            .project
            .app_templates
            .get(index)
            .copied()
            .flatten()
            .and_then(|template| {
                self.analysis
                    .schemas
                    .templates
                    .get(template)
                    .cloned()
                    .flatten()
            });
        let scope = Scope {
            refs: schema.clone(),
            values: ValuesOf::App(app.name.name.to_string()),
        };
        let ty = schema.map(Ty::Record);
        if let Some(found) = self.entries(&app.entries, ty.as_ref(), &[], &scope) {
            return Some(found);
        }
        for override_block in &app.overrides {
            for env in &override_block.envs {
                if let Some(found) = self.ident(env, |name| FoundKind::Env(name.into())) {
                    return Some(found);
                }
            }
            if contains(override_block.body.span, self.offset) {
                return self.block(&override_block.body, ty.as_ref(), &[], &scope);
            }
        }
        None
    }

    fn ident(&self, ident: &Ident, kind: impl Fn(&str) -> FoundKind) -> Option<Found> {
        contains(ident.span, self.offset).then(|| Found {
            span: ident.span,
            kind: kind(&ident.name),
        })
    }

    fn block(
        &self,
        block: &Block,
        ty: Option<&Ty>,
        path: &[String],
        scope: &Scope,
    ) -> Option<Found> {
        self.entries(&block.entries, ty, path, scope)
    }

    fn entries(
        &self,
        entries: &[Entry],
        ty: Option<&Ty>,
        path: &[String],
        scope: &Scope,
    ) -> Option<Found> {
        let entry = entries
            .iter()
            .find(|entry| contains(entry.span, self.offset))?;
        let mut current = ty.cloned();
        let mut path = path.to_vec();
        for key in &entry.path {
            let (field, inner) = descend(current.as_ref(), &key.name);
            path.push(key.name.to_string());
            if contains(key.span, self.offset) {
                return field.map(|field| Found {
                    span: key.span,
                    kind: FoundKind::Field {
                        field,
                        path,
                        values: scope.values.clone(),
                    },
                });
            }
            current = inner;
        }
        self.expr(&entry.value, current.as_ref(), &path, scope)
    }

    fn field_decl(
        &self,
        decl: &FieldDecl,
        ty: Option<&Ty>,
        path: &[String],
        scope: &Scope,
    ) -> Option<Found> {
        if !contains(decl.span, self.offset) {
            return None;
        }
        let (field, inner) = descend(ty, &decl.name.name);
        let mut path = path.to_vec();
        path.push(decl.name.name.to_string());
        if contains(decl.name.span, self.offset) {
            return field.map(|field| Found {
                span: decl.name.span,
                kind: FoundKind::Field {
                    field,
                    path,
                    values: scope.values.clone(),
                },
            });
        }
        if let TypeExprKind::Record(fields) = &decl.ty.kind {
            // A record field: its own fields, or a map of records' fields.
            let record = match &inner {
                Some(Ty::Map(of)) | Some(Ty::List(of)) => Some((**of).clone()),
                other => other.clone(),
            };
            for nested in fields {
                if let Some(found) = self.field_decl(nested, record.as_ref(), &path, scope) {
                    return Some(found);
                }
            }
        }
        if let TypeExprKind::Map(of) | TypeExprKind::List(of) = &decl.ty.kind
            && let TypeExprKind::Record(fields) = &of.kind
        {
            let record = match &inner {
                Some(Ty::Map(of)) | Some(Ty::List(of)) => Some((**of).clone()),
                other => other.clone(),
            };
            for nested in fields {
                if let Some(found) = self.field_decl(nested, record.as_ref(), &path, scope) {
                    return Some(found);
                }
            }
        }
        decl.default
            .as_ref()
            .and_then(|default| self.expr(default, inner.as_ref(), &path, scope))
    }

    fn expr(&self, expr: &Expr, ty: Option<&Ty>, path: &[String], scope: &Scope) -> Option<Found> {
        if !contains(expr.span, self.offset) {
            return None;
        }
        match &expr.kind {
            ExprKind::Block(block) => match block.replace {
                Some(keyword) if contains(keyword, self.offset) => Some(Found {
                    span: keyword,
                    kind: FoundKind::Replace,
                }),
                _ => self.block(block, ty, path, scope),
            },
            ExprKind::List(items) => {
                let inner = match ty {
                    Some(Ty::List(inner)) => Some((**inner).clone()),
                    _ => None,
                };
                items
                    .iter()
                    .find_map(|item| self.expr(item, inner.as_ref(), path, scope))
            }
            ExprKind::Call { args, .. } => args
                .iter()
                .find_map(|arg| self.expr(&arg.value, None, path, scope)),
            ExprKind::Ref(idents) => self.reference(idents, scope),
            ExprKind::Str(parts) => parts.iter().find_map(|part| match part {
                StrPart::Interp(idents, span) if contains(*span, self.offset) => {
                    self.reference(idents, scope)
                }
                _ => None,
            }),
            ExprKind::Int(_)
            | ExprKind::Float(..)
            | ExprKind::Unit { .. }
            | ExprKind::Bool(_)
            | ExprKind::Null => None,
        }
    }

    /// A reference: `env.a.b` names an environment setting, `a.b` a field of the template.
    fn reference(&self, idents: &[Ident], scope: &Scope) -> Option<Found> {
        let at = idents
            .iter()
            .position(|ident| contains(ident.span, self.offset))?;
        let target = idents.get(at)?;
        let is_env = idents.first().is_some_and(|first| first.name == "env");
        if is_env {
            if at == 0 {
                return None;
            }
            let mut ty = Some(Ty::Record(Arc::clone(&self.analysis.schemas.env)));
            let mut field = None;
            let mut path = Vec::new();
            for ident in idents.get(1..=at)? {
                let (found, inner) = descend(ty.as_ref(), &ident.name);
                field = found;
                ty = inner;
                path.push(ident.name.to_string());
            }
            return Some(Found {
                span: target.span,
                kind: FoundKind::EnvSetting { path, field },
            });
        }
        let mut ty = scope.refs.clone().map(Ty::Record);
        let mut field = None;
        let mut path = Vec::new();
        for ident in idents.get(..=at)? {
            let (found, inner) = descend(ty.as_ref(), &ident.name);
            field = found;
            ty = inner;
            path.push(ident.name.to_string());
        }
        field.map(|field| Found {
            span: target.span,
            kind: FoundKind::Field {
                field,
                path,
                values: scope.values.clone(),
            },
        })
    }
}
