//! Read-side SQL for verdicts: the baseline window of a head run (the last N
//! runs of its benchmark on the baseline branch, up to the baseline run),
//! the runs of the head's commit, each window run's series values, which
//! metrics are counters, and the acknowledged shifts that cut a series'
//! history. Every query is index-backed: none reads the whole history.

use std::collections::BTreeSet;

use rusqlite::Connection;

const WINDOW_SQL: &str = "SELECT r.id, r.commit_sha, r.created_at FROM runs AS r
     WHERE r.name = ?1 AND r.branch IS ?2
       AND r.created_at <= ?3 AND (r.created_at < ?3 OR r.id <= ?4)
       AND r.commit_sha IS NOT ?5
       AND NOT EXISTS (SELECT 1 FROM run_exclusions AS e WHERE e.run_id = r.id)
     ORDER BY r.created_at DESC, r.id DESC
     LIMIT ?6";

/// A run of a baseline window.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowRun {
    pub id: i64,
    pub commit_sha: Option<String>,
    pub created_at: String,
}

/// One stored (group, metric) statistic of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesValue {
    pub group_name: String,
    pub metric: String,
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

/// An acknowledged shift of a series: history ordered before the run
/// (`created_at`, `id`) no longer counts for it.
#[derive(Clone, Debug, PartialEq)]
pub struct AckShift {
    pub group_name: String,
    pub metric: String,
    pub stat: String,
    pub created_at: String,
    pub run_id: i64,
}

