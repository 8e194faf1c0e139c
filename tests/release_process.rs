//! The release process lived through end to end, as the platform runs it, on real git
//! repositories: a bare `origin` with `master` (inttest, exttest) and `prod` (preprod, prod),
//! several people, and the scripts of `examples/ci/` that the Jenkinsfile and the GitHub
//! workflow run. A supplier publishes; QA promotes to exttest through the Jenkins job; a
//! release train goes through the pull request (its gate passes before and after the merge);
//! the release managers promote to prod; a hot-fix goes into prod and flows back through every
//! environment; a release is rolled back. Then the attacks, each refused with its diagnostic.
//! What the commands print is `docs/promotion.md`'s: the test compares (or, with
//! `EHP_UPDATE_DOCS=1`, rewrites) every block of the document marked `<!-- ehp-run: NAME -->`.
// The test writes repositories to temporary folders and reads the documentation.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::indexing_slicing)] // Indexing into JSON and text a test just checked.

mod support;
#[path = "release_process/world.rs"]
mod world;

use world::{Run, World};

const ANNA: &str = "anna@supplier-a.example";
const EVE: &str = "eve@supplier-b.example";
const KARI: &str = "kari@ehealth.example";
const PER: &str = "per@ehealth.example";
const OLA: &str = "ola@ehealth.example";

/// Asserts a run succeeded.
fn ok(run: &Run, what: &str) {
    assert_eq!(run.code, 0, "{what}: {run:?}");
}

/// Asserts a run failed with exit 1 and printed `code`.
fn refused(run: &Run, code: &str, what: &str) {
    assert_eq!(run.code, 1, "{what}: {run:?}");
    assert!(
        run.output.contains(&format!("[{code}]")),
        "{what}: {code} in {run:?}"
    );
}

/// The command line a job is shown with in the documentation.
fn shown_job(who: &str, reason: &str, script: &str, args: &[&str]) -> String {
    format!(
        "EHP_ACTOR={who} EHP_REASON=\"{reason}\" ci/{script} {}",
        args.join(" ")
    )
}

/// Runs a job for `who` and keeps it under `name`; asserts it passed.
fn job(world: &World, name: &str, who: &str, reason: &str, script: &str, args: &[&str]) -> Run {
    world.tick();
    let run = world.job(who, reason, script, args);
    ok(&run, name);
    world.keep(name, &shown_job(who, reason, script, args), &run);
    run
}

/// Runs `ehp ARGS` as `who` and keeps it under `name`.
fn ehp(world: &World, name: &str, who: &str, args: &[&str]) -> Run {
    let run = world.ehp(who, args);
    world.keep(name, &format!("ehp {}", args.join(" ")), &run);
    run
}

/// The pull request from master into prod, checked out as CI checks it out (the merge it would
/// make, by `merger`), its gate run; then merged (pushed to prod) and the push gate run.
fn pull_request(world: &World, name: &str, merger: &str, number: u32) {
    world.tick();
    world.reset("prod");
    let before = world.git(merger, &["rev-parse", "HEAD"]);
    let message = format!("Merge pull request #{number} from master");
    world.git(
        merger,
        &["merge", "-q", "--no-ff", "-m", &message, "origin/master"],
    );
    let gate = world.gate("pr-gate.sh", &["prod"]);
    ok(&gate, name);
    world.keep(&format!("{name}-gate"), "ci/pr-gate.sh prod", &gate);
    let comment = world.read("desired-state.md");
    assert!(comment.contains("#### Gate: passed"), "{comment}");
    world.keep(
        &format!("{name}-comment"),
        "cat desired-state.md",
        &Run {
            code: 0,
            output: comment,
        },
    );
    world.git(merger, &["push", "-q", "origin", "HEAD:prod"]);
    let after = world.gate("push-gate.sh", &[before.trim()]);
    ok(&after, "the push gate after the merge");
    world.keep(
        &format!("{name}-merged"),
        "ci/push-gate.sh PROD_BEFORE_THE_MERGE",
        &after,
    );
}

