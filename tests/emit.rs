//! Integration tests of the emitter: hand-built environments full of YAML traps, emitted, then
//! read back by an independent YAML/TOML reader (what ehp meant), validated against helmsman's
//! strict schema, and, when `HELM_READ` is set, read by Helm's and helmsman's own readers.

// Tests may index JSON they just checked and use the filesystem for temporary output.
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod support;

use std::path::{Path, PathBuf};

use ehp::diag::codes;
use ehp::emit::{DsfFormat, EmitOptions, Emitted, HEADER_PREFIX, emit};
use ehp::eval::model::EnvInstance;
use serde_json::Value as Json;
use support::*;

/// An environment that exercises every kind of value and every trap string.
fn tricky_env() -> EnvInstance {
    let trap_map: Vec<(&str, ehp::eval::model::Val)> =
        TRICKY.iter().map(|text| (*text, s(text))).collect();
    let trap_list = list(TRICKY.iter().map(|text| s(text)).collect());
    let journal = app(
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
    );
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
        vec![agent, journal],
    )
}

fn options(format: DsfFormat) -> EmitOptions {
    EmitOptions {
        dsf_format: format,
        source_label: "tests/emit $HOME".to_owned(),
    }
}

fn emit_clean(envs: &[EnvInstance], format: DsfFormat) -> Emitted {
    let emitted = emit(envs, &options(format));
    assert!(emitted.diagnostics.is_empty(), "{:#?}", emitted.diagnostics);
    emitted
}

/// Writes the files under `dir` and returns their paths, in order.
fn write_all(dir: &Path, emitted: &Emitted) -> Vec<PathBuf> {
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

fn yaml_to_json(text: &str) -> Json {
    serde_saphyr::from_str(text).expect("emitted YAML parses")
}

fn toml_to_json(text: &str) -> Json {
    let value: toml::Value = toml::from_str(text).expect("emitted TOML parses");
    serde_json::to_value(value).expect("TOML converts to JSON")
}

fn schema() -> jsonschema::Validator {
    let text = include_str!("fixtures/helmsman/schema.strict.json");
    let schema: Json = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid_dsf(validator: &jsonschema::Validator, path: &str, dsf: &Json) {
    let errors: Vec<String> = validator
        .iter_errors(dsf)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{path} fails the strict schema:\n{}",
        errors.join("\n")
    );
}

/// Asserts that every `$` of a YAML DSF (outside comments) is inside a double-quoted scalar.
fn assert_dollars_quoted(yaml: &str) {
    for line in yaml.lines().filter(|line| !line.starts_with('#')) {
        let (mut quoted, mut escaped) = (false, false);
        for character in line.chars() {
            match character {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '$' => assert!(quoted, "unquoted `$` in {line:?}"),
                _ => {}
            }
        }
    }
}

#[test]
fn file_layout_and_format() {
    let emitted = emit_clean(&[tricky_env()], DsfFormat::Yaml);
    let paths: Vec<&str> = emitted
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "prod/helmsman.yaml",
            "prod/values/agent.yaml",
            "prod/values/journal.yaml"
        ]
    );
    for file in &emitted.files {
        let text = &file.contents;
        assert!(text.starts_with(HEADER_PREFIX), "{}: header", file.path);
        assert!(text.contains("Do not edit: change the .ehp sources and run ehp build."));
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n"),
            "{}: final newline",
            file.path
        );
        assert!(!text.starts_with('\u{feff}'));
        for line in text.lines() {
            assert_ne!(line, "---", "{}: document marker", file.path);
            let trimmed = line.trim_end();
            assert!(
                !(trimmed.ends_with(": |") || trimmed.ends_with(": >") || trimmed.ends_with("- |")),
                "{}: block scalar in {line:?}",
                file.path
            );
        }
    }
    let dsf = &emitted.files.first().expect("dsf").contents;
    // In a DSF the header's `$` is escaped too: helmsman substitutes comments as well.
    assert!(
        dsf.starts_with("# Generated by ehp from tests/emit $$HOME."),
        "{dsf}"
    );
    assert!(dsf.contains("version: \"1.10\""), "{dsf}");
    assert_dollars_quoted(dsf);
    assert!(
        dsf.contains("enabled: true") && dsf.contains("enabled: false"),
        "{dsf}"
    );
}

