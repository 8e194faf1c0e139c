//! `ehp charts fetch`: every chart version the project uses, downloaded from its Helm
//! repository (`index.yaml`, then the package, its digest checked against the index) or its
//! OCI registry, into the cache, and the lock file written. The only code of `ehp` that touches
//! the network.

use std::time::Duration;

use indexmap::IndexMap;

use super::{Store, digest, package_status, write_atomically};
use crate::charts::{ChartRef, ChartUse, Lock, Locked, Lookup, RepoIndex, Status};
use crate::diag::{Diagnostic, codes};

/// The largest download accepted (an index of a big public repository is tens of megabytes).
const MAX_DOWNLOAD: u64 = 512 * 1024 * 1024;

/// The media type of a Helm chart's package in an OCI registry.
const OCI_CHART_LAYER: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/// What a fetch did.
#[derive(Debug, Default)]
pub struct FetchOutcome {
    /// Problems with the project's charts (not found, digests that do not match).
    pub diagnostics: Vec<Diagnostic>,
    /// The charts downloaded.
    pub downloaded: Vec<ChartRef>,
    /// The charts already in the cache with the locked digest: no download.
    pub cached: Vec<ChartRef>,
    /// Whether the lock file was written (only when every chart was fetched and it changed).
    pub lock_written: bool,
}

/// Fetches every chart of `required` that is not in the cache with its locked digest, and
/// writes the lock file when every chart was fetched. An unreachable repository is an error of
/// the run; a chart that is not there, or a digest that does not match, is a diagnostic.
pub fn fetch(
    store: &Store,
    required: &IndexMap<ChartRef, Vec<ChartUse>>,
) -> Result<FetchOutcome, String> {
    let old = store.read_lock()?.unwrap_or_default();
    let mut new = Lock::default();
    let mut outcome = FetchOutcome::default();
    let mut client = Client::new();
    for (chart, uses) in required {
        if chart.is_local() || chart.is_constraint() {
            // A chart folder of the project is read where it is, and a version constraint is
            // resolved by helm when it deploys: nothing to fetch or lock.
            continue;
        }
        let locked = old.get(chart.parts()).map(|entry| entry.digest.clone());
        if let Some(locked) = &locked
            && let Ok(bytes) = std::fs::read(store.package_path(locked))
            && matches!(package_status(chart, locked, &bytes), Status::Ready(_))
        {
            outcome.cached.push(chart.clone());
            new.charts.push(locked_entry(chart, locked));
            continue;
        }
        let fetched = if chart.is_oci() {
            client.oci_package(chart)?
        } else {
            client.repo_package(chart)?
        };
        let (bytes, expected) = match fetched {
            Fetched::Package { bytes, expected } => (bytes, expected),
            Fetched::Missing(diagnostic) => {
                outcome.diagnostics.push(at_first_use(*diagnostic, uses));
                continue;
            }
        };
        let found = digest(&bytes);
        if let Some(expected) = expected.filter(|expected| *expected != found) {
            outcome.diagnostics.push(at_first_use(
                mismatch(chart, "the repository's index", &expected, &found),
                uses,
            ));
            continue;
        }
        if let Some(locked) = locked.filter(|locked| *locked != found) {
            outcome.diagnostics.push(at_first_use(
                mismatch(chart, "ehp.lock", &locked, &found),
                uses,
            ));
            continue;
        }
        if let Status::Unreadable(why) = package_status(chart, &found, &bytes) {
            let diagnostic = Diagnostic::error(
                codes::CHART_UNREADABLE,
                format!("chart {} {} cannot be read", chart.name, chart.version),
            )
            .note(why)
            .help("the package in the repository is broken: ask its publisher");
            outcome.diagnostics.push(at_first_use(diagnostic, uses));
            continue;
        }
        write_atomically(&store.package_path(&found), &bytes)?;
        outcome.downloaded.push(chart.clone());
        new.charts.push(locked_entry(chart, &found));
    }
    new.charts.sort();
    if outcome.diagnostics.is_empty() && new != old {
        write_atomically(&store.lock_path(), new.render().as_bytes())?;
        outcome.lock_written = true;
    }
    Ok(outcome)
}

