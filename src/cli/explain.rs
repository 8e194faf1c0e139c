//! `ehp explain`: the explanation of a diagnostic code.

use super::{EXIT_OK, UsageError};
use crate::diag;

/// `ehp explain CODE`.
pub(super) fn run(code: &str) -> Result<u8, UsageError> {
    match diag::codes::lookup(code) {
        Some(found) => {
            out!("{}", diag::codes::explanation(found));
            Ok(EXIT_OK)
        }
        None => Err(UsageError(format!("unknown diagnostic code `{code}`"))),
    }
}
