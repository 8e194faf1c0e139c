//! The one check that no literal secret reaches an output: every evaluated value that can be
//! written (environment settings, app fields, chart values, raw `values`, config files), after
//! interpolation, looked at by the name it is written under and by its shape. A finding is
//! E0306, and its span is concealed in every rendering of the run's diagnostics.
//!
//! By name: a non-empty text under a name whose last word is a secret word (`PASSWORD`, `PASS`,
//! `PWD`, `SECRET`, `TOKEN`, ... see [`is_secret_name`]), in any case, written with `_`, `-`,
//! `.`, `/` or camelCase, as a key of its own (`DB_PASSWORD`), a dotted key
//! (`"spring.datasource.password"`), a nested block (`spring { datasource { password } }`), a
//! `{ name, value }` item of an environment list, or a `key = value` / `key: value` line of a
//! multi-line text such as a config file. Placeholders the app fills in at run time (`${X}`,
//! `{{ .x }}`, `$X`) are not secrets.
//!
//! By shape, under any name: private keys, well-known token prefixes, passwords in URLs, JSON
//! web tokens and bearer tokens ([`secret_shape`]); and high-entropy text under a name that
//! merely mentions a secret word (`signing_key`).
//!
//! A false positive is allowed in the source, where a reviewer sees it:
//! `not_secret("the text", "why it is not a secret")`.

use indexmap::IndexSet;

use crate::diag::{Diagnostic, Problems, codes};
use crate::source::{SourceDb, Span};

use super::model::{EnvInstance, Text, Val, ValKind};

/// Names whose last word makes any text under them a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Pairs of last words that make a secret name (`API_KEY`, `privateKey`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("MASTER", "KEY"),
];

/// Words that make a name secret-like: high-entropy text under it is a secret.
const SECRET_LIKE_WORDS: &[&str] = &[
    "KEY",
    "SECRET",
    "TOKEN",
    "AUTH",
    "CREDENTIAL",
    "CREDENTIALS",
    "PASSWORD",
    "PASS",
    "PWD",
    "PRIVATE",
    "SIGNATURE",
    "SALT",
    "HMAC",
];

/// Keys that only hold the value of their parent (`password { value = ... }`).
const VALUE_KEYS: &[&str] = &["value", "data", "content", "text"];

/// Checks every value the environments would write; reports each literal secret once.
///
/// Most projects hold no secret at all: each app says, from its own evaluation (and so
/// cached with it in an editor), whether any of its texts judged alone looks like one
/// ([`may_hold_secret`]). When none does and no environment setting does, nothing can be
/// reported and the walk over every value of every environment is skipped.
pub fn check(envs: &[EnvInstance], db: &SourceDb, problems: &mut Problems) {
    let settings_may = envs.iter().any(|env| {
        env.settings
            .iter()
            .any(|(key, value)| any_text(Some(key), value, &mut judged_a_secret))
    });
    let apps_may = envs
        .iter()
        .any(|env| env.apps.iter().any(|app| app.may_hold_secret));
    if !settings_may && !apps_may {
        return;
    }
    // A string where a secret reference belongs is already E0306 (from the type checker).
    let reported = problems
        .as_slice()
        .iter()
        .filter(|diagnostic| diagnostic.code == codes::LITERAL_SECRET)
        .filter_map(|diagnostic| diagnostic.primary.as_ref().map(|label| label.span))
        .collect();
    let mut walker = Walker {
        db,
        checked: IndexSet::default(),
        reported,
        problems,
    };
    for env in envs {
        for (key, value) in &env.settings {
            any_text(Some(key), value, &mut |key, text, origin| {
                walker.text(key, text, origin);
                false
            });
        }
        for app in &env.apps {
            for (key, value) in app.fields.iter().chain(&app.values) {
                any_text(Some(key), value, &mut |key, text, origin| {
                    walker.text(key, text, origin);
                    false
                });
            }
        }
    }
}

