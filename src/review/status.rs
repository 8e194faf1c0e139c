//! `ehp status`: the release of every app in every environment of the promotion chain, who put
//! it there and when, what is waiting for its next promotion, the hot-fixes (with those that
//! have not flowed back), rollbacks and releases marked bad, and the revisions it was read from,
//! as text, Markdown, a self-contained HTML page, or JSON of a documented shape.

use handlebars::Handlebars;
use serde_json::{Value, json};

use crate::eval::model::{AppInstance, EnvInstance, Val, app_in, env_named};
use crate::promote::history::{RecordKind, Table};
use crate::promote::{Promotion, Release, StepKind, later, release_short};

use super::table_cell;

const MARKDOWN_TEMPLATE: &str = include_str!("templates/status.md.hbs");
const HTML_TEMPLATE: &str = include_str!("templates/status.html.hbs");

/// The version of the JSON shape of `ehp status --format json`.
pub const JSON_VERSION: u64 = 1;

/// A hot-fix running in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotfix {
    /// Why.
    pub reason: String,
    /// Who made it.
    pub by: Option<String>,
    /// When.
    pub date: Option<String>,
    /// The environments before this one that do not run the fix yet.
    pub not_back_in: Vec<String>,
}

/// How an environment got its release, when a `promoted` record says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promoted {
    /// The environment it came from.
    pub from: String,
    /// Who promoted it.
    pub by: Option<String>,
    /// When.
    pub date: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// Who did something, when and why, as a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    /// Who.
    pub by: Option<String>,
    /// When.
    pub date: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A rollback an environment runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// Who, when and why.
    pub act: Act,
    /// The release it replaced.
    pub replaced: Release,
}

/// A revision a report read: a branch (when the chain names branches), its environments, the
/// revision as named, and its commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The branch.
    pub branch: Option<String>,
    /// The environments read there.
    pub envs: Vec<String>,
    /// The revision as named (`origin/prod`), or `working tree`.
    pub rev: String,
    /// Its commit, shortened; `None` for the working tree.
    pub commit: Option<String>,
    /// When it was committed.
    pub date: Option<String>,
}

impl Revision {
    /// One line: `prod (preprod, prod) at origin/prod 5d6e7f8 (2026-03-02T10:00:00+00:00)`.
    pub fn text(&self) -> String {
        let branch = match &self.branch {
            Some(branch) => format!("{branch} ({})", self.envs.join(", ")),
            None => self.envs.join(", "),
        };
        match (&self.commit, &self.date) {
            (Some(commit), Some(date)) => format!("{branch} at {} {commit} ({date})", self.rev),
            (Some(commit), None) => format!("{branch} at {} {commit}", self.rev),
            _ => format!("{branch} from the {}", self.rev),
        }
    }
}

/// One app in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The release it runs (the chain's release fields).
    pub release: Release,
    /// The release of the environment before, when it differs and is waiting to be promoted
    /// here.
    pub waiting: Option<Release>,
    /// The promotion that brought the release, when recorded.
    pub promoted: Option<Promoted>,
    /// The hot-fix it runs, if any.
    pub hotfix: Option<Hotfix>,
    /// The rollback that brought the release, if one did.
    pub rollback: Option<Rollback>,
    /// The publication that brought the release (on the first environment), when recorded.
    pub published: Option<Act>,
    /// Why the release it runs is marked bad, if it is.
    pub bad: Option<String>,
    /// The environments whose hot-fix this environment does not run yet.
    pub behind_hotfix_in: Vec<String>,
}

/// One app across the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The app.
    pub app: String,
    /// One cell per chain environment; `None` where the app is not deployed.
    pub cells: Vec<Option<Cell>>,
}

/// The status matrix.
#[derive(Debug, Clone)]
pub struct Status {
    /// The chain, first to last.
    pub chain: Vec<String>,
    /// How a release enters each environment of the chain (`None` for the first).
    pub steps: Vec<Option<StepKind>>,
    /// The environments that accept hot-fixes.
    pub hotfix_envs: Vec<String>,
    /// The release fields.
    pub release_fields: Vec<String>,
    /// One row per app, by name.
    pub rows: Vec<Row>,
    /// The revisions the report was read from.
    pub revisions: Vec<Revision>,
    /// When the report was made (`2026-03-12 10:15 UTC`).
    pub made: String,
}

