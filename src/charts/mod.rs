//! The chart phase: each app's chart values checked against the chart itself, in every
//! environment. A chart's `values.schema.json` judges the values (types, allowed values,
//! required and forbidden keys), and keys that neither the schema nor the chart's `values.yaml`
//! knows are reported with a "did you mean" from the chart's own keys. Every finding points at
//! the `.ehp` span that produced the value [E08xx, W0020, W0021].
//!
//! The phase works on charts handed to it (read by the front ends from the cache and the lock
//! file, see `store`); it never reads files or the network itself. The files: `chart` reads a
//! chart's files or package, `comments` the comments of `values.yaml`, `index` a repository's
//! `index.yaml`, `lock` the lock file, `keys` what a chart knows of its values, `values` the
//! conversion of evaluated values, `findings` the checks, and `check` places the findings in
//! the sources.

mod chart;
mod check;
mod comments;
mod findings;
mod index;
mod keys;
mod lock;
mod values;

use std::sync::Arc;

use indexmap::IndexMap;

use crate::eval::model::{AppInstance, EnvInstance, Val};
use crate::source::Span;

pub use chart::{Chart, ChartFiles, archive_files, yaml_to_json};
pub use check::{ValuesFiles, check, check_with_files};
pub use index::{Lookup, RepoIndex, normal_digest};
pub use keys::describe;
pub use lock::{LOCK_FILE, Lock, Locked};

/// A chart version, wherever it comes from: a chart repository (`https://...`) or an OCI
/// registry (`oci://host/path`), the chart's name and its version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChartRef {
    /// The repository's URL, or `oci://host/path` (the reference without the chart's name).
    pub repository: String,
    /// The chart's name.
    pub name: String,
    /// The chart's version.
    pub version: String,
}

/// The `repository` of a chart folder of the project (whose `name` is its path from the
/// project's root).
pub const LOCAL_REPOSITORY: &str = "project";

impl ChartRef {
    /// Whether the chart is a folder of the project, read from there (never fetched or locked).
    pub fn is_local(&self) -> bool {
        self.parts().is_local()
    }

    /// Whether the version is a constraint (`^1.4`): helm resolves it when it deploys, so there
    /// is no one chart to fetch or check.
    pub fn is_constraint(&self) -> bool {
        self.parts().is_constraint()
    }

    /// The chart, borrowed.
    pub fn parts(&self) -> ChartParts<'_> {
        ChartParts {
            repository: &self.repository,
            name: &self.name,
            version: &self.version,
        }
    }

    /// Whether the chart lives in an OCI registry.
    pub fn is_oci(&self) -> bool {
        self.repository.starts_with("oci://")
    }
}

impl std::fmt::Display for ChartRef {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} {} ({})",
            self.name, self.version, self.repository
        )
    }
}

/// What the front end found for one chart.
#[derive(Debug, Clone)]
pub enum Status {
    /// The chart, read from a package whose digest matches the lock file.
    Ready(Arc<Chart>),
    /// The chart cannot be checked, and why (not locked, not in the cache, ...).
    NotChecked(String),
    /// The package's digest is not the one the lock file has.
    DigestMismatch {
        /// The digest in the lock file.
        locked: String,
        /// The digest of the package found.
        found: String,
    },
    /// The package is there but cannot be read, and why.
    Unreadable(String),
}

/// The charts a run checks against, by chart.
pub type ChartSet = IndexMap<ChartRef, Status>;

/// One use of a chart: an app in an environment, and where its `chart` is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartUse {
    /// The environment.
    pub env: String,
    /// The app.
    pub app: String,
    /// Where the app's `chart` value comes from.
    pub span: Span,
}

/// The chart of an app in an environment: `repo/name` with `repo` from the environment's
/// `helm_repos`, or `oci://host/path/name`, at the app's `chart_version`, or a chart folder of
/// the project (`./charts/journal`, see [`LOCAL_REPOSITORY`]). `None` when the app has no chart,
/// the repository is not declared (E0404), the chart is a URL of a package, or the version is
/// missing. A version constraint (`^1.4`) is kept: the chart is then named as not checked.
pub fn chart_of(env: &EnvInstance, app: &AppInstance) -> Option<ChartRef> {
    chart_in(&env.settings, app)
}

/// [`chart_of`], given the environment's settings.
pub fn chart_in(settings: &crate::eval::model::ValMap, app: &AppInstance) -> Option<ChartRef> {
    chart_parts(settings, app).map(ChartParts::to_ref)
}

/// A [`ChartRef`] borrowed from an app and its environment's settings: what [`required`] and
/// the choice of the values to keep look up for every app in every environment, without
/// allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChartParts<'a> {
    /// As [`ChartRef::repository`].
    pub repository: &'a str,
    /// As [`ChartRef::name`].
    pub name: &'a str,
    /// As [`ChartRef::version`].
    pub version: &'a str,
}

