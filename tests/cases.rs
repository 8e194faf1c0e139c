//! The case runner: every `.ehp` file (or folder of them) under `tests/cases/` is one test.
//!
//! A case starts with a header of `//` comment lines in TOML:
//!
//! ```text
//! // expect = ["E0301"]   # the diagnostic codes the case must produce, in order (may be empty)
//! // charts = ["tests/fixtures/charts/shop"]   # optional: chart folders to check values against
//! // Other comment lines are prose explaining the case.
//! ```
//!
//! A case with `charts` (or an explanation with `<!-- charts: FOLDER ... -->`) is also checked
//! against those charts, as `ehp check` does once they are fetched: each app's chart is the
//! folder whose `Chart.yaml` has its name and version, from whatever repository.
//!
//! The runner analyses the case, checks the codes, and snapshots the source, the diagnostics as
//! rendered for a terminal (no colour, 100 columns) and, for cases without errors, every file
//! `ehp build` would write. Snapshots live in `tests/cases/snapshots/`; review them with `cargo insta review`.

#![allow(clippy::disallowed_methods)] // The runner reads its cases from disk.

mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use support::harness::{self, Trial};

struct Case {
    name: String,
    files: Vec<(String, String)>,
    /// The exact codes, in order, for cases under `tests/cases/`.
    expect: Vec<String>,
    /// For explanation examples: the code that must be among those produced.
    must_include: Option<String>,
    /// The files the project's values and secrets files are read from: the case's folder (the
    /// folder of a one-file case), or the files an explanation shows.
    data: Data,
    /// Chart folders the values are checked against (`None`: no chart check, as before charts
    /// existed; an empty list: the check runs and finds no chart).
    charts: Option<Vec<String>>,
}

/// Where a case's values and secrets files are.
enum Data {
    /// Under this folder.
    Folder(PathBuf),
    /// These files, by path.
    Shown(Vec<(String, String)>),
}

impl Data {
    /// The text of the file at `path` (relative to the project's root), if there is one.
    fn read(&self, path: &str) -> Option<String> {
        match self {
            Data::Folder(folder) => std::fs::read_to_string(folder.join(path)).ok(),
            Data::Shown(files) => files
                .iter()
                .find(|(name, _)| name == path)
                .map(|(_, text)| text.clone()),
        }
    }
}

fn header(text: &str) -> Result<(Vec<String>, Option<Vec<String>>), String> {
    let lines: Vec<&str> = text
        .lines()
        .take_while(|line| line.starts_with("//") && !line.starts_with("///"))
        .map(|line| line.trim_start_matches("//").trim())
        .filter(|line| {
            line.split_once(" = ")
                .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        })
        .collect();
    let table: toml::Table = lines
        .join("\n")
        .parse()
        .map_err(|error| format!("bad header: {error}"))?;
    let strings = |key: &str| -> Vec<String> {
        table
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    if !table.get("expect").is_some_and(toml::Value::is_array) {
        return Err("the header must say `expect = [...]`".into());
    }
    let charts = table.contains_key("charts").then(|| strings("charts"));
    Ok((strings("expect"), charts))
}

/// The chart folders an explanation names in `<!-- charts: A B -->` (`none` for the check
/// without any chart).
fn explanation_charts(text: &str) -> Option<Vec<String>> {
    text.lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("<!-- charts: ")
                .and_then(|rest| rest.strip_suffix(" -->"))
        })
        .map(|list| {
            list.split_whitespace()
                .filter(|folder| *folder != "none")
                .map(String::from)
                .collect()
        })
}

/// The chart diagnostics of an analysis against chart folders.
fn chart_diagnostics(
    analysis: &ehp::Analysis,
    folders: &[String],
) -> Result<Vec<ehp::diag::Diagnostic>, String> {
    let charts: Vec<ehp::charts::Chart> = folders
        .iter()
        .map(|folder| ehp::store::read_chart_folder(Path::new(folder)))
        .collect::<Result<_, _>>()?;
    let required = ehp::charts::required(&analysis.envs);
    let mut set = ehp::charts::ChartSet::new();
    for chart in required.keys() {
        let found = charts
            .iter()
            .find(|read| read.name == chart.name && read.version == chart.version);
        let status = match found {
            Some(read) => ehp::charts::Status::Ready(std::sync::Arc::new(read.clone())),
            None => ehp::charts::Status::NotChecked("not among the case's charts".into()),
        };
        set.insert(chart.clone(), status);
    }
    Ok(ehp::charts::check(&analysis.envs, &analysis.project, &set))
}

