//! Releases through git history: how each app stands in each environment of the chain at one
//! revision (a [`Table`]), which commit introduced each change (a change equal to one parent's
//! came with a merge), and the range gate of `ehp check --against REV`: every change a commit of
//! the range introduced is a promotion from the environment before (which ran that release in
//! the range or before it), a hot-fix, a rollback to a release the environment ran before, or a
//! publication on the first environment; made by someone the step's roles name; and, through a
//! pull request, never into a privileged environment of the branch it merges into. Pure: the
//! command line reads the revisions and analyses them.

use indexmap::IndexMap;

use super::{Promotion, Release, pinned_in, recorded_release, release_short};
use crate::diag::{Code, codes};
use crate::eval::model::{AppInstance, EnvInstance, Val, ValMap};
use crate::resolve::Project;

/// Which record says how a release got where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// `promoted { from ... }`: promoted from the environment before.
    Promoted,
    /// `hotfix { ... }`: straight into an environment that accepts hot-fixes.
    Hotfix,
    /// `rollback { ... }`: back to a release the environment ran before.
    Rollback,
    /// `published { ... }`: a new release on the first environment.
    Published,
}

impl RecordKind {
    /// The field that holds the record.
    pub fn field(self) -> &'static str {
        match self {
            RecordKind::Promoted => "promoted",
            RecordKind::Hotfix => "hotfix",
            RecordKind::Rollback => "rollback",
            RecordKind::Published => "published",
        }
    }

    /// A verb for reports: `promoted`, `hot-fixed`, `rolled back`, `published`.
    pub fn verb(self) -> &'static str {
        match self {
            RecordKind::Promoted => "promoted",
            RecordKind::Hotfix => "hot-fixed",
            RecordKind::Rollback => "rolled back",
            RecordKind::Published => "published",
        }
    }
}

/// A record, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Its kind.
    pub kind: RecordKind,
    /// Where a promotion came from.
    pub from: Option<String>,
    /// Who.
    pub by: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// When, as written (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// The release it records.
    pub release: Release,
}

impl Recorded {
    /// Reads the record `kind` from its map.
    pub fn read(kind: RecordKind, map: &ValMap) -> Recorded {
        let text = |key: &str| map.get(key).and_then(Val::to_text);
        Recorded {
            kind,
            from: text("from"),
            by: text("by"),
            reason: text("reason"),
            date: text("date"),
            release: recorded_release(map),
        }
    }
}

impl Recorded {
    /// The record in words: `promoted from exttest by per@ehealth.example, 2026-03-04: Release
    /// train 12`.
    pub fn text(&self) -> String {
        let mut text = match (self.kind, &self.from) {
            (RecordKind::Promoted, Some(from)) => format!("promoted from {from}"),
            (kind, _) => kind.verb().to_string(),
        };
        text.push_str(&format!(
            " by {}, {}",
            self.by.as_deref().unwrap_or("unknown"),
            self.date.as_deref().unwrap_or("undated")
        ));
        if let Some(reason) = &self.reason {
            text.push_str(&format!(": {reason}"));
        }
        text
    }
}

/// How one app stands in one environment: its release, and the record written for it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The release.
    pub release: Release,
    /// The record of the environment's own (for the first environment, also the app's own).
    pub record: Option<Recorded>,
}

/// The record `app` carries for `env`: one written in `env`'s own override (or, for a
/// publication, anywhere in the app).
pub fn record_for(
    project: &Project,
    app: &AppInstance,
    env: &str,
    first: bool,
) -> Option<Recorded> {
    let kinds: &[RecordKind] = if first {
        &[RecordKind::Published]
    } else {
        &[
            RecordKind::Promoted,
            RecordKind::Hotfix,
            RecordKind::Rollback,
        ]
    };
    kinds.iter().find_map(|&kind| {
        let value = app.fields.get(kind.field())?;
        let own = first || pinned_in(project, &app.name, env, value.origin);
        let map = value.as_map().filter(|_| own)?;
        Some(Recorded::read(kind, map))
    })
}

/// How every app stands in every environment of the chain at one revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    entries: IndexMap<(String, String), Standing>,
}