impl ChartParts<'_> {
    /// The chart as an owned reference.
    pub fn to_ref(self) -> ChartRef {
        ChartRef {
            repository: self.repository.to_string(),
            name: self.name.to_string(),
            version: self.version.to_string(),
        }
    }

    /// As [`ChartRef::is_local`].
    pub fn is_local(&self) -> bool {
        self.repository == LOCAL_REPOSITORY
    }

    /// As [`ChartRef::is_constraint`].
    pub fn is_constraint(&self) -> bool {
        !self.is_local() && !crate::types::formats::is_exact_version(self.version)
    }
}

/// [`chart_in`], borrowed.
pub fn chart_parts<'a>(
    settings: &'a crate::eval::model::ValMap,
    app: &'a AppInstance,
) -> Option<ChartParts<'a>> {
    let chart = app.str_field("chart")?;
    let version = app.str_field("chart_version")?;
    let parts = |repository, name| {
        Some(ChartParts {
            repository,
            name,
            version,
        })
    };
    if let Some(path) = crate::types::formats::local_chart(chart) {
        // A chart folder of the project: its files are the chart, whatever the version says.
        return parts(LOCAL_REPOSITORY, path);
    }
    if chart.contains("://") && !chart.starts_with("oci://") {
        // A packaged chart at a URL: helmsman downloads it; ehp does not.
        return None;
    }
    if chart.starts_with("oci://") {
        // `oci://host/path` and the name after its last slash.
        let (repository, name) = chart.rsplit_once('/')?;
        return if repository.len() >= "oci://".len() {
            parts(repository, name)
        } else {
            None
        };
    }
    let (repo, name) = chart.split_once('/')?;
    let repository = settings
        .get("helm_repos")
        .and_then(Val::as_map)
        .and_then(|repos| repos.get(repo))
        .and_then(Val::as_str)?;
    parts(repository, name)
}

/// Every chart the environments use, sorted, with each of its uses.
pub fn required(envs: &[EnvInstance]) -> IndexMap<ChartRef, Vec<ChartUse>> {
    // Every app of every environment is looked at: on all cores, in order, each chart looked
    // up borrowed with the fast hasher.
    let uses = crate::parallel::map_chunks(envs, |chunk| {
        let mut uses = Vec::new();
        for env in chunk {
            for app in &env.apps {
                let Some(chart) = chart_parts(&env.settings, app) else {
                    continue;
                };
                let span = app
                    .fields
                    .get("chart")
                    .map_or(app.span, |value| value.origin);
                uses.push((chart, (env.name.as_str(), app.name.as_str(), span)));
            }
        }
        uses
    });
    let mut found: crate::eval::model::FxIndexMap<ChartParts<'_>, Vec<ChartUse>> =
        Default::default();
    for (chart, (env, app, span)) in uses.into_iter().flatten() {
        found.entry(chart).or_default().push(ChartUse {
            env: env.to_string(),
            app: app.to_string(),
            span,
        });
    }
    let mut owned: IndexMap<ChartRef, Vec<ChartUse>> = found
        .into_iter()
        .map(|(chart, uses)| (chart.to_ref(), uses))
        .collect();
    owned.sort_keys();
    owned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::model::{ValKind, ValMap};
    use crate::source::{FileId, Span};

    fn text(value: &str) -> Val {
        Val::new(ValKind::Str(value.into()), Span::new(FileId(0), 0, 0))
    }

    fn chart(chart: &str) -> Option<(String, String, String)> {
        let mut fields = ValMap::default();
        fields.insert("chart".into(), text(chart));
        fields.insert("chart_version".into(), text("1.2.3"));
        let app = AppInstance {
            name: "web".into(),
            template: "app".into(),
            fields: fields.into(),
            values: ValMap::default(),
            span: Span::new(FileId(0), 0, 0),
            may_hold_secret: false,
            prepared: None,
        };
        let mut repos = ValMap::default();
        repos.insert("ehp".into(), text("https://charts.example.org"));
        let mut settings = ValMap::default();
        settings.insert(
            "helm_repos".into(),
            Val::new(ValKind::map(repos), Span::new(FileId(0), 0, 0)),
        );
        let parts = chart_parts(&settings, &app);
        assert_eq!(parts.map(ChartParts::to_ref), chart_in(&settings, &app));
        parts.map(|parts| {
            let owned = parts.to_ref();
            (owned.repository, owned.name, owned.version)
        })
    }

    #[test]
    fn every_form_of_chart_names_its_repository() {
        let triple = |repository: &str, name: &str| {
            Some((
                repository.to_string(),
                name.to_string(),
                "1.2.3".to_string(),
            ))
        };
        assert_eq!(
            chart("ehp/web"),
            triple("https://charts.example.org", "web")
        );
        assert_eq!(chart("other/web"), None);
        assert_eq!(
            chart("oci://reg.example.org/charts/web"),
            triple("oci://reg.example.org/charts", "web")
        );
        assert_eq!(chart("oci:///web"), triple("oci://", "web"));
        assert_eq!(chart("oci://web"), None);
        assert_eq!(chart("https://example.org/web-1.2.3.tgz"), None);
        assert_eq!(
            chart("./charts/web"),
            triple(LOCAL_REPOSITORY, "charts/web")
        );
    }
}