fn collect(dir: &Path, cases: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    for path in paths {
        if path.file_name().is_some_and(|name| name == "snapshots") {
            continue;
        }
        let is_case_dir =
            path.is_dir() && path.parent().and_then(Path::parent) == Some(Path::new("tests/cases"));
        if path.extension().is_some_and(|ext| ext == "ehp") || is_case_dir {
            cases.push(path);
        } else if path.is_dir() {
            collect(&path, cases);
        }
    }
}

/// The explanation of every code (`docs/codes/CODE.md`) whose example compiles with `ehp check`:
/// each is a case too, so that every code has a reviewed snapshot of its human and JSON output.
fn explanation_examples() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("docs/codes") else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .filter(|path| {
            std::fs::read_to_string(path)
                .is_ok_and(|text| text.contains("```ehp\n") && !text.contains("<!-- command: "))
        })
        .collect();
    paths.sort();
    paths
}

/// A case made of the first ```ehp block of an explanation (with the project file of a
/// ```toml ehp.toml block before it, if any), which must produce its code.
fn load_explanation(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
    let code = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let block = |fence: &str| {
        text.split("## Fix")
            .next()
            .and_then(|example| example.split(fence).nth(1))
            .and_then(|rest| rest.split("\n```").next())
            .map(|found| format!("{found}\n"))
    };
    let example = block("```ehp\n").ok_or("no ```ehp block")?;
    let mut files = Vec::new();
    if let Some(manifest) = block("```toml ehp.toml\n") {
        files.push((format!("{}#example/ehp.toml", path.display()), manifest));
    }
    files.push((format!("{}#example", path.display()), example));
    Ok(Case {
        name: format!("codes__{code}"),
        files,
        expect: Vec::new(),
        must_include: Some(code),
        data: Data::Shown(support::shown_files(&text)),
        charts: explanation_charts(&text),
    })
}

fn load(path: &Path) -> Result<Case, String> {
    if path.extension().is_some_and(|ext| ext == "md") {
        return load_explanation(path);
    }
    let mut files = Vec::new();
    if path.is_dir() {
        let mut inner: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|error| error.to_string())?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|file| {
                file.extension().is_some_and(|ext| ext == "ehp")
                    || file.file_name().is_some_and(|name| name == "ehp.toml")
            })
            .collect();
        inner.sort();
        for file in inner {
            let text = std::fs::read_to_string(&file).map_err(|error| error.to_string())?;
            files.push((file.display().to_string(), text));
        }
    } else {
        let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
        files.push((path.display().to_string(), text));
    }
    // The header is in the first `.ehp` file (a project file sorts before it).
    let first = files
        .iter()
        .find(|(name, _)| name.ends_with(".ehp"))
        .ok_or("a case folder without .ehp files")?;
    let (expect, charts) = header(&first.1)?;
    let name = path
        .strip_prefix("tests/cases")
        .unwrap_or(path)
        .with_extension("")
        .display()
        .to_string()
        .replace(['/', '\\'], "__");
    Ok(Case {
        name,
        files,
        expect,
        must_include: None,
        data: Data::Folder(if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().unwrap_or(path).to_path_buf()
        }),
        charts,
    })
}

/// `ehp build` and `ehp check` make each values file as soon as the app is evaluated and drop
/// its chart values (`analyze_preparing`): the diagnostics and files must be those of the
/// plain analysis and emission.
fn prepared_agrees(
    case: &Case,
    plain: &ehp::Analysis,
    options: &ehp::emit::EmitOptions,
    emitted: &ehp::emit::Emitted,
) -> Result<(), String> {
    let keep_none = |_: &ehp::eval::model::ValMap, _: &ehp::eval::model::AppInstance| false;
    let build = ehp::emit::PrepareValues::build(options, &keep_none);
    let mut prepared = ehp::analyze_preparing(case.files.clone(), &build);
    if prepared.diagnostics != plain.diagnostics {
        return Err("a prepared analysis found other diagnostics".to_string());
    }
    let dropped = prepared
        .envs
        .iter()
        .flat_map(|env| &env.apps)
        .filter(|app| app.values_dropped())
        .count();
    let made = ehp::emit::emit_prepared(&mut prepared.envs, options, None);
    if made.files != emitted.files || made.diagnostics != emitted.diagnostics {
        return Err(format!(
            "prepared values files ({dropped} apps' values dropped) differ from emitted ones"
        ));
    }
    let check = ehp::emit::PrepareValues::check(&keep_none);
    let checked = ehp::analyze_preparing(case.files.clone(), &check);
    if ehp::emit::check(&checked.envs) != ehp::emit::check(&plain.envs) {
        return Err("a prepared check found other diagnostics".to_string());
    }
    Ok(())
}

