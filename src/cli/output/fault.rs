//! Fault injection for the tests of the output writer and of source edits: `EHP_TEST_FAULT=
//! abort:N` ends the process (as a kill would) right before the writer's Nth step, `fail:N`
//! makes that step fail as a full disk does (`ENOSPC`), `pause:MS` sleeps MS milliseconds before
//! every step, so that a test can act at a moment of its choosing, and `no-exchange` makes the
//! writer take its path for filesystems without an atomic exchange of names. Several are joined
//! with commas (`no-exchange,abort:7`). A step is each change the writer makes on disk: a folder
//! or file created, an entry carried over, the swap, an entry removed. Without the variable,
//! [`step`] only counts.

use std::io;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the variable asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Faults {
    abort: Option<usize>,
    fail: Option<usize>,
    pause: Option<u64>,
    no_exchange: bool,
}

/// The faults asked for, read once.
fn faults() -> Faults {
    static FAULTS: OnceLock<Faults> = OnceLock::new();
    *FAULTS.get_or_init(|| {
        let mut faults = Faults::default();
        let Ok(value) = std::env::var("EHP_TEST_FAULT") else {
            return faults;
        };
        for part in value.split(',') {
            let (kind, number) = part.split_once(':').unwrap_or((part, ""));
            let number = number.parse::<u64>().ok();
            let step = number.map(|step| usize::try_from(step).unwrap_or(usize::MAX));
            match kind {
                "abort" => faults.abort = step,
                "fail" => faults.fail = step,
                "pause" => faults.pause = number,
                "no-exchange" => faults.no_exchange = true,
                _ => {}
            }
        }
        faults
    })
}

/// The steps taken so far.
static STEPS: AtomicUsize = AtomicUsize::new(0);

/// Marks the next step of the writer; fails, waits or ends the process there when a test asks.
pub(in crate::cli) fn step() -> io::Result<()> {
    let number = STEPS.fetch_add(1, Ordering::Relaxed) + 1;
    let faults = faults();
    if let Some(millis) = faults.pause {
        std::thread::sleep(Duration::from_millis(millis));
    }
    if faults.abort == Some(number) {
        std::process::abort();
    }
    if faults.fail == Some(number) {
        return Err(io::Error::from_raw_os_error(
            rustix::io::Errno::NOSPC.raw_os_error(),
        ));
    }
    Ok(())
}

/// Whether a test asks the writer to behave as on a filesystem without `RENAME_EXCHANGE`.
pub(super) fn no_exchange() -> bool {
    faults().no_exchange
}
