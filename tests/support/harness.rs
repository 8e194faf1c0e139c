//! A small test harness for the `harness = false` runners (`tests/cases.rs`, `tests/lsp.rs`,
//! `tests/external.rs`), speaking libtest's command line: name filters (any of them matches a
//! name containing it), `--exact`, `--skip`, `--list`, `--test-threads`, `--nocapture`,
//! `--show-output` and `-q`. A filter that matches nothing runs nothing and passes.
//!
//! Unlike libtest it knows a third outcome, skipped: a check whose tool is missing says so in its
//! line and in the summary, and `EHP_REQUIRE_ALL_CHECKS=1` turns every skip into a failure.
//!
//! Each trial runs on its own named thread with an 8 MiB stack. A panic in a trial's thread is
//! captured, like libtest captures output, and shown only when the trial fails (or with
//! `--show-output`); a panic on any other thread is printed as usual.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Instant;

/// The environment variable that turns every skipped check into a failure (set by `.ci/run`).
pub const REQUIRE_ALL_CHECKS: &str = "EHP_REQUIRE_ALL_CHECKS";

/// The stack of each trial's thread: deep inputs must become diagnostics, not overflows, with
/// room to spare.
const STACK_SIZE: usize = 8 * 1024 * 1024;

/// How a trial that did not fail ended.
#[derive(Debug)]
pub enum Outcome {
    /// The check ran and held.
    Passed,
    /// The check could not run here; the text says why and how to enable it.
    Skipped(String),
}

/// What a trial runs: `Err` (or a panic) is a failure.
type Body = Box<dyn FnOnce() -> Result<Outcome, String> + Send>;

/// One named test.
pub struct Trial {
    name: String,
    body: Body,
}

impl Trial {
    /// A test that passes or fails.
    pub fn test(
        name: impl Into<String>,
        body: impl FnOnce() -> Result<(), String> + Send + 'static,
    ) -> Trial {
        Trial::check(name, move || body().map(|()| Outcome::Passed))
    }

    /// A check that may also be skipped (when a tool it needs is missing).
    pub fn check(
        name: impl Into<String>,
        body: impl FnOnce() -> Result<Outcome, String> + Send + 'static,
    ) -> Trial {
        Trial {
            name: name.into(),
            body: Box::new(body),
        }
    }

    /// The trial's name, as filters see it.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The command line, as libtest reads it.
#[derive(Debug, Default, PartialEq)]
pub struct Args {
    /// Positional filters: a trial runs when any matches (all run when there are none).
    pub filters: Vec<String>,
    /// `--skip`: a trial matching any of these does not run.
    pub skip: Vec<String>,
    /// `--exact`: filters and skips match whole names.
    pub exact: bool,
    /// `--list`: print the names instead of running.
    pub list: bool,
    /// `--format terse` (with `--list`: names only, no count).
    pub terse: bool,
    /// `-q`: one character per trial.
    pub quiet: bool,
    /// `--nocapture`: panics of trials print at once.
    pub nocapture: bool,
    /// `--show-output`: captured panics of passing trials are shown too.
    pub show_output: bool,
    /// `--ignored` or `--bench`: run only ignored tests or benchmarks, of which there are none.
    pub none_selected: bool,
    /// `--test-threads`.
    pub threads: Option<usize>,
}

impl Args {
    /// Reads libtest's options; an unknown option is an error, as in libtest.
    pub fn parse(arguments: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut args = Args::default();
        let mut bench = false;
        let mut test = false;
        let mut iter = arguments.into_iter();
        while let Some(argument) = iter.next() {
            if !argument.starts_with('-') || argument == "-" {
                args.filters.push(argument);
                continue;
            }
            let (flag, inline) = match argument.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_string(), Some(value.to_string()))
                }
                _ => (argument.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| iter.next())
                    .ok_or_else(|| format!("option `{name}` needs a value"))
            };
            match flag.as_str() {
                "--exact" => args.exact = true,
                "--list" => args.list = true,
                "-q" | "--quiet" => args.quiet = true,
                "--nocapture" | "--no-capture" => args.nocapture = true,
                "--show-output" => args.show_output = true,
                "--ignored" => args.none_selected = true,
                "--bench" => bench = true,
                "--test" => test = true,
                "--include-ignored"
                | "--force-run-in-process"
                | "--exclude-should-panic"
                | "--report-time"
                | "--ensure-time"
                | "--shuffle" => {}
                "--skip" => args.skip.push(value("--skip")?),
                "--test-threads" => {
                    let text = value("--test-threads")?;
                    let threads = text
                        .parse::<usize>()
                        .ok()
                        .filter(|threads| *threads > 0)
                        .ok_or_else(|| {
                            format!("--test-threads must be a positive number, not `{text}`")
                        })?;
                    args.threads = Some(threads);
                }
                "--format" => match value("--format")?.as_str() {
                    "pretty" => args.terse = false,
                    "terse" => args.terse = true,
                    other => {
                        return Err(format!("--format {other} is not supported by this runner"));
                    }
                },
                "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                    value(&flag)?;
                }
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unrecognized option: `{other}`")),
            }
        }
        // libtest runs benchmarks only with `--bench` alone; this runner has none.
        args.none_selected |= bench && !test;
        Ok(args)
    }

    /// Whether a trial of this name is selected.
    pub fn selects(&self, name: &str) -> bool {
        let matches = |pattern: &String| {
            if self.exact {
                name == pattern
            } else {
                name.contains(pattern.as_str())
            }
        };
        !self.none_selected
            && (self.filters.is_empty() || self.filters.iter().any(matches))
            && !self.skip.iter().any(matches)
    }
}

