//! Checking entries and expressions against their expected types, without evaluating them.

use indexmap::IndexMap;

use super::{Schema, Ty, formats};
use crate::diag::{Diagnostic, Problems, codes};
use crate::resolve::did_you_mean;
use crate::source::Span;
use crate::syntax::ast::{Entry, Expr, ExprKind, Ident, Key, StrPart};

/// What references may name in an expression.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The app's fields (in templates and apps); `None` inside an environment.
    pub fields: Option<&'a Schema>,
    /// The environment settings schema.
    pub env: &'a Schema,
}

/// The type checker: pushes diagnostics into a [`Problems`].
pub struct Checker<'p> {
    /// Where diagnostics go.
    pub problems: &'p mut Problems,
}

/// Whether `name` is a variable name helmsman expands the same way everywhere:
/// `[A-Za-z_][A-Za-z0-9_]*` (its check of unset variables also takes `-`, its expansion not).
pub fn is_deploy_var_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The builtin functions and what they return.
pub const FUNCTIONS: &[&str] = &[
    "secret",
    "external",
    "env_list",
    "seconds",
    "not_secret",
    "deploy_var",
    "deploy_text",
];

impl Checker<'_> {
    /// Checks the entries of a block against a schema.
    pub fn entries(&mut self, entries: &[Entry], schema: &Schema, scope: Scope<'_>) {
        let mut seen: IndexMap<String, (Span, usize)> = IndexMap::new();
        // Entries whose first keys all differ set different paths: nothing can be set twice,
        // and the paths need not be spelt out.
        let may_repeat = !first_keys_differ(entries);
        for (index, entry) in entries.iter().enumerate() {
            if may_repeat {
                self.duplicate_key(entry, index, &mut seen);
            }
            let Some(first) = entry.path.first() else {
                continue;
            };
            let Some(field) = schema.get(&first.name) else {
                self.unknown_field(first, schema);
                continue;
            };
            self.deprecated(field, first);
            let rest = entry.path.get(1..).unwrap_or(&[]);
            self.path_value(rest, &entry.value, &field.ty, field.optional, scope);
        }
    }

    /// Reports a value set twice in one block. Entries are compared by the paths of the values
    /// they set (`ports.http = 80` and `ports { http = 81 }` both set `ports.http`); a clash
    /// inside one entry's own block is left to the check of that block.
    fn duplicate_key(
        &mut self,
        entry: &Entry,
        index: usize,
        seen: &mut IndexMap<String, (Span, usize)>,
    ) {
        let mut leaves = Vec::new();
        leaf_paths(entry, String::new(), &mut leaves);
        for (path, span) in leaves {
            match seen.get(&path) {
                Some((first, owner)) if *owner != index => {
                    self.problems.push(
                        Diagnostic::error(codes::DUPLICATE_KEY, format!("`{path}` is set twice"))
                            .at(span, "set again here")
                            .also(*first, "first set here")
                            .help("remove one of them; one block sets each value once"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(path, (span, index));
                }
            }
        }
    }

    /// Warns when a deprecated field is set.
    fn deprecated(&mut self, field: &super::FieldSchema, key: &Key) {
        if let Some(reason) = &field.deprecated {
            self.problems.push(
                Diagnostic::warning(
                    codes::DEPRECATED_FIELD,
                    format!("`{}` is deprecated", field.name),
                )
                .at(key.span, "set here")
                .also(
                    field.span,
                    format!("declared deprecated here, in `{}`", field.owner),
                )
                .help(reason.clone()),
            );
        }
    }

    fn unknown_field(&mut self, key: &Key, schema: &Schema) {
        let help = match did_you_mean(&key.name, schema.names()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => {
                let mut names: Vec<&str> = schema.names().collect();
                names.sort_unstable();
                if names.is_empty() {
                    "this block declares no fields".into()
                } else {
                    format!("the fields here are: {}", names.join(", "))
                }
            }
        };
        self.problems.push(
            Diagnostic::error(
                codes::UNKNOWN_FIELD,
                format!("unknown field `{}`", key.name),
            )
            .at(key.span, format!("not a field of {}", schema.label))
            .help(help),
        );
    }

    fn path_value(
        &mut self,
        rest: &[Key],
        value: &Expr,
        ty: &Ty,
        optional: bool,
        scope: Scope<'_>,
    ) {
        let Some((next, after)) = rest.split_first() else {
            self.expr(value, ty, optional, scope);
            return;
        };
        match ty {
            Ty::Record(schema) => match schema.get(&next.name) {
                Some(field) => {
                    self.deprecated(field, next);
                    self.path_value(after, value, &field.ty, field.optional, scope);
                }
                None => self.unknown_field(next, schema),
            },
            Ty::Map(inner) => {
                // A map entry may be `null`, to remove an inherited entry.
                self.path_value(after, value, inner, true, scope);
            }
            Ty::Any => self.path_value(after, value, &Ty::Any, true, scope),
            other => {
                self.problems.push(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("a {other} has no field `{}`", next.name),
                    )
                    .at(next.span, format!("`{}` is inside a {other}", next.name))
                    .help("only blocks have fields; remove the dotted part"),
                );
            }
        }
    }

    fn mismatch(&mut self, expr: &Expr, expected: &Ty, found: &str, help: String) {
        self.problems.push(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("expected {expected}, found {found}"),
            )
            .at(
                expr.span,
                format!("this is {found}, not {}", article(expected)),
            )
            .help(help),
        );
    }

    fn bad_format(&mut self, span: Span, ty: &Ty, reason: String) {
        self.problems.push(
            Diagnostic::error(codes::BAD_FORMAT, format!("not a valid {ty}"))
                .at(span, reason)
                .help(format!("write {} such as {}", article(ty), ty.example())),
        );
    }

    /// Checks one expression against a type.
    pub fn expr(&mut self, expr: &Expr, ty: &Ty, optional: bool, scope: Scope<'_>) {
        match &expr.kind {
            ExprKind::Null => self.null(expr, ty, optional),
            ExprKind::Ref(path) => {
                if let Some(found) = self.reference(path, scope)
                    && !found.fits(ty)
                {
                    let help = format!(
                        "refer to {}, or write one such as {}",
                        article(ty),
                        ty.example()
                    );
                    self.mismatch(expr, ty, &format!("a reference to a {found}"), help);
                }
            }
            ExprKind::Call { name, args } => {
                if let Some(found) = self.call(name, args, scope)
                    && !found.fits(ty)
                {
                    let help = format!("write {} such as {}", article(ty), ty.example());
                    self.mismatch(expr, ty, &format!("a call returning {found}"), help);
                }
            }
            ExprKind::Str(parts) => self.string(expr, parts, ty, scope),
            ExprKind::Int(number) => self.int(expr, *number, ty),
            ExprKind::Float(_, text) => self.float(expr, text, ty),
            ExprKind::Unit { number, unit } => self.unit(expr, number, unit, ty),
            ExprKind::Bool(_) => self.boolean(expr, ty),
            ExprKind::List(items) => self.list(expr, items, ty, scope),
            ExprKind::Block(block) => self.block(expr, &block.entries, ty, scope),
        }
    }

    /// `null`: allowed where the value is optional (it unsets it).
    fn null(&mut self, expr: &Expr, ty: &Ty, optional: bool) {
        if !optional && *ty != Ty::Any {
            self.problems.push(
                Diagnostic::error(codes::TYPE_MISMATCH, format!("expected {ty}, found null"))
                    .at(expr.span, "`null` unsets a value, and this one is required")
                    .help(format!("write {}, such as {}", article(ty), ty.example())),
            );
        }
    }

    /// A number with a decimal point.
    fn float(&mut self, expr: &Expr, text: &str, ty: &Ty) {
        match ty {
            Ty::Number | Ty::Cpu | Ty::Any => {}
            _ if ty.is_stringish() || *ty == Ty::Var => {
                self.mismatch(expr, ty, "a number", format!("quote it, so it stays text: \"{text}\" (unquoted, Helm would read a number)"));
            }
            _ => self.mismatch(
                expr,
                ty,
                "a number",
                format!("write {} such as {}", article(ty), ty.example()),
            ),
        }
    }

    /// `true` or `false`.
    fn boolean(&mut self, expr: &Expr, ty: &Ty) {
        if !matches!(ty, Ty::Bool | Ty::Any) {
            let help = if ty.is_stringish() || *ty == Ty::Var {
                "quote it if you mean the text: \"true\"".to_string()
            } else {
                format!("write {} such as {}", article(ty), ty.example())
            };
            self.mismatch(expr, ty, "a boolean", help);
        }
    }

    /// A list: each item against the list's item type.
    fn list(&mut self, expr: &Expr, items: &[Expr], ty: &Ty, scope: Scope<'_>) {
        match ty {
            Ty::List(inner) => items
                .iter()
                .for_each(|item| self.expr(item, inner, false, scope)),
            Ty::Any => items
                .iter()
                .for_each(|item| self.expr(item, &Ty::Any, true, scope)),
            _ => self.mismatch(
                expr,
                ty,
                "a list",
                format!("write a single {ty} such as {}", ty.example()),
            ),
        }
    }

    /// A block: a record's entries against its schema, a map's values against its value type.
    fn block(&mut self, expr: &Expr, entries: &[Entry], ty: &Ty, scope: Scope<'_>) {
        match ty {
            Ty::Record(schema) => self.entries(entries, schema, scope),
            Ty::Map(inner) => {
                let mut seen = IndexMap::new();
                for (index, entry) in entries.iter().enumerate() {
                    self.duplicate_key(entry, index, &mut seen);
                    if let Some((_, rest)) = entry.path.split_first() {
                        self.path_value(rest, &entry.value, inner, true, scope);
                    }
                }
            }
            Ty::Any => {
                let mut seen = IndexMap::new();
                for (index, entry) in entries.iter().enumerate() {
                    self.duplicate_key(entry, index, &mut seen);
                    self.expr(&entry.value, &Ty::Any, true, scope);
                }
            }
            _ => self.mismatch(
                expr,
                ty,
                "a block",
                format!("write a single {ty} such as {}", ty.example()),
            ),
        }
    }

    /// A string: what it interpolates, then the string against the type.
    fn string(&mut self, expr: &Expr, parts: &[StrPart], ty: &Ty, scope: Scope<'_>) {
        self.interpolations(parts, scope);
        let plain = expr.as_plain_str();
        match ty {
            Ty::Secret => {
                self.problems.push(
                    Diagnostic::error(codes::LITERAL_SECRET, "a secret is written as a literal string")
                        .at(expr.span, "secrets are references, never values")
                        .conceal(expr.span)
                        .help("name a Kubernetes secret and key: secret(\"journal-db\", \"password\"), or external(\"vault:kv/journal/db#password\")"),
                );
            }
            Ty::Enum(variants) => {
                if let Some(text) = plain
                    && !variants.contains(&text)
                {
                    self.not_a_variant(expr, &text, variants, ty);
                }
            }
            _ if ty.is_stringish() || matches!(ty, Ty::Any | Ty::Var) => {
                if let Some(Err(reason)) = plain.as_deref().map(|text| formats::check(ty, text)) {
                    self.bad_format(expr.span, ty, reason);
                }
            }
            Ty::Memory | Ty::Cpu | Ty::Duration | Ty::Int { .. } | Ty::Port { .. } | Ty::Number => {
                let help = match plain {
                    Some(text)
                        if !text.is_empty() && text.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        format!("write it without quotes: {text}")
                    }
                    _ => format!("write {} such as {}", article(ty), ty.example()),
                };
                self.mismatch(expr, ty, "a string", help);
            }
            _ => self.mismatch(
                expr,
                ty,
                "a string",
                format!("write {} such as {}", article(ty), ty.example()),
            ),
        }
    }

    /// Reports each `${...}` that names a value which cannot be put into a string.
    fn interpolations(&mut self, parts: &[StrPart], scope: Scope<'_>) {
        for part in parts {
            if let StrPart::Interp(path, span) = part
                && let Some(found) = self.reference(path, scope)
                && matches!(
                    found,
                    Ty::List(_) | Ty::Map(_) | Ty::Record(_) | Ty::Secret | Ty::Var
                )
            {
                self.problems.push(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("cannot put a {found} into a string"),
                    )
                    .at(*span, format!("this is a {found}"))
                    .help("interpolate a single value such as a string or a number"),
                );
            }
        }
    }

    /// Reports a string that is not one of an enum's variants.
    fn not_a_variant(&mut self, expr: &Expr, text: &str, variants: &[String], ty: &Ty) {
        let help = match did_you_mean(text, variants.iter().map(String::as_str)) {
            Some(close) => format!("did you mean \"{close}\"?"),
            None => format!("write one of {ty}"),
        };
        self.problems.push(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("\"{text}\" is not one of {ty}"),
            )
            .at(expr.span, "not an allowed value")
            .help(help),
        );
    }

    fn int(&mut self, expr: &Expr, number: i64, ty: &Ty) {
        match ty {
            Ty::Int { min, max } => self.range(expr.span, number, *min, *max, ty),
            Ty::Port { min, max } => {
                self.range(
                    expr.span,
                    number,
                    Some(min.unwrap_or(1).max(1)),
                    Some(max.unwrap_or(65535).min(65535)),
                    ty,
                );
            }
            Ty::Number | Ty::Cpu | Ty::Any => {}
            Ty::Memory => {
                if number < 0 {
                    self.range(expr.span, number, Some(0), None, ty);
                }
            }
            Ty::Duration => self.mismatch(
                expr,
                ty,
                "a number without a unit",
                format!("add a unit: {number}s"),
            ),
            _ if ty.is_stringish() || *ty == Ty::Var => {
                self.mismatch(
                    expr,
                    ty,
                    "a number",
                    format!("quote it, so it stays text: \"{number}\""),
                );
            }
            _ => self.mismatch(
                expr,
                ty,
                "a number",
                format!("write {} such as {}", article(ty), ty.example()),
            ),
        }
    }

    /// Reports a number outside `min..=max`.
    pub fn range(&mut self, span: Span, number: i64, min: Option<i64>, max: Option<i64>, ty: &Ty) {
        let below = min.is_some_and(|low| number < low);
        let above = max.is_some_and(|high| number > high);
        if below || above {
            let allowed = match (min, max) {
                (Some(low), Some(high)) => format!("from {low} to {high}"),
                (Some(low), None) => format!("at least {low}"),
                (None, Some(high)) => format!("at most {high}"),
                (None, None) => "any".into(),
            };
            self.problems.push(
                Diagnostic::error(
                    codes::OUT_OF_RANGE,
                    format!("{number} is out of range for {ty}"),
                )
                .at(
                    span,
                    format!(
                        "{} the allowed range",
                        if below { "below" } else { "above" }
                    ),
                )
                .help(format!("write a number {allowed}")),
            );
        }
    }

    fn unit(&mut self, expr: &Expr, number: &str, unit: &str, ty: &Ty) {
        let result = match ty {
            Ty::Memory => formats::memory_unit(unit),
            Ty::Cpu => formats::cpu_unit(unit),
            Ty::Duration => formats::duration_unit(unit),
            Ty::Any => Ok(()),
            _ if ty.is_stringish() || *ty == Ty::Var => {
                self.mismatch(
                    expr,
                    ty,
                    "a quantity",
                    format!("quote it, so it stays text: \"{number}{unit}\""),
                );
                return;
            }
            _ => {
                self.mismatch(
                    expr,
                    ty,
                    "a quantity",
                    format!("write {} such as {}", article(ty), ty.example()),
                );
                return;
            }
        };
        if let Err(reason) = result {
            self.problems.push(
                Diagnostic::error(codes::BAD_FORMAT, format!("`{unit}` is not a unit of {ty}"))
                    .at(expr.span, "wrong unit")
                    .help(reason),
            );
        }
    }

    fn call(
        &mut self,
        name: &Ident,
        args: &[crate::syntax::ast::Arg],
        scope: Scope<'_>,
    ) -> Option<Ty> {
        let (params, result): (&[(&str, Ty)], Ty) = match name.name.as_str() {
            "secret" => (&[("name", Ty::String), ("key", Ty::String)], Ty::Secret),
            "external" => (&[("ref", Ty::String)], Ty::Secret),
            "env_list" => (
                &[("vars", Ty::Map(Box::new(Ty::Var)))],
                Ty::List(Box::new(Ty::Any)),
            ),
            "not_secret" => (&[("text", Ty::String), ("reason", Ty::String)], Ty::String),
            "deploy_var" => (&[("name", Ty::String)], Ty::DeployVar),
            "deploy_text" => (&[("text", Ty::String)], Ty::DeployVar),
            "seconds" => (
                &[("duration", Ty::Duration)],
                Ty::Int {
                    min: None,
                    max: None,
                },
            ),
            other => {
                let help = match did_you_mean(other, FUNCTIONS.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the functions are {}", FUNCTIONS.join(", ")),
                };
                self.problems.push(
                    Diagnostic::error(codes::BAD_CALL, format!("unknown function `{other}`"))
                        .at(name.span, "no function has this name")
                        .help(help),
                );
                return None;
            }
        };
        let signature: Vec<&str> = params.iter().map(|(param, _)| *param).collect();
        let signature = format!("{}({})", name.name, signature.join(", "));
        if args.len() != params.len() {
            self.problems.push(
                Diagnostic::error(
                    codes::BAD_CALL,
                    format!(
                        "`{}` takes {} arguments, found {}",
                        name.name,
                        params.len(),
                        args.len()
                    ),
                )
                .at(name.span, "wrong number of arguments")
                .help(format!("call it as {signature}")),
            );
            return Some(result);
        }
        for (arg, (param, ty)) in args.iter().zip(params) {
            if let Some(arg_name) = &arg.name
                && arg_name.name != *param
            {
                self.problems.push(
                    Diagnostic::error(
                        codes::BAD_CALL,
                        format!("`{}` has no argument `{}`", name.name, arg_name.name),
                    )
                    .at(arg_name.span, format!("expected `{param}` here"))
                    .help(format!("call it as {signature}")),
                );
            }
            self.expr(&arg.value, ty, false, scope);
        }
        if name.name == "not_secret" {
            self.not_secret_reason(name, args);
        }
        if name.name == "deploy_var" {
            self.deploy_var_name(args);
        }
        if name.name == "deploy_text" {
            self.deploy_text(args);
        }
        Some(result)
    }

    /// `deploy_text(text)` is a plain string in which every `$` starts a variable helmsman
    /// expands (`$NAME`, `${NAME}`) or is doubled (E0330).
    fn deploy_text(&mut self, args: &[crate::syntax::ast::Arg]) {
        let Some(arg) = args.first() else { return };
        let reason = match arg.value.as_plain_str() {
            Some(text) => match crate::types::formats::deploy_text(&text) {
                Ok(_) => return,
                Err(reason) => reason,
            },
            None => "write the text as a plain string, without `${...}` references".to_string(),
        };
        self.problems.push(
            Diagnostic::error(
                codes::BAD_DEPLOY_VAR,
                "not a text helmsman can expand at deploy time",
            )
            .at(arg.value.span, reason)
            .help(
                "write variables as `$NAME` (letters, digits and `_`) and a literal `$` as `$$`: \
                 deploy_text(\"https://$REPO_USER:$REPO_PASSWORD@charts.example.org\")",
            ),
        );
    }

    /// `deploy_var(name)` names a variable helmsman can expand: written out as a plain string,
    /// `[A-Za-z_][A-Za-z0-9_]*` (E0330).
    fn deploy_var_name(&mut self, args: &[crate::syntax::ast::Arg]) {
        let Some(arg) = args.first() else { return };
        let name = arg.value.as_plain_str();
        if name.as_deref().is_some_and(is_deploy_var_name) {
            return;
        }
        let shown = name.map_or_else(|| "this".to_string(), |name| format!("`{name}`"));
        self.problems.push(
            Diagnostic::error(
                codes::BAD_DEPLOY_VAR,
                "not a name helmsman can expand at deploy time",
            )
            .at(arg.value.span, format!("{shown} is not a variable name"))
            .help(
                "write the variable's name as a plain string of letters, digits and `_`, not \
                 starting with a digit: deploy_var(\"KUBE_CONTEXT\")",
            ),
        );
    }

    /// `not_secret(text, reason)` allows a text the secret check would refuse: the reason must be
    /// written out, as a plain string, for the reviewer to read.
    fn not_secret_reason(&mut self, name: &Ident, args: &[crate::syntax::ast::Arg]) {
        let reason = args.get(1).and_then(|arg| arg.value.as_plain_str());
        if reason.is_none_or(|reason| reason.trim().is_empty()) {
            self.problems.push(
                Diagnostic::error(codes::BAD_CALL, "`not_secret` needs the reason written out")
                    .at(name.span, "no reason is given as a plain string")
                    .help(
                        "say why the text is not a secret, for the reviewer: \
                         not_secret(\"changeit\", \"the demo database's published default\")",
                    ),
            );
        }
    }

    /// Resolves a reference path to its type, reporting what does not resolve.
    pub fn reference(&mut self, path: &[Ident], scope: Scope<'_>) -> Option<Ty> {
        let (first, rest) = path.split_first()?;
        let (ty, rest) = self.reference_root(first, rest, scope)?;
        self.reference_parts(ty, rest)
    }

    /// The type of what the first name of a reference names (with `env.NAME` and `app.NAME`
    /// taking the second name too), and the names left to follow.
    fn reference_root<'r>(
        &mut self,
        first: &Ident,
        rest: &'r [Ident],
        scope: Scope<'_>,
    ) -> Option<(Ty, &'r [Ident])> {
        Some(match (first.name.as_str(), scope.fields) {
            ("env", _) => return self.env_reference(first, rest, scope),
            ("app", Some(_)) => match rest.split_first() {
                Some((field, rest)) if field.name == "name" || field.name == "template" => {
                    (Ty::String, rest)
                }
                Some((field, _)) => {
                    return self.unresolved(
                        field,
                        "an app has `app.name` and `app.template`",
                        "refer to a field by its bare name, such as `port`",
                        None,
                    );
                }
                None => {
                    return self.unresolved(
                        first,
                        "`app` alone is not a value",
                        "write `app.name`",
                        None,
                    );
                }
            },
            (name, Some(fields)) => match fields.get(name) {
                Some(field) => (field.ty.clone(), rest),
                None => {
                    return self.unresolved(
                        first,
                        "no field has this name",
                        "",
                        did_you_mean(name, fields.names()),
                    );
                }
            },
            (name, None) => match scope.env.get(name) {
                Some(setting) => (setting.ty.clone(), rest),
                None => {
                    return self.unresolved(
                        first,
                        "no environment setting has this name",
                        "",
                        did_you_mean(name, scope.env.names()),
                    );
                }
            },
        })
    }

    /// `env.NAME...`: the setting's type (`env.name` is the environment's name), and the names
    /// left to follow.
    fn env_reference<'r>(
        &mut self,
        env: &Ident,
        rest: &'r [Ident],
        scope: Scope<'_>,
    ) -> Option<(Ty, &'r [Ident])> {
        let Some((field, rest)) = rest.split_first() else {
            return self.unresolved(
                env,
                "`env` alone is not a value",
                "refer to a setting, such as `env.domain`",
                None,
            );
        };
        if field.name == "name" {
            return Some((Ty::String, rest));
        }
        match scope.env.get(&field.name) {
            Some(setting) => Some((setting.ty.clone(), rest)),
            None => self.unresolved(
                field,
                "no environment setting has this name",
                "",
                did_you_mean(&field.name, scope.env.names()),
            ),
        }
    }

    /// Follows the dotted rest of a reference from a value of type `ty`.
    fn reference_parts(&mut self, mut ty: Ty, rest: &[Ident]) -> Option<Ty> {
        for part in rest {
            ty = match &ty {
                Ty::Record(schema) => match schema.get(&part.name) {
                    Some(field) => field.ty.clone(),
                    None => {
                        return self.unresolved(
                            part,
                            "not a field of this block",
                            "",
                            did_you_mean(&part.name, schema.names()),
                        );
                    }
                },
                Ty::Map(inner) => (**inner).clone(),
                Ty::Secret if ["name", "key", "external"].contains(&part.name.as_str()) => {
                    Ty::String
                }
                Ty::Any => Ty::Any,
                other => {
                    return self.unresolved(
                        part,
                        &format!("a {other} has no fields"),
                        "remove the dotted part",
                        None,
                    );
                }
            };
        }
        Some(ty)
    }

    /// Reports a name a reference cannot resolve; `None`, for the caller to return.
    fn unresolved<T>(
        &mut self,
        ident: &Ident,
        label: &str,
        help: &str,
        suggestion: Option<String>,
    ) -> Option<T> {
        let help = match suggestion {
            Some(close) => format!("did you mean `{close}`?"),
            None if help.is_empty() => {
                "check the spelling; fields are referred to by name, settings as `env.NAME`".into()
            }
            None => help.into(),
        };
        self.problems.push(
            Diagnostic::error(
                codes::UNRESOLVED_REFERENCE,
                format!("unresolved reference `{}`", ident.name),
            )
            .at(ident.span, label)
            .help(help),
        );
        None
    }
}

