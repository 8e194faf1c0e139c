//! What a chart knows about its values: the keys its schema and its `values.yaml` declare at
//! each path (for unknown keys and "did you mean"), and the chart's own description of a key
//! (for help and hover).

use std::collections::BTreeSet;

use serde_json::Value;

use super::chart::Chart;

/// How deep `$ref`s and combinators are followed before a schema counts as "anything goes".
const MAX_EXPANSION: usize = 16;

/// The schema that allows anything.
static ANYTHING: Value = Value::Bool(true);

/// The keys one source (the schema or `values.yaml`) knows under a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Keys {
    /// The source says nothing about this path.
    NoInfo,
    /// Any key is fine here (a free-form map, an empty default `{}`, a `patternProperties`...).
    Free,
    /// These keys, and no others.
    Known(BTreeSet<String>),
}

impl Keys {
    /// Both sources together: free if either is, otherwise every key either knows.
    fn union(self, other: Keys) -> Keys {
        match (self, other) {
            (Keys::Free, _) | (_, Keys::Free) => Keys::Free,
            (Keys::NoInfo, keys) | (keys, Keys::NoInfo) => keys,
            (Keys::Known(mut left), Keys::Known(right)) => {
                left.extend(right);
                Keys::Known(left)
            }
        }
    }
}

/// The schema nodes that describe the value at `path`, with `$ref`s and combinators expanded.
pub(crate) fn schema_nodes<'a>(root: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut nodes = expand(root, root, 0);
    for part in path {
        let mut next = Vec::new();
        for node in nodes {
            for child in children(node, part) {
                next.extend(expand(root, child, 0));
            }
        }
        if next.is_empty() {
            return next;
        }
        nodes = next;
    }
    nodes
}

/// The schemas a value must (or may) match at one node: the node, what its local `$ref` points
/// at, and the branches of `allOf`, `anyOf`, `oneOf`, `then` and `else`.
fn expand<'a>(root: &'a Value, node: &'a Value, depth: usize) -> Vec<&'a Value> {
    if depth > MAX_EXPANSION {
        return vec![&ANYTHING];
    }
    let mut found = vec![node];
    if let Some(target) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix('#'))
    {
        match root.pointer(target) {
            Some(resolved) => found.extend(expand(root, resolved, depth + 1)),
            // A reference ehp cannot follow (another file, a URL) allows anything.
            None => found.push(&ANYTHING),
        }
    } else if node.get("$ref").is_some() {
        found.push(&ANYTHING);
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = node.get(combinator).and_then(Value::as_array) {
            for branch in branches {
                found.extend(expand(root, branch, depth + 1));
            }
        }
    }
    for branch in ["then", "else"] {
        if let Some(inner) = node.get(branch) {
            found.extend(expand(root, inner, depth + 1));
        }
    }
    found
}

/// The schemas of the part `part` of a value described by `node`.
fn children<'a>(node: &'a Value, part: &str) -> Vec<&'a Value> {
    let mut found = Vec::new();
    if let Some(property) = node.get("properties").and_then(|map| map.get(part)) {
        found.push(property);
    }
    if let Some(extra) = node
        .get("additionalProperties")
        .filter(|extra| extra.is_object())
    {
        found.push(extra);
    }
    if let Some(patterns) = node.get("patternProperties").and_then(Value::as_object) {
        found.extend(patterns.values());
    }
    if let Ok(index) = part.parse::<usize>() {
        match node.get("items") {
            Some(Value::Array(items)) => found.extend(items.get(index)),
            Some(items) => found.push(items),
            None => {}
        }
        if let Some(Value::Array(items)) = node.get("prefixItems") {
            found.extend(items.get(index));
        }
    }
    found
}

/// The keys a schema knows under `path`.
pub(crate) fn schema_keys(root: &Value, path: &[&str]) -> Keys {
    let nodes = schema_nodes(root, path);
    if nodes.is_empty() {
        return Keys::NoInfo;
    }
    let mut known = BTreeSet::new();
    let mut said_anything = false;
    for node in nodes {
        let Some(object) = node.as_object() else {
            // `true` allows anything; `false` allows nothing, which the schema check reports.
            if *node == Value::Bool(true) {
                return Keys::Free;
            }
            continue;
        };
        let properties = object.get("properties").and_then(Value::as_object);
        let free_extra = object
            .get("additionalProperties")
            .is_some_and(Value::is_object)
            || object.contains_key("patternProperties");
        if free_extra {
            return Keys::Free;
        }
        match properties {
            Some(properties) => {
                said_anything = true;
                known.extend(properties.keys().cloned());
            }
            None => {
                let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
                let combinator_only = ["allOf", "anyOf", "oneOf", "$ref", "then", "else"]
                    .iter()
                    .any(|key| object.contains_key(*key));
                if closed {
                    said_anything = true;
                } else if !combinator_only && is_object_like(object) {
                    return Keys::Free;
                }
            }
        }
    }
    if said_anything {
        Keys::Known(known)
    } else {
        Keys::NoInfo
    }
}

/// Whether a schema without `properties` may describe a map: it says `type: object`, or says
/// nothing about the type at all.
fn is_object_like(object: &serde_json::Map<String, Value>) -> bool {
    match object.get("type") {
        None => true,
        Some(Value::String(ty)) => ty == "object",
        Some(Value::Array(types)) => types.iter().any(|ty| ty == "object"),
        Some(_) => false,
    }
}

