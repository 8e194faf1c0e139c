//! Helpers shared by the integration tests: building evaluated environments by hand, emitting
//! them, turning what ehp meant into JSON, and comparing JSON the way Helm's reader can be
//! compared. `harness` runs the `harness = false` test binaries; `projects` holds the small
//! projects more than one test binary writes to disk.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(dead_code)]
// The helpers write emitted files and projects into temporary folders.
#![allow(clippy::disallowed_methods)]

pub mod charts;
pub mod harness;
pub mod projects;

use std::path::{Path, PathBuf};

use ehp::emit::{DsfFormat, EmitOptions, Emitted, emit};

use ehp::eval::model::{AppInstance, EnvInstance, SecretRef, Val, ValKind};
use ehp::source::{FileId, Span};
use serde_json::Value as Json;

/// A span in file 0.
pub fn at(start: usize) -> Span {
    Span::new(FileId(0), start, start + 1)
}

/// A string value.
pub fn s(text: &str) -> Val {
    Val::new(ValKind::Str(text.into()), at(0))
}

/// A quantity value.
pub fn q(text: &str) -> Val {
    Val::new(ValKind::Quantity(text.into()), at(0))
}

/// An integer value with a given origin.
pub fn int_at(number: i64, origin: Span) -> Val {
    Val::new(ValKind::Int(number), origin)
}

/// An integer value.
pub fn int(number: i64) -> Val {
    int_at(number, at(0))
}

/// A float value with a given origin.
pub fn float_at(number: f64, origin: Span) -> Val {
    Val::new(ValKind::Float(number), origin)
}

/// A float value.
pub fn float(number: f64) -> Val {
    float_at(number, at(0))
}

/// A boolean value.
pub fn boolean(truth: bool) -> Val {
    Val::new(ValKind::Bool(truth), at(0))
}

/// A list value.
pub fn list(items: Vec<Val>) -> Val {
    Val::new(ValKind::List(items), at(0))
}

/// A map value.
pub fn map(entries: Vec<(&str, Val)>) -> Val {
    Val::new(ValKind::map(fields(entries)), at(0))
}

/// A Kubernetes secret reference.
pub fn k8s_secret(name: &str, key: &str) -> Val {
    Val::new(
        ValKind::secret(SecretRef::Kubernetes {
            name: name.to_owned(),
            key: key.to_owned(),
        }),
        at(0),
    )
}

/// An external secret reference.
pub fn external_secret(reference: &str) -> Val {
    Val::new(
        ValKind::secret(SecretRef::External {
            reference: reference.to_owned(),
        }),
        at(0),
    )
}

/// An ordered field map.
pub fn fields(entries: Vec<(&str, Val)>) -> ehp::eval::model::ValMap {
    entries
        .into_iter()
        .map(|(key, value)| (key.into(), value))
        .collect()
}

/// An app with the fields every app has after evaluation, plus `extra`, and the given values.
pub fn app(name: &str, extra: Vec<(&str, Val)>, values: Vec<(&str, Val)>) -> AppInstance {
    let mut all = fields(vec![
        ("enabled", boolean(true)),
        ("chart", s("ehealth/service")),
        ("chart_version", s("1.4.2")),
        ("namespace", s("ehealth")),
        ("priority", int(0)),
        ("wait", boolean(true)),
        ("timeout", q("300s")),
        ("protected", boolean(false)),
    ]);
    all.extend(fields(extra));
    let values = fields(values);
    AppInstance {
        name: name.to_owned(),
        template: "web_service".to_owned(),
        may_hold_secret: ehp::eval::secrets::may_hold_secret(all.iter().chain(&values)),
        prepared: None,
        fields: all.into(),
        values,
        span: at(10),
    }
}

/// An environment with the given settings and apps.
pub fn env(name: &str, settings: Vec<(&str, Val)>, apps: Vec<AppInstance>) -> EnvInstance {
    EnvInstance {
        name: name.to_owned(),
        settings: fields(settings),
        apps: apps.into_iter().map(std::sync::Arc::new).collect(),
        span: at(20),
    }
}

/// Strings Helm (YAML 1.1, go-yaml v2) would retype if written plain, and other awkward text.
pub const TRICKY: &[&str] = &[
    "1.10",
    "on",
    "On",
    "ON",
    "off",
    "yes",
    "Yes",
    "no",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "010",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "+1",
    "-1",
    ".5",
    "1e3",
    "1E3",
    "1.0e+3",
    ".inf",
    "-.inf",
    ".NaN",
    "nan",
    "12:30",
    "1:20:30",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "<<",
    "=",
    "-",
    "?",
    ":",
    "- a",
    "#comment",
    "a #b",
    "a: b",
    "&x",
    "*x",
    "!tag",
    "%x",
    "@x",
    "`x",
    "|",
    ">",
    "'",
    "\"",
    "{}",
    "[]",
    "---",
    "...",
    "$HOME",
    "${HOME}",
    "$$",
    "pa$1ss",
    "\tstarts with tab\nsecond line",
    "line one\nline two\n",
    "\ttab",
    " lead",
    "trail ",
    "back\\slash",
    "grüße 🚀 日本",
    "\u{7f}del",
    "nul\u{1}ctl",
    "\u{feff}bom",
    "\u{85}nel",
    "\u{2028}ls",
];

