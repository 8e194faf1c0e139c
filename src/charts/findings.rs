//! What is wrong with one app's values against its chart, before it is placed in the sources:
//! the schema's verdicts (type, allowed values, required keys, keys it forbids) and the keys
//! that neither the schema nor `values.yaml` knows, each at a JSON path of the values.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::chart::Chart;
use super::keys::{Keys, chart_keys, describe, paths_ending_in};
use super::values::coalesce;
use crate::diag::{Code, codes};

/// One problem with one value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    /// The code.
    pub code: Code,
    /// The path of the value in the chart values (for a key: including the key).
    pub path: Vec<String>,
    /// What kind of place the finding needs in the sources.
    pub kind: FindingKind,
    /// The label: what is wrong there.
    pub label: String,
    /// The remedy, in the chart's own words where it has some.
    pub help: Option<String>,
}

/// Where a finding belongs in the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FindingKind {
    /// A value that is there: at the expression that produced it.
    Value,
    /// A key that is there: at the key that sets it.
    Key,
    /// A key that is missing: at the part above it.
    Missing,
}

impl Finding {
    /// The path, dotted.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// The title of the diagnostic.
    pub fn title(&self) -> String {
        let dotted = self.dotted();
        match self.code.id {
            "E0801" => format!("chart value `{dotted}` has the wrong type"),
            "E0803" => format!("chart value `{dotted}` is required"),
            "E0804" => format!("chart value `{dotted}` is not allowed"),
            "W0020" => format!("unknown chart value `{dotted}`"),
            _ => format!("chart value `{dotted}` is not valid"),
        }
    }
}

/// Every finding for `user` (the app's values as JSON) against `chart`, whose schema (if any)
/// is compiled into `validator`.
pub(crate) fn findings(chart: &Chart, validator: Option<&Validator>, user: &Value) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(validator) = validator {
        let instance = chart
            .values
            .as_ref()
            .map_or_else(|| user.clone(), |defaults| coalesce(defaults, user));
        for error in validator.iter_errors(&instance) {
            schema_finding(chart, &error, &mut found);
        }
    }
    let mut path = Vec::new();
    unknown_keys(chart, user, &mut path, &found.clone(), &mut found);
    found
}

