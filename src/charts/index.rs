//! A Helm chart repository's `index.yaml`: which versions of which charts it serves, where each
//! package is, and the SHA-256 digest of each.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The parts of `index.yaml` ehp reads.
#[derive(Debug, Deserialize)]
pub struct RepoIndex {
    /// Every chart's versions, by chart name.
    #[serde(default)]
    entries: BTreeMap<String, Vec<IndexEntry>>,
}

/// One version of one chart in an index.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexEntry {
    /// The chart version.
    pub version: String,
    /// Where the package is: absolute, or relative to the repository's URL.
    #[serde(default)]
    pub urls: Vec<String>,
    /// The SHA-256 of the package, in hex (Helm writes it without a prefix).
    #[serde(default)]
    pub digest: Option<String>,
}

/// What a lookup in an index found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The version: the package's absolute URL and its digest (`sha256:HEX`), if the index has one.
    Found {
        /// The package's URL.
        url: String,
        /// The digest the index gives.
        digest: Option<String>,
    },
    /// The repository has no chart of that name; the closest names it has.
    NoChart(Option<String>),
    /// The chart exists but not in that version; the versions it has, newest last as listed.
    NoVersion(Vec<String>),
}

impl RepoIndex {
    /// Reads an `index.yaml`.
    pub fn parse(text: &str) -> Result<RepoIndex, String> {
        let options = serde_saphyr::options! {
            budget: serde_saphyr::budget! {
                max_events: 50_000_000,
                max_nodes: 50_000_000,
                max_total_scalar_bytes: 1 << 30,
            },
        };
        serde_saphyr::from_str_with_options(text, options).map_err(|error| {
            format!(
                "index.yaml: {}",
                error.to_string().lines().next().unwrap_or_default()
            )
        })
    }

    /// Finds `name` at `version`; `repository` is the repository's URL, for relative package URLs.
    pub fn lookup(&self, repository: &str, name: &str, version: &str) -> Lookup {
        let Some(versions) = self.entries.get(name) else {
            return Lookup::NoChart(crate::resolve::did_you_mean(
                name,
                self.entries.keys().map(String::as_str),
            ));
        };
        let wanted = version.trim_start_matches('v');
        let Some(entry) = versions
            .iter()
            .find(|entry| entry.version.trim_start_matches('v') == wanted)
        else {
            return Lookup::NoVersion(versions.iter().map(|entry| entry.version.clone()).collect());
        };
        let url = entry
            .urls
            .first()
            .map(|url| absolute_url(repository, url))
            .unwrap_or_default();
        Lookup::Found {
            url,
            digest: entry
                .digest
                .as_ref()
                .filter(|digest| !digest.is_empty())
                .map(|digest| normal_digest(digest)),
        }
    }
}

/// `sha256:HEX` for a digest written with or without the prefix.
pub fn normal_digest(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    format!("sha256:{}", hex.to_ascii_lowercase())
}

/// A package URL from an index, made absolute against the repository's URL.
fn absolute_url(repository: &str, url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else {
        format!(
            "{}/{}",
            repository.trim_end_matches('/'),
            url.trim_start_matches("./").trim_start_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "\
apiVersion: v1
entries:
  web-service:
    - version: 2.4.0
      urls: [web-service-2.4.0.tgz]
      digest: ABCDEF
      created: 2026-01-01T00:00:00Z
    - version: 2.3.0
      urls: [https://cdn.example/web-service-2.3.0.tgz]
generated: 2026-01-01T00:00:00Z
";

    #[test]
    fn finds_versions_with_absolute_urls_and_digests() {
        let index = RepoIndex::parse(INDEX).unwrap();
        assert_eq!(
            index.lookup("https://charts.example/", "web-service", "2.4.0"),
            Lookup::Found {
                url: "https://charts.example/web-service-2.4.0.tgz".into(),
                digest: Some("sha256:abcdef".into()),
            }
        );
        assert_eq!(
            index.lookup("https://charts.example", "web-service", "2.3.0"),
            Lookup::Found {
                url: "https://cdn.example/web-service-2.3.0.tgz".into(),
                digest: None,
            }
        );
        assert_eq!(
            index.lookup("https://charts.example", "web-servce", "2.4.0"),
            Lookup::NoChart(Some("web-service".into()))
        );
        assert_eq!(
            index.lookup("https://charts.example", "web-service", "9.9.9"),
            Lookup::NoVersion(vec!["2.4.0".into(), "2.3.0".into()])
        );
        assert!(RepoIndex::parse("entries: [").is_err());
    }
}