impl Table {
    /// The table of an analysed revision.
    pub fn of(promotion: &Promotion, project: &Project, envs: &[EnvInstance]) -> Table {
        let mut entries = IndexMap::new();
        for (index, name) in promotion.chain.iter().enumerate() {
            let Some(env) = envs.iter().find(|env| &env.name == name) else {
                continue;
            };
            for app in &env.apps {
                let standing = Standing {
                    release: promotion.release_of(app),
                    record: record_for(project, app, name, index == 0),
                };
                entries.insert((name.clone(), app.name.clone()), standing);
            }
        }
        Table { entries }
    }

    /// How `app` stands in `env`.
    pub fn get(&self, env: &str, app: &str) -> Option<&Standing> {
        self.entries.get(&(env.to_string(), app.to_string()))
    }

    /// Every `(environment, app)` with its standing.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &Standing)> {
        self.entries
            .iter()
            .map(|((env, app), standing)| (env.as_str(), app.as_str(), standing))
    }

    /// Adds the entries of `other` whose environment `keep` accepts.
    pub fn extend(&mut self, other: Table, keep: impl Fn(&str) -> bool) {
        self.entries
            .extend(other.entries.into_iter().filter(|((env, _), _)| keep(env)));
    }

    /// Whether `env` ran `release` for `app` here.
    fn ran(&self, env: &str, app: &str, release: &Release) -> bool {
        self.get(env, app)
            .is_some_and(|standing| &standing.release == release)
    }
}

/// A commit, as the gate and the log name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The commit id (or `working tree`).
    pub id: String,
    /// The author's e-mail address (for the working tree: git's author of a commit made now).
    pub author: String,
    /// The committer's e-mail address.
    pub committer: String,
    /// When, ISO 8601.
    pub date: String,
    /// The first line of its message.
    pub subject: String,
}

/// The id the working tree goes by in a history.
pub const WORKTREE: &str = "working tree";

impl CommitInfo {
    /// The commit in words: `commit 1a2b3c4`, or `the working tree`.
    pub fn named(&self) -> String {
        if self.id == WORKTREE {
            "the working tree".to_string()
        } else {
            format!("commit {}", self.short())
        }
    }

    /// Who made it, when and why, for a note: `commit 1a2b3c4 by ola@ehealth.example
    /// (2026-03-02T10:00:00+00:00): prod: promote journal`, or `the working tree, not committed
    /// yet (git's author: ola@ehealth.example)`.
    pub fn note(&self) -> String {
        if self.id == WORKTREE {
            format!(
                "the working tree, not committed yet (git's author: {})",
                self.author
            )
        } else {
            format!(
                "commit {} by {} ({}): {}",
                self.short(),
                self.author,
                self.date,
                self.subject
            )
        }
    }

    /// The id, shortened to seven characters.
    pub fn short(&self) -> &str {
        if self.id.len() == 40 {
            self.id.get(..7).unwrap_or(&self.id)
        } else {
            &self.id
        }
    }
}

/// One revision of a history: a commit (or the working tree) with its table and its parents.
#[derive(Debug, Clone)]
pub struct Node {
    /// The commit; `None` for a revision outside the range (the base, or a parent outside it).
    pub commit: Option<CommitInfo>,
    /// How every app stands there.
    pub table: Table,
    /// Its parents, as indexes of earlier nodes.
    pub parents: Vec<usize>,
}

/// A change a commit introduced: different from every parent's.
#[derive(Debug, Clone)]
pub struct Introduced<'a> {
    /// The node of the commit.
    pub node: usize,
    /// The environment.
    pub env: &'a str,
    /// The app.
    pub app: &'a str,
    /// How it stood before (in the first parent that has it).
    pub before: Option<&'a Standing>,
    /// How it stands after.
    pub after: &'a Standing,
}

/// The changes each commit node introduced, in node order: a standing that differs from every
/// parent's. An app no parent has is new, not a change; a commit without parents changes
/// nothing.
pub fn introduced(nodes: &[Node]) -> Vec<Introduced<'_>> {
    let mut found = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        if node.commit.is_none() || node.parents.is_empty() {
            continue;
        }
        let parents: Vec<&Table> = node
            .parents
            .iter()
            .filter_map(|&parent| nodes.get(parent).map(|parent| &parent.table))
            .collect();
        for (env, app, after) in node.table.iter() {
            let before: Vec<&Standing> = parents
                .iter()
                .filter_map(|table| table.get(env, app))
                .collect();
            if before.is_empty() || before.contains(&after) {
                continue;
            }
            found.push(Introduced {
                node: index,
                env,
                app,
                before: before.first().copied(),
                after,
            });
        }
    }
    found
}

