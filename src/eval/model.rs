//! The evaluated model: for each concrete environment, its settings and every app's fields and
//! chart values, as ordered trees whose nodes remember the source span that produced them.

use indexmap::IndexMap;

/// An insertion-ordered map with a fast hasher (keys are short names, not attacker-chosen).
pub type FxIndexMap<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;

/// The map of a block value. Keys are compact strings: field and chart-value names are short,
/// held inline without an allocation of their own, and copied rather than cloned on the heap
/// (every app in every environment has a map of them).
pub type ValMap = FxIndexMap<Text, Val>;

/// The text of evaluated keys and strings: inline up to 24 bytes (see [`ValMap`]).
pub type Text = compact_str::CompactString;

use crate::source::Span;

/// A reference to a secret: never the secret itself.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretRef {
    /// A key of a Kubernetes secret.
    Kubernetes {
        /// The secret's name.
        name: String,
        /// The key inside it.
        key: String,
    },
    /// A reference understood by an external secret store.
    External {
        /// The reference, for example `vault:kv/journal/db#password`.
        reference: String,
    },
}

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValKind {
    /// Text.
    Str(Text),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A quantity or duration as written (`512Mi`, `250m`, `30s`): emitted as a string.
    Quantity(Text),
    /// A list.
    List(Vec<Val>),
    /// A block or map, in order. Behind an `Arc`, so that every value is small (a value is held
    /// for every field of every app in every environment) and a map the same in every
    /// environment is held once: copying it copies a pointer, changing it copies the map when
    /// it is shared (`Arc::make_mut`).
    Map(std::sync::Arc<ValMap>),
    /// A secret reference.
    Secret(Box<SecretRef>),
    /// A text helmsman expands at deploy time, as it is written into the files: `${NAME}` for
    /// `deploy_var("NAME")`, a text with `${NAME}` parts and `$$` for `deploy_text(...)`.
    DeployVar(String),
    /// `null` among chart values: written as YAML null, which makes Helm delete the key.
    Null,
}

impl ValKind {
    /// A block or map value.
    pub fn map(map: ValMap) -> ValKind {
        ValKind::Map(std::sync::Arc::new(map))
    }

    /// A secret reference.
    pub fn secret(secret: SecretRef) -> ValKind {
        ValKind::Secret(Box::new(secret))
    }
}

/// An evaluated value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    /// The value.
    pub kind: ValKind,
    /// The expression (or default) that produced it.
    pub origin: Span,
}

impl Val {
    /// A new value.
    pub fn new(kind: ValKind, origin: Span) -> Val {
        Val { kind, origin }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValKind::Str(text) | ValKind::Quantity(text) => Some(text),
            _ => None,
        }
    }

    /// The map of a block value.
    pub fn as_map(&self) -> Option<&ValMap> {
        match &self.kind {
            ValKind::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The number of an integer value.
    pub fn as_int(&self) -> Option<i64> {
        match self.kind {
            ValKind::Int(number) => Some(number),
            _ => None,
        }
    }

    /// The truth of a boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ValKind::Bool(truth) => Some(truth),
            _ => None,
        }
    }

    /// Whether two values are equal, wherever they were written: the same kind and contents,
    /// origins aside.
    pub fn same(&self, other: &Val) -> bool {
        match (&self.kind, &other.kind) {
            (ValKind::List(left), ValKind::List(right)) => {
                left.len() == right.len() && left.iter().zip(right).all(|(a, b)| a.same(b))
            }
            (ValKind::Map(left), ValKind::Map(right)) => {
                left.len() == right.len()
                    && left
                        .iter()
                        .zip(right.iter())
                        .all(|((left_key, a), (right_key, b))| left_key == right_key && a.same(b))
            }
            (left, right) => left == right,
        }
    }

    /// The text of a scalar as it would be interpolated into a string.
    pub fn to_text(&self) -> Option<String> {
        Some(match &self.kind {
            ValKind::Str(text) | ValKind::Quantity(text) => text.to_string(),
            ValKind::Int(number) => number.to_string(),
            ValKind::Float(number) => number.to_string(),
            ValKind::Bool(truth) => truth.to_string(),
            ValKind::List(_)
            | ValKind::Map(_)
            | ValKind::Secret(_)
            | ValKind::DeployVar(_)
            | ValKind::Null => {
                return None;
            }
        })
    }
}