fn step_text(kind: &StepKind) -> String {
    match kind {
        StepKind::Privileged(roles) if roles.is_empty() => "privileged promotion".to_string(),
        StepKind::Privileged(roles) => format!("privileged promotion ({})", roles.join(", ")),
        StepKind::PullRequest { from, to } => format!("pull request {from} → {to}"),
        StepKind::Unspecified => "promotion".to_string(),
    }
}

/// What a status report is read from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The chain.
    pub promotion: &'a Promotion,
    /// The environments of the chain, each read from its branch.
    pub envs: &'a [EnvInstance],
    /// How each app stands in each environment there: its release and its own record.
    pub table: &'a Table,
}

/// Builds the matrix from the evaluated environments; `revisions` and `made` say where and when
/// it was read.
pub fn status(source: Source<'_>, revisions: Vec<Revision>, made: String) -> Status {
    let Source {
        promotion, envs, ..
    } = source;
    let mut names: Vec<&str> = promotion
        .chain
        .iter()
        .filter_map(|name| env_named(envs, name))
        .flat_map(|env| env.apps.iter().map(|app| app.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let rows = names
        .into_iter()
        .map(|name| {
            let bad = bad_marks(promotion, envs, name);
            let mut cells: Vec<Option<Cell>> = promotion
                .chain
                .iter()
                .enumerate()
                .map(|(index, env)| Some(cell(source, index, app_in(envs, env, name)?, &bad)))
                .collect();
            mark_behind(promotion, &mut cells);
            Row {
                app: name.to_string(),
                cells,
            }
        })
        .collect();
    let steps = promotion
        .chain
        .iter()
        .map(|name| promotion.step_into(name).map(|step| step.kind.clone()))
        .collect();
    Status {
        chain: promotion.chain.clone(),
        steps,
        hotfix_envs: promotion.hotfix.clone(),
        release_fields: promotion.release.clone(),
        rows,
        revisions,
        made,
    }
}

/// The tags of `app` marked bad in any environment of the chain (each branch may know of
/// different ones), with why.
fn bad_marks(promotion: &Promotion, envs: &[EnvInstance], app: &str) -> Vec<(String, String)> {
    let mut marks: Vec<(String, String)> = Vec::new();
    for env in &promotion.chain {
        let Some(bad) = app_in(envs, env, app)
            .and_then(|instance| instance.fields.get("bad"))
            .and_then(Val::as_map)
        else {
            continue;
        };
        for (tag, why) in bad {
            if !marks.iter().any(|(known, _)| known == tag) {
                marks.push((tag.to_string(), why.to_text().unwrap_or_default()));
            }
        }
    }
    marks
}

/// Why `release` is marked bad, when its tag is.
fn bad_reason(bad: &[(String, String)], release: &Release) -> Option<String> {
    let tag = crate::promote::release_key(release)?;
    bad.iter()
        .find(|(marked, _)| marked == tag)
        .map(|(_, why)| why.clone())
}

/// The cell of `app` in the environment at `index` in the chain.
fn cell(source: Source<'_>, index: usize, app: &AppInstance, bad: &[(String, String)]) -> Cell {
    let Source {
        promotion,
        envs,
        table,
    } = source;
    let env = promotion.chain.get(index).map_or("", String::as_str);
    let release = promotion.release_of(app);
    let from_previous = index
        .checked_sub(1)
        .and_then(|before| promotion.chain.get(before));
    let previous = from_previous
        .and_then(|before| app_in(envs, before, &app.name))
        .map(|before| promotion.release_of(before));
    let waiting = previous.filter(|previous| {
        previous != &release
            && bad_reason(bad, previous).is_none()
            && promotion.release.iter().all(|field| {
                match (previous.get(field), release.get(field)) {
                    (Some(new), Some(old)) if new != old => later(new, old) != Some(false),
                    _ => true,
                }
            })
    });
    let record = table
        .get(env, &app.name)
        .and_then(|standing| standing.record.as_ref());
    let act = |kind: RecordKind| {
        record
            .filter(|record| record.kind == kind)
            .map(|record| Act {
                by: record.by.clone(),
                date: record.date.clone(),
                reason: record.reason.clone(),
            })
    };
    let promoted = record
        .filter(|record| {
            record.kind == RecordKind::Promoted && record.from.as_ref() == from_previous
        })
        .map(|record| Promoted {
            from: record.from.clone().unwrap_or_default(),
            by: record.by.clone(),
            date: record.date.clone(),
            reason: record.reason.clone(),
        });
    let hotfix = act(RecordKind::Hotfix).map(|act| Hotfix {
        reason: act.reason.unwrap_or_default(),
        by: act.by,
        date: act.date,
        not_back_in: promotion
            .chain
            .iter()
            .take(index)
            .filter(|earlier| {
                app_in(envs, earlier, &app.name)
                    .is_some_and(|before| promotion.behind(&promotion.release_of(before), &release))
            })
            .cloned()
            .collect(),
    });
    let rollback = app_rollback(app, act(RecordKind::Rollback));
    Cell {
        bad: bad_reason(bad, &release),
        release,
        waiting,
        promoted,
        hotfix,
        rollback,
        published: act(RecordKind::Published),
        behind_hotfix_in: Vec::new(),
    }
}

/// The rollback of a cell, with the release it replaced (from the app's `rollback` record).
fn app_rollback(app: &AppInstance, act: Option<Act>) -> Option<Rollback> {
    let act = act?;
    let replaced = app
        .fields
        .get("rollback")
        .and_then(Val::as_map)
        .and_then(|map| map.get("replaced"))
        .and_then(Val::as_map)
        .map(|map| {
            map.iter()
                .filter_map(|(field, value)| Some((field.to_string(), value.to_text()?)))
                .collect()
        })
        .unwrap_or_default();
    Some(Rollback { act, replaced })
}

/// Marks, in one app's cells, the environments a hot-fix has not reached.
fn mark_behind(promotion: &Promotion, cells: &mut [Option<Cell>]) {
    let hot: Vec<(String, Vec<String>)> = promotion
        .chain
        .iter()
        .zip(cells.iter())
        .filter_map(|(env_name, cell)| {
            let hotfix = cell.as_ref()?.hotfix.as_ref()?;
            Some((env_name.clone(), hotfix.not_back_in.clone()))
        })
        .collect();
    for (hot_env, missing) in hot {
        for (env_name, cell) in promotion.chain.iter().zip(cells.iter_mut()) {
            if let Some(cell) = cell
                && missing.contains(env_name)
            {
                cell.behind_hotfix_in.push(hot_env.clone());
            }
        }
    }
}

/// The marks of a cell, as short phrases.
fn marks(cell: &Cell) -> Vec<String> {
    let mut marks = Vec::new();
    if let Some(waiting) = &cell.waiting {
        let tag = waiting
            .get("tag")
            .cloned()
            .unwrap_or_else(|| release_short(waiting));
        marks.push(format!("← {tag} waiting"));
    }
    if let Some(hotfix) = &cell.hotfix {
        if hotfix.not_back_in.is_empty() {
            marks.push("hot-fix".to_string());
        } else {
            marks.push(format!(
                "hot-fix, not yet in {}",
                hotfix.not_back_in.join(", ")
            ));
        }
    }
    if !cell.behind_hotfix_in.is_empty() {
        marks.push(format!(
            "behind the hot-fix in {}",
            cell.behind_hotfix_in.join(", ")
        ));
    }
    if let Some(rollback) = &cell.rollback {
        marks.push(format!(
            "rolled back from {}",
            rollback
                .replaced
                .get("tag")
                .cloned()
                .unwrap_or_else(|| release_short(&rollback.replaced))
        ));
    }
    if cell.bad.is_some() {
        marks.push("marked bad".to_string());
    }
    marks
}

/// Who put a cell's release there and when: `promoted by kari@ehealth.example, 2026-03-02`;
/// empty when no record says.
fn who(cell: &Cell) -> String {
    let (verb, by, date) = if let Some(promoted) = &cell.promoted {
        ("promoted", &promoted.by, &promoted.date)
    } else if let Some(hotfix) = &cell.hotfix {
        ("hot-fixed", &hotfix.by, &hotfix.date)
    } else if let Some(rollback) = &cell.rollback {
        ("rolled back", &rollback.act.by, &rollback.act.date)
    } else if let Some(published) = &cell.published {
        ("published", &published.by, &published.date)
    } else {
        return String::new();
    };
    format!(
        "{verb} by {}, {}",
        by.as_deref().unwrap_or("unknown"),
        date.as_deref().unwrap_or("undated")
    )
}

impl Status {
    /// The view the templates render: plain strings, no logic left for the template.
    fn view(&self) -> Value {
        let columns: Vec<Value> = self
            .chain
            .iter()
            .zip(&self.steps)
            .map(|(env, step)| json!({ "env": env, "step": step.as_ref().map(step_text) }))
            .collect();
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<Value> = row.cells.iter().map(cell_view).collect();
                json!({ "app": row.app, "cells": cells })
            })
            .collect();
        let (waiting, hotfixes) = self.promotions_view();
        json!({
            "chain": self.chain.join(" → "),
            "columns": columns,
            "rows": rows,
            "waiting": waiting,
            "hotfixes": hotfixes,
            "hotfix_envs": if self.hotfix_envs.is_empty() { "none".to_string() } else { self.hotfix_envs.join(", ") },
            "made": self.made,
            "revisions": self.revisions.iter().map(Revision::text).collect::<Vec<String>>(),
        })
    }

    /// The waiting promotions and the hot-fixes, for the view.
    fn promotions_view(&self) -> (Vec<Value>, Vec<Value>) {
        let mut waiting = Vec::new();
        let mut hotfixes = Vec::new();
        for row in &self.rows {
            for ((env, step), cell) in self.chain.iter().zip(&self.steps).zip(&row.cells) {
                let Some(cell) = cell else { continue };
                if let Some(release) = &cell.waiting {
                    let from = self
                        .chain
                        .iter()
                        .position(|name| name == env)
                        .and_then(|index| index.checked_sub(1))
                        .and_then(|index| self.chain.get(index))
                        .cloned()
                        .unwrap_or_default();
                    waiting.push(json!({
                        "app": row.app,
                        "from": from,
                        "to": env,
                        "release": release_short(release),
                        "current": release_short(&cell.release),
                        "step": step.as_ref().map_or_else(|| "promotion".to_string(), step_text),
                    }));
                }
                if let Some(hotfix) = &cell.hotfix {
                    hotfixes.push(json!({
                        "app": row.app,
                        "env": env,
                        "release": release_short(&cell.release),
                        "reason": hotfix.reason,
                        "by": hotfix.by.clone().unwrap_or_else(|| "unknown".to_string()),
                        "date": hotfix.date.clone().unwrap_or_else(|| "undated".to_string()),
                        "merged": hotfix.not_back_in.is_empty(),
                        "not_back_in": hotfix.not_back_in.join(", "),
                    }));
                }
            }
        }
        (waiting, hotfixes)
    }

    /// A plain-text table for a terminal, with the waiting promotions and hot-fixes below it.
    pub fn text(&self) -> String {
        let mut out = self.provenance_text();
        out.push_str(&format!("chain: {}\n\n", self.chain_text()));
        out.push_str(&self.table_text());
        let (waiting, _) = self.promotions_view();
        if !waiting.is_empty() {
            out.push_str("\nwaiting for promotion:\n");
            for item in waiting {
                let field = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or("");
                out.push_str(&format!(
                    "  {}: {} in {} → {} (runs {}; {})\n",
                    field("app"),
                    field("release"),
                    field("from"),
                    field("to"),
                    field("current"),
                    field("step"),
                ));
            }
        }
        for row in &self.rows {
            for (env, cell) in self.chain.iter().zip(&row.cells) {
                let Some(cell) = cell else { continue };
                if let Some(hotfix) = &cell.hotfix {
                    out.push_str(&hotfix_text(&row.app, env, cell, hotfix));
                }
            }
        }
        out
    }

    /// The apps-by-environments table, its columns aligned: per app a line of releases and
    /// marks, and one of who put each release there and when.
    fn table_text(&self) -> String {
        let mut table: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["app".to_string()];
        header.extend(self.chain.iter().cloned());
        table.push(header);
        for row in &self.rows {
            let mut line = vec![row.app.clone()];
            let mut people = vec![String::new()];
            for cell in &row.cells {
                line.push(match cell {
                    None => "-".to_string(),
                    Some(cell) => {
                        let mut text = release_short(&cell.release);
                        for mark in marks(cell) {
                            text.push_str(&format!("  {mark}"));
                        }
                        text
                    }
                });
                people.push(cell.as_ref().map(who).unwrap_or_default());
            }
            table.push(line);
            if people.iter().any(|text| !text.is_empty()) {
                table.push(people);
            }
        }
        let columns = self.chain.len() + 1;
        let widths: Vec<usize> = (0..columns)
            .map(|column| {
                table
                    .iter()
                    .filter_map(|line| line.get(column))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for line in &table {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:width$}"))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }

    /// The lines that say when the report was made and which revisions it read.
    fn provenance_text(&self) -> String {
        let mut out = format!("made {}\n", self.made);
        for revision in &self.revisions {
            out.push_str(&format!("read {}\n", revision.text()));
        }
        out
    }

    /// The chain with its steps: `inttest → exttest (privileged promotion (qa)) → …`.
    fn chain_text(&self) -> String {
        let parts: Vec<String> = self
            .chain
            .iter()
            .zip(&self.steps)
            .map(|(env, step)| match step {
                Some(step) => format!("→ {env} [{}]", step_text(step)),
                None => env.clone(),
            })
            .collect();
        parts.join(" ")
    }

    /// Markdown, for a wiki page or a pull-request comment.
    pub fn markdown(&self) -> Result<String, String> {
        let mut view = self.view();
        escape_for_markdown(&mut view);
        if let Some(object) = view.as_object_mut() {
            object.insert(
                "chain_steps".to_string(),
                Value::String(table_cell(&self.chain_text())),
            );
        }
        render(MARKDOWN_TEMPLATE, &view, handlebars::no_escape)
    }

    /// One self-contained HTML page: inline CSS, no scripts, no external assets.
    pub fn html(&self) -> Result<String, String> {
        let mut view = self.view();
        if let Some(object) = view.as_object_mut() {
            object.insert("chain_steps".to_string(), Value::String(self.chain_text()));
        }
        render(HTML_TEMPLATE, &view, handlebars::html_escape)
    }

    /// JSON of the shape documented in `docs/promotion.md` (`"version": 1`).
    pub fn json(&self) -> String {
        let chain: Vec<Value> = self
            .chain
            .iter()
            .zip(&self.steps)
            .map(|(env, step)| json!({ "env": env, "step": step.as_ref().map(step_json) }))
            .collect();
        let apps: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut envs = serde_json::Map::new();
                for (env, cell) in self.chain.iter().zip(&row.cells) {
                    let value = match cell {
                        None => Value::Null,
                        Some(cell) => json!({
                            "release": cell.release,
                            "waiting": cell.waiting,
                            "promoted": cell.promoted.as_ref().map(|promoted| json!({
                                "from": promoted.from,
                                "by": promoted.by,
                                "date": promoted.date,
                                "reason": promoted.reason,
                            })),
                            "hotfix": cell.hotfix.as_ref().map(|hotfix| json!({
                                "reason": hotfix.reason,
                                "by": hotfix.by,
                                "date": hotfix.date,
                                "not_back_in": hotfix.not_back_in,
                            })),
                            "behind_hotfix_in": cell.behind_hotfix_in,
                            "rollback": cell.rollback.as_ref().map(|rollback| json!({
                                "reason": rollback.act.reason,
                                "by": rollback.act.by,
                                "date": rollback.act.date,
                                "replaced": rollback.replaced,
                            })),
                            "published": cell.published.as_ref().map(act_json),
                            "bad": cell.bad,
                        }),
                    };
                    envs.insert(env.clone(), value);
                }
                json!({ "name": row.app, "envs": envs })
            })
            .collect();
        let revisions: Vec<Value> = self
            .revisions
            .iter()
            .map(|revision| {
                json!({
                    "branch": revision.branch,
                    "envs": revision.envs,
                    "rev": revision.rev,
                    "commit": revision.commit,
                    "date": revision.date,
                })
            })
            .collect();
        let document = json!({
            "version": JSON_VERSION,
            "made": self.made,
            "revisions": revisions,
            "chain": chain,
            "hotfix": self.hotfix_envs,
            "release_fields": self.release_fields,
            "apps": apps,
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// One cell of the view: its release, its marks and its class (`absent`, `unmerged`,
/// `hotfix`, `waiting` or `current`).
fn cell_view(cell: &Option<Cell>) -> Value {
    let Some(cell) = cell else {
        return json!({ "present": false, "release": "", "marks": [], "who": "", "class": "absent" });
    };
    let unmerged = cell
        .hotfix
        .as_ref()
        .is_some_and(|hotfix| !hotfix.not_back_in.is_empty())
        || !cell.behind_hotfix_in.is_empty();
    let class = if unmerged {
        "unmerged"
    } else if cell.hotfix.is_some() {
        "hotfix"
    } else if cell.waiting.is_some() {
        "waiting"
    } else {
        "current"
    };
    json!({
        "present": true,
        "release": release_short(&cell.release),
        "marks": marks(cell),
        "who": who(cell),
        "class": class,
    })
}

/// The line of the text report about a hot-fix of `app` in `env`.
fn hotfix_text(app: &str, env: &str, cell: &Cell, hotfix: &Hotfix) -> String {
    let by = hotfix.by.as_deref().unwrap_or("unknown");
    let date = hotfix.date.as_deref().unwrap_or("undated");
    let state = if hotfix.not_back_in.is_empty() {
        "flowed back".to_string()
    } else {
        format!("not yet in {}", hotfix.not_back_in.join(", "))
    };
    format!(
        "\nhot-fix: {app} in {env}: {} by {by} on {date}: {}; {state}\n",
        release_short(&cell.release),
        hotfix.reason
    )
}

/// Who, when and why, as JSON.
fn act_json(act: &Act) -> Value {
    json!({ "by": act.by, "date": act.date, "reason": act.reason })
}

/// A step as JSON: `{"kind": "privileged", "roles": [...]}` or
/// `{"kind": "pull_request", "from": ..., "to": ...}`.
fn step_json(kind: &StepKind) -> Value {
    match kind {
        StepKind::Privileged(roles) => json!({ "kind": "privileged", "roles": roles }),
        StepKind::PullRequest { from, to } => {
            json!({ "kind": "pull_request", "from": from, "to": to })
        }
        StepKind::Unspecified => json!({ "kind": "unspecified" }),
    }
}

/// Escapes every string of the view for a Markdown table cell.
fn escape_for_markdown(value: &mut Value) {
    match value {
        Value::String(text) => *text = table_cell(text),
        Value::Array(items) => items.iter_mut().for_each(escape_for_markdown),
        Value::Object(map) => map.values_mut().for_each(escape_for_markdown),
        _ => {}
    }
}

fn render(template: &str, view: &Value, escape: fn(&str) -> String) -> Result<String, String> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(escape);
    registry
        .render_template(template, view)
        .map_err(|error| format!("cannot render the status report: {error}"))
}
