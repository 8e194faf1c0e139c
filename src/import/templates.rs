//! Templates for repeated shapes: apps of one chart that share release settings (the chart,
//! its version, priority, waiting, hooks...) get a template holding them, named after the
//! chart, and keep only what is their own. Only where it is clearly right: two apps or more,
//! and at least one setting shared besides the chart.

use indexmap::IndexMap;

use super::plan::{AppPlan, app_name};
use super::value::{Value, print_entries};

/// The fields a template may hold: release settings, not an app's identity (name, namespace,
/// description) nor its data (values, set).
const SHAREABLE: &[&str] = &[
    "chart",
    "chart_version",
    "enabled",
    "priority",
    "protected",
    "wait",
    "timeout",
    "test",
    "no_hooks",
    "max_history",
    "hooks",
    "helm_flags",
    "helm_diff_flags",
    "post_renderer",
    "group",
];

/// Names a template cannot take: the standard library's.
const TAKEN: &[&str] = &[
    "app",
    "release",
    "helm_chart",
    "web_service",
    "worker",
    "scheduled_job",
    "environment",
    "promotion",
];

/// A template made for apps of one chart.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// Its name.
    pub(crate) name: String,
    /// The chart its apps share.
    pub(crate) chart: String,
    /// The fields it sets.
    pub(crate) fields: IndexMap<String, Value>,
}

/// Finds the templates and moves their fields out of their apps, which then instantiate them.
pub(crate) fn extract(apps: &mut [AppPlan]) -> Vec<Template> {
    let mut charts: Vec<String> = Vec::new();
    for app in apps.iter() {
        if let Some(chart) = app.common.get("chart").and_then(Value::as_literal)
            && !charts.contains(&chart)
        {
            charts.push(chart);
        }
    }
    let mut templates = Vec::new();
    for chart in charts {
        let members: Vec<usize> = apps
            .iter()
            .enumerate()
            .filter(|(_, app)| {
                app.common
                    .get("chart")
                    .and_then(Value::as_literal)
                    .as_deref()
                    == Some(chart.as_str())
            })
            .map(|(index, _)| index)
            .collect();
        if members.len() < 2 {
            continue;
        }
        let fields = shared(apps, &members);
        if fields.len() < 2 {
            continue;
        }
        let name = template_name(&chart, apps, &templates);
        for index in &members {
            if let Some(app) = apps.get_mut(*index) {
                for field in fields.keys() {
                    app.common.shift_remove(field);
                }
                app.kind = name.clone();
            }
        }
        templates.push(Template {
            name,
            chart,
            fields,
        });
    }
    templates
}

/// The shareable fields every member sets to the same value, in the first member's order.
fn shared(apps: &[AppPlan], members: &[usize]) -> IndexMap<String, Value> {
    let Some(first) = members.first().and_then(|index| apps.get(*index)) else {
        return IndexMap::new();
    };
    first
        .common
        .iter()
        .filter(|(field, _)| SHAREABLE.contains(&field.as_str()))
        .filter(|(field, value)| {
            members
                .iter()
                .filter_map(|index| apps.get(*index))
                .all(|app| app.common.get(*field) == Some(*value))
        })
        .map(|(field, value)| (field.clone(), value.clone()))
        .collect()
}

/// The chart's own name (`bitnami/nginx` → `nginx`, `oci://.../redis` → `redis`), made a name
/// that no app, other template or stdlib template has.
fn template_name(chart: &str, apps: &[AppPlan], templates: &[Template]) -> String {
    let last = chart
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(chart)
        .trim_end_matches(".tgz");
    let base = app_name(last);
    let taken = |candidate: &str| {
        TAKEN.contains(&candidate)
            || apps.iter().any(|app| app.name == candidate)
            || templates.iter().any(|template| template.name == candidate)
    };
    let mut name = base.clone();
    let mut counter = 1;
    while taken(&name) {
        name = if counter == 1 {
            format!("{base}_chart")
        } else {
            format!("{base}_chart_{counter}")
        };
        counter += 1;
    }
    name
}

/// The templates' file.
pub(crate) fn source(templates: &[Template]) -> String {
    let mut out = String::from(
        "// Templates for apps that share a chart and its release settings (ehp import).\n",
    );
    for template in templates {
        out.push_str(&format!(
            "\n/// Apps of the chart `{}`: the release settings they all share.\ntemplate {} extends helm_chart {{\n",
            template.chart, template.name
        ));
        print_entries(&template.fields, 1, &mut out);
        out.push_str("}\n");
    }
    out
}
