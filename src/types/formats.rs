//! Well-formedness of literal values: quantities, durations, DNS names, image references, tags,
//! charts, semantic versions, cron schedules and URLs. Each check returns the reason a value is
//! not well-formed, in words a user understands.

use super::Ty;

/// Checks text against the format its type asks for (DNS names, hosts, URLs, images, tags,
/// charts, semantic versions, cron schedules); any other type takes any text.
pub fn check(ty: &Ty, text: &str) -> Result<(), String> {
    match ty {
        Ty::Dns | Ty::Host => dns_name(text),
        Ty::Url => url(text),
        Ty::Image => image(text),
        Ty::Tag => tag(text),
        Ty::Chart => chart(text),
        Ty::Semver => semver(text),
        Ty::Version => chart_version(text),
        Ty::Cron => cron(text),
        _ => Ok(()),
    }
}

/// Memory suffixes Kubernetes understands.
pub const MEMORY_UNITS: &[&str] = &[
    "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "K", "M", "G", "T", "P", "E",
];
/// Duration suffixes.
pub const DURATION_UNITS: &[&str] = &["ms", "s", "m", "h", "d"];

/// Checks a memory unit.
pub fn memory_unit(unit: &str) -> Result<(), String> {
    if MEMORY_UNITS.contains(&unit) {
        Ok(())
    } else {
        Err(format!(
            "`{unit}` is not a memory unit; use Ki, Mi, Gi or Ti (binary) or k, M, G, T (decimal)"
        ))
    }
}

/// Checks a CPU unit (`m`, thousandths of a core).
pub fn cpu_unit(unit: &str) -> Result<(), String> {
    if unit == "m" {
        Ok(())
    } else {
        Err(format!(
            "`{unit}` is not a CPU unit; write millicores such as `250m`, or cores such as `1` or `0.5`"
        ))
    }
}

/// Checks a duration unit.
pub fn duration_unit(unit: &str) -> Result<(), String> {
    if DURATION_UNITS.contains(&unit) {
        Ok(())
    } else {
        Err(format!(
            "`{unit}` is not a duration unit; use ms, s, m, h or d"
        ))
    }
}

/// The length of a duration such as `300s`, `5m`, `1.5h` or `1h30m`, in milliseconds.
pub fn duration_millis(text: &str) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .bytes()
            .take_while(|byte| byte.is_ascii_digit() || *byte == b'.')
            .count();
        let (number, after) = rest.split_at_checked(digits)?;
        let number: f64 = number.parse().ok()?;
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at_checked(unit_len)?;
        let factor = match unit {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return None,
        };
        total += number * factor;
        rest = after;
    }
    total.is_finite().then_some(total)
}

/// The number of seconds of a duration, rounded up (`1500ms` is 2).
pub fn duration_seconds(text: &str) -> Option<i64> {
    let seconds = (duration_millis(text)? / 1000.0).ceil();
    (seconds.abs() < 9.0e15).then_some(seconds as i64)
}

fn dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Checks a DNS name (lower case labels of letters, digits and `-`; a leading `*.` allowed).
pub fn dns_name(text: &str) -> Result<(), String> {
    let name = text.strip_prefix("*.").unwrap_or(text);
    if text.len() > 253 {
        return Err("a DNS name has at most 253 characters".into());
    }
    if name.split('.').all(dns_label) {
        Ok(())
    } else if name.chars().any(|c| c.is_ascii_uppercase()) {
        Err(format!(
            "DNS names are lower case: `{}`",
            text.to_ascii_lowercase()
        ))
    } else {
        Err("each dot-separated label must be 1 to 63 lower-case letters, digits or `-`, not starting or ending with `-`".into())
    }
}

/// Checks an image repository path such as `journal/api` (no tag: the tag is its own field).
pub fn image(text: &str) -> Result<(), String> {
    if text.contains('@')
        || text
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
    {
        return Err("write the image without a tag or digest; set `tag` separately".into());
    }
    let component_ok = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            && part.starts_with(|c: char| c.is_ascii_alphanumeric())
    };
    if text.split('/').all(component_ok) {
        Ok(())
    } else {
        Err(
            "an image path is lower-case letters, digits, `.`, `_` and `-`, in `/`-separated parts"
                .into(),
        )
    }
}

/// Checks an image tag.
pub fn tag(text: &str) -> Result<(), String> {
    let valid = !text.is_empty()
        && text.len() <= 128
        && text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(
            "a tag is 1 to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`"
                .into(),
        )
    }
}

/// Whether a tag can point at different images over time.
pub fn is_mutable_tag(text: &str) -> bool {
    ["latest", "master", "main", "snapshot", "dev", "develop"]
        .contains(&text.to_ascii_lowercase().as_str())
}

