//! Where the time of a whole build goes, phase by phase, on the floor-ratio workload (issue 14):
//! for each layout, the medians of several in-memory runs of reading nothing (the sources are
//! given), parsing on all cores, resolving, building schemas, type checking, evaluating,
//! the literal-secret check, the emitter's checks (`ehp check`) and emission (`ehp build`
//! without writing). Run with `cargo bench --bench phases`; `EHP_BENCH_APPS` sets N (default
//! 5,000) and `EHP_THREADS` the threads. It prints the figures and asserts nothing about them:
//! the whole-process figures against the floor come from `../shared/bench/floor-ratio`.
#![allow(clippy::expect_used)] // A failed `expect` in a benchmark is a failed run.

use std::time::{Duration, Instant};

#[path = "support/workload.rs"]
mod workload;
use workload::{Layout, apps_from_env, median, workload};

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The phases, in order.
const PHASES: [&str; 9] = [
    "parse",
    "resolve",
    "schemas",
    "type check",
    "eval",
    "secrets",
    "emit checks",
    "emit",
    "whole",
];

fn main() {
    let apps = apps_from_env(5000);
    for layout in [Layout::OneFile, Layout::PerApp] {
        let files = workload(apps, layout);
        let samples: Vec<[Duration; 9]> = (0..7).map(|_| run(&files)).collect();
        let shown: Vec<String> = PHASES
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
        println!(
            "{apps} apps, {layout:?}, {} threads (medians of 7): {}",
            ehp::parallel::threads(),
            shown.join(", ")
        );
    }
}

/// One build in memory, phase by phase, as `ehp::analyze` and `ehp build` run them.
fn run(files: &[(String, String)]) -> [Duration; 9] {
    let start = Instant::now();
    let mut problems = ehp::diag::Problems::new();
    let mut db = ehp::source::SourceDb::new();
    for (name, text) in ehp::stdlib::FILES {
        db.add(*name, *text);
    }
    for (name, text) in files {
        db.add(name.clone(), text.clone());
    }
    let mut pieces = Vec::new();
    let mut count = 0;
    for (index, (id, file)) in db.iter().enumerate() {
        count = index + 1;
        for chunk in ehp::syntax::split_file(id, &file.text, &mut problems) {
            pieces.push((index, id, file.text.as_str(), chunk));
        }
    }
    let parsed_pieces = ehp::parallel::map_chunks(&pieces, |chunk| {
        let mut found = ehp::diag::Problems::new();
        let items: Vec<_> = chunk
            .iter()
            .map(|(index, id, text, piece)| {
                (
                    *index,
                    ehp::syntax::parse_chunk(*id, text, piece, &mut found),
                )
            })
            .collect();
        (items, found)
    });
    let mut parsed: Vec<ehp::syntax::ast::File> = (0..count)
        .map(|_| ehp::syntax::ast::File { items: Vec::new() })
        .collect();
    for (items, found) in parsed_pieces {
        for (index, item) in items {
            if let (Some(item), Some(file)) = (item, parsed.get_mut(index)) {
                file.items.push(item);
            }
        }
        problems.extend(found);
    }
    let parse = start.elapsed();
    let project = ehp::resolve::resolve(parsed, &mut problems);
    let resolve = start.elapsed();
    let schemas = ehp::types::build_schemas(&project, &mut problems);
    let schema = start.elapsed();
    ehp::types::check_project(&project, &schemas, &mut problems);
    let check = start.elapsed();
    let envs = ehp::eval::evaluate(&project, &schemas, &mut problems);
    let eval = start.elapsed();
    ehp::eval::secrets::check(&envs, &db, &mut problems);
    let secrets = start.elapsed();
    let checks = std::hint::black_box(ehp::emit::check(&envs));
    let emit_checks = start.elapsed();
    let options = ehp::emit::EmitOptions {
        dsf_format: ehp::emit::DsfFormat::Yaml,
        source_label: "bench".into(),
        project_root: None,
    };
    let emitted = std::hint::black_box(ehp::emit::emit(&envs, &options));
    let emit = start.elapsed();
    assert!(
        !problems.has_errors() && !emitted.has_errors(),
        "the workload must build"
    );
    // Not timed: the binary leaves all of it to the operating system at exit.
    drop((checks, emitted, envs, schemas, project, db));
    [
        parse,
        resolve - parse,
        schema - resolve,
        check - schema,
        eval - check,
        secrets - eval,
        emit_checks - secrets,
        emit - emit_checks,
        emit,
    ]
}
