//! Reading the repository's Rust files the way the tidy rules need: the code with comments and
//! literals blanked out (so that a path in a doc comment or a message is not a use), the
//! production code (without `#[cfg(test)]` items), the paths a file uses, and its functions.

use std::path::Path;

/// One `.rs` file of the repository.
pub struct SourceFile {
    /// The path relative to the repository, with `/`.
    pub path: String,
    /// The text as written.
    pub text: String,
    /// The text with comments, strings and character literals replaced by spaces (line breaks
    /// kept, so offsets and line numbers are those of `text`).
    pub code: String,
    /// `code` with every `#[cfg(test)]` item blanked out too.
    pub production: String,
}

impl SourceFile {
    /// Reads a file from its text.
    pub fn new(path: &str, text: String) -> SourceFile {
        let code = code_only(&text);
        let production = without_test_items(&code);
        SourceFile {
            path: path.to_string(),
            text,
            code,
            production,
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(0, |before| before.matches('\n').count())
            + 1
    }
}

/// The root of the repository.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The folders whose `.rs` files tidy reads.
pub const CODE_DIRS: &[&str] = &["src", "tests", "benches", "fuzz"];

/// Every `.rs` file under [`CODE_DIRS`] (build output under `target` left out), read and
/// scanned once per run, sorted by path.
fn all_files() -> &'static [SourceFile] {
    static FILES: std::sync::OnceLock<Vec<SourceFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let mut found = Vec::new();
        for dir in CODE_DIRS {
            let walker = walkdir::WalkDir::new(root().join(dir))
                .into_iter()
                .filter_entry(|entry| entry.file_name() != "target");
            for entry in walker {
                let entry = entry.expect("walk");
                if !entry.file_type().is_file()
                    || entry.path().extension().is_none_or(|found| found != "rs")
                {
                    continue;
                }
                let relative = entry
                    .path()
                    .strip_prefix(root())
                    .expect("inside the repository");
                let name: Vec<String> = relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let text = std::fs::read_to_string(entry.path())
                    .unwrap_or_else(|error| panic!("{}: {error}", entry.path().display()));
                found.push(SourceFile::new(&name.join("/"), text));
            }
        }
        found.sort_by(|left, right| left.path.cmp(&right.path));
        found
    })
}

/// The `.rs` files under the repository folders `dirs` (each one of [`CODE_DIRS`], a folder
/// inside one or a file), sorted by path.
pub fn rust_files(dirs: &[&str]) -> Vec<&'static SourceFile> {
    let found: Vec<&SourceFile> = all_files()
        .iter()
        .filter(|file| {
            dirs.iter()
                .any(|dir| file.path == *dir || file.path.starts_with(&format!("{dir}/")))
        })
        .collect();
    assert!(!found.is_empty(), "no .rs files under {dirs:?}");
    found
}

/// The module of the crate a file under `src/` belongs to: its first component
/// (`src/eval/why.rs` is in `eval`, `src/git.rs` is `git`), `root` for `src/lib.rs` and `main`
/// for the binary's `src/main.rs`.
pub fn module_of(path: &str) -> Option<String> {
    let inside = path.strip_prefix("src/")?;
    Some(match inside {
        "lib.rs" => "root".to_string(),
        "main.rs" => "main".to_string(),
        _ => inside
            .split('/')
            .next()
            .map(|first| first.trim_end_matches(".rs").to_string())?,
    })
}

fn blank(text: &str) -> String {
    text.chars()
        .map(|character| if character == '\n' { '\n' } else { ' ' })
        .collect()
}

pub fn is_ident_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}

