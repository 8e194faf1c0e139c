//! Fuzzes the front end: any text goes through parse, resolve, type check and evaluation
//! without a panic, and formatting reaches a fixpoint that means the same thing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let analysis = ehp::analyze(&[("fuzz.ehp".to_string(), text.to_string())]);
    std::hint::black_box(&analysis.diagnostics);
    if let Ok(formatted) = ehp::fmt::format_source(text) {
        let again = ehp::fmt::format_source(&formatted).expect("formatted text parses");
        assert_eq!(formatted, again, "fmt is not idempotent");
    }
});
