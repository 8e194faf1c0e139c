//! The server's state: the projects (one [`Workspace`] per root folder), the open documents
//! overlaid on the files read from disk, the latest and the last good analysis of each project,
//! and the dispatch of requests and notifications, each behind `catch_unwind`.
// The server reads the project's files from disk and writes the stdlib for go-to-definition.
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Notification, ResponseError};
use lsp_types::{
    CompletionOptions, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, HoverProviderCapability,
    InitializeParams, OneOf, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;

use super::convert::{path_of_uri, to_lsp_diagnostic, uri_of_path};
use super::line_index::LineIndex;
use crate::Analysis;
use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::workspace::Workspace;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Whether project files are read from disk (off in tests, which open every file).
    pub read_disk: bool,
    /// Where the embedded stdlib is written for go-to-definition into it; `None` means a folder
    /// under the system's temporary directory.
    pub stdlib_dir: Option<PathBuf>,
    /// How long the client must be quiet after a change before the project is re-checked.
    pub debounce: Duration,
    /// Whether the `ehp/panic` request panics (for the tests that check a panicking request
    /// does not take the server down); off in the real server.
    pub test_panic: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            read_disk: true,
            stdlib_dir: None,
            debounce: Duration::from_millis(120),
            test_panic: false,
        }
    }
}

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
}

/// What a feature works on: an analysis and one of its files.
pub(super) struct Snapshot {
    pub analysis: Arc<Analysis>,
    pub file: FileId,
    pub index: LineIndex,
    /// Where the stdlib is on disk, for locations inside it.
    pub stdlib_dir: PathBuf,
}

/// The language server's state. Messages go in through [`Server::notify`] and
/// [`Server::request`]; notifications for the client collect in an outbox.
pub struct Server {
    options: Options,
    roots: Vec<PathBuf>,
    projects: Vec<ProjectState>,
    open: BTreeMap<PathBuf, String>,
    outbox: Vec<Notification>,
    deadline: Option<Instant>,
    stdlib_dir: PathBuf,
    stdlib_written: bool,
}

/// The name of the source of every diagnostic.
pub(super) const SOURCE: &str = "ehp";