fn locked_entry(chart: &ChartRef, digest: &str) -> Locked {
    Locked {
        repository: chart.repository.clone(),
        name: chart.name.clone(),
        version: chart.version.clone(),
        digest: digest.to_string(),
    }
}

fn at_first_use(diagnostic: Diagnostic, uses: &[ChartUse]) -> Diagnostic {
    match uses.first() {
        Some(first) => {
            let label = format!("chart of app `{}` in `{}`", first.app, first.env);
            diagnostic.at(first.span, label)
        }
        None => diagnostic,
    }
}

fn mismatch(chart: &ChartRef, what: &str, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::error(
        codes::CHART_DIGEST_MISMATCH,
        format!(
            "chart {} {} does not match {what}",
            chart.name, chart.version
        ),
    )
    .note(format!("{what} gives {expected}"))
    .note(format!("the package downloaded has {found}"))
    .note(format!("repository {}", chart.repository))
    .help(
        "the package is not the one expected: a version was republished, or something between \
         you and the repository changed it; find out which before you remove its entry from \
         ehp.lock and fetch again",
    )
}

/// A package downloaded with the digest its source announces, or a diagnostic saying why
/// there is none.
enum Fetched {
    Package {
        bytes: Vec<u8>,
        expected: Option<String>,
    },
    Missing(Box<Diagnostic>),
}

/// An HTTP client that reads each repository's index once.
struct Client {
    agent: ureq::Agent,
    indexes: IndexMap<String, RepoIndex>,
}

