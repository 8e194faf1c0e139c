//! The library on its own, without the binary: the diagnostics of the commands (E0407, E0601,
//! E0602, E0604, E0606, E0610, E0612) come from library functions; values printed as `.ehp` source parse back
//! to the same values; and `why` shows literal text as `.ehp` writes it.
// The round trip over the example project reads it from disk.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::expect_used)] // A failed expectation is a failing test.

use std::path::Path;

use ehp::Analysis;
use ehp::diag::Diagnostic;
use ehp::eval::model::{Val, ValKind};
use ehp::eval::print;
use ehp::promote::acts::{self, HotfixRequest};
use ehp::promote::edit;
use ehp::promote::history::{self, CommitInfo, Gate, Lookback, Node, Table};
use ehp::promote::plan::{self, PromoteRequest, Refusal, Sources};
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
        .map(|index| {
            read.get(format!("v{index}").as_str())
                .expect("a value")
                .clone()
        })
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
            values.push(Val::new(ValKind::map(app.values.clone()), app.span));
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

const CHAIN: &str = r#"promotion {
    chain = ["inttest", "exttest", "prod"]
    hotfix_envs = ["prod"]
}

abstract env base {
    kube_context = "aks-${env.name}"
    domain = "${env.name}.ehealth.example"
    helm_repos {
        ehealth = "https://charts.ehealth.example"
    }
}

env inttest extends base {}

env exttest extends base {}

env prod extends base {}
"#;

/// A journal whose release 2.5.0 is on inttest, and 2.4.0, promoted, on exttest and prod.
const JOURNAL: &str = r#"app journal: web_service {
    image = "journal/api"
    tag = "2.5.0"
    hosts = ["journal.${env.domain}"]
    in exttest {
        tag = "2.4.0"
        chart_version = "2.4.0"
        promoted {
            from = "inttest"
            date = "2026-01-02"
            release {
                tag = "2.4.0"
                chart_version = "2.4.0"
            }
        }
    }
    in prod {
        tag = "2.4.0"
        chart_version = "2.4.0"
        promoted {
            from = "exttest"
            date = "2026-01-05"
            release {
                tag = "2.4.0"
                chart_version = "2.4.0"
            }
        }
    }
}
"#;

fn project(chain: &str, journal: &str) -> (Vec<(String, String)>, Analysis) {
    let files = vec![
        ("chain.ehp".to_string(), chain.to_string()),
        ("journal.ehp".to_string(), journal.to_string()),
    ];
    let analysis = ehp::analyze(&files);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    (files, analysis)
}

fn sources(analysis: &Analysis) -> Sources<'_> {
    Sources {
        db: &analysis.db,
        project: &analysis.project,
        envs: &analysis.envs,
        promotion: analysis.promotion.as_ref().expect("a chain"),
    }
}

fn promote<'a>(from: &'a str, to: &'a str, apps: &'a [String]) -> PromoteRequest<'a> {
    PromoteRequest {
        apps,
        all: false,
        from,
        to,
        actor: "kari@ehealth.example",
        reason: None,
        date: "2026-03-01",
    }
}

fn refused_with(refusal: Refusal) -> Diagnostic {
    match refusal {
        Refusal::Diagnostic(diagnostic) => *diagnostic,
        Refusal::Usage(message) => panic!("a usage error, not a diagnostic: {message}"),
    }
}

#[test]
fn e0407_a_build_selects_only_concrete_environments() {
    let (_, analysis) = project(CHAIN, JOURNAL);
    let select = |names: &[&str]| {
        let wanted: Vec<String> = names.iter().map(ToString::to_string).collect();
        ehp::eval::select::select(&analysis.project, analysis.envs.clone(), &wanted)
    };
    let chosen = select(&["prod", "inttest"]).expect("concrete");
    let names: Vec<&str> = chosen.iter().map(|env| env.name.as_str()).collect();
    assert_eq!(names, ["inttest", "prod"]);
    assert_eq!(select(&[]).expect("all").len(), 3);

    let abstract_env = select(&["prod", "base"]).expect_err("abstract");
    assert_eq!(abstract_env.code.id, "E0407");
    assert_eq!(abstract_env.message, "`base` is abstract");
    let label = abstract_env.primary.as_ref().expect("the declaration");
    assert_eq!(analysis.db.slice(label.span), "base");

    let unknown = select(&["prd"]).expect_err("unknown");
    assert_eq!(unknown.code.id, "E0407");
    assert_eq!(unknown.message, "no concrete environment named `prd`");
    assert_eq!(
        unknown.help.as_deref(),
        Some("did you mean `prod`? the environments are: exttest, inttest, prod")
    );
}

