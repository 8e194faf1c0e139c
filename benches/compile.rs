//! Whole-pipeline benchmark: a generated platform of 1,000 apps over 5 concrete environments
//! (about 5,000 values files), checked and built in memory. Run with `cargo bench --bench compile`.
//!
//! Budgets (issue "The ehp language and compiler, end to end", on a 2-core machine): check under
//! 100 ms, build under 300 ms. The benchmark prints the median of several runs and exits non-zero
//! when a median is over its budget.

use std::time::{Duration, Instant};

#[path = "support/platform.rs"]
mod platform;
use platform::{median, platform};

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The median time of `work`, not counting the time to free what it returns: the binary exits
/// without freeing its analysis, as compilers commonly do.
fn measure<T>(runs: usize, mut work: impl FnMut() -> T) -> Duration {
    drop(work());
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let result = std::hint::black_box(work());
                let took = start.elapsed();
                drop(result);
                took
            })
            .collect(),
    )
}

fn main() {
    let files = platform(1000);
    if std::env::var_os("EHP_BENCH_ONCE").is_some() {
        // One check and nothing else, for instruction counts under `valgrind --tool=callgrind`.
        std::hint::black_box(ehp::analyze(&files));
        return;
    }
    let analysis = ehp::analyze(&files);
    assert!(
        !analysis.has_errors(),
        "the generated platform must compile"
    );
    let values_files: usize = analysis.envs.iter().map(|env| env.apps.len()).sum();
    println!(
        "platform: 1000 apps, {} environments, {values_files} values files",
        analysis.envs.len()
    );

    if std::env::var_os("EHP_BENCH_PHASES").is_some() {
        phases(&files);
    }
    let check = measure(10, || ehp::analyze(std::hint::black_box(&files)));
    let options = ehp::emit::EmitOptions {
        dsf_format: ehp::emit::DsfFormat::Yaml,
        source_label: "bench".into(),
        project_root: None,
    };
    let emitted = ehp::emit::emit(&analysis.envs, &options);
    assert!(!emitted.has_errors(), "the generated platform must emit");
    println!("build output: {} files", emitted.files.len());
    let build = measure(10, || {
        let analysis = ehp::analyze(std::hint::black_box(&files));
        let emitted = ehp::emit::emit(&analysis.envs, &options);
        (analysis, emitted)
    });
    // An editor's re-check after a keystroke: one file re-parsed, the project re-analysed.
    let mut workspace = ehp::workspace::Workspace::new();
    for (name, text) in &files {
        workspace.set_file(name, text.clone());
    }
    let (edited_name, edited_text) = files.last().cloned().unwrap_or_default();
    let mut toggle = false;
    let recheck = measure(10, || {
        toggle = !toggle;
        let text = if toggle {
            format!("{edited_text}\n// edit\n")
        } else {
            edited_text.clone()
        };
        workspace.set_file(&edited_name, text);
        workspace.analyze()
    });
    println!(
        "editor re-check after a keystroke: median {:.1} ms",
        recheck.as_secs_f64() * 1e3
    );
    let budgets = [
        ("check", check, Duration::from_millis(100)),
        (
            "build (in memory, without writing files)",
            build,
            Duration::from_millis(300),
        ),
    ];
    let mut over = false;
    for (name, took, budget) in budgets {
        let verdict = if took <= budget { "within" } else { "OVER" };
        over |= took > budget;
        println!(
            "{name}: median {:.1} ms ({verdict} the {} ms budget)",
            took.as_secs_f64() * 1e3,
            budget.as_millis()
        );
    }
    if over {
        std::process::exit(1);
    }
}

/// Prints how long each phase takes, to find where time goes (`EHP_BENCH_PHASES=1`).
fn phases(files: &[(String, String)]) {
    let start = Instant::now();
    let mut db = ehp::source::SourceDb::new();
    let mut problems = ehp::diag::Problems::new();
    let mut parsed = Vec::new();
    for (name, text) in ehp::stdlib::FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .chain(files.iter().cloned())
    {
        let id = db.add(name, text.clone());
        parsed.push(ehp::syntax::parse_file(id, &text, &mut problems));
    }
    let parse = start.elapsed();
    let project = ehp::resolve::resolve(parsed, &mut problems);
    let schemas = ehp::types::build_schemas(&project, &mut problems);
    let resolve = start.elapsed();
    ehp::types::check_project(&project, &schemas, &mut problems);
    let check = start.elapsed();
    let envs = ehp::eval::evaluate(&project, &schemas, &mut problems);
    let eval = start.elapsed();
    let _sorted = problems.into_sorted();
    println!(
        "phases: parse {parse:?}, resolve {:?}, check {:?}, eval {:?} ({} envs), sort {:?}",
        resolve - parse,
        check - resolve,
        eval - check,
        envs.len(),
        start.elapsed() - eval
    );
}
