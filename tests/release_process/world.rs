//! The world the release process runs in: a bare `origin` with `master` and `prod`, a clone to
//! work in, a clock, the people, and a transcript of what each command printed (for
//! `docs/promotion.md`). Every commit has a fixed author, committer and date, so its id is the
//! same on every run.

use std::cell::{Cell, RefCell};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// When the story starts: 2026-03-02 09:00 UTC.
const START: i64 = 1_772_442_000;

/// Jenkins, which commits for the people who start its jobs.
pub const JENKINS: &str = "jenkins@ehealth.example";

/// What a command printed, standard error woven into standard output as a terminal shows it,
/// and its exit code.
pub struct Run {
    pub code: i32,
    pub output: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "exit {}\n{}", self.code, self.output)
    }
}

/// The repositories, the clock and the transcript.
pub struct World {
    _dir: tempfile::TempDir,
    /// The clone everyone works in (one at a time).
    pub work: PathBuf,
    /// The chart cache, as the `Fetch charts` stage of the Jenkinsfile leaves it.
    cache: PathBuf,
    clock: Cell<i64>,
    transcript: RefCell<Vec<(String, String, String)>>,
}

/// Copies the `.ehp` files of `from` into `to`.
fn copy_project(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

impl World {
    /// `origin` with the example platform on `master` and `prod`, its desired state built and
    /// committed by the platform team, the scripts of `examples/ci/` in `ci/`, and a clone.
    pub fn new() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let origin = dir.path().join("origin.git");
        let work = dir.path().join("work");
        let world = World {
            work: work.clone(),
            cache: dir.path().join("charts"),
            clock: Cell::new(START),
            transcript: RefCell::new(Vec::new()),
            _dir: dir,
        };
        fs::create_dir_all(&origin).expect("mkdir");
        world.git_in(
            &origin,
            "platform@ehealth.example",
            &["init", "-q", "--bare", "-b", "master"],
        );
        fs::create_dir_all(&work).expect("mkdir");
        world.git("platform@ehealth.example", &["init", "-q", "-b", "master"]);
        let origin_url = origin.display().to_string();
        world.git(
            "platform@ehealth.example",
            &["remote", "add", "origin", &origin_url],
        );
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_project(&root.join("examples/ehealth"), &work.join("platform"));
        copy_project(&root.join("examples/ci"), &work.join("ci"));
        fs::write(
            work.join(".gitignore"),
            "platform/private.ehp\ndesired-state.md\n",
        )
        .expect("write");
        let charts = root.join("examples/charts");
        let folders: Vec<PathBuf> = ["web-service", "worker", "cronjob", "fhir-gateway"]
            .iter()
            .map(|chart| charts.join(chart))
            .collect();
        super::support::charts::install(&work.join("platform"), &world.cache, &folders);
        let built = world.ehp(
            "platform@ehealth.example",
            &["build", "platform", "--out", "desired-state"],
        );
        assert_eq!(built.code, 0, "{built:?}");
        world.git("platform@ehealth.example", &["add", "-A"]);
        world.git(
            "platform@ehealth.example",
            &["commit", "-q", "-m", "The e-health platform"],
        );
        world.git(
            "platform@ehealth.example",
            &["push", "-q", "origin", "master"],
        );
        world.git(
            "platform@ehealth.example",
            &["push", "-q", "origin", "master:prod"],
        );
        world.git("platform@ehealth.example", &["fetch", "-q", "origin"]);
        world
    }

    /// An hour later.
    pub fn tick(&self) {
        self.clock.set(self.clock.get() + 3600);
    }

    /// The environment every command runs in: `who` as git's author and committer (Jenkins
    /// commits for the people who start its jobs), the clock, ehp on the `PATH`, and no
    /// configuration of the machine's.
    fn setup(&self, command: &mut Command, who: &str, committer: &str) {
        let date = format!("@{} +0000", self.clock.get());
        let binary = Path::new(env!("CARGO_BIN_EXE_ehp"));
        let path = format!(
            "{}:{}",
            binary.parent().expect("a folder").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .env("PATH", path)
            .env("GIT_AUTHOR_NAME", who)
            .env("GIT_AUTHOR_EMAIL", who)
            .env("GIT_COMMITTER_NAME", committer)
            .env("GIT_COMMITTER_EMAIL", committer)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("SOURCE_DATE_EPOCH", self.clock.get().to_string())
            .env("EHP_CHART_CACHE", &self.cache)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.work)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env_remove("EHP_ACTOR")
            .env_remove("EHP_REASON")
            .current_dir(&self.work);
    }

    /// Runs `program ARGS` with standard error woven into standard output.
    fn run(
        &self,
        who: &str,
        committer: &str,
        program: &str,
        args: &[&str],
        vars: &[(&str, &str)],
    ) -> Run {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("exec 2>&1; exec \"$0\" \"$@\"")
            .arg(program)
            .args(args);
        self.setup(&mut command, who, committer);
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.output().expect("the command runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            output: String::from_utf8_lossy(&output.stdout).into_owned(),
        }
    }

    /// `ehp ARGS`, run by `who` in the clone.
    pub fn ehp(&self, who: &str, args: &[&str]) -> Run {
        self.run(who, who, "ehp", args, &[])
    }

    /// `ehp ARGS`, its standard output alone (for JSON).
    pub fn ehp_stdout(&self, who: &str, args: &[&str]) -> String {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ehp"));
        command.args(args);
        self.setup(&mut command, who, who);
        let output = command.output().expect("ehp runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A script of `ci/`, as a job Jenkins runs for `who`, for `reason`.
    pub fn job(&self, who: &str, reason: &str, script: &str, args: &[&str]) -> Run {
        let program = format!("ci/{script}");
        self.run(
            who,
            JENKINS,
            &program,
            args,
            &[("EHP_ACTOR", who), ("EHP_REASON", reason)],
        )
    }

    /// A script of `ci/` that needs no actor (the gates, the back-merge), run by Jenkins.
    pub fn gate(&self, script: &str, args: &[&str]) -> Run {
        let program = format!("ci/{script}");
        self.run(JENKINS, JENKINS, &program, args, &[])
    }

    fn git_in(&self, dir: &Path, who: &str, args: &[&str]) -> String {
        let mut command = Command::new("git");
        command.args(["-c", "commit.gpgsign=false"]).args(args);
        self.setup(&mut command, who, who);
        command.current_dir(dir);
        let output = command.output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `git ARGS` in the clone, as `who`.
    pub fn git(&self, who: &str, args: &[&str]) -> String {
        self.git_in(&self.work, who, args)
    }

    /// A file of the clone.
    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.work.join(name)).expect("read")
    }

    /// Replaces the first `old` in a file of the clone by `new`.
    pub fn edit(&self, name: &str, old: &str, new: &str) {
        let text = self.read(name);
        assert!(text.contains(old), "{name} contains {old:?}");
        fs::write(self.work.join(name), text.replacen(old, new, 1)).expect("write");
    }

    /// Writes a file of the clone.
    pub fn write(&self, name: &str, text: &str) {
        fs::write(self.work.join(name), text).expect("write");
    }

    /// Keeps what `run` printed for the documentation, as `$ shown` and its output, under `name`.
    pub fn keep(&self, name: &str, shown: &str, run: &Run) {
        self.transcript.borrow_mut().push((
            name.to_string(),
            shown.to_string(),
            run.output.clone(),
        ));
    }

    /// The transcript: `(name, command shown, output)`.
    pub fn transcript(&self) -> Vec<(String, String, String)> {
        self.transcript.borrow().clone()
    }

    /// Throws away whatever the clone has that `origin/BRANCH` has not, and checks it out.
    pub fn reset(&self, branch: &str) {
        self.git(JENKINS, &["fetch", "-q", "origin"]);
        self.git(
            JENKINS,
            &[
                "checkout",
                "-q",
                "-f",
                "-B",
                branch,
                &format!("origin/{branch}"),
            ],
        );
        self.git(JENKINS, &["clean", "-q", "-fd"]);
    }
}
