//! The resolve phase: collects declarations from every file, reports duplicates, and resolves
//! inheritance (environment parents, template parents, app templates) with cycle detection.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Problems, codes};
use crate::syntax::ast::{
    AppDecl, Block, EnvDecl, ExprKind, File, Ident, Item, Override, PrivateOverride, TemplateDecl,
};

/// The longest inheritance chain allowed.
pub const MAX_CHAIN: usize = 32;

/// The template every other template extends when it names no parent.
pub const ROOT_TEMPLATE: &str = "app";
/// The root of every release template: `app` and `helm_chart` extend it, and it extends nothing.
pub const RELEASE_TEMPLATE: &str = "release";
/// The template that is the schema of environment settings.
pub const ENV_TEMPLATE: &str = "environment";
/// The template that is the schema of the promotion chain.
pub const PROMOTION_TEMPLATE: &str = "promotion";

/// Declarations by name: their indices, in declaration order (a fast hasher: names are short
/// and an editor's every re-analysis builds them for thousands of apps).
pub type NameIndex = IndexMap<String, usize, rustc_hash::FxBuildHasher>;

/// All declarations of a project, by name, with inheritance resolved.
#[derive(Debug, Default)]
pub struct Project {
    /// Environments in declaration order.
    pub envs: Vec<EnvDecl>,
    /// Templates in declaration order (stdlib first).
    pub templates: Vec<TemplateDecl>,
    /// Apps in declaration order (shared with an editor's parses: see [`Decl`]).
    pub apps: Vec<Arc<AppDecl>>,
    /// Environment name to index.
    pub env_index: NameIndex,
    /// Template name to index.
    pub template_index: NameIndex,
    /// App name to index.
    pub app_index: NameIndex,
    /// For each environment, its chain from the root ancestor to itself (indexes); empty when
    /// the chain is broken (unknown parent or cycle).
    pub env_chains: Vec<Vec<usize>>,
    /// For each template, its chain from `app` to itself; empty when broken.
    pub template_chains: Vec<Vec<usize>>,
    /// For each app, the index of its template when it resolves.
    pub app_templates: Vec<Option<usize>>,
    /// The promotion chain declaration, if the project has one.
    pub promotion: Option<crate::syntax::ast::PromotionDecl>,
    /// The private overrides (`in ENV { APP { ... } }` outside the apps), whose entries are
    /// also added to their apps as overrides.
    pub private: Vec<PrivateOverride>,
}

/// Names close to `name` among `candidates`, for "did you mean".
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(name, candidate);
        if score > 0.8 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate.to_string())
}

fn unknown_name_help(kind: &str, name: &str, suggestion: Option<String>, known: &[&str]) -> String {
    match suggestion {
        Some(close) => format!("did you mean `{close}`?"),
        None if known.is_empty() => format!("declare {kind} `{name}` first"),
        None => format!("known {kind}s: {}", known.join(", ")),
    }
}

/// A top-level item as [`resolve_decls`] takes it: an app is shared, so that an editor's
/// workspace hands the apps of its cached parses to each analysis without copying them.
#[derive(Debug, Clone)]
pub enum Decl {
    /// An item other than an app.
    Item(Item),
    /// An app.
    App(Arc<AppDecl>),
}

impl From<Item> for Decl {
    fn from(item: Item) -> Decl {
        match item {
            Item::App(decl) => Decl::App(Arc::new(decl)),
            item => Decl::Item(item),
        }
    }
}

/// Collects the declarations of every file and resolves inheritance.
pub fn resolve(files: Vec<File>, problems: &mut Problems) -> Project {
    resolve_decls(
        files
            .into_iter()
            .flat_map(|file| file.items)
            .map(Decl::from),
        problems,
    )
}

