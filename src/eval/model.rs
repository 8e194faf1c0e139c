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
    /// A block or map value. Every empty map is one allocation (an app's many empty release
    /// settings and blocks, in every environment): changing it copies it, like any shared map.
    pub fn map(map: ValMap) -> ValKind {
        if map.is_empty() {
            return ValKind::Map(std::sync::Arc::clone(&EMPTY_MAP));
        }
        ValKind::Map(std::sync::Arc::new(map))
    }

    /// A secret reference.
    pub fn secret(secret: SecretRef) -> ValKind {
        ValKind::Secret(Box::new(secret))
    }
}

/// The empty map every empty [`ValKind::map`] shares.
static EMPTY_MAP: std::sync::LazyLock<std::sync::Arc<ValMap>> =
    std::sync::LazyLock::new(std::sync::Arc::default);

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

/// The fields of an app in one environment that have a value, in schema order: those the same
/// in every environment held once for all of them (see `eval::share`), the rest its own.
#[derive(Clone, Default)]
pub struct Fields {
    /// Those with the same value in every app of the template that holds them (see
    /// `eval::share`), held once for all of them.
    common: Option<std::sync::Arc<FieldMap>>,
    shared: Option<std::sync::Arc<FieldMap>>,
    own: FieldMap,
}

/// Fields by name, each with its position in the schema, in schema order. A list rather than
/// a hash map: a map of fields is held for every app in every environment and has a dozen or
/// two entries, which a lookup compares faster than it hashes, and most lookups ask for a field
/// the app does not set, which the filter of [`FieldMap::names`] turns away at once.
#[derive(Clone, Default)]
pub struct FieldMap {
    entries: Vec<FieldEntry>,
    /// A bit per [`name_bit`] of every name held: a name whose bit is clear is not held.
    names: u64,
}

/// A field with its value, its schema position and the [`name_tag`] of its name.
#[derive(Clone)]
struct FieldEntry {
    name: Text,
    value: Val,
    position: usize,
    tag: u64,
}

/// A hash of a field name: a lookup compares it before the name, and takes the bit of
/// [`FieldMap::names`] from it ([`tag_bit`]).
fn name_tag(name: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name)
}

/// The bit of a name in [`FieldMap::names`], from its tag's top bits (the best mixed).
fn tag_bit(tag: u64) -> u64 {
    1 << (tag >> 58)
}

/// The bit of `name` in [`FieldMap::names`].
#[cfg(test)]
fn name_bit(name: &str) -> u64 {
    tag_bit(name_tag(name))
}

impl FieldMap {
    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> FieldMap {
        FieldMap {
            entries: Vec::with_capacity(capacity),
            names: 0,
        }
    }

    /// Adds the field `name` at schema position `position` (after every field added so far;
    /// each field once).
    pub fn push(&mut self, position: usize, name: &str, value: Val) {
        let tag = name_tag(name);
        self.names |= tag_bit(tag);
        self.entries.push(FieldEntry {
            name: name.into(),
            value,
            position,
            tag,
        });
    }

    /// The value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.get_tagged(name, name_tag(name))
    }

    /// The value of the field `name`, whose [`name_tag`] is `tag`.
    fn get_tagged(&self, name: &str, tag: u64) -> Option<&Val> {
        if self.names & tag_bit(tag) == 0 {
            return None;
        }
        self.entries
            .iter()
            .find(|entry| entry.tag == tag && entry.name.as_str() == name)
            .map(|entry| &entry.value)
    }

    /// How many fields are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every field, in schema order.
    pub fn iter(&self) -> FieldMapIter<'_> {
        FieldMapIter(self.entries.iter())
    }

    /// The value of the field at schema position `position`.
    pub fn get_at(&self, position: usize) -> Option<&Val> {
        self.entries
            .binary_search_by_key(&position, |entry| entry.position)
            .ok()
            .and_then(|index| self.entries.get(index))
            .map(|entry| &entry.value)
    }

    /// The fields for which `same(position, value)` holds, and the others, each in order.
    pub fn partition(self, mut same: impl FnMut(usize, &Val) -> bool) -> (FieldMap, FieldMap) {
        let (mut yes, mut no) = (FieldMap::default(), FieldMap::default());
        for entry in self.entries {
            let part = if same(entry.position, &entry.value) {
                &mut yes
            } else {
                &mut no
            };
            part.names |= tag_bit(entry.tag);
            part.entries.push(entry);
        }
        yes.entries.shrink_to_fit();
        no.entries.shrink_to_fit();
        (yes, no)
    }

    /// The fields of two maps with different fields, in schema order.
    pub fn merged(first: FieldMap, second: FieldMap) -> FieldMap {
        let mut entries: Vec<FieldEntry> =
            first.entries.into_iter().chain(second.entries).collect();
        entries.sort_by_key(|entry| entry.position);
        FieldMap {
            entries,
            names: first.names | second.names,
        }
    }

    /// Whether the two hold the same fields (by position), whatever their values.
    pub fn same_fields(&self, other: &FieldMap) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(one, two)| one.position == two.position)
    }

    /// The fields by name, their positions dropped.
    pub fn into_map(self) -> ValMap {
        self.entries
            .into_iter()
            .map(|entry| (entry.name, entry.value))
            .collect()
    }
}

