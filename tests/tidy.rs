//! Repository rules checked on the source text: every invariant ARCHITECTURE.md states that a
//! reading of the code can check (who may use whom, who may touch the filesystem or start
//! processes, no panics on user data, no serialisable AST), the size limits of files and
//! functions, module docs, no skipped tests, and documented diagnostic codes. Each failure names
//! its rule.
//!
//! A known violation is listed as an exception that must still occur: when it is fixed the rule
//! fails until the entry is removed, so every list only shrinks.
// The tidy checks read the repository's files.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

#[path = "tidy/docs.rs"]
mod docs;
#[path = "tidy/readme.rs"]
mod readme;
#[path = "tidy/scan.rs"]
mod scan;
#[path = "tidy/self_test.rs"]
mod self_test;

use std::collections::BTreeSet;

use scan::{
    CODE_DIRS, SourceFile, allowed_lints, filesystem_calls, first_segments, functions,
    has_length_reason, module_of, process_calls, root, rust_files, skipping_attributes, words,
};

/// Who may use whom, as a DAG: each module of the crate with the modules it sits on. A module's
/// production code may name (`crate::X`, `super::…::X`, or `X::` in `lib.rs`) the modules it
/// sits on and, through them, everything below: the transitive closure of its row. `root` is the
/// crate root (`src/lib.rs`: `analyze`, `Analysis`), `main` the binary.
const LAYERS: &[(&str, &[&str])] = &[
    // Foundations, below every phase.
    ("source", &[]),
    ("parallel", &[]),
    ("stdlib", &[]),
    ("diag", &["source"]),
    // The project file's settings, read from its text.
    ("manifest", &["diag"]),
    // The pipeline, in order: a phase uses only the phases before it.
    ("syntax", &["diag"]),
    ("resolve", &["syntax"]),
    ("types", &["resolve", "parallel"]),
    ("eval", &["types", "parallel"]),
    ("promote", &["eval"]),
    ("emit", &["eval"]),
    // Chart values checked against the charts themselves, handed over as bytes.
    ("charts", &["eval"]),
    // The formatter prints the parse: it knows nothing of types or values.
    ("fmt", &["syntax"]),
    // The crate root runs the pipeline (`analyze`).
    ("root", &["promote", "stdlib", "manifest"]),
    // Users of a whole analysis.
    ("workspace", &["root"]),
    ("review", &["root", "emit"]),
    // What `ehp init` writes: a new project or app, checked and formatted.
    ("init", &["root", "fmt"]),
    // `ehp import`: helmsman's files read as text and written as formatted `.ehp` text (eval:
    // the one judge of what looks like a secret, masked in its diagnostics).
    ("import", &["fmt", "eval"]),
    ("git", &["manifest"]),
    // A project's files on disk, listed the same way by both front ends.
    ("project", &["manifest"]),
    // Charts on disk (the lock file, the chart cache, Helm's cache) for both front ends, and
    // from the network for `ehp charts fetch` only (`store/fetch.rs`).
    ("store", &["charts"]),
    // The front ends: the language server, and the command line above it (`ehp lsp`).
    (
        "lsp",
        &["workspace", "review", "fmt", "git", "project", "store"],
    ),
    ("cli", &["lsp", "init", "import"]),
    ("main", &["cli"]),
];

/// Rows of [`LAYERS`] for modules that a branch not merged yet adds. Each must not exist yet;
/// when it does, remove it from this list.
const ANTICIPATED: &[&str] = &[];

/// Known layering violations, as `(module, module it uses, what empties it)`. Each must still
/// occur: when it is fixed, remove it.
const LAYERING_EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Inside `lsp`, the file that dispatches requests is used by no other file of the module but
/// `mod.rs`: handlers work on a snapshot, so no import runs back to the dispatcher.
const DISPATCHER: &str = "src/lsp/server.rs";

/// Known files of `lsp` that use the dispatcher; each must still do so.
const DISPATCHER_EXCEPTIONS: &[&str] = &[];

/// The modules that may touch the filesystem: the command line and the language server, the
/// project files both list (`project`) and the charts both read (`store`). The library works on `(path, text)` pairs.
const FILESYSTEM_MODULES: &[&str] = &["cli", "lsp", "project", "store"];

