//! Formatter tests: `.input`/`.expected` pairs, idempotence, and that formatting never changes
//! what a file means, over every `.ehp` file in the repository.

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The tests read the repository's .ehp files.

use ehp::diag::Problems;
use ehp::fmt::format_source;
use ehp::source::FileId;
use ehp::syntax::parse_file;

/// The AST with spans removed, to compare the meaning of two sources.
fn shape(text: &str) -> String {
    let mut problems = Problems::new();
    let file = parse_file(FileId(0), text, &mut problems);
    assert!(!problems.has_errors(), "{:?}", problems.into_sorted());
    let debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    // Spans print as `0@12..34`; drop them.
    while let Some(at) = rest.find('@') {
        let before = rest.get(..at).unwrap_or("");
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(before.get(..before.len() - digits).unwrap_or(""));
        let after = rest.get(at + 1..).unwrap_or("");
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        rest = after.get(skip..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn check(text: &str) -> String {
    let once = format_source(text).expect("formats");
    let twice = format_source(&once).expect("formats again");
    assert_eq!(once, twice, "formatting is not idempotent:\n{once}");
    assert_eq!(
        shape(text),
        shape(&once),
        "formatting changed the meaning:\n{once}"
    );
    once
}

#[test]
fn input_expected_pairs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "input") {
            continue;
        }
        let input = std::fs::read_to_string(path).expect("input");
        let expected = std::fs::read_to_string(path.with_extension("expected")).expect("expected");
        assert_eq!(check(&input), expected, "{}", path.display());
        count += 1;
    }
    assert!(count > 0, "there are .input files in tests/fmt");
}

#[test]
fn every_ehp_file_formats_to_a_fixpoint_with_the_same_meaning() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in ["stdlib", "examples", "tests/cases", "tests/fmt"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.expect("walk");
            if entry.path().extension().is_none_or(|ext| ext != "ehp") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("readable");
            let mut problems = Problems::new();
            parse_file(FileId(0), &text, &mut problems);
            if problems.has_errors() {
                assert!(
                    format_source(&text).is_err(),
                    "{} does not parse",
                    entry.path().display()
                );
                continue;
            }
            check(&text);
            count += 1;
        }
    }
    assert!(count > 20, "formatted {count} files");
}

#[test]
fn the_stdlib_and_examples_are_formatted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["stdlib", "examples"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.expect("walk");
            if entry.path().extension().is_none_or(|ext| ext != "ehp") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("readable");
            assert_eq!(
                format_source(&text).expect("formats"),
                text,
                "run `ehp fmt {}`",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_syntax_error_is_refused_with_its_place() {
    let errors = format_source("env a {\n    x = \n}\n").expect_err("does not format");
    assert_eq!(
        errors.first().map(|error| error.code),
        Some(ehp::diag::codes::SYNTAX)
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let text = format!(
        "env a {{\n    x = {}{}\n}}\n",
        "[".repeat(60),
        "]".repeat(60)
    );
    let formatted = check(&text);
    assert!(formatted.starts_with("env a {\n"));
}
