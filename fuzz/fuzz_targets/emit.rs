//! Fuzzes emission: any project that analyses without errors is emitted as YAML and as TOML,
//! twice (the output must be the same, byte for byte), and every file is read back: a file
//! ehp writes that a reader cannot read is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let analysis = ehp::analyze(&[("fuzz.ehp".to_string(), text.to_string())]);
    if analysis.has_errors() {
        return;
    }
    for dsf_format in [ehp::emit::DsfFormat::Yaml, ehp::emit::DsfFormat::Toml] {
        let options = ehp::emit::EmitOptions {
            dsf_format,
            source_label: "fuzz".into(),
            project_root: None,
        };
        let first = ehp::emit::emit(&analysis.envs, &options);
        let second = ehp::emit::emit(&analysis.envs, &options);
        assert_eq!(first.files, second.files, "emission is not deterministic");
        if first.has_errors() {
            continue;
        }
        for file in &first.files {
            if file.path.ends_with(".toml") {
                let read: Result<toml::Table, _> = toml::from_str(&file.contents);
                assert!(read.is_ok(), "{} does not read back: {read:?}", file.path);
            } else {
                let read: Result<serde_json::Value, _> = serde_saphyr::from_str(&file.contents);
                assert!(read.is_ok(), "{} does not read back: {read:?}", file.path);
            }
        }
    }
});