/// Known filesystem calls outside [`FILESYSTEM_MODULES`], as `(module, call, what empties it)`.
const FILESYSTEM_EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// The modules that may start processes: `git` (the `git` binary) and the command line.
const PROCESS_MODULES: &[&str] = &["cli", "git"];

/// Calls clippy's `disallowed-methods` must ban outside the permitted modules.
const BANNED_METHODS: &[&str] = &[
    "std::fs::read_to_string",
    "std::fs::read",
    "std::fs::write",
    "std::fs::read_dir",
    "std::fs::metadata",
    "std::fs::canonicalize",
    "std::fs::create_dir_all",
    "std::fs::remove_file",
    "std::fs::rename",
    "std::fs::File::open",
    "std::fs::File::create",
    "std::fs::OpenOptions::new",
    "std::path::Path::exists",
    "std::path::Path::is_file",
    "std::path::Path::is_dir",
    "std::path::Path::metadata",
    "std::path::Path::canonicalize",
    "std::path::Path::read_dir",
    "std::path::Path::symlink_metadata",
    "std::path::Path::read_link",
    "walkdir::WalkDir::new",
    "std::process::Command::new",
];

/// The clippy lints that keep panics off user data; each must stay on in Cargo.toml.
const PANIC_LINTS: &[&str] = &["unwrap_used", "expect_used", "indexing_slicing"];

/// Known panicking macros in production code, as `(module, text on the macro's line, why)`.
const PANIC_EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "lsp",
    "a deliberate panic",
    "the `ehp/panic` request, only with `Options::test_panic`, proves a panicking request does \
     not take the server down",
)];

/// The modules that hold the AST and the evaluated model: they never derive `Serialize`.
const MODEL_MODULES: &[&str] = &["syntax", "resolve", "types", "eval"];

/// The longest a file may be.
const MAX_FILE_LINES: usize = 1_000;

/// Files known to be too long; each must still be (the splits of issue 8 empty it).
const FILE_LENGTH_EXCEPTIONS: &[&str] = &[];

/// The longest a function may be without a `// Length: REASON` comment right above it.
const MAX_FUNCTION_LINES: usize = 80;

/// Functions known to be too long, as `module::name` (the module as in [`LAYERS`]); each must
/// still be.
const FUNCTION_LENGTH_EXCEPTIONS: &[&str] = &[];

/// No known exceptions.
const NONE: &[&str] = &[];

/// Fails naming `rule` when `found` (violation key, where) has a key that `known` does not
/// list, or `known` lists a key `found` no longer has.
fn verdict(rule: &str, found: &[(String, String)], known: &[impl AsRef<str>], list: &str) {
    let unexpected: Vec<String> = found
        .iter()
        .filter(|(key, _)| !known.iter().any(|known| known.as_ref() == key))
        .map(|(key, place)| format!("{key} ({place})"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "tidy rule `{rule}` is broken:\n  {}",
        unexpected.join("\n  ")
    );
    let fixed: Vec<&str> = known
        .iter()
        .map(AsRef::as_ref)
        .filter(|key| !found.iter().any(|(found, _)| found == key))
        .collect();
    assert!(
        fixed.is_empty(),
        "tidy rule `{rule}`: these known exceptions no longer occur, remove them from {list}: \
         {fixed:?}"
    );
}

/// The files under `src/` with their module.
fn crate_files() -> Vec<(String, &'static SourceFile)> {
    rust_files(&["src"])
        .into_iter()
        .filter_map(|file| module_of(&file.path).map(|module| (module, file)))
        .collect()
}

/// The modules of the crate as they exist under `src/`.
fn present_modules() -> BTreeSet<String> {
    crate_files()
        .into_iter()
        .map(|(module, _)| module)
        .collect()
}

/// The modules a file's production code uses, each with the offset of one use. A name at the
/// crate root that is not a module (`Analysis`, `analyze`) is a use of `root`.
fn used_modules(
    module: &str,
    file: &SourceFile,
    modules: &BTreeSet<String>,
) -> Vec<(usize, String)> {
    let code = &file.production;
    let mut names = if module == "main" {
        first_segments(code, "ehp")
    } else {
        let mut names = first_segments(code, "crate");
        names.extend(scan::super_segments(&file.path, code));
        if module == "root" {
            let list: Vec<String> = modules.iter().cloned().collect();
            names.extend(scan::bare_segments(code, &list));
        }
        names
    };
    for (_, name) in &mut names {
        if !modules.contains(name.as_str()) {
            *name = "root".to_string();
        }
    }
    names.retain(|(_, name)| name != module);
    names.sort_by(|left, right| left.1.cmp(&right.1).then(left.0.cmp(&right.0)));
    names.dedup_by(|left, right| left.1 == right.1);
    names
}

/// The modules `module` may use: everything reachable from its row of [`LAYERS`].
fn allowed(module: &str) -> BTreeSet<&'static str> {
    let mut reached = BTreeSet::new();
    let mut todo = vec![module];
    while let Some(next) = todo.pop() {
        let below = LAYERS
            .iter()
            .find(|(name, _)| *name == next)
            .map_or(&[][..], |(_, below)| *below);
        for name in below {
            if reached.insert(*name) {
                todo.push(name);
            }
        }
    }
    reached
}

