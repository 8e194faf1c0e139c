//! `tests/README.md` says only what is true: every command of its `sh` blocks names test targets,
//! filters, options and variables that exist, its example case produces the codes its header
//! expects, the files it names exist, and the checks it lists are those of
//! `tests/external.rs`.

use std::collections::BTreeSet;

use crate::scan::{functions, root, rust_files};

fn readme() -> String {
    std::fs::read_to_string(root().join("tests/README.md")).expect("tests/README.md")
}

/// The lines of every fenced block of `language` in `text`.
fn blocks(text: &str, language: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.trim() == language => current = Some(Vec::new()),
            (Some(_), Some("")) => found.extend(current.take()),
            (Some(lines), _) => lines.push(line.to_string()),
            (None, _) => {}
        }
    }
    found
}

/// The variables a command line sets before its command, and the rest of the line.
fn assignments(line: &str) -> (Vec<String>, String) {
    let mut variables = Vec::new();
    let mut rest = line.trim();
    while let Some((name, value)) = rest.split_once('=') {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            break;
        }
        variables.push(name.to_string());
        // A value is a word or a `$(...)` command substitution.
        let end = if value.starts_with("$(") {
            value.find(") ").map_or(value.len(), |at| at + 1)
        } else {
            value.find(' ').unwrap_or(value.len())
        };
        rest = value.get(end..).unwrap_or("").trim_start();
    }
    (variables, rest.to_string())
}

/// The names of the tests of a test target as its runner shows them (`lib` for the unit tests,
/// as `module::function`).
fn test_names(target: &str) -> Vec<String> {
    let walk = |dir: &str, extension: &str| -> Vec<String> {
        walkdir::WalkDir::new(root().join(dir))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| {
                entry
                    .path()
                    .extension()
                    .is_some_and(|found| found == extension)
                    || extension == "ehp" && entry.file_type().is_dir()
            })
            .filter_map(|entry| {
                let relative = entry.path().strip_prefix(root()).ok()?;
                Some(relative.to_string_lossy().replace('\\', "/"))
            })
            .collect()
    };
    let functions_of = |dirs: &[&str], prefix: bool| -> Vec<String> {
        rust_files(dirs)
            .into_iter()
            .flat_map(|file| {
                let module = file
                    .path
                    .trim_start_matches("src/")
                    .trim_end_matches(".rs")
                    .replace('/', "::");
                functions(&file.code).into_iter().map(move |function| {
                    if prefix {
                        format!("{module}::{}", function.name)
                    } else {
                        function.name
                    }
                })
            })
            .collect()
    };
    match target {
        "cases" => {
            let mut names = walk("tests/cases", "ehp");
            names.extend(walk("docs/codes", "md"));
            names
        }
        "lsp" => walk("tests/lsp", "ehp"),
        "lib" => functions_of(&["src"], true),
        other => functions_of(&[&format!("tests/{other}.rs")], false),
    }
}

/// Every test target: `lib` and one per file of `tests/`.
fn all_targets() -> Vec<String> {
    let mut targets = vec!["lib".to_string()];
    let entries = std::fs::read_dir(root().join("tests")).expect("tests/");
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs") {
            targets.push(stem.to_string());
        }
    }
    targets
}

/// What is wrong with a `cargo test` command's arguments, if anything.
fn check_cargo_test(arguments: &[&str]) -> Result<(), String> {
    let mut targets = Vec::new();
    let mut filters = Vec::new();
    let mut exact = Vec::new();
    let mut after_separator = false;
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        match *word {
            "--" => after_separator = true,
            "--test" if !after_separator => {
                targets.push(words.next().ok_or("--test needs a name")?.to_string());
            }
            "--lib" if !after_separator => targets.push("lib".to_string()),
            "--exact" | "--list" | "-q" | "--nocapture" | "--show-output" if after_separator => {}
            "--skip" if after_separator => {
                filters.push(words.next().ok_or("--skip needs a filter")?.to_string());
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            filter => filters.push(filter.to_string()),
        }
    }
    if arguments.contains(&"--exact") {
        exact = std::mem::take(&mut filters);
    }
    let known = all_targets();
    if let Some(unknown) = targets.iter().find(|target| !known.contains(target)) {
        return Err(format!("no test target `{unknown}`"));
    }
    let names: Vec<String> = if targets.is_empty() { known } else { targets }
        .iter()
        .flat_map(|target| test_names(target))
        .collect();
    if let Some(filter) = filters
        .iter()
        .find(|filter| !names.iter().any(|name| name.contains(filter.as_str())))
    {
        return Err(format!("the filter `{filter}` matches no test"));
    }
    match exact.iter().find(|name| !names.contains(name)) {
        Some(name) => Err(format!("no test is named exactly `{name}`")),
        None => Ok(()),
    }
}

/// The subcommands of cargo-insta the README may show, with the options it may give them.
const INSTA: &[(&str, &[&str])] = &[
    ("review", &[]),
    ("pending-snapshots", &[]),
    ("accept", &[]),
    ("reject", &[]),
    ("test", &["--unreferenced=reject"]),
];