/// The length of the literal or comment starting at the start of `rest` (preceded by
/// `before`), if one starts there.
fn literal_len(before: Option<char>, rest: &str) -> Option<usize> {
    if rest.starts_with("//") {
        return Some(rest.find('\n').unwrap_or(rest.len()));
    }
    if rest.starts_with("/*") {
        let mut depth = 0usize;
        let mut index = 0;
        while index < rest.len() {
            let tail = rest.get(index..).unwrap_or("");
            if tail.starts_with("/*") {
                depth += 1;
                index += 2;
            } else if tail.starts_with("*/") {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    return Some(index);
                }
            } else {
                index += tail.chars().next().map_or(1, char::len_utf8);
            }
        }
        return Some(rest.len());
    }
    let after_ident = before.is_some_and(is_ident_char);
    // Raw strings: r"..", r#".."#, br"..", cr"..".
    let prefix = ["br", "cr", "r"]
        .into_iter()
        .find(|prefix| !after_ident && rest.starts_with(prefix));
    if let Some(prefix) = prefix {
        let after = rest.get(prefix.len()..).unwrap_or("");
        let hashes = after.len() - after.trim_start_matches('#').len();
        if after
            .get(hashes..)
            .is_some_and(|tail| tail.starts_with('"'))
        {
            let close = format!("\"{}", "#".repeat(hashes));
            let open = prefix.len() + hashes + 1;
            let end = rest
                .get(open..)
                .and_then(|body| body.find(&close))
                .map_or(rest.len(), |at| open + at + close.len());
            return Some(end);
        }
    }
    let quoted = if !after_ident && (rest.starts_with("b\"") || rest.starts_with("c\"")) {
        Some(1)
    } else if rest.starts_with('"') {
        Some(0)
    } else {
        None
    };
    if let Some(skip) = quoted {
        let mut escaped = false;
        for (index, character) in rest.char_indices().skip(skip + 1) {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return Some(index + 1),
                _ => {}
            }
        }
        return Some(rest.len());
    }
    if rest.starts_with('\'') {
        let mut chars = rest.char_indices().skip(1);
        let (_, first) = chars.next()?;
        if first == '\\' {
            // The escaped character, then anything up to the closing quote (`'\u{1F600}'`).
            return rest.get(3..)?.find('\'').map(|at| at + 4);
        }
        // `'x'` is a character; `'a` (no closing quote right after) is a lifetime or label.
        let (at, second) = chars.next()?;
        return (second == '\'').then_some(at + 1);
    }
    None
}

/// `text` with comments, string literals and character literals replaced by spaces.
pub fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    let mut before = None;
    while let Some(rest) = text.get(index..).filter(|rest| !rest.is_empty()) {
        if let Some(length) = literal_len(before, rest) {
            let literal = rest.get(..length).unwrap_or(rest);
            out.push_str(&blank(literal));
            before = Some(' ');
            index += literal.len();
            continue;
        }
        let character = rest.chars().next().unwrap_or(' ');
        out.push(character);
        before = Some(character);
        index += character.len_utf8();
    }
    out
}

/// The offset just after the brace that closes the one at `open` (or the end of `code`).
pub fn matching_brace(code: &str, open: usize) -> usize {
    let mut depth = 0usize;
    for (index, character) in code.get(open..).unwrap_or("").char_indices() {
        match character {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return open + index + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// `code` with every item under `#[cfg(test)]` (a test module, function or `use`) blanked.
pub fn without_test_items(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(found) = out.get(from..).and_then(|rest| rest.find("#[cfg(test)]")) {
        let start = from + found;
        let rest = out.get(start..).unwrap_or("");
        let brace = rest.find('{');
        let semicolon = rest.find(';');
        let end = match (brace, semicolon) {
            (Some(brace), Some(semicolon)) if semicolon < brace => start + semicolon + 1,
            (Some(brace), _) => matching_brace(&out, start + brace),
            (None, Some(semicolon)) => start + semicolon + 1,
            (None, None) => out.len(),
        };
        let blanked = blank(out.get(start..end).unwrap_or(""));
        out.replace_range(start..end, &blanked);
        from = end;
    }
    out
}

/// The identifier at the start of `text`.
pub fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|character: char| !is_ident_char(character))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or("")
}

/// The names right after each `root::` in `code` (`root` not preceded by an identifier
/// character or `::`), with `root::{a, b::c, d::{e}}` groups giving `a`, `b` and `d`, each with
/// its offset.
pub fn first_segments(code: &str, root: &str) -> Vec<(usize, String)> {
    let needle = format!("{root}::");
    let mut found = Vec::new();
    for (at, _) in code.match_indices(&needle) {
        let before = code.get(..at).unwrap_or("");
        if before.chars().next_back().is_some_and(is_ident_char) || before.ends_with("::") {
            continue;
        }
        let rest = code.get(at + needle.len()..).unwrap_or("");
        let Some(group) = rest.strip_prefix('{') else {
            found.push((at, leading_ident(rest).to_owned()));
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
                    let name = leading_ident(group.get(index..).unwrap_or(""));
                    found.push((at, name.to_owned()));
                    expect_name = false;
                }
                character if character.is_whitespace() => {}
                _ => expect_name = false,
            }
        }
    }
    found
}

