//! An app's chart values as the chart sees them: converted to JSON exactly as `emit` writes
//! them (a secret becomes `{secretName, secretKey}` or `{externalSecret}`), merged over the
//! chart's defaults as Helm merges them, and the `.ehp` origin of the value at a JSON path.

use serde_json::{Map, Number, Value};

use crate::eval::model::{SecretRef, Val, ValKind, ValMap};
use crate::source::Span;

/// The values as JSON.
pub(crate) fn to_json(values: &ValMap) -> Value {
    Value::Object(
        values
            .iter()
            .map(|(key, value)| (key.to_string(), val_to_json(value)))
            .collect(),
    )
}

fn val_to_json(value: &Val) -> Value {
    match &value.kind {
        ValKind::Str(text) | ValKind::Quantity(text) => Value::String(text.to_string()),
        ValKind::DeployVar(expanded) => Value::String(expanded.clone()),
        ValKind::Null => Value::Null,
        ValKind::Int(number) => Value::Number((*number).into()),
        ValKind::Float(number) => Number::from_f64(*number).map_or(Value::Null, Value::Number),
        ValKind::Bool(truth) => Value::Bool(*truth),
        ValKind::List(items) => Value::Array(items.iter().map(val_to_json).collect()),
        ValKind::Map(map) => to_json(map),
        ValKind::Secret(secret) => match secret.as_ref() {
            SecretRef::Kubernetes { name, key } => {
                let mut map = Map::new();
                map.insert("secretName".into(), Value::String(name.clone()));
                map.insert("secretKey".into(), Value::String(key.clone()));
                Value::Object(map)
            }
            SecretRef::External { reference } => {
                let mut map = Map::new();
                map.insert("externalSecret".into(), Value::String(reference.clone()));
                Value::Object(map)
            }
        },
    }
}

/// The user's values merged over the chart's defaults, as Helm coalesces them: maps merge key
/// by key, anything else in the user's values replaces the default, and a `null` removes it.
pub(crate) fn coalesce(defaults: &Value, user: &Value) -> Value {
    match (defaults, user) {
        (Value::Object(base), Value::Object(over)) => {
            let mut merged = base.clone();
            for (key, value) in over {
                if value.is_null() {
                    merged.remove(key);
                    continue;
                }
                let combined = match merged.get(key) {
                    Some(existing) => coalesce(existing, value),
                    None => value.clone(),
                };
                merged.insert(key.clone(), combined);
            }
            Value::Object(merged)
        }
        (_, over) => over.clone(),
    }
}

/// The evaluated value at `path` (map keys and list indexes; the parts of a secret end at the
/// secret), if the app's values have one there.
pub(crate) fn val_at<'a>(values: &'a ValMap, path: &[String]) -> Option<&'a Val> {
    let (first, rest) = path.split_first()?;
    let mut value = values.get(first.as_str())?;
    for part in rest {
        value = match &value.kind {
            ValKind::Map(map) => map.get(part.as_str())?,
            ValKind::List(items) => items.get(part.parse::<usize>().ok()?)?,
            ValKind::Secret(_) => return Some(value),
            _ => return None,
        };
    }
    Some(value)
}

/// Where the value at `path` was written, if the app's values have one there.
pub(crate) fn origin_at(values: &ValMap, path: &[String]) -> Option<Span> {
    val_at(values, path).map(|value| value.origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn coalesce_merges_maps_and_replaces_the_rest() {
        let defaults =
            json!({"image": {"repository": "nginx", "tag": ""}, "hosts": ["a"], "gone": 1});
        let user = json!({"image": {"tag": "1.0"}, "hosts": ["b", "c"], "gone": null});
        assert_eq!(
            coalesce(&defaults, &user),
            json!({"image": {"repository": "nginx", "tag": "1.0"}, "hosts": ["b", "c"]})
        );
    }
}
