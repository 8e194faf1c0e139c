//! `ehp lsp` end to end: a stdio smoke test speaking JSON-RPC directly, and the TextMate grammar
//! editors use. A real editor (headless Neovim) is driven by `tests/external.rs`, which needs
//! tools from outside the repository.
#![allow(clippy::expect_used, clippy::indexing_slicing)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The tests write a temporary project.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use support::projects::{LSP_BROKEN, lsp_project};

/// Writes one framed JSON-RPC message.
fn send(stdin: &mut impl Write, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
    stdin.flush().expect("flush");
}

/// Reads framed messages on a thread, so that the test can wait with a timeout.
fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(value) = line.strip_prefix("Content-Length: ") {
                    length = value.parse().expect("length");
                }
            }
            let mut body = vec![0; length];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            let message: Value = serde_json::from_slice(&body).expect("JSON body");
            if sender.send(message).is_err() {
                return;
            }
        }
    });
    receiver
}

fn wait_for(receiver: &mpsc::Receiver<Value>, what: impl Fn(&Value) -> bool) -> Value {
    loop {
        let message = receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answers within 20 s");
        if what(&message) {
            return message;
        }
    }
}

#[test]
fn stdio_initialize_open_diagnostics_shutdown_exit() {
    let dir = lsp_project();
    let root = format!("file://{}", dir.path().display());
    let file = format!("{root}/apps.ehp");
    let mut server = Server::start(Some(&root));
    assert_eq!(server.initialized["result"]["serverInfo"]["name"], "ehp");
    assert_eq!(
        server.initialized["result"]["capabilities"]["hoverProvider"],
        true
    );
    server.open(&file, LSP_BROKEN);
    let published = wait_for(&server.messages, |message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == file
    });
    let diagnostics = published["params"]["diagnostics"].as_array().expect("list");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0301");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 10, "character": 4})
    );
    server.stop();
}

#[test]
fn the_textmate_grammar_is_json_with_the_keywords() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/ehp.tmLanguage.json");
    let text = std::fs::read_to_string(path).expect("editors/ehp.tmLanguage.json");
    let grammar: Value = serde_json::from_str(&text).expect("the grammar is JSON");
    assert_eq!(grammar["scopeName"], "source.ehp");
    for keyword in [
        "abstract",
        "extends",
        "template",
        "values",
        "true",
        "null",
        "///",
        "interpolation",
    ] {
        assert!(text.contains(keyword), "the grammar mentions {keyword}");
    }
}

/// A running `ehp lsp`, initialized with `root` (or no workspace at all).
struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    messages: mpsc::Receiver<Value>,
    /// The answer to `initialize`.
    initialized: Value,
}

impl Server {
    fn start(root: Option<&str>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ehp"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ehp lsp");
        let mut stdin = child.stdin.take().expect("stdin");
        let messages = reader(child.stdout.take().expect("stdout"));
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": null, "rootUri": root, "capabilities": {}}}),
        );
        let initialized = wait_for(&messages, |message| message["id"] == 1);
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        );
        Server {
            child,
            stdin,
            messages,
            initialized,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn open(&mut self, uri: &str, text: &str) {
        send(
            &mut self.stdin,
            &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "ehp", "version": 1, "text": text}}}),
        );
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        send(
            &mut self.stdin,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        wait_for(&self.messages, |message| message["id"] == id)
    }

    /// Peak memory of the server so far, in KiB.
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn stop(mut self) {
        let shutdown = self.request(999, "shutdown", Value::Null);
        assert_eq!(shutdown["result"], Value::Null);
        send(
            &mut self.stdin,
            &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
        );
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "exit status {status:?}");
    }
}

