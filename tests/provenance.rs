//! Provenance agrees with the build: for every app, environment and field of the example and
//! of every case (and every environment setting), the final value `why` reports is the value
//! the evaluation computed, and replaying the steps `why` marks as winning rebuilds it.

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The test reads the example and the cases.

use std::path::{Path, PathBuf};

use ehp::eval::model::{Val, ValKind};
use ehp::eval::why::{Provenance, provenance, setting_provenance};

/// Every project the test covers: the example, and each case (a file, or a folder of files).
fn projects() -> Vec<(String, Vec<(String, String)>)> {
    let mut projects = vec![(
        "examples/ehealth".to_string(),
        read_folder(Path::new("examples/ehealth")),
    )];
    let mut stack = vec![PathBuf::from("tests/cases")];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("readable")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        entries.sort();
        for path in entries {
            let case_folder = path.is_dir()
                && path.parent().and_then(Path::parent) == Some(Path::new("tests/cases"));
            if case_folder {
                projects.push((path.display().to_string(), read_folder(&path)));
            } else if path.is_dir() && !path.ends_with("snapshots") {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "ehp") {
                let text = std::fs::read_to_string(&path).expect("readable");
                projects.push((
                    path.display().to_string(),
                    vec![(path.display().to_string(), text)],
                ));
            }
        }
    }
    projects
}

fn read_folder(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next)
            .expect("readable")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "ehp")
                || path.file_name().is_some_and(|name| name == "ehp.toml")
            {
                let text = std::fs::read_to_string(&path).expect("readable");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    files
}

/// Equal values, wherever written and in whatever key order.
fn same(left: &Val, right: &Val) -> bool {
    match (&left.kind, &right.kind) {
        (ValKind::Map(a), ValKind::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        (ValKind::List(a), ValKind::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (a, b) => a == b,
    }
}

fn agrees(found: &Provenance, evaluated: Option<&Val>, inner: &[&str]) -> Result<(), String> {
    let reported = found.final_value.as_ref();
    let equal = |a: Option<&Val>, b: Option<&Val>| match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    };
    if !equal(reported, evaluated) {
        return Err(format!("why says {reported:?}, the build {evaluated:?}"));
    }
    let replayed = found.replayed(inner);
    if !equal(replayed.as_ref(), evaluated) {
        return Err(format!(
            "the winning steps rebuild {replayed:?}, the build has {evaluated:?}\nsteps: {:#?}",
            found.steps
        ));
    }
    Ok(())
}

#[test]
fn provenance_equals_the_evaluated_value_everywhere() {
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for (name, files) in projects() {
        let analysis = ehp::analyze(&files);
        // Where a chain of fields passed the limit (E0408), evaluation stopped part-way and
        // which fields it left unset depends on the order it met them in: nothing to compare.
        let too_deep = ehp::diag::codes::REFERENCES_TOO_DEEP;
        if analysis
            .diagnostics
            .iter()
            .any(|found| found.code == too_deep)
        {
            continue;
        }
        for env in &analysis.envs {
            for app in &env.apps {
                let Some(&index) = analysis.project.app_index.get(&app.name) else {
                    continue;
                };
                let Some(Some(template)) = analysis.project.app_templates.get(index) else {
                    continue;
                };
                let Some(Some(schema)) = analysis.schemas.templates.get(*template) else {
                    continue;
                };
                for field in schema.fields.keys() {
                    let evaluated = app.fields.get(field.as_str());
                    let mut paths: Vec<Vec<&str>> = vec![vec![field.as_str()]];
                    if let Some(map) = evaluated.and_then(Val::as_map) {
                        paths.extend(map.keys().map(|key| vec![field.as_str(), key.as_str()]));
                    }
                    for path in paths {
                        let found = provenance(
                            &analysis.project,
                            &analysis.schemas,
                            &env.name,
                            &app.name,
                            &path,
                        )
                        .expect("provenance");
                        let value = match path.get(1) {
                            Some(key) => evaluated
                                .and_then(Val::as_map)
                                .and_then(|map| map.get(*key)),
                            None => evaluated,
                        };
                        checked += 1;
                        if let Err(problem) = agrees(&found, value, &path[1..]) {
                            failures.push(format!(
                                "{name}: {} / {} / {}: {problem}",
                                env.name,
                                app.name,
                                path.join(".")
                            ));
                        }
                    }
                }
            }
            for setting in analysis.schemas.env.fields.keys() {
                let found =
                    setting_provenance(&analysis.project, &analysis.schemas, &env.name, &[setting])
                        .expect("provenance");
                checked += 1;
                if let Err(problem) = agrees(&found, env.settings.get(setting.as_str()), &[]) {
                    failures.push(format!("{name}: {} / env.{setting}: {problem}", env.name));
                }
            }
        }
    }
    assert!(checked > 2000, "only {checked} values checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
