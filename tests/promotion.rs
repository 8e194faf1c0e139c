//! Promotion commands end to end, on temporary git repositories: `ehp promote`, `ehp hotfix`,
//! `ehp check` (with `--against`), `ehp diff`, `ehp status` and `ehp why`, run as the binary.
// The tests write projects to temporary directories and read them back.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

mod support;

#[path = "promotion/repo.rs"]
mod repo;

use std::fs;
use std::path::Path;
use std::process::Command;

use repo::{Repo, Run, block, changed_only_inside, hotfix, line_of, promote};

#[test]
fn promote_edits_only_the_target_override_and_records_it() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    repo.commit("journal 2.5.0 on inttest");
    let before = repo.snapshot();
    let journal_before = repo.read("apps/journal.ehp");

    promote(&repo, "journal", "inttest", "exttest");

    let journal = repo.read("apps/journal.ehp");
    changed_only_inside(&journal_before, &journal, block(&journal_before, "exttest"));
    let (start, end) = block(&journal, "exttest");
    let exttest = &journal[start..end];
    assert!(exttest.contains("memory = 512Mi"), "{exttest}");
    assert!(exttest.contains("tag = \"2.5.0\""), "{exttest}");
    for expected in [
        "promoted {",
        "from = \"inttest\"",
        "by = \"kari@ehealth.example\"",
        "reason = \"QA passed\"",
        "date = \"2026-03-01\"",
        "release {",
    ] {
        assert!(exttest.contains(expected), "{expected} in {exttest}");
    }
    for (path, text) in before {
        if !path.ends_with("apps/journal.ehp") {
            assert_eq!(fs::read_to_string(&path).expect("read"), text, "{path:?}");
        }
    }
    let check = repo.ehp(&["check", "."]);
    assert_eq!(check.code, 0, "{check:?}");
    // No warning but W0021: this project's charts are not fetched.
    let warnings: Vec<&str> = check
        .stderr
        .lines()
        .filter(|line| line.contains("warning[") && !line.contains("W0021"))
        .collect();
    assert!(warnings.is_empty(), "{check:?}");
    let fmt = repo.ehp(&["fmt", "--check", "."]);
    assert_eq!(fmt.code, 0, "{fmt:?}\n{journal}");
}

#[test]
fn a_step_outside_the_chain_is_refused_and_changes_nothing() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    let before = repo.snapshot();
    let run = repo.ehp(&[
        "promote",
        "journal",
        "--from",
        "inttest",
        "--to",
        "prod",
        "--actor",
        "ola@ehealth.example",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("E0601"), "{run:?}");
    assert!(run.stderr.contains("inttest -> prod"), "{run:?}");
    assert_eq!(repo.snapshot(), before);
}

/// An edit saved while `promote` analyses is never overwritten: the command refuses, and the
/// file keeps the user's text.
#[test]
fn promote_refuses_a_file_changed_since_it_was_read() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    let child = repo
        .command(
            "test@example.com",
            &[
                "promote",
                "journal",
                "--from",
                "inttest",
                "--to",
                "exttest",
                "--actor",
                "kari@ehealth.example",
            ],
        )
        // The command pauses right before it replaces the file.
        .env("EHP_TEST_FAULT", "pause:4000")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ehp runs");
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let saved = format!(
        "{}\n// saved by the user meanwhile\n",
        repo.read("apps/journal.ehp")
    );
    repo.write("apps/journal.ehp", &saved);
    let output = child.wait_with_output().expect("ehp ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("changed since ehp read it"), "{stderr}");
    assert_eq!(repo.read("apps/journal.ehp"), saved);
}

