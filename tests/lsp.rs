//! Language-server fixtures: every `tests/lsp/*.ehp` is one test, run in process against
//! [`ehp::lsp::Server`] (no stdio).
//!
//! A fixture holds files and requests:
//!
//! ```text
//! ### /project/apps.ehp
//! app a: web_service {
//!     replicas = 2
//!     ^ cursor-name
//! }
//! ### [[request]]
//! method = "textDocument/hover"
//! at = "cursor-name"          # a `^ name` marker line (removed from the text), or
//! # position = "2:5"          # 1-based line:column in `file` (default: the first file)
//! # never = "hunter2"         # a text the response must not contain (a literal secret)
//! ```
//!
//! Every file is opened; the snapshot shows the diagnostics published for each file, then each
//! request with its cursor drawn under the source line and the response drawn or listed.
//! Snapshots live in `tests/lsp/snapshots/`; review them with `cargo insta review`.

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)]
// The runner reads its fixtures from disk.
// A runner without the test harness: a panic is a failing fixture, as in a test.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use ehp::lsp::line_index::LineIndex;
use ehp::lsp::{Options, Server};
use lsp_types::{Position, Range};
use serde_json::{Value, json};
use support::harness::{self, Trial};

mod support;

/// A fixture's files (path to text, in order) and markers (name to file and position).
struct Fixture {
    files: Vec<(String, String)>,
    markers: BTreeMap<String, (String, Position)>,
    requests: Vec<toml::Table>,
}

fn parse_fixture(text: &str) -> Fixture {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut markers = BTreeMap::new();
    let mut requests_text = String::new();
    let mut in_request = false;
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.trim_end().strip_prefix("### ") {
            in_request = header == "[[request]]";
            if in_request {
                requests_text.push_str("[[request]]\n");
            } else {
                files.push((header.trim().to_string(), String::new()));
            }
            continue;
        }
        if in_request {
            requests_text.push_str(line);
            continue;
        }
        let Some((path, body)) = files.last_mut() else {
            continue;
        };
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("^ ") {
            let column = line.find('^').expect("marker");
            let line_number = body.lines().count().saturating_sub(1);
            let prefix = body.lines().last().unwrap_or("");
            let utf16: usize = prefix
                .get(..column.min(prefix.len()))
                .unwrap_or(prefix)
                .encode_utf16()
                .count();
            markers.insert(
                name.trim().to_string(),
                (
                    path.clone(),
                    Position::new(line_number as u32, utf16 as u32),
                ),
            );
            continue;
        }
        body.push_str(line);
    }
    let table: toml::Table = requests_text.parse().expect("request blocks are TOML");
    let requests = table
        .get("request")
        .and_then(toml::Value::as_array)
        .map(|array| {
            array
                .iter()
                .filter_map(|value| value.as_table().cloned())
                .collect()
        })
        .unwrap_or_default();
    Fixture {
        files,
        markers,
        requests,
    }
}

fn uri(path: &str) -> String {
    format!("file://{path}")
}

fn path_of(uri: &str) -> String {
    uri.trim_start_matches("file://").to_string()
}

/// The text of a file of the fixture or of the stdlib (placed in `/stdlib`).
fn source_text<'a>(fixture: &'a Fixture, path: &str) -> Option<&'a str> {
    if let Some(name) = path.strip_prefix("/stdlib/") {
        return ehp::stdlib::FILES
            .iter()
            .find(|(stdlib_name, _)| stdlib_name.ends_with(&format!("/{name}")))
            .map(|(_, text)| *text);
    }
    fixture
        .files
        .iter()
        .find(|(file, _)| file == path)
        .map(|(_, text)| text.as_str())
}

