//! Removing runs: `prof rm`. A run goes with everything that refers to it
//! (its samples, `--meta` pairs, stored aggregates and any other table whose
//! rows name it with `ON DELETE CASCADE`), all runs of one call in one
//! transaction. Interned strings and label sets stay: other runs share them.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// What was removed of one run, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedRun {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub samples: i64,
}

/// Why nothing was removed.
#[derive(Debug)]
pub enum RemoveError {
    /// A run was removed by someone else after it was resolved.
    Gone(i64),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for RemoveError {
    fn from(error: rusqlite::Error) -> Self {
        RemoveError::Sqlite(error)
    }
}

/// Removes every run in `ids`, all or none.
pub fn remove_runs(conn: &mut Connection, ids: &[i64]) -> Result<Vec<RemovedRun>, RemoveError> {
    // The cascades are declared in the schema; SQLite follows them only
    // with foreign keys on, which must be set outside a transaction. A
    // table that refers to runs without a cascade then stops the delete
    // instead of being left pointing at nothing.
    conn.pragma_update(None, "foreign_keys", true)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut removed = Vec::with_capacity(ids.len());
    for &id in ids {
        let run = tx
            .prepare_cached(
                "SELECT id, name, commit_sha, branch,
                        (SELECT COUNT(*) FROM samples WHERE run_id = runs.id)
                 FROM runs WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(RemovedRun {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    commit_sha: r.get(2)?,
                    branch: r.get(3)?,
                    samples: r.get(4)?,
                })
            })
            .optional()?
            .ok_or(RemoveError::Gone(id))?;
        tx.prepare_cached("DELETE FROM runs WHERE id = ?1")?
            .execute([id])?;
        removed.push(run);
    }
    tx.commit()?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_a_run_with_everything_that_refers_to_it() {
        let mut conn = crate::db::open_in_memory();
        let body = br#"{"gauge": [{"labels": [["group", "app"]], "metric": "m", "value": "1"}]}"#;
        let first = crate::ingest_pipeline::ingest_bytes_for_tests(&mut conn, body);
        let second =
            crate::ingest_pipeline::ingest_bytes_for_tests(&mut conn, &[&body[..], b"\n"].concat());
        conn.execute(
            "INSERT INTO run_meta (run_id, key, value) VALUES (?1, 'k', 'v')",
            [first],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO run_exclusions (run_id, reason, created_by, created_at)
             VALUES (?1, 'r', 'me', '2026-01-01T00:00:00Z')",
            [first],
        )
        .unwrap();
        let removed = remove_runs(&mut conn, &[first]).unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].samples, 1);
        let left = |table: &str| -> i64 {
            conn.query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE run_id = ?1"),
                [first],
                |r| r.get(0),
            )
            .unwrap()
        };
        // Every table whose rows name a run, read from the schema, so a
        // table added later cannot keep rows of a removed run.
        let referencing: Vec<String> = conn
            .prepare(
                "SELECT m.name FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
                 WHERE m.type = 'table' AND f.\"table\" = 'runs' ORDER BY m.name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for table in ["samples", "run_meta", "group_stats_store", "run_exclusions"] {
            assert!(referencing.iter().any(|t| t == table), "{referencing:?}");
        }
        for table in &referencing {
            assert_eq!(left(table), 0, "{table}");
        }
        let others: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM samples WHERE run_id = ?1",
                [second],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(others, 1, "the other run keeps its samples");
        // A run that is gone stops the whole call: nothing is removed.
        assert!(matches!(
            remove_runs(&mut conn, &[second, first]),
            Err(RemoveError::Gone(id)) if id == first
        ));
        let runs: i64 = conn
            .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(runs, 1);
    }

    #[test]
    fn a_removed_runs_id_is_never_given_again() {
        let mut conn = crate::db::open_in_memory();
        let file = |n: u32| {
            format!(
                r#"{{"gauge": [{{"labels": [["group", "app"]], "metric": "m", "value": "{n}"}}]}}"#
            )
        };
        let ingest = |conn: &mut Connection, n| {
            crate::ingest_pipeline::ingest_bytes_for_tests(conn, file(n).as_bytes())
        };
        let ids: Vec<i64> = (0..3).map(|n| ingest(&mut conn, n)).collect();
        assert_eq!(ids, [1, 2, 3]);
        // The newest two go, the newer first: the largest removed id counts.
        remove_runs(&mut conn, &[3]).unwrap();
        remove_runs(&mut conn, &[2]).unwrap();
        assert_eq!(ingest(&mut conn, 10), 4);
        // A DELETE from outside prof is remembered too.
        conn.execute("DELETE FROM runs WHERE id = 4", []).unwrap();
        assert_eq!(ingest(&mut conn, 11), 5);
        // With every run gone, numbering still goes on.
        remove_runs(&mut conn, &[1, 5]).unwrap();
        assert_eq!(ingest(&mut conn, 12), 6);
        // At the largest id SQLite stores, it picks an unused one instead.
        conn.execute(
            "INSERT INTO runs (id, name, created_at, source_path, content_sha256, entries,
                               zero_counters, nonfinite)
             VALUES (9223372036854775807, 'last', '2026-01-01T00:00:00Z', '', '', 0, 0, 0)",
            [],
        )
        .unwrap();
        let next = ingest(&mut conn, 13);
        assert!(next > 0 && next != i64::MAX, "{next}");
    }
}
