//! The type phase: turns template declarations into field schemas and checks every entry of
//! every environment, template and app against them, before any environment is evaluated.

mod check;
pub mod formats;

use std::fmt;
use std::sync::Arc;

pub use check::{Checker, Scope, article, check_app, check_declarations, check_project};

use crate::diag::{Diagnostic, Problems, codes};
use crate::resolve::{ENV_TEMPLATE, Project, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Expr, FieldDecl, TypeExpr, TypeExprKind};

/// A type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// Anything (chart values).
    Any,
    /// Text.
    String,
    /// A whole number in an optional range.
    Int {
        /// Smallest allowed.
        min: Option<i64>,
        /// Largest allowed.
        max: Option<i64>,
    },
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A memory quantity: `512Mi`, `1Gi`.
    Memory,
    /// A CPU quantity: `250m`, `1`, `0.5`.
    Cpu,
    /// A duration: `30s`, `5m`.
    Duration,
    /// A TCP/UDP port, 1 to 65535 unless narrowed.
    Port {
        /// Smallest allowed.
        min: Option<i64>,
        /// Largest allowed.
        max: Option<i64>,
    },
    /// A DNS name.
    Dns,
    /// A DNS name bound to the app (unique per environment).
    Host,
    /// An absolute URL.
    Url,
    /// An image repository path.
    Image,
    /// An image tag.
    Tag,
    /// A chart reference.
    Chart,
    /// A semantic version.
    Semver,
    /// A chart version as helmsman takes it: an exact semantic version (with an optional `v`)
    /// or a constraint (`^1.2`, `~1.2.3`, `>=1 <2`).
    Version,
    /// A five-field cron schedule.
    Cron,
    /// A secret reference.
    Secret,
    /// An environment variable value: text or a secret reference.
    Var,
    /// A variable helmsman expands when it deploys: `deploy_var("NAME")`, written `${NAME}`.
    DeployVar,
    /// A list.
    List(Box<Ty>),
    /// A map from names.
    Map(Box<Ty>),
    /// A block with declared fields.
    Record(Arc<Schema>),
    /// One of some strings.
    Enum(Vec<String>),
}

impl Ty {
    /// Whether values of this type are written as strings.
    pub fn is_stringish(&self) -> bool {
        matches!(
            self,
            Ty::String
                | Ty::Dns
                | Ty::Host
                | Ty::Url
                | Ty::Image
                | Ty::Tag
                | Ty::Chart
                | Ty::Semver
                | Ty::Version
                | Ty::Cron
                | Ty::Enum(_)
        )
    }

    /// Whether values are blocks (merged key by key).
    pub fn is_block(&self) -> bool {
        matches!(self, Ty::Map(_) | Ty::Record(_))
    }

    /// Whether a value of type `self` may be used where `expected` is wanted.
    pub fn fits(&self, expected: &Ty) -> bool {
        match (self, expected) {
            (_, Ty::Any) | (Ty::Any, _) => true,
            (
                Ty::Int { .. } | Ty::Port { .. },
                Ty::Int { .. } | Ty::Port { .. } | Ty::Number | Ty::Cpu | Ty::Memory,
            ) => true,
            (Ty::Number, Ty::Cpu) => true,
            (Ty::Dns | Ty::Host, Ty::Dns | Ty::Host) => true,
            (Ty::DeployVar, Ty::String | Ty::Version | Ty::Url | Ty::Var) => true,
            (found, Ty::String) => found.is_stringish(),
            (found, Ty::Var) => found.is_stringish() || matches!(found, Ty::Secret | Ty::Var),
            (Ty::List(found), Ty::List(expected)) | (Ty::Map(found), Ty::Map(expected)) => {
                found.fits(expected)
            }
            (Ty::Record(found), Ty::Record(expected)) => Arc::ptr_eq(found, expected),
            (Ty::Enum(found), Ty::Enum(expected)) => {
                found.iter().all(|variant| expected.contains(variant))
            }
            (found, expected) => found == expected,
        }
    }

