//! Tests of the schema as a whole: per-run queries are index lookups, a
//! migration that corrects a definition rebuilds the stored rows, and the
//! weights Rust names are the ones the view gives.

use rusqlite::Connection;

use super::embedded;
use crate::ingest_pipeline::ingest_bytes_for_tests;
use crate::model::weight;

/// A metrics file whose groups carry every stage name of SEMANTICS, older
/// ones included, each with a proof time.
fn stages_file() -> String {
    let groups = [
        "fib",
        "leaf_verifier",
        "internal_verifier_height_0",
        "root_verifier",
        "halo2_verifier",
        "halo2_outer",
        "halo2_wrapper",
        "app_keygen",
    ];
    let entries: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            format!(
                r#"{{"labels": [["group", "{group}"], ["segment", "0"]], "metric": "total_proof_time_ms", "value": "{}"}},
                   {{"labels": [["group", "{group}"], ["segment", "1"]], "metric": "total_proof_time_ms", "value": "{}"}}"#,
                10 * (i + 1),
                10 * (i + 1) + 1
            )
        })
        .collect();
    format!(r#"{{"gauge": [{}]}}"#, entries.join(","))
}

fn migrate_to(conn: &mut Connection, version: i32) {
    embedded::migrations::runner()
        .set_target(refinery::Target::Version(version))
        .run(conn)
        .expect("the embedded migrations apply");
}

fn weights(conn: &Connection, run: i64) -> Vec<(String, i64)> {
    let mut statement = conn
        .prepare(
            "SELECT group_name, weight FROM group_proof_time WHERE run_id = ?1 ORDER BY group_name",
        )
        .unwrap();
    let rows = statement
        .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn the_prefix_migration_rebuilds_the_stored_rows_of_old_runs() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate_to(&mut conn, 3);
    // Today's writer numbers a run through `next_run_id` (V10), which a V3
    // database lacks: a temporary view of SQLite's own numbering stands in.
    conn.execute_batch(
        "CREATE TEMP VIEW next_run_id AS SELECT COALESCE(MAX(id), 0) + 1 AS id FROM main.runs",
    )
    .unwrap();
    let run = ingest_bytes_for_tests(&mut conn, stages_file().as_bytes());
    let before = weights(&conn, run);
    assert!(
        before.contains(&("leaf_verifier".to_string(), weight::APP)),
        "exact names made older stages app groups: {before:?}"
    );
    migrate_to(&mut conn, 4);
    let expected = vec![
        ("fib".to_string(), weight::APP),
        ("halo2_outer".to_string(), weight::HALO2_OUTER),
        ("halo2_verifier".to_string(), weight::HALO2_OUTER),
        ("halo2_wrapper".to_string(), weight::HALO2_WRAPPER),
        ("internal_verifier_height_0".to_string(), weight::INTERNAL),
        ("leaf_verifier".to_string(), weight::LEAF),
        ("root_verifier".to_string(), weight::ROOT),
    ];
    assert_eq!(weights(&conn, run), expected, "keygen stays out");
    // The rebuilt rows are what an ingest at the new version stores.
    let mut fresh = crate::db::open_in_memory();
    let fresh_run = ingest_bytes_for_tests(&mut fresh, stages_file().as_bytes());
    let stats = |conn: &Connection, run: i64| -> Vec<(String, i64, String, f64)> {
        let mut statement = conn
            .prepare("SELECT group_name, weight, metric, sum FROM group_stats WHERE run_id = ?1 ORDER BY 1, 3")
            .unwrap();
        let rows = statement
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(stats(&conn, run), stats(&fresh, fresh_run));
    let scope: i64 = conn
        .query_row("SELECT COUNT(*) FROM aggregate_scope", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scope, 0, "the scope is empty outside a write");
}

#[test]
fn the_named_weights_are_the_ones_the_view_gives() {
    let mut conn = crate::db::open_in_memory();
    let run = ingest_bytes_for_tests(&mut conn, stages_file().as_bytes());
    let stored: Vec<(String, i64)> = {
        let mut statement = conn
            .prepare("SELECT group_name, weight FROM group_weights ORDER BY group_name")
            .unwrap();
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let named = [
        ("app_keygen", weight::KEYGEN),
        ("fib", weight::APP),
        ("halo2_outer", weight::HALO2_OUTER),
        ("halo2_verifier", weight::HALO2_OUTER),
        ("halo2_wrapper", weight::HALO2_WRAPPER),
        ("internal_verifier_height_0", weight::INTERNAL),
        ("leaf_verifier", weight::LEAF),
        ("root_verifier", weight::ROOT),
    ];
    let named: Vec<(String, i64)> = named.iter().map(|(g, w)| (g.to_string(), *w)).collect();
    assert_eq!(stored, named);
    let app_groups: Vec<String> = conn
        .prepare("SELECT DISTINCT group_name FROM group_stats WHERE run_id = ?1 AND weight = ?2")
        .unwrap()
        .query_map(rusqlite::params![run, weight::APP], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(app_groups, vec!["fib".to_string()]);
}

#[test]
fn per_run_queries_are_index_lookups() {
    let mut conn = crate::db::open_in_memory();
    // A history of a few runs, so no plan is a scan because a table is empty.
    for _ in 0..3 {
        ingest_bytes_for_tests(&mut conn, stages_file().as_bytes());
    }
    let stored_tables = [
        "samples",
        "group_stats_store",
        "group_proof_time_store",
        "run_proofs_store",
        "derived_proof_times_store",
        "derived_blob_times_store",
        "label_sets",
        "label_values",
    ];
    for (name, sql) in super::queries::PER_RUN_QUERIES {
        let mut statement = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut rows = statement.raw_query();
        let mut plan = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            plan.push(row.get::<_, String>(3).unwrap());
        }
        for step in &plan {
            for table in stored_tables {
                assert!(
                    !(step.starts_with(&format!("SCAN {table}"))
                        || step.starts_with("SCAN") && step.contains(&format!(" {table} "))),
                    "{name} scans {table}: {plan:?}"
                );
            }
        }
        let searches = plan.iter().any(|s| s.starts_with("SEARCH"));
        assert!(searches, "{name} looks nothing up by index: {plan:?}");
    }
}

#[test]
fn the_build_knows_the_newest_migration_refinery_embeds() {
    let embedded = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0);
    assert_eq!(super::latest_schema_version(), embedded);
}

/// `run_totals` filtered to one benchmark reads that benchmark's runs only:
/// before migration V9 its GROUP BY made SQLite total every run first.
#[test]
fn one_benchmarks_totals_read_only_its_runs() {
    let mut conn = crate::db::open_in_memory();
    for _ in 0..3 {
        ingest_bytes_for_tests(&mut conn, stages_file().as_bytes());
    }
    let mut statement = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT run_id, serial_s, parallel_s FROM run_totals
             WHERE name = ?1 AND branch = ?2 ORDER BY run_id",
        )
        .unwrap();
    let mut rows = statement.raw_query();
    let mut plan = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        plan.push(row.get::<_, String>(3).unwrap());
    }
    assert!(
        plan.iter()
            .all(|step| !step.starts_with("SCAN") && !step.starts_with("MATERIALIZE")),
        "{plan:?}"
    );
    assert!(
        plan.iter().any(|step| step.starts_with("SEARCH r USING")),
        "{plan:?}"
    );
}

