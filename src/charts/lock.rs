//! The lock file (`ehp.lock`): every chart version a project uses with the SHA-256 digest of its
//! package, written by `ehp charts fetch` and committed, like Helm's `Chart.lock`.

use serde::{Deserialize, Serialize};

use super::{ChartParts, ChartRef};

/// The lock file's name, in the project folder.
pub const LOCK_FILE: &str = "ehp.lock";

/// The format version this ehp writes and reads.
const FORMAT: i64 = 1;

/// The lock file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// The locked charts, sorted by repository, name and version.
    pub charts: Vec<Locked>,
}

/// One chart version and the digest of its package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Locked {
    /// The repository's URL (`https://...`, or `oci://host/path` for an OCI chart).
    pub repository: String,
    /// The chart's name.
    pub name: String,
    /// The chart's version.
    pub version: String,
    /// The SHA-256 of the package: `sha256:HEX`.
    pub digest: String,
}

/// The file as written: a format version and the charts.
#[derive(Serialize, Deserialize)]
struct LockFile {
    version: i64,
    #[serde(default, rename = "chart")]
    charts: Vec<Locked>,
}

impl Locked {
    /// The chart this entry locks.
    pub fn chart_ref(&self) -> ChartRef {
        ChartRef {
            repository: self.repository.clone(),
            name: self.name.clone(),
            version: self.version.clone(),
        }
    }
}

impl Lock {
    /// Reads a lock file.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let file: LockFile = toml::from_str(text).map_err(|error| error.to_string())?;
        if file.version != FORMAT {
            return Err(format!(
                "lock file format {} is not known to this ehp (it reads format {FORMAT})",
                file.version
            ));
        }
        let mut charts = file.charts;
        for locked in &charts {
            if !locked.digest.starts_with("sha256:") {
                return Err(format!(
                    "the digest of {} {} is not `sha256:HEX`",
                    locked.name, locked.version
                ));
            }
        }
        charts.sort();
        Ok(Lock { charts })
    }

    /// The lock file's text: a header, then the charts sorted.
    pub fn render(&self) -> String {
        let mut charts = self.charts.clone();
        charts.sort();
        charts.dedup();
        let file = LockFile {
            version: FORMAT,
            charts,
        };
        let body = toml::to_string(&file).unwrap_or_default();
        format!(
            "# The charts of this project and the digests of their packages, written by\n\
             # `ehp charts fetch`. Commit this file: `ehp check` checks chart values against\n\
             # exactly these charts.\n\n{body}"
        )
    }

    /// The entry of `chart`, if locked.
    pub fn get(&self, chart: ChartParts<'_>) -> Option<&Locked> {
        self.charts.iter().find(|locked| {
            locked.repository == chart.repository
                && locked.name == chart.name
                && locked.version == chart.version
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_round_trips_sorted() {
        let lock = Lock {
            charts: vec![
                Locked {
                    repository: "https://b.example".into(),
                    name: "worker".into(),
                    version: "1.0.0".into(),
                    digest: "sha256:01".into(),
                },
                Locked {
                    repository: "https://a.example".into(),
                    name: "web".into(),
                    version: "2.0.0".into(),
                    digest: "sha256:02".into(),
                },
            ],
        };
        let text = lock.render();
        assert!(text.starts_with("# The charts of this project"));
        let read = Lock::parse(&text).unwrap();
        assert_eq!(read.charts.first().unwrap().name, "web");
        assert_eq!(read.render(), text);
        let chart = read.charts.first().unwrap().chart_ref();
        assert_eq!(read.get(chart.parts()).unwrap().digest, "sha256:02");
    }

    #[test]
    fn bad_lock_files_are_errors() {
        assert!(
            Lock::parse("version = 2\n")
                .unwrap_err()
                .contains("format 2")
        );
        assert!(Lock::parse("version = [").is_err());
        let bad = "version = 1\n[[chart]]\nrepository = \"r\"\nname = \"n\"\nversion = \"1\"\ndigest = \"md5:x\"\n";
        assert!(Lock::parse(bad).unwrap_err().contains("sha256"));
    }
}
