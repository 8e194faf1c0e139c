//! Chart values checked against the charts themselves, end to end through the `ehp` binary: a
//! chart repository (and an OCI registry) served on 127.0.0.1 by the test, `ehp charts fetch`
//! filling a temporary cache and writing `ehp.lock`, and `ehp check` checking values offline.
#![allow(clippy::expect_used)] // A failed `expect` in a test is a failing test.
#![allow(clippy::disallowed_methods)] // The tests write projects and caches to disk.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::charts::{Answer, index_yaml, package, publish_oci, repository};

/// A project folder and a chart cache of its own, with every cache variable pointed inside.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(main: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("project")).expect("project");
        let sandbox = Sandbox { dir };
        sandbox.write(main);
        sandbox
    }

    fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn write(&self, main: &str) {
        std::fs::write(self.project().join("main.ehp"), main).expect("main.ehp");
    }

    fn lock(&self) -> String {
        std::fs::read_to_string(self.project().join("ehp.lock")).unwrap_or_default()
    }

    /// Runs `ehp ARGS` in the project folder: exit code, stdout and stderr.
    fn ehp(&self, args: &[&str]) -> (i32, String, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_ehp"))
            .args(args)
            .current_dir(self.project())
            .env("EHP_CHART_CACHE", self.cache())
            .env("HELM_CACHE_HOME", self.dir.path().join("helm"))
            .env("XDG_CACHE_HOME", self.dir.path().join("xdg"))
            .env("NO_COLOR", "1")
            .output()
            .expect("ehp runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/charts")
        .join(name)
}

/// A project using the `shop` chart of `url`, with `apps` appended.
fn shop_project(url: &str, apps: &str) -> String {
    format!(
        r#"env test {{
    kube_context = "kind"
    domain = "test.example"
    helm_repos {{
        fixtures = "{url}/charts"
    }}
}}

template shop_app {{
    chart = "fixtures/shop"
    chart_version = "1.0.0"
    values {{
        replicaCount = replicas
        image {{
            repository = "${{registry}}/${{image}}"
            tag = tag
        }}
        auth.user = "shop"
    }}
}}

app good: shop_app {{
    image = "shop/web"
    tag = "1.0"
}}
{apps}"#
    )
}

/// The `(line, code)` of each diagnostic of `--message-format short` output.
fn short_codes(stderr: &str) -> Vec<(usize, String)> {
    stderr
        .lines()
        .filter_map(|line| {
            let (place, rest) = line.split_once(": ")?;
            let code = rest.split_once('[')?.1.split_once(']')?.0.to_string();
            let line_number = place.split(':').nth(1)?.parse().ok()?;
            Some((line_number, code))
        })
        .collect()
}

#[test]
fn fetch_writes_the_lock_and_check_works_offline_from_the_cache() {
    let (server, packages) = repository(&[fixture("shop"), fixture("plain")]);
    let sandbox = Sandbox::new(&shop_project(&server.url, ""));
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("charts: 1 fetched, 0 already in the cache"),
        "{stderr}"
    );
    let lock = sandbox.lock();
    let shop_digest = ehp::store::digest(&packages[0].2);
    assert!(
        lock.contains(&format!("digest = \"{shop_digest}\"")),
        "{lock}"
    );
    assert!(
        lock.contains("name = \"shop\"") && !lock.contains("plain"),
        "{lock}"
    );
    assert!(
        sandbox
            .cache()
            .join(format!("sha256-{}.tgz", &shop_digest[7..]))
            .is_file()
    );
    let asked = server.requests();
    assert_eq!(asked, ["/charts/index.yaml", "/charts/shop-1.0.0.tgz"]);
    // No network from here on: the server is gone.
    drop(server);
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--deny", "warnings"]);
    assert_eq!(
        code, 0,
        "a clean project checks clean against its chart: {stderr}"
    );
    assert!(!stderr.contains("W0021"), "{stderr}");
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "a cache hit needs no network: {stderr}");
    assert!(
        stderr.contains("0 fetched, 1 already in the cache") && stderr.contains("is up to date"),
        "{stderr}"
    );
    assert_eq!(
        sandbox.lock(),
        lock,
        "an up-to-date lock file is not rewritten"
    );
}