#[test]
fn layering_table_covers_every_module_and_is_a_dag() {
    let present = present_modules();
    let rows: BTreeSet<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    let missing: Vec<&String> = present
        .iter()
        .filter(|module| !rows.contains(module.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "tidy rule `layering`: these modules have no row in LAYERS (say which modules each may \
         use): {missing:?}"
    );
    for name in &rows {
        let exists = present.contains(*name);
        let anticipated = ANTICIPATED.contains(name);
        assert!(
            exists != anticipated,
            "tidy rule `layering`: the row `{name}` {}",
            if exists {
                "is listed in ANTICIPATED but exists now: remove it from ANTICIPATED"
            } else {
                "names no module under src/: remove it (or list it in ANTICIPATED)"
            }
        );
    }
    for (name, uses) in LAYERS {
        for used in *uses {
            assert!(
                rows.contains(used),
                "tidy rule `layering`: `{name}` sits on `{used}`, which has no row"
            );
        }
    }
    // Kahn's algorithm: a module is placed once everything it may use is placed.
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < LAYERS.len() {
        let ready: Vec<&str> = LAYERS
            .iter()
            .filter(|(name, uses)| {
                !placed.contains(name) && uses.iter().all(|used| placed.contains(used))
            })
            .map(|(name, _)| *name)
            .collect();
        assert!(
            !ready.is_empty(),
            "tidy rule `layering`: LAYERS has a cycle among {:?}",
            rows.difference(&placed).collect::<Vec<_>>()
        );
        placed.extend(ready);
    }
}

#[test]
fn layering_follows_the_table() {
    let present = present_modules();
    let mut found = Vec::new();
    for (module, file) in crate_files() {
        let allowed = allowed(&module);
        for (at, used) in used_modules(&module, file, &present) {
            if !allowed.contains(used.as_str()) {
                found.push((
                    format!("{module} -> {used}"),
                    format!("{}:{}", file.path, file.line_of(at)),
                ));
            }
        }
    }
    found.sort();
    found.dedup_by(|left, right| left.0 == right.0);
    let known: Vec<String> = LAYERING_EXCEPTIONS
        .iter()
        .map(|(module, used, _)| format!("{module} -> {used}"))
        .collect();
    verdict(
        "layering: a module uses only those its row of LAYERS allows (ARCHITECTURE.md: a phase \
         never imports a later phase)",
        &found,
        &known,
        "LAYERING_EXCEPTIONS",
    );
}

#[test]
fn lsp_handlers_do_not_use_the_dispatcher() {
    let mut found = Vec::new();
    let Some((_, module)) = DISPATCHER.trim_end_matches(".rs").rsplit_once('/') else {
        panic!("DISPATCHER is a path");
    };
    for file in rust_files(&["src/lsp"]) {
        if file.path == DISPATCHER || file.path.ends_with("/mod.rs") {
            continue;
        }
        let uses = scan::first_segments(&file.production, "super")
            .into_iter()
            .chain(scan::first_segments(&file.production, "lsp"))
            .find(|(_, name)| name == module);
        if let Some((at, _)) = uses {
            found.push((file.path.clone(), format!("line {}", file.line_of(at))));
        }
    }
    verdict(
        "lsp dispatcher: no file of lsp but mod.rs uses the dispatcher",
        &found,
        DISPATCHER_EXCEPTIONS,
        "DISPATCHER_EXCEPTIONS",
    );
}

/// Violations of an "only these modules may" rule: `(module: what, where)` for every file of a
/// module `checked` selects where `calls` finds something.
fn violations(
    checked: impl Fn(&str) -> bool,
    calls: impl Fn(&str) -> Vec<(usize, String)>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (module, file) in crate_files() {
        if !checked(&module) {
            continue;
        }
        for (at, call) in calls(&file.production) {
            found.push((
                format!("{module}: {call}"),
                format!("{}:{}", file.path, file.line_of(at)),
            ));
        }
    }
    found.sort();
    found.dedup_by(|left, right| left.0 == right.0);
    found
}

/// [`violations`] in every module but the `permitted` ones.
fn outside(
    permitted: &[&str],
    calls: impl Fn(&str) -> Vec<(usize, String)>,
) -> Vec<(String, String)> {
    violations(|module| !permitted.contains(&module), calls)
}

/// Fails when a list of modules names one that does not exist.
fn assert_modules_exist(list: &str, names: &[&str]) {
    let present = present_modules();
    for name in names {
        assert!(
            present.contains(*name),
            "tidy: {list} names `{name}`, which is no module under src/: remove it"
        );
    }
}

#[test]
fn filesystem_only_in_the_front_ends() {
    assert_modules_exist("FILESYSTEM_MODULES", FILESYSTEM_MODULES);
    let found = outside(FILESYSTEM_MODULES, filesystem_calls);
    let known: Vec<String> = FILESYSTEM_EXCEPTIONS
        .iter()
        .map(|(module, call, _)| format!("{module}: {call}"))
        .collect();
    verdict(
        "filesystem: only the modules of FILESYSTEM_MODULES touch the filesystem (std::fs, File, \
         OpenOptions, walkdir, Path::exists and the other path queries)",
        &found,
        &known,
        "FILESYSTEM_EXCEPTIONS",
    );
}

#[test]
fn processes_only_in_git_and_the_command_line() {
    assert_modules_exist("PROCESS_MODULES", PROCESS_MODULES);
    verdict(
        "processes: only the modules of PROCESS_MODULES start processes (std::process::Command)",
        &outside(PROCESS_MODULES, process_calls),
        NONE,
        "nothing",
    );
}

/// The `path` of every entry of clippy.toml's list `key` (`disallowed-methods`, `-types`).
fn clippy_banned(key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("clippy.toml")).expect("clippy.toml");
    let config: toml::Table = text.parse().expect("clippy.toml is TOML");
    config
        .get(key)
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("path").and_then(toml::Value::as_str))
        .map(String::from)
        .collect()
}

