//! Read-side SQL: every query a command runs against the store, with `?N`
//! placeholders and cached statements. Meaning lives in the views; these
//! queries only select from them.

use rusqlite::{Connection, Row};

use crate::model::RunRow;

const RUN_COLUMNS: &str = "r.id, r.name, r.commit_sha, r.branch, r.created_at, r.source_path,
                           t.serial_s, t.parallel_s, t.estimated";

fn run_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: row.get(0)?,
        name: row.get(1)?,
        commit_sha: row.get(2)?,
        branch: row.get(3)?,
        created_at: row.get(4)?,
        source_path: row.get(5)?,
        serial_s: row.get(6)?,
        parallel_s: row.get(7)?,
        estimated: row.get(8)?,
    })
}

/// Runs, newest first, optionally of one benchmark.
pub fn list_runs(
    conn: &Connection,
    name: Option<&str>,
    limit: u32,
) -> rusqlite::Result<Vec<RunRow>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM runs AS r JOIN run_totals AS t ON t.run_id = r.id
         WHERE ?1 IS NULL OR r.name = ?1
         ORDER BY r.id DESC LIMIT ?2"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(rusqlite::params![name, limit], run_row)?;
    rows.collect()
}

/// One run by id.
pub fn run(conn: &Connection, id: i64) -> rusqlite::Result<Option<RunRow>> {
    use rusqlite::OptionalExtension;
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM runs AS r JOIN run_totals AS t ON t.run_id = r.id WHERE r.id = ?1"
    );
    conn.prepare_cached(&sql)?
        .query_row([id], run_row)
        .optional()
}
