//! `ehp import` on the fixtures of `tests/fixtures/import/`: helmsman's own examples
//! (`helmsman/`, with their license) and hand-written sets (`sets/NAME/`, each with an
//! `import.toml` naming its environments and the warnings it must raise). Every set imports,
//! the project checks and is formatted, and `ehp build` gives back every input desired-state
//! file and values file as data, read on both sides by Helm's and helmsman's own reader
//! (`HELM_READ`; without it the round trip is skipped, and `EHP_REQUIRE_ALL_CHECKS=1` fails).
//! The bad inputs of `bad/` get their codes, with a snapshot of what a person sees.

// The tests write projects into temporary folders and index the JSON helm-read prints.
#![allow(clippy::disallowed_methods, clippy::indexing_slicing)]
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};

use serde_json::{Map, Value as Json};
use support::harness::{self, Outcome, Trial};

const FIXTURES: &str = "tests/fixtures/import";

/// helmsman's examples that are whole desired-state files, each imported as one environment
/// (the others are fragments merged by `--spec` or `-f`, a job manifest and a spec file).
const HELMSMAN_EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "helmsman/minimal",
        &[
            ("test", "minimal-example.yaml"),
            ("prod", "minimal-example.toml"),
        ],
    ),
    ("helmsman/example-yaml", &[("test", "example.yaml")]),
    ("helmsman/example-toml", &[("test", "example.toml")]),
    // helmsman's overlay example, merged over the minimal example as a second `-f`.
    (
        "helmsman/overwrite",
        &[
            ("test", "minimal-example.yaml"),
            ("test", "minimal-example-overwrite.yaml"),
        ],
    ),
    // The composition example of `--spec`: four fragments of one environment.
    (
        "helmsman/composition",
        &[
            ("test", "composition/main.yaml"),
            ("test", "composition/argo.yaml"),
            ("test", "composition/artifactory.yaml"),
            ("test", "composition/kyverno.yaml"),
        ],
    ),
    // The spec example's three files, merged.
    (
        "helmsman/spec",
        &[
            ("test", "example.yaml"),
            ("test", "minimal-example.yaml"),
            ("test", "minimal-example.toml"),
        ],
    ),
    (
        "helmsman/appsTemplates",
        &[("test", "appsTemplates/config/helmsman.yaml")],
    ),
];

/// Sets that the language cannot take whole yet, each with what it waits for. Each must still
/// fail: when it passes, remove it here.
const WAITING: &[(&str, &str)] = &[];

fn ehp() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ehp"))
}

