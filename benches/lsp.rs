//! Language-server benchmark: one keystroke in a 1,000-app workspace (the platform of
//! `benches/compile.rs`), timed as the server does it: `Workspace::set_file` of the changed file,
//! then `analyze()` of the whole project from the cached parses. Run with
//! `cargo bench --bench lsp`.
//!
//! Budget (issue "ehp lsp"): a re-check answers in under 50 ms. The benchmark prints the median
//! and the phases, and exits non-zero when the median is over budget.

use std::time::{Duration, Instant};

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Copied from `benches/compile.rs` (benches cannot share a module without a helper crate).
/// Builds the sources of a platform with `apps` apps: six environments (one abstract) and apps of
/// the three stdlib kinds, each with overrides, secrets, variables and hosts.
fn platform(apps: usize) -> Vec<(String, String)> {
    let mut files = vec![(
        "envs.ehp".to_string(),
        r#"abstract env base {
    kube_context = "ehp-test"
    domain = "test.ehealth.example"
    helm_repos { ehealth = "https://charts.ehealth.example" }
}
env local extends inttest { domain = "local.ehealth.example", mutable_tags = true }
env inttest extends base { domain = "inttest.ehealth.example" }
env exttest extends base { domain = "exttest.ehealth.example" }
env preprod extends base { domain = "preprod.ehealth.example" }
env prod extends preprod { domain = "ehealth.example", defaults.replicas = 3 }
"#
        .to_string(),
    )];
    let per_file = 50;
    for first in (0..apps).step_by(per_file) {
        let mut text = String::new();
        for n in first..(first + per_file).min(apps) {
            let app = match n % 3 {
                0 => format!(
                    "/// App {n}.\napp web-{n}: web_service {{\n    image = \"team{t}/web-{n}\"\n    tag = \"1.{n}.0\"\n    hosts = [\"web-{n}.${{env.domain}}\"]\n    vars {{ LOG_LEVEL = \"info\", FEATURE_X = \"on\", DB_PASSWORD = secret(\"web-{n}-db\", \"password\") }}\n    database = secret(\"web-{n}-db\", \"url\")\n    config {{ mode = \"strict\" }}\n    in prod {{ replicas = 4, memory = 1Gi, tag = \"1.{n}.1\" }}\n    in preprod, prod {{ cpu = 500m }}\n}}\n",
                    t = n % 7
                ),
                1 => format!(
                    "app worker-{n}: worker {{\n    image = \"team{t}/worker-{n}\"\n    tag = \"2.{n}.1\"\n    consumes = \"queue-{n}\"\n    queue = external(\"vault:kv/worker-{n}#amqp\")\n    in prod {{ replicas = 2 }}\n}}\n",
                    t = n % 7
                ),
                _ => format!(
                    "app job-{n}: scheduled_job {{\n    image = \"team{t}/job-{n}\"\n    tag = \"3.{n}.2\"\n    schedule = \"{m} 3 * * *\"\n}}\n",
                    t = n % 7,
                    m = n % 60
                ),
            };
            text.push_str(&app);
            text.push('\n');
        }
        files.push((format!("apps{first}.ehp"), text));
    }
    files
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let files = platform(1000);
    let mut workspace = ehp::workspace::Workspace::new();
    for (name, text) in &files {
        workspace.set_file(name, text.clone());
    }
    let first = workspace.analyze();
    assert!(!first.has_errors(), "the generated platform must compile");
    drop(first);
    let (name, original) = files.get(1).cloned().expect("an apps file");
    let runs = 21;
    let mut whole = Vec::new();
    let mut set_file = Vec::new();
    let mut analyze = Vec::new();
    for run in 0..runs {
        // A keystroke: one more character in a string of the first app of the file.
        let edited = original.replacen("\"1.0.0\"", &format!("\"1.0.{}\"", run + 1), 1);
        let start = Instant::now();
        workspace.set_file(&name, std::hint::black_box(edited));
        let parsed = start.elapsed();
        let analysis = std::hint::black_box(workspace.analyze());
        let took = start.elapsed();
        assert!(!analysis.has_errors(), "the edit keeps the platform valid");
        drop(analysis);
        whole.push(took);
        set_file.push(parsed);
        analyze.push(took - parsed);
    }
    let (whole, set_file, analyze) = (median(whole), median(set_file), median(analyze));
    let budget = Duration::from_millis(50);
    let verdict = if whole <= budget { "within" } else { "OVER" };
    println!(
        "re-check after a keystroke (1000 apps, set_file + analyze): median {:.1} ms ({verdict} the {} ms budget); set_file {:.2} ms, analyze {:.1} ms",
        whole.as_secs_f64() * 1e3,
        budget.as_millis(),
        set_file.as_secs_f64() * 1e3,
        analyze.as_secs_f64() * 1e3,
    );
    phases(&workspace, &files);
    if whole > budget {
        std::process::exit(1);
    }
}

/// Where the time of a full (not incremental) analysis goes: copying the sources (what
/// `Workspace::analyze` does first, with the parses), then each phase, as medians of several
/// runs. `Workspace::analyze` evaluates incrementally, so its eval is only the changed apps.
fn phases(workspace: &ehp::workspace::Workspace, files: &[(String, String)]) {
    let mut samples: Vec<[Duration; 7]> = Vec::new();
    for _ in 0..11 {
        let start = Instant::now();
        let copy = std::hint::black_box(workspace.db().clone());
        let clone = start.elapsed();
        drop(copy);
        let mut problems = ehp::diag::Problems::new();
        let mut db = ehp::source::SourceDb::new();
        let parsed: Vec<_> = ehp::stdlib::FILES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .chain(files.iter().cloned())
            .map(|(name, text)| {
                let id = db.add(name, text.clone());
                ehp::syntax::parse_file(id, &text, &mut problems)
            })
            .collect();
        let start = Instant::now();
        let project = ehp::resolve::resolve(parsed, &mut problems);
        let resolve = start.elapsed();
        ehp::resolve::unused_warnings(
            &project,
            |file| (file.0 as usize) < ehp::stdlib::FILES.len(),
            &mut problems,
        );
        let warnings = start.elapsed();
        let schemas = ehp::types::build_schemas(&project, &mut problems);
        let schema = start.elapsed();
        ehp::types::check_project(&project, &schemas, &mut problems);
        let check = start.elapsed();
        let envs = std::hint::black_box(ehp::eval::evaluate(&project, &schemas, &mut problems));
        let eval = start.elapsed();
        let sorted = std::hint::black_box(problems.into_sorted());
        let sort = start.elapsed();
        drop((envs, sorted, project, schemas));
        samples.push([
            clone,
            resolve,
            warnings - resolve,
            schema - warnings,
            check - schema,
            eval - check,
            sort - eval,
        ]);
    }
    let names = [
        "clone of sources",
        "resolve",
        "unused warnings",
        "schemas",
        "check",
        "eval",
        "sort diagnostics",
    ];
    let shown: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let took = median(
                samples
                    .iter()
                    .filter_map(|sample| sample.get(index).copied())
                    .collect(),
            );
            format!("{name} {:.1} ms", took.as_secs_f64() * 1e3)
        })
        .collect();
    println!("phases (median): {}", shown.join(", "));
}
