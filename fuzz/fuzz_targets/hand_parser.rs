//! Fuzzes the hand-written parser against pest: for any text, every declaration the hand-written
//! parser reads must be the tree pest builds, spans included, and one pest reads without a
//! problem.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let agreement = ehp::syntax::hand_parser_agreement(text);
    assert!(
        agreement.disagreements.is_empty(),
        "{}",
        agreement.disagreements.join("\n")
    );
});
