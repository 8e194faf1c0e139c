//! `ehp lsp` end to end: a stdio smoke test speaking JSON-RPC directly, and the TextMate grammar
//! editors use. A real editor (headless Neovim) is driven by `tests/external.rs`, which needs
//! tools from outside the repository.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
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
    assert_eq!(initialized["result"]["serverInfo"]["name"], "ehp");
    assert_eq!(initialized["result"]["capabilities"]["hoverProvider"], true);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": file, "languageId": "ehp", "version": 1, "text": LSP_BROKEN}}}),
    );
    let published = wait_for(&messages, |message| {
        message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == file
    });
    let diagnostics = published["params"]["diagnostics"].as_array().expect("list");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0301");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 10, "character": 4})
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    let shutdown = wait_for(&messages, |message| message["id"] == 2);
    assert_eq!(shutdown["result"], Value::Null);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(stdin);
    let status = child.wait().expect("the server exits");
    assert!(status.success(), "exit status {status:?}");
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