/// An app whose fields and values hold every kind of value and every trap string.
fn tricky_journal() -> AppInstance {
    let trap_map: Vec<(&str, ehp::eval::model::Val)> =
        TRICKY.iter().map(|text| (*text, s(text))).collect();
    let trap_list = list(TRICKY.iter().map(|text| s(text)).collect());
    app(
        "journal",
        vec![
            ("chart_version", s("1.10")),
            ("description", s("on")),
            ("group", s("yes")),
            ("priority", int(-10)),
            ("timeout", q("5m")),
            ("protected", boolean(true)),
        ],
        vec![
            (
                "image",
                map(vec![("repository", s("journal/api")), ("tag", s("1.10"))]),
            ),
            (
                "vars",
                map(vec![
                    ("on", s("yes")),
                    ("HOME", s("$HOME")),
                    ("octal", s("010")),
                ]),
            ),
            ("traps", map(trap_map)),
            ("trapList", trap_list),
            ("replicas", int(3)),
            ("ratio", float(0.25)),
            ("whole", float(3.0)),
            ("big", float(1e300)),
            ("tiny", float(-1.5e-7)),
            ("limit", int(1 << 53)),
            ("negative", int(-(1 << 53))),
            ("debug", boolean(false)),
            ("memory", q("512Mi")),
            ("cpu", q("250m")),
            ("empty", map(vec![])),
            ("emptyList", list(vec![])),
            (
                "nested",
                list(vec![map(vec![("a", list(vec![int(1), s("1")]))])]),
            ),
            ("database", k8s_secret("journal-db", "password")),
            ("queue", external_secret("vault:kv/journal/mq#password")),
        ],
    )
}

/// An environment that exercises every kind of value and every trap string.
pub fn tricky_env() -> EnvInstance {
    let agent = app(
        "agent",
        vec![
            ("namespace", s("platform")),
            ("timeout", q("1h")),
            ("enabled", boolean(false)),
        ],
        vec![],
    );
    env(
        "prod",
        vec![
            ("kube_context", s("prod-$ctx")),
            ("namespace", s("ehealth")),
            (
                "namespaces",
                map(vec![
                    (
                        "ehealth",
                        map(vec![
                            ("protected", boolean(true)),
                            ("labels", map(vec![("on", s("yes")), ("team", s("1.10"))])),
                        ]),
                    ),
                    (
                        "unused",
                        map(vec![("protected", boolean(false)), ("labels", map(vec![]))]),
                    ),
                ]),
            ),
            (
                "helm_repos",
                map(vec![
                    ("stable", s("https://charts.example/stable")),
                    ("ehealth", s("https://charts.ehealth.example/$HOME")),
                ]),
            ),
            (
                "metadata",
                map(vec![
                    ("owner", s("$HOME team")),
                    ("y", s("1.10")),
                    ("no", s("")),
                    ("$weird key", s("pa$1ss")),
                    ("on", s("12:30")),
                ]),
            ),
        ],
        vec![agent, tricky_journal()],
    )
}

/// The emit options of the emitter tests (a source label with a `$` to quote).
pub fn emit_options(format: DsfFormat) -> EmitOptions {
    EmitOptions {
        dsf_format: format,
        source_label: "tests/emit $HOME".to_owned(),
        project_root: None,
    }
}

/// Emits `envs`, asserting that the emitter reports nothing.
pub fn emit_clean(envs: &[EnvInstance], format: DsfFormat) -> Emitted {
    let emitted = emit(envs, &emit_options(format));
    assert!(emitted.diagnostics.is_empty(), "{:#?}", emitted.diagnostics);
    emitted
}

/// Writes the files under `dir` and returns their paths, in order.
pub fn write_all(dir: &Path, emitted: &Emitted) -> Vec<PathBuf> {
    emitted
        .files
        .iter()
        .map(|file| {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            std::fs::write(&path, &file.contents).expect("write");
            path
        })
        .collect()
}

/// An emitted YAML file read by a YAML 1.2 reader, as JSON.
pub fn yaml_to_json(text: &str) -> Json {
    serde_saphyr::from_str(text).expect("emitted YAML parses")
}

/// An emitted TOML file read back, as JSON.
pub fn toml_to_json(text: &str) -> Json {
    let value: toml::Value = toml::from_str(text).expect("emitted TOML parses");
    serde_json::to_value(value).expect("TOML converts to JSON")
}

