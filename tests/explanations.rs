//! The explanation index: every code has exactly one explanation in `docs/codes/`, no
//! explanation is orphaned, each has the expected sections, and each explanation says what the
//! binary does: its example produces its code, every phrase it quotes ("...") is in what ehp
//! prints for it (message, labels, help, notes), every line of the output it shows (```text) is
//! printed, and its fix, applied to the example, makes the code go away.

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

/// The parts of an explanation: its title line, the example's files and the extra arguments
/// of the command that compiles it, and its fix.
struct Parts {
    title: String,
    /// The first ```ehp block of the example section.
    example: Option<String>,
    /// A ```toml ehp.toml block of the example section: the project file.
    manifest: Option<String>,
    command: Vec<String>,
    /// The example section's prose (code blocks removed).
    prose: String,
    /// The lines of the example section's ```text blocks.
    shown: Vec<String>,
    /// The fix section's first ```ehp block, its ```toml ehp.toml block, and its `ehp`
    /// commands (```sh blocks).
    fix: Option<String>,
    fix_manifest: Option<String>,
    fix_commands: Vec<Vec<String>>,
    /// `<!-- fix-unchecked: REASON -->`: the fix cannot be checked on the example alone.
    fix_unchecked: bool,
    /// Input files of the example (```yaml NAME or ```toml NAME blocks, for `ehp import`),
    /// and the fix's versions of them.
    files: Vec<(String, String)>,
    fix_files: Vec<(String, String)>,
}

/// The ```yaml NAME and ```toml NAME blocks (but the project file) as (NAME, body).
fn named_files(found: &[(String, String)]) -> Vec<(String, String)> {
    found
        .iter()
        .filter_map(|(info, body)| {
            let name = info
                .strip_prefix("yaml ")
                .or_else(|| info.strip_prefix("toml "))?;
            (name != "ehp.toml").then(|| (name.to_string(), body.clone()))
        })
        .collect()
}

/// The fenced blocks of `section` as (info string, body), and its prose without them.
fn blocks(section: &str) -> (Vec<(String, String)>, String) {
    support::fenced_blocks(section)
}

