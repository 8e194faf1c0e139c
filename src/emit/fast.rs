//! A writer of values files for their common shapes, many times faster than the general YAML
//! serialiser: non-empty maps with plain keys, non-empty lists of scalars and maps, whole
//! numbers, booleans, null, and strings that are plain or double-quoted without an escape. On
//! anything else it declines (`None`) and the file is written by serde-saphyr (`to_yaml`)
//! exactly as before; tests hold every file it writes to serde-saphyr's bytes.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use super::model::{App, Text};
use super::quoting::yaml11_would_retype;
use crate::eval::model::{SecretRef, Val, ValKind, ValMap};

/// The values file of `values` as serde-saphyr writes it through `view::ValuesView`, or
/// `None` when it holds a shape this writer leaves to serde-saphyr.
pub(crate) fn values_yaml(values: &ValMap, substituted: bool) -> Option<String> {
    let mut writer = Writer {
        out: String::with_capacity(64 * values.len() + 64),
        substituted,
    };
    writer.map(values, 0, false)?;
    Some(writer.out)
}

/// The `apps:` section of a desired-state file as serde-saphyr writes it, or `None` when a
/// release sets one of helmsman's other settings (`App::more`), has no values file, or holds a
/// text this writer leaves to serde-saphyr; also when there is no release (`apps: {}`). The
/// desired-state file's texts are already written for helmsman (`Text::dsf`).
pub(crate) fn dsf_apps(apps: &BTreeMap<Text, App>) -> Option<String> {
    let mut releases = Releases::new(apps.len());
    for (key, app) in apps {
        releases.push(key, app)?;
    }
    releases.finish()
}

/// The `apps:` section of a desired-state file, written release by release in the order of
/// their names, so that no release is held once written ([`dsf_apps`] of all of them).
pub(crate) struct Releases {
    writer: Writer,
    last: Option<Text>,
}

impl Releases {
    /// A section with room for about `count` releases.
    pub(crate) fn new(count: usize) -> Releases {
        let mut writer = Writer {
            out: String::with_capacity(256 * count + 8),
            substituted: false,
        };
        writer.out.push_str("apps:\n");
        Releases { writer, last: None }
    }

    /// Writes the release `key`, which must sort after the one before; `None` when it does not
    /// or when [`dsf_apps`] would decline it.
    pub(crate) fn push(&mut self, key: &Text, app: &App) -> Option<()> {
        let in_order = self.last.as_ref().is_none_or(|last| last < key);
        if !in_order || !app.more.is_empty() || app.values_files.is_empty() {
            return None;
        }
        self.writer.key(&key.0, 2, false)?;
        self.writer.out.push('\n');
        self.writer.dsf_app(app)?;
        self.last = Some(key.clone());
        Some(())
    }

    /// The section, or `None` when no release was written.
    pub(crate) fn finish(self) -> Option<String> {
        self.last.map(|_| self.writer.out)
    }
}

struct Writer {
    out: String,
    substituted: bool,
}

impl Writer {
    /// One release's entries, in `App`'s order, at indentation 4.
    fn dsf_app(&mut self, app: &App) -> Option<()> {
        let optional = [("name", &app.name), ("description", &app.description)];
        for (key, text) in optional {
            if let Some(text) = text {
                self.text_entry(key, &text.0, 4, false)?;
            }
        }
        self.text_entry("namespace", &app.namespace.0, 4, false)?;
        if let Some(group) = &app.group {
            self.text_entry("group", &group.0, 4, false)?;
        }
        let _ = writeln!(self.out, "    enabled: {}", app.enabled);
        self.text_entry("chart", &app.chart.0, 4, false)?;
        self.text_entry("version", &app.version.0, 4, false)?;
        self.out.push_str("    valuesFiles:\n");
        for file in &app.values_files {
            self.out.push_str("    - ");
            self.text(&file.0)?;
            self.out.push('\n');
        }
        let _ = write!(
            self.out,
            "    priority: {}\n    wait: {}\n    timeout: {}\n    protected: {}\n",
            app.priority, app.wait, app.timeout, app.protected
        );
        Some(())
    }
}

impl Writer {
    /// A map's entries at `indent`; the first one already placed after `- ` when `inline`.
    fn map(&mut self, map: &ValMap, indent: usize, inline: bool) -> Option<()> {
        if map.is_empty() {
            return None;
        }
        for (position, (key, value)) in map.iter().enumerate() {
            self.entry(key, value, indent, inline && position == 0)?;
        }
        Some(())
    }

