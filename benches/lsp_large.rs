//! Language-server benchmark for a large document: a 10 MB file of 27,000 apps opened in a
//! server (in process, as `ehp lsp` runs it), then its document symbols asked for. Prints the
//! time to open and analyse it and the median time of the symbols request. Run with
//! `cargo bench --bench lsp_large`.
#![allow(clippy::expect_used)] // A failed `expect` in a benchmark is a failed run.

use std::time::{Duration, Instant};

use serde_json::json;

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ENVS: &str = "env test {\n    kube_context = \"ctx\"\n    domain = \"test.example.org\"\n    helm_repos { ehealth = \"https://charts.example.org\" }\n}\n";

/// A document of at least `bytes` bytes, and the number of apps in it.
fn document(bytes: usize) -> (String, usize) {
    let mut text = String::new();
    let mut apps = 0;
    while text.len() < bytes {
        let config: Vec<String> = (0..8)
            .map(|index| format!("key{index} = \"value-{index}-{apps}\""))
            .collect();
        text.push_str(&format!(
            "/// App {apps}.\napp generated-{apps}: web_service {{\n    image = \"team/app-{apps}\"\n    tag = \"1.0.{apps}\"\n    vars {{ LOG_LEVEL = \"info\", MODE = \"{}\" }}\n    config {{ {} }}\n}}\n\n",
            "x".repeat(20),
            config.join(", ")
        ));
        apps += 1;
    }
    (text, apps)
}

fn main() {
    let (text, apps) = document(10_000_000);
    let mut server = ehp::lsp::Server::new(ehp::lsp::Options {
        read_disk: false,
        stdlib_dir: Some("/stdlib".into()),
        analysis_budget: Duration::from_secs(600),
        ..ehp::lsp::Options::default()
    });
    let open = |server: &mut ehp::lsp::Server, uri: &str, text: &str| {
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ehp", "version": 1, "text": text}}),
        );
    };
    open(&mut server, "file:///big/envs.ehp", ENVS);
    let start = Instant::now();
    open(&mut server, "file:///big/apps.ehp", &text);
    let opened = start.elapsed();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let symbols = server
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": "file:///big/apps.ehp"}}),
            )
            .expect("symbols");
        times.push(start.elapsed());
        assert_eq!(symbols.as_array().map_or(0, Vec::len), apps);
    }
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    println!(
        "10 MB document ({} bytes, {apps} apps): open and analyse {:.2} s; document symbols median {:.0} ms",
        text.len(),
        opened.as_secs_f64(),
        median.as_secs_f64() * 1e3
    );
}
