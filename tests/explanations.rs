//! The explanation index: every code has exactly one explanation in `docs/codes/`, no
//! explanation is orphaned, each has the expected sections, and each example really produces
//! its code when compiled (by running the `ehp` binary on it).

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The test reads the explanations and writes examples.

mod support;

use std::path::Path;

/// Codes no input can produce: they report a bug in ehp itself.
const NO_EXAMPLE: &[&str] = &["E0506"];

fn explanation_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir("docs/codes")
        .expect("docs/codes exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            let stem = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stem, std::fs::read_to_string(&path).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_code_has_one_explanation_and_every_explanation_a_code() {
    let files = explanation_files();
    let explained: Vec<&str> = files.iter().map(|(code, _)| code.as_str()).collect();
    let codes: Vec<&str> = ehp::diag::codes::ALL.iter().map(|code| code.id).collect();
    let missing: Vec<&&str> = codes
        .iter()
        .filter(|code| !explained.contains(code))
        .collect();
    let orphaned: Vec<&&str> = explained
        .iter()
        .filter(|code| !codes.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an explanation in docs/codes/: {missing:?}"
    );
    assert!(
        orphaned.is_empty(),
        "explanations without a code: {orphaned:?}"
    );
}

/// The parts of an explanation: its title line, the example source and the extra arguments of
/// the command that compiles it.
struct Parts {
    title: String,
    example: Option<String>,
    command: Vec<String>,
}

fn parts(text: &str) -> Parts {
    let title = text.lines().next().unwrap_or_default().to_string();
    let example = text
        .split("```ehp\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .map(str::to_string);
    let command = text
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("<!-- command: ")
                .and_then(|rest| rest.strip_suffix(" -->"))
        })
        .map(|command| command.split_whitespace().map(str::to_string).collect())
        .unwrap_or_else(|| vec!["check".to_string(), ".".to_string()]);
    Parts {
        title,
        example,
        command,
    }
}

#[test]
fn explanations_have_a_title_meaning_example_and_fix() {
    for (code, text) in explanation_files() {
        let summary = ehp::diag::codes::lookup(&code)
            .map(|found| found.summary)
            .unwrap_or_default();
        let parts = parts(&text);
        assert!(
            parts.title.starts_with(&format!("# {code}: ")),
            "{code}: the first line is `# {code}: title`"
        );
        assert!(
            text.contains("\n## Example\n"),
            "{code}: has an `## Example` section"
        );
        assert!(
            text.contains("\n## Fix\n"),
            "{code}: has a `## Fix` section"
        );
        assert!(!summary.is_empty());
        if !NO_EXAMPLE.contains(&code.as_str()) {
            assert!(
                parts.example.is_some(),
                "{code}: the example is an ```ehp block"
            );
        }
    }
}

/// `<!-- git: commit, then replace "A" with "B" ... -->`: the last `A` becomes `B` after a
/// commit; `<!-- git: commit, then change it to the second example -->`: the second ```ehp
/// block replaces the first after a commit. The text of the change, made from `example`.
fn git_change(text: &str, example: &str) -> Option<String> {
    let line = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("<!-- git: commit, then "))?;
    if line.starts_with("change it to the second example") {
        return text
            .split("```ehp\n")
            .nth(2)
            .and_then(|rest| rest.split("\n```").next())
            .map(str::to_string);
    }
    let line = line.strip_prefix("replace ")?;
    let mut quoted = line.split('"').skip(1).step_by(2);
    let (from, to) = (quoted.next()?, quoted.next()?);
    let position = example
        .rfind(from)
        .expect("the text to change is in the example");
    let mut changed = example.to_string();
    changed.replace_range(position..position + from.len(), to);
    Some(changed)
}

/// Commits `main.ehp` (already written in `dir`) to a new git repository, then writes
/// `changed` over it, as in a pull request.
fn commit_then_change(dir: &Path, changed: &str) {
    let git = |args: &[&str]| support::git(dir, args);
    git(&["init", "-q"]);
    git(&["add", "main.ehp"]);
    git(&["commit", "-q", "-m", "example"]);
    std::fs::write(dir.join("main.ehp"), changed).expect("write change");
}

/// The chart repository of an explanation's `<!-- charts: FOLDER... -->`, served on 127.0.0.1.
fn chart_server(text: &str) -> Option<support::charts::Server> {
    let folders: Vec<std::path::PathBuf> = text
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("<!-- charts: ")
                .and_then(|rest| rest.strip_suffix(" -->"))
        })?
        .split_whitespace()
        .filter(|folder| *folder != "none")
        .map(std::path::PathBuf::from)
        .collect();
    (!folders.is_empty()).then(|| support::charts::repository(&folders).0)
}