/// Whether any text of an app's fields and chart values, judged on its own (whatever was
/// seen before, `not_secret` aside), looks like a secret: when no app and no environment
/// setting has one, [`check`] has nothing to report.
pub fn may_hold_secret<'v>(entries: impl IntoIterator<Item = (&'v Text, &'v Val)>) -> bool {
    entries
        .into_iter()
        .any(|(key, value)| any_text(Some(key), value, &mut judged_a_secret))
}

/// Whether a text under `key` looks like a secret, judged on its own.
fn judged_a_secret(key: Option<&str>, text: &str, _origin: Span) -> bool {
    if text.is_empty() {
        return false;
    }
    let judged = Judged { key, text };
    let hash = {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(&judged)
    };
    // The top bits: the hasher mixes them best.
    let slot = usize::try_from(hash >> (u64::BITS - CLEAN_SLOTS.trailing_zeros())).unwrap_or(0);
    let known = |clean: &Vec<Option<JudgedText>>| {
        clean
            .get(slot)
            .and_then(Option::as_ref)
            .is_some_and(|seen| seen.hash == hash && judged.is(seen))
    };
    if CLEAN.with_borrow(known) {
        return false;
    }
    let secret = judge(key, text).is_some();
    if !secret {
        CLEAN.with_borrow_mut(|clean| {
            clean.resize_with(CLEAN_SLOTS, || None);
            if let Some(place) = clean.get_mut(slot) {
                *place = Some(judged.owned(hash));
            }
        });
    }
    secret
}

/// How many texts [`CLEAN`] remembers per thread (a power of two): more than one app has,
/// whose texts are judged again in each environment.
const CLEAN_SLOTS: usize = 1024;

thread_local! {
    /// Texts judged not to be secrets on this thread, each with the name it was under (the
    /// judgement depends on nothing else), in the slot their hash picks (a newer text takes
    /// the slot): an app's texts are mostly the same in every environment, and each
    /// environment's are judged as they are evaluated.
    static CLEAN: std::cell::RefCell<Vec<Option<JudgedText>>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// A text judged, with the name it was under and the hash of both.
struct JudgedText {
    hash: u64,
    key: Option<Box<str>>,
    text: Box<str>,
}

/// A text being judged, with the name it is under.
#[derive(Hash)]
struct Judged<'a> {
    key: Option<&'a str>,
    text: &'a str,
}

impl Judged<'_> {
    fn is(&self, judged: &JudgedText) -> bool {
        self.key == judged.key.as_deref() && self.text == &*judged.text
    }

    fn owned(&self, hash: u64) -> JudgedText {
        JudgedText {
            hash,
            key: self.key.map(Box::from),
            text: self.text.into(),
        }
    }
}

/// Visits every text of `value` under the name it is written under (the name of an
/// environment-list item, the parent's name for a `value`-like key), in order, until `visit`
/// returns `true`; whether it did.
fn any_text(
    key: Option<&str>,
    value: &Val,
    visit: &mut impl FnMut(Option<&str>, &str, Span) -> bool,
) -> bool {
    match &value.kind {
        ValKind::Str(text) => visit(key, text, value.origin),
        ValKind::List(items) => items.iter().any(|item| match name_value_item(item) {
            Some((name, inner)) => any_text(Some(name), inner, visit),
            None => any_text(key, item, visit),
        }),
        ValKind::Map(map) => map.iter().any(|(inner_key, inner)| {
            let named = if VALUE_KEYS.contains(&inner_key.as_str()) {
                key.or(Some(inner_key))
            } else {
                Some(inner_key.as_str())
            };
            any_text(named, inner, visit)
        }),
        ValKind::Int(_)
        | ValKind::Float(_)
        | ValKind::Bool(_)
        | ValKind::Quantity(_)
        | ValKind::Secret(_)
        | ValKind::DeployVar(_)
        | ValKind::Null => false,
    }
}