    /// An example of a value of this type, for help lines.
    pub fn example(&self) -> String {
        match self {
            Ty::Any | Ty::String => "\"text\"".into(),
            Ty::Int { min, .. } => min.unwrap_or(1).to_string(),
            Ty::Number => "1.5".into(),
            Ty::Bool => "true".into(),
            Ty::Memory => "512Mi".into(),
            Ty::Cpu => "250m".into(),
            Ty::Duration => "30s".into(),
            Ty::Port { .. } => "8080".into(),
            Ty::Dns => "\"inttest.ehealth.example\"".into(),
            Ty::Host => "\"journal.${env.domain}\"".into(),
            Ty::Url => "\"https://charts.example.org\"".into(),
            Ty::Image => "\"journal/api\"".into(),
            Ty::Tag => "\"2.3.1\"".into(),
            Ty::Chart => "\"ehealth/web-service\"".into(),
            Ty::Semver | Ty::Version => "\"1.4.0\"".into(),
            Ty::Cron => "\"0 3 * * *\"".into(),
            Ty::Secret | Ty::Var => "secret(\"journal-db\", \"password\")".into(),
            Ty::DeployVar => "deploy_var(\"KUBE_CONTEXT\")".into(),
            Ty::List(inner) => format!("[{}]", inner.example()),
            Ty::Map(inner) => format!("{{ name = {} }}", inner.example()),
            Ty::Record(_) => "{ ... }".into(),
            Ty::Enum(variants) => variants
                .first()
                .map_or("\"\"".into(), |first| format!("\"{first}\"")),
        }
    }
}

fn bounds(min: Option<i64>, max: Option<i64>) -> String {
    let show = |bound: Option<i64>| bound.map(|value| value.to_string()).unwrap_or_default();
    format!("({}..{})", show(min), show(max))
}

impl fmt::Display for Ty {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any => formatter.write_str("any value"),
            Ty::String => formatter.write_str("string"),
            Ty::Int {
                min: None,
                max: None,
            } => formatter.write_str("int"),
            Ty::Int { min, max } => write!(formatter, "int{}", bounds(*min, *max)),
            Ty::Number => formatter.write_str("number"),
            Ty::Bool => formatter.write_str("bool"),
            Ty::Memory => formatter.write_str("memory"),
            Ty::Cpu => formatter.write_str("cpu"),
            Ty::Duration => formatter.write_str("duration"),
            Ty::Port {
                min: None,
                max: None,
            } => formatter.write_str("port"),
            Ty::Port { min, max } => write!(formatter, "port{}", bounds(*min, *max)),
            Ty::Dns => formatter.write_str("dns"),
            Ty::Host => formatter.write_str("host"),
            Ty::Url => formatter.write_str("url"),
            Ty::Image => formatter.write_str("image"),
            Ty::Tag => formatter.write_str("tag"),
            Ty::Chart => formatter.write_str("chart"),
            Ty::Semver => formatter.write_str("semver"),
            Ty::Version => formatter.write_str("version"),
            Ty::Cron => formatter.write_str("cron"),
            Ty::Secret => formatter.write_str("secret"),
            Ty::Var => formatter.write_str("var"),
            Ty::DeployVar => formatter.write_str("deploy-time variable"),
            Ty::List(inner) => write!(formatter, "[{inner}]"),
            Ty::Map(inner) => write!(formatter, "map({inner})"),
            Ty::Record(_) => formatter.write_str("block"),
            Ty::Enum(variants) => {
                let quoted: Vec<String> = variants
                    .iter()
                    .map(|variant| format!("\"{variant}\""))
                    .collect();
                formatter.write_str(&quoted.join(" | "))
            }
        }
    }
}

/// The names of the built-in types, for "did you mean".
pub const TYPE_NAMES: &[&str] = &[
    "string", "int", "number", "bool", "memory", "cpu", "duration", "port", "dns", "host", "url",
    "image", "tag", "chart", "semver", "version", "cron", "secret", "var", "any",
];

/// One declared field.
#[derive(Debug, Clone)]
pub struct FieldSchema {
    /// The field's name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// Whether it may be left unset.
    pub optional: bool,
    /// Its doc comment.
    pub docs: Vec<String>,
    /// Where it is declared.
    pub span: Span,
    /// Its declared default.
    pub default: Option<Expr>,
    /// The template (or record) that declares it.
    pub owner: String,
    /// Why and how to replace it, when its doc comment has a line starting with "Deprecated".
    pub deprecated: Option<String>,
}

