//! Charts on disk, for both front ends: the lock file (`ehp.lock`) in the project folder, the
//! chart cache (packages by digest), and an already-populated Helm cache. `load` reads what a
//! check needs without touching the network; only `fetch` (the `ehp charts fetch` command)
//! downloads, and it is the one file of the crate that uses an HTTP client.
// Reading and writing the cache and the lock file is this module's job.
#![allow(clippy::disallowed_methods)]

mod fetch;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use sha2::{Digest, Sha256};

use crate::charts::{Chart, ChartParts, ChartRef, ChartSet, ChartUse, LOCK_FILE, Lock, Status};

pub use fetch::{FetchOutcome, fetch};

/// The environment variable that names the chart cache folder.
pub const CACHE_VAR: &str = "EHP_CHART_CACHE";

/// Where the charts of a run are: the project folder (for the lock file) and the cache.
#[derive(Debug, Clone)]
pub struct Store {
    /// The project folder: `ehp.lock` lives here.
    pub project: PathBuf,
    /// The chart cache: packages as `sha256-HEX.tgz`.
    pub cache: PathBuf,
    /// Helm's own repository cache, read as a fallback (`NAME-VERSION.tgz`).
    pub helm_cache: Option<PathBuf>,
}

impl Store {
    /// The store of the project at `path` (a folder, or a file inside the project folder), with
    /// the cache from `EHP_CHART_CACHE`, else the user's cache folder (`$XDG_CACHE_HOME/ehp/charts`
    /// or `~/.cache/ehp/charts`), and Helm's cache from `HELM_CACHE_HOME` or its default.
    pub fn for_project(path: &Path) -> Store {
        let project = if path.is_file() {
            path.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        } else {
            path.to_path_buf()
        };
        let user_cache = std::env::var_os("XDG_CACHE_HOME")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
        let cache = std::env::var_os(CACHE_VAR)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                user_cache
                    .as_ref()
                    .map(|dir| dir.join("ehp").join("charts"))
            })
            .unwrap_or_else(|| project.join(".ehp").join("charts"));
        let helm_cache = std::env::var_os("HELM_CACHE_HOME")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| user_cache.map(|dir| dir.join("helm")))
            .map(|dir| dir.join("repository"));
        Store {
            project,
            cache,
            helm_cache,
        }
    }

    /// The lock file's path.
    pub fn lock_path(&self) -> PathBuf {
        self.project.join(LOCK_FILE)
    }

    /// The lock file's text, or `None` when there is none (or it cannot be read).
    pub fn lock_text(&self) -> Option<String> {
        fs::read_to_string(self.lock_path()).ok()
    }

    /// The lock file, or `None` when the project has none.
    pub fn read_lock(&self) -> Result<Option<Lock>, String> {
        let path = self.lock_path();
        match fs::read_to_string(&path) {
            Ok(text) => Lock::parse(&text)
                .map(Some)
                .map_err(|error| format!("cannot read `{}`: {error}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(format!("cannot read `{}`: {error}", path.display())),
        }
    }

    /// Where the package with `digest` (`sha256:HEX`) is cached.
    pub fn package_path(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        self.cache.join(format!("sha256-{hex}.tgz"))
    }

    /// The charts `required` needs, as a check finds them offline: each locked chart read from
    /// the cache (or Helm's cache) and its digest compared with the lock file. An unreadable
    /// lock file is an error of the run.
    pub fn load(&self, required: &IndexMap<ChartRef, Vec<ChartUse>>) -> Result<ChartSet, String> {
        let lock = self.read_lock()?;
        let mut set = ChartSet::new();
        for chart in required.keys() {
            if chart.is_local() {
                let status = match read_chart_folder(&self.project.join(&chart.name)) {
                    Ok(read) => Status::Ready(std::sync::Arc::new(read)),
                    Err(reason) => Status::Unreadable(reason),
                };
                set.insert(chart.clone(), status);
                continue;
            }
            let status = match &lock {
                _ if chart.is_constraint() => Status::NotChecked(format!(
                    "`{}` is a version constraint, which helm resolves when it deploys",
                    chart.version
                )),
                None => Status::NotChecked(format!("the project has no {LOCK_FILE}")),
                Some(lock) => match lock.get(chart.parts()) {
                    None => Status::NotChecked(format!("not in {LOCK_FILE}")),
                    Some(locked) => self.locked_status(chart, &locked.digest),
                },
            };
            set.insert(chart.clone(), status);
        }
        Ok(set)
    }

    /// Whether [`load`](Store::load) may find `chart` ready to check, given the lock file
    /// `lock`: a chart folder of the project, or an exact version the lock file names. What a
    /// check may read the chart values of.
    pub fn may_check(lock: Option<&Lock>, chart: ChartParts<'_>) -> bool {
        chart.is_local()
            || (!chart.is_constraint() && lock.is_some_and(|lock| lock.get(chart).is_some()))
    }

    /// The status of a locked chart: its package from the cache, else from Helm's cache.
    fn locked_status(&self, chart: &ChartRef, locked: &str) -> Status {
        let mut candidates = vec![self.package_path(locked)];
        if let Some(helm) = &self.helm_cache {
            candidates.push(helm.join(format!("{}-{}.tgz", chart.name, chart.version)));
        }
        for path in candidates {
            let Ok(bytes) = fs::read(&path) else {
                continue;
            };
            return package_status(chart, locked, &bytes);
        }
        Status::NotChecked(format!(
            "locked, but not in the cache `{}`",
            self.cache.display()
        ))
    }
}

/// The status of a package's bytes for a chart locked with digest `locked`.
pub fn package_status(chart: &ChartRef, locked: &str, bytes: &[u8]) -> Status {
    let found = digest(bytes);
    if found != locked {
        return Status::DigestMismatch {
            locked: locked.to_string(),
            found,
        };
    }
    match Chart::from_archive(bytes) {
        Ok(read)
            if read.name != chart.name
                || read.version.trim_start_matches('v')
                    != chart.version.trim_start_matches('v') =>
        {
            Status::Unreadable(format!(
                "the package holds {} {}, not {} {}",
                read.name, read.version, chart.name, chart.version
            ))
        }
        Ok(read) => Status::Ready(Arc::new(read)),
        Err(why) => Status::Unreadable(why),
    }
}

/// The digest of a package: `sha256:HEX`.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// Writes `bytes` to `path` through a temporary file and a rename, creating the folder.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)
        .map_err(|error| format!("cannot create `{}`: {error}", parent.display()))?;
    // An exclusively created temporary file with an unpredictable name, never a planted link.
    let mut temporary = tempfile::Builder::new()
        .prefix(".ehp-")
        .suffix(".part")
        .tempfile_in(parent)
        .map_err(|error| format!("cannot write in `{}`: {error}", parent.display()))?;
    std::io::Write::write_all(&mut temporary, bytes)
        .map_err(|error| format!("cannot write `{}`: {error}", path.display()))?;
    temporary
        .persist(path)
        .map(|_| ())
        .map_err(|error| format!("cannot write `{}`: {}", path.display(), error.error))
}