/// One app in one environment.
#[derive(Debug, Clone)]
pub struct AppInstance {
    /// The app's name (its helm release name).
    pub name: String,
    /// The template it instantiates.
    pub template: String,
    /// The final value of every field that has one, in schema order.
    pub fields: ValMap,
    /// The chart values (the template's `values` block, evaluated).
    pub values: ValMap,
    /// Where the app is declared.
    pub span: Span,
    /// Whether any text of its fields or chart values, judged on its own, looks like a
    /// secret (`secrets::may_hold_secret`): when no app's does, the check of the whole
    /// model for literal secrets has nothing to report and is skipped.
    pub may_hold_secret: bool,
    /// What a front end made of the app on the thread that evaluated it (see [`Prepare`]):
    /// `None` when nothing was asked for.
    pub prepared: Option<Prepared>,
}

/// What a front end makes of each app in each environment on the thread that evaluated it, as
/// soon as it is evaluated, so that the chart values it no longer needs are dropped then rather
/// than held for every app of every environment (`ehp build` serialises the values file there,
/// `ehp check` checks it).
pub trait Prepare: Sync {
    /// What the front end needs of `app` in the environment `env`, whose settings are
    /// `settings`.
    fn prepare(&self, env: &str, settings: &ValMap, app: &AppInstance) -> Prepared;
}

/// What [`Prepare`] made of an app.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The values file's text, when one was made.
    pub values_file: Option<String>,
    /// What making it found.
    pub diagnostics: Vec<crate::diag::Diagnostic>,
    /// Whether the chart values are still needed (a chart check, the walk for literal
    /// secrets): when not, [`AppInstance::values`] is emptied.
    pub values_kept: bool,
}

impl AppInstance {
    /// Whether the chart values were dropped once [`Prepare`] was done with them.
    pub fn values_dropped(&self) -> bool {
        self.prepared
            .as_ref()
            .is_some_and(|prepared| !prepared.values_kept)
    }

    /// A field's string value.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Val::as_str)
    }
}

/// One concrete environment, fully evaluated.
#[derive(Debug, Clone)]
pub struct EnvInstance {
    /// The environment's name.
    pub name: String,
    /// Its settings (the `environment` schema, with defaults and inheritance applied).
    pub settings: ValMap,
    /// Its apps, sorted by name. Shared: an editor's re-analysis reuses the apps whose
    /// sources did not change.
    pub apps: Vec<std::sync::Arc<AppInstance>>,
    /// Where the environment is declared.
    pub span: Span,
}

impl EnvInstance {
    /// The app called `name`.
    pub fn app(&self, name: &str) -> Option<&AppInstance> {
        self.apps
            .iter()
            .find(|app| app.name == name)
            .map(|app| -> &AppInstance { app })
    }

    /// A setting's string value.
    pub fn str_setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).and_then(Val::as_str)
    }
}

/// The environment called `name` among `envs`.
pub fn env_named<'a>(envs: &'a [EnvInstance], name: &str) -> Option<&'a EnvInstance> {
    envs.iter().find(|env| env.name == name)
}

/// The app called `app` in the environment called `env` among `envs`.
pub fn app_in<'a>(envs: &'a [EnvInstance], env: &str, app: &str) -> Option<&'a AppInstance> {
    env_named(envs, env)?.app(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_stays_small() {
        // Held for every field of every app in every environment: a map or a secret inline
        // would make every value as large as they are.
        assert!(
            std::mem::size_of::<Val>() <= 48,
            "{}",
            std::mem::size_of::<Val>()
        );
    }
}
