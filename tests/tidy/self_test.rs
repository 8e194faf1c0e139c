//! The scanners tidy reads code with, tried on small texts: a rule is only as good as what its
//! scanner sees (and does not see in comments or strings).

use std::collections::BTreeSet;

use crate::scan::{
    SourceFile, allowed_lints, bare_segments, code_only, filesystem_calls, first_segments,
    functions, has_length_reason, process_calls, skipping_attributes, super_segments,
    without_test_items,
};

fn names(found: Vec<(usize, String)>) -> Vec<String> {
    found.into_iter().map(|(_, name)| name).collect()
}

#[test]
fn code_only_blanks_comments_and_literals_and_keeps_offsets() {
    let text = "let a = \"crate::emit\"; // crate::cli\n/* crate::lsp /* nested */ */ \
                let b = r#\"std::fs\"#; let c = '\"'; let d = '\\''; fn f<'a>(x: &'a str) {}\n\
                let e = b\"x\"; /// std::fs::write\ncrate::types::X;";
    let code = code_only(text);
    assert_eq!(code.len(), text.len());
    assert_eq!(code.lines().count(), text.lines().count());
    for hidden in ["emit", "cli", "lsp", "fs", "nested", "write"] {
        assert!(!code.contains(hidden), "{hidden} is blanked in {code:?}");
    }
    assert!(code.contains("fn f<'a>(x: &'a str) {}"), "{code:?}");
    assert_eq!(names(first_segments(&code, "crate")), ["types"]);
}

#[test]
fn test_items_are_left_out_of_production_code() {
    let code = code_only(
        "use crate::diag;\n#[cfg(test)]\nmod tests {\n    use crate::emit;\n    fn f() { {} }\n}\n\
         #[cfg(test)]\nuse crate::cli;\nfn g() { crate::eval::x(); }\n",
    );
    let production = without_test_items(&code);
    assert_eq!(
        names(first_segments(&production, "crate")),
        ["diag", "eval"]
    );
}

#[test]
fn paths_and_groups_are_seen() {
    let code = "use crate::{diag::X, eval::{a, b},\n    types};\nfn f() { crate::emit::go(); \
                my_crate::cli::x(); a::crate::lsp::y(); }\n";
    assert_eq!(
        names(first_segments(code, "crate")),
        ["diag", "eval", "types", "emit"]
    );
    assert_eq!(
        names(first_segments("use std::{fs, io::Write};", "std")),
        ["fs", "io"]
    );
    assert_eq!(
        names(super_segments(
            "src/types/check.rs",
            "use super::super::eval::X; use super::Y;"
        )),
        ["eval"]
    );
    assert_eq!(
        names(super_segments("src/types/mod.rs", "use super::emit;")),
        ["emit"]
    );
    let modules = ["diag".to_string(), "fmt".to_string()];
    assert_eq!(
        names(bare_segments(
            "pub mod fmt;\nuse diag::X;\nfn f() { std::fmt::x(); }",
            &modules
        )),
        ["diag"]
    );
}

#[test]
fn crate_root_items_are_uses_of_root() {
    let file = SourceFile::new(
        "src/eval/mod.rs",
        "use crate::Analysis;\nfn f() { crate::threads(); crate::types::x(); crate::eval::y(); }\n"
            .to_string(),
    );
    let modules: BTreeSet<String> = ["eval", "types", "root"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        names(crate::used_modules("eval", &file, &modules)),
        ["root", "types"]
    );
    assert_eq!(file.line_of(25), 2);
}

