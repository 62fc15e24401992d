//! Stored rows: what the database hands back, before any report shapes it.
//! Each struct mirrors one view or table of the schema.

use std::collections::BTreeMap;

use serde::Serialize;

/// A row of `runs` joined with `run_totals`, with its `--meta` pairs and
/// how many runs its benchmark has at its commit (more than one: repeats).
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
    pub runs_at_commit: usize,
    pub meta: BTreeMap<String, String>,
}

/// A row of `group_stats`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStatRow {
    pub group_name: String,
    pub weight: i64,
    pub metric: String,
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
    pub phase: Option<String>,
}

/// A row of `group_proof_time`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupProofRow {
    pub group_name: String,
    pub weight: i64,
    pub serial_ms: f64,
    pub parallel_ms: f64,
    pub estimated: bool,
    pub app_serial_ms: f64,
}

/// One sample's value with its label set and metric, by id: the detailed
/// tables resolve names once per label set, not once per sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleValue {
    pub label_set_id: i64,
    pub metric_id: i64,
    pub value: f64,
}