/// A problem the range gate found with one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The code.
    pub code: Code,
    /// The environment.
    pub env: String,
    /// The app.
    pub app: String,
    /// The title.
    pub message: String,
    /// What is wrong at the place of the release.
    pub label: String,
    /// The remedy.
    pub help: String,
    /// The commit that made the change.
    pub commit: CommitInfo,
}

/// What the gate checks a range against.
#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    /// The chain (as the range's end declares it).
    pub promotion: &'a Promotion,
    /// The roles, as the range's base declares them: a range cannot grant itself a role.
    pub roles: &'a Promotion,
    /// The branch a pull request merges into, when the range arrives through one.
    pub pull_request: Option<&'a str>,
}

/// What the gate saw: the findings, and how many changes of each kind passed.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// The problems found.
    pub findings: Vec<Finding>,
    /// The commits checked.
    pub commits: usize,
    /// Whether the working tree was checked too (it differs from `HEAD`).
    pub worktree: bool,
    /// The changes checked, by what they were (`promoted`, `published`, ...).
    pub changes: IndexMap<&'static str, usize>,
}

impl Verdict {
    /// What the gate checked, in words: `5 commits since origin/prod (1a2b3c4): 3 promoted,
    /// 1 published`.
    pub fn summary(&self, base: &str, base_short: &str) -> String {
        let commits = match (self.commits, self.worktree) {
            (0, true) => "the working tree".to_string(),
            (1, false) => "1 commit".to_string(),
            (1, true) => "1 commit and the working tree".to_string(),
            (many, false) => format!("{many} commits"),
            (many, true) => format!("{many} commits and the working tree"),
        };
        let changes: Vec<String> = self
            .changes
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        let changes = if changes.is_empty() {
            "no release changed".to_string()
        } else {
            changes.join(", ")
        };
        if base.starts_with(base_short) {
            format!("{commits} since {base_short}: {changes}")
        } else {
            format!("{commits} since {base} ({base_short}): {changes}")
        }
    }
}

/// Older revisions, read only when a record's claim is not proven by the range and its base:
/// tables of the base's history, newest first.
pub struct Lookback<'a> {
    older: &'a mut dyn Iterator<Item = Table>,
    seen: Vec<Table>,
}

impl<'a> Lookback<'a> {
    /// Looks back through `older`.
    pub fn new(older: &'a mut dyn Iterator<Item = Table>) -> Lookback<'a> {
        Lookback {
            older,
            seen: Vec::new(),
        }
    }

    fn ran(&mut self, env: &str, app: &str, release: &Release) -> bool {
        if self.seen.iter().any(|table| table.ran(env, app, release)) {
            return true;
        }
        for table in &mut *self.older {
            let found = table.ran(env, app, release);
            self.seen.push(table);
            if found {
                return true;
            }
        }
        false
    }
}

/// For each node, whether each other node is one of its ancestors (every revision outside the
/// range counts as one: it is before the range).
fn ancestry(nodes: &[Node]) -> Vec<Vec<bool>> {
    let mut before: Vec<Vec<bool>> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let mut mine: Vec<bool> = nodes.iter().map(|other| other.commit.is_none()).collect();
        for &parent in &node.parents {
            if let Some(slot) = mine.get_mut(parent) {
                *slot = true;
            }
            if let Some(theirs) = before.get(parent) {
                for (slot, is) in mine.iter_mut().zip(theirs) {
                    *slot |= *is;
                }
            }
        }
        before.push(mine);
    }
    before
}

