//! Reading a project as it was at git revisions, and the history between them, through the
//! `git` binary: for `ehp check --against REV`, `ehp diff --base REV`, `ehp log`, `ehp rollback`
//! and the commands that read each environment from its branch.
// Starting the `git` binary is this module's job; it never reads the filesystem itself.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// `git ARGS` with `input` on its standard input, written from another thread so that neither
/// side waits on a full pipe.
fn git_with_input(dir: &Path, args: &[&str], input: String) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run git: {error}"))?;
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(input.as_bytes());
        }
    });
    let output = child
        .wait_with_output()
        .map_err(|error| format!("git {}: {error}", args.join(" ")))?;
    let _ = writer.join();
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// One commit: its id, parents, who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The full id.
    pub id: String,
    /// The ids of its parents.
    pub parents: Vec<String>,
    /// The author's name.
    pub author_name: String,
    /// The author's e-mail address.
    pub author_email: String,
    /// The committer's e-mail address.
    pub committer_email: String,
    /// When it was committed, ISO 8601 (`2026-03-02T10:00:00+01:00`).
    pub date: String,
    /// The first line of its message.
    pub subject: String,
}

impl Commit {
    /// The id shortened to seven characters.
    pub fn short(&self) -> &str {
        self.id.get(..7).unwrap_or(&self.id)
    }
}

/// The format `git log` prints a [`Commit`] in: fields separated by NUL, records by RS.
const COMMIT_FORMAT: &str = "--format=%H%x00%P%x00%an%x00%ae%x00%ce%x00%cI%x00%s%x1e";

fn parse_commits(output: &[u8]) -> Vec<Commit> {
    String::from_utf8_lossy(output)
        .split('\u{1e}')
        .filter_map(|record| {
            let mut fields = record.trim_start_matches('\n').split('\0');
            let id = fields.next()?.to_string();
            if id.is_empty() {
                return None;
            }
            let parents = fields
                .next()?
                .split_whitespace()
                .map(str::to_string)
                .collect();
            Some(Commit {
                id,
                parents,
                author_name: fields.next()?.to_string(),
                author_email: fields.next()?.to_string(),
                committer_email: fields.next()?.to_string(),
                date: fields.next()?.to_string(),
                subject: fields.next()?.to_string(),
            })
        })
        .collect()
}

/// A project folder in a git work tree: where `git` runs, the folder's place in the repository,
/// and the names `ehp` gives its files. Blobs read once are kept.
#[derive(Debug)]
pub struct Repo {
    dir: PathBuf,
    prefix: String,
    label: String,
    only_file: Option<String>,
    blobs: BTreeMap<String, String>,
}

impl Repo {
    /// The repository holding `path` (a directory, or one file when `is_file`); an error when
    /// `path` is not in a git work tree. The caller says whether `path` is a file: this module
    /// only talks to `git`.
    pub fn open(path: &Path, is_file: bool) -> Result<Repo, String> {
        let dir = if is_file {
            path.parent().unwrap_or(Path::new("."))
        } else {
            path
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let prefix = String::from_utf8_lossy(&git(dir, &["rev-parse", "--show-prefix"])?)
            .trim()
            .to_string();
        let given = path.to_string_lossy().replace('\\', "/");
        let given = given.trim_end_matches('/').to_string();
        let (label, only_file) = if is_file {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            (given, name)
        } else {
            let label = match given.as_str() {
                "" | "." => String::new(),
                other => format!("{other}/"),
            };
            (label, None)
        };
        Ok(Repo {
            dir: dir.to_path_buf(),
            prefix,
            label,
            only_file,
            blobs: BTreeMap::new(),
        })
    }

    /// The commit `rev` names, or `None` when it names none.
    pub fn resolve(&self, rev: &str) -> Option<String> {
        let spec = format!("{rev}^{{commit}}");
        git(&self.dir, &["rev-parse", "--verify", "--quiet", &spec])
            .ok()
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
            .filter(|id| !id.is_empty())
    }

    /// The commit `rev` names, with who made it and when.
    pub fn commit(&self, rev: &str) -> Result<Commit, String> {
        let out = git(&self.dir, &["log", "-1", COMMIT_FORMAT, rev, "--"])?;
        parse_commits(&out)
            .into_iter()
            .next()
            .ok_or_else(|| format!("`{rev}` names no commit"))
    }

    /// The commits reachable from `head` but not from `base`, parents before children.
    pub fn range(&self, base: &str, head: &str) -> Result<Vec<Commit>, String> {
        let spec = format!("{base}..{head}");
        let out = git(
            &self.dir,
            &[
                "log",
                "--topo-order",
                "--reverse",
                COMMIT_FORMAT,
                &spec,
                "--",
            ],
        )?;
        Ok(parse_commits(&out))
    }

    /// The commits reachable from `rev`, newest first, at most `limit`.
    pub fn history(&self, rev: &str, limit: usize) -> Result<Vec<Commit>, String> {
        let count = format!("--max-count={limit}");
        let out = git(
            &self.dir,
            &["log", "--topo-order", &count, COMMIT_FORMAT, rev, "--"],
        )?;
        Ok(parse_commits(&out))
    }

    /// Who git would record as the author of a commit made now: `(name, e-mail)`.
    pub fn author(&self) -> Option<(String, String)> {
        let out = git(&self.dir, &["var", "GIT_AUTHOR_IDENT"]).ok()?;
        let text = String::from_utf8_lossy(&out);
        let (name, rest) = text.split_once('<')?;
        let (email, _) = rest.split_once('>')?;
        Some((name.trim().to_string(), email.trim().to_string()))
    }

    /// The branch checked out, when one is.
    pub fn current_branch(&self) -> Option<String> {
        git(&self.dir, &["symbolic-ref", "--quiet", "--short", "HEAD"])
            .ok()
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
            .filter(|name| !name.is_empty())
    }

    /// The id of the project folder's tree at each commit (`None` where it does not exist), in
    /// one `git` run: commits with the same tree hold the same project.
    pub fn trees(&self, commits: &[&str]) -> Result<Vec<Option<String>>, String> {
        let input: String = commits
            .iter()
            .map(|commit| {
                if self.prefix.is_empty() {
                    format!("{commit}^{{tree}}\n")
                } else {
                    format!("{commit}:{}\n", self.prefix.trim_end_matches('/'))
                }
            })
            .collect();
        let out = git_with_input(&self.dir, &["cat-file", "--batch-check"], input)?;
        Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(|line| {
                let mut parts = line.split_whitespace();
                match (parts.next(), parts.next()) {
                    (Some(id), Some("tree")) => Some(id.to_string()),
                    _ => None,
                }
            })
            .collect())
    }

