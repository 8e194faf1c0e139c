//! One chart as the checks need it: its name and version (`Chart.yaml`), its default values
//! (`values.yaml`) with the comment above each key, its `values.schema.json`, and the names of
//! its subcharts, read from a packaged `.tgz` or from the files of a chart folder.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;
use serde_json::Value;

use super::comments::key_comments;

/// The largest file of a chart the reader accepts: values files and schemas are text, and a
/// chart archive is not where a gigabyte of YAML belongs.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most entries a chart archive may have before the reader gives up.
const MAX_ENTRIES: usize = 20_000;

/// A chart, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The chart's name (`Chart.yaml`).
    pub name: String,
    /// The chart's version (`Chart.yaml`).
    pub version: String,
    /// The default values (`values.yaml`), when the chart has any.
    pub values: Option<Value>,
    /// The values schema (`values.schema.json`), when the chart has one.
    pub schema: Option<Value>,
    /// The comment written above each key of `values.yaml`, by dotted path.
    pub comments: BTreeMap<String, String>,
    /// The subcharts (their names or aliases): values under these keys belong to them.
    pub subcharts: Vec<String>,
}

/// The text of a chart's files, as found in a folder or an archive.
#[derive(Debug, Clone, Default)]
pub struct ChartFiles {
    /// `Chart.yaml`.
    pub chart_yaml: String,
    /// `values.yaml`, if present.
    pub values_yaml: Option<String>,
    /// `values.schema.json`, if present.
    pub schema_json: Option<String>,
    /// The entries of `charts/`: folders of unpacked subcharts, `NAME-VERSION.tgz` packages.
    pub subchart_files: Vec<String>,
}

/// The parts of `Chart.yaml` the checks use.
#[derive(Deserialize)]
struct ChartYaml {
    name: String,
    version: String,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

/// A dependency of `Chart.yaml`: its values live under its alias, or its name.
#[derive(Deserialize)]
struct Dependency {
    name: String,
    #[serde(default)]
    alias: Option<String>,
}

impl Chart {
    /// Reads a chart from its files.
    pub fn from_files(files: &ChartFiles) -> Result<Chart, String> {
        let meta: ChartYaml = serde_saphyr::from_str(&files.chart_yaml)
            .map_err(|error| format!("Chart.yaml: {}", first_line(&error.to_string())))?;
        let values = match &files.values_yaml {
            Some(text) if !text.trim().is_empty() => Some(yaml_to_json(text, "values.yaml")?),
            _ => None,
        };
        let schema = match &files.schema_json {
            Some(text) => Some(
                serde_json::from_str::<Value>(text)
                    .map_err(|error| format!("values.schema.json: {error}"))?,
            ),
            None => None,
        };
        let comments = files
            .values_yaml
            .as_deref()
            .map(key_comments)
            .unwrap_or_default();
        let mut subcharts: Vec<String> = meta
            .dependencies
            .into_iter()
            .map(|dependency| dependency.alias.unwrap_or(dependency.name))
            .chain(files.subchart_files.iter().map(|file| {
                let name = file
                    .strip_suffix(".tgz")
                    .map_or(file.as_str(), subchart_name);
                name.to_string()
            }))
            .collect();
        subcharts.sort();
        subcharts.dedup();
        Ok(Chart {
            name: meta.name,
            version: meta.version,
            values,
            schema,
            comments,
            subcharts,
        })
    }

