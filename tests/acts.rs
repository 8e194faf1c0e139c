//! The acts besides a promotion, run as the binary on temporary git repositories: `ehp publish`
//! records who put a release on the first environment; `ehp hotfix --chart-version` records
//! the whole release; `ehp rollback` goes back to what the environment ran before, found in
//! the history, and marks the replaced release bad.
// The tests write projects to temporary directories and read them back.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

#[path = "promotion/repo.rs"]
mod repo;
mod support;

use repo::{Repo, block};

#[test]
fn publish_records_who_put_the_release_on_the_first_environment() {
    let repo = Repo::new();
    let run = repo.ehp(&[
        "publish",
        "journal",
        "--tag",
        "2.5.0",
        "--actor",
        "anna@supplier-a.example",
        "--reason",
        "Search",
        "--date",
        "2026-03-01",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let journal = repo.read("apps/journal.ehp");
    assert!(journal.contains("    tag = \"2.5.0\"\n    published {\n        by = \"anna@supplier-a.example\"\n        reason = \"Search\"\n        date = \"2026-03-01\"\n        release {\n            tag = \"2.5.0\"\n            chart_version = \"2.4.0\"\n        }\n    }\n"), "{journal}");
    assert_eq!(repo.ehp(&["check", "."]).code, 0);
    let status = repo.ehp(&["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).expect("json");
    assert_eq!(
        json["apps"][0]["envs"]["inttest"]["published"]["by"],
        "anna@supplier-a.example"
    );
    repo.commit("publish 2.5.0");
}

/// A hot-fix of prod that changes the chart too, recorded whole, committed.
fn hotfix_with_a_chart(repo: &Repo) {
    // A hot-fix that changes the chart too, recorded whole.
    let run = repo.ehp(&[
        "hotfix",
        "journal",
        "--env",
        "prod",
        "--tag",
        "2.4.1",
        "--chart-version",
        "2.5.0",
        "--reason",
        "CVE",
        "--actor",
        "ola@ehealth.example",
        "--date",
        "2026-03-02",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let journal = repo.read("apps/journal.ehp");
    let (start, end) = block(&journal, "prod");
    assert!(
        journal[start..end].contains("chart_version = \"2.5.0\""),
        "{journal}"
    );
    assert!(journal[start..end].contains("hotfix {"), "{journal}");
    assert_eq!(repo.ehp(&["check", "."]).code, 0);
    repo.commit("hot-fix 2.4.1");
}

/// Rolls prod back, by a release manager, then by a supplier.
fn roll_prod_back(repo: &Repo) {
    // The rollback goes back to what prod ran before, and marks the hot-fix bad.
    let run = repo.ehp(&[
        "rollback",
        "journal",
        "--env",
        "prod",
        "--reason",
        "broke logins",
        "--actor",
        "ola@ehealth.example",
        "--date",
        "2026-03-03",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let journal = repo.read("apps/journal.ehp");
    let (start, end) = block(&journal, "prod");
    let prod = &journal[start..end];
    assert!(
        prod.contains("tag = \"2.4.0\"") && prod.contains("chart_version = \"2.4.0\""),
        "{prod}"
    );
    assert!(
        prod.contains("rollback {") && prod.contains("replaced {"),
        "{prod}"
    );
    assert!(journal.contains("    bad {\n        \"2.4.1\" = \"broke logins (rolled back in prod by ola@ehealth.example on 2026-03-03)\"\n    }\n"), "{journal}");
    let check = repo.ehp_as("ola@ehealth.example", &["check", ".", "--against", "HEAD"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(check.stderr.contains("1 rolled back"), "{check:?}");
    let status = repo.ehp(&["status"]);
    assert!(
        status.stdout.contains("rolled back from 2.4.1"),
        "{status:?}"
    );

    // Nothing to go back to under another tag; and a supplier may not roll prod back.
    let run = repo.ehp(&[
        "rollback",
        "journal",
        "--env",
        "prod",
        "--to",
        "9.9.9",
        "--reason",
        "x",
        "--actor",
        "ola@ehealth.example",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("never ran tag 9.9.9"), "{run:?}");
    let run = repo.ehp(&[
        "rollback",
        "journal",
        "--env",
        "prod",
        "--reason",
        "x",
        "--actor",
        "anna@supplier-a.example",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("E0610"), "{run:?}");
}

#[test]
fn hotfix_with_a_chart_then_rollback_marks_the_fix_bad() {
    let repo = Repo::new();
    hotfix_with_a_chart(&repo);
    roll_prod_back(&repo);
}

/// A third-party chart (`helm_chart`) has no image tag: its release is its chart version, which
/// `publish`, `promote`, `status`, `hotfix` and `rollback` carry and record.
#[test]
fn a_helm_chart_travels_by_its_chart_version() {
    let repo = Repo::new();
    let init = repo.ehp(&["init", "--app", "ingress", "--template", "helm_chart"]);
    assert_eq!(init.code, 0, "{init:?}");
    let ingress = repo.read("apps/ingress.ehp");
    assert!(
        !ingress.contains("tag") && !ingress.contains("image"),
        "{ingress}"
    );
    let check = repo.ehp(&["check", "."]);
    assert_eq!(check.code, 0, "{check:?}");
    repo.commit("ingress");
    let tagged = repo.ehp(&[
        "publish",
        "ingress",
        "--tag",
        "1.0.0",
        "--actor",
        "anna@supplier-a.example",
    ]);
    assert_eq!(tagged.code, 2, "{tagged:?}");
    assert!(tagged.stderr.contains("has no image tag"), "{tagged:?}");
    let run = repo.ehp(&[
        "publish",
        "ingress",
        "--chart-version",
        "1.4.1",
        "--actor",
        "anna@supplier-a.example",
        "--date",
        "2026-03-01",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let ingress = repo.read("apps/ingress.ehp");
    assert!(ingress.contains("chart_version = \"1.4.1\""), "{ingress}");
    assert!(!ingress.contains("tag"), "{ingress}");
    repo.commit("publish ingress 1.4.1");
    let run = repo.ehp(&[
        "promote",
        "ingress",
        "--from",
        "inttest",
        "--to",
        "exttest",
        "--actor",
        "kari@ehealth.example",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let ingress = repo.read("apps/ingress.ehp");
    let (start, end) = block(&ingress, "exttest");
    assert!(
        ingress[start..end].contains("chart_version = \"1.4.1\""),
        "{ingress}"
    );
    repo.commit("promote ingress");
    hotfix_and_roll_back_a_chart(&repo);
}

/// A chart's hot-fix and rollback, by chart version.
fn hotfix_and_roll_back_a_chart(repo: &Repo) {
    let status = repo.ehp(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("chart 1.4.1"), "{status:?}");
    let run = repo.ehp(&[
        "hotfix",
        "ingress",
        "--env",
        "prod",
        "--chart-version",
        "1.4.2",
        "--reason",
        "CVE",
        "--actor",
        "ola@ehealth.example",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let ingress = repo.read("apps/ingress.ehp");
    let (start, end) = block(&ingress, "prod");
    let prod = &ingress[start..end];
    assert!(
        prod.contains("chart_version = \"1.4.2\"")
            && prod.contains("hotfix {")
            && !prod.contains("tag"),
        "{prod}"
    );
    repo.commit("hot-fix ingress");
    let run = repo.ehp(&[
        "rollback",
        "ingress",
        "--env",
        "prod",
        "--reason",
        "broke routes",
        "--actor",
        "ola@ehealth.example",
    ]);
    // prod goes back to the chart version it ran before, and the fix is marked bad by it.
    assert_eq!(run.code, 0, "{run:?}");
    let ingress = repo.read("apps/ingress.ehp");
    let (start, end) = block(&ingress, "prod");
    assert!(
        ingress[start..end].contains("chart_version = \"1.4.0\""),
        "{ingress}"
    );
    assert!(
        ingress.contains("    bad {\n        \"1.4.2\" = \"broke routes"),
        "{ingress}"
    );
}