/// The fields of a [`FieldMap`], in schema order.
#[derive(Clone)]
pub struct FieldMapIter<'a>(std::slice::Iter<'a, FieldEntry>);

impl<'a> Iterator for FieldMapIter<'a> {
    type Item = (&'a Text, &'a Val);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| (&entry.name, &entry.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl Fields {
    /// An app's fields: those of `shared`, held with other environments, and its own.
    pub fn new(shared: Option<std::sync::Arc<FieldMap>>, own: FieldMap) -> Fields {
        Fields {
            common: None,
            shared,
            own,
        }
    }

    /// An app's fields: those of `common`, held with other apps, those of `shared`, held with
    /// other environments, and its own (each field in one of them).
    pub fn layered(
        common: Option<std::sync::Arc<FieldMap>>,
        shared: Option<std::sync::Arc<FieldMap>>,
        own: FieldMap,
    ) -> Fields {
        Fields {
            common,
            shared,
            own,
        }
    }

    /// The value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&Val> {
        let tag = name_tag(name);
        // The three hold different fields: most lookups are of fields an app sets itself.
        self.shared
            .as_ref()
            .and_then(|shared| shared.get_tagged(name, tag))
            .or_else(|| self.own.get_tagged(name, tag))
            .or_else(|| {
                self.common
                    .as_ref()
                    .and_then(|common| common.get_tagged(name, tag))
            })
    }

    /// Whether the field `name` has a value.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// How many fields have a value.
    pub fn len(&self) -> usize {
        let held =
            |layer: &Option<std::sync::Arc<FieldMap>>| layer.as_ref().map_or(0, |map| map.len());
        self.own.len() + held(&self.shared) + held(&self.common)
    }

    /// Whether no field has a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every field with a value, in schema order.
    pub fn iter(&self) -> FieldsIter<'_> {
        FieldsIter(self.entries())
    }

    /// Every field with a value and its position in the template's schema, in schema order.
    pub fn positioned(&self) -> impl Iterator<Item = (usize, &Text, &Val)> {
        self.entries()
            .map(|entry| (entry.position, &entry.name, &entry.value))
    }

    /// The entries of the three layers, merged by schema position.
    fn entries<'a>(&'a self) -> FieldEntries<'a> {
        let empty: &'static FieldMap = &EMPTY_FIELDS;
        let layer = |map: Option<&'a FieldMap>| map.unwrap_or(empty).entries.iter().peekable();
        FieldEntries {
            layers: [
                layer(self.common.as_deref()),
                layer(self.shared.as_deref()),
                layer(Some(&self.own)),
            ],
        }
    }

    /// The values of every field, in schema order.
    pub fn values(&self) -> impl Iterator<Item = &Val> {
        self.iter().map(|(_, value)| value)
    }
}

/// No fields.
static EMPTY_FIELDS: std::sync::LazyLock<FieldMap> = std::sync::LazyLock::new(FieldMap::default);

/// What [`Fields::iter`] walks: the common, the shared and the own fields, merged by schema
/// position.
pub struct FieldsIter<'a>(FieldEntries<'a>);

impl<'a> Iterator for FieldsIter<'a> {
    type Item = (&'a Text, &'a Val);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| (&entry.name, &entry.value))
    }
}

/// The entries of the common, the shared and the own fields, merged by schema position.
struct FieldEntries<'a> {
    layers: [std::iter::Peekable<std::slice::Iter<'a, FieldEntry>>; 3],
}

impl<'a> Iterator for FieldEntries<'a> {
    type Item = &'a FieldEntry;

    fn next(&mut self) -> Option<Self::Item> {
        let first = self
            .layers
            .iter_mut()
            .filter_map(|layer| layer.peek().map(|entry| entry.position))
            .min()?;
        self.layers
            .iter_mut()
            .find_map(|layer| layer.next_if(|entry| entry.position == first))
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a Text, &'a Val);
    type IntoIter = FieldsIter<'a>;

    fn into_iter(self) -> FieldsIter<'a> {
        self.iter()
    }
}

