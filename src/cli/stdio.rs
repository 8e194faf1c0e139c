//! Printing for the commands, never panicking: `print!` and `eprint!` panic when the reader of a
//! pipe has gone (`ehp why ... | head -0`). A closed pipe is not an error here: the reader has
//! what it wanted, and the command ends as it would have. Any other failure to write stdout
//! (a full disk under `ehp status > report.html`) is remembered and ends the run with exit 2.

use std::io::Write;
use std::sync::Mutex;

/// The first failure to write stdout other than a closed pipe.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Writes to stdout.
pub(super) fn out(args: std::fmt::Arguments<'_>) {
    let result = std::io::stdout().lock().write_fmt(args);
    if let Err(error) = result
        && error.kind() != std::io::ErrorKind::BrokenPipe
        && let Ok(mut failure) = STDOUT_FAILURE.lock()
    {
        failure.get_or_insert_with(|| format!("cannot write to standard output: {error}"));
    }
}

/// Writes to stderr; a failure is dropped (there is nowhere left to say it).
pub(super) fn err(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// Writes bytes to stdout, as [`out`] does.
pub(super) fn out_bytes(bytes: &[u8]) {
    out(format_args!("{}", String::from_utf8_lossy(bytes)));
}

/// The failure to write stdout, if there was one.
pub(super) fn stdout_failure() -> Option<String> {
    STDOUT_FAILURE
        .lock()
        .ok()
        .and_then(|failure| failure.clone())
}
