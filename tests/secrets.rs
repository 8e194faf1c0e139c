//! The secret corpus: every shape of literal secret the check knows, in every place a value can
//! reach an output (variables, config, dotted and nested keys, config files, raw chart values, a
//! template's own field, interpolation). None may reach an output file or any diagnostic, in any
//! message format; each place is reported; `not_secret(...)` with a reason lets a text through.

#![allow(clippy::disallowed_methods)] // The tests write projects and read what ehp wrote.
#![allow(clippy::expect_used, clippy::indexing_slicing)] // A failed `expect` is a failing test.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Secrets by shape: each is caught under any name.
const SHAPED: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "github_pat_11ABCDEFG0123456789_abcdefghijkl",
    "xoxb-123456789012-abcdefghijklmnop",
    "glpat-aBcDeFgHiJkLmNoPqRsT",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "postgres://journal:S3cr3t-Pw@db.example:5432/journal",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
    "Bearer q8Zr4TgW2pLx9vNcQ8Zr4TgW",
];

/// A private key: caught in a multi-line text under any name.
const PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq8Zr4TgW2pLx9vNc\n-----END RSA PRIVATE KEY-----\n";

/// A plain password: caught by the name it is written under.
const PLAIN: &str = "Tr0ub4dor-and-3";

const ENVS: &str = r#"env prod {
    kube_context = "prod"
    domain = "prod.example"
    helm_repos { ehealth = "https://charts.example" }
}

/// A template with a field of its own that reaches the chart values.
template api extends web_service {
    api_token: string = ""
    values {
        apiToken = api_token
    }
}
"#;

/// An ehp string literal for `text`.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' => out.push_str("\\$"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// An app whose body is `body`.
fn app(name: &str, body: &str) -> String {
    format!("app {name}: api {{\n    image = \"team/{name}\"\n    tag = \"1.0.0\"\n{body}}}\n\n")
}

/// A project holding `secret` in each place a shaped secret can be, with a neutral name.
fn shaped_project(secret: &str) -> (String, usize) {
    let value = quoted(secret);
    let places = [
        format!("    vars {{ UPSTREAM = {value} }}\n"),
        format!("    config {{ \"upstream.url\" = {value} }}\n"),
        format!(
            "    config_files {{ \"app.properties\" = {} }}\n",
            quoted(&format!("a=1\nupstream={secret}\n"))
        ),
        format!("    values {{ extra {{ deep {{ setting = {value} }} }} }}\n"),
        format!("    description = {value}\n"),
        format!("    api_token = {value}\n"),
    ];
    let mut text = String::from(ENVS);
    for (index, place) in places.iter().enumerate() {
        text.push_str(&app(&format!("a{index}"), place));
    }
    (text, places.len())
}

/// A project holding a plain password under each kind of secret name.
fn named_project() -> (String, usize) {
    let value = quoted(PLAIN);
    let places = [
        format!("    vars {{ DB_PASSWORD = {value} }}\n"),
        format!("    vars {{ DB_PASS = {value} }}\n"),
        format!("    vars {{ PGPWD = {value} }}\n"),
        format!("    config {{ \"spring.datasource.password\" = {value} }}\n"),
        format!("    values {{ spring {{ datasource {{ password = {value} }} }} }}\n"),
        format!("    values {{ spring.datasource.password = {value} }}\n"),
        format!(
            "    config_files {{ \"application.properties\" = {} }}\n",
            quoted(&format!(
                "server.port=8080\nspring.datasource.password={PLAIN}\n"
            ))
        ),
        format!("    api_token = {value}\n"),
        format!(
            "    vars {{ CLIENT_SECRET = \"pre-${{description}}\" }}\n    description = {value}\n"
        ),
        format!(
            "    config_files {{ \"id_rsa\" = {} }}\n",
            quoted(PRIVATE_KEY)
        ),
    ];
    let mut text = String::from(ENVS);
    for (index, place) in places.iter().enumerate() {
        text.push_str(&app(&format!("n{index}"), place));
    }
    (text, places.len())
}

fn ehp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(args)
        .output()
        .expect("run ehp")
}