/// Whether every entry has a first key and no two entries share it.
fn first_keys_differ(entries: &[Entry]) -> bool {
    let mut firsts: Vec<&str> = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(first) = entry.path.first() else {
            return false;
        };
        firsts.push(first.name.as_str());
    }
    firsts.sort_unstable();
    firsts.windows(2).all(|pair| pair.first() != pair.last())
}

/// The dotted paths of the values an entry sets, descending into block values.
fn leaf_paths(entry: &Entry, prefix: String, out: &mut Vec<(String, Span)>) {
    let mut path = prefix;
    for key in &entry.path {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&key.name);
    }
    match &entry.value.kind {
        ExprKind::Block(block) if !block.entries.is_empty() => {
            for inner in &block.entries {
                leaf_paths(inner, path.clone(), out);
            }
        }
        _ => out.push((path, entry.key_span())),
    }
}

/// The type's name with "a" or "an" before it.
pub fn article(ty: &Ty) -> String {
    let text = ty.to_string();
    if text.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {text}")
    } else {
        format!("a {text}")
    }
}

/// Checks every environment, template and app of a project against the schemas.
pub fn check_project(
    project: &crate::resolve::Project,
    schemas: &super::Schemas,
    problems: &mut Problems,
) {
    check_declarations(project, schemas, problems);
    check_apps(project, schemas, problems);
}

