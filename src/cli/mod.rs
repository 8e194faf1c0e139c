//! The command-line front end: parses the arguments and hands each command to its own module.
//! With the language server, the only part of `ehp` that touches the filesystem: the commands
//! read sources and write output here, and leave every rule to the library.
#![allow(clippy::disallowed_methods)]

/// `print!` for the commands, without the panic on a closed pipe (see [`stdio`]).
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::stdio::out(format_args!($($arg)*)) };
}

/// `println!` for the commands, without the panic on a closed pipe.
macro_rules! outln {
    () => { $crate::cli::stdio::out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::stdio::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` for the commands, without the panic on a closed pipe.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::stdio::err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod args;
mod build;
mod charts;
mod check;
mod diff;
mod explain;
mod fmt;
mod history;
mod hotfix;
mod import;
mod init;
mod log;
mod output;
mod promote;
mod publish;
mod report;
mod revisions;
mod rewrite;
mod rollback;
pub(crate) mod sources;
mod status;
mod stdio;
mod why;

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

use args::{Cli, Command};

pub use output::MANIFEST;

/// Exit status: success.
const EXIT_OK: u8 = 0;
/// Exit status: the sources have errors, or `build --check` found a difference.
const EXIT_FAILED: u8 = 1;
/// Exit status: bad usage or an I/O problem.
const EXIT_USAGE: u8 = 2;

/// A failure that ends the run with exit code 2.
#[derive(Debug)]
struct UsageError(String);

impl From<String> for UsageError {
    fn from(message: String) -> UsageError {
        UsageError(message)
    }
}

/// Runs `ehp` with the process's arguments.
pub fn main() -> ExitCode {
    EXITS_AFTER_RUN.store(true, Ordering::Relaxed);
    run(std::env::args_os())
}

/// Set when this run is the whole process (`main`), which exits right after it.
static EXITS_AFTER_RUN: AtomicBool = AtomicBool::new(false);

/// Drops a large value (an analysis, the emitted files) unless the process is about to exit:
/// then the operating system takes the memory back at once, and freeing hundreds of thousands
/// of allocations one by one would cost a tenth of a build. Called in-process (tests), it frees.
fn drop_at_exit<T>(value: T) {
    if EXITS_AFTER_RUN.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// Runs `ehp` with the given arguments (the first is the program name).
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Why(args) => why::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Promote(args) => promote::run(&args),
        Command::Hotfix(args) => hotfix::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Rollback(args) => rollback::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Log(args) => log::run(&args),
        Command::Lsp => crate::lsp::run().map(|()| EXIT_OK).map_err(UsageError),
        Command::Explain { code } => explain::run(&code),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "ehp", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Charts(args::ChartsCommand::Fetch(args)) => charts::fetch(&args),
    };
    if let Some(failure) = stdio::stdout_failure() {
        errln!("error: {failure}");
        return ExitCode::from(EXIT_USAGE);
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(UsageError(message)) => {
            errln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
