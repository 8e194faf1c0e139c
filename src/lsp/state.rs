//! The server's state, apart from its handlers (as rust-analyzer keeps its global state): the
//! projects (one [`Workspace`] per root folder), the open documents overlaid on the files read
//! from disk, the latest and the last good analysis of each project, and the [`Snapshot`]s that
//! requests are answered from.
// The state reads the project's files from disk and writes the stdlib for go-to-definition.
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::Notification;
use lsp_types::Uri;

use super::charts::ProjectCharts;
use super::convert::path_of_uri;
use super::publish::publish;
use super::snapshot::Snapshot;
use crate::Analysis;
use crate::workspace::Workspace;

/// One project: a root folder and every `.ehp` file under it.
struct ProjectState {
    root: PathBuf,
    workspace: Workspace,
    /// Whether the files changed since the last analysis.
    dirty: bool,
    /// The latest analysis.
    current: Option<Arc<Analysis>>,
    /// The latest analysis in which every file parsed.
    good: Option<Arc<Analysis>>,
    /// Files that were last sent a non-empty list of diagnostics.
    published: BTreeSet<PathBuf>,
    /// The project's charts, read from its lock file and the chart cache.
    charts: ProjectCharts,
    /// The charts the latest analysis was checked against.
    chart_set: Arc<crate::charts::ChartSet>,
}

/// Every project the client has shown the server, and the documents it has open.
pub(super) struct State {
    /// Whether project files are read from disk (off in tests, which open every file).
    read_disk: bool,
    /// The client's workspace folders.
    roots: Vec<PathBuf>,
    projects: Vec<ProjectState>,
    /// The text of every open document, by path.
    open: BTreeMap<PathBuf, String>,
    /// Where the embedded stdlib is written for go-to-definition into it.
    stdlib_dir: PathBuf,
    stdlib_written: bool,
}

impl State {
    /// No project yet; `stdlib_dir` defaults to a folder under the system's temporary folder.
    pub fn new(read_disk: bool, stdlib_dir: Option<PathBuf>) -> State {
        let stdlib_dir = stdlib_dir.unwrap_or_else(|| {
            std::env::temp_dir().join(format!("ehp-stdlib-{}", env!("CARGO_PKG_VERSION")))
        });
        State {
            read_disk,
            roots: Vec::new(),
            projects: Vec::new(),
            open: BTreeMap::new(),
            stdlib_dir,
            stdlib_written: false,
        }
    }

    /// Adds a workspace folder of the client.
    pub fn add_root(&mut self, root: PathBuf) {
        self.roots.push(root);
    }

    /// Whether the client named no workspace folder.
    pub fn has_no_root(&self) -> bool {
        self.roots.is_empty()
    }

    /// The text of an open document.
    pub fn open_text(&self, uri: &Uri) -> Option<String> {
        path_of_uri(uri).and_then(|path| self.open.get(&path).cloned())
    }

    /// Records an open document's text in its project.
    pub fn set_open(&mut self, uri: &Uri, text: String) {
        let Some(path) = path_of_uri(uri) else {
            return;
        };
        self.open.insert(path.clone(), text.clone());
        let project = self.project_for(&path);
        if let Some(project) = self.projects.get_mut(project) {
            project.workspace.set_file(&path.to_string_lossy(), text);
            project.dirty = true;
        }
    }

    /// Forgets a closed document's text: its project has the file as it is on disk again.
    /// Returns whether `uri` named a local file.
    pub fn close(&mut self, uri: &Uri) -> bool {
        let Some(path) = path_of_uri(uri) else {
            return false;
        };
        self.open.remove(&path);
        self.reload_from_disk(&path);
        true
    }

    /// A file changed on disk: read it again, unless the client has it open.
    pub fn changed_on_disk(&mut self, uri: &Uri) {
        if let Some(path) = path_of_uri(uri)
            && !self.open.contains_key(&path)
        {
            self.reload_from_disk(&path);
        }
    }

    /// Reads a closed or changed file again from disk (or forgets it when it is gone).
    fn reload_from_disk(&mut self, path: &Path) {
        let project = self.project_for(path);
        let text = if self.read_disk {
            std::fs::read_to_string(path).ok()
        } else {
            None
        };
        if let Some(project) = self.projects.get_mut(project) {
            let name = path.to_string_lossy();
            match text {
                Some(text) => {
                    project.workspace.set_file(&name, text);
                }
                None => project.workspace.remove_file(&name),
            }
            project.dirty = true;
        }
    }

