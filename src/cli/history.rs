//! Reading git history for the commands that need it: the range a gate checks
//! (`check --against`, the verdict in `diff --format markdown`), the releases an environment ran
//! (`rollback`), and every change of a branch (`log`). Each revision is read through `git` and
//! analysed; revisions with the same project tree are analysed once. The rules are the
//! library's (`promote::history`).

use std::collections::BTreeMap;
use std::path::Path;

use super::UsageError;
use crate::git::{Commit, Repo};
use crate::promote::history::{self, CommitInfo, Gate, Lookback, Node, Table, Verdict, WORKTREE};
use crate::promote::{Promotion, Release};

/// How far back a gate looks for a release a record claims, beyond its range and base.
const LOOKBACK: usize = 200;

/// A repository and the tables of the revisions read so far, by project tree.
pub(super) struct Reader {
    pub(super) repo: Repo,
    promotion: Promotion,
    tables: BTreeMap<String, Table>,
}

impl Reader {
    /// The repository of the project at `path`, whose tables are read along `promotion`.
    pub(super) fn open(path: &Path, promotion: &Promotion) -> Result<Reader, UsageError> {
        Ok(Reader {
            repo: Repo::open(path, path.is_file()).map_err(UsageError)?,
            promotion: promotion.clone(),
            tables: BTreeMap::new(),
        })
    }

    /// The analysis of the project at `rev`.
    pub(super) fn analysis_at(&mut self, rev: &str) -> Result<crate::Analysis, UsageError> {
        let files = self.repo.files_at(rev).map_err(UsageError)?;
        Ok(crate::analyze(&files))
    }

    /// The table of each commit, in order.
    pub(super) fn tables(&mut self, commits: &[&str]) -> Result<Vec<Table>, UsageError> {
        let trees = self.repo.trees(commits).map_err(UsageError)?;
        let mut tables = Vec::with_capacity(commits.len());
        for (commit, tree) in commits.iter().zip(trees) {
            let Some(tree) = tree else {
                tables.push(Table::default());
                continue;
            };
            if let Some(table) = self.tables.get(&tree) {
                tables.push(table.clone());
                continue;
            }
            let analysis = self.analysis_at(commit)?;
            let table = Table::of(&self.promotion, &analysis.project, &analysis.envs);
            self.tables.insert(tree, table.clone());
            tables.push(table);
        }
        Ok(tables)
    }