/// Checks every environment, template and the promotion chain against the schemas: what
/// [`check_project`] checks besides the apps.
pub fn check_declarations(
    project: &crate::resolve::Project,
    schemas: &super::Schemas,
    problems: &mut Problems,
) {
    let mut checker = Checker { problems };
    let env_scope = Scope {
        fields: None,
        env: &schemas.env,
    };
    for env in &project.envs {
        checker.entries(&env.body.entries, &schemas.env, env_scope);
    }
    if let Some(promotion) = &project.promotion {
        checker.entries(&promotion.body.entries, &schemas.promotion, env_scope);
    }
    for (index, template) in project.templates.iter().enumerate() {
        let Some(Some(schema)) = schemas.templates.get(index) else {
            continue;
        };
        let is_env = template.name.name == crate::resolve::ENV_TEMPLATE
            || template.name.name == crate::resolve::PROMOTION_TEMPLATE;
        let scope = Scope {
            fields: if is_env { None } else { Some(schema) },
            env: &schemas.env,
        };
        for field in &template.fields {
            if let Some(own) = schema.get(&field.name.name) {
                checker.defaults(own, scope);
            }
        }
        checker.entries(&template.defaults, schema, scope);
        for part in &template.values {
            let block = Expr {
                kind: ExprKind::Block(part.block.clone()),
                span: part.block.span,
            };
            checker.expr(&block, &Ty::Any, true, scope);
        }
    }
}