/// Like [`resolve`], over the items of every file in order.
pub fn resolve_decls(items: impl IntoIterator<Item = Decl>, problems: &mut Problems) -> Project {
    let mut project = Project::default();
    for decl in items {
        let (name, kind) = match &decl {
            Decl::Item(Item::Env(env)) => (&env.name, "environment"),
            Decl::Item(Item::Template(template)) => (&template.name, "template"),
            Decl::Item(Item::App(app)) => (&app.name, "app"),
            Decl::App(app) => (&app.name, "app"),
            Decl::Item(Item::Promotion(_) | Item::Private(_)) => {
                promotion_or_private(&mut project, decl, problems);
                continue;
            }
        };
        if !first_of_its_name(&project, name, kind, problems) {
            continue;
        }
        match decl {
            Decl::Item(Item::Env(decl)) => {
                project
                    .env_index
                    .insert(decl.name.name.to_string(), project.envs.len());
                project.envs.push(decl);
            }
            Decl::Item(Item::Template(decl)) => {
                project
                    .template_index
                    .insert(decl.name.name.to_string(), project.templates.len());
                project.templates.push(decl);
            }
            Decl::Item(Item::App(decl)) => push_app(&mut project, Arc::new(decl)),
            Decl::App(decl) => push_app(&mut project, decl),
            Decl::Item(Item::Promotion(_) | Item::Private(_)) => {}
        }
    }
    attach_private(&mut project, problems);
    project.env_chains = (0..project.envs.len())
        .map(|index| env_chain(&project, index, problems))
        .collect();
    project.template_chains = (0..project.templates.len())
        .map(|index| template_chain(&project, index, problems))
        .collect();
    project.app_templates = project
        .apps
        .iter()
        .map(|app| app_template(&project, app, problems))
        .collect();
    project
}

/// Adds an app to the project.
fn push_app(project: &mut Project, decl: Arc<AppDecl>) {
    project
        .app_index
        .insert(decl.name.name.to_string(), project.apps.len());
    project.apps.push(decl);
}

/// Records the promotion chain (E0201 for a second one) or a private override.
fn promotion_or_private(project: &mut Project, decl: Decl, problems: &mut Problems) {
    match decl {
        Decl::Item(Item::Promotion(decl)) => match &project.promotion {
            Some(first) => problems.push(
                Diagnostic::error(codes::DUPLICATE_DECLARATION, "duplicate promotion chain")
                    .at(decl.keyword, "a second `promotion` declaration")
                    .also(first.keyword, "first declared here")
                    .help("a project has one promotion chain: merge the two declarations"),
            ),
            None => project.promotion = Some(decl),
        },
        Decl::Item(Item::Private(decl)) => project.private.push(decl),
        Decl::Item(_) | Decl::App(_) => {}
    }
}

/// Whether `name` is the first declaration of its kind (`environment`, `template` or `app`)
/// with that name in `project` so far; E0201 when it is not.
fn first_of_its_name(
    project: &Project,
    name: &Ident,
    kind: &'static str,
    problems: &mut Problems,
) -> bool {
    let first = match kind {
        "environment" => project
            .env_index
            .get(name.name.as_str())
            .and_then(|&at| project.envs.get(at))
            .map(|decl| decl.name.span),
        "template" => project
            .template_index
            .get(name.name.as_str())
            .and_then(|&at| project.templates.get(at))
            .map(|decl| decl.name.span),
        _ => project
            .app_index
            .get(name.name.as_str())
            .and_then(|&at| project.apps.get(at))
            .map(|decl| decl.name.span),
    };
    if let Some(first) = first {
        problems.push(
            Diagnostic::error(
                codes::DUPLICATE_DECLARATION,
                format!("duplicate {kind} `{}`", name.name),
            )
            .at(name.span, format!("`{}` is declared again here", name.name))
            .also(first, "first declared here")
            .help(format!(
                "rename one of them or merge them: each {kind} name is declared once"
            )),
        );
        return false;
    }
    true
}

