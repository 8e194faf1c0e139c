//! Checks against tools from outside the repository: Helm's and helmsman's own readers of the
//! emitted files (`HELM_READ`), a real editor driving `ehp lsp` (`LSP_PROBE`, or `nvim` with
//! `../shared/tools/lsp-probe/lsp-probe` beside the repository) and the published SARIF schema
//! (`SARIF_SCHEMA`).
//!
//! A check whose tool is missing is reported as skipped, in its line and in the summary
//! (`N passed; 0 failed; M skipped`); with `EHP_REQUIRE_ALL_CHECKS=1` (set by `.ci/run`) a skip
//! is a failure. `tests/README.md` says where each tool comes from.

// The checks write emitted files and projects into temporary folders, and index JSON they read.
#![allow(clippy::disallowed_methods, clippy::indexing_slicing)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use ehp::emit::DsfFormat;
use serde_json::{Value, json};
use support::harness::{self, Outcome, Trial};
use support::projects::{LSP_BROKEN, broken_project, build_examples, lsp_project};
use support::*;

/// The outcome of a check that needs helm-read when `HELM_READ` is not set.
fn missing_helm_read() -> Outcome {
    Outcome::Skipped("HELM_READ is not set".to_string())
}

/// Helm reads every values file of the tricky environment as ehp meant it.
fn helm_reads_values_as_meant() -> Result<Outcome, String> {
    let Some(tool) = helm_read() else {
        return Ok(missing_helm_read());
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
    Ok(Outcome::Passed)
}

/// helmsman reads the tricky environment's desired-state file, YAML and TOML, as ehp meant it.
fn helmsman_reads_dsf_as_meant() -> Result<Outcome, String> {
    let Some(tool) = helm_read() else {
        return Ok(missing_helm_read());
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
    Ok(Outcome::Passed)
}

/// A `$` in a value reaches Helm as written in both of helmsman's modes: without
/// `--subst-env-values` Helm reads the values file as it is; with it (`subst_env_values = true`)
/// every `$` is doubled, so that helmsman's substitution (`$$` becomes `$`, and no other `$` is
/// left for it to expand) gives back what ehp meant. The project is the case
/// `tests/cases/emit/dollar_in_values.ehp`.
fn helm_reads_dollars_as_meant_in_both_substitution_modes() -> Result<Outcome, String> {
    let Some(tool) = helm_read() else {
        return Ok(missing_helm_read());
    };
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/emit/dollar_in_values.ehp");
    let text = std::fs::read_to_string(&case).expect("the case");
    let analysis = ehp::analyze(&[("dollar.ehp".to_string(), text)]);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let emitted = emit_clean(&analysis.envs, DsfFormat::Yaml);
    let dir = tempfile::tempdir().expect("tempdir");
    write_all(dir.path(), &emitted);
    for env in &analysis.envs {
        let substituted = env
            .settings
            .get("subst_env_values")
            .and_then(ehp::eval::model::Val::as_bool)
            == Some(true);
        let app = env.apps.first().expect("one app");
        let path = dir
            .path()
            .join(format!("{}/values/{}.yaml", env.name, app.name));
        let written = std::fs::read_to_string(&path).expect("written");
        assert!(written.contains('$'), "{}: the case has dollars", env.name);
        let read = if substituted {
            // What helmsman hands to Helm: its substitution of the raw text.
            assert!(
                !written.replace("$$", "").contains('$'),
                "{}: a lone `$` helmsman would expand:
{written}",
                env.name
            );
            let handed = dir.path().join(format!("{}-substituted.yaml", env.name));
            std::fs::write(&handed, written.replace("$$", "$")).expect("write");
            handed
        } else {
            path
        };
        let seen = run_helm_read(&tool, "values", std::slice::from_ref(&read));
        let helm = seen.get(read.to_str().expect("utf-8")).expect("read");
        let meant = meant_map(&app.values);
        assert!(
            json_eq(helm, &meant),
            "{}: Helm reads {helm:#}, ehp meant {meant:#}",
            env.name
        );
    }
    Ok(Outcome::Passed)
}

/// helmsman reads the desired-state file (YAML and TOML) and Helm every values file of each
/// clean case (`tests/cases/ok/`, one file or a folder) as ehp meant them: the release settings
/// of helmsman's format that the language covers (`release_name`, `helm_chart`, the settings
/// and namespace fields, hooks, `set`, values files...) all have a case there.
fn helmsman_reads_every_clean_case_as_meant() -> Result<Outcome, String> {
    let Some(tool) = helm_read() else {
        return Ok(missing_helm_read());
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/cases/ok"))
        .expect("the clean cases")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|ext| ext == "ehp"))
        .collect();
    cases.sort();
    for case in &cases {
        let sources = case_sources(case);
        let analysis = ehp::analyze(&sources);
        assert!(
            !analysis.has_errors(),
            "{}: {:?}",
            case.display(),
            analysis.diagnostics
        );
        for format in [DsfFormat::Yaml, DsfFormat::Toml] {
            // A warning is allowed (W0030: a quota key helmsman's TOML reader drops, which
            // helm-read's TOML reader still reads); an error is not.
            let emitted = ehp::emit::emit(&analysis.envs, &emit_options(format));
            assert!(!emitted.has_errors(), "{:#?}", emitted.diagnostics);
            let dir = tempfile::tempdir().expect("tempdir");
            let paths = write_all(dir.path(), &emitted);
            for (file, path) in emitted.files.iter().zip(&paths) {
                let is_dsf = !file.path.contains("/values/");
                let meant = match format {
                    DsfFormat::Toml if is_dsf => toml_to_json(&file.contents),
                    _ => yaml_to_json(&file.contents),
                };
                let mode = if is_dsf { "dsf" } else { "values" };
                let seen = run_helm_read(&tool, mode, std::slice::from_ref(path));
                let read = seen.get(path.to_str().expect("utf-8")).expect("read");
                let same = if is_dsf {
                    json_eq_zero_fill(&unescape_dollars(read), &unescape_dollars(&meant))
                } else {
                    json_eq(read, &meant)
                };
                assert!(
                    same,
                    "{} {}: helm-read sees\n{read:#}\nehp meant\n{meant:#}",
                    case.display(),
                    file.path
                );
            }
        }
    }
    Ok(Outcome::Passed)
}

/// The `.ehp` files of a case (a file, or a folder of files), as `(path, text)`.
fn case_sources(case: &Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = if case.is_dir() {
        std::fs::read_dir(case)
            .expect("case folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ehp"))
            .collect()
    } else {
        vec![case.to_path_buf()]
    };
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("case text");
            (path.display().to_string(), text)
        })
        .collect()
}

