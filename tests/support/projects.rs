//! Small projects that more than one test binary writes into a temporary folder.

use std::path::{Path, PathBuf};

/// The settings of a small concrete environment, `test`.
pub const ENV: &str = "env test {\n    kube_context = \"test\"\n    domain = \"test.example\"\n    helm_repos { ehealth = \"https://charts.example\" }\n}\n";

/// A project with two errors in one file and one in another.
pub fn broken_project(root: &Path) {
    std::fs::create_dir_all(root.join("proj")).expect("mkdir");
    std::fs::write(root.join("proj/env.ehp"), ENV).expect("write");
    std::fs::write(
        root.join("proj/apps.ehp"),
        "app journal: web_service {\n    image = \"journal/api\"\n    tag = \"2.3.1\"\n    replicsa = 3\n    tls = \"yes\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        root.join("proj/jobs.ehp"),
        "app report: wroker {\n    image = \"r/r\"\n    tag = \"1.0.0\"\n}\n",
    )
    .expect("write");
}

/// The environment of the language-server project.
pub const LSP_ENVS: &str = r#"env test {
    kube_context = "ctx"
    domain = "test.example.org"
    helm_repos { ehealth = "https://charts.example.org" }
}
"#;

/// The broken file: `replicsa` on line 11, column 5.
pub const LSP_BROKEN: &str = r#"/// An API with a routed prefix.
template api extends web_service {
    /// The routed prefix.
    base_path: string = "/api"
}

/// Patient journal API.
app journal: api {
    image = "journal/api"
    tag = "2.4.1"
    replicsa = 2
}
"#;

/// A project of `envs.ehp` ([`LSP_ENVS`]) and `apps.ehp` ([`LSP_BROKEN`]) in a new temporary folder.
pub fn lsp_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("envs.ehp"), LSP_ENVS).expect("write");
    std::fs::write(dir.path().join("apps.ehp"), LSP_BROKEN).expect("write");
    dir
}

/// Files read back as JSON, with their paths.
pub type ReadFiles = Vec<(PathBuf, serde_json::Value)>;

/// Builds `examples/ehealth` (under `root`) into `out` with the `ehp` binary, and reads every
/// YAML file back: the desired-state files, then the values files.
pub fn build_examples(root: &Path, out: &Path) -> (ReadFiles, ReadFiles) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ehp"))
        .args(["build", "examples/ehealth", "--out"])
        .arg(out)
        .current_dir(root)
        .output()
        .expect("ehp runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (mut dsfs, mut values) = (Vec::new(), Vec::new());
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry
            .path()
            .extension()
            .is_some_and(|extension| extension == "yaml")
        {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let read: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML parses");
            if entry.file_name() == "helmsman.yaml" {
                dsfs.push((entry.path().to_path_buf(), read));
            } else {
                values.push((entry.path().to_path_buf(), read));
            }
        }
    }
    (dsfs, values)
}