impl Server {
    /// A server with no project yet.
    pub fn new(options: Options) -> Server {
        let stdlib_dir = options.stdlib_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("ehp-stdlib-{}", env!("CARGO_PKG_VERSION")))
        });
        Server {
            options,
            roots: Vec::new(),
            projects: Vec::new(),
            open: BTreeMap::new(),
            outbox: Vec::new(),
            deadline: None,
            stdlib_dir,
            stdlib_written: false,
        }
    }

    /// Handles `initialize`: remembers the workspace folders and returns the result (the
    /// server's capabilities and name).
    pub fn initialize(&mut self, params: Value) -> Value {
        if let Ok(params) = serde_json::from_value::<InitializeParams>(params) {
            for folder in params.workspace_folders.unwrap_or_default() {
                if let Some(path) = path_of_uri(&folder.uri) {
                    self.roots.push(path);
                }
            }
            #[allow(deprecated)]
            if self.roots.is_empty()
                && let Some(path) = params.root_uri.as_ref().and_then(path_of_uri)
            {
                self.roots.push(path);
            }
        }
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![" ".into(), "\"".into(), ".".into(), "{".into()]),
                ..CompletionOptions::default()
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            ..ServerCapabilities::default()
        };
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": ServerInfo {
                name: "ehp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        })
    }

    /// When a debounced re-check is due, if one is pending.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The notifications for the client collected so far (published diagnostics).
    pub fn take_outbox(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.outbox)
    }

    /// Handles a notification. A panic is caught and logged on stderr.
    pub fn notify(&mut self, method: &str, params: Value) {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            self.dispatch_notification(method, params);
        }));
        if let Err(payload) = outcome {
            eprintln!(
                "ehp lsp: internal error in {method}: {}",
                panic_message(&payload)
            );
        }
    }

    fn dispatch_notification(&mut self, method: &str, params: Value) {
        match method {
            "textDocument/didOpen" => {
                if let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(params) {
                    self.set_open(&params.text_document.uri, params.text_document.text);
                    // Diagnostics on open come at once.
                    self.flush();
                }
            }
            "textDocument/didChange" => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(params)
                    && let Some(change) = params.content_changes.into_iter().next_back()
                {
                    self.set_open(&params.text_document.uri, change.text);
                    self.deadline = Some(Instant::now() + self.options.debounce);
                }
            }
            "textDocument/didClose" => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(params)
                    && let Some(path) = path_of_uri(&params.text_document.uri)
                {
                    self.open.remove(&path);
                    self.reload_from_disk(&path);
                    self.flush();
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(params) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) {
                    for change in params.changes {
                        if let Some(path) = path_of_uri(&change.uri)
                            && !self.open.contains_key(&path)
                        {
                            self.reload_from_disk(&path);
                        }
                    }
                    self.flush();
                }
            }
            _ => {}
        }
    }

    /// Answers a request. Pending changes are analysed first, so that the answer is about the
    /// text the client has. A panic becomes an error response and the server goes on.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            self.flush();
            self.dispatch_request(method, params)
        }));
        match outcome {
            Ok(result) => result,
            Err(payload) => {
                let message = format!(
                    "ehp lsp: internal error in {method}: {} ({})",
                    panic_message(&payload),
                    crate::diag::INTERNAL_ERROR
                );
                eprintln!("{message}");
                Err(ResponseError {
                    code: ErrorCode::InternalError as i32,
                    message,
                    data: None,
                })
            }
        }
    }

    fn dispatch_request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, ResponseError> {
            serde_json::from_value(params).map_err(|error| ResponseError {
                code: ErrorCode::InvalidParams as i32,
                message: format!("invalid parameters: {error}"),
                data: None,
            })
        }
        fn json<T: serde::Serialize>(value: T) -> Result<Value, ResponseError> {
            Ok(serde_json::to_value(value).unwrap_or(Value::Null))
        }
        match method {
            "textDocument/hover" => {
                let params: lsp_types::HoverParams = parse(params)?;
                let at = params.text_document_position_params;
                json(self.with_snapshots(&at.text_document.uri, |snapshot| {
                    super::hover::hover(snapshot, at.position)
                }))
            }
            "textDocument/definition" => {
                let params: lsp_types::GotoDefinitionParams = parse(params)?;
                let at = params.text_document_position_params;
                let found = self.with_snapshots(&at.text_document.uri, |snapshot| {
                    super::definition::definition(snapshot, at.position)
                });
                if found.as_ref().is_some_and(|locations| {
                    locations
                        .iter()
                        .any(|location| location.uri.as_str().contains("ehp-stdlib"))
                }) {
                    self.write_stdlib();
                }
                json(found.map(lsp_types::GotoDefinitionResponse::Array))
            }
            "textDocument/completion" => {
                let params: lsp_types::CompletionParams = parse(params)?;
                let at = params.text_document_position;
                let text = path_of_uri(&at.text_document.uri)
                    .and_then(|path| self.open.get(&path).cloned());
                let snapshot = self.snapshots(&at.text_document.uri).into_iter().next();
                let items = match (text, snapshot) {
                    (Some(text), Some(snapshot)) => {
                        super::completion::completion(&snapshot.analysis, &text, at.position)
                    }
                    _ => Vec::new(),
                };
                json(lsp_types::CompletionResponse::Array(items))
            }
            "textDocument/documentSymbol" => {
                let params: lsp_types::DocumentSymbolParams = parse(params)?;
                let symbols = self
                    .snapshots(&params.text_document.uri)
                    .into_iter()
                    .next()
                    .map(|snapshot| super::symbols::document_symbols(&snapshot))
                    .unwrap_or_default();
                json(lsp_types::DocumentSymbolResponse::Nested(symbols))
            }
            "textDocument/formatting" => {
                let params: lsp_types::DocumentFormattingParams = parse(params)?;
                let text = path_of_uri(&params.text_document.uri)
                    .and_then(|path| self.open.get(&path).cloned());
                json(text.and_then(|text| super::formatting::format(&text)))
            }
            // Only for the tests that check a panicking request does not take the server down.
            "ehp/panic" if self.options.test_panic => {
                panic!("a deliberate panic, to test that the server survives")
            }
            _ => Err(ResponseError {
                code: ErrorCode::MethodNotFound as i32,
                message: format!("ehp lsp does not handle `{method}`"),
                data: None,
            }),
        }
    }

    /// Runs `feature` on the latest analysis, then, if it found nothing and the file has
    /// syntax errors, on the last analysis in which everything parsed.
    fn with_snapshots<T>(&self, uri: &Uri, feature: impl Fn(&Snapshot) -> Option<T>) -> Option<T> {
        self.snapshots(uri).iter().find_map(feature)
    }

    /// The analyses a request about `uri` may use, best first.
    fn snapshots(&self, uri: &Uri) -> Vec<Snapshot> {
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
            let text = analysis
                .db
                .get(file)
                .map_or("", |source| source.text.as_str());
            found.push(Snapshot {
                analysis: Arc::clone(analysis),
                file,
                index: LineIndex::new(text),
                stdlib_dir: self.stdlib_dir.clone(),
            });
        }
        found
    }

    /// Records an open document's text in its project.
    fn set_open(&mut self, uri: &Uri, text: String) {
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

    /// Reads a closed or changed file again from disk (or forgets it when it is gone).
    fn reload_from_disk(&mut self, path: &Path) {
        let project = self.project_for(path);
        let text = if self.options.read_disk {
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

    /// The index of the project a file belongs to, loading it on first use: the innermost
    /// workspace folder holding the file, or else the file's own folder.
    fn project_for(&mut self, path: &Path) -> usize {
        if let Some(index) = self
            .projects
            .iter()
            .position(|project| path.starts_with(&project.root))
        {
            return index;
        }
        let root = self
            .roots
            .iter()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.components().count())
            .cloned()
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut workspace = Workspace::new();
        if self.options.read_disk {
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
        });
        self.projects.len() - 1
    }

    /// Re-checks every project whose files changed, and queues their diagnostics.
    pub fn flush(&mut self) {
        self.deadline = None;
        let stdlib_files = crate::stdlib::FILES.len();
        for project in &mut self.projects {
            if !project.dirty {
                continue;
            }
            project.dirty = false;
            let analysis = Arc::new(project.workspace.analyze());
            let parses = !analysis
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code.id.starts_with("E01"));
            if parses {
                project.good = Some(Arc::clone(&analysis));
            }
            project.current = Some(Arc::clone(&analysis));
            let mut by_file: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
            for (id, source) in analysis.db.iter().skip(stdlib_files) {
                if !source.text.is_empty() || project.published.contains(Path::new(&source.name)) {
                    by_file.insert(PathBuf::from(&source.name), Vec::new());
                }
                let _ = id;
            }
            for diagnostic in &analysis.diagnostics {
                let Some((path, converted)) =
                    convert_located(&analysis, diagnostic, &self.stdlib_dir)
                else {
                    continue;
                };
                by_file.entry(path).or_default().push(converted);
            }
            let mut published = BTreeSet::new();
            for (path, diagnostics) in by_file {
                if diagnostics.is_empty() && !project.published.contains(&path) {
                    // Nothing to say and nothing to clear.
                    continue;
                }
                if !diagnostics.is_empty() {
                    published.insert(path.clone());
                }
                let Some(uri) = uri_of_path(&path) else {
                    continue;
                };
                self.outbox.push(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics,
                        version: None,
                    },
                ));
            }
            project.published = published;
        }
    }

    /// Writes the embedded stdlib where definitions inside it point, once per run.
    fn write_stdlib(&mut self) {
        if self.stdlib_written || !self.options.read_disk {
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

/// A diagnostic converted for the file of its primary label; `None` for one without a place
/// or in the stdlib.
fn convert_located(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    stdlib_dir: &Path,
) -> Option<(PathBuf, lsp_types::Diagnostic)> {
    let primary = diagnostic.primary.as_ref()?;
    let name = analysis.db.name(primary.span.file);
    if name.starts_with("<stdlib>/") {
        return None;
    }
    let converted = to_lsp_diagnostic(analysis, diagnostic, stdlib_dir)?;
    Some((PathBuf::from(name), converted))
}

/// Every `*.ehp` file under `root`, found as the command line finds them; unreadable folders and
/// files are left out.
fn read_project(root: &Path) -> Vec<(PathBuf, String)> {
    crate::cli::sources::ehp_files(root, None)
        .0
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
        .collect()
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENV: &str = "env test {\n    kube_context = \"t\"\n    domain = \"t.example\"\n    helm_repos { ehealth = \"https://c.example\" }\n}\n";
    const APP: &str = "app a: web_service {\n    image = \"a/a\"\n    tag = \"1.0.0\"\n}\n";

    fn server() -> Server {
        Server::new(Options {
            read_disk: false,
            stdlib_dir: Some("/stdlib".into()),
            test_panic: true,
            ..Options::default()
        })
    }

    fn open(server: &mut Server, path: &str, text: &str) {
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": format!("file://{path}"), "languageId": "ehp", "version": 1, "text": text}}),
        );
    }

    fn change(server: &mut Server, path: &str, text: &str) {
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": format!("file://{path}"), "version": 2},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// The published diagnostics' codes by file name.
    fn published(server: &mut Server) -> Vec<(String, Vec<String>)> {
        server
            .take_outbox()
            .into_iter()
            .map(|notification| {
                let params = notification.params;
                let codes = params["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|diagnostic| diagnostic["code"].as_str().unwrap_or("").to_string())
                    .collect();
                (params["uri"].as_str().unwrap_or("").to_string(), codes)
            })
            .collect()
    }

    #[test]
    fn diagnostics_are_published_debounced_and_cleared() {
        let mut server = server();
        open(&mut server, "/p/envs.ehp", ENV);
        open(&mut server, "/p/apps.ehp", &APP.replace("tag", "tga"));
        let first = published(&mut server);
        assert_eq!(
            first.last(),
            Some(&(
                "file:///p/apps.ehp".to_string(),
                vec!["E0304".to_string(), "E0301".to_string()]
            ))
        );
        change(&mut server, "/p/apps.ehp", APP);
        // Debounced: nothing until the deadline passes (the loop then calls `flush`).
        assert!(server.deadline().is_some());
        assert!(published(&mut server).is_empty());
        server.flush();
        assert_eq!(
            published(&mut server),
            [("file:///p/apps.ehp".to_string(), Vec::<String>::new())]
        );
        // Clean again: nothing more to clear.
        change(&mut server, "/p/apps.ehp", &format!("{APP}\n"));
        server.flush();
        assert!(published(&mut server).is_empty());
    }

    #[test]
    fn the_last_good_analysis_answers_while_a_file_does_not_parse() {
        let mut server = server();
        open(&mut server, "/p/envs.ehp", ENV);
        open(&mut server, "/p/apps.ehp", APP);
        let hover_image = |server: &mut Server| {
            server.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": "file:///p/apps.ehp"},
                       "position": {"line": 1, "character": 5}}),
            )
        };
        let good = hover_image(&mut server).expect("hover");
        assert!(
            good["contents"]["value"]
                .as_str()
                .unwrap_or("")
                .contains("image: image")
        );
        // The app no longer parses: the current analysis has no `a`, the last good one does.
        change(
            &mut server,
            "/p/apps.ehp",
            &APP.replace("tag = ", "tag = = "),
        );
        let during = hover_image(&mut server).expect("hover");
        assert_eq!(during, good);
        let codes = published(&mut server);
        assert!(
            codes
                .iter()
                .any(|(_, codes)| codes.contains(&"E0101".to_string())),
            "{codes:?}"
        );
    }
}
