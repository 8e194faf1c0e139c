//! Several desired-state files of one environment (`--env NAME=A --env NAME=B`), merged as
//! helmsman merges its `-f` files (mergo with override and appended slices): mappings key by
//! key, lists appended, and a later scalar wins unless it is empty (`""`, `0`, `false`, null),
//! except the nullable booleans of an app (`enabled`, `test`, `protected`, `wait`, `noHooks`),
//! where any value given wins.

use super::node::{Kind, Node};

/// The app fields helmsman reads as nullable booleans: a `false` given overrides.
const NULLABLE: &[&str] = &["enabled", "test", "protected", "wait", "noHooks"];

/// Merges `overlay` into `base`.
pub(crate) fn overlay(base: &mut Node, overlay: Node) {
    merge(base, overlay, &[]);
}

fn merge(base: &mut Node, overlay: Node, path: &[&str]) {
    match (&mut base.kind, overlay.kind) {
        (Kind::Map(entries), Kind::Map(more)) => {
            for (key, entry) in more {
                match entries.get_mut(&key) {
                    Some(existing) => {
                        let mut inner: Vec<&str> = path.to_vec();
                        inner.push(&key);
                        merge(&mut existing.value, entry.value, &inner);
                    }
                    None => {
                        entries.insert(key, entry);
                    }
                }
            }
        }
        (Kind::Seq(items), Kind::Seq(more)) => items.extend(more),
        (_, kind) => {
            let nullable = matches!(path, ["apps", _, field] if NULLABLE.contains(field));
            let empty = match &kind {
                Kind::Null => true,
                Kind::Str(text) => text.is_empty(),
                Kind::Int(value) => *value == 0,
                Kind::Float(value) => *value == 0.0,
                Kind::Bool(value) => !value && !nullable,
                Kind::Seq(_) | Kind::Map(_) => false,
            };
            if !empty || matches!(base.kind, Kind::Null) {
                base.kind = kind;
                base.span = overlay.span;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::yaml::load;
    use crate::source::FileId;

    #[test]
    fn merges_as_helmsman_merges_files() {
        let mut base = load(FileId(0), "apps:\n  a:\n    enabled: true\n    priority: -3\n    helmFlags: [x]\nnamespaces:\n  ns:\n    protected: true\n").unwrap();
        let overlay_file = load(FileId(1), "apps:\n  a:\n    enabled: false\n    priority: 0\n    helmFlags: [y]\nnamespaces:\n  ns:\n    protected: false\n").unwrap();
        overlay(&mut base, overlay_file);
        let apps = &base.as_map().unwrap()["apps"].value;
        let a = apps.as_map().unwrap()["a"].value.as_map().unwrap();
        assert_eq!(a["enabled"].value.kind, Kind::Bool(false));
        assert_eq!(a["priority"].value.kind, Kind::Int(-3));
        assert!(matches!(&a["helmFlags"].value.kind, Kind::Seq(items) if items.len() == 2));
        let namespaces = &base.as_map().unwrap()["namespaces"].value;
        let n = namespaces.as_map().unwrap()["ns"].value.as_map().unwrap();
        assert_eq!(n["protected"].value.kind, Kind::Bool(true));
    }
}
