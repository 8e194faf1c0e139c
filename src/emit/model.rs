//! The emitter's own output model: the desired-state file and values-file trees exactly as they
//! are written, with `Serialize` implementations that keep every string a string for Helm.
//!
//! The evaluated model (`eval::model`) deliberately does not derive `Serialize`; the emitter
//! converts it into these types so that the shape of the files is a decision made here.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::quoting::yaml11_would_retype;

/// A string as written to an output file. In YAML it is double-quoted whenever a YAML 1.1 reader
/// (go-yaml v2, which Helm and helmsman use) could read it as anything but this string, or when
/// it contains a `$`; in TOML every string is quoted anyway.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Text(pub(crate) String);

impl Text {
    /// Text for a values file: written as it is.
    pub(crate) fn plain(text: &str) -> Text {
        Text(text.to_owned())
    }

    /// Text for a desired-state file: helmsman substitutes `$NAME` in the raw file text, so a
    /// literal `$` is written `$$`.
    pub(crate) fn dsf(text: &str) -> Text {
        if text.contains('$') {
            Text(text.replace('$', "$$"))
        } else {
            Text(text.to_string())
        }
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_text(&self.0, serializer)
    }
}

/// Writes a string of an output file: double-quoted when a YAML 1.1 reader could read it as
/// anything else or when it holds a `$`, else as the serializer writes strings.
pub(crate) fn serialize_text<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if text.contains('$') || yaml11_would_retype(text) {
        serde_saphyr::DoubleQuoted(text).serialize(serializer)
    } else {
        serializer.serialize_str(text)
    }
}

/// A value of a values file, as converted by `convert::values_map`: the reference that the
/// values files, written straight from the evaluated model (`view`), are tested against.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OutValue {
    /// A string.
    Str(Text),
    /// An integer (at most 2^53 in magnitude; larger ones are diagnosed).
    Int(i64),
    /// A finite decimal number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<OutValue>),
    /// A map, in source order.
    Map(IndexMap<Text, OutValue>),
    /// YAML null: Helm deletes the key, chart default included.
    Null,
}

impl Serialize for OutValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OutValue::Str(text) => text.serialize(serializer),
            OutValue::Int(number) => serializer.serialize_i64(*number),
            OutValue::Float(number) => serializer.serialize_f64(*number),
            OutValue::Bool(truth) => serializer.serialize_bool(*truth),
            OutValue::Null => serializer.serialize_unit(),
            OutValue::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            OutValue::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A helmsman desired-state file. Field names and types follow helmsman's format (see
/// `helmsman-dsf.md` §2-5); every map is sorted or in a fixed order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Dsf {
    /// Free-form text: `generator`, `environment`, then the environment's own entries.
    pub(crate) metadata: IndexMap<Text, Text>,
    /// The label value that identifies this desired state in the cluster.
    pub(crate) context: Text,
    /// Cluster settings.
    pub(crate) settings: Settings,
    /// Every namespace any app uses or the environment declares, sorted.
    pub(crate) namespaces: BTreeMap<Text, Namespace>,
    /// Helm repositories, sorted by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) helm_repos: BTreeMap<Text, Text>,
    /// Repositories added outside helmsman, as declared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) preconfigured_helm_repos: Vec<Text>,
    /// The releases, sorted by name.
    pub(crate) apps: BTreeMap<Text, App>,
    /// `helmsman_extra`: top-level keys written verbatim.
    #[serde(flatten)]
    pub(crate) extra: IndexMap<Text, OutValue>,
}

/// helmsman's `settings` block.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Settings {
    /// The kube context helmsman deploys with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kube_context: Option<Text>,
    /// The other settings, each only when set.
    #[serde(flatten)]
    pub(crate) global: super::release::GlobalSettings,
}

/// One entry of `namespaces`.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Namespace {
    /// Whether existing releases in it are protected.
    pub(crate) protected: bool,
    /// Labels put on the namespace, sorted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<Text, Text>,
    /// Annotations put on the namespace, sorted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<Text, Text>,
    /// Limit ranges, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) limits: Vec<OutValue>,
    /// The resource quota, as written.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) quotas: IndexMap<Text, OutValue>,
}

/// One entry of `apps`: a helm release.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct App {
    /// The helm release name, when it is not the app's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Text>,
    /// Text for humans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<Text>,
    /// The release's namespace (declared under `namespaces`).
    pub(crate) namespace: Text,
    /// The helmsman group, for `--group`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) group: Option<Text>,
    /// Whether the release is installed; always written, since omitted means uninstalled.
    pub(crate) enabled: bool,
    /// `repo/chart` or an `oci://` reference.
    pub(crate) chart: Text,
    /// The chart version, always a string.
    pub(crate) version: Text,
    /// The values files, relative to the desired-state file.
    pub(crate) values_files: Vec<Text>,
    /// Lower runs first; 0 or negative.
    pub(crate) priority: i64,
    /// Whether helmsman waits for the release.
    pub(crate) wait: bool,
    /// How long helmsman waits, in seconds.
    pub(crate) timeout: i64,
    /// Whether the existing release is protected.
    pub(crate) protected: bool,
    /// The other release settings, each only when set.
    #[serde(flatten)]
    pub(crate) more: super::release::ReleaseSettings,
}