    /// The `.ehp` files of the project as they were at `rev`, named as `ehp` names the files of
    /// the working tree (the path given followed by the path inside it), sorted.
    pub fn files_at(&mut self, rev: &str) -> Result<Vec<(String, String)>, String> {
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", rev];
        if !self.prefix.is_empty() {
            args.extend(["--", self.prefix.as_str()]);
        }
        let listing = git(&self.dir, &args)?;
        let mut wanted: Vec<(String, String)> = Vec::new();
        for entry in listing.split(|byte| *byte == 0) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let Some(blob) = meta.split_whitespace().nth(2) else {
                continue;
            };
            if let Some(name) = self.name_of(path) {
                wanted.push((name, blob.to_string()));
            }
        }
        self.read_blobs(wanted.iter().map(|(_, blob)| blob.as_str()), rev)?;
        let mut files: Vec<(String, String)> = wanted
            .into_iter()
            .filter_map(|(name, blob)| Some((name, self.blobs.get(&blob)?.clone())))
            .collect();
        files.sort_by(|left, right| left.0.cmp(&right.0));
        Ok(files)
    }

    /// The name `ehp` gives the file at `path` (from the repository's root), when it is a file
    /// of the project.
    fn name_of(&self, path: &str) -> Option<String> {
        let inside = path.strip_prefix(&self.prefix)?;
        // The project file at the root is read with the sources.
        let project_file = self.only_file.is_none() && inside == crate::manifest::FILE_NAME;
        if !path.ends_with(".ehp") && !project_file {
            return None;
        }
        if inside
            .split('/')
            .any(|part| part.starts_with('.') || part == "target")
        {
            return None;
        }
        match &self.only_file {
            Some(file) if file != inside => None,
            Some(_) => Some(self.label.clone()),
            None => Some(format!("{}{inside}", self.label)),
        }
    }

    /// Reads the blobs not read yet, in one `git cat-file --batch` run.
    fn read_blobs<'a>(
        &mut self,
        blobs: impl Iterator<Item = &'a str>,
        rev: &str,
    ) -> Result<(), String> {
        let missing: Vec<&str> = blobs
            .filter(|blob| !self.blobs.contains_key(*blob))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let input: String = missing.iter().map(|blob| format!("{blob}\n")).collect();
        let out = git_with_input(&self.dir, &["cat-file", "--batch"], input)?;
        let mut rest = out.as_slice();
        while let Some(newline) = rest.iter().position(|byte| *byte == b'\n') {
            let header = String::from_utf8_lossy(rest.get(..newline).unwrap_or(&[])).into_owned();
            let mut parts = header.split_whitespace();
            let (Some(id), Some(_), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("git cat-file: unexpected output `{header}`"));
            };
            let size: usize = size
                .parse()
                .map_err(|_| format!("git cat-file: unexpected output `{header}`"))?;
            let body = rest
                .get(newline + 1..newline + 1 + size)
                .ok_or("git cat-file: output cut short")?;
            let text = String::from_utf8(body.to_vec())
                .map_err(|_| format!("a file at {rev} is not UTF-8 text"))?;
            self.blobs.insert(id.to_string(), text);
            rest = rest.get(newline + 2 + size..).unwrap_or(&[]);
        }
        Ok(())
    }
}

/// The `.ehp` files under `path` (a directory, or one file when `is_file`), and the folder's
/// project file `ehp.toml`, as they were at
/// `rev`, named as `ehp` names the files of the working tree (`path/` followed by the path inside
/// it), sorted. The caller says whether `path` is a file: this module only talks to `git`.
pub fn files_at(path: &Path, is_file: bool, rev: &str) -> Result<Vec<(String, String)>, String> {
    Repo::open(path, is_file)?.files_at(rev)
}
