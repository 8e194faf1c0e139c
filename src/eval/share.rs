//! What the environments of one app share. Most of an app is the same in every environment
//! (its image, its variables, the chart values built from them): evaluated one environment
//! after another on one thread, an app computes those once. A field is the same in every
//! environment when computing it read no environment setting (`env.*`), directly or through
//! another field, and no override of the app sets it; an expression of the chart values, when
//! evaluating it read no such field and no setting. Only what was computed without a
//! diagnostic is shared (a diagnostic may name the environment), and a traced frame (`why`)
//! shares nothing.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::syntax::ast::{AppDecl, Expr, ExprKind, StrPart};
use crate::types::{Schema, Ty};

use super::frame::{Context, Frame, Slot};
use super::model::{FieldMap, Fields, Val};

/// What one app's environments share, carried from one to the next.
pub(super) struct Sharing {
    /// The app's index in the project.
    pub app: usize,
    /// Per schema field, whether an override of the app sets it.
    varies: Option<Arc<[bool]>>,
    /// The fields the same in every environment, once an environment computed them cleanly.
    learnt: Option<Learnt>,
    leaves: Option<Leaves>,
    /// What the apps evaluated before on this thread share (kept from app to app).
    commons: Commons,
}

/// The fields of an app the same in every environment.
struct Learnt {
    /// By schema position.
    known: Arc<[Known]>,
    /// Those with a value the other apps of the template do not share, held once for every
    /// environment.
    held: Arc<FieldMap>,
    /// Those with the value the other apps of the template have (template defaults, most),
    /// held once for those apps.
    common: Option<Arc<FieldMap>>,
    /// Whether any text of those held may be a secret (`secrets::may_hold_secret`).
    may_hold_secret: bool,
}

/// A field known to be the same in every environment, by schema position: its value and
/// whether anything set it; `None` for a field each environment computes.
pub(super) type Known = Option<(Option<Val>, bool)>;

/// The values of expressions the same in every environment, by the expression's address in
/// the syntax tree (an app's frames in different environments evaluate the same nodes).
#[derive(Default)]
pub(super) struct Leaves(FxHashMap<usize, Option<Val>>);

impl Sharing {
    /// Nothing shared yet for the app at `app`.
    pub fn new(app: usize) -> Sharing {
        Sharing {
            app,
            varies: None,
            learnt: None,
            leaves: Some(Leaves::default()),
            commons: Commons::default(),
        }
    }

    /// Nothing shared yet for the app at `app`, but what the apps before it share.
    pub fn next_app(&mut self, app: usize) {
        let commons = std::mem::take(&mut self.commons);
        *self = Sharing {
            commons,
            ..Sharing::new(app)
        };
    }

    /// Sets up the frame of the app (`schema` its template's, `decl` its declaration) in the
    /// next environment: the fields known to be the same are taken, not computed.
    pub(super) fn lend(&mut self, frame: &mut Frame<'_>, schema: &Schema, decl: &AppDecl) {
        let varies = self.varies.get_or_insert_with(|| overridden(schema, decl));
        frame.varies = Some(Arc::clone(varies));
        frame.leaves = self.leaves.take();
        if let Some(learnt) = &self.learnt {
            hold(frame, &learnt.known);
        }
    }