/// The source lines of `range` with `^` under the columns it covers (one `^` for an empty
/// range), as `path:line:col` and then the lines.
fn draw(text: &str, path: &str, range: Range) -> String {
    let index = LineIndex::new(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = format!(
        "{path}:{}:{}\n",
        range.start.line + 1,
        range.start.character + 1
    );
    for line_number in range.start.line..=range.end.line.min(range.start.line + 3) {
        let line = lines.get(line_number as usize).copied().unwrap_or("");
        let line_start = index.offset(Position::new(line_number, 0));
        let width = |position: Position| -> usize {
            let offset = index.offset(position);
            text.get(line_start..offset.max(line_start))
                .map_or(0, |prefix| prefix.chars().count())
        };
        let from = if line_number == range.start.line {
            width(range.start)
        } else {
            0
        };
        let to = if line_number == range.end.line {
            width(range.end)
        } else {
            line.chars().count()
        };
        let _ = writeln!(out, "  | {line}");
        let _ = writeln!(
            out,
            "  | {}{}",
            " ".repeat(from),
            "^".repeat(to.saturating_sub(from).max(1))
        );
    }
    out
}

fn range_of(value: &Value) -> Option<Range> {
    serde_json::from_value(value.clone()).ok()
}

fn render_response(fixture: &Fixture, file: &str, method: &str, result: &Value) -> String {
    let mut out = String::new();
    match method {
        "textDocument/hover" => {
            if result.is_null() {
                return "no hover\n".into();
            }
            if let Some(range) = range_of(&result["range"]) {
                out.push_str("range ");
                out.push_str(&draw(source_text(fixture, file).unwrap_or(""), file, range));
            }
            let value = result["contents"]["value"].as_str().unwrap_or("");
            out.push_str(value);
            out.push('\n');
        }
        "textDocument/definition" => {
            let locations = result.as_array().cloned().unwrap_or_default();
            if locations.is_empty() {
                return "no definition\n".into();
            }
            for location in locations {
                let path = path_of(location["uri"].as_str().unwrap_or(""));
                let range = range_of(&location["range"]).expect("range");
                let text = source_text(fixture, &path).unwrap_or("");
                out.push_str(&draw(text, &path, range));
            }
        }
        "textDocument/completion" => {
            let items = result.as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                return "no completion\n".into();
            }
            for item in items {
                let _ = write!(out, "{}", item["label"].as_str().unwrap_or(""));
                if let Some(detail) = item["detail"].as_str() {
                    let _ = write!(out, "  : {detail}");
                }
                if let Some(docs) = item["documentation"]["value"].as_str() {
                    let first = docs.lines().next().unwrap_or("");
                    let _ = write!(out, "  // {first}");
                }
                out.push('\n');
            }
        }
        "textDocument/documentSymbol" => symbols(&mut out, result, 0),
        "textDocument/formatting" => match result.as_array() {
            None => out.push_str("not formatted (syntax errors)\n"),
            Some(edits) if edits.is_empty() => out.push_str("already formatted\n"),
            Some(edits) => {
                for edit in edits {
                    out.push_str(
                        edit["new_text"]
                            .as_str()
                            .or(edit["newText"].as_str())
                            .unwrap_or(""),
                    );
                }
            }
        },
        _ => {
            let _ = writeln!(out, "{result:#}");
        }
    }
    out
}

fn symbols(out: &mut String, list: &Value, depth: usize) {
    for symbol in list.as_array().cloned().unwrap_or_default() {
        let range = range_of(&symbol["range"]).expect("range");
        let kind = symbol["kind"].as_u64().unwrap_or(0);
        let _ = write!(
            out,
            "{}{} (kind {kind}) {}:{}-{}:{}",
            "  ".repeat(depth),
            symbol["name"].as_str().unwrap_or(""),
            range.start.line + 1,
            range.start.character + 1,
            range.end.line + 1,
            range.end.character + 1,
        );
        if let Some(detail) = symbol["detail"].as_str() {
            let _ = write!(out, "  : {detail}");
        }
        out.push('\n');
        symbols(out, &symbol["children"], depth + 1);
    }
}