/// Checks a chart reference: `repo/chart`, `oci://host/path/chart`, an `http(s)://` URL of a
/// packaged chart, or a chart folder of the project (`.`, `./path`, `../path`, or a bare name:
/// helmsman reads a chart without a declared repository as a path).
pub fn chart(text: &str) -> Result<(), String> {
    if let Some(rest) = text.strip_prefix("oci://") {
        return if rest.contains('/') {
            Ok(())
        } else {
            Err("an OCI chart is `oci://host/path/chart`".into())
        };
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        return url(text);
    }
    if let Some(path) = local_chart(text) {
        return if path
            .split('/')
            .all(|part| !part.is_empty() && !part.contains('\\'))
        {
            Ok(())
        } else {
            Err(
                "a chart folder of the project is `./path/to/chart`, with `/` between folders"
                    .into(),
            )
        };
    }
    match text.split_once('/') {
        Some((repo, name)) if !repo.is_empty() && !name.is_empty() && !name.contains('/') => Ok(()),
        _ => Err("a chart is `repo/chart`, with `repo` declared in the environment's `helm_repos`, `oci://...`, or a chart folder of the project such as `./charts/journal`".into()),
    }
}

/// The path of a chart folder of the project, relative to its root, when the chart is one: `.`,
/// `./path`, `../path`, or a bare name without `/` (`journal` is `./journal`).
pub fn local_chart(text: &str) -> Option<&str> {
    if text == "." || text == ".." {
        return Some(text);
    }
    if let Some(path) = text.strip_prefix("./") {
        return Some(path.trim_end_matches('/'))
            .filter(|path| !path.is_empty())
            .or(Some("."));
    }
    if text.starts_with("../") {
        return Some(text.trim_end_matches('/'));
    }
    (!text.is_empty() && !text.contains('/') && !text.contains(':')).then_some(text)
}

/// The repository part of a `repo/chart` reference (none for OCI and URL charts and for chart
/// folders of the project).
pub fn chart_repo(text: &str) -> Option<&str> {
    if text.contains("://") || local_chart(text).is_some() {
        None
    } else {
        text.split_once('/').map(|(repo, _)| repo)
    }
}

/// Checks a semantic version `MAJOR.MINOR.PATCH[-pre][+build]`.
pub fn semver(text: &str) -> Result<(), String> {
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |part: &&str| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_digit())
            && (part.len() == 1 || !part.starts_with('0'))
    };
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a semantic version; write MAJOR.MINOR.PATCH, such as \"1.4.0\""
        ))
    }
}

/// Checks a chart version as helmsman passes it to `helm --version`: an exact semantic version,
/// with an optional `v` (`1.4.2`, `v1.4.2`), or a Masterminds constraint (`^1.2`, `~1.2.3`,
/// `>=1.0 <2.0`, `1.2.x`, `1.2 - 1.4`, clauses joined by `||`).
pub fn chart_version(text: &str) -> Result<(), String> {
    if is_exact_version(text) {
        return Ok(());
    }
    let clause_ok = |clause: &str| {
        let words: Vec<&str> = clause
            .split([' ', ','])
            .filter(|word| !word.is_empty())
            .collect();
        match words.as_slice() {
            [] => false,
            [low, "-", high] => constraint_version(low) && constraint_version(high),
            words => words.iter().all(|word| {
                constraint_version(word.trim_start_matches(['=', '!', '>', '<', '~', '^']))
            }),
        }
    };
    if text.split("||").all(clause_ok) {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a chart version; write a version such as \"1.4.0\" or \"v1.4.0\", or a constraint such as \"^1.4\" or \">=1.4 <2\""
        ))
    }
}

/// Whether a chart version is one exact version (`1.4.2`, `v1.4.2`, `1.4.2-rc.1`), not a
/// constraint: only those are checked against the chart.
pub fn is_exact_version(text: &str) -> bool {
    semver(text.strip_prefix('v').unwrap_or(text)).is_ok()
}

/// One version inside a constraint: one to three dot-separated numbers or wildcards (`x`, `X`,
/// `*`), with an optional `v` and a `-pre` or `+build` suffix.
fn constraint_version(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|part| {
            matches!(*part, "x" | "X" | "*")
                || (!part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        })
}

