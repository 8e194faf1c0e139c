//! The documentation shows what the release process really prints and runs: in
//! `docs/promotion.md`, every fenced block after a `<!-- ehp-run: NAME -->` line is `$ COMMAND`
//! and its output as the test ran it; in `docs/promotion.md` and `docs/ci.md`, every fenced
//! block after a `<!-- file: PATH -->` line is that file of the repository (the scripts, the
//! Jenkinsfile, the GitHub workflow the test and the platform run). With `EHP_UPDATE_DOCS=1`
//! the test writes the blocks instead of comparing them.

const RUN: &str = "<!-- ehp-run: ";
const FILE: &str = "<!-- file: ";

/// The block of a run: the command, then what it printed.
fn block(shown: &str, output: &str) -> String {
    let mut text = format!("$ {shown}\n{output}");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The body of the fenced block that starts after `from` in `text`, as a byte range: from the
/// line after the opening fence (a run of three or more backticks) to the line of the closing
/// one, the same run alone on its line.
fn fenced(text: &str, from: usize) -> (usize, usize) {
    let fence_start = from + text[from..].find("```").expect("a fenced block");
    let fence_len = text[fence_start..]
        .chars()
        .take_while(|c| *c == '`')
        .count();
    let fence = "`".repeat(fence_len);
    let body_start = fence_start + text[fence_start..].find('\n').expect("the fence's line") + 1;
    let mut at = body_start;
    loop {
        let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
        if text[at..line_end].trim_end() == fence {
            return (body_start, at);
        }
        assert!(line_end < text.len(), "the block after {from} closes");
        at = line_end + 1;
    }
}

/// Compares (or, with `EHP_UPDATE_DOCS=1`, writes) every block of `doc` marked with `marker`
/// with what `expected` gives for the marker's name; the differences found.
fn sync(doc: &str, marker: &str, expected: impl Fn(&str) -> String) -> Vec<String> {
    let text = std::fs::read_to_string(doc).expect("the document");
    let mut out = String::new();
    let mut rest = text.as_str();
    let mut mismatches = Vec::new();
    while let Some(at) = rest.find(marker) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let line_end = after.find('\n').expect("the marker's line ends");
        let name = after[marker.len()..line_end]
            .trim_end_matches(" -->")
            .trim();
        let (body_start, body_end) = fenced(after, line_end + 1);
        let wanted = expected(name);
        if after[body_start..body_end] != wanted {
            mismatches.push(format!(
                "--- {doc}: {name}\n{}\n+++ as it is\n{wanted}",
                &after[body_start..body_end]
            ));
        }
        out.push_str(&after[..body_start]);
        out.push_str(&wanted);
        rest = &after[body_end..];
    }
    out.push_str(rest);
    if std::env::var("EHP_UPDATE_DOCS").is_ok_and(|value| value == "1") {
        std::fs::write(doc, out).expect("write the document");
        return Vec::new();
    }
    mismatches
}

/// The documentation matches the runs of `transcript` and the files it shows.
pub fn matches(transcript: &[(String, String, String)]) {
    let run = |name: &str| {
        let (_, shown, output) = transcript
            .iter()
            .find(|(kept, _, _)| kept == name)
            .unwrap_or_else(|| panic!("docs/promotion.md: no run is called `{name}`"));
        block(shown, output)
    };
    let file = |path: &str| std::fs::read_to_string(path).expect("the file a document shows");
    let mut mismatches = sync("docs/promotion.md", RUN, run);
    mismatches.extend(sync("docs/promotion.md", FILE, file));
    mismatches.extend(sync("docs/ci.md", FILE, file));
    assert!(
        mismatches.is_empty(),
        "the documentation shows something else than the commands print and the files hold \
         (EHP_UPDATE_DOCS=1 writes it):\n{}",
        mismatches.join("\n")
    );
}
