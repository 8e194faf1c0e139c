//! The catalogue of stable diagnostic codes. Codes are grouped by phase (E01 syntax, E02
//! resolution and inheritance, E03 types, E04 evaluation, E05 emission, E06 promotion, E08 charts; W
//! warnings) and never reused.

/// A stable diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    /// The code as users see it, for example `E0301`.
    pub id: &'static str,
    /// A one-line summary.
    pub summary: &'static str,
}

macro_rules! codes {
    ($($name:ident = $id:literal : $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: Code = Code { id: $id, summary: $summary };
        )*
        /// Every code, in order.
        pub const ALL: &[Code] = &[$($name),*];

        /// The long explanation of a code (`docs/codes/CODE.md`, embedded): what it means, a
        /// minimal failing example and the fix. A code without its file does not compile.
        pub fn explanation(code: Code) -> &'static str {
            match code.id {
                $($id => include_str!(concat!("../../docs/codes/", $id, ".md")),)*
                _ => "",
            }
        }
    };
}

codes! {
    SYNTAX = "E0101": "the text does not follow the grammar of .ehp files";
    UNCLOSED_BLOCK = "E0102": "a `{` or `[` is never closed";
    BAD_ESCAPE = "E0103": "a string contains an unknown escape sequence";
    TOO_DEEP = "E0104": "blocks, lists or types are nested too deeply";
    BAD_NUMBER = "E0105": "a number does not fit in a 64-bit integer";
    NOT_UTF8 = "E0106": "a source file is not UTF-8 text";
    BAD_PROJECT_FILE = "E0110": "the project file `ehp.toml` cannot be read";
    UNKNOWN_PROJECT_SETTING = "E0111": "the project file `ehp.toml` has an unknown setting";
    MISPLACED_OVERRIDE = "E0112": "an override `in ENV { }` is written outside an app";
    DUPLICATE_DECLARATION = "E0201": "two declarations share a name";
    UNKNOWN_ENV = "E0202": "an environment name does not resolve";
    UNKNOWN_TEMPLATE = "E0203": "a template name does not resolve";
    CYCLIC_INHERITANCE = "E0204": "environments or templates inherit from themselves";
    INHERITANCE_TOO_DEEP = "E0205": "an inheritance chain is longer than the limit";
    UNKNOWN_FIELD = "E0301": "a field is not declared by the template or environment schema";
    TYPE_MISMATCH = "E0302": "a value has the wrong type";
    OUT_OF_RANGE = "E0303": "a value is outside the range its type allows";
    MISSING_FIELD = "E0304": "a required field is not set";
    UNRESOLVED_REFERENCE = "E0305": "a reference names nothing";
    LITERAL_SECRET = "E0306": "a secret is written as a literal value";
    BAD_FORMAT = "E0307": "a value is not well-formed for its type";
    DUPLICATE_FIELD = "E0308": "a template declares a field twice";
    UNKNOWN_TYPE = "E0309": "a type name does not resolve";
    DUPLICATE_KEY = "E0310": "a block sets the same key twice";
    BAD_CALL = "E0311": "a function is unknown or called with the wrong arguments";
    RESERVED_FIELD = "E0312": "a template declares a field named `env` or `app`, which references cannot reach";
    BAD_DEPLOY_VAR = "E0330": "a deploy-time variable's name is not one helmsman can expand";
    DUPLICATE_PORT = "E0401": "an app uses the same port number twice";
    DNS_CLASH = "E0402": "two apps bind the same DNS host in one environment";
    MUTABLE_TAG = "E0403": "an image tag can change under the same name";
    UNDECLARED_CHART_REPO = "E0404": "a chart's repository is not declared in the environment";
    CYCLIC_REFERENCE = "E0405": "field values refer to each other in a cycle";
    NO_ENVIRONMENT = "E0407": "a requested environment does not exist or is abstract";
    REFERENCES_TOO_DEEP = "E0408": "field values wait on a chain of other fields longer than the limit";
    DEPLOY_VAR_INTERPOLATED = "E0430": "a deploy-time variable is interpolated into a string";
    UNSET_SETTING = "E0431": "a string interpolates an environment setting the environment does not set";
    NUMBER_TOO_LARGE = "E0501": "an integer is too large for Helm to read exactly";
    NOT_FINITE = "E0502": "a decimal number is not finite (NaN or infinity)";
    BAD_CONTEXT = "E0503": "an environment's helmsman context is not a valid Kubernetes label value";
    BAD_TIMEOUT = "E0504": "a timeout is not a whole number of seconds";
    BAD_OUTPUT_NAME = "E0505": "an environment or app name cannot be used as a file name";
    EMIT_INVARIANT = "E0506": "the evaluated model lacks something the emitter needs";
    BAD_RELEASE_NAME = "E0507": "an app name is not a Helm release name";
    BAD_NAMESPACE = "E0508": "a namespace is not a Kubernetes namespace name";
    DUPLICATE_RELEASE = "E0530": "two apps of an environment install the same release name in one namespace";
    DEPLOY_VAR_IN_VALUES = "E0531": "a deploy-time variable is in chart values that helmsman does not substitute";
    RESERVED_DSF_KEY = "E0532": "an escape hatch sets a key of the desired-state file that ehp writes itself";
    RESERVED_METADATA = "E0533": "an environment's metadata sets `generator` or `environment`, which ehp writes";
    MISSING_FILE = "E0534": "a values or secrets file of the project does not exist";
    BAD_VALUES_FILE = "E0535": "a values file of the project is not a YAML map";
    BAD_FILE_PATH = "E0536": "a values or secrets file is not named by a relative `.yaml`, `.yml` or `.json` path";
    NULL_IN_DSF = "E0537": "an escape hatch, limit or quota of the desired-state file holds `null`";
    NOT_A_STEP = "E0601": "a promotion skips a step of the chain or goes backwards";
    NO_HOTFIX = "E0602": "an environment does not accept hot-fixes";
    UNPROMOTED_RELEASE = "E0603": "a release did not come through the environment before it";
    CHANGED_WITHOUT_PROMOTION = "E0604": "a protected environment's release changed without a promotion or hot-fix";
    BAD_CHAIN = "E0605": "the promotion chain names environments it cannot use";
    NO_PROMOTION = "E0606": "the project declares no promotion chain";
    UNPINNED_RELEASE = "E0607": "an environment of the chain does not pin its own release";
    BAD_BRANCHES = "E0608": "the branches of the promotion chain do not fit its environments and steps";
    UNBOUND_ROLE = "E0609": "a privileged step names a role bound to nobody";
    NOT_IN_ROLE = "E0610": "someone outside a step's roles changed or would change a privileged environment";
    ILLEGITIMATE_SOURCE = "E0611": "a promotion copies a release that did not come through the chain";
    UNPROVEN_RECORD = "E0612": "a record claims a release its environment never ran";
    THROUGH_PULL_REQUEST = "E0613": "a privileged environment changed through a pull request";
    BAD_RELEASE = "E0614": "a release marked bad would be promoted";
    PRIVATE_OVERRIDE = "E0615": "a private override is outside the private file or reaches beyond a developer's own environment";
    IMPORT_UNREADABLE = "E0701": "an input file of `ehp import` cannot be read";
    IMPORT_SYNTAX = "E0702": "an input file of `ehp import` is not valid YAML or TOML";
    NOT_A_DSF = "E0703": "an input file of `ehp import` is not a helmsman desired-state file";
    IMPORT_TYPE = "E0704": "a desired-state file's field has a type helmsman cannot read";
    IMPORT_UNDECLARED_NAMESPACE = "E0705": "an app of a desired-state file uses a namespace the file does not declare";
    IMPORT_UNDECLARED_REPO = "E0706": "an app's chart names a repository the desired-state file does not declare";
    IMPORT_NULL_APP = "E0707": "an app of a desired-state file has no body";
    IMPORT_VALUES_FILE = "E0708": "a values file of a desired-state file cannot be read as YAML values";
    IMPORT_MISSING_FIELD = "E0709": "an app of a desired-state file lacks a field helmsman requires";
    IMPORT_LITERAL_SECRET = "E0710": "a desired-state or values file holds a literal secret";
    CHART_VALUE_TYPE = "E0801": "a chart value has a type the chart's schema does not allow";
    CHART_VALUE_INVALID = "E0802": "a chart value is not one the chart's schema allows";
    CHART_VALUE_REQUIRED = "E0803": "the chart's schema requires a value that is not set";
    CHART_KEY_FORBIDDEN = "E0804": "the chart's schema does not allow a key";
    CHART_DIGEST_MISMATCH = "E0805": "a chart package does not match the digest in the lock file";
    CHART_UNREADABLE = "E0806": "a chart package cannot be read";
    CHART_NOT_FOUND = "E0807": "a chart or chart version is not in its repository";
    UNUSED_TEMPLATE = "W0001": "a template is neither used by an app nor extended";
    REDUNDANT_OVERRIDE = "W0002": "an override sets the value the field already has";
    UNEMITTED_ENV = "W0003": "an abstract environment has no concrete environment below it";
    DEPRECATED_FIELD = "W0004": "a deprecated field is set";
    HOTFIX_NOT_BACK = "W0005": "a hot-fix has not flowed back to the environments before it";
    UNKNOWN_CHART_KEY = "W0020": "a chart value's key is known to neither the chart's schema nor its values.yaml";
    CHARTS_NOT_CHECKED = "W0021": "some charts were not fetched, so their values were not checked";
    TOML_DROPPED_QUOTA = "W0030": "a namespace quota is one helmsman's TOML reader drops";
    NOT_CARRIED_OVER = "W0035": "a field of a desired-state file is not carried over into the imported project";
    CARRIED_VERBATIM = "W0036": "a field of a desired-state file is carried over verbatim, unchecked";
    APP_NOT_IN_ENV = "W0037": "an app is missing from some environments' desired-state files and is disabled there";
    SUBSTITUTION_EATS = "W0038": "helmsman's substitution drops a `$` of a desired-state file";
}

/// The code with this id, if there is one.
pub fn lookup(id: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|code| code.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_grouped() {
        let mut ids: Vec<&str> = ALL.iter().map(|code| code.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "a code is declared twice");
        for id in ids {
            assert!(
                id.len() == 5 && (id.starts_with('E') || id.starts_with('W')),
                "{id}"
            );
        }
    }
}
