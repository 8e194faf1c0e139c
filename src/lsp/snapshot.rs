//! What a request handler works on: one analysis and one of its files. A leaf of the server:
//! the handlers and the state that makes snapshots import it, and it imports neither.

use std::path::PathBuf;
use std::sync::Arc;

use super::line_index::LineIndex;
use crate::Analysis;
use crate::source::FileId;

/// An analysis and one of its files, as a feature sees them.
pub(super) struct Snapshot {
    /// The analysis the answer comes from.
    pub analysis: Arc<Analysis>,
    /// The file the request is about.
    pub file: FileId,
    /// Where the stdlib is on disk, for locations inside it.
    pub stdlib_dir: PathBuf,
    /// The charts the analysis was checked against (for hover on chart values).
    pub charts: Arc<crate::charts::ChartSet>,
}

impl Snapshot {
    /// The line index of the snapshot's file.
    pub fn index(&self) -> LineIndex<'_> {
        self.analysis
            .db
            .get(self.file)
            .map_or_else(|| LineIndex::new(""), LineIndex::of_file)
    }
}