#[test]
fn output_is_deterministic() {
    for format in [DsfFormat::Yaml, DsfFormat::Toml] {
        let first = emit_clean(&[tricky_env()], format);
        let second = emit_clean(&[tricky_env()], format);
        assert_eq!(first.files, second.files);
    }
}

#[test]
fn values_mean_what_ehp_meant() {
    let env = tricky_env();
    let emitted = emit_clean(std::slice::from_ref(&env), DsfFormat::Yaml);
    for app in &env.apps {
        let path = format!("prod/values/{}.yaml", app.name);
        let file = emitted
            .files
            .iter()
            .find(|file| file.path == path)
            .expect("values file");
        let expected = meant_map(&app.values);
        let read = yaml_to_json(&file.contents);
        assert!(
            json_eq(&read, &expected),
            "{path}: YAML 1.2 reading differs:\n{read:#}"
        );
    }
}

#[test]
fn helm_reads_values_as_meant() {
    let Some(tool) = helm_read() else {
        eprintln!("HELM_READ is not set: skipping the check against Helm's reader");
        return;
    };
    let env = tricky_env();
    let emitted = emit_clean(std::slice::from_ref(&env), DsfFormat::Yaml);
    let dir = tempfile::tempdir().expect("tempdir");
    write_all(dir.path(), &emitted);
    let files: Vec<PathBuf> = env
        .apps
        .iter()
        .map(|app| dir.path().join(format!("prod/values/{}.yaml", app.name)))
        .collect();
    let seen = run_helm_read(&tool, "values", &files);
    for (app, file) in env.apps.iter().zip(&files) {
        let key = file.to_str().expect("utf-8 path");
        let helm = seen.get(key).expect("helm-read reports every file");
        let expected = meant_map(&app.values);
        if !json_eq(helm, &expected) {
            let (helm_map, meant_map) = (helm.as_object(), expected.as_object());
            for (name, value) in meant_map.into_iter().flatten() {
                let other = helm_map.and_then(|map| map.get(name));
                if !other.is_some_and(|other| json_eq(other, value)) {
                    eprintln!("{name}: ehp meant {value}, Helm sees {other:?}");
                }
            }
            panic!("{key}: Helm reads something else than ehp meant");
        }
    }
}

#[test]
fn dsf_passes_strict_schema_and_means_what_ehp_meant() {
    let validator = schema();
    for format in [DsfFormat::Yaml, DsfFormat::Toml] {
        let emitted = emit_clean(&[tricky_env()], format);
        let file = emitted.files.first().expect("dsf first");
        let read = match format {
            DsfFormat::Yaml => yaml_to_json(&file.contents),
            DsfFormat::Toml => toml_to_json(&file.contents),
        };
        assert_valid_dsf(&validator, &file.path, &read);
        let dsf = unescape_dollars(&read);
        let app = &dsf["apps"]["journal"];
        assert_eq!(app["version"], "1.10", "{}", file.path);
        assert_eq!(app["description"], "on");
        assert_eq!(app["group"], "yes");
        assert_eq!(app["enabled"], true);
        assert_eq!(app["timeout"], 300);
        assert_eq!(app["priority"], -10);
        assert_eq!(app["protected"], true);
        assert_eq!(
            app["valuesFiles"],
            serde_json::json!(["values/journal.yaml"])
        );
        assert_eq!(dsf["apps"]["agent"]["enabled"], false);
        assert_eq!(dsf["apps"]["agent"]["timeout"], 3600);
        assert_eq!(dsf["context"], "prod");
        assert_eq!(dsf["settings"]["kubeContext"], "prod-$ctx");
        assert_eq!(dsf["metadata"]["generator"], "ehp");
        assert_eq!(dsf["metadata"]["environment"], "prod");
        assert_eq!(dsf["metadata"]["owner"], "$HOME team");
        assert_eq!(dsf["metadata"]["y"], "1.10");
        assert_eq!(dsf["metadata"]["no"], "");
        assert_eq!(dsf["metadata"]["$weird key"], "pa$1ss");
        assert_eq!(dsf["metadata"]["on"], "12:30");
        assert_eq!(
            dsf["helmRepos"]["ehealth"],
            "https://charts.ehealth.example/$HOME"
        );
        let namespaces: Vec<&String> = dsf["namespaces"]
            .as_object()
            .expect("namespaces")
            .keys()
            .collect();
        assert_eq!(namespaces, ["ehealth", "platform", "unused"]);
        assert_eq!(dsf["namespaces"]["ehealth"]["labels"]["on"], "yes");
        assert_eq!(dsf["namespaces"]["ehealth"]["labels"]["team"], "1.10");
        assert_eq!(dsf["namespaces"]["ehealth"]["protected"], true);
        assert_eq!(
            dsf["namespaces"]["platform"],
            serde_json::json!({ "protected": false })
        );
    }
}

