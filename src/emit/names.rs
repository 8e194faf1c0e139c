//! The names that become file names or Kubernetes and Helm names, checked before anything is
//! written: environment and app names as path components on every filesystem a checkout may land
//! on (E0505), app names as Helm release names (E0507), namespaces as Kubernetes namespace names
//! (E0508). `ehp check` runs these checks too, so a clean check means a build that writes.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Problems, codes};
use crate::eval::model::AppInstance;
use crate::source::Span;

/// The longest file name most filesystems take, in bytes (ext4, XFS, APFS, NTFS in UTF-16
/// units, which ASCII names match).
const MAX_FILE_NAME: usize = 255;

/// The longest Helm release name: Helm refuses longer ones, since it names Kubernetes objects
/// after the release with suffixes of its own.
const MAX_RELEASE_NAME: usize = 53;

/// The longest Kubernetes namespace name (a DNS label).
const MAX_NAMESPACE: usize = 63;

/// Names Windows reserves for devices, with or without an extension (`con`, `con.yaml`).
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    "conin$", "conout$",
];

/// Why `name` cannot be one component of an output path (`file` is the name as written, such as
/// `APP.yaml`), or `None` when it can: lower-case letters, digits, `-`, `_` and `.`, not
/// starting or ending with a dot, at most 255 bytes, and not a Windows device name.
pub(crate) fn path_component_problem(name: &str, file: &str) -> Option<String> {
    if name.is_empty()
        || !name.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'-' | b'_' | b'.')
        })
    {
        return Some("use lower-case letters, digits, `-`, `_` and `.`".into());
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Some("a file name that starts or ends with `.` is hidden or dropped".into());
    }
    if file.len() > MAX_FILE_NAME {
        return Some(format!(
            "`{}…` is {} bytes long, and filesystems take at most {MAX_FILE_NAME}",
            file.get(..24).unwrap_or(file),
            file.len()
        ));
    }
    let stem = name.split('.').next().unwrap_or(name);
    if WINDOWS_DEVICES.contains(&stem) {
        return Some(format!(
            "`{stem}` is a device name on Windows, where a checkout of the output would fail"
        ));
    }
    None
}

/// Whether `name` is a Helm release name: at most 53 characters, lower-case DNS labels joined
/// by dots (each of letters, digits and `-`, starting and ending with a letter or digit).
pub(crate) fn is_release_name(name: &str) -> bool {
    name.len() <= MAX_RELEASE_NAME && !name.is_empty() && name.split('.').all(is_dns_label)
}

/// Whether `name` is a Kubernetes namespace name: one DNS label of at most 63 characters.
pub(crate) fn is_namespace_name(name: &str) -> bool {
    name.len() <= MAX_NAMESPACE && is_dns_label(name)
}

/// A lower-case DNS label: letters, digits and `-`, starting and ending with a letter or digit.
fn is_dns_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || *byte == b'-')
        && bytes.first().is_some_and(|byte| *byte != b'-')
        && bytes.last().is_some_and(|byte| *byte != b'-')
}

/// Checks an environment's name as a folder name.
pub(crate) fn check_env_name(name: &str, span: Span, problems: &mut Problems) {
    if let Some(reason) = path_component_problem(name, name) {
        problems.push(bad_file_name(span, "environment", name, &reason));
    }
}

/// Checks an app's name as a file name (`APP.yaml`), and its release name (its `release_name`,
/// else its name) as a Helm release name.
pub(crate) fn check_app_name(app: &AppInstance, problems: &mut Problems) {
    let (name, span) = (app.name.as_str(), app.span);
    if let Some(reason) = path_component_problem(name, &format!("{name}.yaml")) {
        problems.push(bad_file_name(span, "app", name, &reason));
        return;
    }
    let (release, span, (what, source)) = match app.fields.get(RELEASE_NAME) {
        // helmsman expands it at deploy time; Helm checks it then.
        Some(value) if value.as_str().is_none() => return,
        Some(value) => (
            value.as_str().unwrap_or_default(),
            value.origin,
            ("release name", "`release_name`"),
        ),
        None => (name, span, ("app name", "name")),
    };
    if !is_release_name(release) {
        problems.push(
            Diagnostic::error(
                codes::BAD_RELEASE_NAME,
                format!("{what} is not a Helm release name"),
            )
            .at(
                span,
                format!("helm cannot install a release named `{release}`"),
            )
            .help(format!(
                "an app is installed as a Helm release of its {source}: use at most \
                 {MAX_RELEASE_NAME} lower-case letters, digits and `-` (dots between parts), \
                 starting and ending with a letter or digit"
            )),
        );
    }
}