impl Client {
    fn new() -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            agent,
            indexes: IndexMap::new(),
        }
    }

    /// `GET url` with headers: the status and the body.
    fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<(u16, Vec<u8>, Option<String>), String> {
        let mut request = self.agent.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request
            .call()
            .map_err(|error| format!("cannot fetch {url}: {error}"))?;
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_DOWNLOAD)
            .read_to_vec()
            .map_err(|error| format!("cannot fetch {url}: {error}"))?;
        Ok((status, body, challenge))
    }

    /// A chart from a Helm repository: its index, then its package.
    fn repo_package(&mut self, chart: &ChartRef) -> Result<Fetched, String> {
        if !self.indexes.contains_key(&chart.repository) {
            let url = format!("{}/index.yaml", chart.repository.trim_end_matches('/'));
            let (status, body, _) = self.get(&url, &[])?;
            if status != 200 {
                return Err(format!("cannot fetch {url}: HTTP {status}"));
            }
            let text = String::from_utf8_lossy(&body);
            let index = RepoIndex::parse(&text).map_err(|error| format!("{url}: {error}"))?;
            self.indexes.insert(chart.repository.clone(), index);
        }
        let Some(index) = self.indexes.get(&chart.repository) else {
            return Err(format!("cannot read the index of {}", chart.repository));
        };
        match index.lookup(&chart.repository, &chart.name, &chart.version) {
            Lookup::Found { url, digest } => {
                let (status, bytes, _) = self.get(&url, &[])?;
                if status != 200 {
                    return Err(format!("cannot fetch {url}: HTTP {status}"));
                }
                Ok(Fetched::Package {
                    bytes,
                    expected: digest,
                })
            }
            Lookup::NoChart(close) => Ok(Fetched::Missing(Box::new(not_found(
                chart,
                format!(
                    "repository {} has no chart `{}`",
                    chart.repository, chart.name
                ),
                close.map(|close| format!("did you mean `{close}`?")),
            )))),
            Lookup::NoVersion(versions) => {
                let shown: Vec<&str> = versions.iter().take(8).map(String::as_str).collect();
                Ok(Fetched::Missing(Box::new(not_found(
                    chart,
                    format!(
                        "repository {} has no version {} of `{}`",
                        chart.repository, chart.version, chart.name
                    ),
                    Some(format!("versions it has: {}", shown.join(", "))),
                ))))
            }
        }
    }

    /// A chart from an OCI registry: its manifest, then the layer that holds the package.
    /// Anonymous bearer tokens are asked for when the registry wants one; `localhost` and
    /// `127.0.0.1` registries are spoken to over plain HTTP, as Docker does.
    fn oci_package(&mut self, chart: &ChartRef) -> Result<Fetched, String> {
        let rest = chart.repository.trim_start_matches("oci://");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let scheme = if host.starts_with("localhost") || host.starts_with("127.0.0.1") {
            "http"
        } else {
            "https"
        };
        let name = if path.is_empty() {
            chart.name.clone()
        } else {
            format!("{path}/{}", chart.name)
        };
        let tag = chart.version.replace('+', "_");
        let manifest_url = format!("{scheme}://{host}/v2/{name}/manifests/{tag}");
        let accept = ("Accept", "application/vnd.oci.image.manifest.v1+json");
        let (mut status, mut body, challenge) = self.get(&manifest_url, &[accept])?;
        let mut token = None;
        if status == 401
            && let Some(challenge) = challenge
        {
            token = Some(self.bearer_token(&challenge)?);
            let auth = format!("Bearer {}", token.as_deref().unwrap_or_default());
            (status, body, _) = self.get(&manifest_url, &[accept, ("Authorization", &auth)])?;
        }
        if status == 404 {
            return Ok(Fetched::Missing(Box::new(not_found(
                chart,
                format!("registry {host} has no {name}:{tag}"),
                None,
            ))));
        }
        if status != 200 {
            return Err(format!("cannot fetch {manifest_url}: HTTP {status}"));
        }
        let manifest: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|error| format!("{manifest_url}: not an OCI manifest: {error}"))?;
        let layer = manifest
            .get("layers")
            .and_then(serde_json::Value::as_array)
            .and_then(|layers| {
                layers.iter().find(|layer| {
                    layer.get("mediaType").and_then(serde_json::Value::as_str)
                        == Some(OCI_CHART_LAYER)
                })
            })
            .and_then(|layer| layer.get("digest"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| format!("{manifest_url}: the manifest has no Helm chart layer"))?
            .to_string();
        let blob_url = format!("{scheme}://{host}/v2/{name}/blobs/{layer}");
        let auth = token.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|auth| vec![("Authorization", auth)])
            .unwrap_or_default();
        let (status, bytes, _) = self.get(&blob_url, &headers)?;
        if status != 200 {
            return Err(format!("cannot fetch {blob_url}: HTTP {status}"));
        }
        Ok(Fetched::Package {
            bytes,
            expected: Some(layer),
        })
    }

    /// An anonymous token from the realm of a `Bearer realm="...",service="...",scope="..."`
    /// challenge.
    fn bearer_token(&self, challenge: &str) -> Result<String, String> {
        let params = challenge.trim_start_matches("Bearer").trim();
        let mut realm = None;
        let mut query = Vec::new();
        for part in params.split(',') {
            let Some((key, value)) = part.trim().split_once('=') else {
                continue;
            };
            let value = value.trim_matches('"');
            match key {
                "realm" => realm = Some(value.to_string()),
                "service" | "scope" => query.push(format!("{key}={value}")),
                _ => {}
            }
        }
        let realm =
            realm.ok_or_else(|| format!("a registry challenge without a realm: {challenge}"))?;
        let url = if query.is_empty() {
            realm
        } else {
            format!("{realm}?{}", query.join("&"))
        };
        let (status, body, _) = self.get(&url, &[])?;
        if status != 200 {
            return Err(format!(
                "cannot fetch {url}: HTTP {status} (ehp fetches OCI charts anonymously)"
            ));
        }
        let answer: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|error| format!("{url}: not a token: {error}"))?;
        answer
            .get("token")
            .or_else(|| answer.get("access_token"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{url}: the answer has no token"))
    }
}

fn not_found(chart: &ChartRef, message: String, help: Option<String>) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        codes::CHART_NOT_FOUND,
        format!(
            "chart {} {} is not in its repository",
            chart.name, chart.version
        ),
    )
    .note(message);
    if let Some(help) = help {
        diagnostic = diagnostic.help(help);
    }
    diagnostic
}
