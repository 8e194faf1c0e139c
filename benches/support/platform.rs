//! The generated platform both benchmarks compile: 1,000 apps of the three stdlib kinds over
//! six environments (five concrete), with overrides, secrets, variables and hosts. Included by
//! `benches/compile.rs` and `benches/lsp.rs` with `#[path]` (a subfolder, so cargo does not take it
//! for a benchmark of its own).

use std::time::Duration;

/// Builds the sources of a platform with `apps` apps: six environments (one abstract) and apps of
/// the three stdlib kinds, each with overrides, secrets, variables and hosts.
pub fn platform(apps: usize) -> Vec<(String, String)> {
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

/// The median of some samples.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