#[test]
fn e0606_promotion_needs_a_chain() {
    let envs_only = CHAIN
        .split_once("abstract env")
        .expect("the environments")
        .1;
    let (_, analysis) = project(&format!("abstract env{envs_only}"), JOURNAL);
    assert!(analysis.promotion.is_none());
    let refused = plan::require_chain(analysis.promotion.as_ref()).expect_err("no chain");
    assert_eq!(refused.code.id, "E0606");

    let (_, with_chain) = project(CHAIN, JOURNAL);
    assert!(plan::require_chain(with_chain.promotion.as_ref()).is_ok());
}

#[test]
fn e0601_a_promotion_takes_one_step_of_the_chain() {
    let (_, analysis) = project(CHAIN, JOURNAL);
    let apps = vec!["journal".to_string()];
    for (from, to, help) in [
        (
            "inttest",
            "prod",
            "the step after `inttest` is `exttest`: `ehp promote ... --from inttest --to exttest`",
        ),
        (
            "prod",
            "inttest",
            "`prod` is the last environment of the chain",
        ),
        (
            "staging",
            "prod",
            "`staging` is not in the chain: inttest -> exttest -> prod",
        ),
    ] {
        let refusal = plan::plan_promotion(sources(&analysis), &promote(from, to, &apps))
            .expect_err("not a step");
        let diagnostic = refused_with(refusal);
        assert_eq!(diagnostic.code.id, "E0601", "{from} -> {to}");
        assert_eq!(
            diagnostic.message,
            format!("{from} -> {to} is not a step of the promotion chain")
        );
        assert_eq!(diagnostic.help.as_deref(), Some(help));
    }
}

#[test]
fn e0602_a_hotfix_goes_only_where_the_chain_accepts_one() {
    let (_, analysis) = project(CHAIN, JOURNAL);
    let request = |env| HotfixRequest {
        app: "journal",
        env,
        tag: Some("2.4.1"),
        chart_version: None,
        reason: "CVE-2026-1234",
        actor: "ola@ehealth.example",
        date: "2026-03-02",
    };
    let refusal = acts::plan_hotfix(sources(&analysis), &request("exttest")).expect_err("no");
    let diagnostic = refused_with(refusal);
    assert_eq!(diagnostic.code.id, "E0602");
    assert_eq!(diagnostic.message, "`exttest` does not accept hot-fixes");

    let edits = acts::plan_hotfix(sources(&analysis), &request("prod")).expect("prod accepts");
    let changes = edit::apply_all(&analysis.db, &edits);
    let journal = &changes.first().expect("the journal changes").after;
    assert!(journal.contains("tag = \"2.4.1\""), "{journal}");
    assert!(journal.contains("reason = \"CVE-2026-1234\""), "{journal}");
}

/// A commit by `author`.
fn commit(author: &str) -> CommitInfo {
    CommitInfo {
        id: "0123456789abcdef0123456789abcdef01234567".to_string(),
        author: author.to_string(),
        committer: author.to_string(),
        date: "2026-03-02T10:00:00+00:00".to_string(),
        subject: "a change".to_string(),
    }
}

/// The gate over one commit by `author` from `base` to `head`, with the chain of `head`
/// (through a pull request into `prod` when `pull_request`).
fn gate_one(base: &Analysis, head: &Analysis, author: &str, pull_request: bool) -> Vec<Diagnostic> {
    let promotion = head.promotion.as_ref().expect("a chain");
    let table = |analysis: &Analysis| Table::of(promotion, &analysis.project, &analysis.envs);
    let nodes = vec![
        Node {
            commit: None,
            table: table(base),
            parents: Vec::new(),
        },
        Node {
            commit: Some(commit(author)),
            table: table(head),
            parents: vec![0],
        },
    ];
    let gate = Gate {
        promotion,
        roles: base.promotion.as_ref().expect("a chain"),
        pull_request: pull_request.then_some("prod"),
    };
    let mut older = std::iter::empty();
    let verdict = history::gate(gate, &nodes, &mut Lookback::new(&mut older));
    verdict
        .findings
        .iter()
        .map(|finding| finding.diagnostic(promotion, &head.envs))
        .collect()
}

/// `CHAIN` with roles: prod is a privileged step of the release managers.
fn chain_with_roles() -> String {
    CHAIN.replace(
        "    hotfix_envs = [\"prod\"]\n",
        "    hotfix_envs = [\"prod\"]\n    roles {\n        release-manager = [\"ola@ehealth.example\"]\n    }\n    steps {\n        prod { privileged = [\"release-manager\"] }\n    }\n",
    )
}

