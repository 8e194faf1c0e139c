//! The library on its own, without the binary: values printed as `.ehp` source parse back to
//! the same values, and `why` shows literal text as `.ehp` writes it.
// The round trip over the example project reads it from disk.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use ehp::eval::model::{Val, ValKind};
use ehp::eval::print;
use support::{boolean, external_secret, float, int, k8s_secret, list, map, q, s};

mod support;

/// The environment and template the printed values are evaluated in.
const HARNESS: &str = r#"env rt {
    kube_context = "k"
    domain = "rt.example"
    helm_repos { x = "https://x.example" }
}

template probe {
    image = "a/b"
    tag = "1.0.0"
    chart = "x/y"
    chart_version = "1.0.0"
}
"#;

/// Prints every value, writes them as the chart values `v0`, `v1`, ... of one app, analyses
/// that project, and returns the values it reads back, in order.
fn reparse(values: &[Val]) -> Vec<Val> {
    let mut app = String::from("app p: probe {\n    values {\n");
    for (index, value) in values.iter().enumerate() {
        app.push_str(&format!("        v{index} = {}\n", print::source(value)));
    }
    app.push_str("    }\n}\n");
    let files = vec![("rt.ehp".to_string(), format!("{HARNESS}\n{app}"))];
    let analysis = ehp::analyze(&files);
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| format!("{}: {}", diagnostic.code.id, diagnostic.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{app}");
    let read = analysis
        .envs
        .first()
        .and_then(|env| env.apps.first())
        .and_then(|app| app.fields.get("values"))
        .and_then(Val::as_map)
        .expect("the chart values");
    (0..values.len())
        .map(|index| read.get(&format!("v{index}")).expect("a value").clone())
        .collect()
}

fn assert_round_trip(values: &[Val]) {
    for (value, back) in values.iter().zip(reparse(values)) {
        assert!(
            value.same(&back),
            "printed as {}\nread back as {}",
            print::source(value),
            print::source(&back)
        );
    }
}

#[test]
fn every_kind_of_value_prints_as_source_that_reads_back_the_same() {
    let values = vec![
        s(""),
        s("plain"),
        s("the literal text ${price}, not an interpolation"),
        s("quotes \" and \\ backslashes \\${x} and $ alone and $"),
        s("lines\nand\ttabs\r\nand \"\"\" triple quotes"),
        s("unicode: 😀 ø 中文 \u{7f} \u{1b}[0m"),
        int(0),
        int(-42),
        int(i64::MAX),
        int(i64::MIN),
        float(1.0),
        float(-2.5),
        float(0.1),
        float(1e300),
        float(1e-7),
        float(f64::INFINITY),
        q("512Mi"),
        q("1.5Gi"),
        q("30s"),
        boolean(true),
        boolean(false),
        list(vec![]),
        list(vec![s("a"), int(1), list(vec![boolean(false)])]),
        map(vec![]),
        map(vec![
            ("name", s("x")),
            ("app.kubernetes.io/part-of", s("shop")),
            ("with space", map(vec![("inner", map(vec![]))])),
            ("1st", float(3.0)),
            ("${key}", s("${value}")),
            ("true", boolean(true)),
        ]),
        k8s_secret("journal-db", "pass\"word"),
        external_secret("vault:kv/journal/db#${password}"),
    ];
    assert_round_trip(&values);
}

#[test]
fn every_value_of_the_example_project_reads_back_the_same_in_every_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|entry| entry.expect("walk"))
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "ehp"))
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            (entry.path().display().to_string(), text)
        })
        .collect();
    files.sort();
    let analysis = ehp::analyze(&files);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let mut values: Vec<Val> = Vec::new();
    for env in &analysis.envs {
        values.extend(env.settings.values().cloned());
        for app in &env.apps {
            values.extend(app.fields.values().cloned());
            values.push(Val::new(ValKind::Map(app.values.clone()), app.span));
        }
    }
    assert!(values.len() > 100, "{} values", values.len());
    assert_round_trip(&values);
}

#[test]
fn why_shows_literal_text_as_source_not_as_an_interpolation() {
    let app = r#"app p: probe {
    description = "Only \${price} today"
}
"#;
    let files = vec![("rt.ehp".to_string(), format!("{HARNESS}\n{app}"))];
    let analysis = ehp::analyze(&files);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let found = ehp::eval::why::provenance(
        &analysis.project,
        &analysis.schemas,
        "rt",
        "p",
        &["description"],
    )
    .expect("provenance");
    assert_eq!(found.value.as_deref(), Some(r#""Only \${price} today""#));
    let step = found.steps.last().expect("the app's layer");
    assert_eq!(step.value.as_deref(), Some(r#""Only \${price} today""#));
}