/// The field naming an app's helm release when it is not the app's name.
const RELEASE_NAME: &str = "release_name";

/// The helm releases of one environment, by (release name, namespace): helmsman keys a
/// release's state by both, so two apps with the same pair would fight over one release.
#[derive(Default)]
pub(crate) struct Releases {
    seen: BTreeMap<(String, String), (String, Span)>,
}

impl Releases {
    /// Adds an app's release in `namespace`, reporting E0530 when another app has it.
    pub(crate) fn add(&mut self, app: &AppInstance, namespace: &str, problems: &mut Problems) {
        let (release, span) = match app.fields.get(RELEASE_NAME) {
            Some(value) => match value.as_str() {
                Some(text) => (text, value.origin),
                None => return,
            },
            None => (app.name.as_str(), app.span),
        };
        let key = (release.to_string(), namespace.to_string());
        if let Some((first_app, first_span)) = self.seen.get(&key) {
            problems.push(
                Diagnostic::error(
                    codes::DUPLICATE_RELEASE,
                    format!("two apps install the release `{release}` in namespace `{namespace}`"),
                )
                .at(span, format!("`{}` installs `{release}` again", app.name))
                .also(*first_span, format!("`{first_app}` installs it first"))
                .help(
                    "helmsman knows a release by its name and namespace: give one app another \
                     `release_name` or another `namespace`",
                ),
            );
        } else {
            self.seen.insert(key, (app.name.clone(), span));
        }
    }
}

/// Checks a namespace name where it is set.
pub(crate) fn check_namespace(name: &str, span: Span, problems: &mut Problems) {
    if !is_namespace_name(name) {
        problems.push(
            Diagnostic::error(
                codes::BAD_NAMESPACE,
                "namespace is not a Kubernetes namespace name",
            )
            .at(
                span,
                format!("Kubernetes refuses a namespace named `{name}`"),
            )
            .help(format!(
                "use at most {MAX_NAMESPACE} lower-case letters, digits and `-`, starting and \
                 ending with a letter or digit"
            )),
        );
    }
}

/// A name that cannot become an output path.
fn bad_file_name(span: Span, what: &str, name: &str, reason: &str) -> Diagnostic {
    let shown = if name.len() > 40 {
        format!("{}…", name.get(..40).unwrap_or(name))
    } else {
        name.to_string()
    };
    Diagnostic::error(
        codes::BAD_OUTPUT_NAME,
        format!("{what} name cannot be a file name"),
    )
    .at(span, format!("`{shown}` names an output file"))
    .help(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_filesystems_helm_and_kubernetes() {
        for good in ["journal", "a", "api-v2", "x.y", &"a".repeat(53)] {
            assert!(path_component_problem(good, &format!("{good}.yaml")).is_none());
            assert!(is_release_name(good), "{good}");
        }
        for device in ["con", "aux", "nul", "com1", "lpt9", "con.x"] {
            assert!(path_component_problem(device, device).is_some(), "{device}");
        }
        for bad_file in ["", "Journal", ".x", "x.", "a/b", "a b", &"a".repeat(251)] {
            assert!(
                path_component_problem(bad_file, &format!("{bad_file}.yaml")).is_some(),
                "{bad_file}"
            );
        }
        assert!(
            path_component_problem(&"a".repeat(250), &format!("{}.yaml", "a".repeat(250)))
                .is_none()
        );
        for bad_release in ["_x", "x-", "-x", "a..b", "a_b", &"a".repeat(54)] {
            assert!(!is_release_name(bad_release), "{bad_release}");
        }
        for good in ["ehealth", "kube-system", "a1"] {
            assert!(is_namespace_name(good));
        }
        for bad in [
            "../../etc",
            "My Namespace_1",
            "a.b",
            "",
            "x-",
            &"a".repeat(64),
        ] {
            assert!(!is_namespace_name(bad), "{bad}");
        }
    }
}