    /// `key:` at `indent` (or inline, after `- `).
    fn key(&mut self, key: &str, indent: usize, inline: bool) -> Option<()> {
        if !plain_key(key) {
            return None;
        }
        if !inline {
            self.indent(indent);
        }
        self.out.push_str(key);
        self.out.push(':');
        Some(())
    }

    /// `key: text`, a string entry of a secret's map.
    fn text_entry(&mut self, key: &str, text: &str, indent: usize, inline: bool) -> Option<()> {
        self.key(key, indent, inline)?;
        self.out.push(' ');
        self.string(text)?;
        self.out.push('\n');
        Some(())
    }

    fn entry(&mut self, key: &str, value: &Val, indent: usize, inline: bool) -> Option<()> {
        self.key(key, indent, inline)?;
        match &value.kind {
            ValKind::Map(inner) => {
                self.out.push('\n');
                self.map(inner, indent + 2, false)
            }
            ValKind::Secret(secret) => {
                self.out.push('\n');
                self.secret(secret, indent + 2, false)
            }
            ValKind::List(items) => {
                self.out.push('\n');
                self.list(items, indent)
            }
            _ => {
                self.out.push(' ');
                self.scalar(value)?;
                self.out.push('\n');
                Some(())
            }
        }
    }

    /// A list's items at `indent`, each after `- `.
    fn list(&mut self, items: &[Val], indent: usize) -> Option<()> {
        if items.is_empty() {
            return None;
        }
        for item in items {
            self.indent(indent);
            self.out.push_str("- ");
            match &item.kind {
                ValKind::Map(inner) => self.map(inner, indent + 2, true)?,
                ValKind::Secret(secret) => self.secret(secret, indent + 2, true)?,
                ValKind::List(_) => return None,
                _ => {
                    self.scalar(item)?;
                    self.out.push('\n');
                }
            }
        }
        Some(())
    }

    /// A secret reference, as the map `convert` writes for it.
    fn secret(&mut self, secret: &SecretRef, indent: usize, inline: bool) -> Option<()> {
        match secret {
            SecretRef::Kubernetes { name, key } => {
                self.text_entry("secretName", name, indent, inline)?;
                self.text_entry("secretKey", key, indent, false)
            }
            SecretRef::External { reference } => {
                self.text_entry("externalSecret", reference, indent, inline)
            }
        }
    }

    fn scalar(&mut self, value: &Val) -> Option<()> {
        match &value.kind {
            ValKind::Str(text) | ValKind::Quantity(text) => self.string(text),
            // Written as helmsman expands it, `$` never doubled.
            ValKind::DeployVar(expanded) => self.text(expanded),
            ValKind::Int(number) => write!(self.out, "{number}").ok(),
            ValKind::Bool(truth) => {
                self.out.push_str(if *truth { "true" } else { "false" });
                Some(())
            }
            ValKind::Null => {
                self.out.push_str("null");
                Some(())
            }
            ValKind::Float(_) | ValKind::List(_) | ValKind::Map(_) | ValKind::Secret(_) => None,
        }
    }

    /// A string of the values, every `$` doubled when helmsman substitutes the file.
    fn string(&mut self, text: &str) -> Option<()> {
        if self.substituted && text.contains('$') {
            self.text(&text.replace('$', "$$"))
        } else {
            self.text(text)
        }
    }

    /// A string, by `model::serialize_text`'s rule: double-quoted when it holds a `$` or a
    /// YAML 1.1 reader could retype it, else plain.
    fn text(&mut self, text: &str) -> Option<()> {
        if text.contains('$') || yaml11_would_retype(text) {
            if !text
                .bytes()
                .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\')
            {
                return None;
            }
            self.out.push('"');
            self.out.push_str(text);
            self.out.push('"');
        } else {
            if !plain_value(text) {
                return None;
            }
            self.out.push_str(text);
        }
        Some(())
    }

    fn indent(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }
}

/// Whether serde-saphyr surely writes `text` as a plain value: a letter or `/` first, then
/// only letters, digits and `-_./:`, not ending with `:`.
fn plain_value(text: &str) -> bool {
    text.starts_with(|first: char| first.is_ascii_alphabetic() || first == '/')
        && !text.ends_with(':')
        && text.bytes().all(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'/' | b':')
        })
}