/// Adds the entries of each private override to its apps as overrides of its environment
/// (last, so that they win); E0615 for an entry that names no app or is not `APP { ... }` or
/// `APP.FIELD = ...`.
fn attach_private(project: &mut Project, problems: &mut Problems) {
    let mut attached: Vec<(usize, Override)> = Vec::new();
    for decl in &project.private {
        for entry in &decl.body.entries {
            let Some(first) = entry.path.first() else {
                continue;
            };
            let Some(&index) = project.app_index.get(first.name.as_str()) else {
                let help =
                    match did_you_mean(&first.name, project.app_index.keys().map(String::as_str)) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "each entry of a private override starts with the name of an app"
                            .to_string(),
                    };
                problems.push(
                    Diagnostic::error(
                        codes::PRIVATE_OVERRIDE,
                        format!("no app is called `{}`", first.name),
                    )
                    .at(first.span, "a private override names apps")
                    .help(help),
                );
                continue;
            };
            let body = match (&entry.value.kind, entry.path.get(1..)) {
                (ExprKind::Block(block), Some([])) => block.clone(),
                (_, Some(rest)) if !rest.is_empty() => Block {
                    entries: vec![crate::syntax::ast::Entry {
                        docs: entry.docs.clone(),
                        path: rest.to_vec(),
                        value: entry.value.clone(),
                        span: entry.span,
                    }],
                    span: entry.span,
                    replace: None,
                },
                _ => {
                    problems.push(
                        Diagnostic::error(
                            codes::PRIVATE_OVERRIDE,
                            format!("`{}` is an app, not a field", first.name),
                        )
                        .at(entry.span, "a private override sets fields of apps")
                        .help(format!(
                            "write `{0} {{ tag = \"...\" }}` or `{0}.tag = \"...\"`",
                            first.name
                        )),
                    );
                    continue;
                }
            };
            let over = Override {
                envs: vec![decl.env.clone()],
                body,
                span: entry.span,
            };
            attached.push((index, over));
        }
    }
    for (index, over) in attached {
        if let Some(app) = project.apps.get_mut(index) {
            // An app shared with an editor's parses is copied before it changes.
            Arc::make_mut(app).overrides.push(over);
        }
    }
}

fn env_chain(project: &Project, index: usize, problems: &mut Problems) -> Vec<usize> {
    let known: Vec<&str> = project.env_index.keys().map(String::as_str).collect();
    Lineage {
        kind: "environment",
        parent_of: &|at| project.envs.get(at).and_then(|decl| decl.parent.as_ref()),
        name_of: &|at| project.envs.get(at).map(|decl| &decl.name),
        lookup: &|name| project.env_index.get(name).copied(),
        known: &known,
    }
    .chain(index, problems)
}

fn template_chain(project: &Project, index: usize, problems: &mut Problems) -> Vec<usize> {
    let mut chain_found = template_lineage(project, index, problems);
    // A chain that ends at a template without a parent continues at `app` (and at `app`'s own
    // parents: `release`). The root's own problems are reported with the root's chain.
    if let Some(&first) = chain_found.first()
        && let Some(decl) = project.templates.get(first)
        && decl.parent.is_none()
        && !SPECIAL_TEMPLATES.contains(&decl.name.name.as_str())
        && let Some(&root) = project.template_index.get(ROOT_TEMPLATE)
    {
        let root_chain = template_lineage(project, root, &mut Problems::new());
        chain_found.splice(0..0, root_chain);
    }
    chain_found
}

/// The templates that extend nothing when they name no parent.
const SPECIAL_TEMPLATES: &[&str] = &[
    ROOT_TEMPLATE,
    RELEASE_TEMPLATE,
    ENV_TEMPLATE,
    PROMOTION_TEMPLATE,
];

/// The chain of explicit parents of a template, root first.
fn template_lineage(project: &Project, index: usize, problems: &mut Problems) -> Vec<usize> {
    let known: Vec<&str> = project.template_index.keys().map(String::as_str).collect();
    Lineage {
        kind: "template",
        parent_of: &|at| {
            project
                .templates
                .get(at)
                .and_then(|decl| decl.parent.as_ref())
        },
        name_of: &|at| project.templates.get(at).map(|decl| &decl.name),
        lookup: &|name| project.template_index.get(name).copied(),
        known: &known,
    }
    .chain(index, problems)
}

/// How to follow the parents of one kind of declaration (environments or templates), by index.
struct Lineage<'a> {
    /// "environment" or "template", for messages.
    kind: &'a str,
    /// The `extends` of a declaration.
    parent_of: &'a dyn Fn(usize) -> Option<&'a Ident>,
    /// The name of a declaration.
    name_of: &'a dyn Fn(usize) -> Option<&'a Ident>,
    /// The declaration with a name.
    lookup: &'a dyn Fn(&str) -> Option<usize>,
    /// Every declared name, for "did you mean".
    known: &'a [&'a str],
}

