//! Language-server benchmark: one keystroke in a 1,000-app workspace (the platform of
//! `benches/compile.rs`), timed as the server does it: `Workspace::set_file` of the changed file,
//! then `analyze()` of the whole project from the cached parses. Run with
//! `cargo bench --bench lsp`.
//!
//! Budget (issue "ehp lsp"): a re-check answers in under 50 ms. The benchmark prints the median
//! and the phases, and exits non-zero when the median is over budget.
#![allow(clippy::expect_used)] // A failed `expect` in a benchmark is a failed run.

use std::time::{Duration, Instant};

#[path = "support/platform.rs"]
mod platform;
use platform::{median, platform};

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