const USAGE: &str = "usage: TEST-BINARY [FILTER...] [--exact] [--skip FILTER] [--list] \
[--format pretty|terse] [-q] [--nocapture] [--show-output] [--test-threads N]\n\
A trial runs when its name contains any FILTER (equals one, with --exact) and no --skip.\n\
EHP_REQUIRE_ALL_CHECKS=1 turns every skipped check into a failure.";

thread_local! {
    /// The panic messages of the trial running on this thread, when captured.
    static CAPTURED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Sends panics of trial threads to [`CAPTURED`]; others go to the hook that was there before.
/// Installed once per process.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(install_capturing_hook);
}

fn install_capturing_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let captured = CAPTURED
            .try_with(|cell| {
                let Ok(mut slot) = cell.try_borrow_mut() else {
                    return false;
                };
                let Some(text) = slot.as_mut() else {
                    return false;
                };
                let thread = std::thread::current();
                let _ = writeln!(
                    text,
                    "thread '{}' {info}",
                    thread.name().unwrap_or("<unnamed>")
                );
                let backtrace = std::backtrace::Backtrace::capture();
                if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
                    let _ = writeln!(text, "stack backtrace:\n{backtrace}");
                }
                true
            })
            .unwrap_or(false);
        if !captured {
            previous(info);
        }
    }));
}

/// What became of one trial.
struct Report {
    name: String,
    result: Result<Outcome, String>,
    captured: String,
}

/// Runs one trial on its own named thread, capturing its panics unless `nocapture`.
fn run_trial(trial: Trial, nocapture: bool) -> Report {
    let Trial { name, body } = trial;
    let spawned = std::thread::Builder::new()
        .name(name.clone())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            if !nocapture {
                CAPTURED.with(|cell| *cell.borrow_mut() = Some(String::new()));
            }
            let result = std::panic::catch_unwind(AssertUnwindSafe(body))
                .unwrap_or_else(|_| Err("the test panicked".to_string()));
            let captured = CAPTURED
                .with(|cell| cell.borrow_mut().take())
                .unwrap_or_default();
            (result, captured)
        });
    let (result, captured) = match spawned.map(std::thread::JoinHandle::join) {
        Ok(Ok(done)) => done,
        Ok(Err(_)) => (Err("the test thread panicked".to_string()), String::new()),
        Err(error) => (
            Err(format!("cannot start a thread: {error}")),
            String::new(),
        ),
    };
    Report {
        name,
        result,
        captured,
    }
}

/// Whether `EHP_REQUIRE_ALL_CHECKS` asks for every check to run.
pub fn all_checks_required() -> bool {
    std::env::var(REQUIRE_ALL_CHECKS).is_ok_and(|value| !value.is_empty() && value != "0")
}

/// Counts and failure texts, printed as libtest prints them.
#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: usize,
    failures: Vec<(String, String)>,
    shown: Vec<(String, String)>,
}