// Length: every kind of schema finding in one project, each with its place and its words.
#[test]
fn schema_errors_are_reported_at_the_span_that_produced_the_value() {
    let (server, _) = repository(&[fixture("shop")]);
    let broken = r#"
app broken: shop_app {
    image = "shop/web"
    tag = "1.0"
    values {
        replicaCount = "two"
        service.type = "Internal"
        service.portt = 8080
        ingress.host = "shop.test.example"
    }
}

template bare {
    chart = "fixtures/shop"
    chart_version = "1.0.0"
}

app lonely: bare {
    image = "shop/lonely"
    tag = "1.0"
}

app idle: shop_app {
    image = "shop/idle"
    tag = "1.0"
    replicas = 0
}
"#;
    let sandbox = Sandbox::new(&shop_project(&server.url, broken));
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    let found = short_codes(&stderr);
    let expected: Vec<(usize, String)> = [
        (31, "E0801"), // replicaCount = "two": the string, where it is written
        (32, "E0802"), // service.type = "Internal": not one of the enum
        (33, "E0804"), // service.portt: the schema allows no such key
        (34, "W0020"), // ingress.host: neither schema nor values.yaml knows it
        (43, "E0803"), // app lonely: auth is required and nothing sets it
        (51, "E0802"), // replicas = 0: below the chart's minimum, through the template
    ]
    .iter()
    .map(|(line, code)| (*line, code.to_string()))
    .collect();
    assert_eq!(found, expected, "{stderr}");
    let (_, _, human) = sandbox.ehp(&["check", "."]);
    for needle in [
        "chart value `replicaCount` has the wrong type",
        "\"two\" is not of type \"integer\"",
        "shop 1.0.0 says: Number of pod replicas.",
        "chart value `service.type` is not valid",
        "\"Internal\" is not one of \"ClusterIP\", \"NodePort\" or \"LoadBalancer\"",
        "chart value `service.portt` is not allowed",
        "did you mean `port`?",
        "unknown chart value `ingress.host`",
        "did you mean `hosts`?",
        "chart value `auth` is required",
        "app `lonely` does not set `auth`",
        "note: chart shop 1.0.0",
        "note: in environment test",
    ] {
        assert!(human.contains(needle), "missing {needle:?} in:\n{human}");
    }
    // The value comes from the app's `replicas`; the template makes it `replicaCount`.
    let idle = human
        .split("\n\n")
        .find(|part| part.contains("0 is less than the minimum of 1"))
        .expect("the finding of app idle");
    assert!(
        idle.contains("becomes chart value `replicaCount` here"),
        "{idle}"
    );
    let (code, json, _) = sandbox.ehp(&["check", ".", "--message-format", "json"]);
    assert_eq!(code, 1);
    let first: serde_json::Value =
        serde_json::from_str(json.lines().next().expect("a line")).expect("json");
    assert_eq!(first["code"], "E0801");
    assert_eq!(first["file"], "main.ehp");
    let text = std::fs::read_to_string(sandbox.project().join("main.ehp")).expect("source");
    let start = first["byte_start"].as_u64().expect("start") as usize;
    let end = first["byte_end"].as_u64().expect("end") as usize;
    assert_eq!(&text[start..end], "\"two\"");
}

