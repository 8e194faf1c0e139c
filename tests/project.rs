//! The project and the command line, run against the `ehp` binary: the project root found from
//! any path inside it (`ehp.toml`), one file's problems, a path with no `.ehp` file, the project
//! and the environments named the same way by every command, the diagnostic options only where
//! they apply, `ehp init`, shell completions, and `ehp why` on blocks and maps.

#![allow(clippy::disallowed_methods)] // The tests build projects on disk.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run printed and its exit status.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ehp(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("ehp runs");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A copy of `examples/ehealth` in a temporary folder, and the copy's path.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ehealth");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("walk");
        let target = root.join(entry.path().strip_prefix(&source).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
    (dir, root)
}

#[test]
fn a_file_inside_a_project_is_checked_with_its_project() {
    let (_dir, root) = example_copy();
    let apps = root.join("apps");
    // Without the project, `jobs.ehp` names environments nobody declares; with it, it is clean.
    let alone = ehp(&apps, &["check", "jobs.ehp"]);
    assert_eq!(alone.code, 0, "{alone:?}");
    assert!(
        alone
            .stderr
            .contains("ok: jobs.ehp (in a project of 10 files, 5 environments)"),
        "{alone:?}"
    );
    let from_root = ehp(&root, &["check", "apps/jobs.ehp"]);
    assert_eq!(from_root.code, 0, "{from_root:?}");
    // A mistake in another file is not this file's problem, but it is mentioned.
    let other = root.join("apps/patient-portal.ehp");
    let text = fs::read_to_string(&other).expect("read");
    fs::write(&other, text.replacen("image =", "imagee =", 1)).expect("write");
    let elsewhere = ehp(&root, &["check", "apps/jobs.ehp"]);
    assert_eq!(elsewhere.code, 0, "{elsewhere:?}");
    assert!(
        elsewhere
            .stderr
            .contains("note: other files of the project have 2 errors"),
        "{elsewhere:?}"
    );
    let portal = ehp(
        &root,
        &[
            "check",
            "apps/patient-portal.ehp",
            "--message-format",
            "short",
        ],
    );
    assert_eq!(portal.code, 1, "{portal:?}");
    assert!(
        portal.stderr.contains("apps/patient-portal.ehp:") && portal.stderr.contains("E0301"),
        "{portal:?}"
    );
    assert!(!portal.stderr.contains("jobs.ehp"), "{portal:?}");
    // The current folder inside the project: only its files' problems.
    let here = ehp(&apps, &["check"]);
    assert_eq!(here.code, 1, "{here:?}");
    assert!(
        here.stderr.contains("patient-portal.ehp") && !here.stderr.contains("environments.ehp"),
        "{here:?}"
    );
    // The whole project, named by any folder inside it.
    let whole = ehp(&apps, &["check", "-C", ".."]);
    assert_eq!(whole.code, 1, "{whole:?}");
}