/// What a value means, as JSON: the test's own, independent reading of the evaluated model.
pub fn meant(value: &Val) -> Json {
    match &value.kind {
        ValKind::Str(text) | ValKind::Quantity(text) => Json::String(text.to_string()),
        ValKind::DeployVar(expanded) => Json::String(expanded.clone()),
        ValKind::Null => Json::Null,
        ValKind::Int(number) => Json::from(*number),
        ValKind::Float(number) => Json::from(*number),
        ValKind::Bool(truth) => Json::Bool(*truth),
        ValKind::List(items) => Json::Array(items.iter().map(meant).collect()),
        ValKind::Map(entries) => meant_map(entries),
        ValKind::Secret(secret) => match secret.as_ref() {
            SecretRef::Kubernetes { name, key } => {
                serde_json::json!({ "secretName": name, "secretKey": key })
            }
            SecretRef::External { reference } => {
                serde_json::json!({ "externalSecret": reference })
            }
        },
    }
}

/// What a map of values means, as JSON.
pub fn meant_map(entries: &ehp::eval::model::ValMap) -> Json {
    Json::Object(
        entries
            .iter()
            .map(|(key, value)| (key.to_string(), meant(value)))
            .collect(),
    )
}

/// Structural equality with numbers compared numerically (`1` equals `1.0`).
pub fn json_eq(left: &Json, right: &Json) -> bool {
    match (left, right) {
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_eq(x, y))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| json_eq(x, y)))
        }
        _ => left == right,
    }
}

/// Whether a value is the zero value a Go struct field omits (`omitempty`) or defaults to.
fn is_zero(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Bool(truth) => !truth,
        Json::Number(number) => number.as_f64() == Some(0.0),
        Json::String(text) => text.is_empty(),
        Json::Array(items) => items.is_empty(),
        Json::Object(entries) => entries.values().all(is_zero),
    }
}

/// Like [`json_eq`], but a key missing on one side equals a zero value on the other: helmsman's
/// typed reader drops empty fields and shows absent ones as zero.
pub fn json_eq_zero_fill(left: &Json, right: &Json) -> bool {
    match (left, right) {
        (Json::Object(a), Json::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().all(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => json_eq_zero_fill(x, y),
                (Some(x), None) | (None, Some(x)) => is_zero(x),
                (None, None) => true,
            })
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_eq_zero_fill(x, y))
        }
        (Json::Null, other) | (other, Json::Null) => is_zero(other),
        _ => json_eq(left, right),
    }
}

/// Replaces `$$` by `$` in every string and key: what helmsman's substitution makes of a DSF.
pub fn unescape_dollars(value: &Json) -> Json {
    match value {
        Json::String(text) => Json::String(text.replace("$$", "$")),
        Json::Array(items) => Json::Array(items.iter().map(unescape_dollars).collect()),
        Json::Object(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| (key.replace("$$", "$"), unescape_dollars(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The path of the helm-read binary, when `HELM_READ` names one (the checks that need it are in
/// `tests/external.rs`, which reports them as skipped without it).
pub fn helm_read() -> Option<String> {
    std::env::var("HELM_READ")
        .ok()
        .filter(|path| !path.is_empty())
}

/// Runs `command`, asserting that it succeeds (`what` names it in the failure); returns what
/// it printed.
pub fn succeed(command: &mut std::process::Command, what: &str) -> Vec<u8> {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{what} runs: {error}"));
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs `helm-read MODE FILE...` and returns its JSON, keyed by file path.
pub fn run_helm_read(tool: &str, mode: &str, files: &[std::path::PathBuf]) -> Json {
    let mut command = std::process::Command::new(tool);
    command.arg(mode).args(files);
    let stdout = succeed(&mut command, &format!("helm-read {mode}"));
    serde_json::from_slice(&stdout).expect("helm-read prints JSON")
}

/// Runs `git ARGS` in `dir` as a test user, with no system or global configuration (so no
/// signing or hooks of the machine's), asserting that it succeeds; returns what it printed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let mut command = std::process::Command::new("git");
    command
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    String::from_utf8_lossy(&succeed(&mut command, &format!("git {args:?}"))).into_owned()
}

/// The fenced blocks of a Markdown `section` as (info string, body), and its prose without them.
pub fn fenced_blocks(section: &str) -> (Vec<(String, String)>, String) {
    let mut found = Vec::new();
    let mut prose = String::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            prose.push_str(line);
            prose.push('\n');
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        found.push((info.trim().to_string(), body));
    }
    (found, prose)
}

/// The files an explanation shows beside its example, each a fenced block whose info string is
/// a language and the file's path (```` ```yaml config/values.yaml ````): `(path, text)`.
pub fn shown_files(text: &str) -> Vec<(String, String)> {
    fenced_blocks(text)
        .0
        .into_iter()
        .filter_map(|(info, body)| {
            let path = info
                .strip_prefix("yaml ")
                .or_else(|| info.strip_prefix("json "))?;
            Some((path.trim().to_string(), body))
        })
        .collect()
}