/// Why a text under `key` looks like a secret, if it does: by its shape, by the name it is
/// under, or as a `key = value` line of a longer text.
fn judge(key: Option<&str>, text: &str) -> Option<String> {
    if let Some(shape) = secret_shape(text) {
        return Some(format!("{shape} is written in the source"));
    }
    // The name is judged once (this runs over every text of every app in every environment).
    if let Some(key) = key {
        let kind = name_kind(key);
        if kind.secret && !is_placeholder(text) {
            return Some(format!("`{key}` looks like a secret written in the source"));
        }
        if kind.secret_like && is_high_entropy(text) {
            return Some(format!("`{key}` holds what looks like a secret"));
        }
    }
    secret_line(text).map(|line_key| {
        format!("`{line_key}` in this text looks like a secret written in the source")
    })
}

/// The walk over values, remembering what it has looked at (apps are the same in many
/// environments).
struct Walker<'a> {
    db: &'a SourceDb,
    /// The values looked at, by origin and a hash of the name they were under (no copies of
    /// names: this runs over every value of every environment).
    checked: IndexSet<(Span, u64), rustc_hash::FxBuildHasher>,
    reported: IndexSet<Span, rustc_hash::FxBuildHasher>,
    problems: &'a mut Problems,
}

impl Walker<'_> {
    fn text(&mut self, key: Option<&str>, text: &str, origin: Span) {
        if text.is_empty()
            || self.reported.contains(&origin)
            || !self.checked.insert((origin, name_hash(key)))
            || is_allowed(self.db, origin)
        {
            return;
        }
        if let Some(message) = judge(key, text) {
            self.reported.insert(origin);
            let mut diagnostic = Diagnostic::error(codes::LITERAL_SECRET, message)
                .at(
                    origin,
                    "a literal secret that would be written to the output",
                )
                .conceal(origin);
            for span in interpolated_pieces(self.db, origin, text) {
                diagnostic = diagnostic.conceal(span);
            }
            self.problems.push(diagnostic.help(
                "store it in a Kubernetes secret and refer to it, such as \
                         secret(\"my-app\", \"password\"); if it is not a secret, write \
                         not_secret(\"...\", \"why it is not one\")",
            ));
        }
    }
}

/// Where the interpolated pieces of a secret are written: for a text built by interpolation
/// (`"pre-${field}"`), every place in the project's files that holds one of the pieces the
/// interpolation brought in, so that the definition is concealed too.
fn interpolated_pieces(db: &SourceDb, origin: Span, text: &str) -> Vec<Span> {
    let Some(written) = db
        .get(origin.file)
        .and_then(|file| file.text.get(origin.range()))
    else {
        return Vec::new();
    };
    if !written.contains("${") {
        return Vec::new();
    }
    let mut value = text.to_string();
    let mut rest = written.trim_matches('"');
    while !rest.is_empty() {
        let (chunk, after) = match rest.find("${") {
            Some(at) => (
                rest.get(..at).unwrap_or_default(),
                rest.get(at..)
                    .and_then(|from| from.find('}').and_then(|end| from.get(end + 1..)))
                    .unwrap_or_default(),
            ),
            None => (rest, ""),
        };
        if !chunk.is_empty() {
            value = value.replace(chunk, "\0");
        }
        rest = after;
    }
    let mut spans = Vec::new();
    for piece in value.split('\0').filter(|piece| piece.len() >= 4) {
        for (id, file) in db.iter().filter(|(_, file)| !file.name.starts_with('<')) {
            for (at, _) in file.text.match_indices(piece) {
                spans.push(Span::new(id, at, at + piece.len()));
            }
        }
    }
    spans
}

/// A hash of the name a value is under.
fn name_hash(key: Option<&str>) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(key)
}

/// An environment-list item `{ name = N, value = V }`: the name and the value.
fn name_value_item(item: &Val) -> Option<(&str, &Val)> {
    let map = item.as_map()?;
    // Such items are small: looked through rather than hashed into.
    let get = |key: &str| match map.len() {
        0..=4 => map
            .iter()
            .find(|(name, _)| name.as_str() == key)
            .map(|(_, value)| value),
        _ => map.get(key),
    };
    let name = get("name")?.as_str()?;
    Some((name, get("value")?))
}

