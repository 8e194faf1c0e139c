//! The output folder is whole or untouched, and nothing outside it changes: builds killed at
//! every step and at random moments, failed writes (a simulated full disk, and a real one on a
//! small tmpfs where the test may mount one), concurrent builds, symbolic links planted at every
//! path ehp writes, and output folders that must be refused. Each test runs the `ehp` binary and
//! compares whole trees: the output, and the folder around it.

#![allow(clippy::disallowed_methods)] // The tests write projects and read trees.
#![allow(clippy::expect_used, clippy::indexing_slicing)] // A failed `expect` is a failing test.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Every entry under `root` (not following links): files with their bytes, links with their
/// target, folders as `/`.
type Tree = BTreeMap<String, Vec<u8>>;

fn tree(root: &Path) -> Tree {
    let mut found = Tree::new();
    if fs::symlink_metadata(root).is_err() {
        return found;
    }
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let entry = entry.expect("walk");
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let kind = entry.file_type();
        let value = if kind.is_symlink() {
            let mut link = b"-> ".to_vec();
            link.extend(
                fs::read_link(entry.path())
                    .expect("link")
                    .to_string_lossy()
                    .as_bytes(),
            );
            link
        } else if kind.is_dir() {
            b"/".to_vec()
        } else {
            fs::read(entry.path()).expect("read")
        };
        found.insert(relative, value);
    }
    found
}

fn ehp(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ehp"));
    command.args(args).env("EHP_THREADS", "1");
    for (name, value) in envs {
        command.env(name, value);
    }
    command.output().expect("run ehp")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const ENVS: &str = r#"env dev {
    kube_context = "dev"
    domain = "dev.example"
    helm_repos { ehealth = "https://charts.example" }
}
env prod {
    kube_context = "prod"
    domain = "prod.example"
    helm_repos { ehealth = "https://charts.example" }
}
"#;

/// A project of `apps` apps; `version` changes every app's tag and `skip` leaves some out, so
/// that two versions differ in changed, new and stale files.
fn project(root: &Path, apps: usize, version: u32, skip: usize) {
    fs::create_dir_all(root).expect("mkdir");
    fs::write(root.join("envs.ehp"), ENVS).expect("write");
    let mut text = String::new();
    for n in (0..apps).filter(|n| skip == 0 || n % skip != 0) {
        text.push_str(&format!(
            "app app-{n:04}: web_service {{\n    image = \"team/app-{n}\"\n    tag = \"1.{version}.{n}\"\n}}\n"
        ));
    }
    fs::write(root.join("apps.ehp"), text).expect("write");
}

/// A work folder holding `old/` and `new/` (two versions of a project) and `out/` built from
/// `old`, with a file and a folder of the user's inside `out`, and a victim file beside it.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new(apps: usize) -> Work {
        let dir = tempfile::tempdir().expect("tempdir");
        project(&dir.path().join("old"), apps, 1, 0);
        project(&dir.path().join("new"), apps, 2, 3);
        let work = Work { dir };
        work.build("old", &[]);
        fs::write(work.out().join("README.md"), "mine\n").expect("write");
        fs::create_dir_all(work.out().join("notes/deep")).expect("mkdir");
        fs::write(work.out().join("notes/deep/n.txt"), "mine too\n").expect("write");
        fs::write(work.path().join("victim.txt"), "untouched\n").expect("write");
        work
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.path().join("out")
    }

    fn build(&self, which: &str, envs: &[(&str, &str)]) -> Output {
        let source = self.path().join(which);
        let out = self.out();
        let output = ehp(
            &[
                "build",
                source.to_str().expect("utf-8"),
                "--out",
                out.to_str().expect("utf-8"),
            ],
            envs,
        );
        if envs.is_empty() {
            assert!(output.status.success(), "{}", stderr(&output));
        }
        output
    }

    /// The trees a correct build leaves: the output built from `old` and from `new`.
    fn expected(&self) -> (Tree, Tree) {
        let old = tree(&self.out());
        let copy = tempfile::tempdir().expect("tempdir");
        let copy_out = copy.path().join("out");
        copy_tree(&self.out(), &copy_out);
        let new_source = self.path().join("new");
        let output = ehp(
            &[
                "build",
                new_source.to_str().expect("utf-8"),
                "--out",
                copy_out.to_str().expect("utf-8"),
            ],
            &[],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        (old, tree(&copy_out))
    }

    /// The folder around the output, apart from ehp's hidden leftovers.
    fn around(&self) -> Tree {
        tree(self.path())
            .into_iter()
            .filter(|(path, _)| !path.starts_with("out") && !path.starts_with(".out.ehp-"))
            .collect()
    }

    /// ehp's hidden names beside the output.
    fn leftovers(&self) -> Vec<String> {
        fs::read_dir(self.path())
            .expect("read")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.starts_with(".out.ehp-"))
            .collect()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for (relative, value) in tree(from) {
        let path = to.join(&relative);
        if value == b"/" {
            fs::create_dir_all(&path).expect("mkdir");
        } else {
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(&path, value).expect("write");
        }
    }
}