/// The last `limit` runs of benchmark `name` on `branch`, ordered up to and
/// including `until` (its `created_at`, then id), excluded runs and runs at
/// `skip_commit` (the head's own commit) left out; oldest first. The index
/// `runs_by_name_branch_time` serves it as a backward range scan.
pub fn window_runs(
    conn: &Connection,
    name: &str,
    branch: Option<&str>,
    until: (&str, i64),
    skip_commit: Option<&str>,
    limit: usize,
) -> rusqlite::Result<Vec<WindowRun>> {
    let mut statement = conn.prepare_cached(WINDOW_SQL)?;
    let mut runs: Vec<WindowRun> = statement
        .query_map(
            rusqlite::params![name, branch, until.0, until.1, skip_commit, limit as i64],
            |row| {
                Ok(WindowRun {
                    id: row.get(0)?,
                    commit_sha: row.get(1)?,
                    created_at: row.get(2)?,
                })
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    runs.reverse();
    Ok(runs)
}

/// The runs of benchmark `name` at `commit` that are not excluded, oldest
/// first: the samples of the head commit.
pub fn runs_at_commit(conn: &Connection, name: &str, commit: &str) -> rusqlite::Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(
        "SELECT r.id FROM runs AS r
         WHERE r.commit_sha = ?2 AND r.name = ?1
           AND NOT EXISTS (SELECT 1 FROM run_exclusions AS e WHERE e.run_id = r.id)
         ORDER BY r.created_at, r.id",
    )?;
    statement
        .query_map(rusqlite::params![name, commit], |row| row.get(0))?
        .collect()
}

/// Every stored (group, metric) statistic of one run.
pub fn series_values(conn: &Connection, run_id: i64) -> rusqlite::Result<Vec<SeriesValue>> {
    let mut statement = conn.prepare_cached(
        "SELECT group_name, metric, count, sum, min, max
         FROM group_stats_store WHERE run_id = ?1",
    )?;
    statement
        .query_map([run_id], |row| {
            Ok(SeriesValue {
                group_name: row.get(0)?,
                metric: row.get(1)?,
                count: row.get(2)?,
                sum: row.get(3)?,
                min: row.get(4)?,
                max: row.get(5)?,
            })
        })?
        .collect()
}

/// How many non-finite samples each series of run `run_id` rests on
/// (migration V11's `series_nonfinite`): (group, metric, count), the run
/// totals with group `""`. Callers ask only for runs whose `nonfinite`
/// count is not 0, so other runs cost nothing.
pub fn nonfinite_series(
    conn: &Connection,
    run_id: i64,
) -> rusqlite::Result<Vec<(String, String, i64)>> {
    let mut statement = conn.prepare_cached(
        "SELECT group_name, metric, count FROM series_nonfinite WHERE run_id = ?1",
    )?;
    statement
        .query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect()
}

/// The (group, metric) pairs that are counters in run `run_id`: every
/// sample of the metric in the group is a counter (`kind` 0 in the stored
/// statistics, migration V7). A range of the stored statistics' primary
/// key, never the run's samples.
pub fn counter_series(
    conn: &Connection,
    run_id: i64,
) -> rusqlite::Result<BTreeSet<(String, String)>> {
    let mut statement = conn.prepare_cached(COUNTERS_SQL)?;
    statement
        .query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect()
}

const COUNTERS_SQL: &str = "SELECT group_name, metric FROM group_stats_store
     WHERE run_id = ?1 AND kind = 0";

/// The acknowledged shifts of benchmark `name`'s series, each located at the
/// first run of the benchmark at the acknowledged commit. Acks whose commit
/// has no run of the benchmark locate nothing and are left out.
pub fn ack_shifts(conn: &Connection, name: &str) -> rusqlite::Result<Vec<AckShift>> {
    let mut statement = conn.prepare_cached(
        "SELECT a.group_name, a.metric, a.stat,
                (SELECT r.created_at FROM runs AS r
                 WHERE r.commit_sha = a.commit_sha AND r.name = a.name
                 ORDER BY r.created_at, r.id LIMIT 1) AS created_at,
                (SELECT r.id FROM runs AS r
                 WHERE r.commit_sha = a.commit_sha AND r.name = a.name
                 ORDER BY r.created_at, r.id LIMIT 1) AS run_id
         FROM series_acks AS a
         WHERE a.name = ?1
         ORDER BY a.id",
    )?;
    let rows = statement.query_map([name], |row| {
        let created_at: Option<String> = row.get(3)?;
        let run_id: Option<i64> = row.get(4)?;
        let (group_name, metric, stat) = (row.get(0)?, row.get(1)?, row.get(2)?);
        Ok(created_at.zip(run_id).map(|(created_at, run_id)| AckShift {
            group_name,
            metric,
            stat,
            created_at,
            run_id,
        }))
    })?;
    let mut shifts = Vec::new();
    for row in rows {
        if let Some(shift) = row? {
            shifts.push(shift);
        }
    }
    Ok(shifts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_run(conn: &Connection, name: &str, commit: &str, branch: &str, at: &str) -> i64 {
        conn.execute(
            "INSERT INTO runs (name, commit_sha, branch, created_at, source_path, content_sha256,
                               entries, zero_counters, nonfinite)
             VALUES (?1, ?2, ?3, ?4, 'x.json', 'sha', 0, 0, 0)",
            rusqlite::params![name, commit, branch, at],
        )
        .unwrap();
        conn.last_insert_rowid()
    }

    #[test]
    fn window_is_the_last_runs_on_the_branch_up_to_the_baseline() {
        let conn = crate::db::open_in_memory();
        let mut ids = Vec::new();
        for i in 0..10 {
            let at = format!("2026-01-{:02}T00:00:00Z", 10 + i);
            ids.push(add_run(&conn, "fib", &format!("c{i}"), "main", &at));
        }
        // Ingested late but made earlier: ordered by created_at, not id.
        let backfilled = add_run(&conn, "fib", "old", "main", "2026-01-09T12:00:00Z");
        add_run(&conn, "fib", "pr", "feature", "2026-01-15T01:00:00Z");
        add_run(&conn, "other", "c5", "main", "2026-01-15T02:00:00Z");
        conn.execute(
            "INSERT INTO run_exclusions VALUES (?1, 'noisy box', 'ci', '2026-02-01T00:00:00Z')",
            [ids[6]],
        )
        .unwrap();
        let until = ("2026-01-17T00:00:00Z", ids[7]);
        let window = window_runs(&conn, "fib", Some("main"), until, None, 4).unwrap();
        let got: Vec<i64> = window.iter().map(|r| r.id).collect();
        assert_eq!(
            got,
            vec![ids[3], ids[4], ids[5], ids[7]],
            "excluded run 6 left out"
        );
        let all = window_runs(&conn, "fib", Some("main"), until, Some("c7"), 100).unwrap();
        let got: Vec<i64> = all.iter().map(|r| r.id).collect();
        let mut expected = vec![backfilled];
        expected.extend_from_slice(&ids[..6]);
        assert_eq!(got, expected, "oldest first, the head commit c7 skipped");
    }

    #[test]
    fn the_window_query_uses_the_index() {
        let conn = crate::db::open_in_memory();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {WINDOW_SQL}"))
            .unwrap()
            .query_map([1, 2, 3, 4, 5, 6], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("runs_by_name_branch_time"), "{plan}");
        assert!(
            !plan.contains("TEMP B-TREE"),
            "no sort of the history: {plan}"
        );
    }

    #[test]
    fn counters_are_read_from_the_stored_statistics_by_key() {
        let conn = crate::db::open_in_memory();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {COUNTERS_SQL}"))
            .unwrap()
            .query_map([1], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("SEARCH group_stats_store"), "{plan}");
        assert!(!plan.contains("samples"), "{plan}");
        let run = add_run(&conn, "fib", "a", "main", "2026-01-01T00:00:00Z");
        conn.execute_batch(&format!(
            "INSERT INTO group_stats_store (run_id, group_name, weight, metric, count, sum, min, max, kind)
             VALUES ({run}, 'app', 0, 'main_cells_used', 1, 5, 5, 5, 0),
                    ({run}, 'leaf', 1, 'main_cells_used', 2, 5, 2, 3, 1),
                    ({run}, 'app', 0, 'total_proof_time_ms', 1, 9, 9, 9, 1)"
        ))
        .unwrap();
        let counters = counter_series(&conn, run).unwrap();
        assert_eq!(
            counters.into_iter().collect::<Vec<_>>(),
            vec![("app".to_string(), "main_cells_used".to_string())],
            "a counter in one group, a gauge in another"
        );
    }

    #[test]
    fn acks_locate_their_shift_at_the_first_run_of_the_commit() {
        let conn = crate::db::open_in_memory();
        add_run(&conn, "fib", "a", "main", "2026-01-01T00:00:00Z");
        let first_b = add_run(&conn, "fib", "b", "main", "2026-01-02T00:00:00Z");
        add_run(&conn, "fib", "b", "main", "2026-01-03T00:00:00Z");
        conn.execute_batch(
            "INSERT INTO series_acks (name, group_name, metric, commit_sha, reason, created_by, created_at)
             VALUES ('fib', 'leaf', 'stark_prove_excluding_trace_time_ms', 'b', 'new prover', 'me', 'now'),
                    ('fib', '', 'serial_s', 'unknown', 'typo', 'me', 'now')",
        )
        .unwrap();
        let shifts = ack_shifts(&conn, "fib").unwrap();
        assert_eq!(
            shifts.len(),
            1,
            "the ack at an unknown commit locates nothing"
        );
        assert_eq!(shifts[0].run_id, first_b);
        assert_eq!(shifts[0].stat, "sum");
    }
}
