//! Robustness: mangled versions of every test input go through the whole front end without a
//! panic, and the formatter reaches a fixpoint on each one that parses. A deterministic stand-in
//! for the fuzzer in `fuzz/`, run on every `cargo test`.

#![allow(clippy::disallowed_methods)] // The test reads the repository's .ehp files.

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\"\"\"",
    "${",
    "=",
    ":",
    ".",
    ",",
    "\n",
    "//",
    "///",
    "in ",
    "env ",
    "app ",
    "template ",
    "extends ",
    "abstract ",
    "values ",
    "promotion ",
    "null",
    "512Mi",
    "-1",
    "99999999999999999999",
    "日本",
    "👋",
    "\r\n",
    "\\",
    "?",
    "|",
    "..",
    "(",
    ")",
];

fn mangle(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let piece = PIECES.get(rng.below(PIECES.len())).copied().unwrap_or("{");
                chars.splice(at..at, piece.chars());
            }
            _ => {
                let from = rng.below(chars.len());
                let len = rng.below(40);
                let copied: Vec<char> = chars.iter().skip(from).take(len).copied().collect();
                chars.splice(at.min(chars.len())..at.min(chars.len()), copied);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mangled_inputs_never_panic_and_format_to_a_fixpoint() {
    let mut inputs = Vec::new();
    for dir in ["tests/cases", "examples", "stdlib"] {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.expect("walk");
            if entry.path().extension().is_some_and(|ext| ext == "ehp") {
                inputs.push(std::fs::read_to_string(entry.path()).expect("readable"));
            }
        }
    }
    assert!(inputs.len() > 20);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut formatted = 0;
    for round in 0..600 {
        let base = &inputs[round % inputs.len()];
        let text = mangle(base, &mut rng);
        let analysis = ehp::analyze(&[("mangled.ehp".to_string(), text.clone())]);
        let _ = ehp::diag::render_human(&analysis.db, &analysis.diagnostics, 80, false);
        let _ = ehp::diag::render_json(&analysis.db, &analysis.diagnostics);
        if let Ok(once) = ehp::fmt::format_source(&text) {
            let twice = ehp::fmt::format_source(&once).unwrap_or_else(|errors| {
                panic!("formatted text does not parse: {errors:?}\n--- input\n{text}\n--- formatted\n{once}")
            });
            assert_eq!(once, twice, "not a fixpoint\n--- input\n{text}");
            formatted += 1;
        }
    }
    assert!(formatted > 50, "only {formatted} mangled inputs parsed");
}

#[test]
fn deep_nesting_everywhere_is_a_diagnostic() {
    for (open, close) in [("[", "]"), ("{ a = ", "}"), ("(", ")")] {
        let text = format!(
            "env a {{\n    x = {}1{}\n}}\n",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let analysis = ehp::analyze(&[("deep.ehp".to_string(), text.clone())]);
        assert!(analysis.has_errors());
        assert!(ehp::fmt::format_source(&text).is_err());
    }
    let chain: String = (0..200)
        .map(|n| format!("env e{} extends e{} {{}}\n", n + 1, n))
        .collect();
    let analysis = ehp::analyze(&[(
        "chain.ehp".to_string(),
        format!("env e0 {{ kube_context = \"k\" domain = \"d.example\" }}\n{chain}"),
    )]);
    assert!(
        analysis
            .diagnostics
            .iter()
            .any(|d| d.code == ehp::diag::codes::INHERITANCE_TOO_DEEP)
    );
}
