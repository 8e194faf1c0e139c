//! Fuzzes the source edits of `ehp promote`: the fuzzed text is an apps file in a project with a
//! promotion chain; every app is promoted from `inttest` to `exttest`, and the edited project
//! must parse, must not gain an error, and must run in `exttest` the release it runs in
//! `inttest`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PROJECT: &str = r#"env inttest {
    kube_context = "i"
    domain = "i.example"
    helm_repos { ehealth = "https://charts.example" }
}
env exttest extends inttest {
    kube_context = "e"
    domain = "e.example"
}
promotion {
    chain = ["inttest", "exttest"]
    roles { qa = ["fuzz@example.org"] }
    steps { exttest { privileged = ["qa"] } }
}
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = vec![
        ("envs.ehp".to_string(), PROJECT.to_string()),
        ("apps.ehp".to_string(), text.to_string()),
    ];
    let analysis = ehp::analyze(&files);
    if analysis.has_errors() {
        return;
    }
    let Some(promotion) = &analysis.promotion else { return };
    let sources = ehp::promote::plan::Sources {
        db: &analysis.db,
        project: &analysis.project,
        envs: &analysis.envs,
        promotion,
    };
    let request = ehp::promote::plan::PromoteRequest {
        apps: &[],
        all: true,
        from: "inttest",
        to: "exttest",
        actor: "fuzz@example.org",
        reason: Some("fuzz \"quoted\" ${x}"),
        date: "2026-01-01",
    };
    let Ok(plan) = ehp::promote::plan::plan_promotion(sources, &request) else { return };
    let changes = ehp::promote::edit::apply_all(&analysis.db, &plan.edits);
    let edited = ehp::promote::edit::edited_files(&files, &changes);
    let after = ehp::analyze(&edited);
    let parse_errors: Vec<_> = after
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code.id.starts_with("E01"))
        .collect();
    assert!(parse_errors.is_empty(), "the edit broke the syntax: {parse_errors:?}");
    let tag = |envs: &[ehp::eval::model::EnvInstance], env: &str, app: &str| {
        ehp::eval::model::app_in(envs, env, app)
            .and_then(|app| app.fields.get("tag"))
            .and_then(|tag| tag.as_str().map(str::to_string))
    };
    for app in analysis.project.apps.iter().map(|app| app.name.name.as_str()) {
        let before = tag(&analysis.envs, "inttest", app);
        if before.is_some() && !after.has_errors() {
            assert_eq!(tag(&after.envs, "exttest", app), before, "{app} was not promoted");
        }
    }
});