/// A promotion keeps the comments of the record it replaces, the file's CRLF line endings and
/// its mode, and edits a symbolic link's target, leaving the link a link.
#[test]
fn promote_keeps_comments_line_endings_mode_and_links() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::new();
    repo.replace(
        "apps/journal.ehp",
        "            from = \"inttest\"\n",
        "            // Approved in CAB-1234.\n            from = \"inttest\" // the QA run\n",
    );
    repo.release_journal("2.4.0", "2.5.0");
    let crlf = repo.read("apps/journal.ehp").replace('\n', "\r\n");
    // The file itself is in a hidden folder, which is not walked: only the link leads to it.
    fs::create_dir_all(repo.path().join(".shared")).expect("mkdir");
    repo.write(".shared/journal.ehp", &crlf);
    fs::remove_file(repo.path().join("apps/journal.ehp")).expect("rm");
    std::os::unix::fs::symlink(
        "../.shared/journal.ehp",
        repo.path().join("apps/journal.ehp"),
    )
    .expect("symlink");
    let target = repo.path().join(".shared/journal.ehp");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).expect("chmod");
    let run = promote(&repo, "journal", "inttest", "exttest");
    assert_eq!(run.code, 0, "{run:?}");
    let link = fs::symlink_metadata(repo.path().join("apps/journal.ehp")).expect("link");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let edited = fs::read_to_string(&target).expect("read");
    assert!(edited.contains("2.5.0"), "{edited}");
    assert!(edited.contains("// Approved in CAB-1234."), "{edited}");
    assert!(edited.contains("// the QA run"), "{edited}");
    assert_eq!(
        edited.matches('\n').count(),
        edited.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    let mode = fs::metadata(&target).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn dry_runs_into_a_closed_pipe_do_not_panic() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    let before = repo.snapshot();
    for args in [
        &[
            "promote",
            "journal",
            "--from",
            "inttest",
            "--to",
            "exttest",
            "--actor",
            "kari@ehealth.example",
            "--dry-run",
        ][..],
        &[
            "hotfix",
            "journal",
            "--env",
            "prod",
            "--tag",
            "2.4.1",
            "--reason",
            "CVE",
            "--actor",
            "ola@ehealth.example",
            "--dry-run",
        ],
        &["status"],
        &["why", "prod", "journal", "tag"],
    ] {
        let (code, stderr) = repo.ehp_into_closed_pipe(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_eq!(repo.snapshot(), before);
}

#[test]
fn dry_run_prints_the_edit_and_changes_nothing() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    let before = repo.snapshot();
    let run = repo.ehp(&[
        "promote",
        "journal",
        "--from",
        "inttest",
        "--to",
        "exttest",
        "--actor",
        "kari@ehealth.example",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("--- a/apps/journal.ehp"), "{run:?}");
    assert!(
        run.stdout
            .contains("-        tag = \"2.4.0\"\n+        tag = \"2.5.0\""),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("+                tag = \"2.5.0\""),
        "{run:?}"
    );
    assert_eq!(repo.snapshot(), before);
}

#[test]
fn promote_all_moves_every_app_of_the_environment() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    repo.replace("apps/portal.ehp", "tag = \"5.1.0\"", "tag = \"5.2.0\"");
    let run = repo.ehp(&[
        "promote",
        "--all",
        "--from",
        "inttest",
        "--to",
        "exttest",
        "--actor",
        "kari@ehealth.example",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let journal = repo.read("apps/journal.ehp");
    let portal = repo.read("apps/portal.ehp");
    let (start, end) = block(&journal, "exttest");
    assert!(journal[start..end].contains("tag = \"2.5.0\""));
    let (start, end) = block(&portal, "exttest");
    assert!(portal[start..end].contains("tag = \"5.2.0\""));
    assert!(portal[start..end].contains("by = \"kari@ehealth.example\""));
    let status = repo.ehp(&["status", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("json");
    for app in json["apps"].as_array().expect("apps") {
        assert_eq!(
            app["envs"]["exttest"]["promoted"]["from"], "inttest",
            "{app}"
        );
    }
}

#[test]
fn hotfix_goes_only_into_a_hotfix_environment_and_flows_back() {
    let repo = Repo::new();
    let before = repo.snapshot();
    let refused = hotfix(&repo, "exttest", "2.4.1", "CVE");
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("E0602"), "{refused:?}");
    assert_eq!(repo.snapshot(), before);

    let run = hotfix(&repo, "prod", "2.4.1", "CVE-2026-1234");
    assert_eq!(run.code, 0, "{run:?}");
    let journal = repo.read("apps/journal.ehp");
    let (start, end) = block(&journal, "prod");
    let prod = &journal[start..end];
    for expected in [
        "tag = \"2.4.1\"",
        "hotfix {",
        "reason = \"CVE-2026-1234\"",
        "by = \"ola@ehealth.example\"",
        "date = \"2026-03-02\"",
    ] {
        assert!(prod.contains(expected), "{expected} in {prod}");
    }
    let check = repo.ehp(&["check", "."]);
    assert_eq!(check.code, 0, "{check:?}");
    assert_eq!(check.stderr.matches("W0005").count(), 3, "{check:?}");
    let status = repo.ehp(&["status", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("json");
    let journal_status = &json["apps"][0];
    assert_eq!(journal_status["name"], "journal");
    assert_eq!(
        journal_status["envs"]["prod"]["hotfix"]["not_back_in"],
        serde_json::json!(["inttest", "exttest", "preprod"])
    );
    assert_eq!(
        journal_status["envs"]["preprod"]["behind_hotfix_in"],
        serde_json::json!(["prod"])
    );
    assert!(journal_status["envs"]["prod"]["waiting"].is_null());

    // The fix flows back: released on inttest and promoted to preprod.
    repo.release_journal("2.4.0", "2.4.1");
    promote(&repo, "journal", "inttest", "exttest");
    let check = repo.ehp(&["check", "."]);
    assert_eq!(check.stderr.matches("W0005").count(), 1, "{check:?}");
    promote(&repo, "journal", "exttest", "preprod");
    let check = repo.ehp(&["check", "."]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(!check.stderr.contains("W0005"), "{check:?}");

    // The next release walks the chain and replaces the hot-fix record in prod.
    repo.release_journal("2.4.1", "2.5.0");
    promote(&repo, "journal", "inttest", "exttest");
    promote(&repo, "journal", "exttest", "preprod");
    promote(&repo, "journal", "preprod", "prod");
    let journal = repo.read("apps/journal.ehp");
    let (start, end) = block(&journal, "prod");
    let prod = &journal[start..end];
    assert!(!prod.contains("hotfix"), "{prod}");
    assert!(prod.contains("from = \"preprod\""), "{prod}");
    assert!(prod.contains("tag = \"2.5.0\""), "{prod}");
    assert_eq!(repo.ehp(&["check", "."]).code, 0);
}

#[test]
fn check_reports_a_hand_edited_release() {
    let repo = Repo::new();
    repo.replace(
        "apps/journal.ehp",
        "replicas = 3\n        tag = \"2.4.0\"",
        "replicas = 3\n        tag = \"2.4.9\"",
    );
    let journal = repo.read("apps/journal.ehp");
    let line = line_of(&journal, "tag = \"2.4.9\"");
    let run = repo.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(run.code, 1, "{run:?}");
    let expected = format!("apps/journal.ehp:{line}:15: error[E0603]");
    assert!(run.stderr.contains(&expected), "{expected}\n{run:?}");
}

#[test]
fn check_against_a_revision_allows_promotions_and_hotfixes_only() {
    let repo = Repo::new();
    // A hand edit of a protected environment.
    repo.replace(
        "apps/journal.ehp",
        "    in preprod {\n        tag = \"2.4.0\"",
        "    in preprod {\n        tag = \"2.4.9\"",
    );
    let run = repo.ehp(&[
        "check",
        ".",
        "--against",
        "HEAD",
        "--message-format",
        "short",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[E0604]"), "{run:?}");
    repo.git(&["checkout", "--", "."]);

    // A promotion.
    repo.release_journal("2.4.0", "2.5.0");
    repo.commit("journal 2.5.0");
    promote(&repo, "journal", "inttest", "exttest");
    let run = repo.ehp_as("kari@ehealth.example", &["check", ".", "--against", "HEAD"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("ok: the working tree since HEAD (")
            && run.stderr.contains("): 1 promoted; every change"),
        "{run:?}"
    );
    // The same change, by someone who is not the qa lead.
    let run = repo.ehp(&["check", ".", "--against", "HEAD"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[E0610]"), "{run:?}");
    repo.commit("promote journal to exttest");

    // A hot-fix.
    let run = hotfix(&repo, "prod", "2.4.1", "CVE");
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.ehp_as("ola@ehealth.example", &["check", ".", "--against", "HEAD"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("1 hot-fixed"), "{run:?}");
}

#[test]
fn diff_against_a_revision_shows_the_changed_value_and_its_line() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    repo.commit("journal 2.5.0 on inttest");
    promote(&repo, "journal", "inttest", "exttest");

    let unified = repo.ehp(&["diff", "--base", "HEAD"]);
    assert_eq!(unified.code, 0, "{unified:?}");
    assert!(
        unified
            .stdout
            .contains("--- a/exttest/values/journal.yaml\n+++ b/exttest/values/journal.yaml"),
        "{unified:?}"
    );
    assert!(
        unified
            .stdout
            .contains("-  tag: \"2.4.0\"\n+  tag: \"2.5.0\""),
        "{unified:?}"
    );
    assert!(
        !unified.stdout.contains("inttest/"),
        "only exttest changed: {unified:?}"
    );
    assert!(
        !unified.stdout.contains("prod/"),
        "only exttest changed: {unified:?}"
    );

    let journal = repo.read("apps/journal.ehp");
    let (start, _) = block(&journal, "exttest");
    let tag_line = journal[..start + journal[start..].find("tag = \"2.5.0\"").expect("tag")]
        .lines()
        .count();
    let markdown = repo.ehp(&["diff", ".", "--base", "HEAD", "--format", "markdown"]);
    assert_eq!(markdown.code, 0, "{markdown:?}");
    assert!(
        markdown
            .stdout
            .contains("| exttest | journal | 1 value changed |"),
        "{markdown:?}"
    );
    let expected =
        format!("- `image.tag`: `\"2.4.0\"` → `\"2.5.0\"` (`apps/journal.ehp:{tag_line}`)");
    assert!(
        markdown.stdout.contains(&expected),
        "{expected}\n{markdown:?}"
    );
    assert!(markdown.stdout.contains("<details>"), "{markdown:?}");
    assert!(
        markdown.stdout.contains("+  tag: \"2.5.0\""),
        "{markdown:?}"
    );

    let only_prod = repo.ehp(&["diff", "--base", "HEAD", "--env", "prod", "--exit-code"]);
    assert_eq!(only_prod.code, 0, "{only_prod:?}");
    assert_eq!(only_prod.stdout, "");
    let exttest = repo.ehp(&["diff", "--base", "HEAD", "--env", "exttest", "--exit-code"]);
    assert_eq!(exttest.code, 1, "{exttest:?}");
}

#[test]
fn diff_between_two_environments() {
    let repo = Repo::new();
    let run = repo.ehp(&["diff", "--from", "inttest", "--to", "prod"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("--- a/inttest/values/journal.yaml\n+++ b/prod/values/journal.yaml"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("-replicaCount: 1\n+replicaCount: 3"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("--- a/inttest/helmsman.yaml\n+++ b/prod/helmsman.yaml"),
        "{run:?}"
    );
    let markdown = repo.ehp(&[
        "diff", "--from", "inttest", "--to", "prod", "--format", "markdown",
    ]);
    let line = line_of(&repo.read("apps/journal.ehp"), "replicas = 3");
    let expected = format!("- `replicaCount`: `1` → `3` (`apps/journal.ehp:{line}`)");
    assert!(
        markdown.stdout.contains(&expected),
        "{expected}\n{markdown:?}"
    );
    // `--env` only selects environments: without `--base` there is nothing to compare.
    let one = repo.ehp(&["diff", "--env", "inttest"]);
    assert_eq!(one.code, 2, "{one:?}");
    let half = repo.ehp(&["diff", "--from", "inttest"]);
    assert_eq!(half.code, 2, "{half:?}");
}

#[test]
fn status_in_every_format() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    promote(&repo, "journal", "inttest", "exttest");

    let text = repo.ehp(&["status"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("← 2.5.0 waiting"), "{text:?}");
    assert!(text.stdout.contains("journal: 2.5.0"), "{text:?}");

    let json = repo.ehp(&["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["chain"][0],
        serde_json::json!({ "env": "inttest", "step": null })
    );
    assert_eq!(
        json["chain"][2]["step"],
        serde_json::json!({ "kind": "pull_request", "from": "master", "to": "prod" })
    );
    assert_eq!(json["hotfix"], serde_json::json!(["prod"]));
    let journal = &json["apps"][0];
    assert_eq!(journal["name"], "journal");
    assert_eq!(journal["envs"]["exttest"]["release"]["tag"], "2.5.0");
    assert_eq!(
        journal["envs"]["exttest"]["promoted"]["by"],
        "kari@ehealth.example"
    );
    assert_eq!(journal["envs"]["preprod"]["release"]["tag"], "2.4.0");
    assert_eq!(journal["envs"]["preprod"]["waiting"]["tag"], "2.5.0");
    assert!(journal["envs"]["prod"]["waiting"].is_null());

    let markdown = repo.ehp(&["status", "--format", "markdown"]);
    assert!(
        markdown
            .stdout
            .contains("| App | inttest | exttest | preprod | prod |"),
        "{markdown:?}"
    );
    assert!(
        markdown.stdout.contains("*← 2.5.0 waiting*"),
        "{markdown:?}"
    );

    let html = repo.ehp(&["status", "--format", "html"]);
    assert_eq!(html.code, 0, "{html:?}");
    assert!(html.stdout.starts_with("<!DOCTYPE html>"), "{html:?}");
    assert!(html.stdout.contains("<style>"));
    assert!(html.stdout.contains("← 2.5.0 waiting"));
    assert!(
        html.stdout
            .contains("<li>inttest, exttest, preprod, prod from the working tree</li>")
    );
    assert!(
        html.stdout
            .contains("<span class=\"who\">promoted by kari@ehealth.example, 2026-03-01</span>")
    );
    for external in [
        "http://", "https://", "src=", "<link", "@import", "url(", "<script",
    ] {
        assert!(!html.stdout.contains(external), "{external} in the page");
    }
}

#[test]
fn status_says_what_it_read_when_and_who_in_every_format() {
    let repo = Repo::new();
    repo.release_journal("2.4.0", "2.5.0");
    promote(&repo, "journal", "inttest", "exttest");
    let text = repo.ehp(&["status"]);
    assert!(
        text.stdout.starts_with("made ")
            && text
                .stdout
                .contains("read inttest, exttest, preprod, prod from the working tree"),
        "{text:?}"
    );
    assert!(
        text.stdout
            .contains("promoted by kari@ehealth.example, 2026-03-01"),
        "{text:?}"
    );
    let json = repo.ehp(&["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert!(json["made"].is_string(), "{json}");
    assert_eq!(json["revisions"][0]["rev"], "working tree", "{json}");
    assert_eq!(
        json["apps"][0]["envs"]["exttest"]["promoted"]["reason"],
        "QA passed"
    );
    let markdown = repo.ehp(&["status", "--format", "markdown"]).stdout;
    assert!(markdown.contains("Made "), "{markdown}");
    assert!(
        markdown.contains("- inttest, exttest, preprod, prod from the working tree"),
        "{markdown}"
    );
    assert!(
        markdown.contains("<br>promoted by kari@ehealth.example, 2026-03-01"),
        "{markdown}"
    );
    let html = repo.ehp(&["status", "--format", "html"]).stdout;
    assert!(html.contains("<li>inttest, exttest, preprod, prod from the working tree</li>"));
    assert!(
        html.contains("<span class=\"who\">promoted by kari@ehealth.example, 2026-03-01</span>")
    );
}

#[test]
fn status_without_a_chain_is_e0606() {
    let repo = Repo::new();
    fs::remove_file(repo.path().join("promotion.ehp")).expect("remove");
    let run = repo.ehp(&["status"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("E0606"), "{run:?}");
}

#[test]
fn why_names_every_layer_and_the_winner_on_the_example() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let output = Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(["why", "prod", "patient-journal", "tag", "--path"])
        .arg(&example)
        .output()
        .expect("ehp runs");
    let run = Run::from(output);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0], "prod / patient-journal / tag = \"2.3.0\"",
        "{run:?}"
    );
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(lines[1].contains("app `patient-journal`") && lines[1].contains("\"2.4.1\""));
    assert!(lines[2].contains("override `in preprod`") && lines[2].contains("\"2.3.1\""));
    assert!(lines[3].contains("override `in prod`") && lines[3].ends_with("\"2.3.0\"  <- wins"));
    assert!(!lines[2].contains("wins"));
}

/// A release setting of helmsman's format that differs between environments is a change the
/// Markdown report names, with the line that set it.
#[test]
fn diff_names_changed_release_settings() {
    let repo = Repo::new();
    repo.replace(
        "apps/journal.ehp",
        "    in preprod {\n",
        "    in prod {\n        helm_flags = [\"--atomic\"]\n    }\n    in preprod {\n",
    );
    let markdown = repo.ehp(&[
        "diff", "--from", "inttest", "--to", "prod", "--format", "markdown",
    ]);
    assert_eq!(markdown.code, 0, "{markdown:?}");
    assert!(markdown.stdout.contains("DSF helm_flags"), "{markdown:?}");
    assert!(markdown.stdout.contains("--atomic"), "{markdown:?}");
}