#[test]
fn helmsman_reads_dsf_as_meant() {
    let Some(tool) = helm_read() else {
        eprintln!("HELM_READ is not set: skipping the check against helmsman's reader");
        return;
    };
    for format in [DsfFormat::Yaml, DsfFormat::Toml] {
        let emitted = emit_clean(&[tricky_env()], format);
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = write_all(dir.path(), &emitted);
        let dsf_path = paths.first().expect("dsf first").clone();
        let file = emitted.files.first().expect("dsf first");
        let meant = unescape_dollars(&match format {
            DsfFormat::Yaml => yaml_to_json(&file.contents),
            DsfFormat::Toml => toml_to_json(&file.contents),
        });
        // helm-read parses the raw text; helmsman first substitutes `$$` by `$` (and ehp writes
        // no other `$`), so both readings are compared after that substitution.
        assert!(
            !file.contents.replace("$$", "").contains('$'),
            "{}: lone `$`",
            file.path
        );
        let seen = run_helm_read(&tool, "dsf", std::slice::from_ref(&dsf_path));
        let helmsman = &unescape_dollars(
            seen.get(dsf_path.to_str().expect("utf-8 path"))
                .expect("dsf read"),
        );
        assert!(
            json_eq_zero_fill(helmsman, &meant),
            "{}: helmsman reads\n{helmsman:#}\nehp meant\n{meant:#}",
            file.path
        );
    }
}

#[test]
fn numbers_helm_cannot_read_are_diagnosed() {
    let huge_at = at(42);
    let env = env(
        "prod",
        vec![("kube_context", s("prod"))],
        vec![app(
            "journal",
            vec![],
            vec![
                ("ok", int(1 << 53)),
                ("huge", int_at((1 << 53) + 1, huge_at)),
                ("nested", list(vec![int(i64::MIN)])),
                ("nan", float_at(f64::NAN, at(50))),
                ("inf", float_at(f64::INFINITY, at(60))),
            ],
        )],
    );
    let emitted = emit(&[env], &options(DsfFormat::Yaml));
    let codes_seen: Vec<&str> = emitted.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(
        codes_seen
            .iter()
            .filter(|id| **id == codes::NUMBER_TOO_LARGE.id)
            .count(),
        2,
        "{codes_seen:?}"
    );
    assert_eq!(
        codes_seen
            .iter()
            .filter(|id| **id == codes::NOT_FINITE.id)
            .count(),
        2
    );
    let huge = emitted
        .diagnostics
        .iter()
        .find(|d| {
            d.primary
                .as_ref()
                .is_some_and(|label| label.span == huge_at)
        })
        .expect("the huge integer is diagnosed at its origin");
    assert_eq!(huge.code, codes::NUMBER_TOO_LARGE);
    assert!(huge.help.is_some());
    assert!(emitted.has_errors());
}

#[test]
fn bad_context_timeout_and_names_are_diagnosed() {
    let env = env(
        "prod",
        vec![("kube_context", s("prod")), ("context", s("not a label"))],
        vec![app("Bad/Name", vec![("timeout", q("500ms"))], vec![])],
    );
    let emitted = emit(&[env], &options(DsfFormat::Yaml));
    let mut ids: Vec<&str> = emitted.diagnostics.iter().map(|d| d.code.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            codes::BAD_CONTEXT.id,
            codes::BAD_TIMEOUT.id,
            codes::BAD_OUTPUT_NAME.id
        ]
    );
}

#[test]
fn context_setting_wins_over_env_name() {
    let env = env(
        "prod",
        vec![("kube_context", s("k")), ("context", s("ehealth-prod"))],
        vec![],
    );
    let emitted = emit_clean(&[env], DsfFormat::Yaml);
    let dsf = yaml_to_json(&emitted.files.first().expect("dsf").contents);
    assert_eq!(dsf["context"], "ehealth-prod");
    assert_eq!(dsf["apps"], serde_json::json!({}));
}
