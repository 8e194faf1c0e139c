//! The comment written above each key of a chart's `values.yaml`, by dotted path: what a chart
//! author says about a value, shown on hover and in help. Understands plain comments, helm-docs'
//! `# -- text` and Bitnami's `## @param path text`.

use std::collections::BTreeMap;

/// The comment right above each mapping key of `text`, by dotted path (`image.tag`). Keys
/// inside lists are skipped; a blank line ends a comment (a file's header is nobody's doc).
pub fn key_comments(text: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    // The open mappings: (indentation, key).
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    // Lines indented deeper than a list item belong to the list.
    let mut list_indent: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            pending.clear();
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let comment = clean_comment(comment);
            if !comment.is_empty() {
                pending.push(comment);
            }
            continue;
        }
        if list_indent.is_some_and(|list| indent > list) {
            pending.clear();
            continue;
        }
        list_indent = None;
        if trimmed.starts_with('-') {
            list_indent = Some(indent);
            pending.clear();
            continue;
        }
        let Some(key) = mapping_key(trimmed) else {
            pending.clear();
            continue;
        };
        while open.last().is_some_and(|(depth, _)| *depth >= indent) {
            open.pop();
        }
        let mut path: Vec<&str> = open.iter().map(|(_, name)| name.as_str()).collect();
        path.push(&key);
        let dotted = path.join(".");
        if !pending.is_empty() {
            found.insert(dotted, pending.join(" "));
        }
        pending.clear();
        open.push((indent, key));
    }
    found
}

/// The key of a `key: ...` line, unquoted.
fn mapping_key(line: &str) -> Option<String> {
    let (key, _) = if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find('"')?;
        let key = rest.get(..end)?;
        rest.get(end + 1..)?.strip_prefix(':')?;
        return Some(key.to_string());
    } else if let Some(rest) = line.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let key = rest.get(..end)?;
        rest.get(end + 1..)?.strip_prefix(':')?;
        return Some(key.to_string());
    } else {
        line.split_once(':')?
    };
    let key = key.trim();
    (!key.is_empty() && !key.contains(' ')).then(|| key.to_string())
}

/// A comment line without its markers: `## @param image.tag The tag` -> `The tag`,
/// `# -- The tag` -> `The tag`, commented-out YAML (`# key: value`) -> nothing.
fn clean_comment(comment: &str) -> String {
    let text = comment.trim_start_matches('#').trim();
    let text = text.strip_prefix("--").map_or(text, str::trim);
    let text = match text.strip_prefix("@param ") {
        Some(rest) => rest.split_once(' ').map_or("", |(_, words)| words).trim(),
        None => text,
    };
    // Bitnami's section markers and commented-out settings say nothing about the key below.
    if text.starts_with('@') || text.starts_with("e.g.") && text.ends_with(':') {
        return String::new();
    }
    if mapping_key(text).is_some() && !text.contains(". ") && !text.ends_with('.') {
        return String::new();
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_by_path() {
        let text = "\
# A file header, not about the key below.

# Number of pods.
replicaCount: 1

image:
  # -- The image repository.
  repository: nginx
  ## @param image.tag Overrides the image tag.
  tag: \"\"
ingress:
  hosts:
    - host: a
      # Not a key of the chart.
      paths: []
  # Whether TLS is on.
  tls: false
# replicaCount: 3
\"quoted.key\": 1
";
        let found = key_comments(text);
        assert_eq!(found["replicaCount"], "Number of pods.");
        assert_eq!(found["image.repository"], "The image repository.");
        assert_eq!(found["image.tag"], "Overrides the image tag.");
        assert_eq!(found["ingress.tls"], "Whether TLS is on.");
        assert!(!found.contains_key("ingress.hosts"));
        assert!(!found.contains_key("quoted.key"));
        assert_eq!(found.len(), 4, "{found:?}");
    }
}