#[test]
fn unknown_keys_are_warnings_with_did_you_mean_and_can_be_denied() {
    let (server, _) = repository(&[fixture("shop")]);
    let typo = r#"
app typo: shop_app {
    image = "shop/web"
    tag = "1.0"
    values.replicaCont = 2
}
"#;
    let sandbox = Sandbox::new(&shop_project(&server.url, typo));
    assert_eq!(sandbox.ehp(&["charts", "fetch"]).0, 0);
    let (code, _, stderr) = sandbox.ehp(&["check", "."]);
    assert_eq!(code, 0, "an unknown key is a warning: {stderr}");
    assert!(
        stderr.contains("warning[W0020]: unknown chart value `replicaCont`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `replicaCount`?"), "{stderr}");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--deny", "W0020"]);
    assert_eq!(code, 1, "denied: {stderr}");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--deny", "W0001"]);
    assert_eq!(code, 0, "only the denied code fails the run: {stderr}");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--deny", "E0801"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("only warnings can be denied"), "{stderr}");
    let (code, _, _) = sandbox.ehp(&["build", ".", "--out", "out", "--deny", "W0020"]);
    assert_eq!(code, 1, "a denied warning stops the build");
    assert!(!sandbox.project().join("out").exists());
}

#[test]
fn a_chart_without_a_schema_is_checked_against_its_values_file() {
    let (server, _) = repository(&[fixture("plain")]);
    let project = format!(
        r#"env test {{
    kube_context = "kind"
    domain = "test.example"
    helm_repos {{
        fixtures = "{}/charts"
    }}
}}

app tool: worker {{
    chart = "fixtures/plain"
    chart_version = "0.3.0"
    image = "tools/box"
    tag = "1.0"
    consumes = "jobs"
    values {{
        podAnnotations.team = "tools"
        replicaCount = "many"
    }}
}}
"#,
        server.url
    );
    let sandbox = Sandbox::new(&project);
    assert_eq!(sandbox.ehp(&["charts", "fetch"]).0, 0);
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(
        code, 0,
        "without a schema, nothing is a schema error: {stderr}"
    );
    let codes: Vec<String> = short_codes(&stderr)
        .into_iter()
        .map(|(_, code)| code)
        .collect();
    // The worker template's own keys the plain chart does not know, each once; free-form
    // `podAnnotations` and the known `replicaCount` pass.
    assert!(
        !codes.is_empty() && codes.iter().all(|code| code == "W0020"),
        "{stderr}"
    );
    for key in [
        "`resources`",
        "`containerPorts`",
        "`consumer`",
        "`env`",
        "`config`",
        "`configFiles`",
    ] {
        assert!(
            stderr.contains(&format!("unknown chart value {key}")),
            "{key}: {stderr}"
        );
    }
    assert!(
        !stderr.contains("podAnnotations") && !stderr.contains("`replicaCount`"),
        "{stderr}"
    );
}

#[test]
fn a_changed_package_is_a_digest_mismatch() {
    let (server, packages) = repository(&[fixture("shop")]);
    let sandbox = Sandbox::new(&shop_project(&server.url, ""));
    assert_eq!(sandbox.ehp(&["charts", "fetch"]).0, 0);
    let lock = sandbox.lock();
    // The cached package changes on disk.
    let digest = ehp::store::digest(&packages[0].2);
    let cached = sandbox.cache().join(format!("sha256-{}.tgz", &digest[7..]));
    let mut bytes = std::fs::read(&cached).expect("cached");
    bytes.push(0);
    std::fs::write(&cached, &bytes).expect("tamper");
    let (code, _, stderr) = sandbox.ehp(&["check", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[E0805]: chart shop 1.0.0 does not match the lock file"),
        "{stderr}"
    );
    // The repository republishes 1.0.0 with other contents.
    std::fs::remove_file(&cached).expect("remove");
    let mut other = support::charts::package(&fixture("shop"));
    other.extend_from_slice(&[0; 16]);
    server.set("/charts/shop-1.0.0.tgz", Answer::ok(other.clone()));
    server.set(
        "/charts/index.yaml",
        Answer::ok(index_yaml(&[("shop", "1.0.0", &other)])),
    );
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("does not match ehp.lock"), "{stderr}");
    assert_eq!(
        sandbox.lock(),
        lock,
        "a failed fetch leaves the lock file alone"
    );
    // An index whose digest is not the package's.
    std::fs::remove_file(sandbox.project().join("ehp.lock")).expect("unlock");
    server.set(
        "/charts/index.yaml",
        Answer::ok(index_yaml(&[("shop", "1.0.0", &packages[0].2)])),
    );
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("does not match the repository's index"),
        "{stderr}"
    );
    assert!(!sandbox.project().join("ehp.lock").exists());
}

