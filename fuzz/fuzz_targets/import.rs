//! Fuzzes `ehp import`: the fuzzed text is a desired-state file (YAML when the first byte is
//! even, TOML otherwise), every values file it names missing. Reading it never panics, and
//! every `.ehp` file an import without errors writes is already formatted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&format, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = if format % 2 == 0 { "helmsman.yaml" } else { "helmsman.toml" };
    let input = ehp::import::Input {
        env: "test".into(),
        path: path.into(),
        text: text.into(),
        folder: std::path::PathBuf::from("."),
        from_root: ".".into(),
    };
    let reading = ehp::import::read(&[input]);
    let files: Vec<_> = reading
        .values_files()
        .into_iter()
        .map(|path| (path, Err("missing".to_string())))
        .collect();
    let imported = reading.finish("fuzz", &files, &[]);
    if imported.has_errors() {
        return;
    }
    for (name, source) in &imported.files {
        if name.ends_with(".ehp") {
            let formatted = ehp::fmt::format_source(source).expect("the import writes source that parses");
            assert_eq!(&formatted, source, "{name} is not formatted");
        }
    }
});