#[test]
fn filesystem_and_process_calls_are_seen() {
    let code = code_only(
        "use std::{fs, io};\nuse walkdir::WalkDir;\nlet f = File::open(p); File::create(q);\n\
         OpenOptions::new(); p.exists(); Path::is_dir(p); p.metadata(); p.canonicalize();\n\
         // p.read_dir()\nlet s = \"p.is_file()\"; my_walkdir::x(); existsish(); p.exists;\n",
    );
    let mut calls = names(filesystem_calls(&code));
    calls.sort();
    assert_eq!(
        calls,
        [
            "File::create",
            "File::open",
            "OpenOptions",
            "canonicalize",
            "exists",
            "is_dir",
            "metadata",
            "std::fs",
            "walkdir"
        ]
    );
    let code = "use std::process::{Command, Output};\nlet c = Command::new(\"git\");\n";
    assert_eq!(
        names(process_calls(code)),
        ["std::process::Command", "Command::new"]
    );
    assert!(process_calls("use std::process::ExitCode;").is_empty());
}

#[test]
fn lint_allows_are_seen() {
    let code = "#![allow(clippy::disallowed_methods)]\n#[allow(clippy::too_many_arguments, \
                clippy::unwrap_used)]\n#[expect(clippy::indexing_slicing)]\n#[warn(clippy::panic)]\n";
    assert_eq!(
        names(allowed_lints(code)),
        [
            "disallowed_methods",
            "too_many_arguments",
            "unwrap_used",
            "indexing_slicing"
        ]
    );
}

#[test]
fn functions_are_measured_from_fn_to_closing_brace() {
    let code = code_only(
        "trait T { fn declared(&self); }\nfn short() {}\n\
         pub(crate) fn long<T: Into<[u8; 2]>>(x: T)\n    -> u8\n{\n    let f = |x| { x };\n    \
         fn inner() {\n    }\n    0\n}\n",
    );
    let found: Vec<(String, usize, usize)> = functions(&code)
        .into_iter()
        .map(|function| (function.name, function.first_line, function.lines))
        .collect();
    assert_eq!(
        found,
        [
            ("short".to_string(), 2, 1),
            ("long".to_string(), 3, 8),
            ("inner".to_string(), 7, 2)
        ]
    );
}

#[test]
fn a_length_reason_is_a_comment_right_above_the_function() {
    let text = "// Length: one arm per request method.\n/// Docs.\n#[inline]\nfn a() {}\n\n\
                // Length: short.\nfn b() {}\n// Length: one arm per method.\nlet x = 1;\nfn c() {}\n";
    assert!(has_length_reason(text, 4));
    assert!(!has_length_reason(text, 7), "a reason has a few words");
    assert!(!has_length_reason(text, 10), "the reason is right above");
}

#[test]
fn skipping_attributes_are_seen() {
    let hash = "#";
    let text = format!(
        "{hash}[test]\n{hash}[{}]\n{hash}[{} = \"slow\"]\n{hash}[cfg_attr(x, {})]\n\
         {hash}[{}(expected = \"a]\")]\n{hash}[ignored_here]",
        "ignore", "ignore", "ignore", "should_panic"
    );
    assert_eq!(skipping_attributes(&code_only(&text)).len(), 4, "{text}");
}

#[test]
fn a_verdict_fails_on_new_violations_and_on_fixed_exceptions() {
    let found = vec![("eval -> root".to_string(), "src/eval/mod.rs:1".to_string())];
    let known = vec!["eval -> root".to_string()];
    crate::verdict("test", &found, &known, "LIST");
    let new = std::panic::catch_unwind(|| crate::verdict("test", &found, crate::NONE, "LIST"));
    assert!(new.is_err(), "an unlisted violation fails");
    let fixed = std::panic::catch_unwind(|| crate::verdict("test", &[], &known, "LIST"));
    assert!(
        fixed.is_err(),
        "a listed exception that no longer occurs fails"
    );
}

#[test]
fn a_module_may_use_everything_below_its_row() {
    let cli = crate::allowed("cli");
    for below in ["lsp", "review", "emit", "eval", "syntax", "source", "root"] {
        assert!(cli.contains(below), "cli may use {below}");
    }
    assert!(!cli.contains("main") && !cli.contains("cli"));
    let syntax = crate::allowed("syntax");
    assert_eq!(syntax, BTreeSet::from(["diag", "source"]));
    assert!(!crate::allowed("fmt").contains("types"));
    assert!(!crate::allowed("eval").contains("root"));
}