/// The names a file under `src/` reaches at the crate root through `super::` chains:
/// `super::X` in `src/types/mod.rs`, `super::super::X` in `src/types/check.rs`.
pub fn super_segments(path: &str, code: &str) -> Vec<(usize, String)> {
    let inside = path.trim_start_matches("src/").trim_end_matches(".rs");
    let depth = inside.trim_end_matches("/mod").split('/').count();
    let chain = "super::".repeat(depth);
    let mut found = Vec::new();
    for (at, _) in code.match_indices(&chain) {
        let before = code.get(..at).unwrap_or("");
        if before.chars().next_back().is_some_and(is_ident_char) || before.ends_with("super::") {
            continue;
        }
        let rest = code.get(at + chain.len()..).unwrap_or("");
        if !rest.starts_with("super::") {
            found.push((at, leading_ident(rest).to_owned()));
        }
    }
    found
}

/// The paths of the crate root's own file that start with one of `modules` (`diag::X`, written
/// without `crate::` there).
pub fn bare_segments(code: &str, modules: &[String]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for module in modules {
        let needle = format!("{module}::");
        for (at, _) in code.match_indices(&needle) {
            let before = code.get(..at).unwrap_or("");
            if !(before.chars().next_back().is_some_and(is_ident_char) || before.ends_with("::")) {
                found.push((at, module.clone()));
            }
        }
    }
    found
}

/// A function with a body.
#[derive(Debug, PartialEq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// The offset of its `fn` keyword.
    pub start: usize,
    /// The 1-based line of its `fn` keyword.
    pub first_line: usize,
    /// Its lines, from the `fn` keyword to the closing brace.
    pub lines: usize,
}

/// Every function with a body in `code` (nested ones too), in order.
pub fn functions(code: &str) -> Vec<Function> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if code
            .get(..at)
            .and_then(|before| before.chars().next_back())
            .is_some_and(is_ident_char)
        {
            continue;
        }
        let after = code.get(at + 3..).unwrap_or("").trim_start();
        let name = leading_ident(after);
        if name.is_empty() {
            continue;
        }
        // The body is the first `{` outside the signature's brackets, unless a `;` ends a
        // declaration first.
        let mut depth = 0i32;
        let mut body = None;
        for (index, character) in code.get(at..).unwrap_or("").char_indices() {
            match character {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '{' if depth == 0 => {
                    body = Some(at + index);
                    break;
                }
                ';' if depth == 0 => break,
                _ => {}
            }
        }
        let Some(open) = body else {
            continue;
        };
        let close = matching_brace(code, open);
        let line = |offset: usize| {
            code.get(..offset)
                .map_or(0, |text| text.matches('\n').count())
        };
        found.push(Function {
            name: name.to_string(),
            start: at,
            first_line: line(at) + 1,
            lines: line(close.saturating_sub(1)) - line(at) + 1,
        });
    }
    found
}

/// Methods that ask the filesystem about a path (`Path::exists` and the like), as called.
pub const PATH_QUERIES: &[&str] = &[
    "exists",
    "try_exists",
    "is_file",
    "is_dir",
    "is_symlink",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "read_dir",
    "read_link",
];

