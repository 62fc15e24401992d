//! Read-side SQL of `prof site`: a branch's runs and their series in bulk,
//! so a site of thousands of runs costs a few queries, not a few per run.

use rusqlite::Connection;

use crate::model::GroupProofRow;

/// A run as the site lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRunRow {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub created_at: String,
    pub content_sha256: String,
}

/// Every run on `branch`, each benchmark's newest `last` (all when `None`),
/// by benchmark name and then in time (`created_at`, then id), the order
/// every other command follows.
pub fn branch_runs(
    conn: &Connection,
    branch: &str,
    last: Option<u32>,
) -> rusqlite::Result<Vec<SiteRunRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name, commit_sha, created_at, content_sha256 FROM (
             SELECT id, name, commit_sha, created_at, content_sha256,
                    ROW_NUMBER() OVER (PARTITION BY name ORDER BY created_at DESC, id DESC) AS newest
             FROM runs WHERE branch = ?1)
         WHERE ?2 IS NULL OR newest <= ?2
         ORDER BY name, created_at, id",
    )?;
    let rows = statement.query_map(rusqlite::params![branch, last], |row| {
        Ok(SiteRunRow {
            id: row.get(0)?,
            name: row.get(1)?,
            commit_sha: row.get(2)?,
            created_at: row.get(3)?,
            content_sha256: row.get(4)?,
        })
    })?;
    rows.collect()
}

/// `group_proof_time` of every run on `branch`, as (run id, row).
pub fn branch_group_proof_times(
    conn: &Connection,
    branch: &str,
) -> rusqlite::Result<Vec<(i64, GroupProofRow)>> {
    let mut statement = conn.prepare_cached(
        "SELECT run_id, group_name, weight, serial_ms, parallel_ms, estimated, app_serial_ms
         FROM group_proof_time
         WHERE run_id IN (SELECT id FROM runs WHERE branch = ?1)
         ORDER BY run_id, weight, group_name",
    )?;
    let rows = statement.query_map([branch], |row| {
        Ok((
            row.get(0)?,
            GroupProofRow {
                group_name: row.get(1)?,
                weight: row.get(2)?,
                serial_ms: row.get(3)?,
                parallel_ms: row.get(4)?,
                estimated: row.get(5)?,
                app_serial_ms: row.get(6)?,
            },
        ))
    })?;
    rows.collect()
}

/// The sum of each of `metrics` per (run, group) on `branch`, from
/// `metric_history`: (run id, group, metric, sum).
pub fn branch_metric_sums(
    conn: &Connection,
    branch: &str,
    metrics: &[&str],
) -> rusqlite::Result<Vec<(i64, String, String, f64)>> {
    let metrics = serde_json::to_string(metrics).expect("strings serialise");
    let mut statement = conn.prepare_cached(
        "SELECT run_id, group_name, metric, sum FROM metric_history
         WHERE branch = ?1 AND metric IN (SELECT value FROM json_each(?2))
         ORDER BY run_id, group_name, metric",
    )?;
    let rows = statement.query_map(rusqlite::params![branch, metrics], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })?;
    rows.collect()
}

/// Whether run `run_id` has any of `metrics` in some group: a cheap look
/// at the stored aggregates before reading samples for flamegraphs.
pub fn run_has_metric(conn: &Connection, run_id: i64, metrics: &[&str]) -> rusqlite::Result<bool> {
    let metrics = serde_json::to_string(metrics).expect("strings serialise");
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM group_stats_store
                        WHERE run_id = ?1 AND metric IN (SELECT value FROM json_each(?2)))",
    )?
    .query_row(rusqlite::params![run_id, metrics], |row| row.get(0))
}
