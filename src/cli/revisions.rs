//! Reading each environment of the chain from its own branch, for the commands that report on
//! releases (`status`, `why`, `diff --env A --env B`, `log`): a branch is read at `--rev
//! BRANCH=REV` when given, else at the working tree with `--worktree` for the branch checked
//! out, else at `origin/BRANCH`, else at `BRANCH`, else from the working tree (said in a note).
//! Environments outside the chain, and every environment when the chain names no branches or
//! the project is not in a git repository, are read from the working tree.

use std::path::Path;

use super::UsageError;
use super::args::RevisionArgs;
use crate::Analysis;
use crate::eval::model::EnvInstance;
use crate::git::Repo;
use crate::promote::Branch;
use crate::promote::history::Table;
use crate::review::status::Revision;

/// Where one branch was read.
pub(super) struct Read {
    /// What the reports say about it.
    pub(super) revision: Revision,
    /// The index of its analysis in [`View::revs`]; `None` for the working tree.
    pub(super) analysis: Option<usize>,
}

/// The project as its branches are deployed: one analysis per revision read.
pub(super) struct View {
    /// The working tree's analysis.
    pub(super) worktree: Analysis,
    /// The analyses of the revisions read.
    pub(super) revs: Vec<Analysis>,
    /// Where each branch was read (one read of the working tree without branches).
    pub(super) reads: Vec<Read>,
    /// What the reader should know (a branch read from the working tree for want of a ref).
    pub(super) notes: Vec<String>,
}

/// The revision each `--rev BRANCH=REV` names.
pub(super) fn explicit(args: &RevisionArgs) -> Result<Vec<(String, String)>, UsageError> {
    args.revs
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .filter(|(branch, rev)| !branch.is_empty() && !rev.is_empty())
                .map(|(branch, rev)| (branch.to_string(), rev.to_string()))
                .ok_or_else(|| {
                    UsageError(format!(
                        "--rev `{pair}`: write BRANCH=REV, e.g. prod=origin/prod"
                    ))
                })
        })
        .collect()
}

/// A usage error when `--rev` names a branch the chain does not.
fn known_branches(explicit: &[(String, String)], branches: &[Branch]) -> Result<(), UsageError> {
    for (branch, _) in explicit {
        if !branches.iter().any(|known| &known.name == branch) {
            let known: Vec<&str> = branches.iter().map(|known| known.name.as_str()).collect();
            return Err(UsageError(format!(
                "--rev {branch}=...: the promotion chain names no branch `{branch}` (it names: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    Ok(())
}

/// Reads the project at `path` as its branches are deployed; `worktree` is the analysis of the
/// working tree.
pub(super) fn read(
    path: &Path,
    args: &RevisionArgs,
    worktree: Analysis,
) -> Result<View, UsageError> {
    let explicit = explicit(args)?;
    let branches = worktree
        .promotion
        .as_ref()
        .map(|promotion| promotion.branches.clone())
        .unwrap_or_default();
    known_branches(&explicit, &branches)?;
    let all: Vec<String> = match &worktree.promotion {
        Some(promotion) => promotion.chain.clone(),
        None => worktree.envs.iter().map(|env| env.name.clone()).collect(),
    };
    let mut view = View {
        worktree,
        revs: Vec::new(),
        reads: Vec::new(),
        notes: Vec::new(),
    };
    let repo = if branches.is_empty() {
        None
    } else {
        match Repo::open(path, path.is_file()) {
            Ok(repo) => Some(repo),
            Err(_) if explicit.is_empty() => {
                view.notes.push(
                    "not in a git repository: every environment is read from the working tree"
                        .into(),
                );
                None
            }
            Err(error) => return Err(UsageError(error)),
        }
    };
    let Some(mut repo) = repo else {
        view.reads.push(worktree_read(None, all));
        return Ok(view);
    };
    for (branch, chosen) in branch_revs(&repo, args, &explicit, &branches) {
        let Some(rev) = chosen else {
            let here =
                args.worktree && repo.current_branch().as_deref() == Some(branch.name.as_str());
            if !here {
                view.notes.push(format!(
                    "no `origin/{0}` or `{0}`: {1} read from the working tree",
                    branch.name,
                    branch.envs.join(", ")
                ));
            }
            view.reads.push(worktree_read(
                Some(branch.name.clone()),
                branch.envs.clone(),
            ));
            continue;
        };
        let commit = repo.commit(&rev).map_err(UsageError)?;
        let files = repo.files_at(&commit.id).map_err(UsageError)?;
        view.revs.push(crate::analyze(&files));
        view.reads.push(Read {
            revision: Revision {
                branch: Some(branch.name.clone()),
                envs: branch.envs.clone(),
                rev,
                commit: Some(commit.short().to_string()),
                date: Some(commit.date.clone()),
            },
            analysis: Some(view.revs.len() - 1),
        });
    }
    Ok(view)
}

/// The revision each branch is read at: `--rev`, else (`None`) the working tree with
/// `--worktree` for the branch checked out, else `origin/BRANCH`, else `BRANCH`, else `None`.
pub(super) fn branch_revs<'a>(
    repo: &Repo,
    args: &RevisionArgs,
    explicit: &[(String, String)],
    branches: &'a [Branch],
) -> Vec<(&'a Branch, Option<String>)> {
    let current = repo.current_branch();
    branches
        .iter()
        .map(|branch| {
            let chosen = explicit
                .iter()
                .find(|(name, _)| name == &branch.name)
                .map(|(_, rev)| rev.clone())
                .or_else(|| {
                    if args.worktree && current.as_deref() == Some(branch.name.as_str()) {
                        return None;
                    }
                    [format!("origin/{}", branch.name), branch.name.clone()]
                        .into_iter()
                        .find(|rev| repo.resolve(rev).is_some())
                });
            (branch, chosen)
        })
        .collect()
}

/// A read of the working tree.
fn worktree_read(branch: Option<String>, envs: Vec<String>) -> Read {
    Read {
        revision: Revision {
            branch,
            envs,
            rev: "working tree".to_string(),
            commit: None,
            date: None,
        },
        analysis: None,
    }
}

impl View {
    /// The analysis `env` is read from: its branch's, or the working tree's.
    pub(super) fn analysis_of(&self, env: &str) -> (&Analysis, Option<&Revision>) {
        let read = self
            .reads
            .iter()
            .find(|read| read.revision.envs.iter().any(|name| name == env));
        let analysis = read
            .and_then(|read| read.analysis)
            .and_then(|index| self.revs.get(index))
            .unwrap_or(&self.worktree);
        (analysis, read.map(|read| &read.revision))
    }

    /// Every concrete environment, each from where it is read, in the working tree's order.
    pub(super) fn envs(&self) -> Vec<EnvInstance> {
        self.worktree
            .envs
            .iter()
            .filter_map(|env| {
                let (analysis, _) = self.analysis_of(&env.name);
                analysis
                    .envs
                    .iter()
                    .find(|found| found.name == env.name)
                    .cloned()
            })
            .collect()
    }

    /// How every app stands in every environment of the chain, each from where it is read.
    pub(super) fn table(&self, promotion: &crate::promote::Promotion) -> Table {
        let mut table = Table::default();
        for env in &promotion.chain {
            let (analysis, _) = self.analysis_of(env);
            let mine = Table::of(promotion, &analysis.project, &analysis.envs);
            table.extend(mine, |name| name == env);
        }
        table
    }

    /// The revisions read, for reports.
    pub(super) fn revisions(&self) -> Vec<Revision> {
        self.reads
            .iter()
            .map(|read| read.revision.clone())
            .collect()
    }
}