#[test]
fn a_missing_chart_is_reported_by_fetch_and_named_by_check() {
    let (server, _) = repository(&[fixture("shop")]);
    let missing = r#"
app old: shop_app {
    image = "shop/web"
    tag = "1.0"
    chart_version = "0.9.0"
}

app other: shop_app {
    image = "shop/web"
    tag = "1.0"
    chart = "fixtures/shopp"
}
"#;
    let sandbox = Sandbox::new(&shop_project(&server.url, missing));
    let (code, _, stderr) = sandbox.ehp(&["check", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("W0021").count(), 1, "named once: {stderr}");
    assert!(
        stderr.contains("3 charts were not checked")
            && stderr.contains("the project has no ehp.lock"),
        "{stderr}"
    );
    assert!(stderr.contains("run `ehp charts fetch`"), "{stderr}");
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch", "--message-format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("E0807").count(), 2, "{stderr}");
    let (_, _, human) = sandbox.ehp(&["charts", "fetch"]);
    assert!(
        human.contains("has no version 0.9.0 of `shop`")
            && human.contains("versions it has: 1.0.0"),
        "{human}"
    );
    assert!(
        human.contains("has no chart `shopp`") && human.contains("did you mean `shop`?"),
        "{human}"
    );
    assert!(
        sandbox.lock().is_empty(),
        "nothing is locked while a chart is missing"
    );
    // An unreachable repository is an error of the run.
    drop(server);
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot fetch"), "{stderr}");
}

#[test]
fn an_oci_chart_is_fetched_from_its_registry() {
    let (server, _) = repository(&[]);
    let bytes = package(&fixture("shop"));
    publish_oci(&server, "charts", "shop", "1.0.0", &bytes);
    let host = server.url.trim_start_matches("http://").to_string();
    let project = shop_project(&server.url, "")
        .replace(
            "\"fixtures/shop\"",
            &format!("\"oci://{host}/charts/shop\""),
        )
        .replace(
            "tag = \"1.0\"\n}",
            "tag = \"1.0\"\n    values.replicaCount = -1\n}",
        );
    let sandbox = Sandbox::new(&project);
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        sandbox
            .lock()
            .contains(&format!("repository = \"oci://{host}/charts\""))
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|path| path.starts_with("/token?")),
        "the token dance"
    );
    let (code, _, stderr) = sandbox.ehp(&["check", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("E0802") && stderr.contains("-1 is less than the minimum of 1"),
        "{stderr}"
    );
}

/// The example, with its chart repository and registry on 127.0.0.1.
fn example_sandbox(server: &support::charts::Server) -> Sandbox {
    let sandbox = Sandbox::new("");
    std::fs::remove_file(sandbox.project().join("main.ehp")).expect("empty");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let host = server.url.trim_start_matches("http://");
    for (path, text) in support::charts::ehp_sources(&example) {
        let relative = Path::new(&path).strip_prefix(&example).expect("inside");
        let text = text
            .replace(
                "https://charts.ehealth.example",
                &format!("{}/charts", server.url),
            )
            .replace("oci://registry.ehealth.example", &format!("oci://{host}"));
        let target = sandbox.project().join(relative);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("dir");
        std::fs::write(target, text).expect("write");
    }
    sandbox
}