fn parts(text: &str) -> Parts {
    let title = text.lines().next().unwrap_or_default().to_string();
    let (before_fix, fix_section) = text.split_once("\n## Fix\n").unwrap_or((text, ""));
    let example_section = before_fix
        .split_once("\n## Example\n")
        .map_or("", |(_, rest)| rest);
    let (example_blocks, prose) = blocks(example_section);
    let (fix_blocks, _) = blocks(fix_section);
    let first = |found: &[(String, String)], info: &str| {
        found
            .iter()
            .find(|(kind, _)| kind == info)
            .map(|(_, body)| body.clone())
    };
    let command = text
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("<!-- command: ")
                .and_then(|rest| rest.strip_suffix(" -->"))
        })
        .map(|command| command.split_whitespace().map(str::to_string).collect())
        .unwrap_or_else(|| vec!["check".to_string(), ".".to_string()]);
    let shown = example_blocks
        .iter()
        .filter(|(kind, _)| kind == "text")
        .flat_map(|(_, body)| body.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let fix_commands = fix_blocks
        .iter()
        .filter(|(kind, _)| kind == "sh")
        .flat_map(|(_, body)| {
            body.lines()
                .filter_map(|line| line.trim().strip_prefix("ehp "))
                .map(|line| line.split_whitespace().map(str::to_string).collect())
                .collect::<Vec<Vec<String>>>()
        })
        .collect();
    let files = named_files(&example_blocks);
    let example = first(&example_blocks, "ehp").or_else(|| (!files.is_empty()).then(String::new));
    Parts {
        title,
        example,
        files,
        fix_files: named_files(&fix_blocks),
        manifest: first(&example_blocks, "toml ehp.toml"),
        command,
        prose,
        shown,
        fix: first(&fix_blocks, "ehp"),
        fix_manifest: first(&fix_blocks, "toml ehp.toml"),
        fix_commands,
        fix_unchecked: fix_section.lines().any(|line| {
            line.trim()
                .strip_prefix("<!-- fix-unchecked: ")
                .is_some_and(|reason| reason.len() > " -->".len() + 10)
        }),
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

/// What the binary printed for a command.
struct Ran {
    status: Option<i32>,
    /// The JSON objects of `--message-format json`.
    diagnostics: Vec<serde_json::Value>,
    /// Everything a person sees with `--color never`, and the short format.
    human: String,
    short: String,
    stderr: String,
    /// The JSON output as printed.
    json: String,
}

impl Ran {
    fn codes(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter_map(|value| value["code"].as_str().map(str::to_string))
            .collect()
    }

    /// Every text ehp says about its diagnostics: messages, labels, help and notes.
    fn texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        for value in &self.diagnostics {
            texts.extend(value["message"].as_str().map(str::to_string));
            texts.extend(value["help"].as_str().map(str::to_string));
            for label in value["labels"].as_array().into_iter().flatten() {
                texts.extend(label["message"].as_str().map(str::to_string));
            }
            for note in value["notes"].as_array().into_iter().flatten() {
                texts.extend(note.as_str().map(str::to_string));
            }
        }
        texts
    }
}

/// An explanation's example (or its fix) on disk: `main.ehp`, `ehp.toml` when given, its
/// charts served on 127.0.0.1 and fetched when the explanation says so (`<!-- charts: -->`).
struct Example {
    dir: tempfile::TempDir,
    server: Option<support::charts::Server>,
}

impl Example {
    /// Writes `source` (and `manifest`) for the explanation `text`; with `command`, the command
    /// it will run (the charts are fetched before, unless it is the fetch).
    fn new(text: &str, source: &str, manifest: Option<&str>) -> Example {
        let dir = tempfile::tempdir().expect("tempdir");
        let example = Example {
            dir,
            server: chart_server(text),
        };
        std::fs::write(example.path().join("main.ehp"), example.serve(source))
            .expect("write example");
        if let Some(manifest) = manifest {
            std::fs::write(example.path().join("ehp.toml"), manifest).expect("write ehp.toml");
        }
        for (path, body) in support::shown_files(text) {
            let file = example.path().join(path);
            std::fs::create_dir_all(file.parent().expect("a folder")).expect("mkdir");
            std::fs::write(file, body).expect("write a shown file");
        }
        example
    }

    /// A source with the served charts' address in place of the one the explanation shows.
    fn serve(&self, source: &str) -> String {
        match &self.server {
            Some(server) => {
                source.replace("https://charts.example", &format!("{}/charts", server.url))
            }
            None => source.to_string(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the example's input files (for `ehp import`), creating their folders.
    fn write_files(&self, files: &[(String, String)]) {
        for (name, body) in files {
            let path = self.path().join(name);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).expect("create folder");
            }
            std::fs::write(path, body).expect("write input file");
        }
    }

    /// Fetches the charts before `command`, when the explanation serves some.
    fn prepare(&self, text: &str, command: &[String]) {
        if self.server.is_some() {
            prepare_charts(self.path(), text, command, &|args| self.ehp(args));
        }
    }

    /// Runs `ehp ARGS` in the example's folder, with a chart cache of its own.
    fn ehp(&self, args: &[&str]) -> std::process::Output {
        let cache = self.path().join(".cache");
        std::process::Command::new(env!("CARGO_BIN_EXE_ehp"))
            .args(args)
            .current_dir(self.path())
            .env("EHP_CHART_CACHE", &cache)
            .env("HELM_CACHE_HOME", &cache)
            .env("XDG_CACHE_HOME", &cache)
            // The gate names who would commit the working tree: a test user of git, with no
            // configuration of the machine's.
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .expect("ehp runs")
    }

    /// Output as the explanation shows it: the served charts' address as written.
    fn unserve(&self, text: &[u8]) -> String {
        let text = String::from_utf8_lossy(text).into_owned();
        match &self.server {
            Some(server) => {
                text.replace(&format!("{}/charts", server.url), "https://charts.example")
            }
            None => text,
        }
    }

    /// Runs `ehp COMMAND` three times: as JSON, as people see it, and short.
    fn run(&self, command: &[String]) -> Ran {
        let with = |extra: &[&str]| {
            let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
            args.extend(extra);
            self.ehp(&args)
        };
        let json = with(&["--message-format", "json"]);
        let human = with(&["--color", "never"]);
        let short = with(&["--message-format", "short"]);
        Ran {
            status: json.status.code(),
            diagnostics: self
                .unserve(&json.stdout)
                .lines()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect(),
            human: format!(
                "{}{}",
                self.unserve(&human.stdout),
                self.unserve(&human.stderr)
            ),
            short: self.unserve(&short.stderr),
            stderr: self.unserve(&json.stderr),
            json: self.unserve(&json.stdout),
        }
    }
}

/// The phrases the prose quotes ("..."), outside inline code.
fn quoted_phrases(prose: &str) -> Vec<String> {
    let mut phrases = Vec::new();
    let (mut in_code, mut current): (bool, Option<String>) = (false, None);
    for character in prose.chars() {
        match character {
            '`' => {
                in_code = !in_code;
                if let Some(phrase) = &mut current {
                    phrase.push(character);
                }
            }
            '"' if !in_code => match current.take() {
                Some(phrase) => {
                    phrases.push(phrase.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                None => current = Some(String::new()),
            },
            other => {
                if let Some(phrase) = &mut current {
                    phrase.push(other);
                }
            }
        }
    }
    phrases
}

/// The declarations of a source, by text (so that a broken one is found too): each starts at a
/// line at column 0 that begins with `env`, `abstract env`, `template`, `app` or `promotion`
/// (with the doc comment right above it) and runs to the next one. As (kind and name, range).
fn declarations(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut starts: Vec<(String, usize)> = Vec::new();
    let mut offset = 0;
    let mut doc_start = None;
    for line in text.split_inclusive('\n') {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ':' || c == '{')
            .filter(|word| !word.is_empty())
            .collect();
        let key = match words.as_slice() {
            ["abstract", "env", name, ..] | ["env", name, ..] => Some(format!("env {name}")),
            ["template", name, ..] => Some(format!("template {name}")),
            ["app", name, ..] => Some(format!("app {name}")),
            ["promotion", ..] => Some("promotion".to_string()),
            _ => None,
        };
        if line.starts_with("///") {
            doc_start.get_or_insert(offset);
        } else if let Some(key) = key.filter(|_| !line.starts_with(char::is_whitespace)) {
            starts.push((key, doc_start.take().unwrap_or(offset)));
        } else {
            doc_start = None;
        }
        offset += line.len();
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|(_, start)| *start)
        .chain([text.len()])
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .map(|((key, start), end)| (key, start..end))
        .collect()
}

/// The example with the fix applied: the declarations of `fix` replace every declaration of
/// the example with the same kind and name, or are added.
fn apply_fix(example: &str, fix: &str) -> String {
    // Names compare without case: a fix may rename `app Journal` to `app journal`.
    let replaced: Vec<String> = declarations(fix)
        .into_iter()
        .map(|(key, _)| key.to_lowercase())
        .collect();
    let mut fixed = String::new();
    let mut kept_to = 0;
    for (key, range) in declarations(example) {
        fixed.push_str(example.get(kept_to..range.start).unwrap_or_default());
        if !replaced.contains(&key.to_lowercase()) {
            fixed.push_str(example.get(range.clone()).unwrap_or_default());
        }
        kept_to = range.end;
    }
    fixed.push_str(example.get(kept_to..).unwrap_or_default());
    fixed.push('\n');
    fixed.push_str(fix);
    fixed
}

/// Checks what one explanation claims; returns what is untrue.
fn claims_of(code: &str, parts: &Parts, text: &str) -> Vec<String> {
    let mut untrue = Vec::new();
    let Some(example) = &parts.example else {
        return untrue;
    };
    let project = Example::new(text, example, parts.manifest.as_deref());
    project.write_files(&parts.files);
    if let Some(changed) = git_change(text, example) {
        commit_then_change(project.path(), &project.serve(&changed));
    }
    project.prepare(text, &parts.command);
    let ran = project.run(&parts.command);
    let produced = ran.codes();
    if !produced.iter().any(|found| found == code) && !ran.stderr.contains(&format!("[{code}]")) {
        untrue.push(format!("its example produced {produced:?}\n{}", ran.human));
        return untrue;
    }
    let texts = ran.texts();
    for phrase in quoted_phrases(&parts.prose) {
        let said = texts.iter().any(|text| text.contains(&phrase))
            || ran.human.contains(&phrase)
            || ran.short.contains(&phrase);
        if !said {
            untrue.push(format!(
                "it quotes \"{phrase}\", which ehp does not print:\n{}",
                ran.human
            ));
        }
    }
    for line in parts.shown.iter().map(|line| line.trim()) {
        if line.is_empty() || line.starts_with("$ ") || line == "..." {
            continue;
        }
        if !ran.human.contains(line) && !ran.short.contains(line) {
            untrue.push(format!(
                "it shows `{line}`, which ehp does not print:\n{}{}",
                ran.human, ran.short
            ));
        }
    }
    untrue.extend(fix_claims(code, parts, text, example));
    untrue
}

/// The fix makes the code go away: its source applied to the example checks without the code
/// and without errors, or its commands succeed on the example.
fn fix_claims(code: &str, parts: &Parts, text: &str, example: &str) -> Vec<String> {
    let mut untrue = Vec::new();
    if parts.fix.is_some() || parts.fix_manifest.is_some() {
        let fixed = parts
            .fix
            .as_deref()
            .map_or_else(|| example.to_string(), |fix| apply_fix(example, fix));
        let manifest = parts.fix_manifest.as_deref().or(parts.manifest.as_deref());
        let project = Example::new(text, &fixed, manifest);
        project.prepare(text, &parts.command);
        // The fix makes the example's own command succeed: `check .` without errors, or the
        // command the example runs (`promote`, `hotfix`, `build`, ...).
        let ran = project.run(&parts.command);
        let codes = ran.codes();
        if codes.iter().any(|found| found == code) || ran.status != Some(0) {
            untrue.push(format!(
                "its fix still gives {codes:?}:\n{fixed}\n{}",
                ran.human
            ));
        }
    }
    // Input files fixed without an `.ehp` fix (the examples of `ehp import`): the example's
    // files, then the fix's, and the example's own command.
    if parts.fix.is_none() && !parts.fix_files.is_empty() {
        let project = Example::new(text, example, parts.manifest.as_deref());
        project.write_files(&parts.files);
        project.write_files(&parts.fix_files);
        let ran = project.run(&parts.command);
        let codes = ran.codes();
        if codes.iter().any(|found| found == code) || ran.status != Some(0) {
            untrue.push(format!(
                "its fixed files still give {codes:?}:\n{}",
                ran.human
            ));
        }
    }
    for command in &parts.fix_commands {
        let project = Example::new(text, example, parts.manifest.as_deref());
        project.write_files(&parts.files);
        support::git(project.path(), &["init", "-q"]);
        project.prepare(text, command);
        let ran = project.run(command);
        if ran.codes().iter().any(|found| found == code) || ran.status != Some(0) {
            untrue.push(format!(
                "its fix `ehp {}` fails:\n{}",
                command.join(" "),
                ran.human
            ));
        }
    }
    if parts.fix.is_none()
        && parts.fix_files.is_empty()
        && parts.fix_manifest.is_none()
        && parts.fix_commands.is_empty()
        && !parts.fix_unchecked
    {
        untrue.push("its fix shows neither source (```ehp) nor commands (```sh) to check".into());
    }
    untrue
}

#[test]
fn every_explanation_says_what_ehp_does() {
    let mut untrue = Vec::new();
    for (code, text) in explanation_files() {
        if NO_EXAMPLE.contains(&code.as_str()) {
            continue;
        }
        let parts = parts(&text);
        for problem in claims_of(&code, &parts, &text) {
            untrue.push(format!("{code}: {problem}"));
        }
    }
    assert!(untrue.is_empty(), "{}", untrue.join("\n\n"));
}

#[test]
fn command_examples_have_reviewed_snapshots() {
    for (code, text) in explanation_files() {
        let parts = parts(&text);
        let Some(example) = parts.example.as_deref() else {
            continue;
        };
        // Codes only a command raises (not `ehp check`) get their reviewed snapshot here: the
        // example, what a person sees, and the JSON.
        let is_check = parts
            .command
            .first()
            .is_some_and(|command| command == "check")
            && !parts.command.iter().any(|arg| arg == "--against");
        if is_check {
            continue;
        }
        let project = Example::new(&text, example, parts.manifest.as_deref());
        project.write_files(&parts.files);
        if let Some(changed) = git_change(&text, example) {
            commit_then_change(project.path(), &project.serve(&changed));
        }
        project.prepare(&text, &parts.command);
        let ran = project.run(&parts.command);
        let inputs: String = parts
            .files
            .iter()
            .map(|(name, body)| format!("=== {name}\n{body}\n"))
            .collect();
        let shown = if parts.files.is_empty() {
            format!("=== main.ehp\n{example}\n")
        } else {
            inputs
        };
        let snapshot = format!(
            "{shown}=== ehp {}\n{}=== ehp {} --message-format json\n{}",
            parts.command.join(" "),
            ran.human,
            parts.command.join(" "),
            ran.json,
        );
        let mut settings = insta::Settings::clone_current();
        if project.server.is_some() {
            // The served URL's port changes from run to run, and with it the byte offsets after
            // it in the example as written to disk.
            settings.add_filter(r#""byte_(start|end)":\d+"#, "\"byte_$1\":N");
        }
        settings.bind(|| {
            insta::assert_snapshot!(format!("explanation__{code}"), snapshot);
        });
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
