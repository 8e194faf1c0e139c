//! The runner of the `harness = false` test binaries (`tests/support/harness.rs`): it reads
//! libtest's command line, a filter that matches nothing passes, skipped checks are counted (and
//! fail when every check is required), and a panic is shown only for a failing test.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

mod support;

use support::harness::{Args, Outcome, Summary, Trial, execute};

fn args(words: &[&str]) -> Args {
    Args::parse(words.iter().map(|word| word.to_string())).expect("valid arguments")
}

/// Four trials: one passes, one fails, one panics, one is skipped.
fn trials() -> Vec<Trial> {
    vec![
        Trial::test("tests/cases/a.ehp", || Ok(())),
        Trial::test("tests/cases/b.ehp", || Err("expected E0301".to_string())),
        Trial::test("tests/lsp/c.ehp", || panic!("a real failure")),
        Trial::check("helm_reads", || {
            Ok(Outcome::Skipped("HELM_READ is not set".to_string()))
        }),
    ]
}

fn failed_names(summary: &Summary) -> Vec<&str> {
    let mut names: Vec<&str> = summary
        .failed
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    names.sort_unstable();
    names
}

#[test]
fn options_are_read_as_libtest_reads_them() {
    let parsed = args(&[
        "cases",
        "--exact",
        "--skip",
        "docs",
        "--test-threads=2",
        "--format",
        "terse",
        "--list",
        "--color",
        "never",
        "-q",
        "--nocapture",
        "lsp",
    ]);
    assert_eq!(parsed.filters, ["cases", "lsp"]);
    assert_eq!(parsed.skip, ["docs"]);
    assert!(parsed.exact && parsed.list && parsed.terse && parsed.quiet && parsed.nocapture);
    assert_eq!(parsed.threads, Some(2));
    assert!(args(&["--ignored"]).none_selected);
    assert!(args(&["--bench"]).none_selected);
    assert!(!args(&["--include-ignored", "--show-output"]).none_selected);
    assert!(Args::parse(["--frobnicate".to_string()]).is_err());
    assert!(
        Args::parse(["--skip".to_string()]).is_err(),
        "--skip needs a value"
    );
    assert_eq!(
        Args::parse(["--help".to_string()]),
        Err(String::new()),
        "--help prints the usage"
    );
}

#[test]
fn filters_select_by_substring_or_exact_name_and_skip() {
    let any = args(&["cases/", "lsp"]);
    assert!(any.selects("tests/cases/a.ehp") && any.selects("tests/lsp/c.ehp"));
    assert!(!any.selects("helm_reads"));
    let exact = args(&["--exact", "tests/cases/a.ehp"]);
    assert!(exact.selects("tests/cases/a.ehp") && !exact.selects("tests/cases/a.ehp.old"));
    let skip = args(&["--skip", "docs"]);
    assert!(skip.selects("tests/cases/a.ehp") && !skip.selects("docs/codes/E0301.md"));
    assert!(args(&[]).selects("anything"));
}

#[test]
fn a_filter_that_matches_nothing_runs_nothing_and_passes() {
    let summary = execute(&args(&["no-such-test"]), trials(), false);
    assert_eq!(
        summary,
        Summary {
            filtered_out: 4,
            ..Summary::default()
        }
    );
}

#[test]
fn outcomes_are_counted_and_failures_say_why() {
    let summary = execute(&args(&[]), trials(), false);
    assert_eq!((summary.passed, summary.skipped), (1, 1));
    assert_eq!(
        failed_names(&summary),
        ["tests/cases/b.ehp", "tests/lsp/c.ehp"]
    );
    let text = |name: &str| {
        summary
            .failed
            .iter()
            .find(|(failed, _)| failed == name)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    };
    assert!(text("tests/cases/b.ehp").contains("expected E0301"));
    assert!(
        text("tests/lsp/c.ehp").contains("a real failure"),
        "the captured panic is shown: {}",
        text("tests/lsp/c.ehp")
    );
}

#[test]
fn every_check_required_turns_a_skip_into_a_failure() {
    let summary = execute(&args(&["helm"]), trials(), true);
    assert_eq!((summary.passed, summary.skipped), (0, 0));
    assert_eq!(failed_names(&summary), ["helm_reads"]);
    let (_, text) = summary.failed.first().expect("one failure");
    assert!(text.contains("HELM_READ is not set") && text.contains("EHP_REQUIRE_ALL_CHECKS"));
}

#[test]
fn a_panic_caught_inside_a_passing_test_is_not_shown() {
    let caught = Trial::test("caught", || {
        let inner = std::panic::catch_unwind(|| panic!("a deliberate panic"));
        if inner.is_err() {
            Ok(())
        } else {
            Err("the inner panic was not caught".to_string())
        }
    });
    let summary = execute(&args(&[]), vec![caught], false);
    assert_eq!((summary.passed, summary.failed.len()), (1, 0));
}

#[test]
fn list_prints_names_and_runs_nothing() {
    let summary = execute(&args(&["--list", "cases"]), trials(), false);
    assert_eq!(
        summary,
        Summary {
            filtered_out: 2,
            ..Summary::default()
        }
    );
}