/// The supplier publishes, QA promotes to exttest, and the release train goes through the pull
/// request into preprod.
fn release_train(world: &World) {
    let publish = job(
        world,
        "publish",
        ANNA,
        "Search in the journal",
        "publish.sh",
        &["master", "patient-journal", "2.5.0"],
    );
    assert!(
        publish.output.contains("ok: 1 commit since origin/master"),
        "{publish:?}"
    );
    world.tick();
    ehp(world, "status-published", PER, &["status", "platform"]);
    job(
        world,
        "promote-exttest",
        KARI,
        "QA passed",
        "promote.sh",
        &[
            "master",
            "inttest",
            "exttest",
            "patient-journal",
            "patient-portal",
        ],
    );
    job(
        world,
        "train",
        PER,
        "Release train 2026.03",
        "promote.sh",
        &[
            "master",
            "exttest",
            "preprod",
            "appointment-booking",
            "fhir-gateway",
            "notification-worker",
            "patient-journal",
            "patient-portal",
        ],
    );
    pull_request(world, "pr", PER, 12);
    let comment = world.read("desired-state.md");
    assert!(
        comment.contains("Merging deploys **preprod** (5 apps change), **prod** (no app changes)."),
        "{comment}"
    );
    assert!(comment.contains("Record: promoted from exttest by per@ehealth.example, 2026-03-02: Release train 2026.03."), "{comment}");
    assert!(
        comment.contains("1 published, 2 promoted, 5 promoted")
            || comment.contains(": 1 published, 7 promoted"),
        "{comment}"
    );
}

/// The release managers promote to prod through their Jenkins job, which merges prod back.
fn to_prod(world: &World) {
    let run = job(
        world,
        "promote-prod",
        OLA,
        "CAB-1201 approved",
        "promote.sh",
        &["prod", "preprod", "prod", "patient-journal", "fhir-gateway"],
    );
    assert!(
        run.output.contains("ok: 1 commit since origin/prod"),
        "{run:?}"
    );
    world.tick();
    let merged = world.gate("back-merge.sh", &["prod", "master"]);
    ok(&merged, "back-merge");
    world.keep("back-merge", "ci/back-merge.sh prod master", &merged);
}

/// A hot-fix into prod: W0005 says it has not flowed back, and `--deny warnings` does not deny
/// it.
fn hotfix(world: &World) {
    job(
        world,
        "hotfix",
        OLA,
        "CVE-2026-1234 in the PDF renderer",
        "hotfix.sh",
        &["prod", "patient-journal", "prod", "2.5.1"],
    );
    world.tick();
    ok(
        &world.gate("back-merge.sh", &["prod", "master"]),
        "back-merge of the hot-fix",
    );
    world.reset("master");
    let warned = ehp(
        world,
        "hotfix-check",
        ANNA,
        &["check", "platform", "--message-format", "short"],
    );
    ok(&warned, "check with the hot-fix on its way");
    assert_eq!(
        warned.output.matches("warning[W0005]").count(),
        3,
        "{warned:?}"
    );
    ok(
        &world.ehp(ANNA, &["check", "platform", "--deny", "warnings"]),
        "--deny warnings",
    );
    ehp(world, "hotfix-status", ANNA, &["status", "platform"]);
}

/// The hot-fix flows back like any release, every gate passing, and its promotion into prod
/// closes it.
fn flow_back(world: &World) {
    job(
        world,
        "flow-publish",
        ANNA,
        "The fix of CVE-2026-1234",
        "publish.sh",
        &["master", "patient-journal", "2.5.1"],
    );
    job(
        world,
        "flow-exttest",
        KARI,
        "QA passed",
        "promote.sh",
        &["master", "inttest", "exttest", "patient-journal"],
    );
    job(
        world,
        "flow-train",
        PER,
        "The fix of CVE-2026-1234",
        "promote.sh",
        &["master", "exttest", "preprod", "patient-journal"],
    );
    pull_request(world, "flow-pr", PER, 13);
    let closed = job(
        world,
        "flow-prod",
        OLA,
        "CVE-2026-1234 fixed through the chain",
        "promote.sh",
        &["prod", "preprod", "prod", "patient-journal"],
    );
    assert!(closed.output.contains("): 1 promoted;"), "{closed:?}");
    let journal = world.read("platform/apps/patient-journal.ehp");
    let prod = &journal[journal.find("    in prod {").expect("prod")..];
    assert!(
        !prod.contains("hotfix {") && prod.contains("from = \"preprod\""),
        "{prod}"
    );
    world.tick();
    ok(
        &world.gate("back-merge.sh", &["prod", "master"]),
        "back-merge of the flow-back",
    );
    world.reset("master");
    let clean = world.ehp(ANNA, &["check", "platform", "--deny", "warnings"]);
    ok(&clean, "the hot-fix has flowed back");
    assert!(!clean.output.contains("W0005"), "{clean:?}");
}

/// A release rolled back in prod: recorded as a rollback, the release it replaces marked bad,
/// shown as such, and refused when promoted again.
fn rollback(world: &World) {
    job(
        world,
        "rollback",
        OLA,
        "3.0.2 drops FHIR subscriptions",
        "rollback.sh",
        &["prod", "fhir-gateway", "prod"],
    );
    world.tick();
    ok(
        &world.gate("back-merge.sh", &["prod", "master"]),
        "back-merge of the rollback",
    );
    world.reset("master");
    let again = ehp(
        world,
        "rollback-refused",
        OLA,
        &[
            "promote",
            "fhir-gateway",
            "--from",
            "preprod",
            "--to",
            "prod",
            "--actor",
            OLA,
            "--path",
            "platform",
        ],
    );
    refused(&again, "E0614", "promoting the bad release again");
}

