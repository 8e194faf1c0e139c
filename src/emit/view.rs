//! Chart values serialised straight from the evaluated model: the values file of an app is
//! written from its `Val` tree as it is, with no converted copy of the tree in between. What is
//! written is exactly what the output model (`model::OutValue`, built by `convert::values_map`)
//! writes: the same strings, quoted by the same rule (`model::serialize_text`), secrets as the
//! same maps, a number that is not finite as `0.0` (it is an error anyway). A differential test
//! below holds the two to the same bytes.

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::model::serialize_text;
use crate::eval::model::{SecretRef, Val, ValKind, ValMap};

/// The chart values of one app, as its values file holds them; `substituted` when helmsman
/// substitutes `$NAME` in values files (every `$` is then written `$$`).
pub(crate) struct ValuesView<'a> {
    pub(crate) values: &'a ValMap,
    pub(crate) substituted: bool,
}

impl Serialize for ValuesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_map(self.values, self.substituted, serializer)
    }
}

/// One value under a values file.
struct ValView<'a> {
    value: &'a Val,
    substituted: bool,
}

/// A string of a values file.
struct TextView<'a>(Cow<'a, str>);

impl<'a> TextView<'a> {
    fn new(text: &'a str, substituted: bool) -> TextView<'a> {
        if substituted && text.contains('$') {
            TextView(Cow::Owned(text.replace('$', "$$")))
        } else {
            TextView(Cow::Borrowed(text))
        }
    }
}

impl Serialize for TextView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_text(&self.0, serializer)
    }
}

/// A map of values, its keys and strings written for a substituted file or not.
fn serialize_map<S: Serializer>(
    entries: &ValMap,
    substituted: bool,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(
            &TextView::new(key, substituted),
            &ValView { value, substituted },
        )?;
    }
    map.end()
}