/// The environments the analysis evaluated (each app's fields shared between environments
/// where they are the same in each) are those of every app evaluated on its own in every
/// environment, diagnostics included.
fn sharing_agrees(analysis: &ehp::Analysis) -> Result<(), String> {
    let (project, schemas) = (&analysis.project, &analysis.schemas);
    let mut shared_problems = ehp::diag::Problems::new();
    let shared = ehp::eval::evaluate(project, schemas, &mut shared_problems);
    let mut alone_problems = ehp::diag::Problems::new();
    let alone = ehp::eval::evaluate_unshared(project, schemas, &mut alone_problems);
    if format!("{shared:?}") != format!("{alone:?}") {
        return Err("evaluating each environment on its own gave other values".to_string());
    }
    if shared_problems.into_sorted() != alone_problems.into_sorted() {
        return Err("evaluating each environment on its own found other diagnostics".to_string());
    }
    Ok(())
}

fn run(case: &Case) -> Result<(), String> {
    let analysis = ehp::analyze(&case.files);
    sharing_agrees(&analysis)?;
    let mut diagnostics = analysis.diagnostics.clone();
    let mut files = Vec::new();
    if !analysis.has_errors() {
        let options = ehp::emit::EmitOptions {
            dsf_format: ehp::emit::DsfFormat::Yaml,
            source_label: case.name.clone(),
            project_root: None,
        };
        let emitted = ehp::emit::emit(&analysis.envs, &options);
        prepared_agrees(case, &analysis, &options, &emitted)?;
        // Like `ehp build`, nothing is written when emission finds an error.
        if !emitted.has_errors() {
            files = emitted.files;
        }
        diagnostics.extend(emitted.diagnostics);
        let named = ehp::emit::project_files(&analysis.envs);
        let missing = ehp::emit::check_project_files(&named, &mut |path| case.data.read(path));
        if !missing.is_empty() {
            files.clear();
        }
        diagnostics.extend(missing);
        if let Some(charts) = &case.charts {
            diagnostics.extend(chart_diagnostics(&analysis, charts)?);
        }
    }
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code.id)
        .collect();
    let matches = match &case.must_include {
        Some(code) => codes.contains(&code.as_str()),
        None => codes == case.expect,
    };
    if !matches {
        return Err(format!(
            "expected codes {:?}, found {:?}\n{}",
            case.expect,
            codes,
            ehp::diag::render_short(&analysis.db, &diagnostics)
        ));
    }
    let mut snapshot = String::new();
    for (name, text) in &case.files {
        snapshot.push_str(&format!("=== {name}\n{text}\n"));
    }
    snapshot.push_str("=== diagnostics\n");
    snapshot.push_str(&ehp::diag::render_human(
        &analysis.db,
        &diagnostics,
        100,
        false,
    ));
    if !diagnostics.is_empty() {
        snapshot.push_str("=== diagnostics as JSON\n");
        snapshot.push_str(&ehp::diag::render_json(&analysis.db, &diagnostics));
    }
    for file in &files {
        snapshot.push_str(&format!("=== out/{}\n{}", file.path, file.contents));
    }
    let name = case.name.clone();
    let outcome = std::panic::catch_unwind(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            std::env::current_dir()
                .unwrap_or_default()
                .join("tests/cases/snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.add_filter(r"\r\n", "\n");
        settings.bind(|| insta::assert_snapshot!(name, snapshot));
    });
    outcome.map_err(|_| "snapshot mismatch (run `cargo insta review`)".to_string())
}

fn main() -> ExitCode {
    let mut paths = Vec::new();
    collect(Path::new("tests/cases"), &mut paths);
    paths.extend(explanation_examples());
    let trials = paths
        .into_iter()
        .map(|path| {
            Trial::test(path.display().to_string(), move || {
                load(&path).and_then(|case| run(&case))
            })
        })
        .collect();
    harness::run(trials)
}