#[test]
fn the_example_checks_clean_against_its_real_charts_and_a_broken_value_is_caught() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/charts");
    let (server, _) = repository(&[
        charts.join("web-service"),
        charts.join("worker"),
        charts.join("cronjob"),
    ]);
    publish_oci(
        &server,
        "charts",
        "fhir-gateway",
        "0.9.3",
        &package(&charts.join("fhir-gateway")),
    );
    let sandbox = example_sandbox(&server);
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("charts: 4 fetched"), "{stderr}");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--deny", "warnings"]);
    assert_eq!(code, 0, "the example is clean against its charts: {stderr}");
    let (code, _, stderr) = sandbox.ehp(&["build", ".", "--out", "out", "--deny", "warnings"]);
    assert_eq!(code, 0, "{stderr}");
    // A supplier exposes the portal with a service type the chart does not have.
    let portal = sandbox.project().join("apps/patient-portal.ehp");
    let text = std::fs::read_to_string(&portal).expect("portal");
    let broken = text.replacen(
        "    probes.readiness_path = \"/healthz\"\n",
        "    probes.readiness_path = \"/healthz\"\n    values.service.type = \"Public\"\n",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&portal, broken).expect("write");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    let line = stderr.lines().next().expect("a diagnostic");
    assert!(
        line.starts_with(
            "apps/patient-portal.ehp:14:27: error[E0802]: chart value `service.type` is not valid"
        ),
        "{stderr}"
    );
    let (_, json, _) = sandbox.ehp(&["check", ".", "--message-format", "json"]);
    let found: serde_json::Value = serde_json::from_str(json.trim()).expect("one diagnostic");
    assert_eq!(
        found["help"],
        "web-service 2.4.0 says: The type of the Kubernetes service."
    );
    assert_eq!(
        found["notes"][1],
        "in environments exttest, inttest, local, preprod, prod"
    );
    // The value is written where its key is: one label.
    assert_eq!(found["labels"].as_array().map(Vec::len), Some(1));
}