/// Whether the value was written as `not_secret(...)`.
fn is_allowed(db: &SourceDb, origin: Span) -> bool {
    db.get(origin.file)
        .and_then(|file| file.text.get(origin.range()))
        .and_then(|text| text.strip_prefix("not_secret"))
        .is_some_and(|rest| rest.trim_start().starts_with('('))
}

/// The words of a name, upper-cased: split at `_`, `-`, `.`, `/`, spaces and camelCase.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for character in name.chars() {
        if !character.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if character.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = character.is_lowercase() || character.is_ascii_digit();
        current.extend(character.to_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether any text under `name` is a secret: its last word is a secret word, or ends with
/// `PWD` or `PASSWORD` (`PGPWD`), or its last two words are a secret pair (`API_KEY`); names
/// that refer to a secret rather than hold one (`existingSecret`, `externalSecret`) are not.
pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    if words
        .first()
        .is_some_and(|first| first == "EXISTING" || first == "EXTERNAL")
    {
        return false;
    }
    let pair = words
        .len()
        .checked_sub(2)
        .and_then(|at| words.get(at))
        .map(|before| (before.as_str(), last));
    SECRET_WORDS.contains(&last)
        || ["PWD", "PASSWORD", "PASSWD"]
            .iter()
            .any(|end| last.ends_with(end))
        || pair.is_some_and(|pair| SECRET_PAIRS.contains(&pair))
}

/// What a name says of the text under it.
#[derive(Clone, Copy)]
struct NameKind {
    /// [`is_secret_name`].
    secret: bool,
    /// [`is_secret_like_name`].
    secret_like: bool,
}

/// The most names [`name_kind`] remembers per thread before it starts afresh.
const NAMES_REMEMBERED: usize = 4096;

thread_local! {
    /// The names judged on this thread: a project has few names (fields, variables, chart
    /// keys) met once per app and environment, and splitting a name into words allocates.
    static NAME_KINDS: std::cell::RefCell<super::model::FxIndexMap<Box<str>, NameKind>> =
        std::cell::RefCell::default();
}

/// [`is_secret_name`] and [`is_secret_like_name`] of `name`, remembered per thread.
fn name_kind(name: &str) -> NameKind {
    if !may_be_secret_like(name) {
        return NameKind {
            secret: false,
            secret_like: false,
        };
    }
    NAME_KINDS.with(|kinds| {
        let mut kinds = kinds.borrow_mut();
        if let Some(kind) = kinds.get(name) {
            return *kind;
        }
        let kind = NameKind {
            secret: is_secret_name(name),
            secret_like: is_secret_like_name(name),
        };
        if kinds.len() >= NAMES_REMEMBERED {
            kinds.clear();
        }
        kinds.insert(name.into(), kind);
        kind
    })
}

/// Whether `name` may be a secret or secret-like name: it holds, in any case, one of the
/// pieces every secret word and pair has (`pass`, `pwd`, `key`, ...), or a character outside
/// ASCII (whose upper case may be ASCII). Most names hold none and are decided here, without
/// splitting them into words.
fn may_be_secret_like(name: &str) -> bool {
    let bytes = name.as_bytes();
    (0..bytes.len()).any(|at| {
        let rest = bytes.get(at..).unwrap_or_default();
        let starts = |piece: &[u8]| {
            rest.get(..piece.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(piece))
        };
        // `| 0x20` lower-cases an ASCII letter and keeps a byte outside ASCII outside it.
        match rest.first().map_or(0, |byte| byte | 0x20) {
            b'p' => starts(b"pass") || starts(b"pwd") || starts(b"private"),
            b's' => starts(b"secret") || starts(b"salt") || starts(b"signature"),
            b't' => starts(b"token"),
            b'k' => starts(b"key"),
            b'c' => starts(b"credential"),
            b'a' => starts(b"auth"),
            b'h' => starts(b"hmac"),
            byte => !byte.is_ascii(),
        }
    })
}

/// Whether `name` mentions a secret word anywhere.
fn is_secret_like_name(name: &str) -> bool {
    words(name)
        .iter()
        .any(|word| SECRET_LIKE_WORDS.contains(&word.as_str()))
}