/// Violations: a module outside `permitted` that allows the clippy lint `lint`.
fn lint_allowed_outside(permitted: &[&str], lint: &str) -> Vec<(String, String)> {
    outside(permitted, |code| {
        allowed_lints(code)
            .into_iter()
            .filter(|(_, allowed)| allowed == lint)
            .map(|(at, _)| (at, format!("allows clippy::{lint}")))
            .collect()
    })
}

/// The one file that may use the network: the fetch of `ehp charts fetch`. `check` and `build`
/// never do (docs/charts.md).
const NETWORK_FILE: &str = "src/store/fetch.rs";

#[test]
fn only_the_chart_fetch_uses_the_network() {
    let found: Vec<(String, String)> = rust_files(&["src"])
        .into_iter()
        .filter(|file| file.path != NETWORK_FILE)
        .filter(|file| file.production.contains("ureq::") || file.production.contains("std::net"))
        .map(|file| (file.path.clone(), file.path.clone()))
        .collect();
    verdict(
        "network: only src/store/fetch.rs (ehp charts fetch) uses an HTTP client or sockets",
        &found,
        NONE,
        "nothing",
    );
    let fetch = rust_files(&[NETWORK_FILE]);
    assert!(
        fetch.iter().any(|file| file.production.contains("ureq::")),
        "tidy rule `network`: {NETWORK_FILE} no longer fetches; update the rule"
    );
}

