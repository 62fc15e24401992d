//! Annotations as data: run exclusions and acknowledged shifts, written by
//! `prof exclude` and `prof ack` into the tables of migration V6 and read
//! by `prof annotations` and `prof changes`.

use rusqlite::{Connection, OptionalExtension};

/// Who decided, and when (RFC 3339 UTC).
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub by: String,
    pub at: String,
}

/// An excluded run, with the run's identity.
#[derive(Clone, Debug, PartialEq)]
pub struct Exclusion {
    pub run_id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub reason: String,
    pub stamp: Stamp,
}

/// An acknowledged shift of one series at one commit.
#[derive(Clone, Debug, PartialEq)]
pub struct Ack {
    pub id: i64,
    pub name: String,
    /// `""` for the run totals `serial_s` and `parallel_s`.
    pub group_name: String,
    pub metric: String,
    pub stat: String,
    pub commit_sha: String,
    pub reason: String,
    pub stamp: Stamp,
}

/// Marks `run_id` excluded (again, with a new reason, if it already was).
pub fn exclude(
    conn: &Connection,
    run_id: i64,
    reason: &str,
    stamp: &Stamp,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO run_exclusions (run_id, reason, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (run_id) DO UPDATE SET reason = excluded.reason,
             created_by = excluded.created_by, created_at = excluded.created_at",
    )?
    .execute(rusqlite::params![run_id, reason, stamp.by, stamp.at])?;
    Ok(())
}

/// Brings `run_id` back; whether it was excluded.
pub fn unexclude(conn: &Connection, run_id: i64) -> rusqlite::Result<bool> {
    let removed = conn
        .prepare_cached("DELETE FROM run_exclusions WHERE run_id = ?1")?
        .execute([run_id])?;
    Ok(removed > 0)
}

/// Records an acknowledged shift; returns its id.
pub fn ack(conn: &Connection, ack: &Ack) -> rusqlite::Result<Acked> {
    use rusqlite::OptionalExtension;
    // One ack per series and commit: acknowledging it again replaces the
    // reason instead of stacking copies that `annotations` would list.
    let existing: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM series_acks
             WHERE name = ?1 AND group_name = ?2 AND metric = ?3 AND stat = ?4
               AND commit_sha = ?5",
        )?
        .query_row(
            rusqlite::params![
                ack.name,
                ack.group_name,
                ack.metric,
                ack.stat,
                ack.commit_sha
            ],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        conn.prepare_cached(
            "UPDATE series_acks SET reason = ?2, created_by = ?3, created_at = ?4 WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            id,
            ack.reason,
            ack.stamp.by,
            ack.stamp.at
        ])?;
        return Ok(Acked::Replaced(id));
    }
    conn.prepare_cached(
        "INSERT INTO series_acks (name, group_name, metric, stat, commit_sha, reason,
                                  created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(rusqlite::params![
        ack.name,
        ack.group_name,
        ack.metric,
        ack.stat,
        ack.commit_sha,
        ack.reason,
        ack.stamp.by,
        ack.stamp.at
    ])?;
    Ok(Acked::New(conn.last_insert_rowid()))
}

/// What [`ack`] did: a new ack, or a new reason for the one already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acked {
    New(i64),
    Replaced(i64),
}

/// The full commits of benchmark `name`'s runs that start with `prefix`.
pub fn commits_of(conn: &Connection, name: &str, prefix: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT commit_sha FROM runs
         WHERE name = ?1 AND substr(commit_sha, 1, length(?2)) = ?2
         ORDER BY commit_sha",
    )?;
    statement
        .query_map(rusqlite::params![name, prefix], |row| row.get(0))?
        .collect()
}

/// Whether benchmark `name` has the series (group, metric) stored in any run.
pub fn series_exists(
    conn: &Connection,
    name: &str,
    group: &str,
    metric: &str,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM runs AS r JOIN group_stats_store AS s ON s.run_id = r.id
                        WHERE r.name = ?1 AND s.group_name = ?2 AND s.metric = ?3)",
    )?
    .query_row(rusqlite::params![name, group, metric], |row| row.get(0))
}

/// Every exclusion, oldest decision first.
pub fn exclusions(conn: &Connection) -> rusqlite::Result<Vec<Exclusion>> {
    let mut statement = conn.prepare_cached(
        "SELECT e.run_id, r.name, r.commit_sha, r.branch, e.reason, e.created_by, e.created_at
         FROM run_exclusions AS e JOIN runs AS r ON r.id = e.run_id
         ORDER BY e.created_at, e.run_id",
    )?;
    statement
        .query_map([], |row| {
            Ok(Exclusion {
                run_id: row.get(0)?,
                name: row.get(1)?,
                commit_sha: row.get(2)?,
                branch: row.get(3)?,
                reason: row.get(4)?,
                stamp: Stamp {
                    by: row.get(5)?,
                    at: row.get(6)?,
                },
            })
        })?
        .collect()
}

/// Every acknowledged shift, in the order they were made.
pub fn acks(conn: &Connection) -> rusqlite::Result<Vec<Ack>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name, group_name, metric, stat, commit_sha, reason, created_by, created_at
         FROM series_acks ORDER BY id",
    )?;
    statement
        .query_map([], |row| {
            Ok(Ack {
                id: row.get(0)?,
                name: row.get(1)?,
                group_name: row.get(2)?,
                metric: row.get(3)?,
                stat: row.get(4)?,
                commit_sha: row.get(5)?,
                reason: row.get(6)?,
                stamp: Stamp {
                    by: row.get(7)?,
                    at: row.get(8)?,
                },
            })
        })?
        .collect()
}

/// The reason a run was excluded, if it was.
pub fn exclusion_reason(conn: &Connection, run_id: i64) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT reason FROM run_exclusions WHERE run_id = ?1")?
        .query_row([run_id], |row| row.get(0))
        .optional()
}