/// The parts of a JSON pointer (`/a/b~1c` -> `a`, `b/c`).
fn pointer_parts(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|part| part.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `help` in the chart's words for the value at `path`, with `extra` after it.
fn chart_help(chart: &Chart, path: &[String], extra: Option<String>) -> Option<String> {
    let parts: Vec<&str> = path.iter().map(String::as_str).collect();
    let said = describe(chart, &parts)
        .map(|text| format!("{} {} says: {}", chart.name, chart.version, text.trim()));
    match (said, extra) {
        (Some(said), Some(extra)) => Some(format!("{extra}; {said}")),
        (said, extra) => said.or(extra),
    }
}

fn schema_finding(
    chart: &Chart,
    error: &jsonschema::ValidationError<'_>,
    found: &mut Vec<Finding>,
) {
    let path = pointer_parts(error.instance_path().as_str());
    let wording = error.to_string();
    let (code, kind, path) = match error.kind() {
        ValidationErrorKind::Type { .. } => (codes::CHART_VALUE_TYPE, FindingKind::Value, path),
        ValidationErrorKind::Required { property } => {
            let mut missing = path;
            missing.push(property.as_str().unwrap_or_default().to_string());
            (codes::CHART_VALUE_REQUIRED, FindingKind::Missing, missing)
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            let known = match chart_keys(chart, &parts) {
                Keys::Known(known) => known,
                _ => Default::default(),
            };
            for key in unexpected {
                let mut at = path.clone();
                at.push(key.clone());
                let close = crate::resolve::did_you_mean(key, known.iter().map(String::as_str));
                found.push(Finding {
                    code: codes::CHART_KEY_FORBIDDEN,
                    path: at,
                    kind: FindingKind::Key,
                    label: format!(
                        "the schema of {} {} allows no key `{key}` here",
                        chart.name, chart.version
                    ),
                    help: key_help(chart, key, close, &known),
                });
            }
            return;
        }
        _ => (codes::CHART_VALUE_INVALID, FindingKind::Value, path),
    };
    found.push(Finding {
        help: chart_help(chart, &path, None),
        code,
        kind,
        label: wording,
        path,
    });
}

/// "did you mean", or where the chart has a key of that name, or the keys it knows here.
fn key_help(
    chart: &Chart,
    key: &str,
    close: Option<String>,
    known: &std::collections::BTreeSet<String>,
) -> Option<String> {
    if let Some(close) = close {
        return Some(format!("did you mean `{close}`?"));
    }
    let elsewhere = paths_ending_in(chart, key);
    if !elsewhere.is_empty() {
        let list: Vec<String> = elsewhere
            .iter()
            .take(3)
            .map(|path| format!("`{path}`"))
            .collect();
        return Some(format!(
            "{} {} has {}",
            chart.name,
            chart.version,
            list.join(", ")
        ));
    }
    if !known.is_empty() && known.len() <= 12 {
        let list: Vec<String> = known.iter().map(|key| format!("`{key}`")).collect();
        return Some(format!("the keys known here are {}", list.join(", ")));
    }
    None
}

/// The keys of `value` (at `path`) that neither the schema nor `values.yaml` knows, except
/// those the schema already forbids.
fn unknown_keys(
    chart: &Chart,
    value: &Value,
    path: &mut Vec<String>,
    schema_found: &[Finding],
    found: &mut Vec<Finding>,
) {
    match value {
        Value::Object(map) => {
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            let keys = chart_keys(chart, &parts);
            for (key, child) in map {
                // `global` and the subcharts' own values are theirs to check.
                if path.is_empty() && (key == "global" || chart.subcharts.contains(key)) {
                    continue;
                }
                path.push(key.clone());
                if let Keys::Known(known) = &keys
                    && !known.contains(key)
                {
                    let forbidden = schema_found.iter().any(|finding| finding.path == *path);
                    if !forbidden {
                        let close =
                            crate::resolve::did_you_mean(key, known.iter().map(String::as_str));
                        found.push(Finding {
                            code: codes::UNKNOWN_CHART_KEY,
                            path: path.clone(),
                            kind: FindingKind::Key,
                            label: format!(
                                "{} {} has no value `{key}` here: Helm ignores it",
                                chart.name, chart.version
                            ),
                            help: key_help(chart, key, close, known),
                        });
                    }
                } else {
                    unknown_keys(chart, child, path, schema_found, found);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                unknown_keys(chart, item, path, schema_found, found);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chart(values: serde_json::Value, schema: Option<serde_json::Value>) -> Chart {
        Chart {
            name: "web".into(),
            version: "1.0.0".into(),
            values: Some(values),
            schema,
            comments: Default::default(),
            subcharts: vec!["postgresql".into()],
        }
    }

    fn codes(found: &[Finding]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|finding| (finding.code.id.to_string(), finding.dotted()))
            .collect()
    }

    #[test]
    fn unknown_keys_skip_free_maps_global_and_subcharts() {
        let chart = chart(
            json!({"podAnnotations": {}, "image": {"tag": ""}, "extra": null, "hosts": []}),
            None,
        );
        let user = json!({
            "podAnnotations": {"team": "a"},
            "extra": {"anything": 1},
            "global": {"imageRegistry": "r"},
            "postgresql": {"auth": {"password": "x"}},
            "image": {"tagg": "1"},
            "hosts": [{"name": "a"}],
            "replicas": 2
        });
        let found = findings(&chart, None, &user);
        assert_eq!(
            codes(&found),
            [
                ("W0020".to_string(), "image.tagg".to_string()),
                ("W0020".to_string(), "replicas".to_string())
            ]
        );
        assert_eq!(found[0].help.as_deref(), Some("did you mean `tag`?"));
    }

    #[test]
    fn a_key_the_schema_forbids_is_not_also_unknown() {
        let schema = json!({
            "type": "object",
            "properties": {"service": {"type": "object", "additionalProperties": false,
                "properties": {"port": {"type": "integer"}}}}
        });
        let chart = chart(json!({"service": {"port": 80}}), Some(schema.clone()));
        let validator = jsonschema::validator_for(&schema).unwrap();
        let found = findings(&chart, Some(&validator), &json!({"service": {"portt": 1}}));
        assert_eq!(
            codes(&found),
            [("E0804".to_string(), "service.portt".to_string())]
        );
    }
}