/// Helm and helmsman read every file built from `examples/ehealth` without error, and Helm sees
/// in each values file what a YAML 1.2 reader sees.
fn helm_reads_the_examples_as_meant() -> Result<Outcome, String> {
    let Some(tool) = helm_read() else {
        return Ok(missing_helm_read());
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (dsfs, values) = build_examples(Path::new(env!("CARGO_MANIFEST_DIR")), dir.path());
    let dsf_paths: Vec<PathBuf> = dsfs.into_iter().map(|(path, _)| path).collect();
    run_helm_read(&tool, "dsf", &dsf_paths);
    let paths: Vec<PathBuf> = values.iter().map(|(path, _)| path.clone()).collect();
    let seen = run_helm_read(&tool, "values", &paths);
    for (path, meant) in &values {
        let helm = seen
            .get(path.to_str().expect("utf-8"))
            .expect("read by helm-read");
        assert!(
            json_eq(helm, meant),
            "{}: Helm reads {helm:#}",
            path.display()
        );
    }
    Ok(Outcome::Passed)
}

/// `--message-format sarif` writes logs the published SARIF 2.1.0 schema accepts, with results
/// and without.
fn sarif_logs_pass_the_published_schema() -> Result<Outcome, String> {
    let Some(path) = std::env::var("SARIF_SCHEMA")
        .ok()
        .filter(|path| !path.is_empty())
    else {
        return Ok(Outcome::Skipped("SARIF_SCHEMA is not set".to_string()));
    };
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema readable"))
            .expect("schema JSON");
    // The published 2.1.0 schema has two patterns that are not valid regular expressions
    // (`language` of a run and of a tool component, which ehp does not write); drop them so the
    // schema compiles.
    for pointer in [
        "/definitions/run/properties/language",
        "/definitions/toolComponent/properties/language",
    ] {
        if let Some(object) = schema
            .pointer_mut(pointer)
            .and_then(|value| value.as_object_mut())
        {
            object.remove("pattern");
        }
    }
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let dir = tempfile::tempdir().expect("tempdir");
    broken_project(dir.path());
    std::fs::create_dir_all(dir.path().join("clean")).expect("mkdir");
    std::fs::write(dir.path().join("clean/env.ehp"), support::projects::ENV).expect("write");
    for (project, results) in [("proj", 3), ("clean", 0)] {
        let output = Command::new(env!("CARGO_BIN_EXE_ehp"))
            .args(["check", project, "--message-format", "sarif"])
            .current_dir(dir.path())
            .output()
            .expect("ehp runs");
        let log: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert_eq!(
            log["runs"][0]["results"].as_array().map(Vec::len),
            Some(results),
            "{project}"
        );
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|error| error.to_string())
            .collect();
        assert!(errors.is_empty(), "{project}: {errors:#?}");
    }
    Ok(Outcome::Passed)
}

