//! The project file, `ehp.toml`: the settings of a whole project, at its root. Its folder is
//! the project's root, found from any path inside it as cargo finds `Cargo.toml` (see
//! `project.rs`). This module only reads its text; settings other features need are added to
//! [`Manifest`] as typed fields.
//!
//! ```toml
//! name = "ehealth"
//! ```

use serde::Deserialize;

use crate::diag::{Diagnostic, codes};
use crate::source::{FileId, Span};

/// The file name of the project file.
pub const FILE_NAME: &str = "ehp.toml";

/// The settings of a project. Unknown keys are an error (E0111), so a misspelt setting is never
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The project's name: shown in the header of generated files and by `ehp init`.
    pub name: String,
}

/// Whether a source named `name` (as the front ends name files) is a project file.
pub fn is_manifest(name: &str) -> bool {
    name.strip_suffix(FILE_NAME)
        .is_some_and(|folder| folder.is_empty() || folder.ends_with('/'))
}

/// Reads the project file `text` (file `file` of the sources): its settings, or the diagnostic
/// that says what is wrong and where.
pub fn parse(file: FileId, text: &str) -> Result<Manifest, Box<Diagnostic>> {
    toml::from_str::<Manifest>(text).map_err(|error| Box::new(diagnostic(file, text, &error)))
}

/// The diagnostic of a project file that does not read: an unknown setting (E0111), or text
/// that is not TOML or a setting of the wrong type (E0110).
fn diagnostic(file: FileId, text: &str, error: &toml::de::Error) -> Diagnostic {
    let range = error.span().unwrap_or(0..0);
    let span = Span::new(file, range.start.min(text.len()), range.end.min(text.len()));
    let message = error.message().trim().to_string();
    if let Some(unknown) = unknown_key(&message) {
        return Diagnostic::error(
            codes::UNKNOWN_PROJECT_SETTING,
            format!("unknown project setting `{unknown}`"),
        )
        .at(span, format!("`{unknown}` is not a setting of {FILE_NAME}"))
        .help(format!(
            "the settings of {FILE_NAME} are: {}",
            KNOWN_SETTINGS.join(", ")
        ));
    }
    Diagnostic::error(
        codes::BAD_PROJECT_FILE,
        format!("{FILE_NAME} cannot be read"),
    )
    .at(span, first_line(&message))
    .help(format!(
        "{FILE_NAME} is TOML; it needs at least the project's name: name = \"my-platform\""
    ))
}

/// Every setting of [`Manifest`], for the help of an unknown one.
const KNOWN_SETTINGS: &[&str] = &["name"];

/// The key serde names in "unknown field `x`, expected ...".
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_name_and_refuses_unknown_or_wrong_settings() {
        let file = FileId(0);
        assert_eq!(
            parse(file, "name = \"ehealth\"\n").map(|manifest| manifest.name),
            Ok("ehealth".to_string())
        );
        let unknown = parse(file, "name = \"x\"\nnmae = \"y\"\n").expect_err("unknown key");
        assert_eq!(unknown.code, codes::UNKNOWN_PROJECT_SETTING);
        assert_eq!(
            unknown.primary.as_ref().map(|label| label.span),
            Some(Span::new(file, 11, 15))
        );
        let wrong = parse(file, "name = 3\n").expect_err("wrong type");
        assert_eq!(wrong.code, codes::BAD_PROJECT_FILE);
        let missing = parse(file, "").expect_err("no name");
        assert_eq!(missing.code, codes::BAD_PROJECT_FILE);
        assert!(is_manifest("ehp.toml") && is_manifest("a/b/ehp.toml"));
        assert!(!is_manifest("a/ehp.toml.ehp"));
    }
}