impl Lineage<'_> {
    /// Follows parents from `start`; returns the chain from the root ancestor to `start`, or an
    /// empty chain after reporting an unknown parent, a cycle or an over-long chain. Each
    /// problem is reported once, at the declaration where it is written.
    fn chain(&self, start: usize, problems: &mut Problems) -> Vec<usize> {
        let mut chain = vec![start];
        let mut at = start;
        while let Some(parent) = (self.parent_of)(at) {
            let Some(next) = (self.lookup)(&parent.name) else {
                if at == start {
                    problems.push(self.unknown_parent(start, parent));
                }
                return Vec::new();
            };
            if chain.contains(&next) {
                if next == start && chain.iter().all(|&member| member >= start) {
                    problems.push(self.cycle(&chain, parent));
                }
                return Vec::new();
            }
            if chain.len() >= MAX_CHAIN {
                // Report the chain once: at the declaration whose chain is exactly one longer
                // than the limit (the deeper ones fail with it and are fixed by the same edit).
                if self.ancestors_beyond(next, &chain) == 0 {
                    problems.push(self.too_deep(start, parent));
                }
                return Vec::new();
            }
            chain.push(next);
            at = next;
        }
        chain.reverse();
        chain
    }

    /// The parent `parent` of `start` names no declaration.
    fn unknown_parent(&self, start: usize, parent: &Ident) -> Diagnostic {
        let kind = self.kind;
        // The declaration itself is no candidate for its own parent.
        let own = (self.name_of)(start).map(|ident| ident.name.as_str());
        let known: Vec<&str> = self
            .known
            .iter()
            .copied()
            .filter(|name| Some(*name) != own)
            .collect();
        let suggestion = did_you_mean(&parent.name, known.iter().copied());
        let code = if kind == "environment" {
            codes::UNKNOWN_ENV
        } else {
            codes::UNKNOWN_TEMPLATE
        };
        Diagnostic::error(code, format!("unknown {kind} `{}`", parent.name))
            .at(
                parent.span,
                format!("no {kind} is called `{}`", parent.name),
            )
            .help(unknown_name_help(kind, &parent.name, suggestion, &known))
    }

    /// `parent` leads back to the start of `chain`. Every link of the cycle is labelled once;
    /// the primary label is on the link declared last (in file order, then in the file), the
    /// one most likely added by the edit that closed the cycle.
    fn cycle(&self, chain: &[usize], parent: &Ident) -> Diagnostic {
        let kind = self.kind;
        // Each member with the `extends` that leads to the next one.
        let links: Vec<(usize, &Ident)> = chain
            .iter()
            .filter_map(|&member| (self.parent_of)(member).map(|link| (member, link)))
            .collect();
        let Some(&(last, closing)) = links.iter().max_by_key(|(_, link)| link.span) else {
            return Diagnostic::error(codes::CYCLIC_INHERITANCE, "cyclic inheritance")
                .at(parent.span, "this closes a cycle");
        };
        let name = |index: usize| (self.name_of)(index).map_or("?", |ident| ident.name.as_str());
        // The cycle read from the declaration whose `extends` closes it.
        let from = chain.iter().position(|&member| member == last).unwrap_or(0);
        let mut names: Vec<&str> = chain
            .iter()
            .cycle()
            .skip(from)
            .take(chain.len())
            .map(|&member| name(member))
            .collect();
        names.push(name(last));
        let mut diagnostic = Diagnostic::error(
            codes::CYCLIC_INHERITANCE,
            format!("{kind} `{}` inherits from itself", name(last)),
        )
        .at(
            closing.span,
            format!("this closes the cycle {}", names.join(" -> ")),
        )
        .help(format!(
            "remove one `extends` so that the {kind}s form a tree"
        ));
        for &(member, link) in &links {
            if member != last {
                diagnostic = diagnostic.also(link.span, "part of the cycle");
            }
        }
        diagnostic
    }

    /// How many ancestors `next` has beyond `chain` (stopping at a cycle or far past the
    /// limit).
    fn ancestors_beyond(&self, next: usize, chain: &[usize]) -> usize {
        let mut extra = 0usize;
        let mut cursor = next;
        while let Some(grand) =
            (self.parent_of)(cursor).and_then(|ident| (self.lookup)(&ident.name))
        {
            extra += 1;
            if extra > MAX_CHAIN * 64 || chain.contains(&grand) {
                break;
            }
            cursor = grand;
        }
        extra
    }

    /// The chain of `start`, through `parent`, is longer than [`MAX_CHAIN`].
    fn too_deep(&self, start: usize, parent: &Ident) -> Diagnostic {
        let kind = self.kind;
        Diagnostic::error(
            codes::INHERITANCE_TOO_DEEP,
            format!("{kind} inheritance is too deep"),
        )
        .at(
            (self.parent_of)(start).map_or(parent.span, |own| own.span),
            format!(
                "this makes a chain of {} {kind}s; at most {MAX_CHAIN} are allowed",
                MAX_CHAIN + 1
            ),
        )
        .help("flatten the hierarchy")
    }
}

