//! Robustness: mangled versions of every test input go through the whole front end without a
//! panic, and the formatter reaches a fixpoint on each one that parses. A deterministic stand-in
//! for the fuzzer in `fuzz/`, run on every `cargo test`. The hand-written parser is held to
//! pest's trees over the same inputs and more mangled ones.

#![allow(clippy::disallowed_methods)] // The test reads the repository's .ehp files.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

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
    "\u{FEFF}",
    ";",
    "\t",
    "replace ",
    "map(",
    "int(1..2)",
    "true",
    "${a.b}",
    "\\$",
    "secret(\"x\", key = \"y\")",
    "/// doc\n",
    "// note\n",
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

/// The stdlib, parsed once: every mangled file is analysed after it, as `ehp::analyze` would,
/// without parsing the stdlib again for each one.
struct Stdlib {
    db: ehp::source::SourceDb,
    parsed: Vec<ehp::syntax::ast::File>,
}

impl Stdlib {
    fn parse() -> Stdlib {
        let mut db = ehp::source::SourceDb::new();
        let mut parsed = Vec::new();
        for (name, text) in ehp::stdlib::FILES {
            let id = db.add(*name, *text);
            let mut problems = ehp::diag::Problems::new();
            parsed.push(ehp::syntax::parse_file(id, text, &mut problems));
            assert!(!problems.has_errors(), "{name} parses");
        }
        Stdlib { db, parsed }
    }

    /// Parses `text` once, formats it when it parses (the formatter must reach a fixpoint) and
    /// analyses it after the stdlib. Returns whether it parsed.
    fn check(&self, text: &str) -> bool {
        let mut db = self.db.clone();
        let id = db.add("mangled.ehp", text);
        let mut problems = ehp::diag::Problems::new();
        let file = ehp::syntax::parse_file(id, text, &mut problems);
        let parses = !problems.has_errors();
        if parses {
            let once = ehp::fmt::format_file(text, &file);
            let twice = ehp::fmt::format_source(&once).unwrap_or_else(|errors| {
                panic!("formatted text does not parse: {errors:?}\n--- input\n{text}\n--- formatted\n{once}")
            });
            assert_eq!(once, twice, "not a fixpoint\n--- input\n{text}");
        }
        let mut parsed = self.parsed.clone();
        parsed.push(file);
        let analysis = ehp::analyze_parsed(db, parsed, problems);
        let _ = ehp::diag::render_human(&analysis.db, &analysis.diagnostics, 80, false);
        let _ = ehp::diag::render_json(&analysis.db, &analysis.diagnostics);
        parses
    }
}

/// Every `.ehp` file of the repository.
fn inputs() -> Vec<String> {
    let mut inputs = Vec::new();
    for dir in ["tests/cases", "examples", "stdlib", "benches"] {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.expect("walk");
            if entry.path().extension().is_some_and(|ext| ext == "ehp") {
                inputs.push(std::fs::read_to_string(entry.path()).expect("readable"));
            }
        }
    }
    assert!(inputs.len() > 20);
    inputs
}

#[test]
fn mangled_inputs_never_panic_and_format_to_a_fixpoint() {
    let inputs = inputs();
    let stdlib = Stdlib::parse();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut formatted = 0;
    for round in 0..600 {
        let base = &inputs[round % inputs.len()];
        if stdlib.check(&mangle(base, &mut rng)) {
            formatted += 1;
        }
    }
    // Enough of the mangled inputs still parse for the fixpoint check to mean something.
    assert!(formatted > 25, "only {formatted} mangled inputs parsed");
}

/// The hand-written parser, tried before pest, builds pest's very tree (spans included) for
/// every declaration it reads and gives up on the rest; it reads nearly every declaration of
/// the repository's sources, and many of thousands of mangled versions of them.
#[test]
fn the_hand_written_parser_builds_pests_tree() {
    let inputs = inputs();
    let agree = |text: &str| {
        let agreement = ehp::syntax::hand_parser_agreement(text);
        assert!(
            agreement.disagreements.is_empty(),
            "{}",
            agreement.disagreements.join("\n")
        );
        agreement
    };
    let (mut items, mut read) = (0, 0);
    for text in &inputs {
        let agreement = agree(text);
        items += agreement.items;
        read += agreement.read;
    }
    assert!(
        read * 10 >= items * 9,
        "read {read} of {items} declarations"
    );
    let mut rng = Rng(0x0dd_ba11_5eed_2026);
    let (mut items, mut read) = (0, 0);
    for round in 0..10_000 {
        let agreement = agree(&mangle(&inputs[round % inputs.len()], &mut rng));
        items += agreement.items;
        read += agreement.read;
    }
    assert!(
        read * 3 >= items,
        "read {read} of {items} mangled declarations"
    );
}

