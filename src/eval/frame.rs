//! Lazy fields: a [`Frame`] holds the layers of one record (an environment's settings or an
//! app) and computes each field on first use, merging its layers, filling defaults and
//! reporting cycles and missing fields (overrides that change nothing: `redundant`). A frame
//! with a [`Trace`] records the steps of one field's merge as it goes (provenance: `trace`).

use crate::diag::{Diagnostic, codes};
use crate::source::Span;
use crate::syntax::ast::{Block, Entry, Expr, ExprKind, Key};
use crate::types::{FieldSchema, Schema, Ty};

use super::model::{FieldMap, Val, ValKind, ValMap};
use super::share::{Known, Leaves};
use super::trace::{Action, Source, Trace};
use std::sync::Arc;

/// What an expression is evaluated for.
pub(super) struct Context<'a> {
    /// The environment's name.
    pub env_name: &'a str,
    /// Where the environment is declared.
    pub env_span: Span,
    /// The environment's settings; `None` while they are being computed.
    pub env: Option<&'a ValMap>,
    /// The schema of environment settings, inside an app (which settings may be unset).
    pub env_schema: Option<&'a Schema>,
    /// The app's name, template and declaration span, inside an app.
    pub app: Option<(&'a str, &'a str, Span)>,
    /// Where the diagnostics go.
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// The state of one field of a [`Frame`].
pub(super) enum Slot {
    /// Not asked for yet.
    Pending,
    /// Being computed: asking for it again is a cycle.
    InProgress,
    /// The value, and whether any layer (or a default) set the field at all: a field that was
    /// set but has no value failed for a reason already reported, and is not "missing".
    Done(Option<Val>, bool),
    /// Known to be the same in every environment: in [`Frame::known`] (see `share`).
    Held,
}

/// The fields of one record instance (an environment's settings or an app), computed lazily so
/// that fields may refer to each other in any order.
pub(super) struct Frame<'a> {
    pub(super) schema: &'a Schema,
    /// Every layer's entries, lowest layer first, as (field index, rest of path, value, layer).
    entries: Vec<(usize, &'a [Key], &'a Expr, usize)>,
    /// The position in `entries` where the overrides' entries begin.
    override_start: usize,
    values: Vec<&'a Block>,
    /// One slot per schema field, by index.
    pub(super) slots: Vec<Slot>,
    /// The recorder of one field's merge, when its provenance is asked for.
    pub(super) trace: Option<Trace>,
    /// How many fields are being computed, each waiting for the next: bounded by
    /// [`MAX_FIELD_DEPTH`], so that a long chain of references cannot exhaust the stack.
    depth: usize,
    /// Whether what is being computed read the environment (`env.*`), directly or through a
    /// field that did.
    pub(super) env_read: bool,
    /// Per schema field, whether it may differ between environments: computing it read the
    /// environment, or it is in `varies`.
    pub(super) env_fields: Vec<bool>,
    /// Per schema field, whether an override of the app (in any environment) sets it; empty
    /// unless the frame shares with other environments (see `share`).
    pub(super) varies: Option<Arc<[bool]>>,
    /// The values of expressions the same in every environment, when the frame shares.
    pub(super) leaves: Option<Leaves>,
    /// The fields known to be the same in every environment, by schema position, which the
    /// slots marked [`Slot::Held`] read instead of holding a copy.
    pub(super) known: Option<Arc<[Known]>>,
}

/// The longest chain of fields whose values wait for one another (`a = b`, `b = c`, ...).
pub(super) const MAX_FIELD_DEPTH: usize = 128;

/// One contribution to a field: the rest of its entry's path inside the field, the value, and
/// where it comes from.
pub(super) struct Contribution<'a> {
    pub(super) rest: &'a [Key],
    pub(super) expr: &'a Expr,
    /// The layer it comes from, or `None` for the field's declared default.
    pub(super) layer: Option<usize>,
    /// The template that declares the field.
    pub(super) owner: &'a str,
}

impl Contribution<'_> {
    /// Where it comes from, for a trace (built only when one records).
    fn source(&self) -> Source {
        match self.layer {
            Some(layer) => Source::Layer(layer),
            None => Source::Declared {
                owner: self.owner.to_string(),
            },
        }
    }
}