/// Checks every app, on all cores: a project has thousands, each checked on its own.
fn check_apps(
    project: &crate::resolve::Project,
    schemas: &super::Schemas,
    problems: &mut Problems,
) {
    let indices: Vec<usize> = (0..project.apps.len()).collect();
    let found = crate::parallel::map_chunks(&indices, |chunk| {
        let mut found = Problems::new();
        for &index in chunk {
            check_app(project, schemas, index, &mut found);
        }
        found
    });
    for part in found {
        problems.extend(part);
    }
}

/// Checks the entries and overrides of the app at `index` against its template's schema (what
/// [`check_project`] does for each app; an editor reuses it for apps that did not change).
pub fn check_app(
    project: &crate::resolve::Project,
    schemas: &super::Schemas,
    index: usize,
    problems: &mut Problems,
) {
    let (Some(app), Some(Some(template))) =
        (project.apps.get(index), project.app_templates.get(index))
    else {
        return;
    };
    let Some(Some(schema)) = schemas.templates.get(*template) else {
        return;
    };
    let scope = Scope {
        fields: Some(schema),
        env: &schemas.env,
    };
    let mut checker = Checker { problems };
    checker.entries(&app.entries, schema, scope);
    for over in &app.overrides {
        for env in &over.envs {
            if !project.env_index.contains_key(env.name.as_str()) {
                checker.problems.push(unknown_override_env(project, env));
            }
        }
        checker.entries(&over.body.entries, schema, scope);
    }
}