    /// Takes back what the frame learnt once it computed everything; its fields are kept for
    /// the next environments when computing them reported nothing (`clean`).
    pub(super) fn learn(&mut self, frame: &mut Frame<'_>, clean: bool) {
        self.leaves = frame.leaves.take();
        if self.learnt.is_some() || !clean {
            return;
        }
        let known = frame
            .slots
            .iter()
            .zip(&frame.env_fields)
            .map(|(slot, &varies)| match slot {
                Slot::Done(value, was_set) if !varies => Some((value.clone(), *was_set)),
                _ => None,
            })
            .collect::<Vec<Known>>();
        let mut held = FieldMap::with_capacity(known.iter().flatten().count());
        let names = frame.schema.fields.keys();
        for (index, (name, known)) in names.zip(&known).enumerate() {
            if let Some((Some(value), _)) = known {
                held.push(index, name, value.clone());
            }
        }
        let may_hold_secret = super::secrets::may_hold_secret(held.iter());
        let (common, held) = self
            .commons
            .split((std::ptr::from_ref(frame.schema) as usize, 0), held);
        let learnt = Learnt {
            known: known.into(),
            may_hold_secret,
            held: Arc::new(held),
            common,
        };
        // This environment holds them with the next ones too.
        hold(frame, &learnt.known);
        self.learnt = Some(learnt);
    }

    /// The fields of the app computed by `frame` in the environment named `env`: those known
    /// to be the same in every environment held with the others, those the same in other apps
    /// of the template held with them; and whether any text of them may be a secret.
    pub(super) fn fields(&mut self, frame: Frame<'_>, env: &str) -> (Fields, bool) {
        let shared = frame.known.is_some();
        let template = std::ptr::from_ref(frame.schema) as usize;
        let own = frame.into_own_fields();
        // Judged whole, before some of them are held with other apps.
        let own_may_hold_secret = super::secrets::may_hold_secret(own.iter());
        let (env_common, own) = self.commons.split((template, env.as_ptr() as usize), own);
        match &self.learnt {
            Some(learnt) if shared => {
                let common = self.commons.join(learnt.common.as_ref(), env_common);
                let held = Some(Arc::clone(&learnt.held));
                let may_hold_secret = learnt.may_hold_secret || own_may_hold_secret;
                (Fields::layered(common, held, own), may_hold_secret)
            }
            _ => (Fields::layered(env_common, None, own), own_may_hold_secret),
        }
    }
}

/// The fields apps of one template hold with one another, on one thread. Per template (by the
/// address of its schema), and per template and environment (by the address of the
/// environment's name) for the fields each environment computes: the fields of its first app,
/// which the others' are compared with, and the sets of fields found the same as the first
/// app's so far, each held once; and the unions of a template's set and an environment's.
#[derive(Default)]
struct Commons {
    sets: FxHashMap<(usize, usize), CommonSets>,
    joined: FxHashMap<(usize, usize), Arc<FieldMap>>,
}

/// The fields of the first app met with a key, and the sets of fields found the same so far.
type CommonSets = (FieldMap, Vec<Arc<FieldMap>>);

/// The most sets of common fields remembered per template: apps that agree with the first on
/// other fields are rare, and a set not remembered is only held per app.
const COMMON_SETS: usize = 8;

impl Commons {
    /// `fields`, some of an app's, as those the same in the first app met with the same `key`
    /// (its template, and the environment for fields each environment computes), held with the
    /// apps that have the same, and the rest.
    fn split(
        &mut self,
        key: (usize, usize),
        fields: FieldMap,
    ) -> (Option<Arc<FieldMap>>, FieldMap) {
        let (first, sets) = self
            .sets
            .entry(key)
            .or_insert_with(|| (fields.clone(), Vec::new()));
        let (same, rest) =
            fields.partition(|position, value| first.get_at(position) == Some(value));
        if same.is_empty() {
            return (None, FieldMap::merged(same, rest));
        }
        if let Some(set) = sets.iter().find(|set| set.same_fields(&same)) {
            return (Some(Arc::clone(set)), rest);
        }
        if sets.len() >= COMMON_SETS {
            return (None, FieldMap::merged(same, rest));
        }
        let set = Arc::new(same);
        sets.push(Arc::clone(&set));
        (Some(set), rest)
    }

