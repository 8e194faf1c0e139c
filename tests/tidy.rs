//! Repository rules checked on the source text: module docs, the layering of the compiler's
//! phases, where the filesystem may be used, no skipped or panic-expecting tests, and every
//! diagnostic code documented in the language reference.
// The tidy checks read the repository's files.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::Path;

/// The phases of the compiler, in order: a phase may use earlier phases, never later ones.
/// `cli` and `lsp` are the top, at the same level.
const PHASES: &[(&str, usize)] = &[
    ("source", 0),
    ("diag", 1),
    ("syntax", 2),
    ("resolve", 3),
    ("types", 4),
    ("eval", 5),
    ("emit", 6),
    ("charts", 6),
    ("cli", 7),
    ("lsp", 7),
];

/// Known layering violations, as `(file, later phase it uses)`. Each one must still occur: when
/// it is fixed, remove it from this list.
///
/// Files allowed to reach a later phase, with the phase. Empty: every module keeps the order.
const LAYERING_EXCEPTIONS: &[(&str, &str)] = &[];

/// Every file under `dir` in the repository with extension `extension`, as
/// `(path relative to the repository, text)`, sorted by path.
fn files(dir: &str, extension: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<(String, String)> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .map(|entry| entry.expect("walk"))
        .filter(|entry| {
            entry.file_type().is_file()
                && entry
                    .path()
                    .extension()
                    .is_some_and(|found| found == extension)
        })
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(root)
                .expect("inside the repository");
            let name: Vec<String> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            let text = fs::read_to_string(entry.path())
                .unwrap_or_else(|error| panic!("{}: {error}", entry.path().display()));
            (name.join("/"), text)
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no .{extension} files under {dir}");
    found
}

fn is_ident_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}

