//! The newcomer's path, walked as a new user would: the commands of the README (in a copy of
//! the repository's example), then `docs/language.md` (every `.ehp` block in it is valid
//! syntax, and its first look checks clean), then a first app written into the example project,
//! once with `ehp init --app` and once by hand as the language reference shows it.

#![allow(clippy::disallowed_methods)] // The test copies the example and writes an app.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder laid out like the repository: `examples/ehealth` copied into it.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = repository().join("examples/ehealth");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("walk");
        let inside = entry.path().strip_prefix(&source).expect("inside");
        let target = dir.path().join("examples/ehealth").join(inside);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

/// Runs `ehp ARGS` in `dir`: the exit status, stdout and stderr.
fn ehp(dir: &Path, args: &[String]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("ehp runs");
    (
        output.status.code().expect("exit status"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The lines of the ```sh blocks of a Markdown text.
fn shell_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            inside = line == "```sh";
            continue;
        }
        if inside && !line.trim().is_empty() {
            lines.push(line.trim().to_string());
        }
    }
    lines
}

/// The ```ehp blocks of a Markdown text.
fn ehp_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```ehp\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .map(|block| format!("{block}\n"))
        .collect()
}

#[test]
fn the_readme_commands_work_as_it_says() {
    let readme = fs::read_to_string(repository().join("README.md")).expect("README.md");
    let dir = scratch();
    let mut ran = 0;
    for line in shell_lines(&readme) {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        // `cargo run --release -- ARGS` is `ehp ARGS`; `cargo test` is this test suite itself.
        let args = match words.as_slice() {
            [cargo, run, release, dashes, rest @ ..]
                if cargo == "cargo" && run == "run" && release == "--release" && dashes == "--" =>
            {
                rest.to_vec()
            }
            [ehp, rest @ ..] if ehp == "ehp" => rest.to_vec(),
            [cargo, test] if cargo == "cargo" && test == "test" => continue,
            _ => panic!("README.md runs a command this test does not know: {line}"),
        };
        let (code, stdout, stderr) = ehp(dir.path(), &args);
        assert_eq!(code, 0, "`{line}` failed:\n{stdout}{stderr}");
        ran += 1;
    }
    assert!(ran >= 4, "the README runs {ran} commands");
    // What the README promises: the example built, a first app that checks clean, its why.
    let root = dir.path().join("examples/ehealth");
    assert!(dir.path().join("out/prod/helmsman.yaml").is_file());
    let app = fs::read_to_string(root.join("apps/booking.ehp")).expect("the first app");
    assert!(app.contains("app booking: web_service"), "{app}");
    // Clean but for W0021: the charts are not fetched, since this test has no network.
    let (code, _, stderr) = ehp(&root, &["check".into()]);
    assert_eq!(code, 0, "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("warning["))
        .collect();
    assert!(
        warnings.iter().all(|line| line.contains("W0021")),
        "{stderr}"
    );
}

#[test]
fn the_language_reference_is_valid_ehp() {
    let language = fs::read_to_string(repository().join("docs/language.md")).expect("language.md");
    let blocks = ehp_blocks(&language);
    assert!(blocks.len() > 10, "{} blocks", blocks.len());
    for block in &blocks {
        let mut problems = ehp::diag::Problems::new();
        ehp::syntax::parse_file(ehp::source::FileId(0), block, &mut problems);
        let problems = problems.into_sorted();
        assert!(problems.is_empty(), "{block}\n{problems:?}");
    }
    // The first look is a whole project.
    let first = blocks.first().expect("a first look");
    let analysis = ehp::analyze(&[("first.ehp".to_string(), first.clone())]);
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn a_first_app_written_by_hand_as_the_reference_shows_it_checks_clean() {
    let language = fs::read_to_string(repository().join("docs/language.md")).expect("language.md");
    let app = ehp_blocks(&language)
        .into_iter()
        .find(|block| block.starts_with("app booking: web_service") && block.contains("in prod"))
        .expect("docs/language.md shows a new app with its releases pinned");
    let dir = scratch();
    let root = dir.path().join("examples/ehealth");
    let file: PathBuf = root.join("apps/booking.ehp");
    fs::write(&file, &app).expect("write the app");
    let (code, _, stderr) = ehp(&root, &["check".into(), "apps/booking.ehp".into()]);
    assert_eq!(code, 0, "{stderr}");
    // Without the pins, the promotion chain asks for them: E0607 once per environment.
    let unpinned = app
        .split("\n\n    in exttest")
        .next()
        .expect("the app's own entries");
    fs::write(&file, format!("{unpinned}\n}}\n")).expect("write");
    let (code, stdout, _) = ehp(
        &root,
        &[
            "check".into(),
            "apps/booking.ehp".into(),
            "--message-format".into(),
            "short".into(),
        ],
    );
    assert_eq!(code, 1);
    let (_, _, stderr) = ehp(&root, &["check".into(), "apps/booking.ehp".into()]);
    assert_eq!(
        stderr.matches("error[E0607]").count(),
        3,
        "{stdout}{stderr}"
    );
}