/// E0202 for an override naming an environment the project does not declare.
fn unknown_override_env(project: &crate::resolve::Project, env: &Ident) -> Diagnostic {
    let help = match did_you_mean(&env.name, project.env_index.keys().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None if project.env_index.is_empty() => format!(
            "the project declares no environment: declare `env {}` (a file checked alone is a project of its own; inside a project with an ehp.toml, check the project)",
            env.name
        ),
        None => {
            let known: Vec<&str> = project.env_index.keys().map(String::as_str).collect();
            format!("known environments: {}", known.join(", "))
        }
    };
    Diagnostic::error(
        codes::UNKNOWN_ENV,
        format!("unknown environment `{}`", env.name),
    )
    .at(env.span, "no environment has this name")
    .help(help)
}

impl Checker<'_> {
    /// Checks a field's default, and the defaults of a record's fields, recursively.
    fn defaults(&mut self, field: &super::FieldSchema, scope: Scope<'_>) {
        if let Some(default) = &field.default {
            self.expr(default, &field.ty, field.optional, scope);
        }
        if let Ty::Record(record) = &field.ty {
            for inner in record.fields.values() {
                self.defaults(inner, scope);
            }
        }
        if let Ty::Map(inner) = &field.ty
            && let Ty::Record(record) = inner.as_ref()
        {
            for inner in record.fields.values() {
                self.defaults(inner, scope);
            }
        }
    }
}