/// Asserts that the output is exactly one of the two trees.
fn assert_whole(work: &Work, old: &Tree, new: &Tree, what: &str) -> bool {
    let now = tree(&work.out());
    assert!(
        now == *old || now == *new,
        "{what}: the output is neither the old nor the new tree ({} entries; old {}, new {})",
        now.len(),
        old.len(),
        new.len()
    );
    now == *new
}

#[test]
fn a_build_stopped_at_any_step_leaves_the_old_or_the_new_tree() {
    stopped_at_any_step("");
}

/// The same where the filesystem cannot exchange two names atomically: the old tree is moved
/// aside, then the new one in; a build stopped between the two leaves no output, and the next
/// build puts the old tree back.
#[test]
fn without_an_atomic_exchange_a_stopped_build_is_repaired_by_the_next() {
    stopped_at_any_step("no-exchange,");
}

fn stopped_at_any_step(extra: &str) {
    let mut saw_missing = false;
    let work = Work::new(4);
    let (old, new) = work.expected();
    assert_ne!(old, new);
    let around = work.around();
    let mut step = 1;
    loop {
        let fault = format!("{extra}abort:{step}");
        let output = work.build("new", &[("EHP_TEST_FAULT", &fault)]);
        if !extra.is_empty() && !work.out().exists() {
            saw_missing = true;
            // Stopped between the two renames: no output, never a mix, until the next build.
            assert!(!work.leftovers().is_empty());
            work.build("old", &[]);
            assert_eq!(tree(&work.out()), old, "{fault}: the old tree put back");
            step += 1;
            continue;
        }
        let finished = assert_whole(&work, &old, &new, &fault);
        assert_eq!(
            work.around(),
            around,
            "{fault}: something outside --out changed"
        );
        if output.status.success() {
            assert!(finished);
            assert!(work.leftovers().is_empty(), "{:?}", work.leftovers());
            break;
        }
        // The next build cleans up whatever the stopped one left, and ends whole.
        work.build("old", &[]);
        assert_eq!(
            tree(&work.out()),
            old,
            "{fault}: rebuilding the old sources"
        );
        assert!(
            work.leftovers().is_empty(),
            "{fault}: {:?}",
            work.leftovers()
        );
        step += 1;
        assert!(step < 200, "the fault was never passed");
    }
    assert!(
        step > 10,
        "only {step} steps: the faults did not reach the writer"
    );
    assert_eq!(
        saw_missing,
        !extra.is_empty(),
        "the build was stopped between the two renames only without the exchange"
    );
}

