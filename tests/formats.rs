//! Diagnostics as CI and people see them: every `--message-format`, colour choices, exit codes,
//! and rendering on non-ASCII and CRLF sources.

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The tests write projects into temporary folders.

mod support;

use std::path::Path;
use std::process::Output;

use support::projects::{ENV, broken_project};

fn ehp(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ehp"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("ehp runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn json_is_one_object_per_diagnostic_with_places_labels_and_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_project(dir.path());
    let output = ehp(
        dir.path(),
        &["check", "proj", "--message-format", "json"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let codes: Vec<&str> = lines
        .iter()
        .filter_map(|line| line["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0301", "E0302", "E0203"], "{stdout}");
    let first = &lines[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["message"], "unknown field `replicsa`");
    assert_eq!(first["file"], "proj/apps.ehp");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(4), Some(13))
    );
    let source = std::fs::read_to_string(dir.path().join("proj/apps.ehp")).expect("read");
    let start = first["byte_start"].as_u64().expect("byte_start") as usize;
    let end = first["byte_end"].as_u64().expect("byte_end") as usize;
    assert_eq!(&source[start..end], "replicsa");
    assert_eq!(first["labels"][0]["primary"], true);
    assert_eq!(first["help"], "did you mean `replicas`?");
    assert!(
        text(&output.stderr).is_empty(),
        "machine formats keep stderr free: {}",
        text(&output.stderr)
    );
}

#[test]
fn sarif_is_one_valid_log_that_code_scanning_accepts() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_project(dir.path());
    let output = ehp(
        dir.path(),
        &["check", "proj", "--message-format", "sarif"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ruleId"], "E0301");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(5))
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let index = results[0]["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "E0301");
    // A clean run is still one valid log, with no results.
    let clean = tempfile::tempdir().expect("tempdir");
    std::fs::write(clean.path().join("env.ehp"), ENV).expect("write");
    let output = ehp(
        clean.path(),
        &["check", ".", "--message-format", "sarif"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn github_and_short_formats_are_one_line_per_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_project(dir.path());
    let output = ehp(
        dir.path(),
        &["check", "proj", "--message-format", "github"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with(
            "::error file=proj/apps.ehp,line=4,col=5,endLine=4,endColumn=13,title=E0301 "
        ),
        "{stdout}"
    );
    assert!(lines[0].contains("::unknown field `replicsa`"), "{stdout}");
    assert!(
        lines[0].contains("%0Ahelp: did you mean `replicas`?"),
        "{stdout}"
    );

    let output = ehp(
        dir.path(),
        &["check", "proj", "--message-format", "short"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("proj/apps.ehp:4:5: error[E0301]: unknown field `replicsa`\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("proj/jobs.ehp:1:13: error[E0203]: unknown template `wroker`\n"),
        "{stderr}"
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_project(dir.path());
    let always = ehp(dir.path(), &["check", "proj", "--color", "always"], &[]);
    assert!(
        text(&always.stderr).contains("\u{1b}["),
        "--color always colours"
    );
    let never = ehp(dir.path(), &["check", "proj", "--color", "never"], &[]);
    assert!(
        !text(&never.stderr).contains("\u{1b}["),
        "--color never does not"
    );
    // Not a terminal: auto means no colour, and so does NO_COLOR.
    let auto = ehp(dir.path(), &["check", "proj"], &[]);
    assert!(!text(&auto.stderr).contains("\u{1b}["));
    let no_color = ehp(
        dir.path(),
        &["check", "proj", "--color", "auto"],
        &[("NO_COLOR", "1")],
    );
    assert!(!text(&no_color.stderr).contains("\u{1b}["));
    assert!(text(&never.stderr).contains("error[E0301]: unknown field `replicsa`"));
    assert!(text(&never.stderr).contains("error: aborting: 3 errors, 0 warnings"));
}

/// The caret sits under the right characters whatever the text before it on the line.
#[test]
fn carets_are_placed_by_characters_on_cjk_emoji_and_crlf_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = format!(
        "{}app journal: web_service {{\r\n    image = \"journal/api\"\r\n    tag = \"2.3.1\"\r\n    config {{ \"挨拶\" = \"こんにちは 👋\" }}\r\n    replicsa = 3\r\n}}\r\n",
        ENV.replace('\n', "\r\n")
    );
    std::fs::write(dir.path().join("main.ehp"), &source).expect("write");
    let output = ehp(
        dir.path(),
        &["check", "main.ehp", "--message-format", "json"],
        &[],
    );
    let line: serde_json::Value =
        serde_json::from_str(text(&output.stdout).lines().next().expect("a diagnostic"))
            .expect("JSON");
    assert_eq!(line["code"], "E0301");
    assert_eq!(
        (line["line"].as_u64(), line["column"].as_u64()),
        (Some(10), Some(5))
    );

    // An error after CJK and an emoji on the same line.
    let source = source
        .replace("replicsa = 3", "replicas = 3")
        .replace("\"こんにちは 👋\" }", "\"こんにちは 👋\", \"名前\" = 7 }");
    std::fs::write(dir.path().join("main.ehp"), &source).expect("write");
    let output = ehp(dir.path(), &["check", "main.ehp", "--color", "never"], &[]);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error[E0302]"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let code_line = lines
        .iter()
        .position(|line| line.contains("\"名前\" = 7"))
        .expect("the source line is shown");
    let caret_line = lines[code_line + 1];
    let code_text = lines[code_line];
    // Compare display columns: CJK characters and the emoji are two columns wide.
    let width =
        |text: &str| -> usize { text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum() };
    let seven = code_text.find("7 }").expect("the value");
    let caret = caret_line.find('┬').expect("a caret under the value");
    assert_eq!(
        width(&caret_line[..caret]),
        width(&code_text[..seven]),
        "\n{code_text}\n{caret_line}"
    );
    let json = ehp(
        dir.path(),
        &["check", "main.ehp", "--message-format", "json"],
        &[],
    );
    let line: serde_json::Value =
        serde_json::from_str(text(&json.stdout).lines().next().expect("a diagnostic"))
            .expect("JSON");
    let column = "    config { \"挨拶\" = \"こんにちは 👋\", \"名前\" = "
        .chars()
        .count()
        + 1;
    assert_eq!(line["column"].as_u64(), Some(column as u64));
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.ehp"),
        format!("{ENV}\ntemplate unused extends web_service {{\n    service_port = 8080\n}}\n"),
    )
    .expect("write");
    let allowed = ehp(dir.path(), &["check", ".", "--color", "never"], &[]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    assert!(text(&allowed.stderr).contains("warning[W0001]: template `unused` is never used"));
    assert!(text(&allowed.stderr).contains("warning: 1 warning"));
    let denied = ehp(
        dir.path(),
        &["check", ".", "--deny", "warnings", "--color", "never"],
        &[],
    );
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        text(&denied.stderr).contains("error: aborting: 0 errors, 1 warning (warnings denied)"),
        "{}",
        text(&denied.stderr)
    );
    let out = dir.path().join("out");
    let build = ehp(
        dir.path(),
        &[
            "build",
            ".",
            "--out",
            out.to_str().expect("utf-8"),
            "--deny",
            "warnings",
        ],
        &[],
    );
    assert_eq!(build.status.code(), Some(1));
    assert!(!out.exists(), "a denied warning writes nothing");
}
