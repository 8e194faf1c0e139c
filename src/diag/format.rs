//! Machine-readable renderings of diagnostics, for CI: JSON lines, SARIF 2.1.0 and GitHub
//! workflow commands. Each format has its own output shape here; `Diagnostic` itself is not
//! serialised.

use serde_json::{Value, json};

use super::{Diagnostic, Label, Severity, codes};
use crate::source::{SourceDb, Span};

/// Where a span is, in the units CI tools use: 1-based lines, 1-based columns counted in
/// Unicode characters, and the byte range.
struct Place {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: u32,
    end: u32,
}

fn place(db: &SourceDb, span: Span) -> Place {
    let (line, column) = db.line_col(span);
    let end = Span {
        start: span.end,
        ..span
    };
    let (end_line, end_column) = db.line_col(end);
    Place {
        file: db.name(span.file).to_string(),
        line,
        column,
        end_line,
        end_column,
        start: span.start,
        end: span.end,
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn label_json(db: &SourceDb, label: &Label, primary: bool) -> Value {
    let at = place(db, label.span);
    json!({
        "file": at.file,
        "line": at.line,
        "column": at.column,
        "end_line": at.end_line,
        "end_column": at.end_column,
        "byte_start": at.start,
        "byte_end": at.end,
        "message": label.message,
        "primary": primary,
    })
}

/// One JSON object per line, one per diagnostic: code, severity, message, the primary place
/// (file, 1-based line and column, byte range), every label, help and notes.
pub fn render_json(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let (db, diagnostics) = super::conceal::concealed(db, diagnostics);
    let (db, diagnostics) = (&*db, &*diagnostics);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut object = json!({
            "code": diagnostic.code.id,
            "severity": severity_word(diagnostic.severity),
            "message": diagnostic.message,
        });
        if let (Some(primary), Some(map)) = (&diagnostic.primary, object.as_object_mut()) {
            let at = place(db, primary.span);
            map.insert("file".into(), json!(at.file));
            map.insert("line".into(), json!(at.line));
            map.insert("column".into(), json!(at.column));
            map.insert("end_line".into(), json!(at.end_line));
            map.insert("end_column".into(), json!(at.end_column));
            map.insert("byte_start".into(), json!(at.start));
            map.insert("byte_end".into(), json!(at.end));
        }
        let mut labels: Vec<Value> = diagnostic
            .primary
            .iter()
            .map(|label| label_json(db, label, true))
            .collect();
        labels.extend(
            diagnostic
                .secondary
                .iter()
                .map(|label| label_json(db, label, false)),
        );
        if let Some(map) = object.as_object_mut() {
            map.insert("labels".into(), Value::Array(labels));
            map.insert("help".into(), json!(diagnostic.help));
            map.insert("notes".into(), json!(diagnostic.notes));
        }
        out.push_str(&object.to_string());
        out.push('\n');
    }
    out
}

fn sarif_location(db: &SourceDb, span: Span) -> Value {
    let at = place(db, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": at.file.replace('\\', "/") },
            "region": {
                "startLine": at.line,
                "startColumn": at.column,
                "endLine": at.end_line,
                "endColumn": at.end_column,
                "byteOffset": at.start,
                "byteLength": at.end.saturating_sub(at.start),
            }
        }
    })
}

/// A SARIF 2.1.0 log with one run: every code as a rule, every diagnostic as a result. Columns
/// count Unicode code points (`columnKind`).
pub fn render_sarif(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let (db, diagnostics) = super::conceal::concealed(db, diagnostics);
    let (db, diagnostics) = (&*db, &*diagnostics);
    let rules: Vec<Value> = codes::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.id,
                "shortDescription": { "text": code.summary },
                "fullDescription": { "text": code.summary },
                "help": { "text": format!("Run `ehp explain {}` for the explanation, an example and the fix.", code.id) },
                "defaultConfiguration": { "level": if code.id.starts_with('W') { "warning" } else { "error" } },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut text = diagnostic.message.clone();
            if let Some(primary) = &diagnostic.primary {
                text.push_str(&format!(": {}", primary.message));
            }
            if let Some(help) = &diagnostic.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            for note in &diagnostic.notes {
                text.push_str(&format!("\nnote: {note}"));
            }
            let rule_index = codes::ALL
                .iter()
                .position(|code| code.id == diagnostic.code.id);
            let locations: Vec<Value> = diagnostic
                .primary
                .iter()
                .map(|label| sarif_location(db, label.span))
                .collect();
            let related: Vec<Value> = diagnostic
                .secondary
                .iter()
                .enumerate()
                .map(|(index, label)| {
                    let mut location = sarif_location(db, label.span);
                    if let Some(map) = location.as_object_mut() {
                        map.insert("id".into(), json!(index));
                        map.insert("message".into(), json!({ "text": label.message }));
                    }
                    location
                })
                .collect();
            json!({
                "ruleId": diagnostic.code.id,
                "ruleIndex": rule_index,
                "level": severity_word(diagnostic.severity),
                "message": { "text": text },
                "locations": locations,
                "relatedLocations": related,
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ehp",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/ehealth-platform/ehp",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// Escapes the message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`,
/// which GitHub shows as annotations on the pull request.
pub fn render_github(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let (db, diagnostics) = super::conceal::concealed(db, diagnostics);
    let (db, diagnostics) = (&*db, &*diagnostics);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut message = diagnostic.message.clone();
        if let Some(primary) = &diagnostic.primary {
            message.push_str(&format!(": {}", primary.message));
        }
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let mut properties = Vec::new();
        if let Some(primary) = &diagnostic.primary {
            let at = place(db, primary.span);
            properties.push(format!("file={}", escape_property(&at.file)));
            properties.push(format!("line={}", at.line));
            properties.push(format!("col={}", at.column));
            properties.push(format!("endLine={}", at.end_line));
            properties.push(format!("endColumn={}", at.end_column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!(
                "{} {}",
                diagnostic.code.id, diagnostic.code.summary
            ))
        ));
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity_word(diagnostic.severity),
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    fn sample() -> (SourceDb, Vec<Diagnostic>) {
        let mut db = SourceDb::new();
        let file = db.add("apps/日本.ehp", "app a: t {\n    名前 = 1, x = 2\n}\n");
        let start = "app a: t {\n    名前 = 1, ".len();
        let diagnostic = Diagnostic::error(codes::UNKNOWN_FIELD, "unknown field `x`")
            .at(Span::new(file, start, start + 1), "not a field, 50% sure")
            .help("did you mean `y`?");
        (db, vec![diagnostic])
    }

    #[test]
    fn json_counts_columns_in_characters() {
        let (db, diagnostics) = sample();
        let line = render_json(&db, &diagnostics);
        let value: Value = serde_json::from_str(line.trim()).expect("one JSON object");
        assert_eq!(value["code"], "E0301");
        assert_eq!(value["line"], 2);
        assert_eq!(value["column"], 13);
        assert_eq!(value["end_column"], 14);
        assert_eq!(value["labels"][0]["message"], "not a field, 50% sure");
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let (db, diagnostics) = sample();
        let line = render_github(&db, &diagnostics);
        assert!(
            line.starts_with(
                "::error file=apps/日本.ehp,line=2,col=13,endLine=2,endColumn=14,title=E0301 "
            ),
            "{line}"
        );
        assert!(
            line.contains("not a field%2C 50%25 sure") || line.contains("not a field, 50%25 sure"),
            "{line}"
        );
        assert!(line.contains("%0Ahelp: did you mean `y`?"), "{line}");
        assert_eq!(line.lines().count(), 1);
    }
}