/// The fields of a template or record type, in declaration order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// What the schema belongs to, for labels: "template `web_service`", "this block".
    pub label: String,
    /// Fields by name.
    pub fields: indexmap::IndexMap<String, FieldSchema, rustc_hash::FxBuildHasher>,
}

impl PartialEq for FieldSchema {
    fn eq(&self, other: &FieldSchema) -> bool {
        self.name == other.name && self.span == other.span
    }
}

impl Schema {
    /// The field with this name.
    pub fn get(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.get(name)
    }

    /// The field names, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.keys().map(String::as_str)
    }
}

/// The schemas of every template, by template index.
#[derive(Debug, Default)]
pub struct Schemas {
    /// The full schema (own and inherited fields) of each template; `None` when its chain is
    /// broken.
    pub templates: Vec<Option<Arc<Schema>>>,
    /// The schema of environment settings.
    pub env: Arc<Schema>,
    /// The schema of the promotion chain declaration.
    pub promotion: Arc<Schema>,
}

/// Builds the schema of every template.
pub fn build_schemas(project: &Project, problems: &mut Problems) -> Schemas {
    let mut own: Vec<Schema> = Vec::with_capacity(project.templates.len());
    for template in &project.templates {
        let mut schema = Schema::default();
        for field in &template.fields {
            reserved_name(field, problems);
            add_field(&mut schema, field, &template.name.name, problems);
        }
        own.push(schema);
    }
    let mut templates = Vec::with_capacity(project.templates.len());
    for chain in &project.template_chains {
        if chain.is_empty() {
            templates.push(None);
            continue;
        }
        let label = match project.templates.get(chain.last().copied().unwrap_or(0)) {
            Some(decl) if decl.name.name == ENV_TEMPLATE => "the environment settings".to_string(),
            Some(decl) if decl.name.name == crate::resolve::PROMOTION_TEMPLATE => {
                "the promotion chain".to_string()
            }
            Some(decl) => format!("template `{}`", decl.name.name),
            None => "this block".to_string(),
        };
        let mut schema = Schema {
            label,
            ..Schema::default()
        };
        for &index in chain {
            let Some(layer) = own.get(index) else {
                continue;
            };
            for (name, field) in &layer.fields {
                if let Some(inherited) = schema.fields.get(name) {
                    if inherited.span != field.span {
                        problems.push(
                            Diagnostic::error(
                                codes::DUPLICATE_FIELD,
                                format!(
                                    "field `{name}` is already declared by `{}`",
                                    inherited.owner
                                ),
                            )
                            .at(field.span, "declared again here")
                            .also(inherited.span, "first declared here")
                            .help(format!(
                                "to change its default, write `{name} = value` without a type"
                            )),
                        );
                    }
                    continue;
                }
                schema.fields.insert(name.clone(), field.clone());
            }
        }
        templates.push(Some(Arc::new(schema)));
    }
    let env = project
        .template_index
        .get(ENV_TEMPLATE)
        .and_then(|&index| templates.get(index).cloned().flatten())
        .unwrap_or_default();
    let promotion = project
        .template_index
        .get(crate::resolve::PROMOTION_TEMPLATE)
        .and_then(|&index| templates.get(index).cloned().flatten())
        .unwrap_or_default();
    Schemas {
        templates,
        env,
        promotion,
    }
}

/// E0312 for a field named `env` or `app`: references starting with those names always read
/// the environment and the app, so the field could be set but never read. The field is still
/// declared, so that what sets it is not reported as well.
fn reserved_name(field: &FieldDecl, problems: &mut Problems) {
    let name = field.name.name.as_str();
    let (reads, example) = match name {
        "env" => (
            "`env.NAME` always reads the settings of the environment being compiled",
            "target_env",
        ),
        "app" => (
            "`app.name` and `app.template` always read the app itself",
            "app_kind",
        ),
        _ => return,
    };
    problems.push(
        Diagnostic::error(
            codes::RESERVED_FIELD,
            format!("a field cannot be called `{name}`"),
        )
        .at(
            field.name.span,
            format!("`{name}` is reserved: no reference can reach this field"),
        )
        .help(format!(
            "{reads}; give the field another name, such as `{example}`"
        )),
    );
}