/// Before an explanation's command: `<!-- lock: DIGEST -->` writes an `ehp.lock` locking every
/// chart at that digest; otherwise, unless the command is the fetch itself, the charts are
/// fetched.
fn prepare_charts(
    dir: &Path,
    text: &str,
    command: &[String],
    ehp: &dyn Fn(&[&str]) -> std::process::Output,
) {
    let locked = text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("<!-- lock: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
    });
    if let Some(digest) = locked {
        let files = support::charts::ehp_sources(dir);
        let analysis = ehp::analyze(&files);
        let lock = ehp::charts::Lock {
            charts: ehp::charts::required(&analysis.envs)
                .keys()
                .map(|chart| ehp::charts::Locked {
                    repository: chart.repository.clone(),
                    name: chart.name.clone(),
                    version: chart.version.clone(),
                    digest: digest.to_string(),
                })
                .collect(),
        };
        std::fs::write(dir.join("ehp.lock"), lock.render()).expect("lock");
        return;
    }
    if command.first().is_some_and(|first| first == "charts") {
        return;
    }
    let fetched = ehp(&["charts", "fetch", "."]);
    assert!(
        fetched.status.success(),
        "fetching the example's charts: {}",
        String::from_utf8_lossy(&fetched.stderr)
    );
}

// Length: one loop over every explanation: charts, git history, the run and its snapshot.
#[test]
fn every_example_produces_its_code() {
    let binary = env!("CARGO_BIN_EXE_ehp");
    for (code, text) in explanation_files() {
        if NO_EXAMPLE.contains(&code.as_str()) {
            continue;
        }
        let parts = parts(&text);
        let Some(example) = parts.example else {
            continue;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        // `<!-- charts: ... -->`: the charts are served on 127.0.0.1 and fetched first.
        let server = chart_server(&text);
        let serve = |source: &str| match &server {
            Some(server) => {
                source.replace("https://charts.example", &format!("{}/charts", server.url))
            }
            None => source.to_string(),
        };
        std::fs::write(dir.path().join("main.ehp"), serve(&example)).expect("write example");
        if let Some(changed) = git_change(&text, &example) {
            commit_then_change(dir.path(), &serve(&changed));
        }
        let cache = dir.path().join(".cache");
        let ehp = |args: &[&str]| {
            std::process::Command::new(binary)
                .args(args)
                .current_dir(dir.path())
                .env("EHP_CHART_CACHE", &cache)
                .env("HELM_CACHE_HOME", &cache)
                .env("XDG_CACHE_HOME", &cache)
                // The gate names who would commit the working tree: a test user of git, with
                // no configuration of the machine's.
                .env("GIT_AUTHOR_NAME", "Test")
                .env("GIT_AUTHOR_EMAIL", "test@example.com")
                .env("GIT_COMMITTER_NAME", "Test")
                .env("GIT_COMMITTER_EMAIL", "test@example.com")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", dir.path())
                .output()
                .expect("ehp runs")
        };
        if server.is_some() {
            prepare_charts(dir.path(), &text, &parts.command, &ehp);
        }
        let mut args: Vec<&str> = parts.command.iter().map(String::as_str).collect();
        args.extend(["--message-format", "json"]);
        let output = ehp(&args);
        let unserve = |text: &[u8]| {
            let text = String::from_utf8_lossy(text).into_owned();
            match &server {
                Some(server) => {
                    text.replace(&format!("{}/charts", server.url), "https://charts.example")
                }
                None => text,
            }
        };
        let stdout = unserve(&output.stdout);
        let stderr = unserve(&output.stderr);
        let produced: Vec<String> = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|value| value["code"].as_str().map(str::to_string))
            .collect();
        assert!(
            produced.contains(&code) || stderr.contains(&format!("[{code}]")),
            "{code}: its example produced {produced:?}\nstderr: {stderr}"
        );
        assert!(Path::new(binary).exists());
        // Codes only a command raises (not `ehp check`) get their reviewed snapshot here: the
        // example, what a person sees, and the JSON.
        let is_check = parts
            .command
            .first()
            .is_some_and(|command| command == "check")
            && !parts.command.iter().any(|arg| arg == "--against");
        if !is_check {
            let mut args: Vec<&str> = parts.command.iter().map(String::as_str).collect();
            args.extend(["--color", "never"]);
            let human = ehp(&args);
            let snapshot = format!(
                "=== main.ehp\n{example}\n=== ehp {}\n{}{}=== ehp {} --message-format json\n{stdout}",
                parts.command.join(" "),
                unserve(&human.stdout),
                unserve(&human.stderr),
                parts.command.join(" "),
            );
            let mut settings = insta::Settings::clone_current();
            if server.is_some() {
                // The served URL's port changes from run to run, and with it the byte offsets
                // after it in the example as written to disk.
                settings.add_filter(r#""byte_(start|end)":\d+"#, "\"byte_$1\":N");
            }
            settings.bind(|| {
                insta::assert_snapshot!(format!("explanation__{code}"), snapshot);
            });
        }
    }
}

#[test]
fn explain_prints_the_explanation() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(["explain", "e0301"])
        .output()
        .expect("ehp runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let on_disk = std::fs::read_to_string("docs/codes/E0301.md").expect("explanation");
    assert_eq!(stdout.trim_end(), on_disk.trim_end());
}