/// The text of the project's file at `path` (relative to its `root`, the folder of a
/// single-file project's file), if it can be read.
pub fn read_project_file(root: &Path, path: &str) -> Option<String> {
    let folder = if root.is_file() {
        root.parent().unwrap_or(root)
    } else {
        root
    };
    fs::read_to_string(folder.join(path)).ok()
}

/// The values files at `paths` (relative to the project's `root`), parsed, for the chart check
/// to merge under each app's values. A file that cannot be read or parsed is left out: `check`
/// and `build` report it (E0534, E0535).
pub fn read_values_files<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a str>,
) -> crate::charts::ValuesFiles {
    let mut files = crate::charts::ValuesFiles::new();
    for path in paths {
        if files.contains_key(path) {
            continue;
        }
        let parsed = read_project_file(root, path)
            .and_then(|text| crate::charts::yaml_to_json(&text, path).ok());
        if let Some(parsed) = parsed {
            files.insert(path.to_string(), parsed);
        }
    }
    files
}

/// Reads the chart of a chart folder (`Chart.yaml`, `values.yaml`, `values.schema.json`,
/// `charts/`): a local chart, or one of the example's charts.
pub fn read_chart_folder(folder: &Path) -> Result<Chart, String> {
    let read = |name: &str| fs::read_to_string(folder.join(name)).ok();
    let chart_yaml =
        read("Chart.yaml").ok_or_else(|| format!("`{}` has no Chart.yaml", folder.display()))?;
    let mut subchart_files: Vec<String> = fs::read_dir(folder.join("charts"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    subchart_files.sort();
    let files = crate::charts::ChartFiles {
        chart_yaml,
        values_yaml: read("values.yaml"),
        schema_json: read("values.schema.json"),
        subchart_files,
    };
    Chart::from_files(&files)
}
