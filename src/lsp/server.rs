//! The server: takes each request and notification, runs it behind `catch_unwind`, and hands
//! it to the [`State`] (document changes) or to a feature's handler (requests), which answers
//! from a [`Snapshot`]. It keeps only what the protocol needs: the outbox and the debounce.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Notification, ResponseError};
use lsp_types::{
    CompletionOptions, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, HoverProviderCapability,
    InitializeParams, OneOf, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::convert::path_of_uri;
use super::log::{log, panic_message};
use super::snapshot::Snapshot;
use super::state::State;
use super::{completion, definition, formatting, hover, symbols};

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
    /// How long a request waits for an analysis; a slower one goes on in the background and
    /// requests are answered from the last analysis meanwhile.
    pub analysis_budget: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            read_disk: true,
            stdlib_dir: None,
            debounce: Duration::from_millis(120),
            test_panic: false,
            analysis_budget: Duration::from_secs(5),
        }
    }
}

/// The language server. Messages go in through [`Server::notify`] and [`Server::request`];
/// notifications for the client collect in an outbox.
pub struct Server {
    options: Options,
    state: State,
    outbox: Vec<Notification>,
    deadline: Option<Instant>,
}

impl Server {
    /// A server with no project yet.
    pub fn new(options: Options) -> Server {
        let state = State::new(
            options.read_disk,
            options.stdlib_dir.clone(),
            options.analysis_budget,
        );
        Server {
            options,
            state,
            outbox: Vec::new(),
            deadline: None,
        }
    }

    /// Handles `initialize`: remembers the workspace folders and returns the result (the
    /// server's capabilities and name).
    pub fn initialize(&mut self, params: Value) -> Value {
        if let Ok(params) = serde_json::from_value::<InitializeParams>(params) {
            for folder in params.workspace_folders.unwrap_or_default() {
                if let Some(path) = path_of_uri(&folder.uri) {
                    self.state.add_root(path);
                }
            }
            #[allow(deprecated)]
            if self.state.has_no_root()
                && let Some(path) = params.root_uri.as_ref().and_then(path_of_uri)
            {
                self.state.add_root(path);
            }
        }
        serde_json::json!({
            "capabilities": capabilities(),
            "serverInfo": ServerInfo {
                name: "ehp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        })
    }

    /// When a debounced re-check is due, if one is pending; while an analysis runs in the
    /// background, soon, to take up its result.
    pub fn deadline(&self) -> Option<Instant> {
        let polling = self
            .state
            .has_pending()
            .then(|| Instant::now() + Duration::from_millis(100));
        match (self.deadline, polling) {
            (Some(deadline), Some(poll)) => Some(deadline.min(poll)),
            (deadline, poll) => deadline.or(poll),
        }
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
            log(&format!(
                "ehp lsp: internal error in {method}: {}",
                panic_message(&payload)
            ));
        }
    }

    fn dispatch_notification(&mut self, method: &str, params: Value) {
        match method {
            "textDocument/didOpen" => {
                if let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(params) {
                    self.state
                        .set_open(&params.text_document.uri, params.text_document.text);
                    // Diagnostics on open come at once.
                    self.flush();
                }
            }
            "textDocument/didChange" => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(params)
                    && let Some(change) = params.content_changes.into_iter().next_back()
                {
                    self.state.set_open(&params.text_document.uri, change.text);
                    self.deadline = Some(Instant::now() + self.options.debounce);
                }
            }
            "textDocument/didClose" => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(params)
                    && self.state.close(&params.text_document.uri)
                {
                    self.flush();
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(params) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) {
                    for change in params.changes {
                        self.state.changed_on_disk(&change.uri);
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
                log(&message);
                Err(ResponseError {
                    code: ErrorCode::InternalError as i32,
                    message,
                    data: None,
                })
            }
        }
    }

    fn dispatch_request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        match method {
            "textDocument/hover" => {
                let params: lsp_types::HoverParams = parse(params)?;
                let at = params.text_document_position_params;
                json(self.with_snapshots(&at.text_document.uri, |snapshot| {
                    hover::hover(snapshot, at.position)
                }))
            }
            "textDocument/definition" => self.definition(parse(params)?),
            "textDocument/completion" => {
                let params: lsp_types::CompletionParams = parse(params)?;
                let at = params.text_document_position;
                let text = self.state.open_text(&at.text_document.uri);
                let snapshot = self
                    .state
                    .snapshots(&at.text_document.uri)
                    .into_iter()
                    .next();
                let items = match (text, snapshot) {
                    (Some(text), Some(snapshot)) => {
                        completion::completion(&snapshot.analysis, &text, at.position)
                    }
                    _ => Vec::new(),
                };
                json(lsp_types::CompletionResponse::Array(items))
            }
            "textDocument/documentSymbol" => {
                let params: lsp_types::DocumentSymbolParams = parse(params)?;
                let symbols = self
                    .state
                    .snapshots(&params.text_document.uri)
                    .into_iter()
                    .next()
                    .map(|snapshot| symbols::document_symbols(&snapshot))
                    .unwrap_or_default();
                json(lsp_types::DocumentSymbolResponse::Nested(symbols))
            }
            "textDocument/formatting" => {
                let params: lsp_types::DocumentFormattingParams = parse(params)?;
                let text = self.state.open_text(&params.text_document.uri);
                json(text.and_then(|text| formatting::format(&text)))
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

    /// Go to definition; writes the stdlib to disk when a definition is inside it.
    fn definition(
        &mut self,
        params: lsp_types::GotoDefinitionParams,
    ) -> Result<Value, ResponseError> {
        let at = params.text_document_position_params;
        let found = self.with_snapshots(&at.text_document.uri, |snapshot| {
            definition::definition(snapshot, at.position)
        });
        if found.as_ref().is_some_and(|locations| {
            locations
                .iter()
                .any(|location| location.uri.as_str().contains("ehp-stdlib"))
        }) {
            self.state.write_stdlib();
        }
        json(found.map(lsp_types::GotoDefinitionResponse::Array))
    }

    /// Runs `feature` on the latest analysis, then, if it found nothing and the file has
    /// syntax errors, on the last analysis in which everything parsed.
    fn with_snapshots<T>(&self, uri: &Uri, feature: impl Fn(&Snapshot) -> Option<T>) -> Option<T> {
        self.state.snapshots(uri).iter().find_map(feature)
    }

    /// Re-checks every project whose files changed, and queues their diagnostics.
    pub fn flush(&mut self) {
        self.deadline = None;
        let notifications = self.state.analyse_changed();
        self.outbox.extend(notifications);
    }
}

/// What the server can do.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
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
    }
}

/// A request's parameters, or the error that says they are not what the method takes.
fn parse<T: DeserializeOwned>(params: Value) -> Result<T, ResponseError> {
    serde_json::from_value(params).map_err(|error| ResponseError {
        code: ErrorCode::InvalidParams as i32,
        message: format!("invalid parameters: {error}"),
        data: None,
    })
}

/// A handler's answer as the JSON of a response.
fn json<T: Serialize>(value: T) -> Result<Value, ResponseError> {
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
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
