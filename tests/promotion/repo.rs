//! A small project with a promotion chain in a temporary git repository, and the helpers the
//! promotion tests share: running ehp as someone, promoting, hot-fixing, and finding the
//! `in ENV { }` block of an app.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROMOTION: &str = r#"// The chain.
promotion {
    chain = ["inttest", "exttest", "preprod", "prod"]
    steps {
        exttest {
            privileged = ["qa-lead"]
        }
        preprod {
            pull_request {
                from = "master"
                to = "prod"
            }
        }
        prod {
            privileged = ["release-manager"]
        }
    }
    hotfix_envs = ["prod"]
    roles {
        qa-lead = ["kari@ehealth.example"]
        release-manager = ["ola@ehealth.example"]
    }
}
"#;

pub const ENVS: &str = r#"abstract env base {
    kube_context = "aks-${env.name}"
    domain = "${env.name}.ehealth.example"
    helm_repos {
        ehealth = "https://charts.ehealth.example"
    }
}

env inttest extends base {}

env exttest extends base {}

env preprod extends base {}

env prod extends base {}
"#;

pub const JOURNAL: &str = r#"// The journal: every environment after inttest pins its release, which
// came there by promotion.
app journal: web_service {
    image = "journal/api"
    tag = "2.4.0"
    hosts = ["journal.${env.domain}"]

    // QA needs more memory.
    in exttest {
        memory = 512Mi
        tag = "2.4.0"
        chart_version = "2.4.0"
        promoted {
            from = "inttest"
            by = "kari"
            date = "2026-01-02"
            release {
                tag = "2.4.0"
                chart_version = "2.4.0"
            }
        }
    }
    in preprod {
        tag = "2.4.0"
        chart_version = "2.4.0"
        promoted {
            from = "exttest"
            by = "ola"
            date = "2026-01-05"
            release {
                tag = "2.4.0"
                chart_version = "2.4.0"
            }
        }
    }
    in prod {
        replicas = 3
        tag = "2.4.0"
        chart_version = "2.4.0"
        promoted {
            from = "preprod"
            by = "ola"
            date = "2026-01-05"
            release {
                tag = "2.4.0"
                chart_version = "2.4.0"
            }
        }
    }
}
"#;

pub const PORTAL: &str = r#"app portal: web_service {
    image = "portal/web"
    tag = "5.1.0"
    in exttest {
        tag = "5.1.0"
        chart_version = "2.4.0"
    }
    in preprod {
        tag = "5.1.0"
        chart_version = "2.4.0"
        promoted {
            from = "exttest"
            by = "ola"
            date = "2026-01-05"
            release {
                tag = "5.1.0"
                chart_version = "2.4.0"
            }
        }
    }
    in prod {
        tag = "5.1.0"
        chart_version = "2.4.0"
        promoted {
            from = "preprod"
            by = "ola"
            date = "2026-01-05"
            release {
                tag = "5.1.0"
                chart_version = "2.4.0"
            }
        }
    }
}
"#;