    /// The index of the project a file belongs to, loading it on first use: the folder above it
    /// holding `ehp.toml`, as every command finds it; else the innermost workspace folder
    /// holding the file, or else the file's own folder.
    fn project_for(&mut self, path: &Path) -> usize {
        let manifest_root = self
            .read_disk
            .then(|| crate::project::locate(path).ok())
            .flatten()
            .filter(|located| located.has_manifest)
            .map(|located| located.root);
        if let Some(index) = self
            .projects
            .iter()
            .position(|project| match &manifest_root {
                Some(root) => project.root == *root,
                None => path.starts_with(&project.root),
            })
        {
            return index;
        }
        let root = manifest_root
            .or_else(|| {
                self.roots
                    .iter()
                    .filter(|root| path.starts_with(root))
                    .max_by_key(|root| root.components().count())
                    .cloned()
            })
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut workspace = Workspace::new();
        if self.read_disk {
            for (file, text) in read_project(&root) {
                workspace.set_file(&file.to_string_lossy(), text);
            }
        }
        for (file, text) in &self.open {
            if file.starts_with(&root) {
                workspace.set_file(&file.to_string_lossy(), text.clone());
            }
        }
        self.projects.push(ProjectState {
            root,
            workspace,
            dirty: true,
            current: None,
            good: None,
            published: BTreeSet::new(),
            charts: ProjectCharts::default(),
            chart_set: Arc::default(),
        });
        self.projects.len() - 1
    }

    /// Re-checks every project whose files changed; returns the diagnostics to publish.
    pub fn analyse_changed(&mut self) -> Vec<Notification> {
        let mut notifications = Vec::new();
        let read_disk = self.read_disk;
        for project in &mut self.projects {
            if !project.dirty {
                continue;
            }
            project.dirty = false;
            let mut analysis = project.workspace.analyze();
            if read_disk {
                project.chart_set = project.charts.refresh(&project.root, &mut analysis);
            }
            let analysis = Arc::new(analysis);
            let parses = !analysis
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code.id.starts_with("E01"));
            if parses {
                project.good = Some(Arc::clone(&analysis));
            }
            project.current = Some(Arc::clone(&analysis));
            let (sent, published) = publish(&analysis, &project.published, &self.stdlib_dir);
            notifications.extend(sent);
            project.published = published;
        }
        notifications
    }

    /// The analyses a request about `uri` may use, best first: the latest, then the last one
    /// in which every file parsed.
    pub fn snapshots(&self, uri: &Uri) -> Vec<Snapshot> {
        let Some(path) = path_of_uri(uri) else {
            return Vec::new();
        };
        let Some(project) = self
            .projects
            .iter()
            .find(|project| path.starts_with(&project.root))
        else {
            return Vec::new();
        };
        let name = path.to_string_lossy();
        let mut found = Vec::new();
        for analysis in [&project.current, &project.good].into_iter().flatten() {
            if found
                .iter()
                .any(|snapshot: &Snapshot| Arc::ptr_eq(&snapshot.analysis, analysis))
            {
                continue;
            }
            let Some(file) = analysis.db.find(&name) else {
                continue;
            };
            found.push(Snapshot {
                analysis: Arc::clone(analysis),
                file,
                stdlib_dir: self.stdlib_dir.clone(),
                charts: Arc::clone(&project.chart_set),
            });
        }
        found
    }

    /// Writes the embedded stdlib where definitions inside it point, once per run.
    pub fn write_stdlib(&mut self) {
        if self.stdlib_written || !self.read_disk {
            return;
        }
        self.stdlib_written = true;
        if std::fs::create_dir_all(&self.stdlib_dir).is_err() {
            return;
        }
        for (name, text) in crate::stdlib::FILES {
            let file = name.trim_start_matches("<stdlib>/");
            let _ = std::fs::write(self.stdlib_dir.join(file), text);
        }
    }
}

/// Every `*.ehp` file under `root`, and its `ehp.toml`, found as the command line finds them;
/// unreadable folders and files are left out.
fn read_project(root: &Path) -> Vec<(PathBuf, String)> {
    let manifest = root.join(crate::manifest::FILE_NAME);
    crate::project::ehp_files(root, None)
        .0
        .into_iter()
        .chain(manifest.is_file().then_some(manifest))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
        .collect()
}