    /// The table of one commit.
    pub(super) fn table(&mut self, commit: &str) -> Result<Table, UsageError> {
        Ok(self
            .tables(&[commit])?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    /// The nodes of `commits` (parents before children), each linked to the parents among them;
    /// a parent outside them becomes a node of its own (a revision before the range), when
    /// `outside` is set, and is left out otherwise.
    pub(super) fn nodes(
        &mut self,
        commits: &[Commit],
        outside: bool,
    ) -> Result<Vec<Node>, UsageError> {
        let ids: Vec<&str> = commits.iter().map(|commit| commit.id.as_str()).collect();
        let tables = self.tables(&ids)?;
        let mut nodes: Vec<Node> = Vec::new();
        let mut index_of: BTreeMap<String, usize> = BTreeMap::new();
        for (commit, table) in commits.iter().zip(tables) {
            let mut parents = Vec::new();
            for parent in &commit.parents {
                if let Some(&index) = index_of.get(parent) {
                    parents.push(index);
                } else if outside {
                    let table = self.table(parent)?;
                    index_of.insert(parent.clone(), nodes.len());
                    parents.push(nodes.len());
                    nodes.push(Node {
                        commit: None,
                        table,
                        parents: Vec::new(),
                    });
                }
            }
            index_of.insert(commit.id.clone(), nodes.len());
            nodes.push(Node {
                commit: Some(info(commit)),
                table,
                parents,
            });
        }
        Ok(nodes)
    }
}

/// A commit as the library names it.
pub(super) fn info(commit: &Commit) -> CommitInfo {
    CommitInfo {
        id: commit.id.clone(),
        author: commit.author_email.clone(),
        committer: commit.committer_email.clone(),
        date: commit.date.clone(),
        subject: commit.subject.clone(),
    }
}

/// The range a gate checked, and what it found.
pub(super) struct GateRun {
    /// The revision the range starts from, as given.
    pub(super) base: String,
    /// Its commit, shortened.
    pub(super) base_short: String,
    /// What the gate found.
    pub(super) verdict: Verdict,
}

/// Runs the gate over the commits from `base` to `HEAD` and the working tree (`head`, read from
/// `head_files`): see `promote::history::gate`.
pub(super) fn run_gate(
    path: &Path,
    base: &str,
    pull_request: bool,
    head: &crate::Analysis,
    head_files: &[(String, String)],
) -> Result<GateRun, UsageError> {
    let Some(promotion) = &head.promotion else {
        return Err(UsageError("the project declares no promotion chain".into()));
    };
    let target = if pull_request {
        Some(promotion.pull_request_target().ok_or_else(|| {
            UsageError("--pull-request: the promotion chain has no pull-request step".into())
        })?)
    } else {
        None
    };
    let mut reader = Reader::open(path, promotion)?;
    let base_id = reader
        .repo
        .resolve(base)
        .ok_or_else(|| UsageError(format!("`{base}` names no commit")))?;
    let base_analysis = reader.analysis_at(&base_id)?;
    let roles = base_analysis
        .promotion
        .clone()
        .unwrap_or_else(|| promotion.clone());
    let commits = reader.repo.range(&base_id, "HEAD").map_err(UsageError)?;
    let mut nodes = vec![Node {
        commit: None,
        table: Table::of(promotion, &base_analysis.project, &base_analysis.envs),
        parents: Vec::new(),
    }];
    let offset = nodes.len();
    let mut range = reader.nodes(&commits, true)?;
    for node in &mut range {
        node.parents.iter_mut().for_each(|parent| *parent += offset);
    }
    nodes.extend(range);
    add_worktree(&mut reader, &mut nodes, &base_id, head, head_files)?;
    let gate = Gate {
        promotion,
        roles: &roles,
        pull_request: target,
    };
    let mut older = older_tables(&mut reader, &base_id);
    let verdict = history::gate(gate, &nodes, &mut Lookback::new(&mut older));
    Ok(GateRun {
        base: base.to_string(),
        base_short: base_id.get(..7).unwrap_or(&base_id).to_string(),
        verdict,
    })
}

/// Adds the working tree as the last node when it differs from `HEAD`, made by whoever git
/// would record as the author of a commit now.
fn add_worktree(
    reader: &mut Reader,
    nodes: &mut Vec<Node>,
    base_id: &str,
    head: &crate::Analysis,
    head_files: &[(String, String)],
) -> Result<(), UsageError> {
    let head_id = reader.repo.resolve("HEAD").unwrap_or_default();
    let committed = reader.repo.files_at("HEAD").map_err(UsageError)?;
    if committed == head_files {
        return Ok(());
    }
    let parent = nodes
        .iter()
        .rposition(|node| {
            node.commit
                .as_ref()
                .is_some_and(|commit| commit.id == head_id)
        })
        .or_else(|| (head_id == base_id).then_some(0));
    let parent = match parent {
        Some(parent) => parent,
        None => {
            let table = reader.table(&head_id)?;
            nodes.push(Node {
                commit: None,
                table,
                parents: Vec::new(),
            });
            nodes.len() - 1
        }
    };
    let Some(promotion) = &head.promotion else {
        return Ok(());
    };
    let author = reader
        .repo
        .author()
        .map_or_else(|| "unknown".to_string(), |(_, email)| email);
    nodes.push(Node {
        commit: Some(CommitInfo {
            id: WORKTREE.to_string(),
            author: author.clone(),
            committer: author,
            date: "uncommitted".to_string(),
            subject: "changes not committed yet".to_string(),
        }),
        table: Table::of(promotion, &head.project, &head.envs),
        parents: vec![parent],
    });
    Ok(())
}

/// The tables of the revisions before `base`, newest first, read only as far as needed.
fn older_tables<'a>(reader: &'a mut Reader, base: &'a str) -> impl Iterator<Item = Table> + 'a {
    let mut commits: Option<std::vec::IntoIter<Commit>> = None;
    std::iter::from_fn(move || {
        let list = commits.get_or_insert_with(|| {
            let mut found = reader.repo.history(base, LOOKBACK).unwrap_or_default();
            if !found.is_empty() {
                found.remove(0);
            }
            found.into_iter()
        });
        let commit = list.next()?;
        reader.table(&commit.id).ok()
    })
}

/// The releases `app` ran in `env` along the history of `HEAD`, newest first, each once.
pub(super) fn releases_ran(
    path: &Path,
    promotion: &Promotion,
    env: &str,
    app: &str,
) -> Result<Vec<Release>, UsageError> {
    let mut reader = Reader::open(path, promotion)?;
    let commits = reader.repo.history("HEAD", LOOKBACK).map_err(UsageError)?;
    let ids: Vec<&str> = commits.iter().map(|commit| commit.id.as_str()).collect();
    let mut releases: Vec<Release> = Vec::new();
    for table in reader.tables(&ids)? {
        if let Some(standing) = table.get(env, app)
            && !releases.contains(&standing.release)
        {
            releases.push(standing.release.clone());
        }
    }
    Ok(releases)
}