/// The status, read from master's checkout: each environment from its branch, who put each
/// release there, the rollback and the release marked bad.
fn status_report(world: &World) {
    world.tick();
    let status = ehp(world, "status", PER, &["status", "platform"]);
    ok(&status, "status");
    assert!(
        status
            .output
            .contains("read master (inttest, exttest) at origin/master"),
        "{status:?}"
    );
    assert!(
        status.output.contains("rolled back from 3.0.2"),
        "{status:?}"
    );
    let json = world.ehp_stdout(PER, &["status", "platform", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["revisions"][1]["branch"], "prod", "{json}");
    assert_eq!(json["revisions"][1]["rev"], "origin/prod", "{json}");
    let app = |name: &str| {
        json["apps"]
            .as_array()
            .expect("apps")
            .iter()
            .find(|app| app["name"] == name)
            .expect("the app")
            .clone()
    };
    let journal = app("patient-journal");
    let reason = &journal["envs"]["prod"]["promoted"]["reason"];
    assert_eq!(reason, "CVE-2026-1234 fixed through the chain", "{journal}");
    assert_eq!(
        journal["envs"]["inttest"]["published"]["by"], ANNA,
        "{journal}"
    );
    let gateway = app("fhir-gateway");
    let prod = &gateway["envs"]["prod"];
    assert_eq!(prod["rollback"]["replaced"]["tag"], "3.0.2", "{gateway}");
    assert!(prod["waiting"].is_null(), "{gateway}");
    assert!(
        gateway["envs"]["preprod"]["bad"]
            .as_str()
            .is_some_and(|why| why.starts_with("3.0.2 drops FHIR subscriptions (rolled back")),
        "{gateway}"
    );
}

/// The history, `why` and `diff` of two environments, each read from its branch.
fn history_reports(world: &World) {
    let log = ehp(
        world,
        "log",
        PER,
        &["log", "patient-journal", "--path", "platform"],
    );
    ok(&log, "log");
    let args = [
        "log", "--env", "prod", "--format", "json", "--path", "platform",
    ];
    let log: serde_json::Value = serde_json::from_str(&world.ehp_stdout(PER, &args)).expect("json");
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["rollback", "promoted", "hotfix", "promoted", "promoted"],
        "{log}"
    );
    let why = [
        "why",
        "prod",
        "patient-journal",
        "tag",
        "--path",
        "platform",
    ];
    ok(&ehp(world, "why", PER, &why), "why");
    let diff = ["diff", "platform", "--from", "preprod", "--to", "prod"];
    ok(&ehp(world, "diff-envs", PER, &diff), "diff");
}

#[test]
fn the_release_process_lived_through_and_its_attacks_refused() {
    let world = World::new();
    release_train(&world);
    to_prod(&world);
    hotfix(&world);
    flow_back(&world);
    rollback(&world);
    status_report(&world);
    history_reports(&world);
    let attacks = World::new();
    attacks::all(&attacks);
    let mut transcript = world.transcript();
    transcript.extend(attacks.transcript());
    docs::matches(&transcript);
}

/// The Jenkinsfile and the GitHub workflow run scripts of `examples/ci/`, which the scenario
/// above runs: what the recipes call is what is tested.
#[test]
fn the_recipes_run_the_tested_scripts() {
    let tested =
        include_str!("release_process.rs").to_string() + include_str!("release_process/attacks.rs");
    for recipe in ["examples/ci/Jenkinsfile", "examples/ci/github.yml"] {
        let text = std::fs::read_to_string(recipe).expect("the recipe");
        let scripts: Vec<&str> = text
            .split("ci/")
            .skip(1)
            .filter_map(|rest| rest.split(".sh").next())
            .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .collect();
        assert!(scripts.len() >= 2, "{recipe} runs scripts: {scripts:?}");
        for script in scripts {
            let path = format!("examples/ci/{script}.sh");
            assert!(
                std::path::Path::new(&path).is_file(),
                "{recipe} runs {path}"
            );
            assert!(
                tested.contains(&format!("\"{script}.sh\"")),
                "{recipe} runs {script}.sh, which tests/release_process.rs does not"
            );
        }
    }
}

#[path = "release_process/attacks.rs"]
mod attacks;
#[path = "release_process/docs.rs"]
mod docs;
