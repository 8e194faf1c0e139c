//! The rules about documentation: every invariant ARCHITECTURE.md states is mapped to the
//! checks that enforce it, and every diagnostic code is documented.

use std::collections::BTreeSet;

use crate::scan::{is_ident_char, root};

/// Each invariant of ARCHITECTURE.md (by a phrase of its bold statement) and the checks that
/// enforce it, as `(file, text that file contains)`: a test function or a case.
pub const INVARIANT_CHECKS: &[(&str, &[(&str, &str)])] = &[
    (
        "touch the filesystem",
        &[
            ("tests/tidy.rs", "fn filesystem_only_in_the_front_ends"),
            (
                "tests/tidy.rs",
                "fn clippy_bans_the_filesystem_and_processes",
            ),
        ],
    ),
    (
        "only `ehp charts fetch` touches the network",
        &[
            ("tests/tidy.rs", "fn only_the_chart_fetch_uses_the_network"),
            (
                "tests/charts.rs",
                "fn fetch_writes_the_lock_and_check_works_offline_from_the_cache",
            ),
        ],
    ),
    (
        "only `git` and `cli` start processes",
        &[
            (
                "tests/tidy.rs",
                "fn processes_only_in_git_and_the_command_line",
            ),
            (
                "tests/tidy.rs",
                "fn clippy_bans_the_filesystem_and_processes",
            ),
        ],
    ),
    (
        "a phase never imports a later phase",
        &[("tests/tidy.rs", "fn layering_follows_the_table")],
    ),
    (
        "no language-server handler imports the dispatcher",
        &[("tests/tidy.rs", "fn lsp_handlers_do_not_use_the_dispatcher")],
    ),
    (
        "parsing never stops at the first error",
        &[
            ("tests/cases/syntax/unclosed_block.ehp", "E0301"),
            ("tests/robustness.rs", "fn mangled_inputs_never_panic"),
        ],
    ),
    (
        "nothing panics on user data",
        &[
            ("tests/tidy.rs", "fn no_panics_on_user_data"),
            (
                "tests/robustness.rs",
                "fn deep_nesting_everywhere_is_the_depth_limit",
            ),
            (
                "tests/robustness.rs",
                "fn long_inheritance_chains_are_the_chain_limit",
            ),
        ],
    ),
    (
        "output is deterministic",
        &[
            ("tests/tidy.rs", "fn clippy_bans_hash_maps"),
            ("tests/cli.rs", "fn build_is_deterministic"),
            ("tests/emit.rs", "fn output_is_deterministic"),
        ],
    ),
    (
        "the emitted files are the contract",
        &[("tests/tidy.rs", "fn the_model_does_not_serialize")],
    ),
    (
        "the output folder is whole or untouched",
        &[
            (
                "tests/cli.rs",
                "fn type_error_exits_1_reports_it_and_leaves_output_alone",
            ),
            (
                "tests/output.rs",
                "fn a_build_stopped_at_any_step_leaves_the_old_or_the_new_tree",
            ),
            (
                "tests/output.rs",
                "fn symbolic_links_in_the_output_are_never_followed",
            ),
        ],
    ),
    (
        "secrets are references",
        &[
            ("tests/cases/types/literal_secret.ehp", "E0306"),
            (
                "tests/secrets.rs",
                "fn no_named_secret_reaches_an_output_or_a_diagnostic",
            ),
        ],
    ),
];

#[test]
fn every_invariant_of_the_architecture_has_its_checks() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let invariants: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim_start_matches("- ").strip_prefix("**Invariant: "))
        .map(|rest| rest.split("**").next().unwrap_or(rest).to_lowercase())
        .collect();
    assert!(
        !invariants.is_empty(),
        "ARCHITECTURE.md states no invariant"
    );
    for invariant in &invariants {
        let checks = INVARIANT_CHECKS
            .iter()
            .find(|(phrase, _)| invariant.contains(phrase))
            .map(|(_, checks)| *checks);
        let Some(checks) = checks else {
            panic!(
                "tidy rule `invariants`: ARCHITECTURE.md states `{invariant}`, which \
                 INVARIANT_CHECKS does not map to the checks that enforce it"
            );
        };
        for (path, needle) in checks {
            let checked =
                std::fs::read_to_string(root().join(path)).is_ok_and(|text| text.contains(needle));
            assert!(
                checked,
                "tidy rule `invariants`: `{invariant}` is checked by `{needle}` in {path}, which \
                 is not there"
            );
        }
    }
    for (phrase, _) in INVARIANT_CHECKS {
        assert!(
            invariants
                .iter()
                .any(|invariant| invariant.contains(phrase)),
            "tidy rule `invariants`: INVARIANT_CHECKS maps `{phrase}`, which ARCHITECTURE.md no \
             longer states"
        );
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let codes_text = std::fs::read_to_string(root().join("src/diag/codes.rs")).expect("codes.rs");
    let docs = std::fs::read_to_string(root().join("docs/language.md")).expect("language.md");
    let is_code = |word: &str| {
        word.len() == 5
            && (word.starts_with('E') || word.starts_with('W'))
            && word.chars().skip(1).all(|c| c.is_ascii_digit())
    };
    let codes: Vec<&str> = codes_text
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|literal| is_code(literal))
        .collect();
    // The textual reading must find the same codes as the catalogue itself.
    let catalogue: Vec<&str> = ehp::diag::codes::ALL.iter().map(|code| code.id).collect();
    assert_eq!(codes, catalogue, "codes.rs read as text");
    let documented: BTreeSet<&str> = docs
        .split(|character: char| !is_ident_char(character))
        .filter(|word| is_code(word))
        .collect();
    let missing: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|code| !documented.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "tidy rule `documented codes`: docs/language.md does not mention these codes from \
         src/diag/codes.rs: {}",
        missing.join(", ")
    );
}

#[test]
fn the_keyword_list_is_the_grammars() {
    let grammar = std::fs::read_to_string(root().join("grammar/ehp.pest")).expect("grammar");
    let mut from_grammar: Vec<String> = grammar
        .lines()
        .filter_map(|line| {
            let (rule, body) = line.split_once("_kw")?;
            let body = body.trim_start().strip_prefix("= @{ \"")?;
            (!rule.contains(' ')).then(|| body.split('"').next().unwrap_or_default().to_string())
        })
        .collect();
    from_grammar.sort();
    let language = std::fs::read_to_string(root().join("docs/language.md")).expect("language.md");
    let sentence = language
        .split("Keywords are ")
        .nth(1)
        .and_then(|rest| rest.split('.').next())
        .expect("docs/language.md has a sentence `Keywords are ...`");
    let mut documented: Vec<String> = sentence
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    documented.sort();
    assert_eq!(
        documented, from_grammar,
        "tidy rule `keywords`: the keyword list of docs/language.md is not the grammar's"
    );
    let textmate =
        std::fs::read_to_string(root().join("editors/ehp.tmLanguage.json")).expect("grammar");
    for keyword in &from_grammar {
        assert!(
            textmate.contains(keyword.as_str()),
            "tidy rule `keywords`: editors/ehp.tmLanguage.json does not highlight `{keyword}`"
        );
    }
}
