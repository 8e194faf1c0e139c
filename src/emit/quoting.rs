//! The emitter's own judgement of which strings a YAML 1.1 reader (go-yaml v2, used by Helm and
//! helmsman) could read as something other than a string. serde-saphyr already quotes these in
//! values, but not every one of them in keys; this check errs on the side of quoting.

/// Whether a plain (unquoted) scalar with this text could be read as a non-string, a merge key,
/// or a different string by YAML 1.1 or go-yaml v2. Conservative: quoting a string that did not
/// need it changes nothing for any reader.
pub(crate) fn yaml11_would_retype(text: &str) -> bool {
    const RETYPED: &[&str] = &[
        "", "~", "null", "y", "n", "yes", "no", "on", "off", "true", "false", "<<", "=", "nan",
        "inf",
    ];
    // The longest word above has five letters: longer texts are not compared (nor lower-cased).
    if text.len() <= 5 && RETYPED.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        return true;
    }
    // Numbers (`010`, `0x1F`, `1_000`, `+1`, `.5`, `1e3`, `.inf`, `-.nan`), sexagesimals
    // (`12:30`), dates and timestamps all start with a digit, a sign or a dot.
    if text.starts_with(|first: char| first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return true;
    }
    // Leading or trailing whitespace, and anything that is not printable on one line, is lost
    // or changed by a plain scalar.
    text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace)
        || text.chars().any(char::is_control)
}

/// Whether `text` is a valid Kubernetes label value: at most 63 characters of `[A-Za-z0-9._-]`,
/// starting and ending with an alphanumeric (helmsman writes `context` as a label value).
pub(crate) fn is_label_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Double-quotes every plain mapping key that contains a `$` in YAML written by serde-saphyr,
/// which quotes keys by its own rules only. In a DSF every `$` is already doubled; quoting keeps
/// helmsman's substitution from ever meeting a plain scalar.
///
/// This relies on the shape of serde-saphyr's block output for the DSF: one entry per line, no
/// lists of maps, and plain keys never contain `:` (serde-saphyr quotes such keys itself).
pub(crate) fn quote_dollar_keys(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let is_plain_key = !body.starts_with(['"', '\'', '-', '#']);
        match body.split_once(':') {
            Some((key, rest)) if is_plain_key && key.contains('$') => {
                out.push_str(&" ".repeat(indent));
                out.push('"');
                out.push_str(&key.replace('\\', "\\\\").replace('"', "\\\""));
                out.push('"');
                out.push(':');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_keys_are_quoted() {
        let yaml = "metadata:\n  $$x: \"$$y\"\n  a\"$$b: c\n  \"on\": x\n- $$v\n";
        assert_eq!(
            quote_dollar_keys(yaml),
            "metadata:\n  \"$$x\": \"$$y\"\n  \"a\\\"$$b\": c\n  \"on\": x\n- $$v\n"
        );
    }

    #[test]
    fn traps_are_quoted() {
        for trap in [
            "on",
            "On",
            "ON",
            "yes",
            "Y",
            "n",
            "No",
            "off",
            "true",
            "FALSE",
            "~",
            "null",
            "Null",
            "",
            "<<",
            "=",
            "1.10",
            "010",
            "0x1F",
            "0o17",
            "1_000",
            "+1",
            ".5",
            "1e3",
            ".inf",
            "-.inf",
            ".NaN",
            "12:30",
            "2024-01-01",
            " lead",
            "trail ",
            "a\tb",
            "a\u{7f}b",
            "é\u{85}",
            "bell\u{7}",
        ] {
            assert!(yaml11_would_retype(trap), "{trap:?} must be quoted");
        }
        for safe in [
            "hello",
            "journal-api",
            "http://x/y",
            "latest",
            "enabled",
            "nope",
            "café",
            "日本語",
        ] {
            assert!(!yaml11_would_retype(safe), "{safe:?} needs no quotes");
        }
    }

    #[test]
    fn label_values() {
        assert!(is_label_value("prod"));
        assert!(is_label_value("inttest-2.a_b"));
        assert!(!is_label_value(""));
        assert!(!is_label_value("-prod"));
        assert!(!is_label_value("prod."));
        assert!(!is_label_value("a b"));
        assert!(!is_label_value(&"a".repeat(64)));
    }
}