/// Whether serde-saphyr surely writes `key` as a plain key: a letter or `_` first, then only
/// letters, digits and `-_.`, and no word a YAML 1.1 reader retypes.
fn plain_key(key: &str) -> bool {
    key.starts_with(|first: char| first.is_ascii_alphabetic() || first == '_')
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
        && !yaml11_would_retype(key)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::model::{App, Dsf, Namespace, Settings, Text};
    use super::super::view::tests::AWKWARD;
    use super::super::{dsf_yaml, to_yaml};

    fn app(text: &str) -> App {
        let text = Text::dsf(text);
        App {
            name: Some(text.clone()),
            description: Some(text.clone()),
            namespace: text.clone(),
            group: Some(text.clone()),
            enabled: text.0.len().is_multiple_of(2),
            chart: text.clone(),
            version: text.clone(),
            values_files: vec![text.clone(), Text::dsf("values/web.yaml")],
            priority: -(text.0.len() as i64),
            wait: true,
            timeout: 300,
            protected: false,
            more: Default::default(),
        }
    }

    fn dsf(apps: BTreeMap<Text, App>) -> Dsf {
        Dsf {
            metadata: [(Text::dsf("generator"), Text::dsf("ehp"))]
                .into_iter()
                .collect(),
            context: Text::dsf("prod"),
            settings: Settings {
                kube_context: Some(Text::dsf("k8s")),
                global: Default::default(),
            },
            namespaces: [(Text::dsf("shop"), Namespace::default())]
                .into_iter()
                .collect(),
            helm_repos: BTreeMap::new(),
            preconfigured_helm_repos: Vec::new(),
            apps,
            extra: Default::default(),
        }
    }

    /// Every awkward text in every text of a release, and as a release's name: the releases
    /// written here, or declined, give serde-saphyr's bytes.
    #[test]
    fn releases_are_written_as_serde_saphyr_writes_them() {
        let mut written = 0;
        for text in AWKWARD {
            let in_texts = [(Text::dsf("web"), app(text))];
            let as_name = [(Text::dsf(text), app("plain"))];
            for apps in [in_texts, as_name] {
                let one = dsf(apps.into_iter().collect());
                if super::dsf_apps(&one.apps).is_some() {
                    written += 1;
                }
                let expected = to_yaml(&one).expect("serde-saphyr writes it");
                assert_eq!(dsf_yaml(one).expect("written"), expected, "{text:?}");
            }
        }
        // The plain ones are written here, not declined.
        assert!(written > 5, "only {written} written directly");
        let plain: BTreeMap<Text, App> = (0..50)
            .map(|n| (Text::dsf(&format!("app-{n:02}")), app("journal")))
            .collect();
        let many = dsf(plain);
        assert!(super::dsf_apps(&many.apps).is_some());
        let expected = to_yaml(&many).expect("serde-saphyr writes it");
        assert_eq!(dsf_yaml(many).expect("written"), expected);
    }

    /// Releases written one by one as they are made give the section of all of them at once,
    /// and only in the order of their names.
    #[test]
    fn releases_are_written_one_by_one_in_order_only() {
        let names = ["auth", "billing", "journal-api", "journal-web"];
        let all: BTreeMap<Text, App> = names
            .iter()
            .map(|name| (Text::dsf(name), app(name)))
            .collect();
        let mut one_by_one = super::Releases::new(names.len());
        for (key, release) in &all {
            assert!(one_by_one.push(key, release).is_some(), "{key:?}");
        }
        assert_eq!(one_by_one.finish(), super::dsf_apps(&all));
        for (first, second) in [("journal", "auth"), ("auth", "auth")] {
            let mut releases = super::Releases::new(2);
            assert!(releases.push(&Text::dsf(first), &app(first)).is_some());
            assert!(
                releases.push(&Text::dsf(second), &app(second)).is_none(),
                "{second} after {first}"
            );
        }
        assert_eq!(super::Releases::new(0).finish(), None);
    }

    #[test]
    fn no_release_is_left_to_serde_saphyr() {
        let none = dsf(BTreeMap::new());
        assert!(super::dsf_apps(&none.apps).is_none());
        let expected = to_yaml(&none).expect("serde-saphyr writes it");
        assert!(expected.contains("\napps: {}\n"), "{expected}");
        assert_eq!(dsf_yaml(none).expect("written"), expected);
    }

    #[test]
    fn a_release_with_other_settings_is_left_to_serde_saphyr() {
        let mut with_flags = app("journal");
        with_flags.more.helm_flags.push(Text::dsf("--atomic"));
        let apps: BTreeMap<Text, App> = [(Text::dsf("web"), with_flags)].into_iter().collect();
        assert!(super::dsf_apps(&apps).is_none());
        let one = dsf(apps);
        let expected = to_yaml(&one).expect("serde-saphyr writes it");
        assert_eq!(dsf_yaml(one).expect("written"), expected);
    }
}