/// The codes of the diagnostics of analysing one file.
fn codes(name: &str, text: &str) -> Vec<&'static str> {
    ehp::analyze(&[(name.to_string(), text.to_string())])
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code.id)
        .collect()
}

/// The codes the formatter refuses a file with (none when it formats it).
fn format_codes(text: &str) -> Vec<&'static str> {
    ehp::fmt::format_source(text)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|diagnostic| diagnostic.code.id)
        .collect()
}

/// Nesting deeper than 64 levels (the declaration's own block counts) is E0104 and nothing else,
/// for analysis and the formatter alike, however deep; 64 levels are not refused.
#[test]
fn deep_nesting_everywhere_is_the_depth_limit() {
    let too_deep = ehp::diag::codes::TOO_DEEP.id;
    for (open, close) in [("[", "]"), ("{ a = ", "}"), ("(", ")")] {
        let nested = |levels: usize| {
            format!(
                "env a {{\n    x = {}1{}\n}}\n",
                open.repeat(levels),
                close.repeat(levels)
            )
        };
        for levels in [64, 10_000] {
            let text = nested(levels);
            assert_eq!(codes("deep.ehp", &text), [too_deep], "{open} x {levels}");
            assert_eq!(format_codes(&text), [too_deep], "{open} x {levels}");
        }
        let at_limit = nested(63);
        assert!(
            !codes("deep.ehp", &at_limit).contains(&too_deep),
            "{open} x 63 (64 levels with the env's block) is within the limit"
        );
        assert!(!format_codes(&at_limit).contains(&too_deep), "{open} x 63");
    }
}

/// A dotted key nests as the blocks it stands for: past 64 levels (the declaration's block
/// counts) it is E0104 and nothing else, however deep, for analysis and the formatter alike;
/// blanks around the dots and quoted keys count the same.
#[test]
fn deep_dotted_keys_are_the_depth_limit() {
    let too_deep = ehp::diag::codes::TOO_DEEP.id;
    for part in ["k", "\"k\"", "k "] {
        let dotted = |dots: usize| {
            let path = vec![part; dots + 1].join(".");
            format!(
                "env e {{\n    kube_context = \"k\"\n    domain = \"d.example\"\n    \
                 helm_repos {{ ehealth = \"https://c.example\" }}\n}}\n\
                 app a: web_service {{\n    image = \"a/a\"\n    tag = \"1.0.0\"\n    \
                 values.{path} = 1\n}}\n"
            )
        };
        for dots in [64, 3_100, 20_000] {
            let text = dotted(dots);
            assert_eq!(codes("deep.ehp", &text), [too_deep], "{part:?} x {dots}");
            assert_eq!(format_codes(&text), [too_deep], "{part:?} x {dots}");
        }
        let at_limit = dotted(62);
        assert_eq!(
            codes("deep.ehp", &at_limit),
            Vec::<&str>::new(),
            "{part:?} x 62"
        );
        assert!(format_codes(&at_limit).is_empty());
    }
}

/// An inheritance chain longer than 32 is E0205 and nothing else, however long; 32 is not.
#[test]
fn long_inheritance_chains_are_the_chain_limit() {
    let chain = |links: usize| -> String {
        let mut text = "env e0 { kube_context = \"k\" domain = \"d.example\" }\n".to_string();
        for n in 0..links {
            text.push_str(&format!("env e{} extends e{n} {{}}\n", n + 1));
        }
        text
    };
    let too_deep = ehp::diag::codes::INHERITANCE_TOO_DEEP.id;
    assert_eq!(codes("chain.ehp", &chain(31)), Vec::<&str>::new());
    for links in [32, 200] {
        assert_eq!(
            codes("chain.ehp", &chain(links)),
            [too_deep],
            "{links} links"
        );
    }
}
