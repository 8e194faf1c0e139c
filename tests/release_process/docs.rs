//! `docs/promotion.md` shows what the commands of the release process print: every fenced block
//! after a `<!-- ehp-run: NAME -->` line is `$ COMMAND` and its output, as the test ran it.
//! With `EHP_UPDATE_DOCS=1` the test writes the blocks instead of comparing them.

const DOC: &str = "docs/promotion.md";
const MARKER: &str = "<!-- ehp-run: ";

/// The block of a run: the command, then what it printed.
fn block(shown: &str, output: &str) -> String {
    let mut text = format!("$ {shown}\n{output}");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Compares (or writes) every marked block of the document with the transcript; every marker
/// names a run, and every run the document shows is named once.
pub fn matches(transcript: &[(String, String, String)]) {
    let text = std::fs::read_to_string(DOC).expect("the document");
    let update = std::env::var("EHP_UPDATE_DOCS").is_ok_and(|value| value == "1");
    let mut out = String::new();
    let mut rest = text.as_str();
    let mut mismatches = Vec::new();
    while let Some(at) = rest.find(MARKER) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let line_end = after.find('\n').expect("the marker's line ends");
        let name = after[MARKER.len()..line_end]
            .trim_end_matches(" -->")
            .trim();
        let run = transcript
            .iter()
            .find(|(kept, _, _)| kept == name)
            .unwrap_or_else(|| panic!("{DOC}: no run is called `{name}`"));
        let fence_start = after[line_end + 1..].find("```").expect("a fenced block") + line_end + 1;
        let body_start =
            fence_start + after[fence_start..].find('\n').expect("the fence's line") + 1;
        let body_end =
            body_start + after[body_start..].find("\n```").expect("the block closes") + 1;
        let expected = block(&run.1, &run.2);
        if after[body_start..body_end] != expected {
            mismatches.push(format!(
                "--- {name}\n{}\n+++ as run\n{expected}",
                &after[body_start..body_end]
            ));
        }
        out.push_str(&after[..body_start]);
        out.push_str(&expected);
        rest = &after[body_end..];
    }
    out.push_str(rest);
    if update {
        std::fs::write(DOC, out).expect("write the document");
        return;
    }
    assert!(
        mismatches.is_empty(),
        "{DOC} shows other output than the commands print (EHP_UPDATE_DOCS=1 writes it):\n{}",
        mismatches.join("\n")
    );
}