impl Tally {
    fn record(&mut self, report: Report, args: &Args, require_all: bool) {
        let Report {
            name,
            result,
            captured,
        } = report;
        let (status, mark) = match result {
            Ok(Outcome::Passed) => {
                self.passed += 1;
                if args.show_output && !captured.is_empty() {
                    self.shown.push((name.clone(), captured));
                }
                ("ok".to_string(), '.')
            }
            Ok(Outcome::Skipped(why)) if require_all => {
                let text = format!(
                    "skipped ({why}), but {REQUIRE_ALL_CHECKS} is set: every check must run"
                );
                self.failures.push((name.clone(), text));
                ("FAILED".to_string(), 'F')
            }
            Ok(Outcome::Skipped(why)) => {
                self.skipped += 1;
                (format!("skipped ({why})"), 's')
            }
            Err(error) => {
                let text = if captured.is_empty() {
                    error
                } else {
                    format!("{captured}{error}")
                };
                self.failures.push((name.clone(), text));
                ("FAILED".to_string(), 'F')
            }
        };
        if args.quiet {
            print!("{mark}");
            let _ = std::io::Write::flush(&mut std::io::stdout());
        } else {
            println!("test {name} ... {status}");
        }
    }

    fn print_summary(&self, filtered_out: usize, started: Instant) {
        for (title, list) in [("successes", &self.shown), ("failures", &self.failures)] {
            if list.is_empty() {
                continue;
            }
            println!("\n{title}:\n");
            for (name, text) in list {
                println!("---- {name} ----\n{}\n", text.trim_end());
            }
            if title == "failures" {
                println!("failures:");
                for (name, _) in list {
                    println!("    {name}");
                }
            }
        }
        let verdict = if self.failures.is_empty() {
            "ok"
        } else {
            "FAILED"
        };
        println!(
            "\ntest result: {verdict}. {} passed; {} failed; {} skipped; {filtered_out} filtered \
             out; finished in {:.2}s\n",
            self.passed,
            self.failures.len(),
            self.skipped,
            started.elapsed().as_secs_f64()
        );
        if self.skipped > 0 {
            println!(
                "{} skipped: see tests/README.md for the tools they need; {REQUIRE_ALL_CHECKS}=1 \
                 makes a skip fail\n",
                self.skipped
            );
        }
    }
}

/// Runs the trials the command line selects (see [`execute`]) and exits as libtest does: 101
/// when a trial failed or the command line is wrong, 0 otherwise.
pub fn run(trials: Vec<Trial>) -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) if error.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return ExitCode::from(101);
        }
    };
    if execute(&args, trials, all_checks_required())
        .failed
        .is_empty()
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(101)
    }
}

/// The counts of a run.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    /// Trials that passed.
    pub passed: usize,
    /// Trials that failed (with `require_all`, skipped ones too), with what they reported.
    pub failed: Vec<(String, String)>,
    /// Trials that were skipped.
    pub skipped: usize,
    /// Trials the filters left out.
    pub filtered_out: usize,
}

/// Runs the selected trials in parallel, printing one line each and a summary (or, with
/// `--list`, only their names). With `require_all`, a skipped trial fails.
pub fn execute(args: &Args, trials: Vec<Trial>, require_all: bool) -> Summary {
    let total = trials.len();
    let selected: VecDeque<Trial> = trials
        .into_iter()
        .filter(|trial| args.selects(trial.name()))
        .collect();
    let filtered_out = total - selected.len();
    if args.list {
        for trial in &selected {
            println!("{}: test", trial.name());
        }
        if !args.terse {
            println!("\n{} tests, 0 benchmarks", selected.len());
        }
        return Summary {
            filtered_out,
            ..Summary::default()
        };
    }
    let started = Instant::now();
    let plural = if selected.len() == 1 { "" } else { "s" };
    println!("\nrunning {} test{plural}", selected.len());
    install_panic_hook();
    let threads = args
        .threads
        .or_else(|| {
            std::env::var("RUST_TEST_THREADS")
                .ok()
                .and_then(|text| text.parse().ok())
        })
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .clamp(1, selected.len().max(1));
    let queue = Mutex::new(selected);
    let (sender, receiver) = mpsc::channel();
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let queue = &queue;
            let nocapture = args.nocapture;
            scope.spawn(move || {
                while let Some(trial) = queue.lock().ok().and_then(|mut queue| queue.pop_front()) {
                    if sender.send(run_trial(trial, nocapture)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for report in receiver {
            tally.record(report, args, require_all);
        }
    });
    if args.quiet {
        println!();
    }
    tally.print_summary(filtered_out, started);
    Summary {
        passed: tally.passed,
        failed: tally.failures,
        skipped: tally.skipped,
        filtered_out,
    }
}