/// Runs the gate over `nodes`: every change a commit introduced must be legitimate and made by
/// someone allowed to (see the module's documentation).
pub fn gate(gate: Gate<'_>, nodes: &[Node], lookback: &mut Lookback<'_>) -> Verdict {
    let before = ancestry(nodes);
    let is_worktree = |node: &Node| {
        node.commit
            .as_ref()
            .is_some_and(|commit| commit.id == WORKTREE)
    };
    let mut verdict = Verdict {
        commits: nodes
            .iter()
            .filter(|node| node.commit.is_some() && !is_worktree(node))
            .count(),
        worktree: nodes.iter().any(is_worktree),
        ..Verdict::default()
    };
    for change in introduced(nodes) {
        let Some(commit) = nodes.get(change.node).and_then(|node| node.commit.as_ref()) else {
            continue;
        };
        let earlier: Vec<&Table> = nodes
            .iter()
            .zip(before.get(change.node).into_iter().flatten())
            .filter(|(_, is)| **is)
            .map(|(node, _)| &node.table)
            .collect();
        let here = nodes.get(change.node).map(|node| &node.table);
        let context = Context {
            gate,
            change: &change,
            commit,
            earlier: &earlier,
            here,
        };
        match context.legitimate(lookback) {
            Ok(kind) => *verdict.changes.entry(kind).or_default() += 1,
            Err(finding) => verdict.findings.push(*finding),
        }
        verdict.findings.extend(context.who());
    }
    verdict
}

/// One change being judged.
struct Context<'a> {
    gate: Gate<'a>,
    change: &'a Introduced<'a>,
    commit: &'a CommitInfo,
    earlier: &'a [&'a Table],
    here: Option<&'a Table>,
}