    /// Reads a packaged chart (`NAME-VERSION.tgz`, as `helm package` writes it).
    pub fn from_archive(bytes: &[u8]) -> Result<Chart, String> {
        Chart::from_files(&archive_files(bytes)?)
    }
}

/// The files of a packaged chart: everything sits in one top folder, the chart's name.
pub fn archive_files(bytes: &[u8]) -> Result<ChartFiles, String> {
    let decoder = flate2::read::GzDecoder::new(bytes);
    let mut archive = tar::Archive::new(decoder);
    let mut files = ChartFiles::default();
    let mut has_chart_yaml = false;
    let entries = archive
        .entries()
        .map_err(|error| format!("not a chart archive: {error}"))?;
    for (count, entry) in entries.enumerate() {
        if count >= MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} files in the archive"));
        }
        let mut entry = entry.map_err(|error| format!("not a chart archive: {error}"))?;
        let path = entry
            .path()
            .map_err(|error| format!("a bad file name in the archive: {error}"))?
            .to_string_lossy()
            .replace('\\', "/");
        // `chart/Chart.yaml` -> `Chart.yaml`; the top folder is the chart's name.
        let Some((_, inside)) = path.split_once('/') else {
            continue;
        };
        let wanted = match inside {
            "Chart.yaml" | "values.yaml" | "values.schema.json" => true,
            _ => {
                if let Some(sub) = inside.strip_prefix("charts/") {
                    let name = sub.split('/').next().unwrap_or_default();
                    if !name.is_empty() && !files.subchart_files.iter().any(|known| known == name) {
                        files.subchart_files.push(name.to_string());
                    }
                }
                false
            }
        };
        if !wanted {
            continue;
        }
        if entry.size() > MAX_FILE_BYTES {
            return Err(format!("{inside} is larger than {MAX_FILE_BYTES} bytes"));
        }
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .map_err(|error| format!("{inside}: {error}"))?;
        match inside {
            "Chart.yaml" => {
                files.chart_yaml = text;
                has_chart_yaml = true;
            }
            "values.yaml" => files.values_yaml = Some(text),
            _ => files.schema_json = Some(text),
        }
    }
    if !has_chart_yaml {
        return Err("the archive has no Chart.yaml".into());
    }
    Ok(files)
}

/// The name of a packaged subchart `NAME-VERSION`: everything before the last `-` followed by a
/// digit.
fn subchart_name(stem: &str) -> &str {
    stem.char_indices()
        .rev()
        .find(|&(index, character)| {
            character == '-'
                && stem
                    .get(index + 1..)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .and_then(|(index, _)| stem.get(..index))
        .unwrap_or(stem)
}

/// Reads a YAML document into JSON, as Helm does before it validates values against a schema.
pub fn yaml_to_json(text: &str, what: &str) -> Result<Value, String> {
    let value: Option<Value> = serde_saphyr::from_str(text)
        .map_err(|error| format!("{what}: {}", first_line(&error.to_string())))?;
    Ok(value.unwrap_or(Value::Null))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.tgz` with the given files under `top/`.
    pub(crate) fn package(top: &str, files: &[(&str, &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, text) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, format!("{top}/{name}"), text.as_bytes())
                .unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, &tar).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn reads_a_packaged_chart() {
        let bytes = package(
            "web",
            &[
                (
                    "Chart.yaml",
                    "apiVersion: v2\nname: web\nversion: 1.2.0\ndependencies:\n  - name: redis\n    alias: cache\n",
                ),
                (
                    "values.yaml",
                    "# How many pods.\nreplicaCount: 1\nimage:\n  # The tag.\n  tag: \"\"\n",
                ),
                ("values.schema.json", "{\"type\": \"object\"}"),
                ("templates/deployment.yaml", "kind: Deployment\n"),
                ("charts/postgresql-12.1.0.tgz", "not read"),
            ],
        );
        let chart = Chart::from_archive(&bytes).unwrap();
        assert_eq!(
            (chart.name.as_str(), chart.version.as_str()),
            ("web", "1.2.0")
        );
        assert_eq!(chart.values.unwrap()["image"]["tag"], "");
        assert_eq!(chart.schema.unwrap()["type"], "object");
        assert_eq!(chart.comments["replicaCount"], "How many pods.");
        assert_eq!(chart.comments["image.tag"], "The tag.");
        assert_eq!(chart.subcharts, ["cache", "postgresql"]);
    }

    #[test]
    fn bad_archives_are_errors_not_panics() {
        assert!(Chart::from_archive(b"not gzip").is_err());
        let no_chart = package("web", &[("values.yaml", "a: 1\n")]);
        assert!(
            Chart::from_archive(&no_chart)
                .unwrap_err()
                .contains("no Chart.yaml")
        );
        let bad_schema = package(
            "web",
            &[
                ("Chart.yaml", "name: web\nversion: 1.0.0\n"),
                ("values.schema.json", "{"),
            ],
        );
        assert!(
            Chart::from_archive(&bad_schema)
                .unwrap_err()
                .starts_with("values.schema.json")
        );
        let bad_yaml = package("web", &[("Chart.yaml", "name: [\n")]);
        assert!(
            Chart::from_archive(&bad_yaml)
                .unwrap_err()
                .starts_with("Chart.yaml")
        );
    }

    #[test]
    fn subchart_names_drop_the_version() {
        assert_eq!(subchart_name("postgresql-12.1.0"), "postgresql");
        assert_eq!(subchart_name("my-db-2.0.0"), "my-db");
        assert_eq!(subchart_name("plain"), "plain");
    }
}
