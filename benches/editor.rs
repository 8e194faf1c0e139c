//! The editor's re-check (issue 14): a one-character edit in one app's file of the
//! floor-ratio workload at N = 5,000 apps, one file per app, then the analysis of the whole
//! project as the language server runs it (`Workspace::set_file` of the changed file, then
//! `Workspace::analyze` from the cached parses and evaluations). Run with
//! `cargo bench --bench editor`; `EHP_BENCH_APPS` changes N, `EHP_BENCH_EDITS` the number of
//! edits (21; more for a profile of the re-check alone).
//!
//! Target: under 30 ms. The benchmark prints the median of the edits and whether it is within
//! the target, and exits non-zero when it is not.
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
    let files = workload(apps, Layout::PerApp);
    let mut workspace = ehp::workspace::Workspace::new();
    let start = Instant::now();
    for (name, text) in &files {
        workspace.set_file(name, text.clone());
    }
    let first = workspace.analyze();
    assert!(!first.has_errors(), "the workload must compile");
    println!(
        "workload: {apps} apps, one file each; first analysis {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    drop(first);
    // The app in the middle; its tag gets one more digit, and loses it again.
    let name = format!("apps/app-{:04}.ehp", apps.div_ceil(2));
    let original = files
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| text.clone())
        .expect("the edited app's file");
    let tag_end = original
        .find("tag = \"")
        .and_then(|at| original[at + 7..].find('"').map(|end| at + 7 + end))
        .expect("a tag");
    let edited = format!("{}0{}", &original[..tag_end], &original[tag_end..]);
    let mut whole = Vec::new();
    let mut set_file = Vec::new();
    let edits = std::env::var("EHP_BENCH_EDITS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(21);
    for run in 0..edits {
        let text = if run % 2 == 0 { &edited } else { &original };
        let start = Instant::now();
        workspace.set_file(&name, std::hint::black_box(text.clone()));
        let parsed = start.elapsed();
        let analysis = std::hint::black_box(workspace.analyze());
        let took = start.elapsed();
        assert!(!analysis.has_errors(), "the edit keeps the workload valid");
        drop(analysis);
        whole.push(took);
        set_file.push(parsed);
    }
    let (whole, set_file) = (median(whole), median(set_file));
    let target = Duration::from_millis(30);
    let verdict = if whole <= target { "within" } else { "OVER" };
    println!(
        "editor re-check after a one-character edit ({apps} apps, per-app): median {:.1} ms \
         ({verdict} the {} ms target); set_file {:.2} ms, analyze {:.1} ms",
        whole.as_secs_f64() * 1e3,
        target.as_millis(),
        set_file.as_secs_f64() * 1e3,
        (whole - set_file).as_secs_f64() * 1e3,
    );
    if whole > target {
        std::process::exit(1);
    }
}