impl Context<'_> {
    fn finding(&self, code: Code, message: String, label: String, help: String) -> Box<Finding> {
        Box::new(Finding {
            code,
            env: self.change.env.to_string(),
            app: self.change.app.to_string(),
            message,
            label,
            help,
            commit: self.commit.clone(),
        })
    }

    /// Whether `env` ran `release` before this change (or, with `now`, at it too).
    fn ran(&self, env: &str, release: &Release, now: bool, lookback: &mut Lookback<'_>) -> bool {
        let app = self.change.app;
        self.earlier
            .iter()
            .any(|table| table.ran(env, app, release))
            || (now && self.here.is_some_and(|table| table.ran(env, app, release)))
            || lookback.ran(env, app, release)
    }

    /// What the change was (`published`, `promoted`, ...), or why it is not legitimate.
    fn legitimate(&self, lookback: &mut Lookback<'_>) -> Result<&'static str, Box<Finding>> {
        let promotion = self.gate.promotion;
        let (env, app, after) = (self.change.env, self.change.app, self.change.after);
        let released = self
            .change
            .before
            .is_none_or(|before| before.release != after.release);
        if promotion.chain.first().map(String::as_str) == Some(env) {
            return Ok("published");
        }
        let record = after
            .record
            .as_ref()
            .filter(|record| record.release == after.release);
        let Some(record) = record else {
            return if released {
                Err(self.hand_edit())
            } else {
                Ok("records")
            };
        };
        match record.kind {
            RecordKind::Promoted => {
                let from = promotion.previous(env).unwrap_or("");
                if record.from.as_deref() != Some(from) {
                    return Err(self.skip(record.from.as_deref().unwrap_or(""), from));
                }
                if self.ran(from, &after.release, true, lookback) {
                    return Ok("promoted");
                }
                Err(self.finding(
                    codes::UNPROVEN_RECORD,
                    format!("`{app}` in `{env}` is recorded as promoted from `{from}` with a release `{from}` never ran"),
                    format!("{} recorded as promoted from `{from}` in {}", release_short(&after.release), self.commit.named()),
                    format!("`{from}` never ran {} in the range or before it: promote what `{from}` runs (`ehp promote {app} --from {from} --to {env}`)", release_short(&after.release)),
                ))
            }
            RecordKind::Hotfix if promotion.hotfix.iter().any(|name| name == env) => {
                Ok("hot-fixed")
            }
            RecordKind::Rollback => {
                if self.ran(env, &after.release, false, lookback) {
                    return Ok("rolled back");
                }
                Err(self.finding(
                    codes::UNPROVEN_RECORD,
                    format!("`{app}` in `{env}` is recorded as rolled back to a release `{env}` never ran"),
                    format!("{} recorded as a rollback in {}", release_short(&after.release), self.commit.named()),
                    format!("a rollback goes back to a release `{env}` ran before: `ehp rollback {app} --env {env}` finds it in the history"),
                ))
            }
            RecordKind::Hotfix | RecordKind::Published => Err(self.hand_edit()),
        }
    }

    /// E0601: a `promoted` record from an environment other than the one before.
    fn skip(&self, claimed: &str, from: &str) -> Box<Finding> {
        let (env, app) = (self.change.env, self.change.app);
        self.finding(
            codes::NOT_A_STEP,
            format!("`{app}` in `{env}` is recorded as promoted from `{claimed}`, which is not the step before `{env}`"),
            format!(
                "{} promoted from `{claimed}` in {} by {}",
                release_short(&self.change.after.release),
                self.commit.named(),
                self.commit.author
            ),
            format!("a release enters `{env}` from `{from}` only: revert the change and promote it step by step (`ehp promote {app} --from {from} --to {env}`)"),
        )
    }

    /// E0604: the release changed and no record explains it.
    fn hand_edit(&self) -> Box<Finding> {
        let (env, app) = (self.change.env, self.change.app);
        let from = self.gate.promotion.previous(env).unwrap_or("");
        let was = self.change.before.map_or_else(
            || "nothing".to_string(),
            |before| release_short(&before.release),
        );
        self.finding(
            codes::CHANGED_WITHOUT_PROMOTION,
            format!("the release of `{app}` in `{env}` changed without a promotion"),
            format!(
                "{} (was {was}) in {} by {}",
                release_short(&self.change.after.release),
                self.commit.named(),
                self.commit.author
            ),
            format!("`{env}` is protected: promote from `{from}` (`ehp promote {app} --from {from} --to {env}`), or use `ehp hotfix` or `ehp rollback`"),
        )
    }

    /// E0613 for a privileged environment changed through a pull request; E0610 for a change
    /// of one by a commit author, or recorded for someone, outside its roles.
    fn who(&self) -> Vec<Finding> {
        let (env, app) = (self.change.env, self.change.app);
        let Some(roles) = self.gate.promotion.roles_into(env) else {
            return Vec::new();
        };
        let roles_text = roles.join(", ");
        if let Some(target) = self.gate.pull_request
            && self
                .gate
                .promotion
                .deployed_by_pull_request_into(target)
                .iter()
                .any(|name| name == env)
        {
            return vec![*self.finding(
                codes::THROUGH_PULL_REQUEST,
                format!("`{env}` changed through the pull request into `{target}`"),
                format!("`{app}` changed in {} by {}", self.commit.named(), self.commit.author),
                format!("`{env}` changes only by its privileged step ({roles_text}), run on `{target}` by the job that checks who runs it: take this change out of the pull request"),
            )];
        }
        let mut found = Vec::new();
        if !self.gate.roles.holds(&self.commit.author, roles) {
            found.push(*self.finding(
                codes::NOT_IN_ROLE,
                format!("`{}` changed `{env}`, whose step is privileged", self.commit.author),
                format!("`{app}` changed in {}, by someone who is not {roles_text}", self.commit.named()),
                format!("only {roles_text} may change `{env}`, through their job: revert the commit and ask them"),
            ));
        }
        let by = self
            .change
            .after
            .record
            .as_ref()
            .and_then(|record| record.by.clone());
        let recorded_in_role = by
            .as_deref()
            .is_some_and(|by| self.gate.roles.holds(by, roles));
        if self.change.after.record.is_some() && !recorded_in_role {
            let by = by.unwrap_or_else(|| "nobody".to_string());
            found.push(*self.finding(
                codes::NOT_IN_ROLE,
                format!(
                    "`{app}` in `{env}` is recorded as changed by `{by}`, who is not {roles_text}"
                ),
                format!("recorded by `{by}` in {}", self.commit.named()),
                format!("only {roles_text} may change `{env}`: the record must name one of them"),
            ));
        }
        found
    }
}

impl Finding {
    /// The finding as a diagnostic, placed at the app's release in `envs` (the end of the range)
    /// when it is there, else at the promotion declaration; the commit in a note.
    pub fn diagnostic(
        &self,
        promotion: &Promotion,
        envs: &[EnvInstance],
    ) -> crate::diag::Diagnostic {
        let span = crate::eval::model::app_in(envs, &self.env, &self.app)
            .map_or(promotion.span, |app| super::release_span(promotion, app));
        crate::diag::Diagnostic::error(self.code, self.message.clone())
            .at(span, self.label.clone())
            .help(self.help.clone())
            .note(self.commit.note())
    }
}