/// Into a missing output, the values files are written into the staging folder while the build
/// evaluates (`output::Early`): a build that fails, is stopped or meets a full disk at any step
/// leaves no output and nothing beside it once the next build has run.
#[test]
fn a_build_into_a_missing_output_leaves_all_of_it_or_nothing() {
    let work = Work::new(4);
    fs::remove_dir_all(work.out()).expect("rm");
    let around = work.around();
    let new = {
        work.build("new", &[]);
        let built = tree(&work.out());
        fs::remove_dir_all(work.out()).expect("rm");
        built
    };
    assert!(new.len() > 10);
    // A build with an error writes nothing, beside the output either.
    let broken = work.path().join("broken");
    copy_tree(&work.path().join("new"), &broken);
    fs::write(broken.join("zz.ehp"), "app broken: nowhere {\n").expect("write");
    let output = work.build("broken", &[("EHP_TEST_FAULT", "none")]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!work.out().exists());
    assert!(work.leftovers().is_empty(), "{:?}", work.leftovers());
    fs::remove_dir_all(&broken).expect("rm");
    for kind in ["fail", "abort"] {
        for step in 1.. {
            let fault = format!("{kind}:{step}");
            let output = work.build("new", &[("EHP_TEST_FAULT", &fault)]);
            if output.status.success() {
                assert_eq!(tree(&work.out()), new, "{fault}");
                fs::remove_dir_all(work.out()).expect("rm");
                assert!(step > 10, "{fault}: the faults did not reach the writer");
                break;
            }
            if kind == "fail" {
                assert_eq!(
                    output.status.code(),
                    Some(2),
                    "{fault}: {}",
                    stderr(&output)
                );
                assert!(
                    work.leftovers().is_empty(),
                    "{fault}: {:?}",
                    work.leftovers()
                );
            }
            // Stopped or failed: no output, or (stopped after the rename) the whole new one.
            let now = tree(&work.out());
            assert!(now.is_empty() || now == new, "{fault}: a partial output");
            let _ = fs::remove_dir_all(work.out());
            // The next build cleans up whatever a stopped one left beside the output.
            work.build("new", &[]);
            fs::remove_dir_all(work.out()).expect("rm");
            assert!(
                work.leftovers().is_empty(),
                "{fault}: {:?}",
                work.leftovers()
            );
            assert_eq!(
                work.around(),
                around,
                "{fault}: something outside --out changed"
            );
            assert!(step < 400, "{fault}: the fault was never passed");
        }
    }
}

#[test]
fn a_failed_write_at_any_step_leaves_the_old_tree_and_nothing_else() {
    let work = Work::new(4);
    let (old, new) = work.expected();
    let around = work.around();
    for step in 1.. {
        let fault = format!("fail:{step}");
        let output = work.build("new", &[("EHP_TEST_FAULT", &fault)]);
        if output.status.success() {
            assert_eq!(tree(&work.out()), new);
            break;
        }
        assert_eq!(
            output.status.code(),
            Some(2),
            "{fault}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        // A failure after the swap (removing the old tree) leaves the new one, with a warning.
        assert!(
            message.contains("No space left on device"),
            "{fault}: {message}"
        );
        assert_eq!(tree(&work.out()), old, "{fault}: {message}");
        assert!(
            work.leftovers().is_empty(),
            "{fault}: {:?}",
            work.leftovers()
        );
        assert_eq!(work.around(), around);
        assert!(step < 200);
    }
}

#[test]
fn a_build_killed_at_random_moments_leaves_the_old_or_the_new_tree() {
    let work = Work::new(40);
    let (old, new) = work.expected();
    let around = work.around();
    let source = work.path().join("new");
    let out = work.out();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = Command::new(env!("CARGO_BIN_EXE_ehp"))
            .args(["build", source.to_str().expect("utf-8"), "--out"])
            .arg(&out)
            .env("EHP_TEST_FAULT", "pause:1")
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(20 + seed % 400));
        let _ = child.kill();
        let _ = child.wait();
        assert_whole(&work, &old, &new, &format!("round {round}"));
        assert_eq!(work.around(), around);
        work.build("old", &[]);
        assert!(work.leftovers().is_empty(), "{:?}", work.leftovers());
    }
}

