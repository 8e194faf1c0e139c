//! From the environments read to the project's source: what every environment shares goes
//! into an abstract `base` (and into each app's own entries), what differs into the
//! environment (and into the app's `in ENV { }` overrides).

use indexmap::IndexMap;

use super::dsf::{AppRead, EnvRead};
use super::value::{Value, print_entries, print_entry};
use crate::syntax::literal;

/// The name of the abstract environment that holds what all environments share.
pub const BASE: &str = "base";

/// What every map of `maps` holds with equal values (blocks held by all split recursively),
/// and what remains of each.
pub(crate) fn split(
    maps: &[&IndexMap<String, Value>],
) -> (IndexMap<String, Value>, Vec<IndexMap<String, Value>>) {
    let mut common = IndexMap::new();
    let mut rest: Vec<IndexMap<String, Value>> = vec![IndexMap::new(); maps.len()];
    let mut keys: Vec<&String> = Vec::new();
    for map in maps {
        for key in map.keys() {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    for key in keys {
        let values: Vec<Option<&Value>> = maps.iter().map(|map| map.get(key)).collect();
        let all: Option<Vec<&Value>> = values.iter().copied().collect();
        match all {
            Some(all) if all.windows(2).all(|pair| pair.first() == pair.get(1)) => {
                if let Some(first) = all.first() {
                    common.insert(key.clone(), (*first).clone());
                }
            }
            Some(all) if all.iter().all(|value| matches!(value, Value::Map(_))) => {
                let inner: Vec<&IndexMap<String, Value>> = all
                    .iter()
                    .filter_map(|value| match value {
                        Value::Map(map) => Some(map),
                        _ => None,
                    })
                    .collect();
                let (shared, remains) = split(&inner);
                // An empty block that every environment fills says nothing.
                let all_fill = remains.iter().all(|remain| !remain.is_empty());
                if !(shared.is_empty() && all_fill) {
                    common.insert(key.clone(), Value::Map(shared));
                }
                for (slot, remain) in rest.iter_mut().zip(remains) {
                    if !remain.is_empty() {
                        slot.insert(key.clone(), Value::Map(remain));
                    }
                }
            }
            Some(all) if all.iter().all(|value| !matches!(value, Value::Map(_))) => {
                // No block: the value most environments share goes into the common part when
                // it is shared by more than any other, the others override it.
                match plurality(&all) {
                    Some(winner) => {
                        common.insert(key.clone(), winner.clone());
                        for (slot, value) in rest.iter_mut().zip(all) {
                            if value != winner {
                                slot.insert(key.clone(), value.clone());
                            }
                        }
                    }
                    None => {
                        for (slot, value) in rest.iter_mut().zip(all) {
                            slot.insert(key.clone(), value.clone());
                        }
                    }
                }
            }
            _ => {
                for (slot, value) in rest.iter_mut().zip(values) {
                    if let Some(value) = value {
                        slot.insert(key.clone(), value.clone());
                    }
                }
            }
        }
    }
    (common, rest)
}

/// The value held by at least two of `values` and by more than any other value.
fn plurality<'v>(values: &[&'v Value]) -> Option<&'v Value> {
    let mut counts: Vec<(&Value, usize)> = Vec::new();
    for value in values {
        match counts.iter_mut().find(|(seen, _)| seen == value) {
            Some((_, count)) => *count += 1,
            None => counts.push((value, 1)),
        }
    }
    counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    match counts.as_slice() {
        [(winner, count), (_, second), ..] if *count >= 2 && count > second => Some(winner),
        [(winner, count)] if *count >= 2 => Some(winner),
        _ => None,
    }
}

/// The `.ehp` name of an app key: the key when it is a name, else the key with every other
/// character turned into `-` (its release name then keeps the key).
pub(crate) fn app_name(key: &str) -> String {
    if literal::is_name(key) {
        return key.to_string();
    }
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        name.insert_str(0, "app-");
    }
    name
}

/// The environments' file: `abstract env base` with what all share, then one environment per
/// input (a single input is written on its own, without a base).
pub(crate) fn environments(envs: &[EnvRead]) -> String {
    let mut out = String::from("// Imported from helmsman desired-state files by `ehp import`.\n");
    let fields: Vec<&IndexMap<String, Value>> = envs.iter().map(|env| &env.fields).collect();
    if let [only] = envs {
        out.push_str(&format!("\nenv {} {{\n", only.name));
        print_entries(&only.fields, 1, &mut out);
        out.push_str("}\n");
        return out;
    }
    let (common, mut rest) = split(&fields);
    for own in &mut rest {
        drop_unprotected(&common, own);
    }
    out.push_str("\n/// What every environment shares.\n");
    out.push_str(&format!("abstract env {BASE} {{\n"));
    print_entries(&common, 1, &mut out);
    out.push_str("}\n");
    for (env, own) in envs.iter().zip(rest) {
        out.push_str(&format!("\nenv {} extends {BASE} {{\n", env.name));
        print_entries(&own, 1, &mut out);
        out.push_str("}\n");
    }
    out
}

/// An app laid out: its `.ehp` name, its template, the fields every environment shares and
/// each environment's override.
#[derive(Debug, Clone)]
pub(crate) struct AppPlan {
    /// The app's `.ehp` name.
    pub(crate) name: String,
    /// The template it instantiates.
    pub(crate) kind: String,
    /// Its own entries.
    pub(crate) common: IndexMap<String, Value>,
    /// `in ENV { }` overrides, by environment, in the environments' order.
    pub(crate) overrides: Vec<(String, IndexMap<String, Value>)>,
}