/// The filesystem calls in production code, by name.
pub fn filesystem_calls(code: &str) -> Vec<(usize, String)> {
    let mut calls: Vec<(usize, String)> = first_segments(code, "std")
        .into_iter()
        .filter(|(_, name)| name == "fs")
        .map(|(at, _)| (at, "std::fs".to_string()))
        .collect();
    calls.extend(
        first_segments(code, "walkdir")
            .into_iter()
            .map(|(at, _)| (at, "walkdir".to_string())),
    );
    for pattern in [
        "File::open(",
        "File::create(",
        "File::create_new(",
        "File::options(",
    ] {
        calls.extend(
            code.match_indices(pattern)
                .map(|(at, _)| (at, pattern.trim_end_matches('(').to_string())),
        );
    }
    calls.extend(words(code, "OpenOptions").map(|at| (at, "OpenOptions".to_string())));
    for query in PATH_QUERIES {
        for prefix in [".", "::"] {
            let pattern = format!("{prefix}{query}(");
            calls.extend(
                code.match_indices(&pattern)
                    .map(|(at, _)| (at, query.to_string())),
            );
        }
    }
    calls
}

/// The offsets of `word` in `code` as a whole identifier.
pub fn words<'a>(code: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(word).filter_map(move |(at, _)| {
        let before = code.get(..at).and_then(|text| text.chars().next_back());
        let after = code
            .get(at + word.len()..)
            .and_then(|text| text.chars().next());
        (!before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)).then_some(at)
    })
}

/// The process-starting calls in production code.
pub fn process_calls(code: &str) -> Vec<(usize, String)> {
    let mut calls: Vec<(usize, String)> = first_segments(code, "std::process")
        .into_iter()
        .filter(|(_, name)| name == "Command")
        .map(|(at, _)| (at, "std::process::Command".to_string()))
        .collect();
    calls.extend(
        code.match_indices("Command::new(")
            .map(|(at, _)| (at, "Command::new".to_string())),
    );
    calls
}

/// The clippy lints an `allow`/`expect` attribute in `code` turns off, with offsets.
pub fn allowed_lints(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("#") {
        let rest = code.get(at..).unwrap_or("");
        let rest = rest.strip_prefix("#!").or_else(|| rest.strip_prefix('#'));
        let Some(attribute) = rest.and_then(|rest| rest.strip_prefix('[')) else {
            continue;
        };
        let end = attribute.find(']').unwrap_or(attribute.len());
        let body = attribute.get(..end).unwrap_or("");
        if !(body.contains("allow(") || body.contains("expect(")) {
            continue;
        }
        for (inner, _) in body.match_indices("clippy::") {
            let lint = leading_ident(body.get(inner + 8..).unwrap_or(""));
            found.push((at, lint.to_string()));
        }
    }
    found
}

/// Whether the comments and attributes right above line `first_line` (1-based) of `text` hold
/// a `// Length: REASON` comment with a reason of a few words.
pub fn has_length_reason(text: &str, first_line: usize) -> bool {
    let lines: Vec<&str> = text.lines().take(first_line.saturating_sub(1)).collect();
    lines
        .iter()
        .rev()
        .map(|line| line.trim())
        .take_while(|line| line.starts_with("//") || line.starts_with("#["))
        .filter_map(|line| line.strip_prefix("// Length:"))
        .any(|reason| reason.split_whitespace().count() >= 3)
}

/// The attributes in `code` that skip a test or expect it to panic.
pub fn skipping_attributes(code: &str) -> Vec<String> {
    let banned = ["ignore", "should_panic"];
    let mut found = Vec::new();
    for (at, _) in code.match_indices("#[") {
        let attribute = code.get(at + 2..).unwrap_or("");
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
        let body = attribute.get(..end).unwrap_or("");
        let names = body
            .split(|character: char| !is_ident_char(character))
            .filter(|word| banned.contains(word));
        if names.count() > 0 {
            found.push(format!("#[{body}]"));
        }
    }
    found
}