#[test]
fn concurrent_builds_never_interleave() {
    let work = Work::new(20);
    let (old, new) = work.expected();
    let out = work.out();
    for round in 0..4 {
        let children: Vec<_> = ["old", "new", "old", "new"]
            .iter()
            .map(|which| {
                Command::new(env!("CARGO_BIN_EXE_ehp"))
                    .args(["build"])
                    .arg(work.path().join(which))
                    .arg("--out")
                    .arg(&out)
                    .env("EHP_TEST_FAULT", "pause:3")
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let mut waited = false;
        for child in children {
            let output = child.wait_with_output().expect("wait");
            assert!(
                output.status.success(),
                "round {round}: {}",
                stderr(&output)
            );
            waited |= stderr(&output).contains("waiting for another ehp build");
        }
        assert_whole(&work, &old, &new, &format!("round {round}"));
        assert!(waited, "round {round}: no build waited for the lock");
        assert!(work.leftovers().is_empty());
    }
}

/// Every entry under `root` with its inode and modification time.
fn identities(root: &Path) -> Vec<(String, u64, i64, i64)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| {
            let entry = entry.expect("walk");
            let meta = entry.metadata().expect("stat");
            (
                entry.path().display().to_string(),
                meta.ino(),
                meta.mtime(),
                meta.mtime_nsec(),
            )
        })
        .collect()
}

#[test]
fn an_unchanged_output_is_not_touched() {
    let work = Work::new(3);
    let before = identities(&work.out());
    let output = work.build("old", &[]);
    assert!(stderr(&output).contains("unchanged"), "{}", stderr(&output));
    let after = identities(&work.out());
    assert_eq!(before, after);
    // The seal that lets the build trust the files without reading them is on the folder.
    let mut seal = [0u8; 128];
    let length = rustix::fs::getxattr(work.out().as_path(), "user.ehp.seal", &mut seal[..])
        .expect("a seal on the output folder");
    assert!(seal[..length].starts_with(b"ehp-seal-1 "));
}

/// A file of the user's added to a generated folder breaks the seal: the build reads the
/// generated files back, finds them unchanged, and still touches nothing.
#[test]
fn an_output_with_a_broken_seal_is_read_back_and_left_untouched() {
    let work = Work::new(3);
    fs::write(work.out().join("prod/values/mine.txt"), "mine\n").expect("write");
    let before = identities(&work.out());
    let output = work.build("old", &[]);
    assert!(stderr(&output).contains("unchanged"), "{}", stderr(&output));
    assert_eq!(identities(&work.out()), before);
}

/// Runs `ehp build --check` of the `old` sources.
fn check_old(work: &Work) -> Output {
    let source = work.path().join("old");
    let out = work.out();
    ehp(
        &[
            "build",
            source.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
            "--check",
        ],
        &[],
    )
}

/// Writes `bytes` to `path` and puts its modification time back to `modified`, as a careful
/// hand edit (or `touch -r`) would.
fn write_keeping_mtime(path: &Path, bytes: &[u8], modified: std::time::SystemTime) {
    fs::write(path, bytes).expect("write");
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(modified)
        .expect("set mtime");
}

/// A generated file edited in place (same size, modification time put back), deleted, or
/// replaced by a renamed file is noticed by `--check` and restored by the next build, however
/// soon after the build it happens; then the output is unchanged again.
#[test]
fn a_hand_edited_or_deleted_output_file_is_noticed_and_restored() {
    let work = Work::new(3);
    let built = tree(&work.out());
    let relative = "prod/values/app-0001.yaml";
    let path = work.out().join(relative);
    let original = fs::read(&path).expect("read");
    let modified = fs::metadata(&path)
        .expect("stat")
        .modified()
        .expect("mtime");
    let at = original
        .windows(5)
        .position(|window| window == b"team/")
        .expect("the image");
    let mut edited = original.clone();
    edited[at] = b'T';
    let aside = work.path().join("aside.yaml");
    let edits: [(&str, &dyn Fn()); 3] = [
        ("differs", &|| write_keeping_mtime(&path, &edited, modified)),
        ("missing", &|| fs::remove_file(&path).expect("rm")),
        ("differs", &|| {
            write_keeping_mtime(&aside, &edited, modified);
            fs::rename(&aside, &path).expect("rename");
        }),
    ];
    for (what, edit) in edits {
        edit();
        let check = check_old(&work);
        assert_eq!(check.status.code(), Some(1), "{what}: {}", stderr(&check));
        assert_eq!(
            String::from_utf8_lossy(&check.stdout),
            format!("{what}: {relative}\n")
        );
        let output = work.build("old", &[]);
        assert!(
            stderr(&output).contains("wrote"),
            "{what}: {}",
            stderr(&output)
        );
        assert_eq!(tree(&work.out()), built, "{what}: restored");
    }
    let again = work.build("old", &[]);
    assert!(stderr(&again).contains("unchanged"), "{}", stderr(&again));
    assert_eq!(check_old(&work).status.code(), Some(0));
}