#[test]
fn clippy_bans_the_filesystem_and_processes() {
    let banned = clippy_banned("disallowed-methods");
    let missing: Vec<&&str> = BANNED_METHODS
        .iter()
        .filter(|method| !banned.iter().any(|path| path == *method))
        .collect();
    assert!(
        missing.is_empty(),
        "tidy rule `clippy bans`: clippy.toml's disallowed-methods lacks {missing:?}"
    );
    // Only the modules allowed those calls may turn the ban off.
    let mut permitted: Vec<&str> = FILESYSTEM_MODULES.to_vec();
    permitted.extend(PROCESS_MODULES);
    permitted.extend(FILESYSTEM_EXCEPTIONS.iter().map(|(module, _, _)| *module));
    verdict(
        "clippy bans: only a module allowed the filesystem or processes allows \
         clippy::disallowed_methods",
        &lint_allowed_outside(&permitted, "disallowed_methods"),
        NONE,
        "nothing",
    );
}

#[test]
fn clippy_bans_hash_maps() {
    let banned = clippy_banned("disallowed-types");
    for hashed in ["std::collections::HashMap", "std::collections::HashSet"] {
        assert!(
            banned.iter().any(|path| path == hashed),
            "tidy rule `determinism`: clippy.toml's disallowed-types lacks {hashed}"
        );
    }
    verdict(
        "determinism: nothing under src/ allows clippy::disallowed_types (hash-ordered maps)",
        &lint_allowed_outside(&[], "disallowed_types"),
        NONE,
        "nothing",
    );
}

#[test]
fn no_panics_on_user_data() {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Table = text.parse().expect("Cargo.toml is TOML");
    let lints = manifest
        .get("lints")
        .and_then(|lints| lints.get("clippy"))
        .and_then(toml::Value::as_table)
        .expect("Cargo.toml has [lints.clippy]");
    for lint in PANIC_LINTS {
        let level = lints.get(*lint).and_then(|level| {
            level
                .as_str()
                .or_else(|| level.get("level").and_then(toml::Value::as_str))
        });
        assert!(
            matches!(level, Some("warn" | "deny" | "forbid")),
            "tidy rule `no panics`: Cargo.toml's [lints.clippy] must keep `{lint}` on (warn or \
             deny), not {level:?}"
        );
    }
    let mut found = outside(&[], |code| {
        allowed_lints(code)
            .into_iter()
            .filter(|(_, lint)| PANIC_LINTS.contains(&lint.as_str()) || lint == "panic")
            .map(|(at, lint)| (at, format!("allows clippy::{lint}")))
            .collect()
    });
    for (module, file) in crate_files() {
        // `print!` and friends panic when a pipe's reader has gone: the front ends print
        // through `cli::stdio` instead.
        for name in [
            "panic",
            "unreachable",
            "todo",
            "unimplemented",
            "print",
            "println",
            "eprint",
            "eprintln",
        ] {
            for at in words(&file.production, name) {
                if !file
                    .production
                    .get(at + name.len()..)
                    .is_some_and(|rest| rest.starts_with('!'))
                {
                    continue;
                }
                let line = file.text.lines().nth(file.line_of(at) - 1).unwrap_or("");
                let known = PANIC_EXCEPTIONS
                    .iter()
                    .find(|(known, marker, _)| *known == module && line.contains(marker));
                let key = match known {
                    Some((_, marker, _)) => format!("{module}: {marker}"),
                    None => format!("{module}: {name}! on `{}`", line.trim()),
                };
                found.push((key, format!("{}:{}", file.path, file.line_of(at))));
            }
        }
    }
    let known: Vec<String> = PANIC_EXCEPTIONS
        .iter()
        .map(|(module, marker, _)| format!("{module}: {marker}"))
        .collect();
    verdict(
        "no panics: production code neither allows clippy's panic lints nor calls panic!, \
         unreachable!, todo! or unimplemented!",
        &found,
        &known,
        "PANIC_EXCEPTIONS",
    );
}

#[test]
fn the_model_does_not_serialize() {
    let found = violations(
        |module| MODEL_MODULES.contains(&module),
        |code| {
            words(code, "Serialize")
                .map(|at| (at, "Serialize".to_string()))
                .collect()
        },
    );
    verdict(
        "emitted files are the contract: the AST and the evaluated model (syntax, resolve, types, \
         eval) do not implement Serialize; emit has its own output model",
        &found,
        NONE,
        "nothing",
    );
}