fn add_field(schema: &mut Schema, field: &FieldDecl, owner: &str, problems: &mut Problems) {
    let name = field.name.name.to_string();
    if let Some(first) = schema.fields.get(&name) {
        problems.push(
            Diagnostic::error(
                codes::DUPLICATE_FIELD,
                format!("field `{name}` is declared twice"),
            )
            .at(field.name.span, "declared again here")
            .also(first.span, "first declared here")
            .help("remove one of the declarations"),
        );
        return;
    }
    let ty = lower_type(&field.ty, owner, problems);
    schema.fields.insert(
        name.clone(),
        FieldSchema {
            name,
            ty,
            optional: field.ty.optional,
            docs: field.docs.clone(),
            span: field.name.span,
            default: field.default.clone(),
            owner: owner.to_string(),
            deprecated: field
                .docs
                .iter()
                .find(|line| line.to_ascii_lowercase().starts_with("deprecated"))
                .cloned(),
        },
    );
}

/// Turns a written type into a [`Ty`], reporting unknown type names.
pub fn lower_type(ty: &TypeExpr, owner: &str, problems: &mut Problems) -> Ty {
    match &ty.kind {
        TypeExprKind::Named(name) => named_type(&name.name).unwrap_or_else(|| {
            unknown_type(name.span, &name.name, problems);
            Ty::Any
        }),
        TypeExprKind::Range { base, min, max } => {
            let (min, max) = (*min, *max);
            if let (Some(low), Some(high)) = (min, max)
                && low > high
            {
                problems.push(
                    Diagnostic::error(codes::OUT_OF_RANGE, "empty range")
                        .at(
                            ty.span,
                            format!("no number is at least {low} and at most {high}"),
                        )
                        .help("write the smaller bound first"),
                );
            }
            match base.name.as_str() {
                "int" => Ty::Int { min, max },
                "port" => Ty::Port { min, max },
                _ => {
                    problems.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TYPE,
                            format!("`{}` takes no range", base.name),
                        )
                        .at(base.span, "only `int` and `port` have ranges")
                        .help("write `int(1..10)` or `port(1024..)`"),
                    );
                    named_type(&base.name).unwrap_or(Ty::Any)
                }
            }
        }
        TypeExprKind::List(inner) => Ty::List(Box::new(lower_type(inner, owner, problems))),
        TypeExprKind::Map(inner) => Ty::Map(Box::new(lower_type(inner, owner, problems))),
        TypeExprKind::Record(fields) => {
            let mut schema = Schema {
                label: "this block".into(),
                ..Schema::default()
            };
            for field in fields {
                add_field(&mut schema, field, owner, problems);
            }
            Ty::Record(Arc::new(schema))
        }
        TypeExprKind::Enum(variants) => {
            Ty::Enum(variants.iter().map(|key| key.name.to_string()).collect())
        }
    }
}

fn unknown_type(span: Span, name: &str, problems: &mut Problems) {
    let help = match did_you_mean(name, TYPE_NAMES.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the types are {}, lists `[T]`, maps `map(T)`, blocks `{{ ... }}` and choices `\"a\" | \"b\"`",
            TYPE_NAMES.join(", ")
        ),
    };
    problems.push(
        Diagnostic::error(codes::UNKNOWN_TYPE, format!("unknown type `{name}`"))
            .at(span, "no type has this name")
            .help(help),
    );
}

fn named_type(name: &str) -> Option<Ty> {
    Some(match name {
        "any" => Ty::Any,
        "string" => Ty::String,
        "int" => Ty::Int {
            min: None,
            max: None,
        },
        "number" => Ty::Number,
        "bool" => Ty::Bool,
        "memory" => Ty::Memory,
        "cpu" => Ty::Cpu,
        "duration" => Ty::Duration,
        "port" => Ty::Port {
            min: None,
            max: None,
        },
        "dns" => Ty::Dns,
        "host" => Ty::Host,
        "url" => Ty::Url,
        "image" => Ty::Image,
        "tag" => Ty::Tag,
        "chart" => Ty::Chart,
        "semver" => Ty::Semver,
        "version" => Ty::Version,
        "cron" => Ty::Cron,
        "secret" => Ty::Secret,
        "var" => Ty::Var,
        _ => return None,
    })
}
