//! Where a benchmark's chart markers and latest verdict come from. Verdicts
//! (issue 11) and change points, excluded runs and acknowledged shifts
//! (issue 12) are not stored yet, so both are empty; when they are, these
//! two functions read them and every page shows them.

use rusqlite::Connection;

use super::Marker;

/// The markers of benchmark `name` on `branch`, by run.
pub fn for_benchmark(
    _conn: &Connection,
    _name: &str,
    _branch: &str,
) -> rusqlite::Result<Vec<Marker>> {
    Ok(Vec::new())
}

/// The latest verdict of benchmark `name` on `branch`, in a few words.
pub fn latest_verdict(
    _conn: &Connection,
    _name: &str,
    _branch: &str,
) -> rusqlite::Result<Option<String>> {
    Ok(None)
}