/// The lsp-probe to drive Neovim with, when there is one.
fn probe_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LSP_PROBE") {
        return Some(PathBuf::from(path));
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/lsp-probe/lsp-probe");
    let has_nvim = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    (has_nvim && beside.exists()).then_some(beside)
}

/// Headless Neovim sees the diagnostics of a broken file appear and clear after the fix, hovers
/// a field and jumps to a template's definition.
fn neovim_sees_diagnostics_hover_and_definition() -> Result<Outcome, String> {
    let Some(probe) = probe_path() else {
        return Ok(Outcome::Skipped(
            "needs LSP_PROBE, or nvim and ../shared/tools/lsp-probe/lsp-probe".to_string(),
        ));
    };
    let dir = lsp_project();
    let file = dir.path().join("apps.ehp");
    let fixed = LSP_BROKEN.replace("replicsa", "replicas");
    let output = Command::new(&probe)
        .arg("--server")
        .arg(format!("{} lsp", env!("CARGO_BIN_EXE_ehp")))
        .arg("--file")
        .arg(&file)
        .args(["--filetype", "ehp", "--wait", "30"])
        .arg("--root")
        .arg(dir.path())
        .args(["--hover", "10:5", "--definition", "8:14"])
        .args(["--edit-mode", "replace", "--edit-then-wait", &fixed])
        .output()
        .expect("run lsp-probe");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "lsp-probe failed ({:?}): {stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&stdout).expect("lsp-probe prints JSON");
    let before = result["diagnostics_before_edit"]
        .as_array()
        .expect("diagnostics before the edit");
    assert!(
        before
            .iter()
            .any(|diagnostic| diagnostic["severity"] == "Error"
                && diagnostic["line"] == 11
                && diagnostic["col"] == 5
                && diagnostic["code"] == "E0301"),
        "the unknown field is reported at 11:5: {before:?}"
    );
    assert_eq!(
        result["diagnostics"],
        json!([]),
        "the fix clears the diagnostics"
    );
    let hover = result["hover"].as_str().expect("hover text");
    assert!(
        hover.contains("The image tag."),
        "hover shows the doc comment: {hover}"
    );
    assert!(hover.contains("tag: tag"), "hover shows the type: {hover}");
    let definition = &result["definition"];
    assert_eq!(definition["line"], 2, "the template's line: {definition}");
    assert_eq!(definition["col"], 10, "the template's name: {definition}");
    assert!(
        definition["path"]
            .as_str()
            .is_some_and(|path| path.ends_with("apps.ehp")),
        "{definition}"
    );
    Ok(Outcome::Passed)
}

/// The checks, each named after its function.
macro_rules! checks {
    ($($check:ident),* $(,)?) => {
        vec![$(Trial::check(stringify!($check), $check)),*]
    };
}

fn main() -> ExitCode {
    harness::run(checks![
        helm_reads_values_as_meant,
        helmsman_reads_dsf_as_meant,
        helm_reads_the_examples_as_meant,
        helm_reads_dollars_as_meant_in_both_substitution_modes,
        helmsman_reads_every_clean_case_as_meant,
        sarif_logs_pass_the_published_schema,
        neovim_sees_diagnostics_hover_and_definition,
    ])
}
