//! Every project under `examples/` compiles without a diagnostic; its complete output is a
//! reviewed snapshot, and the output does not depend on the order the files are read in.

#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The test reads the examples from disk.

use std::path::Path;

fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "ehp"))
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).expect("readable example");
            (entry.path().display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

fn build(files: &[(String, String)], label: &str) -> Vec<ehp::emit::OutputFile> {
    let analysis = ehp::analyze(files);
    assert!(
        analysis.diagnostics.is_empty(),
        "{label} must compile cleanly:\n{}",
        ehp::diag::render_short(&analysis.db, &analysis.diagnostics)
    );
    let options = ehp::emit::EmitOptions {
        dsf_format: ehp::emit::DsfFormat::Yaml,
        source_label: label.to_string(),
        project_root: None,
    };
    let emitted = ehp::emit::emit(&analysis.envs, &options);
    assert!(emitted.diagnostics.is_empty(), "{label} must emit cleanly");
    emitted.files
}

#[test]
fn examples_compile_and_their_output_is_reviewed() {
    let mut projects: Vec<_> = std::fs::read_dir("examples")
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        // `examples/charts` holds the example's Helm charts, and `examples/ci` the CI recipes
        // (`tests/release_process.rs` runs them): neither is a project.
        .filter(|path| {
            path.file_name()
                .is_none_or(|name| name != "charts" && name != "ci")
        })
        .collect();
    projects.sort();
    assert!(!projects.is_empty(), "there are examples");
    for project in projects {
        let label = project.display().to_string();
        let files = sources(&project);
        assert!(!files.is_empty(), "{label} has .ehp files");
        let output = build(&files, &label);
        let mut snapshot = String::new();
        for file in &output {
            snapshot.push_str(&format!("=== {}\n{}", file.path, file.contents));
        }
        let name = label.replace(['/', '\\'], "__");
        insta::assert_snapshot!(name, snapshot);

        // The same project read in the opposite order produces the same bytes.
        let mut reversed = files.clone();
        reversed.reverse();
        let again = build(&reversed, &label);
        assert_eq!(output.len(), again.len());
        for (first, second) in output.iter().zip(&again) {
            assert_eq!(first.path, second.path);
            assert_eq!(
                first.contents, second.contents,
                "{} depends on file order",
                first.path
            );
        }
    }
}

#[test]
fn the_stdlib_compiles_on_its_own_and_provides_the_three_kinds() {
    let analysis = ehp::analyze(&[]);
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
    assert!(
        analysis.envs.is_empty(),
        "the stdlib declares no environment"
    );
    let names: Vec<&str> = ehp::stdlib::FILES.iter().map(|(name, _)| *name).collect();
    for kind in ["web_service", "worker", "scheduled_job"] {
        let declared = ehp::stdlib::FILES
            .iter()
            .any(|(_, text)| text.contains(&format!("template {kind} ")));
        assert!(declared, "{kind} is declared in one of {names:?}");
    }
    // Every file under stdlib/ is embedded.
    let on_disk = std::fs::read_dir("stdlib")
        .expect("stdlib/")
        .filter_map(Result::ok)
        .count();
    assert_eq!(
        on_disk,
        ehp::stdlib::FILES.len(),
        "every stdlib file is embedded"
    );
}
