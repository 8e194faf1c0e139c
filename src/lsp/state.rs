//! The server's state, apart from its handlers (as rust-analyzer keeps its global state): the
//! projects (one [`Workspace`] per root folder), the open documents overlaid on the files read
//! from disk, the latest and the last good analysis of each project, and the [`Snapshot`]s that
//! requests are answered from.
// The state reads the project's files from disk and writes the stdlib for go-to-definition.
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

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
    /// An analysis that outran its time budget and is still running on its own thread.
    pending: Option<Receiver<Finished>>,
    /// The project's charts, read from its lock file and the chart cache.
    charts: ProjectCharts,
    /// The charts the latest analysis was checked against.
    chart_set: Arc<crate::charts::ChartSet>,
}

/// What an analysis thread sends back: the analysis, or the message of its panic.
type Finished = Result<Analysis, String>;

/// The stack of an analysis thread: every recursion of the analysis is bounded by its limits;
/// this is a wide margin (reserved address space until used).
const ANALYSIS_STACK: usize = 256 << 20;

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
    /// How long a request waits for an analysis before it is answered from the last one.
    budget: Duration,
}

impl State {
    /// No project yet; `stdlib_dir` defaults to a folder under the system's temporary folder.
    pub fn new(read_disk: bool, stdlib_dir: Option<PathBuf>, budget: Duration) -> State {
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
            budget,
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
            std::fs::read(path)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
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
    /// holding the file, with every `.ehp` file in each; else the documents open in the file's
    /// folder, with nothing read from disk, so that opening `/scratch.ehp` never walks `/`.
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
        let folder = manifest_root.or_else(|| {
            self.roots
                .iter()
                .filter(|root| path.starts_with(root))
                .max_by_key(|root| root.components().count())
                .cloned()
        });
        let mut workspace = Workspace::new();
        if self.read_disk
            && let Some(folder) = &folder
        {
            for (file, text) in read_project(folder) {
                workspace.set_file(&file.to_string_lossy(), text);
            }
        }
        let root = folder.unwrap_or_else(|| {
            path.parent()
                .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
        });
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
            pending: None,
            charts: ProjectCharts::default(),
            chart_set: Arc::default(),
        });
        self.projects.len() - 1
    }

    /// Re-checks every project whose files changed; returns the diagnostics to publish. Each
    /// analysis runs on its own thread behind `catch_unwind`; one that takes longer than the
    /// budget goes on in the background while requests are answered from the last analysis,
    /// and is taken up by a later call.
    pub fn analyse_changed(&mut self) -> Vec<Notification> {
        let mut notifications = Vec::new();
        let read_disk = self.read_disk;
        for project in &mut self.projects {
            if let Some(pending) = &project.pending {
                match pending.try_recv() {
                    Ok(finished) => {
                        project.pending = None;
                        notifications.extend(project.install(
                            finished,
                            &self.stdlib_dir,
                            read_disk,
                        ));
                    }
                    Err(TryRecvError::Empty) => continue,
                    Err(TryRecvError::Disconnected) => project.pending = None,
                }
            }
            if !project.dirty {
                continue;
            }
            project.dirty = false;
            let receiver = spawn_analysis(project.workspace.analysis_job());
            match receiver.recv_timeout(self.budget) {
                Ok(finished) => {
                    notifications.extend(project.install(finished, &self.stdlib_dir, read_disk));
                }
                Err(RecvTimeoutError::Timeout) => {
                    super::log::log(&format!(
                        "ehp lsp: analysing {} takes more than {} ms; answering from the last \
                         analysis meanwhile",
                        project.root.display(),
                        self.budget.as_millis()
                    ));
                    project.pending = Some(receiver);
                }
                Err(RecvTimeoutError::Disconnected) => {}
            }
        }
        notifications
    }

    /// Whether an analysis is still running in the background.
    pub fn has_pending(&self) -> bool {
        self.projects
            .iter()
            .any(|project| project.pending.is_some())
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

impl ProjectState {
    /// Takes a finished analysis as the project's latest (checked against the project's charts
    /// when files are read from disk); returns the diagnostics to publish.
    fn install(
        &mut self,
        finished: Finished,
        stdlib_dir: &Path,
        read_disk: bool,
    ) -> Vec<Notification> {
        let analysis = match finished {
            Ok(mut analysis) => {
                if read_disk {
                    self.chart_set = self.charts.refresh(&self.root, &mut analysis);
                }
                Arc::new(analysis)
            }
            Err(message) => {
                super::log::log(&format!(
                    "ehp lsp: internal error while analysing {}: {message} ({})",
                    self.root.display(),
                    crate::diag::INTERNAL_ERROR
                ));
                return Vec::new();
            }
        };
        let parses = !analysis
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code.id.starts_with("E01"));
        if parses {
            self.good = Some(Arc::clone(&analysis));
        }
        self.current = Some(Arc::clone(&analysis));
        let (sent, published) = publish(&analysis, &self.published, stdlib_dir);
        self.published = published;
        sent
    }
}

/// Runs an analysis on a thread of its own with a large stack, behind `catch_unwind`; the
/// result comes on the returned channel (at once, run here, if no thread can be started).
fn spawn_analysis(job: impl FnOnce() -> Analysis + Send + 'static) -> Receiver<Finished> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let job = std::sync::Arc::new(std::sync::Mutex::new(Some(job)));
    let run = {
        let job = Arc::clone(&job);
        let sender = sender.clone();
        move || {
            let taken = job.lock().ok().and_then(|mut slot| slot.take());
            if let Some(job) = taken {
                let result = catch_unwind(AssertUnwindSafe(job))
                    .map_err(|payload| super::log::panic_message(&payload));
                let _ = sender.send(result);
            }
        }
    };
    let started = std::thread::Builder::new()
        .name("ehp-analysis".into())
        .stack_size(ANALYSIS_STACK)
        .spawn(run);
    if started.is_err() {
        let taken = job.lock().ok().and_then(|mut slot| slot.take());
        if let Some(job) = taken {
            let result = catch_unwind(AssertUnwindSafe(job))
                .map_err(|payload| super::log::panic_message(&payload));
            let _ = sender.send(result);
        }
    }
    receiver
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
            let bytes = std::fs::read(&path).ok()?;
            Some((path, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}