/// Environment variables the README may set that other tools define (insta, libtest).
const FOREIGN_VARIABLES: &[&str] = &["INSTA_UPDATE", "RUST_TEST_THREADS", "RUST_BACKTRACE"];

/// Whether the code of the repository (src, tests, benches) reads the variable `name`.
fn is_read(name: &str) -> bool {
    FOREIGN_VARIABLES.contains(&name)
        || rust_files(&["src", "tests"])
            .iter()
            .any(|file| file.text.contains(&format!("\"{name}\"")))
}

#[test]
fn readme_commands_name_real_tests() {
    let text = readme();
    let lines: Vec<String> = blocks(&text, "sh").into_iter().flatten().collect();
    assert!(lines.len() > 10, "tests/README.md shows its commands");
    for line in &lines {
        let (variables, command) = assignments(line);
        for variable in &variables {
            assert!(
                is_read(variable),
                "tidy rule `tests/README.md`: `{line}` sets {variable}, which nothing reads"
            );
        }
        let words: Vec<&str> = command.split_whitespace().collect();
        let outcome = match words.as_slice() {
            ["cargo", "test", arguments @ ..] => check_cargo_test(arguments),
            ["cargo", "insta", subcommand, options @ ..] => INSTA
                .iter()
                .find(|(known, _)| known == subcommand)
                .ok_or_else(|| format!("cargo insta has no `{subcommand}` here"))
                .and_then(|(_, known)| {
                    match options.iter().find(|option| !known.contains(option)) {
                        Some(option) => Err(format!("unknown option {option}")),
                        None => Ok(()),
                    }
                }),
            _ => Err("tidy does not know how to check this command".to_string()),
        };
        if let Err(error) = outcome {
            panic!("tidy rule `tests/README.md`: `{line}`: {error}");
        }
    }
}

#[test]
fn readme_example_case_produces_its_codes() {
    let examples = blocks(&readme(), "ehp");
    assert!(!examples.is_empty(), "tests/README.md shows a case");
    for lines in examples {
        let text = lines.join("\n") + "\n";
        let header = lines
            .first()
            .and_then(|line| line.strip_prefix("// expect = "))
            .expect("the example starts with its header");
        let expected: Vec<String> = serde_json::from_str(header).expect("a list of codes");
        let analysis = ehp::analyze(&[("tests/README.md#example".to_string(), text)]);
        let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.id).collect();
        assert_eq!(
            codes, expected,
            "tidy rule `tests/README.md`: the example case"
        );
    }
}

/// The inline code spans of the Markdown `text` outside fenced blocks: a run of backticks
/// opens one, and the next run of as many closes it.
fn inline_code(text: &str) -> BTreeSet<&str> {
    let mut spans = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find('`') {
            let after = rest.get(open..).unwrap_or("");
            let ticks = after.len() - after.trim_start_matches('`').len();
            let fence = "`".repeat(ticks);
            let body = after.get(ticks..).unwrap_or("");
            let Some(close) = body.find(&fence) else {
                break;
            };
            spans.insert(body.get(..close).unwrap_or("").trim());
            rest = body.get(close + ticks..).unwrap_or("");
        }
    }
    spans
}

#[test]
fn readme_names_existing_files_and_checks() {
    let text = readme();
    let quoted = inline_code(&text);
    for path in &quoted {
        let is_path = ["tests/", "src/", "docs/", ".ci/"]
            .iter()
            .any(|prefix| path.starts_with(prefix));
        // Paths with a placeholder (`tests/cases/PHASE/`) are patterns, not files.
        if is_path && !path.chars().any(|c| c.is_ascii_uppercase()) && !path.contains(' ') {
            assert!(
                root().join(path.trim_end_matches('/')).exists(),
                "tidy rule `tests/README.md`: it names {path}, which does not exist"
            );
        }
    }
    let external = std::fs::read_to_string(root().join("tests/external.rs")).expect("external");
    // The checks are the names listed in `checks![...]`.
    let listed = external
        .split("checks![")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("tests/external.rs lists its checks with checks![...]");
    let checks: Vec<&str> = listed
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    assert!(!checks.is_empty());
    for target in all_targets().iter().filter(|target| *target != "lib") {
        assert!(
            quoted.contains(target.as_str()),
            "tidy rule `tests/README.md`: its table of test binaries lacks `{target}`"
        );
    }
    for check in checks {
        assert!(
            quoted.contains(check),
            "tidy rule `tests/README.md`: the table of checks that need tools lacks `{check}`"
        );
    }
    for row in text.lines().filter(|line| line.starts_with("| `")) {
        let variable = row.split('`').nth(1).unwrap_or("");
        assert!(
            is_read(variable) || !variable.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
            "tidy rule `tests/README.md`: the table names {variable}, which nothing reads"
        );
    }
}