/// Malformed JSON-RPC, a header without `Content-Length`, a body that is not a message and a
/// message larger than the cap are each answered with a JSON-RPC error, without the server
/// holding the oversized body; the server then answers the next request.
#[test]
fn malformed_and_oversized_messages_are_answered_and_the_server_goes_on() {
    let mut server = Server::start(None);
    server.raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse_error = wait_for(&server.messages, |message| message.get("error").is_some());
    assert_eq!(parse_error["error"]["code"], -32700);
    assert_eq!(parse_error["id"], Value::Null);
    server.raw(b"Content-Type: application/json\r\n\r\n");
    let no_length = wait_for(&server.messages, |message| message.get("error").is_some());
    assert_eq!(no_length["error"]["code"], -32700);
    let body = br#"{"jsonrpc":"2.0","id":41,"params":{}}"#;
    server.raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    server.raw(body);
    let invalid = wait_for(&server.messages, |message| message.get("error").is_some());
    assert_eq!(invalid["error"]["code"], -32600);
    assert_eq!(invalid["id"], 41);
    let oversized = (64 << 20) + 1;
    server.raw(format!("Content-Length: {oversized}\r\n\r\n").as_bytes());
    let chunk = vec![b' '; 1 << 20];
    let mut left = oversized;
    while left > 0 {
        let now = left.min(chunk.len());
        server.raw(&chunk[..now]);
        left -= now;
    }
    let too_large = wait_for(&server.messages, |message| message.get("error").is_some());
    assert_eq!(too_large["error"]["code"], -32600);
    assert!(
        server.peak_kib() < 60 * 1024,
        "the server held the oversized body: {} KiB",
        server.peak_kib()
    );
    let symbols = server.request(
        7,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///nowhere/x.ehp"}}),
    );
    assert_eq!(symbols["result"], json!([]));
    server.stop();
}

/// Without a workspace, a document is analysed with the documents open beside it and nothing
/// read from disk: a broken file next to it on disk is not reported, and `/` is never walked.
#[test]
fn a_document_without_a_workspace_is_analysed_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.ehp"), "app x: nope {\n").expect("write");
    let mut server = Server::start(None);
    let uri = format!("file://{}/alone.ehp", dir.path().display());
    server.open(&uri, LSP_BROKEN);
    let published = wait_for(&server.messages, |message| {
        message["method"] == "textDocument/publishDiagnostics"
    });
    assert_eq!(published["params"]["uri"], uri.as_str());
    let codes = codes_of(&published);
    assert!(codes.contains(&"E0301"), "{codes:?}");
    // The same at the root of the filesystem answers at once, without walking it.
    server.open("file:///scratch-ehp-test.ehp", LSP_BROKEN);
    let root = wait_for(&server.messages, |message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == "file:///scratch-ehp-test.ehp"
    });
    assert!(root["params"]["diagnostics"].is_array());
    server.stop();
}