fn run(command: &mut Command) -> Output {
    command.output().expect("ehp runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A set: its name, its folder and its environments as (name, path inside the folder), and
/// the warning codes it must raise, in order.
struct Set {
    name: String,
    folder: PathBuf,
    envs: Vec<(String, String)>,
    expect: Vec<String>,
    /// What the import reports as not carried over (W0035), as `/`-separated paths into the
    /// desired state as compared (apps keyed `NAME@NAMESPACE`): left out of the comparison.
    lost: Vec<String>,
    /// More options of `ehp import`.
    options: Vec<String>,
}

fn sets() -> Vec<Set> {
    let mut sets: Vec<Set> = HELMSMAN_EXAMPLES
        .iter()
        .map(|(name, envs)| Set {
            name: (*name).to_string(),
            folder: Path::new(FIXTURES).join("helmsman"),
            envs: envs
                .iter()
                .map(|(env, path)| ((*env).to_string(), (*path).to_string()))
                .collect(),
            expect: helmsman_expect(name),
            lost: helmsman_lost(name),
            options: Vec::new(),
        })
        .collect();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(Path::new(FIXTURES).join("sets"))
        .expect("sets")
        .map(|entry| entry.expect("entry").path())
        .collect();
    folders.sort();
    for folder in folders {
        let spec: toml::Table = std::fs::read_to_string(folder.join("import.toml"))
            .expect("import.toml")
            .parse()
            .expect("import.toml is TOML");
        let envs = spec["envs"]
            .as_array()
            .expect("envs")
            .iter()
            .map(|pair| {
                let pair = pair.as_array().expect("[name, path]");
                (
                    pair[0].as_str().expect("name").to_string(),
                    pair[1].as_str().expect("path").to_string(),
                )
            })
            .collect();
        let expect = strings(&spec, "expect");
        let lost = strings(&spec, "lost");
        let options = strings(&spec, "options");
        sets.push(Set {
            name: format!(
                "sets/{}",
                folder.file_name().expect("name").to_string_lossy()
            ),
            folder,
            envs,
            expect,
            lost,
            options,
        });
    }
    sets
}

/// The list of strings `key` of a set's `import.toml`, empty when absent.
fn strings(spec: &toml::Table, key: &str) -> Vec<String> {
    spec.get(key)
        .and_then(|list| list.as_array())
        .map(|list| {
            list.iter()
                .map(|item| item.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The warnings helmsman's own examples raise: their certificates and credentials are carried
/// over verbatim (text around `$` variables is `deploy_text`).
fn helmsman_expect(name: &str) -> Vec<String> {
    let codes: &[&str] = match name {
        "helmsman/example-toml" => &["W0036"],
        "helmsman/appsTemplates" => &["W0036"],
        _ => &[],
    };
    codes.iter().map(|code| (*code).to_string()).collect()
}

/// What helmsman's own examples lose: nothing.
fn helmsman_lost(_name: &str) -> Vec<String> {
    Vec::new()
}

/// Runs `ehp import` of `set` into `out`.
fn import(set: &Set, out: &Path) -> Output {
    let mut command = ehp();
    command.current_dir(&set.folder);
    for (env, path) in &set.envs {
        command.arg("--env").arg(format!("{env}={path}"));
    }
    command.args(&set.options);
    command.args(["--message-format", "json", "--out"]).arg(out);
    let mut full = ehp();
    full.arg("import").args(command.get_args());
    full.current_dir(&set.folder);
    run(&mut full)
}

fn codes(stdout: &[u8]) -> Vec<String> {
    text(stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter_map(|value| value["code"].as_str().map(str::to_string))
        .collect()
}

/// Imports, checks, formats, builds and compares one set.
fn trial(set: Set) -> Result<Outcome, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("project");
    let imported = import(&set, &project);
    if !imported.status.success() {
        return Err(format!(
            "import failed: {}{}",
            text(&imported.stdout),
            text(&imported.stderr)
        ));
    }
    let found = codes(&imported.stdout);
    if found != set.expect {
        return Err(format!(
            "import raised {found:?}, expected {:?}",
            set.expect
        ));
    }
    let checked = run(ehp()
        .args(["check", "--message-format", "json"])
        .arg(&project));
    // Clean: no error, and no warning but W0021 (the charts are not fetched in tests).
    let errors: Vec<String> = codes(&checked.stdout)
        .into_iter()
        .filter(|code| code != "W0021")
        .collect();
    if !checked.status.success() || !errors.is_empty() {
        return Err(format!("ehp check: {errors:?} {}", text(&checked.stderr)));
    }
    let formatted = run(ehp().args(["fmt", "--check"]).arg(&project));
    if !formatted.status.success() {
        return Err(format!("ehp fmt --check: {}", text(&formatted.stdout)));
    }
    let built = dir.path().join("built");
    let build = run(ehp().arg("build").arg(&project).arg("--out").arg(&built));
    if !build.status.success() {
        return Err(format!("ehp build: {}", text(&build.stderr)));
    }
    let Some(tool) = support::helm_read() else {
        return Ok(Outcome::Skipped(
            "HELM_READ is not set: no round trip".into(),
        ));
    };
    round_trip(&tool, &set, &built)?;
    Ok(Outcome::Passed)
}

/// Each environment's desired state, read from the set's files and from what `ehp build`
/// wrote into `built`, compared.
fn round_trip(tool: &str, set: &Set, built: &Path) -> Result<(), String> {
    let mut names: Vec<&String> = set.envs.iter().map(|(env, _)| env).collect();
    names.dedup();
    for env in names {
        let inputs: Vec<PathBuf> = set
            .envs
            .iter()
            .filter(|(name, _)| name == env)
            .map(|(_, path)| set.folder.join(path).canonicalize().expect("input"))
            .collect();
        let output = built.join(env).join("helmsman.yaml");
        let mut want = as_helmsman_reads(tool, &inputs, None);
        for path in &set.lost {
            let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
            let pointer = if parent.is_empty() {
                String::new()
            } else {
                format!("/{parent}")
            };
            let removed = want
                .pointer_mut(&pointer)
                .and_then(Json::as_object_mut)
                .and_then(|map| map.remove(key));
            if removed.is_none() {
                return Err(format!(
                    "{env}: `{path}` is listed as lost but is not in the input"
                ));
            }
        }
        normalise(&mut want);
        let got = as_helmsman_reads(tool, &[output], Some(&want));
        if want != got {
            return Err(format!(
                "{env}: the round trip changes the desired state\ninput:  {}\noutput: {}",
                serde_json::to_string_pretty(&want).expect("json"),
                serde_json::to_string_pretty(&got).expect("json")
            ));
        }
    }
    Ok(())
}

/// A desired-state file as helmsman reads it, with each app's values files merged as Helm
/// merges `-f` files, normalised so that what ehp writes differently without changing what
/// helmsman does compares equal: defaults written out (`false`, `0`, a 300 s timeout, the
/// context `default`), `$NAME` as `${NAME}`, local paths absolute, apps keyed by release name
/// and namespace, ehp's own metadata. `input` (for an output) drops what ehp adds around the
/// input: apps disabled because the input lacks them, repositories and empty namespaces the
/// input does not declare.
fn as_helmsman_reads(tool: &str, files: &[PathBuf], input: Option<&Json>) -> Json {
    let read = support::run_helm_read(tool, "dsf", files);
    let mut dsf = Json::Null;
    for file in files {
        mergo(&mut dsf, read[file.to_str().expect("utf-8")].clone(), &[]);
    }
    let folder = files
        .first()
        .and_then(|file| file.parent())
        .expect("folder");
    let object = dsf.as_object_mut().expect("a DSF is an object");
    if let Some(Json::Object(metadata)) = object.get_mut("metadata") {
        if let Some(want) = input {
            metadata.remove("generator");
            if want["metadata"]["environment"].is_null() {
                metadata.remove("environment");
            }
        }
        if metadata.is_empty() {
            object.remove("metadata");
        }
    }
    if !object.contains_key("context") {
        object.insert("context".into(), Json::String("default".into()));
    }
    object.remove("appsTemplates");
    if let Some(Json::Object(hooks)) = object
        .get_mut("settings")
        .and_then(|settings| settings.get_mut("globalHooks"))
    {
        localise_hooks(folder, hooks);
    }
    let mut repos: Vec<String> = object
        .get("helmRepos")
        .and_then(Json::as_object)
        .map(|repos| repos.keys().cloned().collect())
        .unwrap_or_default();
    // helmsman reads `repo/chart` of a preconfigured repository as a repository's chart too.
    repos.extend(
        object
            .get("preconfiguredHelmRepos")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|repo| repo.as_str().map(str::to_string)),
    );
    let mut apps = Map::new();
    if let Some(Json::Object(read_apps)) = object.remove("apps") {
        for (key, mut app) in read_apps {
            let app_object = app.as_object_mut().expect("an app is an object");
            let values = merged_values(tool, folder, app_object);
            app_object.insert("values".into(), values);
            localise(folder, app_object, &repos);
            let name = app_object
                .remove("name")
                .and_then(|name| name.as_str().map(str::to_string))
                .unwrap_or(key);
            let namespace = app_object["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            apps.insert(format!("{name}@{namespace}"), app);
        }
    }
    if let Some(Json::Object(want)) = input.map(|input| &input["apps"]) {
        apps.retain(|key, app| want.contains_key(key) || app["enabled"] == Json::Bool(true));
    }
    object.insert("apps".into(), Json::Object(apps));
    if let Some(want) = input {
        for field in ["helmRepos", "namespaces"] {
            let keep = want[field].as_object().cloned().unwrap_or_default();
            if let Some(Json::Object(map)) = object.get_mut(field) {
                map.retain(|key, _| keep.contains_key(key));
            }
        }
    }
    normalise(&mut dsf);
    dsf
}

/// helmsman's merge of a later `-f` file (mergo, with override and appended slices): maps
/// key by key, lists appended, a later value unless it is empty (`false`, `0`, `""`, null),
/// but for an app's nullable booleans, where a `false` given wins.
fn mergo(into: &mut Json, more: Json, path: &[&str]) {
    match (into, more) {
        (Json::Object(base), Json::Object(more)) => {
            for (key, value) in more {
                match base.get_mut(&key) {
                    Some(existing) => {
                        let mut inner = path.to_vec();
                        inner.push(&key);
                        mergo(existing, value, &inner);
                    }
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (Json::Array(base), Json::Array(more)) => base.extend(more),
        (into, more) => {
            let nullable = matches!(path, ["apps", _, field] if ["enabled", "test", "protected", "wait", "noHooks"].contains(field));
            let empty = more.is_null()
                || more == Json::Bool(false) && !nullable
                || more.as_f64() == Some(0.0)
                || more.as_str() == Some("");
            if !empty || into.is_null() {
                *into = more;
            }
        }
    }
}

/// The app's values files (`valuesFile`, `valuesFiles`) read by helm-read and merged in order.
fn merged_values(tool: &str, folder: &Path, app: &mut Map<String, Json>) -> Json {
    let mut files: Vec<String> = Vec::new();
    if let Some(Json::String(file)) = app.remove("valuesFile") {
        files.push(file);
    }
    if let Some(Json::Array(list)) = app.remove("valuesFiles") {
        files.extend(
            list.iter()
                .filter_map(|file| file.as_str().map(str::to_string)),
        );
    }
    let mut merged = Json::Object(Map::new());
    for file in files.iter().filter(|file| !file.is_empty()) {
        let path = folder.join(file);
        let read = support::run_helm_read(tool, "values", std::slice::from_ref(&path));
        let values = read[path.to_str().expect("utf-8")].clone();
        // An empty values file is no values.
        if !values.is_null() {
            merge(&mut merged, values);
        }
    }
    merged
}

/// Helm's merge of a later `-f` file.
fn merge(into: &mut Json, more: Json) {
    match (into, more) {
        (Json::Object(base), Json::Object(more)) => {
            for (key, value) in more {
                match base.get_mut(&key) {
                    Some(existing @ Json::Object(_)) if value.is_object() => merge(existing, value),
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (into, more) => *into = more,
    }
}

/// Local chart and secrets-file paths as absolute paths (each side resolves against its own
/// desired-state file's folder).
fn localise(folder: &Path, app: &mut Map<String, Json>, repos: &[String]) {
    if let Some(Json::String(chart)) = app.get_mut("chart") {
        let first = chart.split('/').next().unwrap_or_default();
        let remote = chart.contains("://")
            || (chart.contains('/') && repos.iter().any(|repo| repo == first));
        if !remote {
            *chart = absolute(&folder.join(&*chart));
        }
    }
    if let Some(Json::Object(hooks)) = app.get_mut("hooks") {
        localise_hooks(folder, hooks);
    }
    // One file is a list of one (helmsman reads either, never both).
    if let Some(file) = app.remove("secretsFile") {
        app.insert("secretsFiles".into(), Json::Array(vec![file]));
    }
    if let Some(Json::Array(files)) = app.get_mut("secretsFiles") {
        for file in files.iter_mut() {
            if let Json::String(path) = file {
                *path = absolute(&folder.join(&*path));
            }
        }
    }
}

/// Hooks naming a manifest or script (by its extension) as absolute paths.
fn localise_hooks(folder: &Path, hooks: &mut Map<String, Json>) {
    for hook in hooks.values_mut() {
        if let Json::String(text) = hook {
            let (first, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
            let file = [".yaml", ".yml", ".json", ".sh", ".py", ".rb"]
                .iter()
                .any(|extension| first.ends_with(extension));
            if file && !first.contains("://") {
                *text = format!("{} {rest}", absolute(&folder.join(first)))
                    .trim_end()
                    .to_string();
            }
        }
    }
}

fn absolute(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Drops what equals helmsman's defaults (false, 0, empty, a 300 s timeout) and writes every
/// `$NAME` as `${NAME}`.
fn normalise(value: &mut Json) {
    match value {
        Json::Object(map) => {
            for (_, inner) in map.iter_mut() {
                normalise(inner);
            }
            map.retain(|key, inner| {
                !(matches!(inner, Json::Bool(false) | Json::Null)
                    || inner.as_i64() == Some(0)
                    || (key == "timeout" && inner.as_i64() == Some(300))
                    || inner.as_object().is_some_and(Map::is_empty) && key != "values"
                    || inner.as_array().is_some_and(Vec::is_empty)
                    || inner.as_str() == Some(""))
            });
        }
        Json::Array(items) => items.iter_mut().for_each(normalise),
        Json::String(text) => *text = braced(text),
        _ => {}
    }
}

/// `$NAME` as `${NAME}`; `$$` and `${...}` as they are.
fn braced(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                out.push_str("$$");
                chars.next();
            }
            Some(next) if next.is_ascii_alphabetic() || *next == '_' => {
                let mut name = String::new();
                while let Some(next) = chars
                    .peek()
                    .filter(|next| next.is_ascii_alphanumeric() || **next == '_')
                {
                    name.push(*next);
                    chars.next();
                }
                out.push_str(&format!("${{{name}}}"));
            }
            _ => out.push('$'),
        }
    }
    out
}

/// A bad input of `bad/NAME/` (its one file, whose first line is `# expect = [...]`): the
/// import fails with those codes, writes nothing, and says so as the snapshot shows.
fn bad_trial(folder: PathBuf) -> Result<(), String> {
    let file = std::fs::read_dir(&folder)
        .expect("bad case")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .next()
        .expect("a file");
    let first = std::fs::read_to_string(folder.join(&file)).expect("text");
    let expect: Vec<String> = first
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# expect = "))
        .and_then(|list| serde_json::from_str(list).ok())
        .expect("first line: # expect = [\"CODE\"]");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("project");
    let json = run(ehp()
        .args(["import", "--message-format", "json", "--env"])
        .arg(format!("test={file}"))
        .arg("--out")
        .arg(&out)
        .current_dir(&folder));
    let found = codes(&json.stdout);
    if found != expect || json.status.code() != Some(1) || out.exists() {
        return Err(format!(
            "expected {expect:?} and exit 1 with nothing written, got {found:?}, {:?}: {}",
            json.status.code(),
            text(&json.stderr)
        ));
    }
    let human = run(ehp()
        .args(["import", "--color", "never", "--env"])
        .arg(format!("test={file}"))
        .arg("--out")
        .arg(&out)
        .current_dir(&folder));
    let name = folder
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("fixtures/import/bad/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"/tmp/\.tmp\w+", "TMP");
    settings.bind(|| {
        insta::assert_snapshot!(
            format!("bad__{name}"),
            format!(
                "=== {file}\n{first}\n=== ehp import --env test={file}\n{}",
                text(&human.stderr)
            )
        );
    });
    Ok(())
}

/// The worked example of `docs/import.md`: its input files written, its `ehp import` command
/// run, and every `.ehp` file it shows compared with what the import writes; then the project
/// checks, is formatted and round-trips like every fixture.
fn docs_worked_example() -> Result<Outcome, String> {
    let doc = std::fs::read_to_string("docs/import.md").expect("docs/import.md");
    let (blocks, _) = support::fenced_blocks(&doc);
    let dir = tempfile::tempdir().expect("tempdir");
    for (info, body) in &blocks {
        if let Some(path) = info.strip_prefix("yaml ") {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
            std::fs::write(path, body).expect("write");
        }
    }
    let command = blocks
        .iter()
        .filter(|(info, _)| info == "sh")
        .flat_map(|(_, body)| body.lines().map(str::to_string).collect::<Vec<_>>())
        .find(|line| line.contains("--name"))
        .ok_or("docs/import.md shows no `ehp import ... --name` command")?;
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let imported = run(ehp().args(&args).current_dir(dir.path()));
    if !imported.status.success() {
        return Err(format!("`{command}` failed: {}", text(&imported.stderr)));
    }
    for (info, body) in &blocks {
        if let Some(path) = info.strip_prefix("ehp ") {
            let written = std::fs::read_to_string(dir.path().join(path))
                .map_err(|error| format!("`{path}` was not written: {error}"))?;
            if written != *body {
                return Err(format!(
                    "docs/import.md shows `{path}` as\n{body}\nbut the import writes\n{written}"
                ));
            }
        }
    }
    let envs: Vec<(String, String)> = args
        .windows(2)
        .filter(|pair| pair[0] == "--env")
        .filter_map(|pair| pair[1].split_once('='))
        .map(|(env, path)| (env.to_string(), path.to_string()))
        .collect();
    trial(Set {
        name: "docs/import.md".into(),
        folder: dir.path().to_path_buf(),
        envs,
        expect: Vec::new(),
        lost: Vec::new(),
        options: Vec::new(),
    })
}

/// Imports `text` as a desired-state file named `name` through the library, every values file
/// missing: it may fail, never panic.
fn import_text(name: &str, text: &str) -> usize {
    let input = ehp::import::Input {
        env: "test".into(),
        path: name.into(),
        text: text.into(),
        folder: PathBuf::from("."),
        from_root: ".".into(),
    };
    let reading = ehp::import::read(&[input]);
    let files: Vec<(PathBuf, Result<String, String>)> = reading
        .values_files()
        .into_iter()
        .map(|path| (path, Err("missing".to_string())))
        .collect();
    reading.finish("mangled", &files, &[]).diagnostics.len()
}

/// Every fixture's desired-state file cut short at many places and with bytes swapped, and
/// nesting far deeper than the limit, in both formats: diagnostics, never a panic.
fn mangled_inputs_never_panic() -> Result<(), String> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for set in sets() {
        for (_, path) in &set.envs {
            let text = std::fs::read_to_string(set.folder.join(path)).expect("fixture");
            texts.push((path.clone(), text));
        }
    }
    for (name, text) in &texts {
        let step = (text.len() / 40).max(1);
        for cut in (0..text.len()).step_by(step) {
            if text.is_char_boundary(cut) {
                import_text(name, &text[..cut]);
            }
        }
        for (from, to) in [(':', ' '), ('-', ':'), ('"', '['), ('=', '{'), (' ', '&')] {
            import_text(name, &text.replacen(from, &to.to_string(), 3));
        }
    }
    let deep_yaml = format!("apps: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_toml = format!("apps = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\napps: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    for (name, text) in [
        ("deep.yaml", deep_yaml.as_str()),
        ("deep.toml", deep_toml.as_str()),
        ("bomb.yaml", bomb),
    ] {
        if import_text(name, text) == 0 {
            return Err(format!("{name}: no diagnostic"));
        }
    }
    Ok(())
}

/// What the command line refuses, and re-importing: an `--env` without `=`, a name the
/// import cannot use, a folder holding another project or the input itself as `--out` (exit 2,
/// nothing written); the same import twice leaves the output as it is.
fn command_line_refusals_and_reimport() -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let dsf = dir.path().join("helmsman.yaml");
    std::fs::write(
        &dsf,
        "namespaces:\n  apps:\napps:\n  web:\n    namespace: apps\n    enabled: true\n    chart: oci://r.example/web\n    version: 1.0.0\n",
    )
    .expect("write");
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(other.join("mine.ehp"), "// a project of its own\n").expect("write");
    let out = dir.path().join("out");
    let refused: [(&[&str], &Path); 4] = [
        (&["--env", "helmsman.yaml"], &out),
        (&["--env", "base=helmsman.yaml"], &out),
        (&["--env", "test=helmsman.yaml"], &other),
        (&["--env", "test=helmsman.yaml"], dir.path()),
    ];
    for (args, target) in refused {
        let ran = run(ehp()
            .arg("import")
            .args(args)
            .arg("--out")
            .arg(target)
            .current_dir(dir.path()));
        if ran.status.code() != Some(2) {
            return Err(format!(
                "{args:?} --out {}: exit {:?}, {}",
                target.display(),
                ran.status.code(),
                text(&ran.stderr)
            ));
        }
    }
    if out.exists() || std::fs::read_dir(&other).expect("other").count() != 1 {
        return Err("a refused import wrote something".into());
    }
    for expected in ["imported 1 environment", "unchanged: 1 environment"] {
        let ran = run(ehp()
            .args(["import", "--env", "test=helmsman.yaml", "--out", "out"])
            .current_dir(dir.path()));
        if !ran.status.success() || !text(&ran.stderr).contains(expected) {
            return Err(format!("expected `{expected}`: {}", text(&ran.stderr)));
        }
    }
    Ok(())
}

/// A literal password in a desired-state file or a values file is never shown: not in the
/// import's own diagnostics (which quote the lines around them), in any format; each is an
/// error of its own (E0710), so nothing is written.
fn secrets_are_never_shown() -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("values")).expect("mkdir");
    std::fs::write(
        dir.path().join("helmsman.yaml"),
        "settings:\n  kubeContext: test\n  username: admin\n  password: Hunter2Hunter2\nnamespaces:\n  apps:\napps:\n  web:\n    namespace: apps\n    enabled: true\n    chart: oci://r.example/web\n    version: 1.0.0\n    frobnicate: 1\n    valuesFiles: [values/web.yaml]\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("values/web.yaml"),
        "auth:\n  password: Sw0rdfishSw0rdfish\n  user: web\nreplicas: [\n",
    )
    .expect("write");
    for format in ["human", "short", "json", "sarif", "github"] {
        let ran = run(ehp()
            .args([
                "import",
                "--env",
                "test=helmsman.yaml",
                "--out",
                "out",
                "--color",
                "never",
            ])
            .args(["--message-format", format])
            .current_dir(dir.path()));
        let shown = format!("{}{}", text(&ran.stdout), text(&ran.stderr));
        if ran.status.success() || !shown.contains("E0708") {
            return Err(format!("{format}: expected E0708 and a failure:\n{shown}"));
        }
        for secret in ["Hunter2Hunter2", "Sw0rdfishSw0rdfish"] {
            if shown.contains(secret) {
                return Err(format!("{format} shows `{secret}`:\n{shown}"));
            }
        }
    }
    // With a readable values file, the import refuses the literal secrets where they are.
    std::fs::write(
        dir.path().join("values/web.yaml"),
        "auth:\n  password: Sw0rdfishSw0rdfish\n",
    )
    .expect("write");
    let ran = run(ehp()
        .args([
            "import",
            "--env",
            "test=helmsman.yaml",
            "--out",
            "out",
            "--color",
            "never",
        ])
        .current_dir(dir.path()));
    let shown = text(&ran.stderr);
    if ran.status.success() || !shown.contains("E0710") || dir.path().join("out").exists() {
        return Err(format!("expected E0710 and nothing written:\n{shown}"));
    }
    if shown.contains("Hunter2Hunter2") || shown.contains("Sw0rdfishSw0rdfish") {
        return Err(format!("the check shows a secret:\n{shown}"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut trials: Vec<Trial> = vec![
        Trial::check("docs/import.md", docs_worked_example),
        Trial::test("mangled_inputs_never_panic", mangled_inputs_never_panic),
        Trial::test("secrets_are_never_shown", secrets_are_never_shown),
        Trial::test(
            "command_line_refusals_and_reimport",
            command_line_refusals_and_reimport,
        ),
    ];
    for set in sets() {
        let name = format!("{FIXTURES}/{}", set.name);
        let waiting = WAITING
            .iter()
            .find(|(waiting, _)| *waiting == set.name)
            .map(|(_, why)| *why);
        trials.push(Trial::check(name, move || match (trial(set), waiting) {
            (Err(_), Some(_)) => Ok(Outcome::Passed),
            (Ok(_), Some(why)) => Err(format!("passes now: remove it from WAITING ({why})")),
            (result, None) => result,
        }));
    }
    let mut bad: Vec<PathBuf> = std::fs::read_dir(Path::new(FIXTURES).join("bad"))
        .expect("bad")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir() && !path.ends_with("snapshots"))
        .collect();
    bad.sort();
    for folder in bad {
        let name = folder.display().to_string();
        trials.push(Trial::test(name, move || bad_trial(folder)));
    }
    harness::run(trials)
}