#[test]
fn fetch_never_writes_through_a_link_planted_at_its_old_temporary_name() {
    let (server, _) = repository(&[fixture("shop")]);
    let sandbox = Sandbox::new(&shop_project(&server.url, ""));
    let victim = sandbox.dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("victim");
    // The lock file and the cache were once written through `NAME.part`: a link planted there
    // must not make the fetch overwrite what it points at.
    std::os::unix::fs::symlink(&victim, sandbox.project().join("ehp.part")).expect("link");
    std::fs::create_dir_all(sandbox.cache()).expect("cache");
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(sandbox.lock().contains("name = \"shop\""));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    let leftovers: Vec<String> = std::fs::read_dir(sandbox.project())
        .expect("project")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part") && name != "ehp.part")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The `shop` fixture as a chart folder of the project, `charts/shop`.
fn local_shop(sandbox: &Sandbox) -> PathBuf {
    let folder = sandbox.project().join("charts/shop");
    std::fs::create_dir_all(&folder).expect("chart folder");
    for file in ["Chart.yaml", "values.yaml", "values.schema.json"] {
        std::fs::copy(fixture("shop").join(file), folder.join(file)).expect("copy");
    }
    folder
}

/// A chart folder of the project (`./charts/shop`) is the chart: read where it is, never fetched
/// or locked, and its schema's verdicts are reported at the `.ehp` span of the value, offline.
#[test]
fn a_local_chart_is_checked_from_its_folder() {
    let main = r#"env test {
    kube_context = "kind"
    domain = "test.example"
}

app shop: helm_chart {
    chart = "./charts/shop"
    chart_version = "1.0.0"
    values {
        replicaCount = "two"
        auth.user = "shop"
    }
}
"#;
    let sandbox = Sandbox::new(main);
    let folder = local_shop(&sandbox);
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        sandbox.lock().lines().all(|line| !line.contains("shop")),
        "{}",
        sandbox.lock()
    );
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        short_codes(&stderr),
        [(10, "E0801".to_string())],
        "{stderr}"
    );
    let (code, json, _) = sandbox.ehp(&["check", ".", "--message-format", "json"]);
    assert_eq!(code, 1);
    let first: serde_json::Value =
        serde_json::from_str(json.lines().next().expect("a line")).expect("json");
    let text = std::fs::read_to_string(sandbox.project().join("main.ehp")).expect("source");
    let start = first["byte_start"].as_u64().expect("start") as usize;
    let end = first["byte_end"].as_u64().expect("end") as usize;
    assert_eq!(&text[start..end], "\"two\"");
    // Fixed, the project builds; the chart is named from the desired-state file's folder.
    sandbox.write(&main.replace("\"two\"", "2"));
    let (code, _, stderr) = sandbox.ehp(&["build", ".", "--out", "out"]);
    assert_eq!(code, 0, "{stderr}");
    let dsf =
        std::fs::read_to_string(sandbox.project().join("out/test/helmsman.yaml")).expect("dsf");
    assert!(dsf.contains("    chart: \"../../charts/shop\"\n"), "{dsf}");
    // A chart folder without its Chart.yaml cannot be read.
    std::fs::remove_file(folder.join("Chart.yaml")).expect("remove");
    let (code, _, stderr) = sandbox.ehp(&["check", ".", "--message-format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("E0806"), "{stderr}");
}

/// A version constraint is resolved by helm when it deploys: there is no one chart to fetch,
/// lock or check, and `check` says so once.
#[test]
fn a_version_constraint_is_named_as_not_checked() {
    let sandbox = Sandbox::new(
        r#"env test {
    kube_context = "kind"
    domain = "test.example"
    helm_repos { fixtures = "https://127.0.0.1:9/charts" }
}

app shop: helm_chart {
    chart = "fixtures/shop"
    chart_version = "^1.0"
}
"#,
    );
    let (code, _, stderr) = sandbox.ehp(&["charts", "fetch"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!sandbox.lock().contains("shop"), "{}", sandbox.lock());
    let (code, json, stderr) = sandbox.ehp(&["check", ".", "--message-format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(json.contains("\"W0021\""), "{json}");
    assert!(
        json.contains("`^1.0` is a version constraint, which helm resolves when it deploys"),
        "{json}"
    );
}

/// The chart check sees what Helm is given: the app's values files in order, then ehp's values
/// over them. A value a file sets is judged there and reported at the file's entry; what a file
/// supplies (a required key) satisfies the chart; ehp's values win over the files.
#[test]
fn values_files_are_checked_merged_in_helms_order() {
    let main = r#"env test {
    kube_context = "kind"
    domain = "test.example"
}

app shop: helm_chart {
    chart = "./charts/shop"
    chart_version = "1.0.0"
    values_files = ["config/base.yaml", "config/test.yaml"]
    values {
        service.port = 8080
    }
}
"#;
    let sandbox = Sandbox::new(main);
    local_shop(&sandbox);
    let config = sandbox.project().join("config");
    std::fs::create_dir_all(&config).expect("config");
    std::fs::write(
        config.join("base.yaml"),
        "auth:\n  user: shop\nreplicaCount: two\nservice:\n  port: nope\n",
    )
    .expect("base");
    std::fs::write(
        config.join("test.yaml"),
        "replicaCount: 2\nservice:\n  type: Internal\n",
    )
    .expect("test");
    let (code, json, stderr) = sandbox.ehp(&["check", ".", "--message-format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let found: Vec<serde_json::Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).expect("json"))
        .filter(|found: &serde_json::Value| found["code"] != "W0021")
        .collect();
    // Only `service.type` fails: `replicaCount` of base.yaml is overridden by test.yaml, and
    // `service.port` by ehp's values; `auth` comes from base.yaml.
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["code"], "E0802", "{json}");
    let text = std::fs::read_to_string(sandbox.project().join("main.ehp")).expect("source");
    let start = found[0]["byte_start"].as_u64().expect("start") as usize;
    let end = found[0]["byte_end"].as_u64().expect("end") as usize;
    assert_eq!(&text[start..end], "\"config/test.yaml\"");
    let message = found[0]["labels"][0]["message"].as_str().expect("label");
    assert!(
        message.starts_with("`config/test.yaml` sets `service.type`"),
        "{message}"
    );
}