/// Lays out the app `key`: `per_env[i]` is the app in `envs[i]`, `None` where that file does
/// not have it (it is disabled there).
/// `name` is its `.ehp` name (see [`app_name`], made unique).
pub(crate) fn app_plan(
    key: &str,
    name: String,
    envs: &[EnvRead],
    per_env: &[Option<&AppRead>],
) -> AppPlan {
    let present: Vec<&IndexMap<String, Value>> =
        per_env.iter().flatten().map(|app| &app.fields).collect();
    let (mut common, rest) = split(&present);
    // A setting at the default helmsman and ehp share says nothing; `enabled` and `wait`,
    // whose defaults differ, stay written.
    common.retain(|field, value| {
        field == "enabled"
            || field == "wait"
            || !APP_DEFAULTS
                .iter()
                .any(|(name, default)| name == field && default == value)
    });
    if name != key && !common.contains_key("release_name") {
        common.shift_insert(0, "release_name".into(), Value::text(key));
    }
    let mut overrides = Vec::new();
    let rest: Vec<IndexMap<String, Value>> = rest
        .into_iter()
        .map(|mut own| {
            drop_defaults(&common, &mut own);
            own
        })
        .collect();
    let mut remains = rest.into_iter();
    for (env, app) in envs.iter().zip(per_env) {
        let own = match app {
            Some(_) => remains.next().unwrap_or_default(),
            None => {
                let mut disabled = IndexMap::new();
                disabled.insert("enabled".to_string(), Value::Bool(false));
                disabled
            }
        };
        if !own.is_empty() && envs.len() > 1 {
            overrides.push((env.name.clone(), own));
        }
    }
    AppPlan {
        name,
        kind: "helm_chart".into(),
        common,
        overrides,
    }
}

/// The defaults of `helm_chart` (from `release`) that do not depend on the environment.
const APP_DEFAULTS: &[(&str, Value)] = &[
    ("enabled", Value::Bool(true)),
    ("wait", Value::Bool(true)),
    ("timeout", Value::Seconds(300)),
    ("priority", Value::Int(0)),
    ("test", Value::Bool(false)),
    ("no_hooks", Value::Bool(false)),
];

/// Removes from an override what the app would have without it: a field the app's own entries
/// do not set, overridden with its default, changes nothing (and `ehp check` says so).
fn drop_defaults(common: &IndexMap<String, Value>, own: &mut IndexMap<String, Value>) {
    own.retain(|field, value| {
        common.contains_key(field)
            || !APP_DEFAULTS
                .iter()
                .any(|(name, default)| name == field && default == value)
    });
}

/// Removes `protected = false` (the default) from an environment's namespaces where the base
/// does not set `protected`: it changes nothing.
fn drop_unprotected(common: &IndexMap<String, Value>, own: &mut IndexMap<String, Value>) {
    let Some(Value::Map(namespaces)) = own.get_mut("namespaces") else {
        return;
    };
    let shared = match common.get("namespaces") {
        Some(Value::Map(shared)) => Some(shared),
        _ => None,
    };
    for (name, body) in namespaces.iter_mut() {
        let base_sets = shared.and_then(|shared| shared.get(name)).is_some_and(
            |base| matches!(base, Value::Map(fields) if fields.contains_key("protected")),
        );
        if let Value::Map(fields) = body
            && !base_sets
            && fields.get("protected") == Some(&Value::Bool(false))
        {
            fields.shift_remove("protected");
        }
    }
}

/// An app's file: its own entries, then its overrides.
pub(crate) fn app_source(plan: &AppPlan) -> String {
    let mut out = format!("app {}: {} {{\n", plan.name, plan.kind);
    print_entries(&plan.common, 1, &mut out);
    for (env, own) in &plan.overrides {
        out.push_str(&format!("\n    in {env} {{\n"));
        for (field, value) in own {
            print_entry(field, value, 2, &mut out);
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Value)]) -> IndexMap<String, Value> {
        entries
            .iter()
            .map(|(key, value)| ((*key).to_string(), value.clone()))
            .collect()
    }

    #[test]
    fn split_keeps_what_all_share() {
        let a = map(&[
            ("x", Value::Int(1)),
            (
                "m",
                Value::Map(map(&[("p", Value::Int(1)), ("q", Value::Int(2))])),
            ),
        ]);
        let b = map(&[
            ("x", Value::Int(1)),
            (
                "m",
                Value::Map(map(&[("p", Value::Int(1)), ("q", Value::Int(3))])),
            ),
            ("y", Value::Bool(true)),
        ]);
        let (common, rest) = split(&[&a, &b]);
        assert_eq!(
            common,
            map(&[
                ("x", Value::Int(1)),
                ("m", Value::Map(map(&[("p", Value::Int(1))])))
            ])
        );
        assert_eq!(
            rest[0],
            map(&[("m", Value::Map(map(&[("q", Value::Int(2))])))])
        );
        assert_eq!(
            rest[1],
            map(&[
                ("m", Value::Map(map(&[("q", Value::Int(3))]))),
                ("y", Value::Bool(true))
            ])
        );
    }

    #[test]
    fn app_names() {
        assert_eq!(app_name("journal"), "journal");
        assert_eq!(app_name("datafruits.fm"), "datafruits-fm");
        assert_eq!(app_name("1app"), "app-1app");
    }
}