/// `series_nonfinite` names every series a lost value reads low in: the
/// metric, the proof time derived from it, the run totals (from any metric
/// they read, the app's execution included; not for a keygen group, which
/// they leave out), and the blob total.
#[test]
fn a_lost_value_marks_the_series_built_on_it() {
    let mut conn = crate::db::open_in_memory();
    let entry = |group: &str, metric: &str, value: &str| {
        format!(
            r#"{{"labels": [["group", "{group}"], ["idx", "0"]], "metric": "{metric}", "value": "{value}"}}"#
        )
    };
    let mut gauges = Vec::new();
    for group in ["leaf", "agg_keygen"] {
        gauges.push(entry(group, "execute_preflight_time_ms", "10"));
        gauges.push(entry(group, "trace_gen_time_ms", "20"));
        gauges.push(entry(group, "main_cells_used", "5"));
    }
    gauges.push(entry("leaf", "stark_prove_excluding_trace_time_ms", "NaN"));
    gauges.push(entry(
        "agg_keygen",
        "stark_prove_excluding_trace_time_ms",
        "inf",
    ));
    gauges.push(entry("leaf", "generate_blob_time_ms", "-inf"));
    // The app's execution time reaches the totals (V3's app_serial_ms).
    gauges.push(entry("app", "execute_e1_time_ms", "NaN"));
    // A keygen group with nothing but a NaN has no statistics at all, and
    // is still keygen.
    gauges.push(entry("app_keygen", "total_proof_time_ms", "NaN"));
    let file = format!(r#"{{"gauge": [{}]}}"#, gauges.join(","));
    let run = ingest_bytes_for_tests(&mut conn, file.as_bytes());
    let mut statement = conn
        .prepare(
            "SELECT group_name, metric, count FROM series_nonfinite
             WHERE run_id = ?1 ORDER BY group_name, metric",
        )
        .unwrap();
    let rows: Vec<(String, String, i64)> = statement
        .query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let expected = [
        ("", "parallel_s", 2),
        ("", "serial_s", 2),
        ("agg_keygen", "stark_prove_excluding_trace_time_ms", 1),
        ("agg_keygen", "total_proof_time_ms", 1),
        ("app", "execute_e1_time_ms", 1),
        ("app_keygen", "total_proof_time_ms", 1),
        ("leaf", "generate_blob_time_ms", 1),
        ("leaf", "generate_blob_total_time_ms", 1),
        ("leaf", "stark_prove_excluding_trace_time_ms", 1),
        ("leaf", "total_proof_time_ms", 1),
    ];
    let expected: Vec<(String, String, i64)> = expected
        .iter()
        .map(|&(g, m, n)| (g.to_string(), m.to_string(), n))
        .collect();
    assert_eq!(rows, expected);
}

/// Asking `series_nonfinite` about a run reads the partial index of
/// non-finite samples, never the samples themselves: a history of clean
/// runs costs nothing, and a large run with one NaN costs one row.
#[test]
fn lost_values_are_read_from_their_own_index() {
    let mut conn = crate::db::open_in_memory();
    ingest_bytes_for_tests(&mut conn, stages_file().as_bytes());
    let mut statement = conn
        .prepare("EXPLAIN QUERY PLAN SELECT * FROM series_nonfinite WHERE run_id = ?1")
        .unwrap();
    let mut rows = statement.raw_query();
    let mut plan = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        plan.push(row.get::<_, String>(3).unwrap());
    }
    let reads_of_samples: Vec<&String> = plan
        .iter()
        .filter(|step| step.starts_with("SCAN s ") || step.starts_with("SEARCH s "))
        .collect();
    assert_eq!(reads_of_samples.len(), 4, "{plan:?}");
    assert!(
        reads_of_samples
            .iter()
            .all(|step| step.contains("samples_nonfinite")),
        "{plan:?}"
    );
}