impl<'a> Frame<'a> {
    /// A frame over `layers`, lowest first; layers from `first_override` on are per-environment
    /// overrides.
    pub(super) fn new(
        schema: &'a Schema,
        layers: Vec<&'a [Entry]>,
        first_override: usize,
        values: Vec<&'a Block>,
    ) -> Frame<'a> {
        // Index every layer entry by the schema position of the field it sets, once, so that
        // computing a field compares integers instead of names.
        let mut entries = Vec::new();
        let mut override_start = usize::MAX;
        for (position, layer) in layers.iter().enumerate() {
            if position == first_override {
                override_start = entries.len();
            }
            for entry in *layer {
                if let Some(index) = entry
                    .path
                    .first()
                    .and_then(|key| schema.fields.get_index_of(key.name.as_str()))
                {
                    let rest = entry.path.get(1..).unwrap_or(&[]);
                    entries.push((index, rest, &entry.value, position));
                }
            }
        }
        Frame {
            schema,
            override_start: override_start.min(entries.len()),
            entries,
            values,
            slots: std::iter::repeat_with(|| Slot::Pending)
                .take(schema.fields.len())
                .collect(),
            trace: None,
            depth: 0,
            env_read: false,
            env_fields: vec![false; schema.fields.len()],
            varies: None,
            leaves: None,
            known: None,
        }
    }

    /// Records the merge of `field` from now on (see [`Trace`]).
    pub(super) fn trace_field(&mut self, field: &str) {
        self.trace = self.schema.fields.get_index_of(field).map(Trace::new);
    }

    /// Records a step of the traced merge at the current path plus `key`, written as `expr`.
    fn record(&mut self, key: Option<&str>, expr: &Expr, action: Action) {
        if let Some(trace) = &mut self.trace {
            trace.record(key, expr, action);
        }
    }

    /// Records that `expr` set the value at the current path plus `key` (or unset it): the value
    /// is copied only when a trace records.
    fn record_value(&mut self, key: Option<&str>, expr: &Expr, value: Option<&Val>) {
        if let Some(trace) = &mut self.trace {
            let action = value.cloned().map_or(Action::Unset, Action::Set);
            trace.record(key, expr, action);
        }
    }

    /// Computes every field, reporting required fields left unset.
    pub(super) fn compute_all(&mut self, context: &mut Context<'_>) {
        let schema = self.schema;
        for (index, field) in schema.fields.values().enumerate() {
            self.ensure_at(index, None, context);
            let unset = matches!(self.state(index), Some((None, false)));
            if unset && !field.optional {
                missing_field(field, context);
            }
        }
    }

    /// Every field that has a value, in schema order, moved out of the frame (an environment's
    /// settings: nothing is held).
    pub(super) fn into_fields(self) -> ValMap {
        self.into_own_fields().into_map()
    }

    /// Every field that has a value and is not held with other environments
    /// ([`Slot::Held`]), in schema order, moved out of the frame with its position.
    pub(super) fn into_own_fields(self) -> FieldMap {
        // Sized to the fields that have a value, not to the schema: an app sets a few of
        // helmsman's many release settings, and this map is held for every app in every
        // environment.
        let count = self
            .slots
            .iter()
            .filter(|slot| matches!(slot, Slot::Done(Some(_), _)))
            .count();
        let mut result = FieldMap::with_capacity(count);
        let named = self.schema.fields.keys().zip(self.slots).enumerate();
        for (index, (name, slot)) in named {
            if let Slot::Done(Some(value), _) = slot {
                result.push(index, name, value);
            }
        }
        result
    }

    /// The chart values: the templates' `values` blocks merged, root first.
    ///
    /// A template's block written `replace { }` drops the values of the templates above it.
    /// Then the app's own `values` field is laid over them with the same rules, keeping the
    /// place of every key it changes: blocks merge key by key, `null` removes a chart value,
    /// `replace { }` drops what the templates map there.
    pub(super) fn values(&mut self, context: &mut Context<'_>) -> ValMap {
        let mut map = ValMap::default();
        let blocks = self.values.clone();
        for block in blocks {
            if block.replace.is_some() {
                map.clear();
            }
            self.merge_block(&mut map, block, &Ty::Any, context);
        }
        let schema = self.schema;
        if let Some((index, _, field)) = schema.fields.get_full(VALUES_FIELD) {
            let (contributions, _) = self.contributions(index, field);
            for contribution in contributions {
                self.overlay(&mut map, contribution.rest, contribution.expr, context);
            }
        }
        map
    }

    /// Every contribution to the field at `field_index`, lowest first: its declared default,
    /// then each layer's entries; and the position of the first one from an override.
    fn contributions(
        &self,
        field_index: usize,
        field: &'a FieldSchema,
    ) -> (Vec<Contribution<'a>>, Option<usize>) {
        let mut contributions: Vec<Contribution<'a>> = Vec::new();
        if let Some(default) = &field.default {
            contributions.push(Contribution {
                rest: &[],
                expr: default,
                layer: None,
                owner: &field.owner,
            });
        }
        let mut first_override = None;
        for (position, &(index, rest, expr, layer)) in self.entries.iter().enumerate() {
            if index == field_index {
                if position >= self.override_start && first_override.is_none() {
                    first_override = Some(contributions.len());
                }
                contributions.push(Contribution {
                    rest,
                    expr,
                    layer: Some(layer),
                    owner: &field.owner,
                });
            }
        }
        (contributions, first_override)
    }

    /// Lays `expr` (at `path` inside the app's `values`) over the chart values in place: a block
    /// merges key by key, `replace { }` starts from nothing, `null` removes the key, any other
    /// value replaces it; a key keeps its place.
    fn overlay(&mut self, map: &mut ValMap, path: &[Key], expr: &Expr, context: &mut Context<'_>) {
        let block = match &expr.kind {
            ExprKind::Block(block) => Some(block),
            _ => None,
        };
        let Some((key, rest)) = path.split_first() else {
            match block {
                Some(block) => {
                    if block.replace.is_some() {
                        map.clear();
                    }
                    for entry in &block.entries {
                        self.overlay(map, &entry.path, &entry.value, context);
                    }
                }
                None => {
                    if let Some(ValKind::Map(inner)) =
                        self.eval(expr, &Ty::Any, context).map(|value| value.kind)
                    {
                        *map = std::sync::Arc::unwrap_or_clone(inner);
                    }
                }
            }
            return;
        };
        if rest.is_empty() && block.is_none() {
            match self.entry_value(expr, &Ty::Any, context) {
                Some(value) => {
                    map.insert(key.name.as_str().into(), value);
                }
                None => {
                    map.shift_remove(key.name.as_str());
                }
            }
            return;
        }
        if !matches!(
            map.get(key.name.as_str()).map(|value| &value.kind),
            Some(ValKind::Map(_))
        ) {
            map.insert(
                key.name.as_str().into(),
                Val::new(ValKind::map(ValMap::default()), expr.span),
            );
        }
        if let Some(ValKind::Map(child)) =
            map.get_mut(key.name.as_str()).map(|value| &mut value.kind)
        {
            self.overlay(std::sync::Arc::make_mut(child), rest, expr, context);
        }
    }

    /// The value of `expr` as an entry of a block whose entries have type `ty`: `null` among
    /// chart values (`any`) is the YAML null Helm reads as "delete this key, chart default
    /// included"; elsewhere `null` unsets (`None`).
    pub(super) fn entry_value(
        &mut self,
        expr: &Expr,
        ty: &Ty,
        context: &mut Context<'_>,
    ) -> Option<Val> {
        if matches!(expr.kind, ExprKind::Null) && *ty == Ty::Any {
            return Some(Val::new(ValKind::Null, expr.span));
        }
        self.eval(expr, ty, context)
    }

    /// The value of a computed field, borrowed.
    pub(super) fn get(&self, name: &str) -> Option<&Val> {
        let index = self.schema.fields.get_index_of(name)?;
        self.state(index)?.0
    }

    /// The value of the computed field at `index` and whether anything set it; `None` while
    /// it is not computed.
    fn state(&self, index: usize) -> Option<(Option<&Val>, bool)> {
        match self.slots.get(index)? {
            Slot::Done(value, was_set) => Some((value.as_ref(), *was_set)),
            Slot::Held => {
                let (value, was_set) = self.known.as_ref()?.get(index)?.as_ref()?;
                Some((value.as_ref(), *was_set))
            }
            Slot::Pending | Slot::InProgress => None,
        }
    }

    /// Computes a field unless it is computed already; reports a cycle when it is being
    /// computed (`used_at` is the reference that asked for it).
    pub(super) fn ensure(&mut self, name: &str, used_at: Option<Span>, context: &mut Context<'_>) {
        if let Some(index) = self.schema.fields.get_index_of(name) {
            self.ensure_at(index, used_at, context);
        }
    }

    /// [`ensure`](Frame::ensure), for the field at `field_index` of the schema.
    fn ensure_at(&mut self, field_index: usize, used_at: Option<Span>, context: &mut Context<'_>) {
        let schema = self.schema;
        let Some((name, field)) = schema.fields.get_index(field_index) else {
            return;
        };
        if !self.pending(field_index, name, field, used_at, context) {
            return;
        }
        if let Some(slot) = self.slots.get_mut(field_index) {
            *slot = Slot::InProgress;
        }
        self.depth += 1;
        let outer_env_read = std::mem::replace(&mut self.env_read, false);
        let (value, was_set) = self.compute(field_index, field, context);
        if let Some(slot) = self.slots.get_mut(field_index) {
            *slot = Slot::Done(value, was_set);
        }
        let overridden = self
            .varies
            .as_deref()
            .and_then(|varies| varies.get(field_index));
        let varies = self.env_read || overridden == Some(&true);
        if let Some(env_read) = self.env_fields.get_mut(field_index) {
            *env_read = varies;
        }
        self.env_read = varies || outer_env_read;
        self.depth -= 1;
    }

    /// Whether the field at `field_index` is still to be computed: not when it is computed
    /// already (a field that may differ between environments counts as read), nor when it is
    /// being computed (a cycle) or too many fields wait (both reported).
    fn pending(
        &mut self,
        field_index: usize,
        name: &str,
        field: &FieldSchema,
        used_at: Option<Span>,
        context: &mut Context<'_>,
    ) -> bool {
        match self.slots.get(field_index) {
            None | Some(Slot::Held) => return false,
            Some(Slot::Done(..)) => {
                if self.env_fields.get(field_index) == Some(&true) {
                    self.env_read = true;
                }
                return false;
            }
            Some(Slot::InProgress) => {
                let span = used_at.or_else(|| self.schema.get(name).map(|field| field.span));
                if let Some(span) = span {
                    context.diagnostics.push(
                        Diagnostic::error(codes::CYCLIC_REFERENCE, format!("`{name}` depends on itself"))
                            .at(span, format!("computing `{name}` needs `{name}` again"))
                            .help("break the cycle: give one of the fields a value that does not refer back"),
                    );
                }
                return false;
            }
            Some(Slot::Pending) => {}
        }
        if self.depth >= MAX_FIELD_DEPTH {
            context.diagnostics.push(
                Diagnostic::error(codes::REFERENCES_TOO_DEEP, "fields refer to each other too deeply")
                    .at(used_at.unwrap_or(field.span), format!("computing `{name}` waits on {MAX_FIELD_DEPTH} other fields"))
                    .help("a chain of fields each taking its value from the next is limited; give a field along the chain its own value"),
            );
            if let Some(slot) = self.slots.get_mut(field_index) {
                *slot = Slot::Done(None, true);
            }
            return false;
        }
        true
    }

    /// The value of the field at `field_index` merged over its contributions, and whether any
    /// set it.
    fn compute(
        &mut self,
        field_index: usize,
        field: &'a FieldSchema,
        context: &mut Context<'_>,
    ) -> (Option<Val>, bool) {
        let (contributions, first_override) = self.contributions(field_index, field);
        if let Some(first_override) = first_override {
            self.redundant_overrides(
                &field.name,
                &field.ty,
                &contributions,
                first_override,
                context,
            );
        }
        // Only the traced field records its merge; a field it refers to does not.
        let outer = self.trace.as_mut().map(|trace| {
            let outer = (
                trace.active,
                trace.source.take(),
                std::mem::take(&mut trace.path),
            );
            trace.active = trace.field == field_index;
            outer
        });
        // An optional field nothing sets stays unset, even a record whose parts have defaults.
        let value = if contributions.is_empty() && field.optional {
            None
        } else {
            self.merge(&field.ty, &contributions, field.span, context)
        };
        if let (Some(trace), Some((active, source, path))) = (&mut self.trace, outer) {
            (trace.active, trace.source, trace.path) = (active, source, path);
        }
        (value, !contributions.is_empty())
    }

    fn merge(
        &mut self,
        ty: &Ty,
        contributions: &[Contribution<'_>],
        declared: Span,
        context: &mut Context<'_>,
    ) -> Option<Val> {
        let block_like = ty.is_block()
            || (*ty == Ty::Any
                && contributions.iter().any(|contribution| {
                    !contribution.rest.is_empty()
                        || matches!(contribution.expr.kind, ExprKind::Block(_))
                }));
        if !block_like {
            return self.merge_scalar(ty, contributions, context);
        }
        let mut current: Option<ValMap> = None;
        let mut origin = declared;
        for contribution in contributions {
            let (rest, expr) = (contribution.rest, contribution.expr);
            if let Some(trace) = &mut self.trace {
                trace.source = Some(contribution.source());
            }
            if rest.is_empty() {
                match &expr.kind {
                    ExprKind::Block(block) => {
                        if block.replace.is_some() {
                            current = None;
                            self.record(None, expr, Action::Replace);
                        } else if block.entries.is_empty() {
                            self.record(None, expr, Action::Empty);
                        }
                        let map = current.get_or_insert_with(ValMap::default);
                        self.merge_block(map, block, ty, context);
                    }
                    ExprKind::Null => {
                        current = None;
                        self.record(None, expr, Action::Unset);
                    }
                    _ => {
                        let value = self.eval(expr, ty, context);
                        self.record_value(None, expr, value.as_ref());
                        current = value.and_then(|value| match value.kind {
                            ValKind::Map(map) => Some(std::sync::Arc::unwrap_or_clone(map)),
                            _ => None,
                        });
                    }
                }
                origin = expr.span;
            } else {
                let map = current.get_or_insert_with(ValMap::default);
                self.set_path(map, rest, expr, ty, context);
            }
        }
        let mut map = match (current, ty) {
            (Some(map), _) => map,
            (None, Ty::Record(_)) => ValMap::default(),
            (None, _) => return None,
        };
        if let Some(trace) = &mut self.trace {
            trace.path.clear();
        }
        self.fill_defaults(&mut map, ty, origin, context);
        Some(Val::new(ValKind::map(map), origin))
    }

    /// A scalar or list: the highest layer that sets it wins (`null` unsets it). When traced,
    /// every layer's value is recorded, in order.
    fn merge_scalar(
        &mut self,
        ty: &Ty,
        contributions: &[Contribution<'_>],
        context: &mut Context<'_>,
    ) -> Option<Val> {
        let mut whole = contributions
            .iter()
            .filter(|contribution| contribution.rest.is_empty());
        if self.trace.as_ref().is_some_and(|trace| trace.active) {
            for contribution in whole.clone() {
                let value = self.eval(contribution.expr, ty, context);
                if let Some(trace) = &mut self.trace {
                    trace.source = Some(contribution.source());
                    let action = value.map_or(Action::Unset, Action::Set);
                    trace.record(None, contribution.expr, action);
                }
            }
        }
        let winner = whole.next_back()?;
        self.eval(winner.expr, ty, context)
    }

    pub(super) fn merge_block(
        &mut self,
        map: &mut ValMap,
        block: &Block,
        ty: &Ty,
        context: &mut Context<'_>,
    ) {
        map.reserve(block.entries.len());
        for entry in &block.entries {
            self.set_path(map, &entry.path, &entry.value, ty, context);
        }
    }

    fn set_path(
        &mut self,
        map: &mut ValMap,
        path: &[Key],
        expr: &Expr,
        ty: &Ty,
        context: &mut Context<'_>,
    ) {
        let Some((key, rest)) = path.split_first() else {
            return;
        };
        let child_ty = child_type(ty, &key.name);
        let block = match &expr.kind {
            ExprKind::Block(block) if child_ty.is_block() || *child_ty == Ty::Any => Some(block),
            _ => None,
        };
        if rest.is_empty() && block.is_none() {
            let value = self.leaf_value(expr, child_ty, context);
            self.record_value(Some(&key.name), expr, value.as_ref());
            match value {
                Some(value) => {
                    map.insert(key.name.as_str().into(), value);
                }
                None => {
                    map.shift_remove(key.name.as_str());
                }
            }
            return;
        }
        let replace = rest.is_empty() && block.is_some_and(|block| block.replace.is_some());
        let existing = map.swap_remove(key.name.as_str()).filter(|_| !replace);
        if replace {
            self.record(Some(&key.name), expr, Action::Replace);
        } else if rest.is_empty() && block.is_some_and(|block| block.entries.is_empty()) {
            self.record(Some(&key.name), expr, Action::Empty);
        }
        let origin = existing.as_ref().map_or(expr.span, |value| value.origin);
        let mut child = match existing.map(|value| value.kind) {
            Some(ValKind::Map(inner)) => std::sync::Arc::unwrap_or_clone(inner),
            _ => ValMap::default(),
        };
        if let Some(trace) = &mut self.trace {
            trace.path.push(key.name.to_string());
        }
        match block.filter(|_| rest.is_empty()) {
            Some(block) => self.merge_block(&mut child, block, child_ty, context),
            None => self.set_path(&mut child, rest, expr, child_ty, context),
        }
        self.fill_defaults(&mut child, child_ty, expr.span, context);
        if let Some(trace) = &mut self.trace {
            trace.path.pop();
        }
        map.insert(
            key.name.as_str().into(),
            Val::new(ValKind::map(child), origin),
        );
    }

    pub(super) fn fill_defaults(
        &mut self,
        map: &mut ValMap,
        ty: &Ty,
        origin: Span,
        context: &mut Context<'_>,
    ) {
        let Ty::Record(schema) = ty else { return };
        let mut ordered = ValMap::with_capacity_and_hasher(schema.fields.len(), Default::default());
        for (name, field) in &schema.fields {
            if let Some(value) = map.swap_remove(name.as_str()) {
                ordered.insert(name.as_str().into(), value);
                continue;
            }
            let value = match &field.default {
                Some(default) => {
                    let value = self.eval(default, &field.ty, context);
                    if let (Some(trace), Some(value)) = (&mut self.trace, &value) {
                        trace.record_default(name, &field.owner, default, value);
                    }
                    value
                }
                None if matches!(field.ty, Ty::Record(_)) && !field.optional => {
                    let mut inner = ValMap::default();
                    if let Some(trace) = &mut self.trace {
                        trace.path.push(name.clone());
                    }
                    self.fill_defaults(&mut inner, &field.ty, origin, context);
                    if let Some(trace) = &mut self.trace {
                        trace.path.pop();
                    }
                    Some(Val::new(ValKind::map(inner), origin))
                }
                None => None,
            };
            match value {
                Some(value) => {
                    ordered.insert(name.as_str().into(), value);
                }
                None if !field.optional => missing_field(field, context),
                None => {}
            }
        }
        *map = ordered;
    }
}

/// The app field that holds an app's own chart values.
const VALUES_FIELD: &str = "values";

/// Values of any type, for chart values and unknown keys.
const ANY: &Ty = &Ty::Any;

/// The type of `key` inside a value of type `ty`.
pub(super) fn child_type<'t>(ty: &'t Ty, key: &str) -> &'t Ty {
    match ty {
        Ty::Record(schema) => schema.get(key).map_or(ANY, |field| &field.ty),
        Ty::Map(inner) => inner,
        _ => ANY,
    }
}

/// Reports a required field (or setting) that nothing sets.
fn missing_field(field: &FieldSchema, context: &mut Context<'_>) {
    let Some((app, template, span)) = context.app else {
        let diagnostic = Diagnostic::error(
            codes::MISSING_FIELD,
            format!("missing setting `{}`", field.name),
        )
        .at(
            context.env_span,
            format!(
                "environment `{}` does not set `{}`",
                context.env_name, field.name
            ),
        )
        .also(field.span, "declared here, in the `environment` schema")
        .help(format!(
            "set it in the environment or one it extends: {} = {}",
            field.name,
            field.ty.example()
        ));
        context.diagnostics.push(diagnostic);
        return;
    };
    let diagnostic = Diagnostic::error(
        codes::MISSING_FIELD,
        format!("missing field `{}`", field.name),
    )
    .at(span, format!("app `{app}` does not set `{}`", field.name))
    .also(
        field.span,
        format!("declared here, in template `{}`", field.owner),
    )
    .help(format!(
        "set it in the app (template `{template}`): {} = {}",
        field.name,
        field.ty.example()
    ));
    context.diagnostics.push(diagnostic);
}