#[test]
fn e0604_a_protected_release_changes_only_by_promotion() {
    let (files, base) = project(CHAIN, JOURNAL);

    // A hand edit of prod's release.
    let edited = JOURNAL.replace(
        "    in prod {\n        tag = \"2.4.0\"",
        "    in prod {\n        tag = \"2.4.9\"",
    );
    let hand = ehp::analyze(&[files[0].clone(), ("journal.ehp".to_string(), edited)]);
    let found = gate_one(&base, &hand, "eve@supplier.example", false);
    let codes: Vec<&str> = found.iter().map(|diagnostic| diagnostic.code.id).collect();
    assert_eq!(codes, ["E0604"], "{found:?}");
    let diagnostic = found.first().expect("E0604");
    assert_eq!(
        diagnostic.message,
        "the release of `journal` in `prod` changed without a promotion"
    );
    let label = diagnostic.primary.as_ref().expect("a label");
    assert_eq!(
        label.message,
        "2.4.9 (chart 2.4.0) (was 2.4.0 (chart 2.4.0)) in commit 0123456 by eve@supplier.example"
    );
    assert_eq!(hand.db.slice(label.span), "\"2.4.9\"");

    // The same change made by `ehp promote` from exttest is not one.
    let apps = vec!["journal".to_string()];
    let planned = plan::plan_promotion(sources(&base), &promote("inttest", "exttest", &apps))
        .expect("a step");
    assert!(planned.settled.is_empty());
    let changes = edit::apply_all(&base.db, &planned.edits);
    let promoted = ehp::analyze(&edit::edited_files(&files, &changes));
    assert!(!promoted.has_errors(), "{:?}", promoted.diagnostics);
    let found = gate_one(&base, &promoted, "kari@ehealth.example", false);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn e0610_e0612_the_gate_checks_records_people_and_pull_requests() {
    let chain = chain_with_roles();
    let (files, base) = project(&chain, JOURNAL);
    let with_prod = |tag: &str, by: &str| {
        let journal = JOURNAL.replace(
            "    in prod {\n        tag = \"2.4.0\"\n        chart_version = \"2.4.0\"\n        promoted {\n            from = \"exttest\"",
            &format!("    in prod {{\n        tag = \"{tag}\"\n        chart_version = \"2.4.0\"\n        promoted {{\n            from = \"exttest\"\n            by = \"{by}\""),
        ).replacen("                tag = \"2.4.0\"\n                chart_version = \"2.4.0\"\n            }\n        }\n    }\n}", &format!("                tag = \"{tag}\"\n                chart_version = \"2.4.0\"\n            }}\n        }}\n    }}\n}}"), 1);
        ehp::analyze(&[files[0].clone(), ("journal.ehp".to_string(), journal)])
    };
    let codes = |found: &[Diagnostic]| -> Vec<&'static str> {
        found.iter().map(|diagnostic| diagnostic.code.id).collect()
    };

    // A record claiming a release exttest never ran (the prod record names 2.6.0).
    let forged = with_prod("2.6.0", "ola@ehealth.example");
    let found = gate_one(&base, &forged, "ola@ehealth.example", false);
    assert_eq!(codes(&found), ["E0612"], "{found:?}");

    // A promotion of what exttest runs, committed by someone outside the role and recorded
    // for a release manager.
    let record_only = with_prod("2.4.0", "ola@ehealth.example");
    let found = gate_one(&base, &record_only, "eve@supplier.example", false);
    assert_eq!(codes(&found), ["E0610"], "{found:?}");
    assert_eq!(
        found.first().map(|diagnostic| diagnostic.message.as_str()),
        Some("`eve@supplier.example` changed `prod`, whose step is privileged")
    );

    // By a release manager it passes; through a pull request into `prod`, it could not
    // (E0613, on a chain with branches: `tests/release_process.rs`), but this chain has no
    // pull-request step into `prod`, so nothing is frozen.
    assert!(gate_one(&base, &record_only, "ola@ehealth.example", false).is_empty());
    assert!(gate_one(&base, &record_only, "ola@ehealth.example", true).is_empty());
}

#[test]
fn a_promotion_of_a_release_already_in_place_is_settled() {
    let (_, analysis) = project(CHAIN, JOURNAL);
    let apps = vec!["journal".to_string()];
    let planned = plan::plan_promotion(sources(&analysis), &promote("exttest", "prod", &apps))
        .expect("a step");
    assert!(planned.edits.is_empty());
    let messages: Vec<String> = planned.settled.iter().map(plan::Settled::message).collect();
    assert_eq!(messages, ["journal: prod already runs 2.4.0 (chart 2.4.0)"]);

    let unknown = vec!["jurnal".to_string()];
    match plan::plan_promotion(sources(&analysis), &promote("exttest", "prod", &unknown)) {
        Err(Refusal::Usage(message)) => assert_eq!(
            message,
            "no app `jurnal` in `exttest`; did you mean `journal`?"
        ),
        other => panic!("{other:?}"),
    }
}