impl From<ValMap> for Fields {
    /// Fields in the order of `map`, all the app's own.
    fn from(map: ValMap) -> Fields {
        let mut own = FieldMap::with_capacity(map.len());
        for (position, (name, value)) in map.into_iter().enumerate() {
            own.push(position, &name, value);
        }
        Fields::new(None, own)
    }
}

impl std::fmt::Debug for Fields {
    /// As a map in schema order, wherever each field is held.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_map().entries(self.iter()).finish()
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
    pub fields: Fields,
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
    /// Whether the values file was made and handed on at once (`ehp build` writes it as
    /// made): then [`Prepared::values_file`] is `None` and nothing is to be made again.
    pub values_taken: bool,
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
    fn fields_held_and_own_read_as_one_map_in_schema_order() {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        let number = |n| Val::new(ValKind::Int(n), span);
        let mut held = FieldMap::with_capacity(3);
        for (position, name) in [(0, "chart"), (2, "image"), (4, "vars")] {
            held.push(position, name, number(position as i64));
        }
        let mut own = FieldMap::with_capacity(2);
        for (position, name) in [(1, "namespace"), (3, "replicas"), (5, "memory")] {
            own.push(position, name, number(position as i64));
        }
        let fields = Fields::new(Some(std::sync::Arc::new(held)), own);
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["chart", "namespace", "image", "replicas", "vars", "memory"]
        );
        assert_eq!(fields.len(), 6);
        assert_eq!(fields.get("vars").and_then(Val::as_int), Some(4));
        assert_eq!(fields.get("replicas").and_then(Val::as_int), Some(3));
        assert!(!fields.contains_key("tag"));
        let positions: Vec<usize> = fields
            .positioned()
            .map(|(position, _, _)| position)
            .collect();
        assert_eq!(positions, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn fields_of_three_layers_read_as_one_map_in_schema_order() {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        let layer = |fields: &[(usize, &str)]| {
            let mut map = FieldMap::with_capacity(fields.len());
            for &(position, name) in fields {
                map.push(
                    position,
                    name,
                    Val::new(ValKind::Int(position as i64), span),
                );
            }
            map
        };
        let common = layer(&[(0, "enabled"), (3, "wait"), (6, "timeout")]);
        let held = layer(&[(1, "image"), (4, "vars")]);
        let own = layer(&[(2, "replicas"), (5, "memory")]);
        let (same, rest) = common.clone().partition(|position, _| position != 3);
        assert!(same.same_fields(&layer(&[(0, "x"), (6, "y")])));
        assert_eq!(FieldMap::merged(same, rest).len(), 3);
        assert_eq!(common.get_at(6).and_then(Val::as_int), Some(6));
        assert!(common.get_at(1).is_none());
        let fields = Fields::layered(
            Some(std::sync::Arc::new(common)),
            Some(std::sync::Arc::new(held)),
            own,
        );
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "enabled", "image", "replicas", "wait", "vars", "memory", "timeout"
            ]
        );
        assert_eq!(fields.len(), 7);
        for (position, name) in names.iter().enumerate() {
            assert_eq!(
                fields.get(name).and_then(Val::as_int),
                Some(position as i64)
            );
        }
        assert!(fields.get("tag").is_none());
    }

    #[test]
    fn a_field_map_finds_every_name_it_holds_and_no_other() {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        // More names than the filter has bits, so that names share bits.
        let held: Vec<String> = (0..100).map(|n| format!("field_{n}")).collect();
        let mut map = FieldMap::with_capacity(held.len());
        for (position, name) in held.iter().enumerate() {
            map.push(
                position,
                name,
                Val::new(ValKind::Int(position as i64), span),
            );
        }
        for (position, name) in held.iter().enumerate() {
            assert_eq!(map.get(name).and_then(Val::as_int), Some(position as i64));
        }
        let absent = (100..400).map(|n| format!("field_{n}"));
        for name in absent.chain(["", "f", "field_", "Field_1"].map(String::from)) {
            assert!(map.get(&name).is_none(), "{name}");
        }
        // A name whose bit is set by another name is still looked for, and not found.
        let sharing = (0..1000)
            .map(|n| format!("other_{n}"))
            .find(|name| map.names & name_bit(name) != 0)
            .expect("some name shares a bit");
        assert!(map.get(&sharing).is_none());
        assert_eq!(map.len(), 100);
        assert_eq!(map.clone().into_map().len(), 100);
    }

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