impl Serialize for ValView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let substituted = self.substituted;
        let text = |text| TextView::new(text, substituted);
        match &self.value.kind {
            ValKind::Str(string) | ValKind::Quantity(string) => text(string).serialize(serializer),
            ValKind::Int(number) => serializer.serialize_i64(*number),
            ValKind::Float(number) if number.is_finite() => serializer.serialize_f64(*number),
            ValKind::Float(_) => serializer.serialize_f64(0.0),
            ValKind::Bool(truth) => serializer.serialize_bool(*truth),
            ValKind::Null => serializer.serialize_unit(),
            // Written as helmsman expands it, `$` never doubled (`convert::out_value` does the same).
            ValKind::DeployVar(expanded) => serialize_text(expanded, serializer),
            ValKind::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for value in items {
                    seq.serialize_element(&ValView { value, substituted })?;
                }
                seq.end()
            }
            ValKind::Map(entries) => serialize_map(entries, substituted, serializer),
            ValKind::Secret(secret) => match secret.as_ref() {
                SecretRef::Kubernetes { name, key } => {
                    let mut map = serializer.serialize_map(Some(2))?;
                    map.serialize_entry(&TextView::new("secretName", false), &text(name))?;
                    map.serialize_entry(&TextView::new("secretKey", false), &text(key))?;
                    map.end()
                }
                SecretRef::External { reference } => {
                    let mut map = serializer.serialize_map(Some(1))?;
                    map.serialize_entry(&TextView::new("externalSecret", false), &text(reference))?;
                    map.end()
                }
            },
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::diag::Problems;
    use crate::emit::{convert, to_yaml};
    use crate::source::{FileId, Span};

    fn val(kind: ValKind) -> Val {
        Val::new(kind, Span::new(FileId(0), 0, 0))
    }

    fn map(entries: Vec<(&str, Val)>) -> ValMap {
        entries
            .into_iter()
            .map(|(key, value)| (key.into(), value))
            .collect()
    }

    /// Strings that YAML writers and readers treat specially, in keys and values.
    pub(crate) const AWKWARD: &[&str] = &[
        "",
        " ",
        "plain",
        "on",
        "Off",
        "YES",
        "n",
        "~",
        "null",
        "Null",
        "true",
        "1.10",
        "010",
        "0x1F",
        "1e3",
        ".5",
        "-1",
        "+1",
        ".inf",
        "-.nan",
        "12:30",
        "2024-01-01",
        "<<",
        "=",
        "a: b",
        "a #b",
        "#x",
        "- x",
        "? x",
        "x:",
        "[x]",
        "{x}",
        "&a",
        "*a",
        "!t",
        "|",
        ">",
        "%x",
        "@x",
        "`x",
        "'q'",
        "\"q\"",
        "back\\slash",
        "line\nbreak",
        "tab\there",
        " lead",
        "trail ",
        "$HOME",
        "a$b",
        "$$",
        "ünï",
        "emoji 🚀",
        "\u{7f}",
        "\u{85}x",
        "x\r",
        "a,b",
        "http://x.example:8080/p?q=1#f",
        "key=value",
        "2.10",
        "1_000",
        "0o17",
        "0b1",
    ];

    /// Values of every kind, nested, with every awkward string as a key and as a value.
    fn corpus() -> ValMap {
        let strings: Vec<(&str, Val)> = AWKWARD
            .iter()
            .map(|text| (*text, val(ValKind::Str((*text).into()))))
            .collect();
        let list = val(ValKind::List(vec![
            val(ValKind::Int(0)),
            val(ValKind::Int(-(1 << 53))),
            val(ValKind::Float(0.25)),
            val(ValKind::Float(1e21)),
            val(ValKind::Float(-0.0)),
            val(ValKind::Float(f64::NAN)),
            val(ValKind::Bool(false)),
            val(ValKind::Null),
            val(ValKind::DeployVar("${HOME}".to_owned())),
            val(ValKind::Quantity("512Mi".into())),
            val(ValKind::List(vec![])),
            val(ValKind::map(ValMap::default())),
            val(ValKind::List(vec![val(ValKind::List(vec![val(
                ValKind::Int(1),
            )]))])),
            val(ValKind::map(map(vec![(
                "name",
                val(ValKind::Str("A".into())),
            )]))),
        ]));
        let secrets = map(vec![
            (
                "db",
                val(ValKind::secret(SecretRef::Kubernetes {
                    name: "app-$db".into(),
                    key: "on".into(),
                })),
            ),
            (
                "vault",
                val(ValKind::secret(SecretRef::External {
                    reference: "vault:kv/a#b".into(),
                })),
            ),
        ]);
        map(vec![
            ("strings", val(ValKind::map(map(strings)))),
            ("list", list),
            ("secrets", val(ValKind::map(secrets))),
            ("empty", val(ValKind::map(ValMap::default()))),
            ("inf", val(ValKind::Float(f64::INFINITY))),
            ("big", val(ValKind::Int(i64::MAX))),
        ])
    }

    /// Every piece of the corpus alone, under a key and as a list item, and under every
    /// awkward key.
    fn pieces() -> Vec<ValMap> {
        let corpus = corpus();
        let mut pieces = Vec::new();
        let mut add = |value: &Val| {
            pieces.push(map(vec![("k", value.clone())]));
            pieces.push(map(vec![("k", val(ValKind::List(vec![value.clone()])))]));
            pieces.push(map(vec![(
                "k",
                val(ValKind::List(vec![val(ValKind::map(map(vec![
                    ("a", value.clone()),
                    ("b", value.clone()),
                ])))])),
            )]));
        };
        for value in corpus.values() {
            add(value);
            match &value.kind {
                ValKind::Map(inner) => inner.values().for_each(&mut add),
                ValKind::List(items) => items.iter().for_each(&mut add),
                _ => {}
            }
        }
        for key in AWKWARD {
            pieces.push(map(vec![(key, val(ValKind::Int(1)))]));
        }
        pieces
    }

    #[test]
    fn the_fast_writer_writes_serde_saphyrs_bytes_or_declines() {
        let mut written = 0;
        for substituted in [false, true] {
            for piece in pieces() {
                let Some(fast) = crate::emit::fast::values_yaml(&piece, substituted) else {
                    continue;
                };
                written += 1;
                let slow = to_yaml(&ValuesView {
                    values: &piece,
                    substituted,
                });
                assert_eq!(Ok(fast), slow, "{piece:?}");
            }
        }
        // It writes most pieces: strings plain and quoted, numbers, secrets, nested maps.
        assert!(written > 200, "{written}");
    }

    #[test]
    fn the_view_writes_the_bytes_of_the_output_model() {
        let values = corpus();
        for substituted in [false, true] {
            let mut problems = Problems::new();
            let model = to_yaml(&convert::values_map(&values, substituted, &mut problems));
            let view = to_yaml(&ValuesView {
                values: &values,
                substituted,
            });
            assert!(model.is_ok(), "{model:?}");
            assert_eq!(view, model, "substituted: {substituted}");
        }
    }
}