fn app_template(project: &Project, app: &AppDecl, problems: &mut Problems) -> Option<usize> {
    let name = &app.template.name;
    match project.template_index.get(name.as_str()) {
        Some(&index) if name != ENV_TEMPLATE && name != PROMOTION_TEMPLATE => Some(index),
        _ => {
            let known: Vec<&str> = project
                .template_index
                .keys()
                .map(String::as_str)
                .filter(|candidate| *candidate != ENV_TEMPLATE && *candidate != PROMOTION_TEMPLATE)
                .collect();
            let suggestion = did_you_mean(name, known.iter().copied());
            problems.push(
                Diagnostic::error(
                    codes::UNKNOWN_TEMPLATE,
                    format!("unknown template `{name}`"),
                )
                .at(app.template.span, format!("no template is called `{name}`"))
                .help(unknown_name_help("template", name, suggestion, &known)),
            );
            None
        }
    }
}

/// Warnings about declarations that have no effect: a project template nothing uses (W0001)
/// and an abstract environment with no concrete environment below it (W0003). Stdlib
/// declarations (in files for which `is_stdlib` holds) are never reported.
pub fn unused_warnings(
    project: &Project,
    is_stdlib: impl Fn(crate::source::FileId) -> bool,
    problems: &mut Problems,
) {
    for (index, template) in project.templates.iter().enumerate() {
        if is_stdlib(template.name.span.file) {
            continue;
        }
        let instantiated = project.app_templates.contains(&Some(index));
        let extended = project
            .template_chains
            .iter()
            .enumerate()
            .any(|(other, chain)| other != index && chain.contains(&index));
        let parent_named = project.templates.iter().any(|other| {
            other
                .parent
                .as_ref()
                .is_some_and(|parent| parent.name == template.name.name)
        });
        if !instantiated && !extended && !parent_named {
            problems.push(
                Diagnostic::warning(
                    codes::UNUSED_TEMPLATE,
                    format!("template `{}` is never used", template.name.name),
                )
                .at(
                    template.name.span,
                    "no app instantiates it and no template extends it",
                )
                .help(format!(
                    "use it (`app NAME: {} {{ ... }}`) or remove it",
                    template.name.name
                )),
            );
        }
    }
    for (index, env) in project.envs.iter().enumerate() {
        if !env.is_abstract || is_stdlib(env.name.span.file) {
            continue;
        }
        let has_concrete = project.envs.iter().enumerate().any(|(other, candidate)| {
            !candidate.is_abstract
                && project
                    .env_chains
                    .get(other)
                    .is_some_and(|chain| chain.contains(&index))
        });
        let broken = project.env_chains.get(index).is_none_or(Vec::is_empty);
        if !has_concrete && !broken {
            problems.push(
                Diagnostic::warning(
                    codes::UNEMITTED_ENV,
                    format!("environment `{}` is never emitted", env.name.name),
                )
                .at(env.name.span, "abstract, and no concrete environment extends it")
                .help(format!(
                    "declare a concrete environment with `env NAME extends {} {{ ... }}`, or remove `abstract`",
                    env.name.name
                )),
            );
        }
    }
}
