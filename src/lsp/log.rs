//! The server's log (its stderr, which clients show) and the text of a caught panic: a leaf
//! the dispatcher and the state both use.

/// Writes a line to stderr, the client's log; a failure is dropped.
pub(super) fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The text of a caught panic.
pub(super) fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}