/// A committed project in a temporary git repository.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        repo.write("promotion.ehp", PROMOTION);
        repo.write("envs.ehp", ENVS);
        repo.write("apps/journal.ehp", JOURNAL);
        repo.write("apps/portal.ehp", PORTAL);
        repo.git(&["init", "-q", "-b", "master"]);
        repo.commit("initial");
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.path().join(name)).expect("read")
    }

    /// Every `.ehp` file with its text.
    pub fn snapshot(&self) -> Vec<(PathBuf, String)> {
        let mut files: Vec<(PathBuf, String)> = walkdir::WalkDir::new(self.path())
            .into_iter()
            .filter_entry(|entry| entry.file_name() != ".git")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let text = fs::read_to_string(entry.path()).expect("read");
                (entry.path().to_path_buf(), text)
            })
            .collect();
        files.sort();
        files
    }

    /// Replaces the first occurrence of `old` in a file.
    pub fn replace(&self, name: &str, old: &str, new: &str) {
        let text = self.read(name);
        assert!(text.contains(old), "{name} contains {old:?}");
        self.write(name, &text.replacen(old, new, 1));
    }

    pub fn git(&self, args: &[&str]) -> String {
        super::support::git(self.path(), args)
    }

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    pub fn ehp(&self, args: &[&str]) -> Run {
        self.ehp_as("test@example.com", args)
    }

    /// Runs ehp with `author` as git's author of a commit made now (whom the gate holds
    /// responsible for the working tree), and no git configuration of the machine's.
    pub fn ehp_as(&self, author: &str, args: &[&str]) -> Run {
        let output = self.command(author, args).output().expect("ehp runs");
        Run::from(output)
    }

    /// The command that runs ehp in the repository with `author` as git's author, and no git
    /// configuration of the machine's.
    pub fn command(&self, author: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ehp"));
        command
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_NAME", "Someone")
            .env("GIT_AUTHOR_EMAIL", author)
            .env("GIT_COMMITTER_NAME", "Someone")
            .env("GIT_COMMITTER_EMAIL", author)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path());
        command
    }

    /// Runs ehp with its standard output a pipe whose reader has already gone; returns the
    /// exit code and the standard error.
    pub fn ehp_into_closed_pipe(&self, args: &[&str]) -> (Option<i32>, String) {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let output = self
            .command("test@example.com", args)
            .stdout(writer)
            .output()
            .expect("ehp runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Moves inttest to a new journal tag (a supplier's release), keeping the other
    /// environments pinned.
    pub fn release_journal(&self, old: &str, new: &str) {
        self.replace(
            "apps/journal.ehp",
            &format!("    tag = \"{old}\"\n    hosts"),
            &format!("    tag = \"{new}\"\n    hosts"),
        );
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Who may promote into `to`: the qa lead into exttest, a release manager into prod, anyone
/// (here: per) into preprod, which a pull request brings in.
pub fn actor_for(to: &str) -> &'static str {
    match to {
        "exttest" => "kari@ehealth.example",
        "prod" => "ola@ehealth.example",
        _ => "per@ehealth.example",
    }
}

pub fn promote(repo: &Repo, app: &str, from: &str, to: &str) -> Run {
    let run = repo.ehp(&[
        "promote",
        app,
        "--from",
        from,
        "--to",
        to,
        "--actor",
        actor_for(to),
        "--reason",
        "QA passed",
        "--date",
        "2026-03-01",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    run
}

/// A release manager hot-fixes the journal in `env` with `tag`, on 2026-03-02.
pub fn hotfix(repo: &Repo, env: &str, tag: &str, reason: &str) -> Run {
    repo.ehp(&[
        "hotfix",
        "journal",
        "--env",
        env,
        "--tag",
        tag,
        "--reason",
        reason,
        "--actor",
        "ola@ehealth.example",
        "--date",
        "2026-03-02",
    ])
}

/// The byte range of the `in ENV { ... }` block of a text (from `in` to its closing brace).
pub fn block(text: &str, env: &str) -> (usize, usize) {
    let start = text
        .find(&format!("    in {env} {{"))
        .expect("block exists");
    let end = start + text[start..].find("\n    }\n").expect("block closes") + 6;
    (start, end)
}

/// The 1-based line of the first occurrence of `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("found")]
        .matches('\n')
        .count()
        + 1
}

/// Asserts that `before` and `after` differ only inside `range` of `before`.
pub fn changed_only_inside(before: &str, after: &str, range: (usize, usize)) {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(before.len() - prefix);
    assert!(
        prefix >= range.0,
        "an edit before the block, at byte {prefix}"
    );
    assert!(
        before.len() - suffix <= range.1,
        "an edit after the block: bytes up to {} changed, the block ends at {}",
        before.len() - suffix,
        range.1
    );
}