#[test]
fn files_stay_under_a_thousand_lines() {
    let files = rust_files(CODE_DIRS);
    let found: Vec<(String, String)> = files
        .iter()
        .filter(|file| file.text.lines().count() >= MAX_FILE_LINES)
        .map(|file| {
            (
                file.path.clone(),
                format!("{} lines", file.text.lines().count()),
            )
        })
        .collect();
    verdict(
        "file length: a .rs file has fewer than 1,000 lines (split it by what it does)",
        &found,
        FILE_LENGTH_EXCEPTIONS,
        "FILE_LENGTH_EXCEPTIONS",
    );
}

/// Where a function is, for the exceptions: the module under `src/`, else the file.
fn unit_of(path: &str) -> String {
    module_of(path).unwrap_or_else(|| path.to_string())
}

#[test]
fn functions_stay_under_eighty_lines() {
    let mut found = Vec::new();
    for file in rust_files(CODE_DIRS) {
        for function in functions(&file.code) {
            if function.lines > MAX_FUNCTION_LINES
                && !has_length_reason(&file.text, function.first_line)
            {
                found.push((
                    format!("{}::{}", unit_of(&file.path), function.name),
                    format!(
                        "{}:{}, {} lines",
                        file.path, function.first_line, function.lines
                    ),
                ));
            }
        }
    }
    // A known name may stand for several long functions of its module.
    found.sort();
    found.dedup_by(|left, right| left.0 == right.0);
    verdict(
        "function length: a function has at most 80 lines, or a `// Length: REASON` comment \
         right above it",
        &found,
        FUNCTION_LENGTH_EXCEPTIONS,
        "FUNCTION_LENGTH_EXCEPTIONS",
    );
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let missing: Vec<String> = rust_files(&["src"])
        .into_iter()
        .filter(|file| !file.text.starts_with("//!"))
        .map(|file| file.path.clone())
        .collect();
    assert!(
        missing.is_empty(),
        "tidy rule `module docs`: these files do not start with a `//!` line: {missing:?}"
    );
}

#[test]
fn no_skipped_or_panic_expecting_tests() {
    let mut offenders = Vec::new();
    for file in rust_files(&["src", "tests"]) {
        for attribute in skipping_attributes(&file.code) {
            offenders.push(format!("{}: {attribute}", file.path));
        }
    }
    assert!(
        offenders.is_empty(),
        "tidy rule `no skipped tests`: tests must not be skipped or expect a panic: {offenders:?}"
    );
}

/// The environment variables that name tools from outside the repository.
const TOOL_VARIABLES: &[&str] = &["HELM_READ", "LSP_PROBE", "SARIF_SCHEMA"];

#[test]
fn only_the_external_checks_read_tool_variables() {
    let mut found = Vec::new();
    for file in rust_files(&["src", "tests", "benches"]) {
        if file.path == "tests/external.rs"
            || file.path == "tests/tidy.rs"
            || file.path.starts_with("tests/support/")
        {
            continue;
        }
        for variable in TOOL_VARIABLES {
            if file.text.contains(&format!("\"{variable}\"")) {
                found.push((format!("{}: {variable}", file.path), String::new()));
            }
        }
    }
    verdict(
        "external checks: only tests/external.rs (and tests/support) read HELM_READ, LSP_PROBE or \
         SARIF_SCHEMA, so that a missing tool is reported as skipped",
        &found,
        NONE,
        "nothing",
    );
}

/// `docs/performance.md` tells how to measure again: every `cargo bench --bench NAME` it shows
/// is a benchmark of `Cargo.toml` with its file, and the workload files the benchmarks share are
/// there.
#[test]
fn the_performance_commands_name_real_benchmarks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    let doc = read("docs/performance.md");
    let manifest = read("Cargo.toml");
    let named: Vec<&str> = doc
        .split("cargo bench --bench ")
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        })
        .collect();
    assert!(
        named.contains(&"editor") && named.contains(&"phases"),
        "docs/performance.md shows how to run the editor and phases benchmarks: {named:?}"
    );
    for name in named {
        assert!(
            manifest.contains(&format!("[[bench]]\nname = \"{name}\"")),
            "docs/performance.md runs `cargo bench --bench {name}`, which Cargo.toml lacks"
        );
        assert!(
            root.join(format!("benches/{name}.rs")).is_file(),
            "benches/{name}.rs"
        );
    }
    for file in [
        "benches/support/workload.rs",
        "benches/support/workload/environments.ehp",
        "benches/support/workload/templates.ehp",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
}