/// Runs `check` in every message format and `build`, and asserts that the secret shows
/// nowhere, that the build wrote nothing, and that at least `places` findings were reported.
fn assert_never_shown(dir: &Path, secrets: &[&str], places: usize) {
    let project = dir.to_str().expect("utf-8");
    let out = dir.join("out");
    let mut runs = Vec::new();
    for format in ["human", "short", "json", "sarif", "github"] {
        runs.push(ehp(&["check", project, "--message-format", format]));
    }
    runs.push(ehp(&[
        "build",
        project,
        "--out",
        out.to_str().expect("utf-8"),
    ]));
    for output in &runs {
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            for secret in secrets {
                let probe = secret.lines().nth(1).unwrap_or(secret);
                assert!(!text.contains(probe), "`{probe}` is shown:\n{text}");
            }
        }
    }
    assert!(!out.exists(), "a build with a secret wrote its output");
    let json = String::from_utf8_lossy(&runs[2].stdout).into_owned();
    let found = json.matches("\"E0306\"").count();
    assert!(
        found >= places,
        "{found} of {places} places reported:\n{json}"
    );
}

#[test]
fn no_shaped_secret_reaches_an_output_or_a_diagnostic() {
    for secret in SHAPED {
        let dir = tempfile::tempdir().expect("tempdir");
        let (text, places) = shaped_project(secret);
        fs::write(dir.path().join("main.ehp"), text).expect("write");
        let token = secret.trim_start_matches("Bearer ");
        assert_never_shown(dir.path(), &[token], places);
    }
}

#[test]
fn no_named_secret_reaches_an_output_or_a_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (text, places) = named_project();
    fs::write(dir.path().join("main.ehp"), text).expect("write");
    assert_never_shown(dir.path(), &[PLAIN, PRIVATE_KEY], places - 1);
}

#[test]
fn not_secret_with_a_reason_lets_a_text_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(ENVS);
    text.push_str(&app(
        "demo",
        "    vars { DB_PASSWORD = not_secret(\"changeit\", \"the demo database's published default\") }\n",
    ));
    fs::write(dir.path().join("main.ehp"), &text).expect("write");
    let project = dir.path().to_str().expect("utf-8");
    let output = ehp(&["check", project]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Without the reason it is refused.
    fs::write(
        dir.path().join("main.ehp"),
        text.replace(", \"the demo database's published default\"", ", \"\""),
    )
    .expect("write");
    let output = ehp(&["check", project]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("E0311"));
}

#[test]
fn why_masks_a_literal_secret_and_still_says_where_it_is_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(ENVS);
    text.push_str(&app(
        "shop",
        &format!(
            "    vars {{ DB_PASSWORD = {} LOG_LEVEL = \"info\" }}\n",
            quoted(PLAIN)
        ),
    ));
    fs::write(dir.path().join("main.ehp"), &text).expect("write");
    let project = dir.path().to_str().expect("utf-8");
    for field in ["vars", "vars.DB_PASSWORD"] {
        let output = ehp(&["why", "prod", "shop", field, "--path", project]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stdout.contains(PLAIN) && !stderr.contains(PLAIN),
            "{stdout}{stderr}"
        );
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("E0306"), "{stderr}");
        assert!(
            stderr.contains("the answer follows, secrets masked") && !stderr.contains("aborting"),
            "{stderr}"
        );
        assert!(
            stdout.contains("DB_PASSWORD = \"****\"") && stdout.contains("main.ehp:17:26"),
            "{stdout}"
        );
    }
    // In a machine format the diagnostics are on stdout: `why` refuses rather than mix them.
    let json = ehp(&[
        "why",
        "prod",
        "shop",
        "vars",
        "--path",
        project,
        "--message-format",
        "json",
    ]);
    let stdout = String::from_utf8_lossy(&json.stdout);
    assert_eq!(json.status.code(), Some(1));
    assert!(
        stdout.contains("E0306") && !stdout.contains(PLAIN) && !stdout.contains("DB_PASSWORD ="),
        "{stdout}"
    );
    let plain = ehp(&["why", "prod", "shop", "vars.LOG_LEVEL", "--path", project]);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("\"info\""));
}