/// The diagnostics the server published for each file, drawn under the source.
fn published_diagnostics(fixture: &Fixture, server: &mut Server) -> String {
    let mut out = String::from("# diagnostics\n");
    let mut published: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for notification in server.take_outbox() {
        let params = notification.params;
        let file = path_of(params["uri"].as_str().unwrap_or(""));
        published.insert(
            file,
            params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    for (file, diagnostics) in &published {
        for diagnostic in diagnostics {
            let range = range_of(&diagnostic["range"]).expect("range");
            let text = source_text(fixture, file).unwrap_or("");
            let _ = writeln!(
                out,
                "{} {}",
                diagnostic["code"].as_str().unwrap_or(""),
                diagnostic["message"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', " / ")
            );
            out.push_str(&draw(text, file, range));
        }
    }
    if published.values().all(Vec::is_empty) {
        out.push_str("none\n");
    }
    out
}

/// The file and position a request is about: its `at` marker, its `position` (1-based
/// `line:col` in `file`, by default the first file), or the start of `file`.
fn request_position(fixture: &Fixture, request: &toml::Table) -> (String, Position) {
    let file = request
        .get("file")
        .and_then(toml::Value::as_str)
        .map(String::from)
        .or_else(|| fixture.files.first().map(|(file, _)| file.clone()))
        .unwrap_or_default();
    if let Some(at) = request.get("at").and_then(toml::Value::as_str) {
        fixture
            .markers
            .get(at)
            .cloned()
            .unwrap_or_else(|| panic!("no marker `^ {at}`"))
    } else if let Some(position) = request.get("position").and_then(toml::Value::as_str) {
        let (line, column) = position.split_once(':').expect("line:col");
        let line: u32 = line.parse().expect("line");
        let column: u32 = column.parse().expect("column");
        (file, Position::new(line - 1, column - 1))
    } else {
        (file, Position::new(0, 0))
    }
}

fn run_fixture(path: &Path) -> String {
    let fixture = parse_fixture(&std::fs::read_to_string(path).expect("read fixture"));
    let mut server = Server::new(Options {
        read_disk: false,
        stdlib_dir: Some("/stdlib".into()),
        test_panic: true,
        ..Options::default()
    });
    server.initialize(json!({ "capabilities": {} }));
    for (file, text) in &fixture.files {
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "ehp", "version": 1, "text": text } }),
        );
    }
    let mut out = published_diagnostics(&fixture, &mut server);
    for request in &fixture.requests {
        let method = request
            .get("method")
            .and_then(toml::Value::as_str)
            .expect("a request has a method");
        let (file, position) = request_position(&fixture, request);
        let text = source_text(&fixture, &file).unwrap_or("");
        let params = json!({
            "textDocument": { "uri": uri(&file) },
            "position": position,
            "options": { "tabSize": 4, "insertSpaces": true },
        });
        let _ = writeln!(out, "\n# {method}");
        if method != "textDocument/formatting" && method != "textDocument/documentSymbol" {
            out.push_str(&draw(text, &file, Range::new(position, position)));
            out.push_str("->\n");
        }
        match server.request(method, params) {
            Ok(result) => {
                if let Some(never) = request.get("never").and_then(toml::Value::as_str) {
                    let response = result.to_string();
                    assert!(!response.contains(never), "`{never}` shown: {response}");
                }
                out.push_str(&render_response(&fixture, &file, method, &result));
            }
            Err(error) => {
                let _ = writeln!(out, "error {}: {}", error.code, error.message);
            }
        }
    }
    out
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/lsp"))
        .expect("tests/lsp")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "ehp"))
        .collect();
    fixtures.sort();
    let trials = fixtures
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            Trial::test(format!("tests/lsp/{name}.ehp"), move || {
                let rendered = run_fixture(&path);
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path(root.join("tests/lsp/snapshots"));
                settings.set_prepend_module_to_snapshot(false);
                settings.set_input_file(&path);
                settings.bind(|| insta::assert_snapshot!(name, rendered));
                Ok(())
            })
        })
        .collect();
    harness::run(trials)
}
