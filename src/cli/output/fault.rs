//! Fault injection for the tests of the output writer: `EHP_TEST_FAULT=abort:N` ends the process
//! (as a kill would) right before the writer's Nth step, `EHP_TEST_FAULT=fail:N` makes that step
//! fail as a full disk does (`ENOSPC`), and `EHP_TEST_FAULT=pause:MS` sleeps MS milliseconds
//! before every step, so that a test can kill a build at a moment of its choosing. A step is each
//! change the writer makes on disk: a folder or file created, an entry carried over, the swap,
//! an entry removed. Without the variable, [`step`] only counts.

use std::io;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the variable asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Abort(usize),
    Fail(usize),
    Pause(u64),
}

/// The fault asked for, read once.
fn fault() -> Fault {
    static FAULT: OnceLock<Fault> = OnceLock::new();
    *FAULT.get_or_init(|| {
        let Ok(value) = std::env::var("EHP_TEST_FAULT") else {
            return Fault::None;
        };
        let (kind, number) = value.split_once(':').unwrap_or((value.as_str(), ""));
        match (kind, number.parse::<u64>()) {
            ("abort", Ok(step)) => Fault::Abort(usize::try_from(step).unwrap_or(usize::MAX)),
            ("fail", Ok(step)) => Fault::Fail(usize::try_from(step).unwrap_or(usize::MAX)),
            ("pause", Ok(millis)) => Fault::Pause(millis),
            _ => Fault::None,
        }
    })
}

/// The steps taken so far.
static STEPS: AtomicUsize = AtomicUsize::new(0);

/// Marks the next step of the writer; fails or ends the process there when a test asks.
pub(in crate::cli) fn step() -> io::Result<()> {
    let number = STEPS.fetch_add(1, Ordering::Relaxed) + 1;
    match fault() {
        Fault::None => Ok(()),
        Fault::Abort(at) if at == number => std::process::abort(),
        Fault::Fail(at) if at == number => Err(io::Error::from_raw_os_error(
            rustix::io::Errno::NOSPC.raw_os_error(),
        )),
        Fault::Pause(millis) => {
            std::thread::sleep(Duration::from_millis(millis));
            Ok(())
        }
        Fault::Abort(_) | Fault::Fail(_) => Ok(()),
    }
}
