//! Stored rows: what the database hands back, before any report shapes it.
//! Each struct mirrors one view or table of the schema.

use serde::Serialize;

/// A row of `runs` joined with `run_totals`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    pub source_path: String,
    pub serial_s: f64,
    pub parallel_s: f64,
    /// Some group's proof time is an estimate from its components.
    pub estimated: bool,
}
