//! Provenance recorded by the merge itself: when a [`Frame`](super::frame::Frame) carries a
//! [`Trace`], computing the traced field records every step of its merge (each key set, each
//! `null` that unsets, each `replace { }`, each declared default filled in), in the order the
//! merge applies them. `ehp why` and hover read these events, so what they say is what the
//! build did, by construction.

use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, StrPart};

use super::model::Val;

/// Where a step of a merge comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A default declared with a field (or a part of a record field), by this template.
    Declared {
        /// The template that declares it.
        owner: String,
    },
    /// A layer of the frame, by index (see `app_layers` for apps; for environment settings,
    /// the environments of the chain, root first).
    Layer(usize),
}

/// What one step of a merge does at its path.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Sets the value.
    Set(Val),
    /// `null`: removes what lower layers set.
    Unset,
    /// `replace { ... }`: drops what lower layers set; the block's entries follow as steps.
    Replace,
    /// An empty block: sets nothing, keeps what lower layers set (or starts an empty block).
    Empty,
}

/// One step of the merge of the traced field.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The layer (or declared default) the step comes from.
    pub source: Source,
    /// The keys inside the field the step is about (empty: the whole field).
    pub path: Vec<String>,
    /// Where the value (or `null`, or the block) is written.
    pub span: Span,
    /// What it does.
    pub action: Action,
    /// The references its value is computed from (`env.domain`, `replicas`), as dotted names.
    pub refs: Vec<Vec<String>>,
}

/// The recorder a frame carries while one field is traced.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The schema index of the traced field.
    pub(super) field: usize,
    /// Whether the field being merged now is the traced one.
    pub(super) active: bool,
    /// How many expression evaluations are under way: their inner blocks are values, not
    /// steps of the merge.
    pub(super) suspended: usize,
    /// The source of the contribution being merged.
    pub(super) source: Option<Source>,
    /// The keys from the field down to where the merge is.
    pub(super) path: Vec<String>,
    /// The steps recorded, in merge order.
    pub events: Vec<Event>,
}

impl Trace {
    /// A recorder for the field at schema index `field`.
    pub(super) fn new(field: usize) -> Trace {
        Trace {
            field,
            active: false,
            suspended: 0,
            source: None,
            path: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Records a step at the current path plus `key`, from the current source; `expr` is what
    /// it is written as.
    pub(super) fn record(&mut self, key: Option<&str>, expr: &Expr, action: Action) {
        if !self.active || self.suspended > 0 {
            return;
        }
        let mut refs = Vec::new();
        if matches!(action, Action::Set(_)) {
            references(expr, &mut refs);
        }
        let span = expr.span;
        let Some(source) = self.source.clone() else {
            return;
        };
        let mut path = self.path.clone();
        path.extend(key.map(str::to_string));
        self.events.push(Event {
            source,
            path,
            span,
            action,
            refs,
        });
    }

    /// Records a declared default filled in at the current path plus `key`.
    pub(super) fn record_default(&mut self, key: &str, owner: &str, default: &Expr, value: &Val) {
        let saved = self.source.replace(Source::Declared {
            owner: owner.to_string(),
        });
        self.record(Some(key), default, Action::Set(value.clone()));
        self.source = saved;
    }
}

/// The references in an expression, in order, each once.
fn references(expr: &Expr, found: &mut Vec<Vec<String>>) {
    let mut add = |path: &[crate::syntax::ast::Ident]| {
        let names: Vec<String> = path.iter().map(|part| part.name.to_string()).collect();
        if !found.contains(&names) {
            found.push(names);
        }
    };
    match &expr.kind {
        ExprKind::Ref(path) => add(path),
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(path, _) = part {
                    add(path);
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|item| references(item, found)),
        ExprKind::Block(block) => {
            for entry in &block.entries {
                references(&entry.value, found);
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|arg| references(&arg.value, found)),
        ExprKind::Int(_)
        | ExprKind::Float(..)
        | ExprKind::Unit { .. }
        | ExprKind::Bool(_)
        | ExprKind::Null => {}
    }
}

/// Which events are still in force after the whole merge: an event is in force unless a later
/// event sets the same path or unsets, replaces or sets an enclosing one. The result has one
/// flag per event.
pub fn in_force(events: &[Event]) -> Vec<bool> {
    let mut alive = vec![true; events.len()];
    for (later_index, later) in events.iter().enumerate() {
        let clears_below = matches!(later.action, Action::Unset | Action::Replace)
            || matches!(&later.action, Action::Set(_));
        for (index, earlier) in events.iter().enumerate().take(later_index) {
            let Some(flag) = alive.get_mut(index) else {
                continue;
            };
            let same = earlier.path == later.path;
            let below =
                earlier.path.len() > later.path.len() && earlier.path.starts_with(&later.path);
            // An empty block keeps what it merges with; a step at the same path overrides it.
            let overridden = match later.action {
                Action::Empty => false,
                _ => same || (clears_below && below),
            };
            if overridden {
                *flag = false;
            }
        }
    }
    alive
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::model::ValKind;
    use crate::source::FileId;

    fn event(path: &[&str], action: Action) -> Event {
        Event {
            source: Source::Layer(0),
            path: path.iter().map(|key| key.to_string()).collect(),
            span: Span::new(FileId(0), 0, 0),
            action,
            refs: Vec::new(),
        }
    }

    #[test]
    fn later_steps_override_the_same_path_and_unset_or_replace_what_is_below() {
        let one = Val::new(ValKind::Int(1), Span::new(FileId(0), 0, 0));
        let events = vec![
            event(&[], Action::Empty),
            event(&["a"], Action::Set(one.clone())),
            event(&["b"], Action::Set(one.clone())),
            event(&["b"], Action::Unset),
            event(&["c", "x"], Action::Set(one.clone())),
            event(&["c"], Action::Replace),
            event(&["c", "y"], Action::Set(one)),
        ];
        assert_eq!(
            in_force(&events),
            [true, true, false, true, false, true, true]
        );
    }
}
