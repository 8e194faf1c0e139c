//! The syntax phase alone (issue 14), on one thread: cutting the floor-ratio workload's files
//! into items and parsing every item to the AST, as `ehp::analyze` does before resolving. Run
//! with `cargo bench --bench parse`; `EHP_BENCH_APPS` sets N (default 5,000) and
//! `EHP_BENCH_ROUNDS` the rounds (default 9). It prints the median and the throughput and
//! asserts nothing about them. One thread, so that the figure is the CPU time parsing costs:
//! `cargo bench --bench phases` shows it spread over the cores.
#![allow(clippy::expect_used)] // A failed `expect` in a benchmark is a failed run.

use std::time::{Duration, Instant};

#[path = "support/workload.rs"]
mod workload;
use workload::{Layout, apps_from_env, median, workload};

/// The same allocator as the `ehp` binary, so the benchmark measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let apps = apps_from_env(5000);
    let rounds = std::env::var("EHP_BENCH_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(9);
    for layout in [Layout::OneFile, Layout::PerApp] {
        let files = workload(apps, layout);
        let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
        let samples: Vec<Duration> = (0..rounds).map(|_| run(&files)).collect();
        let took = median(samples);
        println!(
            "{apps} apps, {layout:?}: parse {:.1} ms on one thread (median of {rounds}), {:.0} MB/s",
            took.as_secs_f64() * 1e3,
            bytes as f64 / took.as_secs_f64() / 1e6
        );
    }
}

/// Splits and parses every file once; the AST is dropped outside the timing.
fn run(files: &[(String, String)]) -> Duration {
    let mut problems = ehp::diag::Problems::new();
    let start = Instant::now();
    let parsed: Vec<Vec<ehp::syntax::ast::Item>> = files
        .iter()
        .enumerate()
        .map(|(index, (_, text))| {
            let id = ehp::source::FileId(u32::try_from(index).expect("few files"));
            ehp::syntax::split_file(id, text, &mut problems)
                .iter()
                .filter_map(|chunk| ehp::syntax::parse_chunk(id, text, chunk, &mut problems))
                .collect()
        })
        .collect();
    let took = start.elapsed();
    assert!(!problems.has_errors(), "the workload must parse");
    assert!(parsed.iter().map(Vec::len).sum::<usize>() > 0);
    drop(std::hint::black_box(parsed));
    took
}