/// Whether a text is a placeholder an app fills in at run time, or says nothing.
fn is_placeholder(text: &str) -> bool {
    let text = text.trim().trim_matches(['"', '\'']);
    text.is_empty()
        || ["${", "{{", "$(", "%(", "#{", "<"]
            .iter()
            .any(|start| text.starts_with(start))
        || (text.starts_with('$')
            && text
                .get(1..)
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
        || ["null", "none", "nil", "~"].contains(&text.to_ascii_lowercase().as_str())
}

/// Whether a text looks random enough to be a key or token: at least 16 characters without
/// spaces, letters and digits mixed, and more than 3.5 bits of entropy per character.
fn is_high_entropy(text: &str) -> bool {
    if text.len() < 16 || text.chars().any(char::is_whitespace) || is_placeholder(text) {
        return false;
    }
    let classes = [
        text.chars().any(|c| c.is_ascii_lowercase()),
        text.chars().any(|c| c.is_ascii_uppercase()),
        text.chars().any(|c| c.is_ascii_digit()),
    ];
    if classes.iter().filter(|present| **present).count() < 2 {
        return false;
    }
    let mut counts = [0u32; 256];
    for byte in text.bytes() {
        if let Some(count) = counts.get_mut(usize::from(byte)) {
            *count += 1;
        }
    }
    let length = text.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|count| **count > 0)
        .map(|count| {
            let share = f64::from(*count) / length;
            -share * share.log2()
        })
        .sum();
    entropy > 3.5
}

/// The key of the first `key = value` or `key: value` line of a multi-line text (a config file)
/// whose key is a secret name and whose value is not a placeholder.
fn secret_line(text: &str) -> Option<&str> {
    if !text.contains('\n') {
        return None;
    }
    text.lines().find_map(|line| {
        let line = line.trim_start().trim_start_matches("export ");
        let at = line.find(['=', ':'])?;
        let key = line.get(..at)?.trim().trim_matches(['"', '\'']);
        let value = line.get(at + 1..)?.trim();
        (!key.is_empty()
            && !key.contains(char::is_whitespace)
            && is_secret_name(key)
            && !is_placeholder(value)
            && !value.starts_with("//"))
        .then_some(key)
    })
}

/// What kind of secret a text holds, by its shape, under any name: a private key, a token with
/// a well-known prefix, a password in a URL, a JSON web token or a bearer token.
pub fn secret_shape(text: &str) -> Option<&'static str> {
    // Every shape but a URL's password is longer than the shortest token: most texts are
    // shorter and decided here (this runs over every text of every app in every environment).
    if text.len() < SHORTEST_TOKEN && !has_url(text) {
        return None;
    }
    let marks = Marks::of(text);
    if marks.pem && (text.contains("PRIVATE KEY-----") || text.contains("PRIVATE KEY BLOCK-----")) {
        return Some("a private key");
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    for word in text.split(|c: char| !token_char(c)) {
        if word.len() >= SHORTEST_TOKEN
            && let Some(kind) = token_kind(word)
        {
            return Some(kind);
        }
    }
    let jwt = |word: &str| {
        let mut parts = word.split('.');
        word.starts_with("eyJ")
            && parts
                .by_ref()
                .take(2)
                .filter(|part| part.len() >= 8)
                .count()
                == 2
            && parts.next().is_some()
            && parts.next().is_none()
    };
    if marks.jwt && text.split(|c: char| !(token_char(c) || c == '.')).any(jwt) {
        return Some("a JSON web token");
    }
    if marks.bearer
        && let Some(at) = text.find("Bearer ")
        && text
            .get(at + "Bearer ".len()..)
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|token| token.len() >= 16 && !is_placeholder(token))
    {
        return Some("a bearer token");
    }
    (marks.url && url_password(text)).then_some("a password in a URL")
}

/// Whether a text holds `://`.
fn has_url(text: &str) -> bool {
    text.match_indices(':')
        .any(|(at, _)| text.as_bytes().get(at + 1..at + 3) == Some(b"//"))
}