/// A text helmsman expands at deploy time, as `deploy_text` takes it (helmsman's own forms:
/// `$NAME` and `${NAME}` are variables, `$$` a literal `$`), written the one way helmsman reads
/// unambiguously: `${NAME}` and `$$`. An error for any other `$` (helmsman would eat it, or
/// expand it differently from how it looks) or for a text without a variable.
pub fn deploy_text(text: &str) -> Result<String, String> {
    let is_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let is_part = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len() + 8);
    let mut variables = 0;
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        if let Some(tail) = after.strip_prefix('$') {
            out.push_str("$$");
            rest = tail;
            continue;
        }
        let (name, tail) = match after.strip_prefix('{') {
            Some(inner) => match inner.split_once('}') {
                Some((name, tail)) => (name, tail),
                None => return Err("a `${` is never closed by `}`".into()),
            },
            None => {
                let end = after.find(|c: char| !is_part(c)).unwrap_or(after.len());
                after.split_at_checked(end).unwrap_or((after, ""))
            }
        };
        if !name.starts_with(is_start) || !name.chars().all(is_part) {
            return Err(format!(
                "a `$` must start a variable `${{NAME}}` (letters, digits and `_`, not starting with a digit) or be doubled `$$`; `${name}` is not one"
            ));
        }
        out.push_str(&format!("${{{name}}}"));
        variables += 1;
        rest = tail;
    }
    out.push_str(rest);
    if variables == 0 {
        return Err("the text names no variable: write it as a plain string".into());
    }
    Ok(out)
}

/// Checks a five-field cron schedule.
pub fn cron(text: &str) -> Result<(), String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    if fields.len() != 5 {
        return Err(
            "a schedule has five fields: minute hour day-of-month month day-of-week".into(),
        );
    }
    for ((field, (low, high)), what) in fields
        .iter()
        .zip(ranges)
        .zip(["minute", "hour", "day", "month", "weekday"])
    {
        for part in field.split(',') {
            let base = part.split('/').next().unwrap_or("");
            if base == "*" {
                continue;
            }
            for number in base.split('-') {
                match number.parse::<u32>() {
                    Ok(value) if (low..=high).contains(&value) => {}
                    _ => {
                        return Err(format!(
                            "the {what} field `{field}` must be `*` or numbers {low} to {high}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks an absolute URL.
pub fn url(text: &str) -> Result<(), String> {
    match text.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && !rest.is_empty() =>
        {
            Ok(())
        }
        _ => Err("a URL is absolute, such as `https://charts.example.org`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_and_reject() {
        assert!(dns_name("journal.inttest.ehealth.example").is_ok());
        assert!(dns_name("*.ehealth.example").is_ok());
        assert!(dns_name("Journal.example").is_err());
        assert!(dns_name("-bad.example").is_err());
        assert!(semver("1.10.0").is_ok());
        assert!(semver("1.10").is_err());
        assert!(semver("01.1.0").is_err());
        assert!(image("journal/api").is_ok());
        assert!(image("journal/api:1.0").is_err());
        assert!(tag("1.10").is_ok());
        assert!(tag(".x").is_err());
        assert!(chart("ehealth/web-service").is_ok());
        assert!(chart("web-service").is_ok());
        for local in [".", "./charts/journal", "../shared/chart", "journal"] {
            assert!(
                chart(local).is_ok() && chart_repo(local).is_none(),
                "{local}"
            );
        }
        assert_eq!(local_chart("./charts/journal/"), Some("charts/journal"));
        assert_eq!(local_chart("./"), Some("."));
        assert!(chart("https://example.org/charts/journal-1.0.0.tgz").is_ok());
        assert!(chart(".//x").is_err() && chart("a/b/c").is_err());
        assert_eq!(chart_repo("ehealth/web"), Some("ehealth"));
        for good in [
            "1.4.2",
            "v1.4.2",
            "1.4.2-rc.1",
            "^1.2",
            "~1.2.3",
            ">=1 <2",
            ">=1.0, <2.0",
            "1.2.x",
            "*",
            "1.2 - 1.4",
            "^1 || ^2",
            "~>1.2",
        ] {
            assert!(chart_version(good).is_ok(), "{good}");
        }
        for bad in ["", "latest", "staging", "1.4.2.1", ">=", "^a", "1.2 -"] {
            assert!(chart_version(bad).is_err(), "{bad}");
        }
        assert!(is_exact_version("v1.4.2") && !is_exact_version("^1.4"));
        assert_eq!(
            deploy_text("https://$USER:${PASS}@host/$$x"),
            Ok("https://${USER}:${PASS}@host/$$x".to_string())
        );
        for bad in ["no variable", "$1", "${A:-b}", "${open", "cost $ 5"] {
            assert!(deploy_text(bad).is_err(), "{bad}");
        }
        assert!(cron("*/5 2 * * 1-5").is_ok());
        assert!(cron("61 * * * *").is_err());
        assert_eq!(duration_seconds("5m"), Some(300));
        assert_eq!(duration_seconds("1500ms"), Some(2));
    }
}
