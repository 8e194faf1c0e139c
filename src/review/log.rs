//! `ehp log`: every publication, promotion, hot-fix and rollback in a git history, taken from the
//! changes each commit introduced (`promote::history`), as text or JSON of a documented shape.

use serde_json::{Value, json};

use crate::promote::history::{CommitInfo, Node, RecordKind, introduced};
use crate::promote::{Release, release_short};

/// The version of the JSON shape of `ehp log --format json`.
pub const JSON_VERSION: u64 = 1;

/// One change of an app's release or record in one environment, made by one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The commit.
    pub commit: CommitInfo,
    /// The environment.
    pub env: String,
    /// The app.
    pub app: String,
    /// The record that explains it; `None` when none does.
    pub kind: Option<RecordKind>,
    /// The release after the change.
    pub release: Release,
    /// The release before it.
    pub before: Option<Release>,
    /// Where a promotion came from.
    pub from: Option<String>,
    /// Who, as recorded.
    pub by: Option<String>,
    /// Why, as recorded.
    pub reason: Option<String>,
    /// The date recorded.
    pub recorded: Option<String>,
}

/// The events of `nodes` (a history, parents before children) in the environments `keep`
/// accepts, newest first.
pub fn events(nodes: &[Node], keep: impl Fn(&str) -> bool) -> Vec<Event> {
    let mut found: Vec<Event> = introduced(nodes)
        .into_iter()
        .filter(|change| keep(change.env))
        .filter_map(|change| {
            let commit = nodes.get(change.node)?.commit.clone()?;
            let record = change
                .after
                .record
                .as_ref()
                .filter(|record| record.release == change.after.release);
            Some(Event {
                commit,
                env: change.env.to_string(),
                app: change.app.to_string(),
                kind: record.map(|record| record.kind),
                release: change.after.release.clone(),
                before: change.before.map(|before| before.release.clone()),
                from: record.and_then(|record| record.from.clone()),
                by: record.and_then(|record| record.by.clone()),
                reason: record.and_then(|record| record.reason.clone()),
                recorded: record.and_then(|record| record.date.clone()),
            })
        })
        .collect();
    found.reverse();
    found
}

/// What an event was, in words: `promoted from inttest`, `hot-fixed`, `changed, no record`.
fn what(event: &Event) -> String {
    match (event.kind, &event.from) {
        (Some(RecordKind::Promoted), Some(from)) => format!("promoted from {from}"),
        (Some(kind), _) => kind.verb().to_string(),
        (None, _) => "changed without a record".to_string(),
    }
}

/// The events as text: one line each, columns aligned.
pub fn text(events: &[Event]) -> String {
    let rows: Vec<[String; 6]> = events
        .iter()
        .map(|event| {
            let mut story = what(event);
            if let Some(by) = &event.by {
                story.push_str(&format!(" by {by}"));
            }
            if let Some(reason) = &event.reason {
                story.push_str(&format!(": {reason}"));
            }
            if event.by.as_deref() != Some(event.commit.author.as_str()) {
                story.push_str(&format!(" (committed by {})", event.commit.author));
            }
            [
                event.commit.date.chars().take(10).collect(),
                event.commit.short().to_string(),
                event.env.clone(),
                event.app.clone(),
                release_short(&event.release),
                story,
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..5)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths.iter().chain(std::iter::once(&0))) {
            line.push_str(&format!("{cell:width$}  "));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("no publication, promotion, hot-fix or rollback in the history read\n");
    }
    out
}

/// The events as JSON (`"version": 1`, documented in docs/promotion.md).
pub fn json(events: &[Event]) -> String {
    let items: Vec<Value> = events
        .iter()
        .map(|event| {
            json!({
                "commit": event.commit.id,
                "date": event.commit.date,
                "author": event.commit.author,
                "committer": event.commit.committer,
                "subject": event.commit.subject,
                "env": event.env,
                "app": event.app,
                "kind": event.kind.map_or("unrecorded", RecordKind::field),
                "release": event.release,
                "before": event.before,
                "from": event.from,
                "by": event.by,
                "reason": event.reason,
                "recorded_date": event.recorded,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "version": JSON_VERSION,
        "events": items,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}