/// Which of the pieces some secret shapes start with a text holds, found in one pass over it.
#[derive(Default)]
struct Marks {
    /// `://`, of a URL.
    url: bool,
    /// `-----BEGIN`, of a private key.
    pem: bool,
    /// `eyJ`, of a JSON web token.
    jwt: bool,
    /// `Bearer `, of a bearer token.
    bearer: bool,
}

impl Marks {
    fn of(text: &str) -> Marks {
        let bytes = text.as_bytes();
        let mut marks = Marks::default();
        for at in 0..bytes.len() {
            let rest = bytes.get(at..).unwrap_or_default();
            match rest.first() {
                Some(b':') => marks.url |= rest.starts_with(b"://"),
                Some(b'-') => marks.pem |= rest.starts_with(b"-----BEGIN"),
                Some(b'e') => marks.jwt |= rest.starts_with(b"eyJ"),
                Some(b'B') => marks.bearer |= rest.starts_with(b"Bearer "),
                _ => {}
            }
        }
        marks
    }
}

/// The length of the shortest token [`token_kind`] knows (`xoxb-` and ten characters): the
/// shortest text any shape but a URL's password can have.
const SHORTEST_TOKEN: usize = 15;

/// The kind of a token with a well-known prefix.
fn token_kind(word: &str) -> Option<&'static str> {
    let rest_is = |prefix: &str, min: usize| {
        word.strip_prefix(prefix)
            .is_some_and(|rest| rest.len() >= min)
    };
    let aws = word.len() == 20
        && (word.starts_with("AKIA") || word.starts_with("ASIA"))
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if aws {
        Some("an AWS access key")
    } else if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|prefix| rest_is(prefix, 30))
        || rest_is("github_pat_", 20)
    {
        Some("a GitHub token")
    } else if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"]
        .iter()
        .any(|prefix| rest_is(prefix, 10))
    {
        Some("a Slack token")
    } else if rest_is("glpat-", 20) {
        Some("a GitLab token")
    } else if rest_is("sk_live_", 16) || rest_is("rk_live_", 16) {
        Some("a Stripe key")
    } else if word.len() == 39 && word.starts_with("AIza") {
        Some("a Google API key")
    } else if word.len() == 40 && word.starts_with("npm_") {
        Some("an npm token")
    } else {
        None
    }
}