/// The keys `values.yaml` knows under `path`: a non-empty map's keys; anything goes under an
/// empty map or a `null` (a placeholder for the user's own keys).
pub(crate) fn default_keys(values: &Value, path: &[&str]) -> Keys {
    let mut node = values;
    for part in path {
        let next = match node {
            Value::Object(map) => map.get(*part),
            _ => None,
        };
        match next {
            Some(child) => node = child,
            None => return Keys::NoInfo,
        }
    }
    match node {
        Value::Object(map) if !map.is_empty() => Keys::Known(map.keys().cloned().collect()),
        _ => Keys::Free,
    }
}

/// The keys the chart knows under `path`, from its schema and its `values.yaml` together.
pub(crate) fn chart_keys(chart: &Chart, path: &[&str]) -> Keys {
    let from_schema = chart
        .schema
        .as_ref()
        .map_or(Keys::NoInfo, |schema| schema_keys(schema, path));
    let from_values = chart
        .values
        .as_ref()
        .map_or(Keys::NoInfo, |values| default_keys(values, path));
    match from_schema.union(from_values) {
        // Neither knows anything: nothing to compare against.
        Keys::NoInfo => Keys::Free,
        keys => keys,
    }
}

/// The chart's own description of the value at `path`: the schema's `description` (or
/// `title`), else the comment above the key in `values.yaml`.
pub fn describe(chart: &Chart, path: &[&str]) -> Option<String> {
    let from_schema = chart.schema.as_ref().and_then(|schema| {
        schema_nodes(schema, path).into_iter().find_map(|node| {
            node.get("description")
                .or_else(|| node.get("title"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    });
    from_schema
        .filter(|_| !path.is_empty())
        .or_else(|| chart.comments.get(&path.join(".")).cloned())
}

/// The dotted paths, anywhere in the chart's `values.yaml` or schema, that end in `key`: for
/// "did you mean" when a key sits at the wrong depth.
pub(crate) fn paths_ending_in(chart: &Chart, key: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    if let Some(values) = &chart.values {
        collect_paths(values, &mut Vec::new(), key, &mut found, false);
    }
    if let Some(schema) = &chart.schema {
        collect_paths(schema, &mut Vec::new(), key, &mut found, true);
    }
    found.into_iter().collect()
}

fn collect_paths(
    node: &Value,
    prefix: &mut Vec<String>,
    key: &str,
    found: &mut BTreeSet<String>,
    schema: bool,
) {
    if prefix.len() > MAX_EXPANSION {
        return;
    }
    let map = if schema {
        node.get("properties").and_then(Value::as_object)
    } else {
        node.as_object()
    };
    let Some(map) = map else { return };
    for (name, child) in map {
        prefix.push(name.clone());
        if name == key && prefix.len() > 1 {
            found.insert(prefix.join("."));
        }
        collect_paths(child, prefix, key, found, schema);
        prefix.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn known(keys: &[&str]) -> Keys {
        Keys::Known(keys.iter().map(|key| key.to_string()).collect())
    }

    #[test]
    fn schema_keys_follow_refs_and_combinators() {
        let schema = json!({
            "type": "object",
            "properties": {
                "image": {"$ref": "#/$defs/image"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "resources": {"type": "object"},
                "ingress": {"allOf": [{"properties": {"enabled": {}}}, {"properties": {"hosts": {}}}]},
                "remote": {"$ref": "https://example.org/schema.json"},
                "closed": {"type": "object", "additionalProperties": false}
            },
            "$defs": {"image": {"properties": {"repository": {}, "tag": {}}}}
        });
        assert_eq!(
            schema_keys(&schema, &[]),
            known(&[
                "closed",
                "image",
                "ingress",
                "labels",
                "remote",
                "resources"
            ])
        );
        assert_eq!(
            schema_keys(&schema, &["image"]),
            known(&["repository", "tag"])
        );
        assert_eq!(schema_keys(&schema, &["labels"]), Keys::Free);
        assert_eq!(schema_keys(&schema, &["resources"]), Keys::Free);
        assert_eq!(
            schema_keys(&schema, &["ingress"]),
            known(&["enabled", "hosts"])
        );
        assert_eq!(schema_keys(&schema, &["remote"]), Keys::Free);
        assert_eq!(schema_keys(&schema, &["closed"]), known(&[]));
        assert_eq!(schema_keys(&schema, &["missing"]), Keys::NoInfo);
    }

    #[test]
    fn default_keys_treat_empty_maps_as_free() {
        let values = json!({"podAnnotations": {}, "image": {"tag": ""}, "extra": null});
        assert_eq!(default_keys(&values, &["image"]), known(&["tag"]));
        assert_eq!(default_keys(&values, &["podAnnotations"]), Keys::Free);
        assert_eq!(default_keys(&values, &["extra"]), Keys::Free);
        assert_eq!(default_keys(&values, &["nope"]), Keys::NoInfo);
    }

    #[test]
    fn descriptions_come_from_the_schema_then_the_comments() {
        let chart = Chart {
            name: "web".into(),
            version: "1.0.0".into(),
            values: Some(json!({"replicaCount": 1, "image": {"tag": ""}})),
            schema: Some(json!({"properties": {"replicaCount": {"description": "Pods."}}})),
            comments: [("image.tag".to_string(), "The tag.".to_string())].into(),
            subcharts: Vec::new(),
        };
        assert_eq!(
            describe(&chart, &["replicaCount"]).as_deref(),
            Some("Pods.")
        );
        assert_eq!(
            describe(&chart, &["image", "tag"]).as_deref(),
            Some("The tag.")
        );
        assert_eq!(describe(&chart, &["nope"]), None);
        assert_eq!(paths_ending_in(&chart, "tag"), ["image.tag"]);
    }
}