/// A large document (a megabyte: thousands of apps in one file) is analysed, and every app is
/// in its symbols. `cargo bench --bench lsp_large` times the same at 10 MB.
#[test]
fn a_large_document_is_answered() {
    let dir = lsp_project();
    let root = format!("file://{}", dir.path().display());
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 1_000_000 {
        text.push_str(&format!(
            "/// App {n}.\napp generated-{n}: web_service {{\n    image = \"team/app-{n}\"\n    tag = \"1.0.{n}\"\n    vars {{ LOG_LEVEL = \"info\", MODE = \"{}\" }}\n    config {{ {} }}\n}}\n\n",
            "x".repeat(20),
            (0..8).map(|i| format!("key{i} = \"value-{i}-{n}\"")).collect::<Vec<_>>().join(", ")
        ));
        n += 1;
    }
    let mut server = Server::start(Some(&root));
    let uri = format!("{root}/big.ehp");
    server.open(&uri, &text);
    // The analysis may outrun its budget: the server answers from the last analysis (none
    // yet) meanwhile, and from this one once it has ended.
    let started = std::time::Instant::now();
    let mut id = 100;
    let found = loop {
        id += 1;
        let symbols = server.request(
            id,
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        let found = symbols["result"].as_array().map_or(0, Vec::len);
        if found > 0 || started.elapsed() > Duration::from_secs(300) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(found, n);
    server.stop();
}

// Length: one language-server session step by step: start, open, diagnostics, hover, exit.
#[test]
fn chart_diagnostics_are_published_and_hover_shows_the_charts_description() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("project");
    let text = r#"env test {
    kube_context = "kind-test"
    domain = "test.example"
    helm_repos {
        fixtures = "https://charts.example"
    }
}

app shop: web_service {
    image = "shop/web"
    tag = "1.0"
    chart = "fixtures/shop"
    chart_version = "1.0.0"
    values {
        auth.user = "shop"
        replicaCount = "two"
    }
}

template shop_app {
    chart = "fixtures/shop"
    chart_version = "1.0.0"
    values {
        auth.user = "shop"
        image.tag = tag
    }
}

app other: shop_app {
    image = "shop/other"
    tag = "1.0"
}
"#;
    std::fs::write(project.join("main.ehp"), text).expect("main.ehp");
    let cache = dir.path().join("cache");
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts/shop");
    support::charts::install(&project, &cache, &[shop]);
    let root = format!("file://{}", project.display());
    let file = format!("{root}/main.ehp");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ehp"))
        .arg("lsp")
        .env("EHP_CHART_CACHE", &cache)
        .env("HELM_CACHE_HOME", &cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ehp lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let messages = reader(child.stdout.take().expect("stdout"));
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": root, "capabilities": {}}}),
    );
    wait_for(&messages, |message| message["id"] == 1);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": file, "languageId": "ehp", "version": 1, "text": text}}}),
    );
    let published = wait_for(&messages, |message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == file
    });
    let diagnostics = published["params"]["diagnostics"].as_array().expect("list");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect();
    assert!(codes.contains(&"E0801"), "{diagnostics:?}");
    let schema_error = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "E0801")
        .expect("E0801");
    assert_eq!(
        schema_error["range"]["start"],
        json!({"line": 15, "character": 23})
    );
    // Hover on `replicaCount`, inside `values { }`.
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": file}, "position": {"line": 15, "character": 10}}}),
    );
    let hover = wait_for(&messages, |message| message["id"] == 2);
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(shown.contains("Number of pod replicas."), "{hover}");
    assert!(shown.contains("chart shop 1.0.0"), "{hover}");
    // Hover on `tag` of `image.tag`, in a template's `values { }`: the comment of values.yaml.
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": file}, "position": {"line": 24, "character": 15}}}),
    );
    let hover = wait_for(&messages, |message| message["id"] == 3);
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("image.tag") && shown.contains("The image tag; never `latest`."),
        "{hover}"
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": null}),
    );
    wait_for(&messages, |message| message["id"] == 4);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(stdin);
    assert!(child.wait().expect("the server exits").success());
}

/// The codes of a `publishDiagnostics` notification.
fn codes_of(published: &Value) -> Vec<&str> {
    published["params"]["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect()
}

/// The editor reports a values file of `values_files` that is not in the project, as `check`
/// does.
#[test]
fn a_missing_values_file_is_published() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ehp.toml"), "name = \"p\"\n").expect("ehp.toml");
    let text = "env test {\n    domain = \"test.example\"\n    helm_repos { ehealth = \"https://charts.example\" }\n}\n\napp journal: web_service {\n    image = \"journal/api\"\n    tag = \"1.0.0\"\n    values_files = [\"config/journal.yaml\"]\n}\n";
    std::fs::write(dir.path().join("main.ehp"), text).expect("main.ehp");
    let root = format!("file://{}", dir.path().display());
    let mut server = Server::start(Some(&root));
    let uri = format!("{root}/main.ehp");
    server.open(&uri, text);
    let published = wait_for(&server.messages, |message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
    });
    let codes = codes_of(&published);
    assert!(codes.contains(&"E0534"), "{published}");
    server.stop();
}
