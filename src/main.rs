//! The `ehp` binary (temporary debug driver until the CLI lands).

#[allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::print_stdout,
    missing_docs
)]
fn main() {
    let mut files = Vec::new();
    for path in std::env::args().skip(1) {
        files.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
    }
    let analysis = ehp::analyze(&files);
    eprint!(
        "{}",
        ehp::diag::render_human(&analysis.db, &analysis.diagnostics, 100, false)
    );
    for env in &analysis.envs {
        println!("== {}", env.name);
        for app in &env.apps {
            println!(
                "  {} fields: {:?}",
                app.name,
                app.fields.keys().collect::<Vec<_>>()
            );
            for (key, value) in &app.values {
                println!("    {key}: {:?}", value.kind);
            }
        }
    }
}