/// An older ehp's manifest (paths only) is read for its paths (a stale file it lists is
/// removed) and rewritten; the generated files keep their bytes.
#[test]
fn an_older_manifest_is_read_for_its_paths_and_rewritten() {
    let work = Work::new(3);
    let built = tree(&work.out());
    let manifest = work.out().join(".ehp-manifest");
    let text = fs::read_to_string(&manifest).expect("read");
    let mut older = String::new();
    for (number, line) in text.lines().enumerate() {
        match number {
            0 => older.push_str(line),
            _ if line.starts_with('#') => continue,
            _ => older.push_str(line.split(' ').next().expect("a path")),
        }
        older.push('\n');
    }
    older.push_str("gone/values/stale.yaml\n");
    assert_ne!(older, text);
    fs::write(&manifest, &older).expect("write");
    fs::create_dir_all(work.out().join("gone/values")).expect("mkdir");
    let generated = &built["prod/helmsman.yaml"];
    fs::write(work.out().join("gone/values/stale.yaml"), generated).expect("write");
    let check = check_old(&work);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("differs: .ehp-manifest"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let output = work.build("old", &[]);
    assert!(stderr(&output).contains("wrote"), "{}", stderr(&output));
    assert_eq!(tree(&work.out()), built);
    let again = work.build("old", &[]);
    assert!(stderr(&again).contains("unchanged"), "{}", stderr(&again));
}

/// A symbolic link planted at a path ehp writes, reads or removes is never followed: the build
/// refuses, naming the link, and the link's target is untouched.
#[test]
fn symbolic_links_in_the_output_are_never_followed() {
    let cases: &[(&str, bool)] = &[
        // (where the link is planted, inside `out` unless it starts with `..`; whether it
        // points to a folder)
        ("prod", true),
        ("prod/values", true),
        ("prod/helmsman.yaml", false),
        ("prod/values/app-0001.yaml", false),
        (".ehp-manifest", false),
        ("../.out.ehp-lock", false),
    ];
    for (planted, to_folder) in cases {
        let work = Work::new(3);
        let victim_dir = work.path().join("victim");
        fs::create_dir_all(victim_dir.join("values")).expect("mkdir");
        fs::write(victim_dir.join("values/app-0001.yaml"), "victim\n").expect("write");
        fs::write(victim_dir.join("helmsman.yaml"), "victim\n").expect("write");
        let link = work.out().join(planted);
        let _ = fs::remove_dir_all(&link);
        let _ = fs::remove_file(&link);
        let target = if *to_folder {
            victim_dir.clone()
        } else {
            work.path().join("victim.txt")
        };
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let around = work.around();
        let output = work.build("new", &[("EHP_TEST_FAULT", "none")]);
        assert_eq!(work.around(), around, "{planted}: outside --out changed");
        assert_eq!(
            fs::read_to_string(work.path().join("victim.txt")).expect("read"),
            "untouched\n"
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{planted}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("symbolic link"),
            "{planted}: {}",
            stderr(&output)
        );
        assert!(fs::symlink_metadata(&link).expect("link").is_symlink());
    }
}

/// A FIFO planted at a generated path cannot make a build wait forever: it is refused as not a
/// file, and left as it is.
#[test]
fn a_fifo_in_the_output_is_refused_without_waiting() {
    let work = Work::new(3);
    let fifo = work.out().join("prod/values/app-0001.yaml");
    fs::remove_file(&fifo).expect("rm");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for which in ["old", "new"] {
        let output = work.build(which, &[("EHP_TEST_FAULT", "none")]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("not a file"),
            "{}",
            stderr(&output)
        );
    }
    assert!(fs::symlink_metadata(&fifo).is_ok());
}

/// A stale file is removed only inside `--out`: a listed file reached through a planted link to
/// a folder is left alone, and so is the link.
#[test]
fn stale_files_behind_a_link_are_not_removed() {
    let work = Work::new(3);
    let victim_dir = work.path().join("victim");
    fs::create_dir_all(victim_dir.join("values")).expect("mkdir");
    let generated = fs::read(work.out().join("dev/values/app-0000.yaml")).expect("read");
    fs::write(victim_dir.join("values/app-0000.yaml"), &generated).expect("write");
    // `dev` is not rebuilt with `--env prod`: replace it by a link to a folder holding what
    // looks like its files; the new sources no longer have `app-0000`.
    fs::remove_dir_all(work.out().join("dev")).expect("rm");
    std::os::unix::fs::symlink(&victim_dir, work.out().join("dev")).expect("symlink");
    let around = work.around();
    let source = work.path().join("new");
    let output = ehp(
        &[
            "build",
            source.to_str().expect("utf-8"),
            "--out",
            work.out().to_str().expect("utf-8"),
            "--env",
            "prod",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(work.around(), around, "{}", stderr(&output));
    assert!(
        fs::symlink_metadata(work.out().join("dev"))
            .expect("link")
            .is_symlink()
    );
    // Without `--env`, `dev` is rebuilt: the link is refused.
    let output = work.build("new", &[("EHP_TEST_FAULT", "none")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_eq!(work.around(), around);
}

#[test]
fn dangerous_output_folders_are_refused() {
    let work = Work::new(2);
    let source = work.path().join("old");
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let parent = work.path().to_str().expect("utf-8").to_string();
    for out in ["/", home.as_str(), source.to_str().expect("utf-8"), &parent] {
        let output = ehp(
            &["build", source.to_str().expect("utf-8"), "--out", out],
            &[],
        );
        assert_eq!(output.status.code(), Some(2), "{out}");
        assert!(
            stderr(&output).contains("refusing to write"),
            "{out}: {}",
            stderr(&output)
        );
    }
    assert!(tree(&source).keys().all(|path| path.ends_with(".ehp")));
}

/// A real full disk: a 1 MiB tmpfs, when the test may mount one (as root on Linux). The
/// simulated full disk of `a_failed_write_at_any_step_leaves_the_old_tree_and_nothing_else`
/// covers machines where it may not.
#[test]
fn a_full_disk_leaves_the_old_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("disk");
    fs::create_dir_all(&disk).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=600k", "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (the simulated full disk still runs)");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        project(&dir.path().join("small"), 5, 1, 0);
        project(&dir.path().join("large"), 400, 2, 0);
        let out = disk.join("out");
        let build = |which: &str| {
            ehp(
                &[
                    "build",
                    dir.path().join(which).to_str().expect("utf-8"),
                    "--out",
                    out.to_str().expect("utf-8"),
                ],
                &[],
            )
        };
        assert!(build("small").status.success());
        let old = tree(&out);
        let output = build("large");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("No space left"),
            "{}",
            stderr(&output)
        );
        assert_eq!(tree(&out), old);
        let names: Vec<_> = fs::read_dir(&disk).expect("read").collect();
        assert_eq!(names.len(), 1, "only the output is left on the disk");
        assert!(
            build("small").status.success(),
            "the old sources still build"
        );
    });
    let _ = Command::new("umount").arg(&disk).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
