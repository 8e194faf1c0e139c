//! Fuzzes the formatter's promise to change only the layout: when a text formats, the formatted
//! text formats to itself, analyses with the same diagnostic codes, and builds exactly the same
//! files.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The codes of an analysis's diagnostics and, without errors, the files it builds.
fn meaning(text: &str) -> (Vec<&'static str>, Vec<ehp::emit::OutputFile>) {
    let analysis = ehp::analyze(&[("fuzz.ehp".to_string(), text.to_string())]);
    let codes = analysis.diagnostics.iter().map(|d| d.code.id).collect();
    if analysis.has_errors() {
        return (codes, Vec::new());
    }
    let options = ehp::emit::EmitOptions::default();
    (codes, ehp::emit::emit(&analysis.envs, &options).files)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(formatted) = ehp::fmt::format_source(text) else { return };
    let again = ehp::fmt::format_source(&formatted).expect("formatted text parses");
    assert_eq!(formatted, again, "fmt is not idempotent");
    let (codes, files) = meaning(text);
    let (formatted_codes, formatted_files) = meaning(&formatted);
    let mut sorted = codes.clone();
    let mut formatted_sorted = formatted_codes.clone();
    sorted.sort_unstable();
    formatted_sorted.sort_unstable();
    assert_eq!(sorted, formatted_sorted, "fmt changed the diagnostics");
    assert_eq!(files, formatted_files, "fmt changed what the project builds");
});