/// Whether a text holds a URL with a password (`scheme://user:password@host`).
fn url_password(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let rest = text.get(at + 3..).unwrap_or_default();
        let authority = rest
            .split(['/', '?', '#', ' ', '"', '\'', '\n'])
            .next()
            .unwrap_or_default();
        authority
            .rsplit_once('@')
            .and_then(|(userinfo, _)| userinfo.split_once(':'))
            .is_some_and(|(_, password)| !password.is_empty() && !is_placeholder(password))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_by_their_last_words() {
        for name in [
            "DB_PASSWORD",
            "DB_PASS",
            "PGPWD",
            "PWD",
            "client-secret",
            "clientSecret",
            "STRIPE_API_KEY",
            "apiKey",
            "spring.datasource.password",
            "auth/token",
            "PRIVATE_KEY",
            "passphrase",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "LOG_LEVEL",
            "PASSWORD_MIN_LENGTH",
            "token_owner",
            "token-cache.yaml",
            "existingSecret",
            "externalSecret",
            "secretName",
            "BYPASS",
            "COMPASS_URL",
            "keycloak_url",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn no_token_is_shorter_than_the_fast_path_assumes() {
        let shortest = [
            "AKIAIOSFODNN7EXAMPLE".to_string(),
            format!("ghp_{}", "a".repeat(30)),
            format!("github_pat_{}", "a".repeat(20)),
            format!("xoxb-{}", "a".repeat(10)),
            format!("glpat-{}", "a".repeat(20)),
            format!("sk_live_{}", "a".repeat(16)),
            format!("AIza{}", "a".repeat(35)),
            format!("npm_{}", "a".repeat(36)),
        ];
        for token in shortest {
            assert!(token_kind(&token).is_some(), "{token}");
            assert!(token.len() >= SHORTEST_TOKEN, "{token}");
            assert_eq!(secret_shape(&token), token_kind(&token), "{token}");
            assert_eq!(token_kind(&token[..token.len() - 1]), None, "{token}");
        }
    }

    #[test]
    fn secret_shapes_under_any_name() {
        for (text, kind) in [
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "a private key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"),
            ("AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
            ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a GitHub token"),
            ("xoxb-1234567890-abcdef", "a Slack token"),
            ("glpat-abcdefghij0123456789", "a GitLab token"),
            (
                "postgres://user:hunter2@db.example/journal",
                "a password in a URL",
            ),
            (
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
                "a JSON web token",
            ),
            ("Bearer abcdefghijklmnopqrstuvwx", "a bearer token"),
        ] {
            assert_eq!(secret_shape(text), Some(kind), "{text}");
        }
        for text in [
            "https://charts.example",
            "postgres://user@db.example/journal",
            "postgres://user:${DB_PASSWORD}@db/x",
            "journal-api",
            "1.10",
            "-----BEGIN CERTIFICATE-----",
        ] {
            assert_eq!(secret_shape(text), None, "{text}");
        }
    }

    #[test]
    fn entropy_placeholders_and_config_lines() {
        assert!(is_high_entropy("q8Zr4TgW2pLx9vNc"));
        assert!(!is_high_entropy("aaaaaaaaaaaaaaaaaaaa"));
        assert!(!is_high_entropy("journal-api-service"));
        assert!(is_placeholder("${DB_PASSWORD}"));
        assert!(is_placeholder("{{ .Values.password }}"));
        assert!(!is_placeholder("hunter2"));
        assert_eq!(
            secret_line("server.port=8080\nspring.datasource.password=hunter2\n"),
            Some("spring.datasource.password")
        );
        assert_eq!(
            secret_line("spring.datasource.password=${DB_PASSWORD}\n"),
            None
        );
        assert_eq!(secret_line("db:\n  password: hunter2\n"), Some("password"));
    }

    #[test]
    fn names_turned_away_early_are_neither_secret_nor_secret_like() {
        for name in [
            "DB_PASSWORD",
            "PGPWD",
            "clientSecret",
            "STRIPE_API_KEY",
            "signing_key",
            "hmacSalt",
            "AUTH_HEADER",
            "Credentials",
            "privateThing",
            "LOG_LEVEL",
            "keycloak_url",
            "repository",
            "pa\u{17f}\u{17f}word",
            "\u{17f}ecret",
        ] {
            let secret = is_secret_name(name);
            let secret_like = is_secret_like_name(name);
            let kind = name_kind(name);
            assert_eq!(
                (kind.secret, kind.secret_like),
                (secret, secret_like),
                "{name}"
            );
            if secret || secret_like {
                assert!(may_be_secret_like(name), "{name}");
            }
        }
        // Every word and pair that makes a name secret or secret-like, in any case.
        let pairs = SECRET_PAIRS
            .iter()
            .map(|(first, second)| format!("{first}_{second}"));
        let words = SECRET_WORDS.iter().chain(SECRET_LIKE_WORDS);
        for name in words.map(|word| format!("MY_{word}")).chain(pairs) {
            assert!(may_be_secret_like(&name), "{name}");
            assert!(may_be_secret_like(&name.to_lowercase()), "{name}");
        }
        // A long s upper-cases to S: such a name is judged in full.
        assert!(is_secret_name("pa\u{17f}\u{17f}word"));
        assert!(!may_be_secret_like("LOG_LEVEL"));
    }

    #[test]
    fn a_text_judged_clean_under_one_name_is_judged_again_under_another() {
        let origin = Span::new(crate::source::FileId(0), 0, 0);
        for _ in 0..2 {
            assert!(!judged_a_secret(Some("LOG_LEVEL"), "hunter2", origin));
            assert!(judged_a_secret(Some("DB_PASSWORD"), "hunter2", origin));
            assert!(!judged_a_secret(None, "hunter2", origin));
            assert!(judged_a_secret(None, "postgres://u:hunter2@db/x", origin));
        }
    }
}