    /// The fields of two common sets (of different fields) as one, made once per pair.
    fn join(
        &mut self,
        first: Option<&Arc<FieldMap>>,
        second: Option<Arc<FieldMap>>,
    ) -> Option<Arc<FieldMap>> {
        let (first, second) = match (first, second) {
            (Some(first), Some(second)) => (first, second),
            (first, second) => return second.or_else(|| first.cloned()),
        };
        let key = (Arc::as_ptr(first) as usize, Arc::as_ptr(&second) as usize);
        // Both sets are held in `sets` for as long as this is: their addresses stay theirs.
        let joined = self.joined.entry(key).or_insert_with(|| {
            Arc::new(FieldMap::merged(
                FieldMap::clone(first),
                FieldMap::clone(&second),
            ))
        });
        Some(Arc::clone(joined))
    }
}

/// Marks the frame's fields in `known` as held there ([`Slot::Held`]) instead of its own.
fn hold(frame: &mut Frame<'_>, known: &Arc<[Known]>) {
    for (slot, known) in frame.slots.iter_mut().zip(known.iter()) {
        if known.is_some() {
            *slot = Slot::Held;
        }
    }
    frame.known = Some(Arc::clone(known));
}

/// By schema position, whether any override of the app, in any environment, sets the field:
/// such a field may differ between environments even when computing it reads no setting.
fn overridden(schema: &Schema, decl: &AppDecl) -> Arc<[bool]> {
    let mut overridden = vec![false; schema.fields.len()];
    let entries = decl.overrides.iter().flat_map(|over| &over.body.entries);
    for entry in entries {
        let index = entry
            .path
            .first()
            .and_then(|key| schema.fields.get_index_of(key.name.as_str()));
        if let Some(flag) = index.and_then(|index| overridden.get_mut(index)) {
            *flag = true;
        }
    }
    overridden.into()
}

/// Whether an expression costs enough to be worth remembering: a call, a reference or an
/// interpolated string (a literal is made faster than it is looked up).
fn worth_sharing(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { .. } | ExprKind::Ref(_) => true,
        ExprKind::Str(parts) => parts.iter().any(|part| matches!(part, StrPart::Interp(..))),
        _ => false,
    }
}

