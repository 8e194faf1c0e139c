//! `ehp status`: the release of every app in every environment of the promotion chain, what is
//! waiting for its next promotion, and the hot-fixes (with those that have not flowed back), as
//! text, Markdown, a self-contained HTML page, or JSON of a documented shape.

use handlebars::Handlebars;
use serde_json::{Value, json};

use crate::eval::model::{AppInstance, EnvInstance, Val, app_in, env_named};
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
}

fn text(map: &crate::eval::model::ValMap, key: &str) -> Option<String> {
    map.get(key).and_then(Val::to_text)
}

fn step_text(kind: &StepKind) -> String {
    match kind {
        StepKind::Privileged(roles) if roles.is_empty() => "privileged promotion".to_string(),
        StepKind::Privileged(roles) => format!("privileged promotion ({})", roles.join(", ")),
        StepKind::PullRequest { from, to } => format!("pull request {from} → {to}"),
        StepKind::Unspecified => "promotion".to_string(),
    }
}

/// Builds the matrix from the evaluated environments.
pub fn status(promotion: &Promotion, envs: &[EnvInstance]) -> Status {
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
            let mut cells: Vec<Option<Cell>> = promotion
                .chain
                .iter()
                .enumerate()
                .map(|(index, env)| Some(cell(promotion, envs, index, app_in(envs, env, name)?)))
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
    }
}

/// The cell of `app` in the environment at `index` in the chain.
fn cell(promotion: &Promotion, envs: &[EnvInstance], index: usize, app: &AppInstance) -> Cell {
    let release = promotion.release_of(app);
    let from_previous = index
        .checked_sub(1)
        .and_then(|before| promotion.chain.get(before));
    let previous = from_previous
        .and_then(|before| app_in(envs, before, &app.name))
        .map(|before| promotion.release_of(before));
    let waiting = previous.filter(|previous| {
        previous != &release
            && promotion.release.iter().all(|field| {
                match (previous.get(field), release.get(field)) {
                    (Some(new), Some(old)) if new != old => later(new, old) != Some(false),
                    _ => true,
                }
            })
    });
    let record = |field: &str| app.fields.get(field).and_then(Val::as_map);
    let promoted = record("promoted").and_then(|map| {
        let from = text(map, "from")?;
        // A record inherited from the environment this one extends is not about it.
        (Some(&from) == from_previous).then(|| Promoted {
            from,
            by: text(map, "by"),
            date: text(map, "date"),
        })
    });
    let hotfix = record("hotfix").map(|map| Hotfix {
        reason: text(map, "reason").unwrap_or_default(),
        by: text(map, "by"),
        date: text(map, "date"),
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
    Cell {
        release,
        waiting,
        promoted,
        hotfix,
        behind_hotfix_in: Vec::new(),
    }
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
    marks
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
        let mut out = format!("chain: {}\n\n", self.chain_text());
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

    /// The apps-by-environments table, its columns aligned.
    fn table_text(&self) -> String {
        let mut table: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["app".to_string()];
        header.extend(self.chain.iter().cloned());
        table.push(header);
        for row in &self.rows {
            let mut line = vec![row.app.clone()];
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
            }
            table.push(line);
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
                            })),
                            "hotfix": cell.hotfix.as_ref().map(|hotfix| json!({
                                "reason": hotfix.reason,
                                "by": hotfix.by,
                                "date": hotfix.date,
                                "not_back_in": hotfix.not_back_in,
                            })),
                            "behind_hotfix_in": cell.behind_hotfix_in,
                        }),
                    };
                    envs.insert(env.clone(), value);
                }
                json!({ "name": row.app, "envs": envs })
            })
            .collect();
        let document = json!({
            "version": JSON_VERSION,
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
        return json!({ "present": false, "release": "", "marks": [], "class": "absent" });
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