#[test]
fn a_path_without_ehp_files_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
    fs::write(dir.path().join("notes.txt"), "not ehp").expect("write");
    for args in [
        &["check", "empty"][..],
        &["build", "empty", "--out", "out"],
        &["check", "notes.txt"],
        &["status", "empty"],
        &["check", "missing"],
    ] {
        let run = ehp(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run:?}");
        assert!(!run.stderr.contains("ok:"), "{args:?}: {run:?}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn the_project_file_is_checked() {
    let (_dir, root) = example_copy();
    fs::write(
        root.join("ehp.toml"),
        "name = \"ehealth\"\nnmae = \"typo\"\n",
    )
    .expect("write");
    let run = ehp(&root, &["check", "--message-format", "short"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("ehp.toml:2:1: error[E0111]: unknown project setting `nmae`"),
        "{run:?}"
    );
    // The project's name is what generated files say they come from.
    fs::write(root.join("ehp.toml"), "name = \"platform\"\n").expect("write");
    let built = ehp(&root, &["build", "--out", "out"]);
    assert_eq!(built.code, 0, "{built:?}");
    let dsf = fs::read_to_string(root.join("out/prod/helmsman.yaml")).expect("dsf");
    assert!(
        dsf.starts_with("# Generated by ehp from platform."),
        "{dsf}"
    );
}

#[test]
fn every_command_names_the_project_and_the_environments_the_same_way() {
    let (dir, root) = example_copy();
    let outside = dir.path();
    let why = ehp(
        outside,
        &[
            "why",
            "patient-journal",
            "tag",
            "--env",
            "prod",
            "-C",
            "ehealth",
        ],
    );
    assert_eq!(why.code, 0, "{why:?}");
    assert!(
        why.stdout
            .starts_with("prod / patient-journal / tag = \"2.3.0\""),
        "{why:?}"
    );
    // The older spellings still work: `--path`, and `why ENV APP FIELD`.
    let older = ehp(
        outside,
        &["why", "prod", "patient-journal", "tag", "--path", "ehealth"],
    );
    assert_eq!(older.stdout, why.stdout, "{older:?}");
    // One environment filter: every environment by default, E0407 for one that is not.
    let every = ehp(&root, &["why", "patient-journal", "tag"]);
    assert_eq!(
        every.stdout.matches(" / patient-journal / tag = ").count(),
        5,
        "{every:?}"
    );
    let abstract_env = ehp(&root, &["why", "patient-journal", "tag", "--env", "base"]);
    assert_eq!(abstract_env.code, 2, "{abstract_env:?}");
    assert!(abstract_env.stderr.contains("E0407"), "{abstract_env:?}");
    let status = ehp(outside, &["status", "-C", "ehealth/apps"]);
    assert_eq!(status.code, 0, "{status:?}");
    let both = ehp(outside, &["check", "ehealth", "-C", "ehealth"]);
    assert_eq!(both.code, 2, "the project given twice: {both:?}");
    // `diff` compares two environments with --from/--to; --env only selects.
    let compared = ehp(&root, &["diff", "--from", "preprod", "--to", "prod"]);
    assert_eq!(compared.code, 0, "{compared:?}");
    assert!(
        compared.stdout.contains("+++ b/prod/helmsman.yaml"),
        "{compared:?}"
    );
    let unselected = ehp(&root, &["diff", "--env", "preprod", "--env", "prod"]);
    assert_eq!(unselected.code, 2, "{unselected:?}");
    let misspelt = ehp(&root, &["diff", "--from", "preprod", "--to", "prdo"]);
    assert_eq!(misspelt.code, 2, "{misspelt:?}");
    assert!(
        misspelt.stderr.contains("did you mean `prod`?"),
        "{misspelt:?}"
    );
}

#[test]
fn hotfix_names_the_environment_it_edits_with_env() {
    let (dir, _root) = example_copy();
    let outside = dir.path();
    // `hotfix` names the environment it edits with --env, and the project with -C.
    let hotfix = ehp(
        outside,
        &[
            "hotfix",
            "patient-journal",
            "--env",
            "prod",
            "--tag",
            "2.3.9",
            "--reason",
            "CVE",
            "--actor",
            "ola@ehealth.example",
            "--dry-run",
            "-C",
            "ehealth",
        ],
    );
    assert_eq!(hotfix.code, 0, "{hotfix:?}");
    assert!(
        hotfix.stdout.contains("+        tag = \"2.3.9\""),
        "{hotfix:?}"
    );
}

#[test]
fn diagnostic_options_appear_only_where_they_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    for command in [
        "check", "build", "why", "diff", "status", "promote", "hotfix", "fmt",
    ] {
        let help = ehp(dir.path(), &[command, "--help"]);
        assert!(
            help.stdout.contains("--message-format"),
            "{command}: {help:?}"
        );
        assert!(help.stdout.contains("--deny"), "{command}: {help:?}");
    }
    for command in ["lsp", "explain", "completions", "init"] {
        let help = ehp(dir.path(), &[command, "--help"]);
        assert!(
            !help.stdout.contains("--message-format"),
            "{command}: {help:?}"
        );
        assert!(!help.stdout.contains("--color"), "{command}: {help:?}");
    }
    let top = ehp(dir.path(), &["--help"]);
    assert!(!top.stdout.contains("--message-format"), "{top:?}");
    let refused = ehp(
        dir.path(),
        &["explain", "E0301", "--message-format", "json"],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
}

#[test]
fn shell_completions_cover_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = ehp(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        for command in ["check", "build", "why", "init", "completions"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let bad = ehp(dir.path(), &["completions", "cmd"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn init_writes_a_project_and_an_app_that_check_clean_and_are_formatted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let created = ehp(dir.path(), &["init", "platform"]);
    assert_eq!(created.code, 0, "{created:?}");
    let root = dir.path().join("platform");
    let manifest = fs::read_to_string(root.join("ehp.toml")).expect("ehp.toml");
    assert!(manifest.contains("name = \"platform\""), "{manifest}");
    // Clean: no error, and no warning but W0021 (charts not fetched: this test has no network).
    let clean = |run: &Run| {
        run.code == 0
            && run
                .stderr
                .lines()
                .filter(|line| line.contains("warning["))
                .all(|line| line.contains("warning[W0021]"))
    };
    let check = ehp(&root, &["check", "--deny", "warnings"]);
    assert_eq!(check.code, 0, "{check:?}");
    let again = ehp(dir.path(), &["init", "platform"]);
    assert_eq!(again.code, 2, "a second init refuses: {again:?}");
    for template in ["web_service", "worker", "scheduled_job"] {
        let app = format!("{}-app", template.replace('_', "-"));
        let added = ehp(
            &root.join("apps"),
            &["init", "--app", &app, "--template", template],
        );
        assert_eq!(added.code, 0, "{added:?}");
        assert!(root.join(format!("apps/{app}.ehp")).is_file());
    }
    let check = ehp(&root, &["check"]);
    assert!(clean(&check), "{check:?}");
    let formatted = ehp(&root, &["fmt", "--check", "."]);
    assert_eq!(formatted.code, 0, "{formatted:?}");
    let duplicate = ehp(&root, &["init", "--app", "worker-app"]);
    assert_eq!(duplicate.code, 2, "{duplicate:?}");
    let built = ehp(&root, &["build", "--out", "out"]);
    assert_eq!(built.code, 0, "{built:?}");
}

/// An app whose `vars` and `probes` are set by every kind of layer: the template, the app,
/// overrides of the environment and of its ancestors, `null`.
const LAYERED: &str = r#"abstract env base {
    kube_context = "k-${env.name}"
    domain = "${env.name}.example"
    helm_repos { ehealth = "https://charts.example" }
}

env inttest extends base {}

env exttest extends inttest {}

app merge: web_service {
    image = "a/b"
    tag = "1.0.0"
    vars { A = "a" }
    probes.period = 5s
    in base {
        vars { B = "b", E = "e" }
    }
    in inttest {
        vars.D = "d"
        vars.DEBUG = "1"
    }
    in exttest {
        vars { DEBUG = null, C = "c" }
        probes { initial_delay = 3s, period = 10s }
    }
}
"#;

#[test]
fn why_gives_every_layer_of_a_map_and_a_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("main.ehp"), LAYERED).expect("write");
    let vars = ehp(dir.path(), &["why", "merge", "vars", "--env", "exttest"]);
    assert_eq!(vars.code, 0, "{vars:?}");
    let lines: Vec<&str> = vars.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(r#"exttest / merge / vars = { A = "a", B = "b", E = "e", D = "d", C = "c" }"#)
    );
    let expected = [
        ("default in template `app`", "vars = {}", false),
        ("app `merge`", "vars.A = \"a\"", true),
        ("override `in base`", "vars.B = \"b\"", true),
        ("override `in base`", "vars.E = \"e\"", true),
        ("override `in inttest`", "vars.D = \"d\"", true),
        ("override `in inttest`", "vars.DEBUG = \"1\"", false),
        ("override `in exttest`", "vars.DEBUG = null", true),
        ("override `in exttest`", "vars.C = \"c\"", true),
    ];
    assert_eq!(lines.len(), expected.len() + 1, "{vars:?}");
    for (line, (layer, set, wins)) in lines.iter().skip(1).zip(expected) {
        assert!(
            line.contains(layer) && line.contains(set),
            "{line}: {layer} {set}"
        );
        assert_eq!(line.ends_with("<- wins"), wins, "{line}");
    }
    let probes = ehp(dir.path(), &["why", "merge", "probes", "--env", "exttest"]);
    let shown: Vec<&str> = probes.stdout.lines().collect();
    assert!(
        shown[0].ends_with("initial_delay = 3s, period = 10s }"),
        "{probes:?}"
    );
    assert!(
        shown.iter().any(|line| line.contains("app `merge`")
            && line.contains("probes.period = 5s")
            && !line.ends_with("wins")),
        "{probes:?}"
    );
    assert!(
        shown
            .iter()
            .any(|line| line.contains("override `in exttest`")
                && line.contains("probes.period = 10s  <- wins")),
        "{probes:?}"
    );
    assert!(
        shown
            .iter()
            .any(|line| line.contains("default in template `web_service`")
                && line.contains("probes.liveness_path")),
        "{probes:?}"
    );
    let replicas = ehp(
        dir.path(),
        &["why", "merge", "replicas", "--env", "exttest"],
    );
    assert!(
        replicas.stdout.contains("via env.defaults.replicas = 1:"),
        "{replicas:?}"
    );
}

#[test]
fn ci_md_shows_the_json_of_e0407_as_ehp_prints_it() {
    let ci = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
        .expect("ci.md");
    let shown = ci
        .lines()
        .find(|line| line.starts_with("{\"code\":\"E0407\""))
        .expect("docs/ci.md shows E0407 as JSON");
    let run = ehp(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "build",
            "examples/ehealth",
            "--out",
            "out",
            "--env",
            "prdo",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout.trim_end(), shown);
}