impl Frame<'_> {
    /// The value of `expr` as an entry of type `ty` (see `entry_value`), taken from another
    /// environment of the app when it is the same in every one, and remembered for the next
    /// when it is.
    pub(super) fn leaf_value(
        &mut self,
        expr: &Expr,
        ty: &Ty,
        context: &mut Context<'_>,
    ) -> Option<Val> {
        if self.leaves.is_none() || self.trace.is_some() || !worth_sharing(expr) {
            return self.entry_value(expr, ty, context);
        }
        let key = std::ptr::from_ref(expr) as usize;
        if let Some(known) = self.leaves.as_ref().and_then(|leaves| leaves.0.get(&key)) {
            return known.clone();
        }
        let outer = std::mem::replace(&mut self.env_read, false);
        let before = context.diagnostics.len();
        let value = self.entry_value(expr, ty, context);
        let varies = self.env_read;
        self.env_read = varies || outer;
        if !varies
            && context.diagnostics.len() == before
            && let Some(leaves) = &mut self.leaves
        {
            leaves.0.insert(key, value.clone());
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::driver::evaluate_unshared;
    use super::super::model::{EnvInstance, ValKind};
    use crate::diag::Problems;

    /// Fields and chart values that read the environment, directly or through other fields,
    /// overrides in one environment, and expressions reading overridden fields.
    const MIXED: &str = r#"
abstract env base {
    kube_context = "k8s"
    namespace = "shop"
    domain = "example.org"
    helm_repos {
        ehp = "https://charts.example.org"
    }
    defaults {
        replicas = 1
        memory = 256Mi
    }
}
env inttest extends base {
    namespace = "shop-int"
}
env prod extends base {
    namespace = "shop-prod"
    defaults.replicas = 3
}
template svc {
    chart = "ehp/svc"
    chart_version = "1.0.0"
    label: string = "${namespace}-web"
    build: string = "${image}:${tag}"
    values {
        image {
            repository = "${registry}/${image}"
            tag = tag
        }
        env = env_list(vars)
        label = label
        build = build
        host = "${app.name}.${env.domain}"
        replicaCount = replicas
    }
}
app web: svc {
    image = "web"
    registry = "registry.example.org"
    tag = "1.0.0"
    vars {
        MODE = "fast"
        RELEASE = tag
    }
    in prod {
        tag = "1.0.1"
    }
}
app api: svc {
    image = "api"
    registry = "registry.example.org"
    tag = "2.0.0"
    vars {
        MODE = "slow"
    }
}
"#;

    /// Evaluates `files` sharing between environments and not, and requires the same
    /// environments and diagnostics; returns the shared evaluation.
    fn agree(name: &str, files: &[(String, String)]) -> Vec<EnvInstance> {
        let analysis = crate::analyze(files);
        let (project, schemas) = (&analysis.project, &analysis.schemas);
        let mut shared_problems = Problems::new();
        let shared = super::super::evaluate(project, schemas, &mut shared_problems);
        let mut alone_problems = Problems::new();
        let alone = evaluate_unshared(project, schemas, &mut alone_problems);
        assert_eq!(
            format!("{shared:?}"),
            format!("{alone:?}"),
            "{name}: sharing changed the evaluation"
        );
        assert_eq!(
            shared_problems.into_sorted(),
            alone_problems.into_sorted(),
            "{name}: sharing changed the diagnostics"
        );
        shared
    }

    fn field<'e>(envs: &'e [EnvInstance], env: &str, app: &str, path: &[&str]) -> &'e ValKind {
        let app = envs
            .iter()
            .find(|instance| instance.name == env)
            .and_then(|instance| instance.apps.iter().find(|instance| instance.name == app))
            .expect("the app is evaluated");
        let (first, rest) = path.split_first().expect("a path");
        let mut value = app.fields.get(first).expect("the field is set");
        for key in rest {
            value = value
                .as_map()
                .and_then(|map| map.get(*key))
                .expect("the key is set");
        }
        &value.kind
    }

    #[test]
    fn what_differs_between_environments_is_computed_in_each() {
        let files = vec![("mixed.ehp".to_string(), MIXED.to_string())];
        let envs = agree("mixed", &files);
        let text = |env, app, path: &[&str]| match field(&envs, env, app, path) {
            ValKind::Str(text) => text.to_string(),
            other => panic!("not a text: {other:?}"),
        };
        assert_eq!(text("inttest", "web", &["label"]), "shop-int-web");
        assert_eq!(text("prod", "web", &["label"]), "shop-prod-web");
        assert_eq!(text("inttest", "web", &["build"]), "web:1.0.0");
        assert_eq!(text("prod", "web", &["build"]), "web:1.0.1");
        assert_eq!(text("prod", "web", &["vars", "RELEASE"]), "1.0.1");
        assert_eq!(text("inttest", "web", &["vars", "RELEASE"]), "1.0.0");
        assert_eq!(field(&envs, "prod", "web", &["replicas"]), &ValKind::Int(3));
        assert_eq!(
            field(&envs, "inttest", "web", &["replicas"]),
            &ValKind::Int(1)
        );
    }

    #[test]
    fn what_is_the_same_everywhere_is_held_once() {
        let files = vec![("mixed.ehp".to_string(), MIXED.to_string())];
        let envs = agree("mixed", &files);
        let same = |app, path: &[&str]| match (
            field(&envs, "inttest", app, path),
            field(&envs, "prod", app, path),
        ) {
            (ValKind::Map(left), ValKind::Map(right)) => Arc::ptr_eq(left, right),
            _ => false,
        };
        // `api` has no override: its variables are computed once. `web`'s read its tag,
        // which prod overrides.
        assert!(same("api", &["vars"]));
        assert!(!same("web", &["vars"]));
    }
}