/// The identifier at the start of `text`.
fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|character: char| !is_ident_char(character))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segments of every path that starts with `root::` in `text` (`root` not preceded by
/// an identifier character), with `root::{a, b::c, d::{e}}` groups giving `a`, `b` and `d`.
fn first_segments(text: &str, root: &str) -> Vec<String> {
    let needle = format!("{root}::");
    let mut found = Vec::new();
    for (at, _) in text.match_indices(&needle) {
        if text[..at].chars().next_back().is_some_and(is_ident_char) {
            continue;
        }
        let rest = &text[at + needle.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.push(leading_ident(rest).to_owned());
            continue;
        };
        // Top-level names of the group: those right after its `{` or a `,` at depth 1.
        let mut depth = 1;
        let mut expect_name = true;
        for (index, character) in group.char_indices() {
            match character {
                '{' => depth += 1,
                '}' if depth == 1 => break,
                '}' => depth -= 1,
                ',' if depth == 1 => expect_name = true,
                character if expect_name && depth == 1 && is_ident_char(character) => {
                    found.push(leading_ident(&group[index..]).to_owned());
                    expect_name = false;
                }
                character if character.is_whitespace() => {}
                _ => expect_name = false,
            }
        }
    }
    found
}

/// The crate-root modules a file names through `super::` chains that reach the crate root:
/// `super::X` in `src/types/mod.rs`, `super::super::X` in `src/types/check.rs`.
fn super_segments(path: &str, text: &str) -> Vec<String> {
    let inside = path.trim_start_matches("src/").trim_end_matches(".rs");
    let depth = inside.trim_end_matches("/mod").split('/').count();
    let chain = "super::".repeat(depth);
    let mut found = Vec::new();
    for (at, _) in text.match_indices(&chain) {
        let before = &text[..at];
        if before.chars().next_back().is_some_and(is_ident_char) || before.ends_with("super::") {
            continue;
        }
        let rest = &text[at + chain.len()..];
        if !rest.starts_with("super::") {
            found.push(leading_ident(rest).to_owned());
        }
    }
    found
}

/// The phase a file under `src/` belongs to, if any.
fn phase_of(path: &str) -> Option<(&'static str, usize)> {
    let inside = path.strip_prefix("src/")?;
    let module = inside
        .split('/')
        .next()
        .map(|first| first.trim_end_matches(".rs"))?;
    PHASES.iter().copied().find(|(name, _)| *name == module)
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let missing: Vec<String> = files("src", "rs")
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` line: {missing:?}"
    );
}

#[test]
fn phases_never_use_later_phases() {
    let mut violations = Vec::new();
    for (path, text) in files("src", "rs") {
        let Some((phase, level)) = phase_of(&path) else {
            continue;
        };
        let mut used = first_segments(&text, "crate");
        used.extend(super_segments(&path, &text));
        used.sort();
        used.dedup();
        for module in used {
            let Some((_, used_level)) = PHASES.iter().find(|(name, _)| *name == module) else {
                continue;
            };
            if *used_level > level {
                violations.push((path.clone(), format!("{phase} uses {module}"), module));
            }
        }
    }
    let unexpected: Vec<String> = violations
        .iter()
        .filter(|(path, _, module)| {
            !LAYERING_EXCEPTIONS.contains(&(path.as_str(), module.as_str()))
        })
        .map(|(path, what, _)| format!("{path}: {what}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "a phase uses a later phase (order: source, diag, syntax, resolve, types, eval, emit, \
         cli/lsp): {unexpected:#?}"
    );
    let fixed: Vec<&(&str, &str)> = LAYERING_EXCEPTIONS
        .iter()
        .filter(|(path, module)| {
            !violations
                .iter()
                .any(|(found, _, used)| found == path && used == module)
        })
        .collect();
    assert!(
        fixed.is_empty(),
        "fixed layering violations, remove them from LAYERING_EXCEPTIONS: {fixed:?}"
    );
}

#[test]
fn layering_scanner_sees_paths_and_groups() {
    let text = "use crate::{diag::X, eval::{a, b},\n    types};\nfn f() { crate::emit::go(); \
                my_crate::cli::x(); }\n";
    assert_eq!(
        first_segments(text, "crate"),
        ["diag", "eval", "types", "emit"]
    );
    assert_eq!(
        first_segments("use std::{fs, io::Write};", "std"),
        ["fs", "io"]
    );
    assert_eq!(
        super_segments(
            "src/types/check.rs",
            "use super::super::eval::X; use super::Y;"
        ),
        ["eval"]
    );
    assert_eq!(
        super_segments("src/types/mod.rs", "use super::emit;"),
        ["emit"]
    );
    assert_eq!(phase_of("src/types/check.rs"), Some(("types", 4)));
    assert_eq!(phase_of("src/source.rs"), Some(("source", 0)));
    assert_eq!(phase_of("src/lib.rs"), None);
}

#[test]
fn only_cli_and_lsp_use_std_fs() {
    let offenders: Vec<String> = files("src", "rs")
        .into_iter()
        .filter(|(path, _)| {
            path != "src/cli.rs" && path != "src/lsp.rs" && !path.starts_with("src/lsp/")
        })
        .filter(|(_, text)| first_segments(text, "std").iter().any(|name| name == "fs"))
        .map(|(path, _)| path)
        .collect();
    assert!(
        offenders.is_empty(),
        "only src/cli.rs and src/lsp touch the filesystem, but these use std::fs: {offenders:?}"
    );
}

/// The attributes in `text` that skip a test or expect it to panic.
fn skipping_attributes(text: &str) -> Vec<String> {
    let banned = ["ignore", "should_panic"];
    let mut found = Vec::new();
    for (at, _) in text.match_indices("#[") {
        let attribute = &text[at + 2..];
        let mut depth = 1;
        let end = attribute
            .char_indices()
            .find(|(_, character)| {
                match character {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(attribute.len(), |(index, _)| index);
        let body = &attribute[..end];
        let names = body
            .split(|character: char| !is_ident_char(character))
            .filter(|word| banned.contains(word));
        if names.count() > 0 {
            found.push(format!("#[{body}]"));
        }
    }
    found
}

#[test]
fn no_skipped_or_panic_expecting_tests() {
    let mut offenders = Vec::new();
    for dir in ["src", "tests"] {
        for (path, text) in files(dir, "rs") {
            for attribute in skipping_attributes(&text) {
                offenders.push(format!("{path}: {attribute}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "tests must not be skipped or expect a panic: {offenders:?}"
    );
}

#[test]
fn skipping_attribute_scanner_sees_variants() {
    let hash = "#";
    let text = format!(
        "{hash}[test]\n{hash}[{}]\n{hash}[{} = \"slow\"]\n{hash}[cfg_attr(x, {})]\n{hash}[{}(expected = \"a]\")]\n{hash}[ignored_here]",
        "ignore", "ignore", "ignore", "should_panic"
    );
    assert_eq!(skipping_attributes(&text).len(), 4, "{text}");
}

#[test]
fn every_diagnostic_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let codes_text = fs::read_to_string(root.join("src/diag/codes.rs")).expect("codes.rs");
    let docs = fs::read_to_string(root.join("docs/language.md")).expect("language.md");
    let is_code = |word: &str| {
        word.len() == 5
            && (word.starts_with('E') || word.starts_with('W'))
            && word[1..].chars().all(|c| c.is_ascii_digit())
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
    let documented: Vec<&str> = docs
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
        "docs/language.md does not mention these codes from src/diag/codes.rs: {}",
        missing.join(", ")
    );
}
